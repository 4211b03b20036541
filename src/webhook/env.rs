//! Configuration from environment variables, for twelve-factor deployments.

use super::{ConfigError, WebhookBuilder};
use crate::env::{
    Env, EnvError, FUSIONAUTH_WEBHOOK_API_KEY, FUSIONAUTH_WEBHOOK_BASIC_PASSWORD,
    FUSIONAUTH_WEBHOOK_BASIC_USER, FUSIONAUTH_WEBHOOK_BODY_TIMEOUT,
    FUSIONAUTH_WEBHOOK_HANDLER_TIMEOUT, FUSIONAUTH_WEBHOOK_HEADERS, FUSIONAUTH_WEBHOOK_MAX_BODY,
};

impl WebhookBuilder {
    /// A builder configured from the process environment, to add the router
    /// (and refine further) before `build`:
    ///
    /// | variable | meaning |
    /// |---|---|
    /// | `FUSIONAUTH_WEBHOOK_API_KEY` | required `Authorization` header value |
    /// | `FUSIONAUTH_WEBHOOK_BASIC_USER`, `FUSIONAUTH_WEBHOOK_BASIC_PASSWORD` | required basic auth (both or neither) |
    /// | `FUSIONAUTH_WEBHOOK_HEADERS` | more required headers, `Name=value;Other-Name=value` |
    /// | `FUSIONAUTH_WEBHOOK_MAX_BODY` | body limit: `1048576`, `512KiB`, `8MiB` |
    /// | `FUSIONAUTH_WEBHOOK_HANDLER_TIMEOUT` | handler timeout: `5s`, `1500ms` |
    /// | `FUSIONAUTH_WEBHOOK_BODY_TIMEOUT` | body read timeout: `30s` |
    /// | `FUSIONAUTH_WEBHOOK_HMAC_SECRET`, `FUSIONAUTH_WEBHOOK_HMAC_KID`, `FUSIONAUTH_WEBHOOK_JWKS` | signature keys (`signature` feature) |
    ///
    /// A variable that is set must be valid (the [`env`](crate::env)
    /// module's rule): an empty secret, half of a basic-auth pair or an
    /// unreadable size is an error, as is configuring no credential at all
    /// (from `build`). [`from_env_with`](WebhookBuilder::from_env_with)
    /// reads from somewhere else than the process environment.
    ///
    /// ```no_run
    /// use fusionauth_webhooks::{Event, EventType, Router, WebhookBuilder};
    ///
    /// let handlers = Router::new().on_event(EventType::UserDelete, |_: Event| async { Ok(()) });
    /// let webhook = WebhookBuilder::from_env()?.router(handlers).build()?;
    /// # let _ = webhook;
    /// # Ok::<(), fusionauth_webhooks::ConfigError>(())
    /// ```
    pub fn from_env() -> Result<WebhookBuilder, ConfigError> {
        WebhookBuilder::from_env_with(Env::process())
    }

    /// A builder configured from `env` instead of the process environment:
    /// a map in tests, a secrets store ([`Env::from_fn`]).
    ///
    /// ```
    /// use std::collections::HashMap;
    /// use fusionauth_webhooks::env::Env;
    /// use fusionauth_webhooks::{Event, EventType, Router, WebhookBuilder};
    ///
    /// let vars = HashMap::from([
    ///     ("FUSIONAUTH_WEBHOOK_API_KEY", "a-long-random-key"),
    ///     ("FUSIONAUTH_WEBHOOK_MAX_BODY", "1MiB"),
    /// ]);
    /// let lookup = |name: &str| vars.get(name).map(|v| v.to_string());
    /// let handlers = Router::new().on_event(EventType::UserDelete, |_: Event| async { Ok(()) });
    /// let webhook = WebhookBuilder::from_env_with(Env::from_fn(&lookup))?
    ///     .router(handlers)
    ///     .build()?;
    /// assert_eq!(webhook.max_body_size(), 1024 * 1024);
    /// # Ok::<(), fusionauth_webhooks::ConfigError>(())
    /// ```
    pub fn from_env_with(env: Env<'_>) -> Result<WebhookBuilder, ConfigError> {
        let var = |name| env.var(name).map_err(ConfigError::from);
        let mut builder = WebhookBuilder::new();
        if let Some(api_key) = var(FUSIONAUTH_WEBHOOK_API_KEY)? {
            builder = builder.api_key(&api_key);
        }
        match (
            var(FUSIONAUTH_WEBHOOK_BASIC_USER)?,
            var(FUSIONAUTH_WEBHOOK_BASIC_PASSWORD)?,
        ) {
            (Some(user), Some(password)) => builder = builder.basic_auth(&user, &password),
            (None, None) => {}
            (Some(_), None) => {
                return Err(env_error(
                    FUSIONAUTH_WEBHOOK_BASIC_PASSWORD,
                    "must be set with the username",
                ));
            }
            (None, Some(_)) => {
                return Err(env_error(
                    FUSIONAUTH_WEBHOOK_BASIC_USER,
                    "must be set with the password",
                ));
            }
        }
        for (name, value) in env.headers(FUSIONAUTH_WEBHOOK_HEADERS)? {
            builder = builder.require_header(&name, &value);
        }
        if let Some(size) = var(FUSIONAUTH_WEBHOOK_MAX_BODY)? {
            builder = builder.max_body_size(parse_size(&size)?);
        }
        if let Some(timeout) = env.duration(FUSIONAUTH_WEBHOOK_HANDLER_TIMEOUT)? {
            builder = builder.handler_timeout(timeout);
        }
        if let Some(timeout) = env.duration(FUSIONAUTH_WEBHOOK_BODY_TIMEOUT)? {
            builder = builder.body_read_timeout(timeout);
        }
        #[cfg(feature = "signature")]
        {
            use crate::signature::{SignatureConfigError, SignatureVerifier};
            let verifier = SignatureVerifier::from_env_with(env).map_err(|error| match error {
                // A variable's error reads the same whichever part reads it.
                SignatureConfigError::Environment(error) => ConfigError::Environment(error),
                other => other.into(),
            })?;
            if let Some(verifier) = verifier {
                builder = builder.signature(verifier);
            }
        }
        Ok(builder)
    }
}

fn env_error(name: &'static str, reason: impl Into<String>) -> ConfigError {
    EnvError::new(name, reason).into()
}

fn parse_size(text: &str) -> Result<usize, ConfigError> {
    let text = text.trim();
    let (number, unit) = match text.find(|c: char| !c.is_ascii_digit()) {
        Some(split) => text.split_at(split),
        None => (text, ""),
    };
    let multiplier: usize = match unit.trim() {
        "" | "B" => 1,
        "KiB" => 1024,
        "MiB" => 1024 * 1024,
        _ => {
            return Err(env_error(
                FUSIONAUTH_WEBHOOK_MAX_BODY,
                format!("has an unknown unit `{unit}`: use bytes, `KiB` or `MiB`"),
            ));
        }
    };
    number
        .parse::<usize>()
        .ok()
        .and_then(|number| number.checked_mul(multiplier))
        .ok_or_else(|| {
            env_error(
                FUSIONAUTH_WEBHOOK_MAX_BODY,
                "is not a size such as `8388608` or `8MiB`",
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::webhook::Webhook;
    use std::collections::HashMap;

    fn build(vars: &[(&str, &str)]) -> Result<Webhook, ConfigError> {
        let env: HashMap<_, _> = vars.iter().copied().collect();
        let lookup = |name: &str| env.get(name).map(|v| v.to_string());
        WebhookBuilder::from_env_with(Env::from_fn(&lookup))?.build()
    }

    #[test]
    fn no_variable_at_all_is_a_missing_credential() {
        assert_eq!(build(&[]).unwrap_err(), ConfigError::NoCredentials);
    }

    #[test]
    fn half_a_basic_auth_pair_is_an_error() {
        let error = build(&[(FUSIONAUTH_WEBHOOK_BASIC_USER, "fa")]).unwrap_err();
        let ConfigError::Environment(error) = error else {
            panic!("{error:?}")
        };
        assert_eq!(error.name(), FUSIONAUTH_WEBHOOK_BASIC_PASSWORD);
    }

    #[test]
    fn an_empty_secret_is_an_error() {
        let error = build(&[(FUSIONAUTH_WEBHOOK_API_KEY, "")]).unwrap_err();
        assert_eq!(
            error.to_string(),
            "environment variable FUSIONAUTH_WEBHOOK_API_KEY is set but empty"
        );
    }

    #[test]
    fn sizes_accept_bytes_and_binary_units() {
        assert_eq!(parse_size("1048576"), Ok(1_048_576));
        assert_eq!(parse_size("512KiB"), Ok(512 * 1024));
        assert_eq!(parse_size("8 MiB"), Ok(8 * 1024 * 1024));
        assert!(parse_size("8MB").is_err());
        assert!(parse_size("lots").is_err());
        assert!(parse_size("99999999999999999999MiB").is_err());
    }

    #[test]
    fn headers_are_name_value_pairs() {
        let vars = |text: &'static str| move |_: &str| Some(text.to_owned());
        let headers = |text| Env::from_fn(&vars(text)).headers(FUSIONAUTH_WEBHOOK_HEADERS);
        let pairs = [("X-One", "a"), ("X-One", "b"), ("X-Two", "c=d")];
        assert_eq!(
            headers("X-One=a; X-One=b\nX-Two=c=d").unwrap(),
            pairs.map(|(name, value)| (name.to_owned(), value.to_owned()))
        );
        assert!(headers("X-One").is_err());
        assert!(headers("X-One=").is_err());
    }

    #[test]
    fn an_api_key_and_basic_auth_conflict() {
        let error = build(&[
            (FUSIONAUTH_WEBHOOK_API_KEY, "key"),
            (FUSIONAUTH_WEBHOOK_BASIC_USER, "fa"),
            (FUSIONAUTH_WEBHOOK_BASIC_PASSWORD, "pw"),
        ])
        .unwrap_err();
        assert_eq!(error, ConfigError::AuthorizationConflict);
    }

    #[test]
    fn an_invalid_header_name_is_reported() {
        let error = build(&[(FUSIONAUTH_WEBHOOK_HEADERS, "Bad Name=x")]).unwrap_err();
        assert_eq!(error, ConfigError::InvalidHeaderName("Bad Name".into()));
    }
}
