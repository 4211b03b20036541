//! The one reader of configuration variables, shared by every `from_env`.
//!
//! A variable that is set must be usable: set but empty, or not valid
//! Unicode, is an error naming the variable, never "unset", so that a blank
//! or mangled secret cannot turn a check off silently.

/// A variable that is set but cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct EnvError {
    /// The variable's name.
    pub(crate) name: &'static str,
    /// What is wrong with its value.
    pub(crate) reason: String,
}

impl EnvError {
    pub(crate) fn new(name: &'static str, reason: impl Into<String>) -> EnvError {
        EnvError {
            name,
            reason: reason.into(),
        }
    }
}

/// Looks a variable up: `Ok(None)` when unset.
pub(crate) trait Lookup {
    fn var(&self, name: &'static str) -> Result<Option<String>, EnvError>;
}

/// The process environment.
pub(crate) struct ProcessEnv;

impl Lookup for ProcessEnv {
    fn var(&self, name: &'static str) -> Result<Option<String>, EnvError> {
        match std::env::var_os(name) {
            None => Ok(None),
            Some(value) => value
                .into_string()
                .map_err(|_| EnvError::new(name, "is not valid Unicode"))
                .and_then(|value| non_empty(name, value)),
        }
    }
}

/// Variables from a function, such as a map in tests or a secrets store.
pub(crate) struct FnEnv<F>(pub(crate) F);

impl<F: Fn(&str) -> Option<String>> Lookup for FnEnv<F> {
    fn var(&self, name: &'static str) -> Result<Option<String>, EnvError> {
        match (self.0)(name) {
            None => Ok(None),
            Some(value) => non_empty(name, value),
        }
    }
}

fn non_empty(name: &'static str, value: String) -> Result<Option<String>, EnvError> {
    if value.is_empty() {
        Err(EnvError::new(name, "is set but empty"))
    } else {
        Ok(Some(value))
    }
}

/// Reads a duration such as `5s`, `1500ms` or `1m 30s` (humantime's format).
pub(crate) fn duration(
    env: &dyn Lookup,
    name: &'static str,
) -> Result<Option<std::time::Duration>, EnvError> {
    env.var(name)?
        .map(|text| {
            humantime::parse_duration(text.trim()).map_err(|error| {
                EnvError::new(
                    name,
                    format!("expected a duration such as `5s` or `1500ms` ({error})"),
                )
            })
        })
        .transpose()
}
