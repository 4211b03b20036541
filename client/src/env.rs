//! Configuration from environment variables.

use fusionauth_webhooks::env::{
    FUSIONAUTH_WEBHOOK_HMAC_SECRET as HMAC_SECRET_ENV, FUSIONAUTH_WEBHOOK_JWKS as JWKS_ENV,
};
use fusionauth_webhooks::{Router, SignatureVerifier, Webhook, WebhookBuilder};
use uuid::Uuid;

use crate::{ConfigError, ENV_SIGNING_KEY_ID, FusionAuthClient, FusionAuthKeys, KeyLoadError};

/// The FusionAuth instance's URL.
pub const ENV_URL: &str = "FUSIONAUTH_URL";
/// A FusionAuth API key.
pub const ENV_API_KEY: &str = "FUSIONAUTH_API_KEY";
/// The tenant for an API key not bound to one (optional).
pub const ENV_TENANT_ID: &str = "FUSIONAUTH_TENANT_ID";
/// A PEM file of CA certificates to trust besides the system's (optional).
pub const ENV_CA_CERT: &str = "FUSIONAUTH_CA_CERT";
/// The webhook whose signing key the key source follows (optional).
pub const ENV_WEBHOOK_ID: &str = "FUSIONAUTH_WEBHOOK_ID";

/// Why a receiver could not be configured from the environment.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum EnvError {
    /// The FusionAuth client's variables.
    #[error(transparent)]
    Client(#[from] ConfigError),
    /// The receiver's own variables (the core's).
    #[error(transparent)]
    Webhook(#[from] fusionauth_webhooks::ConfigError),
    /// The signing keys could not be loaded from FusionAuth.
    #[error(transparent)]
    Keys(#[from] KeyLoadError),
}

impl FusionAuthClient {
    /// A client from [`ENV_URL`] and [`ENV_API_KEY`] (both required),
    /// [`ENV_TENANT_ID`] and [`ENV_CA_CERT`]; see
    /// [`from_env_with`](Self::from_env_with).
    pub fn from_env() -> Result<FusionAuthClient, ConfigError> {
        FusionAuthClient::from_env_with(|name| std::env::var(name).ok())
    }

    /// A client from variables looked up with `lookup`.
    ///
    /// ```
    /// use fusionauth_webhooks_client::{ConfigError, FusionAuthClient};
    ///
    /// let env = |name: &str| match name {
    ///     "FUSIONAUTH_URL" => Some("https://auth.example.com".to_owned()),
    ///     "FUSIONAUTH_API_KEY" => Some("the key".to_owned()),
    ///     _ => None,
    /// };
    /// assert_eq!(FusionAuthClient::from_env_with(env)?.base_url(), "https://auth.example.com/");
    /// assert_eq!(
    ///     FusionAuthClient::from_env_with(|_| None).unwrap_err(),
    ///     ConfigError::MissingEnv("FUSIONAUTH_URL"),
    /// );
    /// # Ok::<(), ConfigError>(())
    /// ```
    pub fn from_env_with(
        lookup: impl Fn(&str) -> Option<String>,
    ) -> Result<FusionAuthClient, ConfigError> {
        let var = |name: &str| lookup(name).filter(|value| !value.is_empty());
        let url = var(ENV_URL).ok_or(ConfigError::MissingEnv(ENV_URL))?;
        let api_key = var(ENV_API_KEY).ok_or(ConfigError::MissingEnv(ENV_API_KEY))?;
        let mut builder = FusionAuthClient::builder(url).api_key(api_key);
        if let Some(tenant) = var(ENV_TENANT_ID) {
            builder = builder.tenant_id(uuid(ENV_TENANT_ID, &tenant)?);
        }
        if let Some(path) = var(ENV_CA_CERT) {
            let pem = std::fs::read(&path).map_err(|error| ConfigError::UnreadableCa {
                path: path.clone(),
                reason: error.to_string(),
            })?;
            builder = builder.ca_pem(pem);
        }
        builder.build()
    }
}

fn uuid(name: &'static str, value: &str) -> Result<Uuid, ConfigError> {
    value.parse().map_err(|_| ConfigError::InvalidEnv {
        name,
        reason: "is not a uuid".to_owned(),
    })
}

/// A webhook receiver for `router` configured from the environment: the
/// core's variables ([`WebhookBuilder::from_env`]), and signature keys that
/// follow FusionAuth ([`FusionAuthKeys`]) when [`ENV_URL`] and
/// [`ENV_API_KEY`] are set and a variable names what to trust: the webhook
/// [`ENV_WEBHOOK_ID`] (its signing key, followed through rotations) and the
/// Key Master key `FUSIONAUTH_WEBHOOK_SIGNING_KEY_ID`. Nothing else of the
/// instance is trusted.
///
/// The core's own signature variables (`FUSIONAUTH_WEBHOOK_HMAC_SECRET`,
/// `FUSIONAUTH_WEBHOOK_JWKS`) win: with one of them set, the signature is
/// checked with exactly those keys, whatever else is set.
///
/// Loads the keys once before returning; needs a tokio runtime.
pub async fn webhook_from_env(router: Router) -> Result<Webhook, EnvError> {
    webhook_from_env_with(router, |name| std::env::var(name).ok()).await
}

/// [`webhook_from_env`] with variables looked up with `lookup`.
///
/// ```
/// use fusionauth_webhooks::{Event, Router};
/// use fusionauth_webhooks_client::webhook_from_env_with;
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// // A static HMAC key: FusionAuth's URL and API key (for `sync`, say) change nothing.
/// let env = |name: &str| match name {
///     "FUSIONAUTH_URL" => Some("https://auth.example.com".to_owned()),
///     "FUSIONAUTH_API_KEY" => Some("the api key".to_owned()),
///     "FUSIONAUTH_WEBHOOK_API_KEY" => Some("a-long-random-key".to_owned()),
///     "FUSIONAUTH_WEBHOOK_HMAC_SECRET" => Some("the hmac secret".to_owned()),
///     "FUSIONAUTH_WEBHOOK_HMAC_KID" => Some("hmac-1".to_owned()),
///     _ => None,
/// };
/// let router = Router::new().on_any(|_: Event| async { Ok(()) });
/// let webhook = webhook_from_env_with(router, env).await?;
/// # let _ = webhook;
/// # Ok(())
/// # }
/// ```
pub async fn webhook_from_env_with(
    router: Router,
    lookup: impl Fn(&str) -> Option<String>,
) -> Result<Webhook, EnvError> {
    let mut builder = WebhookBuilder::from_env_with(&lookup)?.router(router);
    let var = |name: &str| lookup(name).filter(|value| !value.is_empty());
    let static_keys = var(HMAC_SECRET_ENV).is_some() || var(JWKS_ENV).is_some();
    let signing_key = var(ENV_SIGNING_KEY_ID)
        .map(|id| uuid(ENV_SIGNING_KEY_ID, &id))
        .transpose()?;
    let webhook = var(ENV_WEBHOOK_ID)
        .map(|id| uuid(ENV_WEBHOOK_ID, &id))
        .transpose()?;
    let fusionauth = var(ENV_URL).is_some() && var(ENV_API_KEY).is_some();
    if !static_keys && fusionauth && (signing_key.is_some() || webhook.is_some()) {
        let client = FusionAuthClient::from_env_with(&lookup)?;
        let mut keys = FusionAuthKeys::builder(client);
        if let Some(id) = signing_key {
            keys = keys.key(id);
        }
        if let Some(id) = webhook {
            keys = keys.follow_webhook(id);
        }
        builder = builder.signature(SignatureVerifier::from_source(keys.load().await?));
    }
    Ok(builder.build()?)
}
