//! The credentials a receiver expects, which FusionAuth must send.

use std::fmt;

use fusionauth_webhooks::env::{
    FUSIONAUTH_WEBHOOK_API_KEY as ENV_API_KEY,
    FUSIONAUTH_WEBHOOK_BASIC_PASSWORD as ENV_BASIC_PASSWORD,
    FUSIONAUTH_WEBHOOK_BASIC_USER as ENV_BASIC_USER, FUSIONAUTH_WEBHOOK_HEADERS as ENV_HEADERS,
};

/// What a receiver requires of each request, as the core's environment
/// variables configure it: an `Authorization` key, HTTP basic auth, other
/// headers. `Debug` shows which are set, never their values.
///
/// ```
/// use fusionauth_webhooks_client::Credentials;
///
/// let env = |name: &str| match name {
///     "FUSIONAUTH_WEBHOOK_API_KEY" => Some("k3y".to_owned()),
///     "FUSIONAUTH_WEBHOOK_HEADERS" => Some("X-Tenant=acme".to_owned()),
///     _ => None,
/// };
/// let credentials = Credentials::from_env_with(env)?;
/// assert_eq!(credentials.api_key.as_deref(), Some("k3y"));
/// assert_eq!(credentials.headers, vec![("X-Tenant".to_owned(), "acme".to_owned())]);
/// assert!(!format!("{credentials:?}").contains("k3y"));
/// # Ok::<(), fusionauth_webhooks_client::ConfigError>(())
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
    pub fn from_env() -> Result<Credentials, crate::ConfigError> {
        Credentials::from_env_with(|name| std::env::var(name).ok())
    }

    /// From the core's variables `FUSIONAUTH_WEBHOOK_API_KEY`,
    /// `FUSIONAUTH_WEBHOOK_BASIC_USER` and `_BASIC_PASSWORD` (both or
    /// neither), and `FUSIONAUTH_WEBHOOK_HEADERS` (`Name=value;Other=value`).
    pub fn from_env_with(
        lookup: impl Fn(&str) -> Option<String>,
    ) -> Result<Credentials, crate::ConfigError> {
        let var = |name: &'static str| lookup(name).filter(|value| !value.is_empty());
        let basic_auth = match (var(ENV_BASIC_USER), var(ENV_BASIC_PASSWORD)) {
            (Some(user), Some(password)) => Some((user, password)),
            (None, None) => None,
            (Some(_), None) => return Err(crate::ConfigError::MissingEnv(ENV_BASIC_PASSWORD)),
            (None, Some(_)) => return Err(crate::ConfigError::MissingEnv(ENV_BASIC_USER)),
        };
        let mut headers = Vec::new();
        for entry in var(ENV_HEADERS).unwrap_or_default().split([';', '\n']) {
            let entry = entry.trim();
            if entry.is_empty() {
                continue;
            }
            match entry.split_once('=') {
                Some((name, value)) if !name.trim().is_empty() && !value.trim().is_empty() => {
                    headers.push((name.trim().to_owned(), value.trim().to_owned()));
                }
                _ => {
                    return Err(crate::ConfigError::InvalidEnv {
                        name: ENV_HEADERS,
                        reason: "expects `Name=value` pairs separated by `;`".to_owned(),
                    });
                }
            }
        }
        Ok(Credentials {
            api_key: var(ENV_API_KEY),
            basic_auth,
            headers,
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
