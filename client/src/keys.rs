//! Signature keys that follow FusionAuth: the JWKS and Key Master HMAC
//! secrets, cached, refreshed on an unknown `kid` (rate-limited) and in the
//! background.

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock, Weak};
use std::time::Duration;

use async_trait::async_trait;
use fusionauth_webhooks::signature::KeySource;
use fusionauth_webhooks::{SignatureConfigError, SignatureVerifier};
use tokio::time::Instant;
use uuid::Uuid;

use crate::{Error, FusionAuthClient};

/// The shortest time between two fetches caused by unknown `kid`s, by default.
pub const DEFAULT_MIN_REFRESH_INTERVAL: Duration = Duration::from_secs(60);
/// How often keys are refreshed in the background, by default.
pub const DEFAULT_BACKGROUND_REFRESH: Duration = Duration::from_secs(15 * 60);

/// A [`KeySource`] for the core's [`SignatureVerifier`] that loads the keys
/// FusionAuth signs webhooks with: the public keys of
/// `/.well-known/jwks.json` and the HMAC secrets of Key Master keys
/// (`/api/key/{id}`; never in the JWKS), either given by id or followed
/// through a webhook's `signatureConfiguration.signingKeyId`.
///
/// - The keys are cached; every request uses the cache.
/// - A token whose `kid` is unknown triggers a refresh, at most one fetch per
///   [`min_refresh_interval`](FusionAuthKeysBuilder::min_refresh_interval),
///   one at a time (requests arriving meanwhile wait for that fetch and do
///   not fetch again). A flood of made-up `kid`s therefore costs FusionAuth
///   one fetch per interval.
/// - A failed fetch, or one that finds no key, keeps the keys there are.
/// - A background task refreshes every
///   [`background_refresh`](FusionAuthKeysBuilder::background_refresh); it
///   stops when the source (and so the verifier holding it) is dropped.
///
/// ```
/// use fusionauth_webhooks::SignatureVerifier;
/// use fusionauth_webhooks_client::{FusionAuthClient, FusionAuthKeys};
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # let standin = fusionauth_standin::StandIn::start().await;
/// # let key_id = uuid::Uuid::from_u128(1);
/// # standin.state().keys.insert(key_id, serde_json::json!({"id": key_id, "kid": "k1", "type": "HMAC", "algorithm": "HS256", "secret": "s3cr3t"}));
/// let client = FusionAuthClient::new(standin.url(), fusionauth_standin::API_KEY)?;
/// let keys = FusionAuthKeys::builder(client).hmac_key(key_id).load().await?;
/// let verifier = SignatureVerifier::from_source(keys);
/// # let _ = verifier;
/// # Ok(())
/// # }
/// ```
pub struct FusionAuthKeys {
    shared: Arc<Shared>,
    background: Option<tokio::task::JoinHandle<()>>,
}

/// Where the keys come from.
struct Sources {
    client: FusionAuthClient,
    hmac_key_ids: Vec<Uuid>,
    webhook_id: Option<Uuid>,
}

struct Shared {
    sources: Sources,
    min_refresh_interval: Duration,
    current: RwLock<SignatureVerifier>,
    /// Counts successful loads, so that requests that waited for a fetch see it happened.
    generation: AtomicU64,
    /// Held during a refresh (single flight); holds when the last one started.
    last_refresh: tokio::sync::Mutex<Option<Instant>>,
}

/// Why the keys could not be loaded.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum KeyLoadError {
    /// A FusionAuth call failed.
    #[error("loading the signing keys failed: {0}")]
    Api(#[from] Error),
    /// The keys found do not make a verifier (none at all, or an unusable one).
    #[error("the signing keys from fusionauth are not usable: {0}")]
    Keys(#[from] SignatureConfigError),
}

/// Configures [`FusionAuthKeys`]; see [`FusionAuthKeys::builder`].
#[derive(Debug)]
pub struct FusionAuthKeysBuilder {
    client: FusionAuthClient,
    hmac_key_ids: Vec<Uuid>,
    webhook_id: Option<Uuid>,
    min_refresh_interval: Duration,
    background_refresh: Option<Duration>,
}

impl FusionAuthKeys {
    /// Keys from the instance `client` talks to: the JWKS always, HMAC
    /// secrets as configured on the builder.
    pub fn builder(client: FusionAuthClient) -> FusionAuthKeysBuilder {
        FusionAuthKeysBuilder {
            client,
            hmac_key_ids: Vec::new(),
            webhook_id: None,
            min_refresh_interval: DEFAULT_MIN_REFRESH_INTERVAL,
            background_refresh: Some(DEFAULT_BACKGROUND_REFRESH),
        }
    }
}

impl FusionAuthKeysBuilder {
    /// Also loads this Key Master key's HMAC secret (`/api/key/{id}`).
    pub fn hmac_key(mut self, key_id: Uuid) -> FusionAuthKeysBuilder {
        self.hmac_key_ids.push(key_id);
        self
    }

    /// Also loads the key this webhook signs with (its
    /// `signatureConfiguration.signingKeyId`), read again at every refresh,
    /// so that moving the webhook to a new HMAC key is followed.
    pub fn follow_webhook(mut self, webhook_id: Uuid) -> FusionAuthKeysBuilder {
        self.webhook_id = Some(webhook_id);
        self
    }

    /// The shortest time between two fetches caused by unknown `kid`s
    /// (default [`DEFAULT_MIN_REFRESH_INTERVAL`]).
    pub fn min_refresh_interval(mut self, interval: Duration) -> FusionAuthKeysBuilder {
        self.min_refresh_interval = interval;
        self
    }

    /// How often to refresh in the background (default
    /// [`DEFAULT_BACKGROUND_REFRESH`]); `None` for never.
    pub fn background_refresh(mut self, every: Option<Duration>) -> FusionAuthKeysBuilder {
        self.background_refresh = every;
        self
    }

    /// Loads the keys once (failing if that fails, so that a misconfigured
    /// receiver does not start) and starts the background refresh on the
    /// current tokio runtime.
    pub async fn load(self) -> Result<FusionAuthKeys, KeyLoadError> {
        let sources = Sources {
            client: self.client,
            hmac_key_ids: self.hmac_key_ids,
            webhook_id: self.webhook_id,
        };
        let keys = sources.fetch().await?;
        let shared = Arc::new(Shared {
            sources,
            min_refresh_interval: self.min_refresh_interval,
            current: RwLock::new(keys),
            generation: AtomicU64::new(0),
            last_refresh: tokio::sync::Mutex::new(None),
        });
        let background = self
            .background_refresh
            .map(|every| tokio::spawn(refresh_every(Arc::downgrade(&shared), every)));
        Ok(FusionAuthKeys { shared, background })
    }
}

impl Sources {
    /// Fetches every key and builds a verifier from them.
    async fn fetch(&self) -> Result<SignatureVerifier, KeyLoadError> {
        let mut builder = SignatureVerifier::builder();
        let jwks = self.client.fetch_jwks().await?;
        if !jwks.keys.is_empty() {
            let text = serde_json::to_string(&jwks).expect("a key set is written as JSON");
            builder = builder.jwks(&text);
        }
        let mut key_ids = self.hmac_key_ids.clone();
        if let Some(webhook_id) = self.webhook_id {
            let webhook = self.client.retrieve_webhook(webhook_id).await?;
            key_ids.extend(
                webhook
                    .signature_configuration
                    .and_then(|signature| signature.signing_key_id),
            );
        }
        key_ids.sort();
        key_ids.dedup();
        for key_id in key_ids {
            let key = self.client.retrieve_key(key_id).await?;
            // Asymmetric keys come with the JWKS; only HMAC secrets are fetched here.
            if let (true, Some(secret)) = (key.is_hmac(), &key.secret) {
                let kid = key.kid.clone().unwrap_or_else(|| key_id.to_string());
                builder = builder.hmac(Some(&kid), secret);
            }
        }
        Ok(builder.build()?)
    }
}

impl Shared {
    /// Fetches and, on success, replaces the cached keys.
    async fn reload(&self) -> Result<SignatureVerifier, KeyLoadError> {
        let fresh = self.sources.fetch().await?;
        *self.current.write().unwrap_or_else(|e| e.into_inner()) = fresh.clone();
        self.generation.fetch_add(1, Ordering::SeqCst);
        Ok(fresh)
    }

    fn current(&self) -> SignatureVerifier {
        self.current
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }
}

async fn refresh_every(shared: Weak<Shared>, every: Duration) {
    let mut ticks = tokio::time::interval_at(Instant::now() + every, every);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        let Some(shared) = shared.upgrade() else {
            return;
        };
        let mut last = shared.last_refresh.lock().await;
        *last = Some(Instant::now());
        if let Err(error) = shared.reload().await {
            tracing::warn!(%error, "refreshing the fusionauth signing keys failed; keeping the current keys");
        }
    }
}

#[async_trait]
impl KeySource for FusionAuthKeys {
    fn current(&self) -> SignatureVerifier {
        self.shared.current()
    }

    async fn refresh(&self, kid: &str) -> Option<SignatureVerifier> {
        let seen = self.shared.generation.load(Ordering::SeqCst);
        // One refresh at a time; those who waited use its result.
        let mut last = self.shared.last_refresh.lock().await;
        if self.shared.generation.load(Ordering::SeqCst) != seen {
            return Some(self.shared.current());
        }
        let now = Instant::now();
        if last.is_some_and(|last| now.duration_since(last) < self.shared.min_refresh_interval) {
            return None;
        }
        *last = Some(now);
        match self.shared.reload().await {
            Ok(fresh) => Some(fresh),
            Err(error) => {
                tracing::warn!(%error, kid, "refreshing the fusionauth signing keys for an unknown kid failed; keeping the current keys");
                None
            }
        }
    }
}

impl Drop for FusionAuthKeys {
    fn drop(&mut self) {
        if let Some(background) = &self.background {
            background.abort();
        }
    }
}

impl fmt::Debug for FusionAuthKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FusionAuthKeys")
            .field("client", &self.shared.sources.client)
            .field("hmac_key_ids", &self.shared.sources.hmac_key_ids)
            .field("webhook_id", &self.shared.sources.webhook_id)
            .field("min_refresh_interval", &self.shared.min_refresh_interval)
            .field("keys", &self.shared.current())
            .finish_non_exhaustive()
    }
}
