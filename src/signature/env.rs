//! A verifier configured from environment variables.

use super::{SignatureConfigError, SignatureVerifier};
use crate::env::{
    Env, FUSIONAUTH_WEBHOOK_HMAC_KID, FUSIONAUTH_WEBHOOK_HMAC_SECRET, FUSIONAUTH_WEBHOOK_JWKS,
};

impl SignatureVerifier {
    /// A verifier from the process environment; see [`from_env_with`](Self::from_env_with).
    ///
    /// A variable that is set but empty, or not valid Unicode, is an error
    /// ([`SignatureConfigError::Environment`]), never "unset".
    pub fn from_env() -> Result<Option<SignatureVerifier>, SignatureConfigError> {
        Self::from_env_with(Env::process())
    }

    /// A verifier from configuration variables, or `None` when none is set.
    ///
    /// - [`FUSIONAUTH_WEBHOOK_HMAC_SECRET`](crate::env::FUSIONAUTH_WEBHOOK_HMAC_SECRET): an HMAC
    ///   secret, as Key Master shows it.
    /// - [`FUSIONAUTH_WEBHOOK_HMAC_KID`](crate::env::FUSIONAUTH_WEBHOOK_HMAC_KID) (optional): that
    ///   key's id. FusionAuth puts its Key Master key id in every token's
    ///   `kid`. Without this variable the secret is a key without kid, and
    ///   [`allow_keys_without_kid`](super::SignatureVerifierBuilder::allow_keys_without_kid)
    ///   is turned on: the secret is then tried for every token whose `kid`
    ///   names no other key. This is safe, as it verifies only HMAC tokens,
    ///   which need the secret; set the kid to have unknown kids refused.
    /// - [`FUSIONAUTH_WEBHOOK_JWKS`](crate::env::FUSIONAUTH_WEBHOOK_JWKS): the path of a JWKS file,
    ///   e.g. a saved copy of FusionAuth's `/.well-known/jwks.json`.
    ///
    /// `env` says where variables are read (a map in tests, a secrets
    /// store). An empty value is an error, not "unset", so that a blank
    /// variable never turns verification off silently.
    ///
    /// ```
    /// use fusionauth_webhooks::SignatureVerifier;
    /// use fusionauth_webhooks::env::Env;
    ///
    /// let vars = |name: &str| (name == "FUSIONAUTH_WEBHOOK_HMAC_SECRET").then(|| "s3cr3t".to_owned());
    /// assert!(SignatureVerifier::from_env_with(Env::from_fn(&vars))?.is_some());
    /// assert!(SignatureVerifier::from_env_with(Env::from_fn(&|_| None))?.is_none());
    /// # Ok::<(), fusionauth_webhooks::SignatureConfigError>(())
    /// ```
    pub fn from_env_with(env: Env<'_>) -> Result<Option<SignatureVerifier>, SignatureConfigError> {
        let var = |name| env.var(name).map_err(SignatureConfigError::from);
        let secret = var(FUSIONAUTH_WEBHOOK_HMAC_SECRET)?;
        let kid = var(FUSIONAUTH_WEBHOOK_HMAC_KID)?;
        let jwks = var(FUSIONAUTH_WEBHOOK_JWKS)?;
        if secret.is_none() && kid.is_some() {
            return Err(SignatureConfigError::IncompleteEnv {
                set: FUSIONAUTH_WEBHOOK_HMAC_KID,
                missing: FUSIONAUTH_WEBHOOK_HMAC_SECRET,
            });
        }
        if secret.is_none() && jwks.is_none() {
            return Ok(None);
        }
        let mut builder = SignatureVerifier::builder();
        if let Some(secret) = secret {
            if kid.is_none() {
                builder = builder.allow_keys_without_kid();
            }
            builder = builder.hmac(kid.as_deref(), secret);
        }
        if let Some(path) = jwks {
            builder = builder.jwks_file(path);
        }
        builder.build().map(Some)
    }
}
