//! Signature keys that follow FusionAuth: exactly the keys the webhook signs
//! with and the keys named, cached, refreshed in the background and on an
//! unknown `kid`.

mod backoff;
mod load;
mod shared;

use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use fusionauth_webhooks::SignatureVerifier;
use fusionauth_webhooks::signature::KeySource;
use tokio::time::Instant;
use uuid::Uuid;

use crate::{Error, FusionAuthClient};
use backoff::UnknownKids;
use load::{Loaded, Scope, Sources};
use shared::{Shared, State, keep_up, retry_soon, sorted};

/// The shortest time between two lookups caused by unknown `kid`s, whatever
/// the `kid`s, by default.
pub const DEFAULT_MIN_REFRESH_INTERVAL: Duration = Duration::from_secs(1);
/// How long an unknown `kid` waits before it is looked up again, by default
/// (doubling after each miss, up to ten minutes).
pub const DEFAULT_UNKNOWN_KID_BACKOFF: Duration = Duration::from_secs(10);
/// How often every key is loaded again in the background, by default: a key
/// deleted in FusionAuth is no longer trusted after at most this long.
pub const DEFAULT_BACKGROUND_REFRESH: Duration = Duration::from_secs(60);
/// How often the followed webhook's signing key id is read in the
/// background, by default: one small request, so that a rotation is followed
/// within seconds even for a `kid` that someone sent before it became the
/// webhook's (and waits out its backoff).
pub const DEFAULT_ROTATION_CHECK: Duration = Duration::from_secs(5);
/// How long the last keys loaded are kept while FusionAuth cannot be asked
/// again (errors, timeouts), by default; after that every request is refused
/// with 503.
pub const DEFAULT_MAX_KEY_AGE: Duration = Duration::from_secs(60 * 60);

/// A [`KeySource`] for the core's [`SignatureVerifier`] that trusts exactly
/// the keys FusionAuth signs the receiver's webhook with:
///
/// - the signing key of a webhook ([`follow_webhook`](FusionAuthKeysBuilder::follow_webhook):
///   its `signatureConfiguration.signingKeyId`, read again at every refresh,
///   so that moving the webhook to a new key is followed);
/// - Key Master keys named by id ([`key`](FusionAuthKeysBuilder::key));
/// - every key of the instance's `/.well-known/jwks.json` only when asked for
///   by name ([`trust_all_instance_keys`](FusionAuthKeysBuilder::trust_all_instance_keys)),
///   a risk: those keys also sign access and ID tokens, and whoever can get
///   FusionAuth to sign a token with one can forge webhooks.
///
/// An HMAC key is trusted by its secret (`/api/key/{id}`; never in the
/// JWKS), an asymmetric key by its JWK (by `kid`; its public key in PEM when
/// the JWKS lacks it).
///
/// How it keeps up:
///
/// - Every request uses the cached keys.
/// - A background task loads every key again every
///   [`background_refresh`](FusionAuthKeysBuilder::background_refresh); a
///   key or webhook FusionAuth says is gone (404) is dropped then (logged).
///   In between it reads the followed webhook's signing key id every
///   [`rotation_check`](FusionAuthKeysBuilder::rotation_check). It stops
///   when the source (and so the verifier holding it) is dropped.
/// - A token whose `kid` is unknown makes it read the webhook's signing key
///   id again (and that key, if it changed): a rotation is followed on its
///   first request. Lookups are one at a time and at least
///   [`min_refresh_interval`](FusionAuthKeysBuilder::min_refresh_interval)
///   apart, whatever the `kid`s; each unknown `kid` then waits
///   [`unknown_kid_backoff`](FusionAuthKeysBuilder::unknown_kid_backoff)
///   (doubling) before it is looked up again, while a `kid` not seen before
///   still gets its own lookup. A flood of made-up `kid`s thus costs
///   FusionAuth one lookup per interval and delays a rotation by at most
///   about one interval; a `kid` sent before it became the webhook's (it
///   is public in the JWKS once the key exists) waits for the next rotation
///   check at most, since a changed signing key ends every backoff. With
///   only named keys, nothing is looked up.
/// - A load that fails (FusionAuth erroring, unreachable, refusing the API
///   key) keeps the keys there are, for up to
///   [`max_key_age`](FusionAuthKeysBuilder::max_key_age) since the last good
///   load; after that every request is refused with 503 and a log line that
///   says why, until a load succeeds again.
///
/// ```
/// use fusionauth_webhooks::SignatureVerifier;
/// use fusionauth_webhooks_client::FusionAuthClient;
/// use fusionauth_webhooks_client::receiver::FusionAuthKeys;
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # let standin = fusionauth_standin::StandIn::start().await;
/// # let (key_id, webhook_id) = (uuid::Uuid::from_u128(1), uuid::Uuid::from_u128(2));
/// # standin.state().keys.insert(key_id, serde_json::json!({"id": key_id, "kid": "k1", "type": "HMAC", "algorithm": "HS256", "secret": "s3cr3t"}));
/// # standin.insert_webhook(serde_json::json!({"id": webhook_id, "url": "https://app.example.com/hook",
/// #     "signatureConfiguration": {"enabled": true, "signingKeyId": key_id}}));
/// let client = FusionAuthClient::new(standin.url(), fusionauth_standin::API_KEY)?;
/// let keys = FusionAuthKeys::builder(client).follow_webhook(webhook_id).load().await?;
/// assert_eq!(keys.kids(), ["k1"]);
/// let verifier = SignatureVerifier::from_source(keys);
/// # let _ = verifier;
/// # Ok(())
/// # }
/// ```
pub struct FusionAuthKeys {
    shared: Arc<Shared>,
    background: Option<tokio::task::JoinHandle<()>>,
}

/// How the keys are kept up.
#[derive(Debug, Clone, Copy)]
pub(super) struct Settings {
    pub(super) background_refresh: Option<Duration>,
    pub(super) rotation_check: Option<Duration>,
    pub(super) min_refresh_interval: Duration,
    pub(super) unknown_kid_backoff: Duration,
    pub(super) max_key_age: Duration,
}

/// Why the keys could not be loaded.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum KeyLoadError {
    /// A FusionAuth call failed.
    #[error("loading the signing keys failed: {0}")]
    Api(#[from] Error),
    /// The keys found make no verifier: none at all (the reason says why),
    /// or an unusable one.
    #[error("{0}")]
    NoKeys(String),
    /// Nothing to trust was configured.
    #[error(
        "no signing key to follow: follow a webhook, name a key, or (knowing the risk) trust all instance keys"
    )]
    NothingToTrust,
}

/// Configures [`FusionAuthKeys`]; see [`FusionAuthKeys::builder`].
#[derive(Debug)]
pub struct FusionAuthKeysBuilder {
    sources: Sources,
    settings: Settings,
}

impl FusionAuthKeys {
    /// Keys from the instance `client` talks to; say which with
    /// [`follow_webhook`](FusionAuthKeysBuilder::follow_webhook) or
    /// [`key`](FusionAuthKeysBuilder::key).
    pub fn builder(client: FusionAuthClient) -> FusionAuthKeysBuilder {
        FusionAuthKeysBuilder {
            sources: Sources {
                client,
                webhook_id: None,
                key_ids: Vec::new(),
                all_instance_keys: false,
            },
            settings: Settings {
                background_refresh: Some(DEFAULT_BACKGROUND_REFRESH),
                rotation_check: Some(DEFAULT_ROTATION_CHECK),
                min_refresh_interval: DEFAULT_MIN_REFRESH_INTERVAL,
                unknown_kid_backoff: DEFAULT_UNKNOWN_KID_BACKOFF,
                max_key_age: DEFAULT_MAX_KEY_AGE,
            },
        }
    }

    /// The `kid` of every key trusted now.
    pub fn kids(&self) -> Vec<String> {
        self.shared.state().kids.clone()
    }
}

impl FusionAuthKeysBuilder {
    /// Trusts the key this webhook signs with (its
    /// `signatureConfiguration.signingKeyId`, when signing is enabled), read
    /// again at every refresh and on an unknown `kid`.
    pub fn follow_webhook(mut self, webhook_id: Uuid) -> FusionAuthKeysBuilder {
        self.sources.webhook_id = Some(webhook_id);
        self
    }

    /// Also trusts this Key Master key (`/api/key/{id}`), e.g. the one
    /// `FUSIONAUTH_WEBHOOK_SIGNING_KEY_ID` names, or the old key during a
    /// rotation.
    pub fn key(mut self, key_id: Uuid) -> FusionAuthKeysBuilder {
        if !self.sources.key_ids.contains(&key_id) {
            self.sources.key_ids.push(key_id);
        }
        self
    }

    /// Also trusts every key of the instance's `/.well-known/jwks.json`.
    ///
    /// A risk, to take knowingly: that set holds every asymmetric key of the
    /// instance, those that sign access tokens, ID tokens and tokens of the
    /// JWT vend API or a JWT-populate lambda included. Anyone who can get
    /// FusionAuth to sign a token with one of them, with a
    /// `request_body_sha256` claim of their choosing, can then forge
    /// webhooks. Prefer [`follow_webhook`](Self::follow_webhook).
    pub fn trust_all_instance_keys(mut self) -> FusionAuthKeysBuilder {
        self.sources.all_instance_keys = true;
        self
    }

    /// The shortest time between two lookups caused by unknown `kid`s
    /// (default [`DEFAULT_MIN_REFRESH_INTERVAL`]).
    pub fn min_refresh_interval(mut self, interval: Duration) -> FusionAuthKeysBuilder {
        self.settings.min_refresh_interval = interval;
        self
    }

    /// How long an unknown `kid` waits before its next lookup, doubling
    /// after each miss up to ten minutes (default [`DEFAULT_UNKNOWN_KID_BACKOFF`]).
    pub fn unknown_kid_backoff(mut self, first: Duration) -> FusionAuthKeysBuilder {
        self.settings.unknown_kid_backoff = first;
        self
    }

    /// How often to load every key again in the background (default
    /// [`DEFAULT_BACKGROUND_REFRESH`]); `None` for never (a deleted key then
    /// stays trusted).
    pub fn background_refresh(mut self, every: Option<Duration>) -> FusionAuthKeysBuilder {
        self.settings.background_refresh = every;
        self
    }

    /// How often to read the followed webhook's signing key id in the
    /// background, between two full loads (default
    /// [`DEFAULT_ROTATION_CHECK`]); `None` for never.
    pub fn rotation_check(mut self, every: Option<Duration>) -> FusionAuthKeysBuilder {
        self.settings.rotation_check = every;
        self
    }

    /// How long the last keys loaded are kept while loads fail (default
    /// [`DEFAULT_MAX_KEY_AGE`]); after that requests are refused with 503.
    pub fn max_key_age(mut self, age: Duration) -> FusionAuthKeysBuilder {
        self.settings.max_key_age = age;
        self
    }

    /// Loads the keys once (failing if that fails, so that a misconfigured
    /// receiver does not start) and starts the background refresh on the
    /// current tokio runtime.
    pub async fn load(self) -> Result<FusionAuthKeys, KeyLoadError> {
        let sources = self.sources;
        if sources.webhook_id.is_none() && sources.key_ids.is_empty() && !sources.all_instance_keys
        {
            return Err(KeyLoadError::NothingToTrust);
        }
        let started = Instant::now();
        let loaded = sources.load(&Loaded::default(), Scope::Full).await?;
        let (verifier, kids) = loaded.verifier().map_err(KeyLoadError::NoKeys)?;
        for gone in loaded.gone() {
            tracing::warn!(%gone, "a fusionauth signing key is not trusted");
        }
        let state = State {
            kids: sorted(kids),
            loaded,
            verifier,
            loaded_at: started,
            failing: None,
            expired: false,
            last_started: Some(started),
            last_finished_started: Some(started),
            unknown: UnknownKids::default(),
        };
        let shared = Arc::new(Shared {
            sources,
            settings: self.settings,
            state: Mutex::new(state),
            loading: tokio::sync::Mutex::new(()),
        });
        let checks = shared
            .settings
            .rotation_check
            .filter(|_| shared.sources.webhook_id.is_some());
        let background = (shared.settings.background_refresh.is_some() || checks.is_some())
            .then(|| tokio::spawn(keep_up(Arc::downgrade(&shared))));
        Ok(FusionAuthKeys { shared, background })
    }
}

#[async_trait]
impl KeySource for FusionAuthKeys {
    fn current(&self) -> SignatureVerifier {
        let (verifier, expired) = self.shared.current();
        if expired {
            retry_soon(&self.shared);
        }
        verifier
    }

    async fn refresh(&self, kid: &str) -> Option<SignatureVerifier> {
        let shared = &self.shared;
        if !shared.sources.can_rotate() {
            // Named keys never change their kid: there is nothing to look up.
            return None;
        }
        let arrived = Instant::now();
        let fingerprint = {
            let state = shared.state();
            if state.kids.iter().any(|known| known == kid) {
                return Some(state.verifier.clone());
            }
            let fingerprint = state.unknown.fingerprint(kid);
            if state.unknown.waiting(fingerprint, arrived) {
                return None;
            }
            fingerprint
        };
        let _loading = shared.loading.lock().await;
        let looked_up_since = {
            let state = shared.state();
            state
                .last_finished_started
                .is_some_and(|started| started >= arrived)
        };
        if !looked_up_since {
            // Lookups stay apart, whatever the kids; this one started after the request came.
            let last = shared.state().last_started;
            if let Some(last) = last {
                tokio::time::sleep_until(last + shared.settings.min_refresh_interval).await;
            }
            shared.load(Scope::NewKids).await;
        }
        let mut state = shared.state();
        if state.kids.iter().any(|known| known == kid) {
            state.unknown.found(fingerprint);
            Some(state.verifier.clone())
        } else {
            state.unknown.missed(
                fingerprint,
                Instant::now(),
                shared.settings.unknown_kid_backoff,
            );
            tracing::debug!(kid, "no fusionauth signing key has this kid");
            None
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
        let state = self.shared.state();
        f.debug_struct("FusionAuthKeys")
            .field("sources", &self.shared.sources)
            .field("settings", &self.shared.settings)
            .field("kids", &state.kids)
            .field("failing", &state.failing)
            .finish_non_exhaustive()
    }
}
