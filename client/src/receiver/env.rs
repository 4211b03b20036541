//! Configuration from environment variables, read through the core's
//! [`Env`] and by its rule: a variable that is set must be usable.

use fusionauth_webhooks::env::{self, Env};
use fusionauth_webhooks::{Router, SignatureVerifier, Webhook, WebhookBuilder};

use crate::receiver::{FusionAuthKeys, KeyLoadError};
use crate::{ClientConfigError, FusionAuthClient};

/// Why [`webhook_from_env`] could not configure a receiver.
///
/// ```
/// use fusionauth_webhooks::env::Env;
/// use fusionauth_webhooks::{Event, Router};
/// use fusionauth_webhooks_client::receiver::{WebhookEnvError, webhook_from_env};
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let vars = |name: &str| (name == "FUSIONAUTH_WEBHOOK_API_KEY").then(String::new);
/// let router = Router::new().on_any(|_: Event| async { Ok(()) });
/// let error = webhook_from_env(router, Env::from_fn(&vars)).await.unwrap_err();
/// assert!(matches!(error, WebhookEnvError::Webhook(_)), "{error}");
/// assert_eq!(error.to_string(), "environment variable FUSIONAUTH_WEBHOOK_API_KEY is set but empty");
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum WebhookEnvError {
    /// The FusionAuth client's variables.
    #[error(transparent)]
    Client(#[from] ClientConfigError),
    /// The receiver's own variables (the core's).
    #[error(transparent)]
    Webhook(#[from] fusionauth_webhooks::ConfigError),
    /// The signing keys could not be loaded from FusionAuth.
    #[error(transparent)]
    Keys(#[from] KeyLoadError),
}

impl From<env::EnvError> for WebhookEnvError {
    fn from(error: env::EnvError) -> WebhookEnvError {
        WebhookEnvError::Client(error.into())
    }
}

impl FusionAuthClient {
    /// A client from [`FUSIONAUTH_URL`](env::FUSIONAUTH_URL) and
    /// [`FUSIONAUTH_API_KEY`](env::FUSIONAUTH_API_KEY) (both required),
    /// [`FUSIONAUTH_TENANT_ID`](env::FUSIONAUTH_TENANT_ID) and
    /// [`FUSIONAUTH_CA_CERT`](env::FUSIONAUTH_CA_CERT) (a PEM file) in the
    /// process environment; [`from_env_with`](Self::from_env_with) reads them
    /// from elsewhere.
    pub fn from_env() -> Result<FusionAuthClient, ClientConfigError> {
        FusionAuthClient::from_env_with(Env::process())
    }

    /// A client from the variables of `env` ([`Env::from_fn`]: a map in
    /// tests, a secrets store).
    ///
    /// ```
    /// use fusionauth_webhooks::env::Env;
    /// use fusionauth_webhooks_client::FusionAuthClient;
    ///
    /// let vars = |name: &str| match name {
    ///     "FUSIONAUTH_URL" => Some("https://auth.example.com".to_owned()),
    ///     "FUSIONAUTH_API_KEY" => Some("the key".to_owned()),
    ///     _ => None,
    /// };
    /// let client = FusionAuthClient::from_env_with(Env::from_fn(&vars))?;
    /// assert_eq!(client.base_url(), "https://auth.example.com/");
    /// let error = FusionAuthClient::from_env_with(Env::from_fn(&|_| None)).unwrap_err();
    /// assert_eq!(error.to_string(), "environment variable FUSIONAUTH_URL is not set");
    /// // Set but empty is an error, as everywhere in the SDK.
    /// let vars = |name: &str| match name {
    ///     "FUSIONAUTH_URL" => Some("https://auth.example.com".to_owned()),
    ///     _ => Some(String::new()),
    /// };
    /// let error = FusionAuthClient::from_env_with(Env::from_fn(&vars)).unwrap_err();
    /// assert_eq!(error.to_string(), "environment variable FUSIONAUTH_API_KEY is set but empty");
    /// # Ok::<(), fusionauth_webhooks_client::ClientConfigError>(())
    /// ```
    pub fn from_env_with(env: Env<'_>) -> Result<FusionAuthClient, ClientConfigError> {
        let url = env.required(env::FUSIONAUTH_URL)?;
        let api_key = env.required(env::FUSIONAUTH_API_KEY)?;
        let mut builder = FusionAuthClient::builder(url).api_key(api_key);
        if let Some(tenant) = env.parse(env::FUSIONAUTH_TENANT_ID, "a UUID")? {
            builder = builder.tenant_id(tenant);
        }
        if let Some(path) = env.var(env::FUSIONAUTH_CA_CERT)? {
            let pem = std::fs::read(&path).map_err(|error| ClientConfigError::UnreadableCa {
                path: path.clone(),
                reason: error.to_string(),
            })?;
            builder = builder.ca_pem(pem);
        }
        builder.build()
    }
}

/// A webhook receiver for `router` configured from `env` (usually
/// [`Env::process()`]): the core's variables (as
/// [`WebhookBuilder::from_env`] reads them), and signature keys that follow
/// FusionAuth ([`FusionAuthKeys`]) when
/// [`FUSIONAUTH_URL`](env::FUSIONAUTH_URL) and
/// [`FUSIONAUTH_API_KEY`](env::FUSIONAUTH_API_KEY) are set and a variable
/// names what to trust: the webhook
/// [`FUSIONAUTH_WEBHOOK_ID`](env::FUSIONAUTH_WEBHOOK_ID) (its signing key,
/// followed through rotations) and the Key Master key
/// [`FUSIONAUTH_WEBHOOK_SIGNING_KEY_ID`](env::FUSIONAUTH_WEBHOOK_SIGNING_KEY_ID).
/// Nothing else of the instance is trusted.
///
/// The core's own signature variables
/// ([`FUSIONAUTH_WEBHOOK_HMAC_SECRET`](env::FUSIONAUTH_WEBHOOK_HMAC_SECRET),
/// [`FUSIONAUTH_WEBHOOK_JWKS`](env::FUSIONAUTH_WEBHOOK_JWKS)) win: with one of
/// them set, the signature is checked with exactly those keys, whatever else
/// is set.
///
/// Loads the keys once before returning; needs a tokio runtime.
///
/// ```
/// use fusionauth_webhooks::env::Env;
/// use fusionauth_webhooks::testing::{TestClient, TestRequest};
/// use fusionauth_webhooks::{Event, EventType, Router, samples};
/// use fusionauth_webhooks_client::receiver::webhook_from_env;
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// // A static HMAC key: FusionAuth's URL and API key (for `sync`, say) change nothing.
/// let vars = |name: &str| match name {
///     "FUSIONAUTH_URL" => Some("https://auth.example.com".to_owned()),
///     "FUSIONAUTH_API_KEY" => Some("the api key".to_owned()),
///     "FUSIONAUTH_WEBHOOK_API_KEY" => Some("a-long-random-key".to_owned()),
///     "FUSIONAUTH_WEBHOOK_HMAC_SECRET" => Some("the hmac secret".to_owned()),
///     "FUSIONAUTH_WEBHOOK_HMAC_KID" => Some("hmac-1".to_owned()),
///     _ => None,
/// };
/// let router = Router::new().on_any(|_: Event| async { Ok(()) });
/// let webhook = webhook_from_env(router, Env::from_fn(&vars)).await?;
/// // The right key but no signature: refused.
/// let client = TestClient::new(webhook);
/// let unsigned = TestRequest::body(samples::body(EventType::UserCreate)).api_key("a-long-random-key");
/// assert_eq!(client.send(unsigned.build()).await.status, 401);
/// # Ok(())
/// # }
/// ```
pub async fn webhook_from_env(router: Router, env: Env<'_>) -> Result<Webhook, WebhookEnvError> {
    let mut builder = WebhookBuilder::from_env_with(env)?.router(router);
    let static_keys = env.var(env::FUSIONAUTH_WEBHOOK_HMAC_SECRET)?.is_some()
        || env.var(env::FUSIONAUTH_WEBHOOK_JWKS)?.is_some();
    let signing_key = env.parse(env::FUSIONAUTH_WEBHOOK_SIGNING_KEY_ID, "a key id (a UUID)")?;
    let webhook = env.parse(env::FUSIONAUTH_WEBHOOK_ID, "a webhook id (a UUID)")?;
    let fusionauth =
        env.var(env::FUSIONAUTH_URL)?.is_some() && env.var(env::FUSIONAUTH_API_KEY)?.is_some();
    if !static_keys && fusionauth && (signing_key.is_some() || webhook.is_some()) {
        let client = FusionAuthClient::from_env_with(env)?;
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
