//! Every environment variable of the receiver, its FusionAuth client, the
//! `fusionauth-webhooks` command and the delivery stores, and the one rule
//! for reading them.
//!
//! Each constant is named as its variable is, so that what a program reads
//! is what its operator sets. The receiver's variables are read by
//! [`WebhookBuilder::from_env`](crate::WebhookBuilder::from_env); the client
//! crate (`fusionauth-webhooks-client`) and the command read theirs through
//! [`Env`], by the same rule:
//!
//! **A variable that is set must be usable.** Set but empty, or not valid
//! Unicode, is an error naming the variable, never "unset", so that a blank or
//! mangled secret cannot turn a check off silently. Values are taken as they
//! are: white space around a number or a duration is ignored when it is
//! parsed, white space around a secret is an error where it is used.
//!
//! # Example
//!
//! ```
//! use fusionauth_webhooks::env::{self, Env};
//!
//! let vars = |name: &str| match name {
//!     env::FUSIONAUTH_WEBHOOK_API_KEY => Some("a-long-random-key".to_owned()),
//!     env::FUSIONAUTH_WEBHOOK_HANDLER_TIMEOUT => Some("1500ms".to_owned()),
//!     env::FUSIONAUTH_URL => Some(String::new()),
//!     _ => None,
//! };
//! let env = Env::from_fn(&vars);
//! assert_eq!(env.var(env::FUSIONAUTH_WEBHOOK_API_KEY)?.as_deref(), Some("a-long-random-key"));
//! assert_eq!(
//!     env.duration(env::FUSIONAUTH_WEBHOOK_HANDLER_TIMEOUT)?,
//!     Some(std::time::Duration::from_millis(1500)),
//! );
//! assert_eq!(env.var(env::FUSIONAUTH_WEBHOOK_HEADERS)?, None);
//! // Set but empty is an error, not "unset".
//! let error = env.var(env::FUSIONAUTH_URL).unwrap_err();
//! assert_eq!(error.to_string(), "environment variable FUSIONAUTH_URL is set but empty");
//! # Ok::<(), fusionauth_webhooks::env::EnvError>(())
//! ```

use std::fmt;
use std::time::Duration;

// The receiver: what `WebhookBuilder::from_env` reads.

/// The expected `Authorization` header value (FusionAuth webhook, Headers tab).
pub const FUSIONAUTH_WEBHOOK_API_KEY: &str = "FUSIONAUTH_WEBHOOK_API_KEY";
/// The basic-auth username (FusionAuth webhook, Security tab).
pub const FUSIONAUTH_WEBHOOK_BASIC_USER: &str = "FUSIONAUTH_WEBHOOK_BASIC_USER";
/// The basic-auth password (FusionAuth webhook, Security tab).
pub const FUSIONAUTH_WEBHOOK_BASIC_PASSWORD: &str = "FUSIONAUTH_WEBHOOK_BASIC_PASSWORD";
/// Extra required headers: `Name=value` pairs separated by `;` or newlines.
/// A name may repeat to accept several values while rotating.
pub const FUSIONAUTH_WEBHOOK_HEADERS: &str = "FUSIONAUTH_WEBHOOK_HEADERS";
/// The body limit: bytes, or a number with a `KiB` or `MiB` suffix.
pub const FUSIONAUTH_WEBHOOK_MAX_BODY: &str = "FUSIONAUTH_WEBHOOK_MAX_BODY";
/// The handler timeout, such as `5s` or `1500ms`
/// ([`WebhookBuilder::handler_timeout`](crate::WebhookBuilder::handler_timeout)).
pub const FUSIONAUTH_WEBHOOK_HANDLER_TIMEOUT: &str = "FUSIONAUTH_WEBHOOK_HANDLER_TIMEOUT";
/// The body read timeout, such as `30s`
/// ([`WebhookBuilder::body_read_timeout`](crate::WebhookBuilder::body_read_timeout)).
pub const FUSIONAUTH_WEBHOOK_BODY_TIMEOUT: &str = "FUSIONAUTH_WEBHOOK_BODY_TIMEOUT";
/// An HMAC secret that signatures are checked with (feature `signature`).
pub const FUSIONAUTH_WEBHOOK_HMAC_SECRET: &str = "FUSIONAUTH_WEBHOOK_HMAC_SECRET";
/// The HMAC key's id (its Key Master id), when signatures name it.
pub const FUSIONAUTH_WEBHOOK_HMAC_KID: &str = "FUSIONAUTH_WEBHOOK_HMAC_KID";
/// The path of a JWKS file whose keys signatures are checked with.
pub const FUSIONAUTH_WEBHOOK_JWKS: &str = "FUSIONAUTH_WEBHOOK_JWKS";

// FusionAuth's API: what the client crate and the command read.

/// The FusionAuth instance's base URL, such as `https://auth.example.com`.
pub const FUSIONAUTH_URL: &str = "FUSIONAUTH_URL";
/// A FusionAuth API key.
pub const FUSIONAUTH_API_KEY: &str = "FUSIONAUTH_API_KEY";
/// The tenant of tenant-scoped calls, for an API key not bound to one.
pub const FUSIONAUTH_TENANT_ID: &str = "FUSIONAUTH_TENANT_ID";
/// The path of a PEM file with the CA certificate that FusionAuth's TLS
/// certificate is checked against (a private CA).
pub const FUSIONAUTH_CA_CERT: &str = "FUSIONAUTH_CA_CERT";

// The webhook as FusionAuth holds it: what sync, doctor and replay read.

/// The receiver's public URL, as FusionAuth's webhook calls it.
pub const FUSIONAUTH_WEBHOOK_URL: &str = "FUSIONAUTH_WEBHOOK_URL";
/// The id of the FusionAuth webhook, when it is not found by its URL.
pub const FUSIONAUTH_WEBHOOK_ID: &str = "FUSIONAUTH_WEBHOOK_ID";
/// The Key Master id of the key FusionAuth signs the webhook with.
pub const FUSIONAUTH_WEBHOOK_SIGNING_KEY_ID: &str = "FUSIONAUTH_WEBHOOK_SIGNING_KEY_ID";

// Delivery: the shared stores of dedup marks, queues and inboxes (read by
// the `workers` example; name yours the same).

/// The SQL database of the inbox, the queue and the dedup store
/// (`fusionauth-webhooks-sqlx`): `sqlite://PATH` for one machine,
/// `postgres://USER@HOST/DATABASE` for several.
pub const DATABASE_URL: &str = "DATABASE_URL";
/// The Redis of the dedup store and the queue (`fusionauth-webhooks-redis`),
/// such as `redis://127.0.0.1:6379/`.
pub const REDIS_URL: &str = "REDIS_URL";

/// Every variable above, for a program that checks what it was given
/// before it reads (the command checks each one its arguments take).
///
/// ```
/// use fusionauth_webhooks::env;
///
/// assert!(env::ALL.contains(&env::FUSIONAUTH_WEBHOOK_API_KEY));
/// assert!(env::ALL.iter().all(|name| name.starts_with("FUSIONAUTH_") || name.ends_with("_URL")));
/// ```
pub const ALL: &[&str] = &[
    FUSIONAUTH_WEBHOOK_API_KEY,
    FUSIONAUTH_WEBHOOK_BASIC_USER,
    FUSIONAUTH_WEBHOOK_BASIC_PASSWORD,
    FUSIONAUTH_WEBHOOK_HEADERS,
    FUSIONAUTH_WEBHOOK_MAX_BODY,
    FUSIONAUTH_WEBHOOK_HANDLER_TIMEOUT,
    FUSIONAUTH_WEBHOOK_BODY_TIMEOUT,
    FUSIONAUTH_WEBHOOK_HMAC_SECRET,
    FUSIONAUTH_WEBHOOK_HMAC_KID,
    FUSIONAUTH_WEBHOOK_JWKS,
    FUSIONAUTH_URL,
    FUSIONAUTH_API_KEY,
    FUSIONAUTH_TENANT_ID,
    FUSIONAUTH_CA_CERT,
    FUSIONAUTH_WEBHOOK_URL,
    FUSIONAUTH_WEBHOOK_ID,
    FUSIONAUTH_WEBHOOK_SIGNING_KEY_ID,
    DATABASE_URL,
    REDIS_URL,
];

/// Where variables are read from: the process environment, or a function
/// (a map in tests, a secrets store).
#[derive(Clone, Copy)]
pub struct Env<'a> {
    /// `None` for the process environment.
    lookup: Option<&'a Lookup<'a>>,
}

/// Looks a variable up by name: `None` when it is unset.
type Lookup<'a> = dyn Fn(&str) -> Option<String> + 'a;

impl Env<'static> {
    /// The process environment.
    ///
    /// ```
    /// use fusionauth_webhooks::env::Env;
    ///
    /// assert_eq!(Env::process().var("FUSIONAUTH_NO_SUCH_VARIABLE")?, None);
    /// # Ok::<(), fusionauth_webhooks::env::EnvError>(())
    /// ```
    pub fn process() -> Env<'static> {
        Env { lookup: None }
    }
}

impl<'a> Env<'a> {
    /// Variables from a function: `None` for an unset variable.
    ///
    /// ```
    /// use fusionauth_webhooks::env::Env;
    ///
    /// let vars = |name: &str| (name == "FUSIONAUTH_URL").then(|| "https://auth.example.com".to_owned());
    /// assert_eq!(Env::from_fn(&vars).var("FUSIONAUTH_URL")?.as_deref(), Some("https://auth.example.com"));
    /// # Ok::<(), fusionauth_webhooks::env::EnvError>(())
    /// ```
    pub fn from_fn(lookup: &'a Lookup<'a>) -> Env<'a> {
        Env {
            lookup: Some(lookup),
        }
    }

    /// A variable's value: `Ok(None)` when unset, an error when set but
    /// empty or not valid Unicode.
    ///
    /// ```
    /// use fusionauth_webhooks::env::Env;
    ///
    /// let vars = |_: &str| Some(String::new());
    /// let error = Env::from_fn(&vars).var("FUSIONAUTH_API_KEY").unwrap_err();
    /// assert_eq!(error.name(), "FUSIONAUTH_API_KEY");
    /// assert_eq!(error.reason(), "is set but empty");
    /// ```
    pub fn var(&self, name: &'static str) -> Result<Option<String>, EnvError> {
        let value = match self.lookup {
            Some(lookup) => lookup(name),
            None => match std::env::var_os(name) {
                None => None,
                Some(value) => Some(
                    value
                        .into_string()
                        .map_err(|_| EnvError::new(name, "is not valid Unicode"))?,
                ),
            },
        };
        match value {
            Some(value) if value.is_empty() => Err(EnvError::new(name, "is set but empty")),
            value => Ok(value),
        }
    }

    /// A variable that must be set: [`var`](Env::var), with unset an error too.
    ///
    /// ```
    /// use fusionauth_webhooks::env::{self, Env};
    ///
    /// let error = Env::from_fn(&|_| None).required(env::FUSIONAUTH_URL).unwrap_err();
    /// assert_eq!(error.to_string(), "environment variable FUSIONAUTH_URL is not set");
    /// ```
    pub fn required(&self, name: &'static str) -> Result<String, EnvError> {
        self.var(name)?
            .ok_or_else(|| EnvError::new(name, "is not set"))
    }

    /// A value parsed with [`FromStr`](std::str::FromStr), around which
    /// white space is ignored; `expected` completes "expected ..." in the
    /// error (such as "a UUID").
    ///
    /// ```
    /// use fusionauth_webhooks::env::{self, Env};
    ///
    /// let vars = |_: &str| Some(" 42 ".to_owned());
    /// assert_eq!(Env::from_fn(&vars).parse::<u16>("PORT", "a port")?, Some(42));
    /// let vars = |_: &str| Some("tenant-a".to_owned());
    /// let error = Env::from_fn(&vars)
    ///     .parse::<uuid::Uuid>(env::FUSIONAUTH_TENANT_ID, "a UUID")
    ///     .unwrap_err();
    /// assert_eq!(error.to_string(), "environment variable FUSIONAUTH_TENANT_ID is not a UUID");
    /// # Ok::<(), fusionauth_webhooks::env::EnvError>(())
    /// ```
    pub fn parse<T: std::str::FromStr>(
        &self,
        name: &'static str,
        expected: &str,
    ) -> Result<Option<T>, EnvError> {
        self.var(name)?
            .map(|text| {
                text.trim()
                    .parse()
                    .map_err(|_| EnvError::new(name, format!("is not {expected}")))
            })
            .transpose()
    }

    /// `Name=value` pairs separated by `;` or newlines, as
    /// [`FUSIONAUTH_WEBHOOK_HEADERS`] holds them; white space around names
    /// and values is ignored, and a name may repeat.
    ///
    /// ```
    /// use fusionauth_webhooks::env::{self, Env};
    ///
    /// let vars = |_: &str| Some("X-Tenant=acme; X-Key=a\nX-Key=b".to_owned());
    /// let headers = Env::from_fn(&vars).headers(env::FUSIONAUTH_WEBHOOK_HEADERS)?;
    /// assert_eq!(headers, [("X-Tenant", "acme"), ("X-Key", "a"), ("X-Key", "b")].map(|(n, v)| (n.to_owned(), v.to_owned())));
    /// # Ok::<(), fusionauth_webhooks::env::EnvError>(())
    /// ```
    pub fn headers(&self, name: &'static str) -> Result<Vec<(String, String)>, EnvError> {
        let Some(text) = self.var(name)? else {
            return Ok(Vec::new());
        };
        text.split([';', '\n'])
            .map(str::trim)
            .filter(|entry| !entry.is_empty())
            .map(|entry| {
                entry
                    .split_once('=')
                    .map(|(name, value)| (name.trim().to_owned(), value.trim().to_owned()))
                    .filter(|(name, value)| !name.is_empty() && !value.is_empty())
                    .ok_or_else(|| {
                        EnvError::new(
                            name,
                            "is not `Name=value` pairs separated by `;` (a value is missing)",
                        )
                    })
            })
            .collect()
    }

    /// A duration such as `5s`, `1500ms` or `1m 30s` (humantime's format).
    ///
    /// ```
    /// use std::time::Duration;
    /// use fusionauth_webhooks::env::Env;
    ///
    /// let vars = |_: &str| Some("soon".to_owned());
    /// let error = Env::from_fn(&vars).duration("FUSIONAUTH_WEBHOOK_HANDLER_TIMEOUT").unwrap_err();
    /// assert!(error.reason().starts_with("expected a duration such as `5s`"), "{error}");
    /// ```
    pub fn duration(&self, name: &'static str) -> Result<Option<Duration>, EnvError> {
        self.var(name)?
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
}

impl fmt::Debug for Env<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Never the values: they include secrets.
        f.write_str(match self.lookup {
            None => "Env(process)",
            Some(_) => "Env(function)",
        })
    }
}

/// A variable that is set but cannot be used, with why.
///
/// ```
/// use fusionauth_webhooks::env::EnvError;
///
/// let error = EnvError::new("FUSIONAUTH_URL", "is not a URL");
/// assert_eq!(error.to_string(), "environment variable FUSIONAUTH_URL is not a URL");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("environment variable {name} {reason}")]
pub struct EnvError {
    name: &'static str,
    reason: String,
}

impl EnvError {
    /// An error about variable `name`; `reason` completes "environment
    /// variable NAME ..." (such as "is not a URL").
    pub fn new(name: &'static str, reason: impl Into<String>) -> EnvError {
        EnvError {
            name,
            reason: reason.into(),
        }
    }

    /// The variable's name.
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// What is wrong with its value.
    pub fn reason(&self) -> &str {
        &self.reason
    }
}
