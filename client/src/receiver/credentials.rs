//! The credentials a receiver expects, which FusionAuth must send.

use std::fmt;

use fusionauth_webhooks::env::{
    self, Env, FUSIONAUTH_WEBHOOK_API_KEY, FUSIONAUTH_WEBHOOK_BASIC_PASSWORD,
    FUSIONAUTH_WEBHOOK_BASIC_USER, FUSIONAUTH_WEBHOOK_HEADERS,
};

/// What a receiver requires of each request, as the core's environment
/// variables configure it: an `Authorization` key, HTTP basic auth, other
/// headers. `Debug` shows which are set, never their values.
///
/// ```
/// use fusionauth_webhooks::env::Env;
/// use fusionauth_webhooks_client::receiver::Credentials;
///
/// let vars = |name: &str| match name {
///     "FUSIONAUTH_WEBHOOK_API_KEY" => Some("k3y".to_owned()),
///     "FUSIONAUTH_WEBHOOK_HEADERS" => Some("X-Tenant=acme".to_owned()),
///     _ => None,
/// };
/// let credentials = Credentials::from_env_with(Env::from_fn(&vars))?;
/// assert_eq!(credentials.api_key.as_deref(), Some("k3y"));
/// assert_eq!(credentials.headers, vec![("X-Tenant".to_owned(), "acme".to_owned())]);
/// assert!(!format!("{credentials:?}").contains("k3y"));
/// # Ok::<(), fusionauth_webhooks_client::ClientConfigError>(())
/// ```
#[derive(Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Credentials {
    /// The `Authorization` header value.
    pub api_key: Option<String>,
    /// HTTP basic auth: username and password.
    pub basic_auth: Option<(String, String)>,
    /// Other required headers, name and value.
    pub headers: Vec<(String, String)>,
}

impl Credentials {
    /// From the process environment; see [`from_env_with`](Self::from_env_with).
    pub fn from_env() -> Result<Credentials, crate::ClientConfigError> {
        Credentials::from_env_with(Env::process())
    }

    /// From the core's variables, as the receiver reads them:
    /// [`FUSIONAUTH_WEBHOOK_API_KEY`], [`FUSIONAUTH_WEBHOOK_BASIC_USER`] and
    /// [`FUSIONAUTH_WEBHOOK_BASIC_PASSWORD`] (both or neither), and
    /// [`FUSIONAUTH_WEBHOOK_HEADERS`] (`Name=value;Other=value`).
    pub fn from_env_with(env: Env<'_>) -> Result<Credentials, crate::ClientConfigError> {
        let basic_auth = match (
            env.var(FUSIONAUTH_WEBHOOK_BASIC_USER)?,
            env.var(FUSIONAUTH_WEBHOOK_BASIC_PASSWORD)?,
        ) {
            (Some(user), Some(password)) => Some((user, password)),
            (None, None) => None,
            (Some(_), None) => {
                return Err(missing_half(FUSIONAUTH_WEBHOOK_BASIC_PASSWORD, "username"));
            }
            (None, Some(_)) => {
                return Err(missing_half(FUSIONAUTH_WEBHOOK_BASIC_USER, "password"));
            }
        };
        Ok(Credentials {
            api_key: env.var(FUSIONAUTH_WEBHOOK_API_KEY)?,
            basic_auth,
            headers: env.headers(FUSIONAUTH_WEBHOOK_HEADERS)?,
        })
    }

    /// Whether no credential is set.
    pub fn is_empty(&self) -> bool {
        self.api_key.is_none() && self.basic_auth.is_none() && self.headers.is_empty()
    }

    /// Every header the webhook must send, `Authorization` first.
    pub fn webhook_headers(&self) -> Vec<(String, String)> {
        self.api_key
            .iter()
            .map(|key| ("Authorization".to_owned(), key.clone()))
            .chain(self.headers.iter().cloned())
            .collect()
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("api_key", &self.api_key.as_ref().map(|_| "[REDACTED]"))
            .field(
                "basic_auth",
                &self
                    .basic_auth
                    .as_ref()
                    .map(|(user, _)| (user, "[REDACTED]")),
            )
            .field(
                "headers",
                &self
                    .headers
                    .iter()
                    .map(|(name, _)| name)
                    .collect::<Vec<_>>(),
            )
            .finish()
    }
}

/// Half of a basic-auth pair, reported as the core reports it.
fn missing_half(name: &'static str, other: &str) -> crate::ClientConfigError {
    env::EnvError::new(name, format!("must be set with the {other}")).into()
}
