//! Configuring a [`Webhook`]: credentials, limits, policies; checked at build.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use http::StatusCode;
use http::header::{AUTHORIZATION, HeaderName, HeaderValue};

use super::response::Answers;
use super::{Inner, Webhook};
use crate::auth::Authenticator;
use crate::dispatch::{Deadline, Dispatcher};
use crate::router::Router;
use crate::timer::Timer;

/// The body limit unless configured otherwise: 8 MiB, room for a
/// `user.bulk.create` of several thousand users.
pub const DEFAULT_MAX_BODY_SIZE: usize = 8 * 1024 * 1024;

/// How long a body may take to arrive unless configured otherwise: 30
/// seconds, ample for 8 MiB on a slow link, and a bound on how long a
/// stalled sender holds its buffer.
pub const DEFAULT_BODY_READ_TIMEOUT: Duration = Duration::from_secs(30);

/// Builds a [`Webhook`]: its credentials, limits, timeouts and router.
///
/// Configuration mistakes are reported by [`build`](WebhookBuilder::build)
/// as a [`ConfigError`], never at request time.
///
/// ```
/// use std::time::Duration;
/// use fusionauth_webhooks::{Event, EventType, Router, Webhook};
///
/// let webhook = Webhook::builder()
///     // Rotating the key: both are accepted until FusionAuth sends the new one.
///     .api_key("the-old-long-random-key")
///     .api_key("the-new-long-random-key")
///     .max_body_size(1024 * 1024)
///     // Below the FusionAuth webhook's readTimeout.
///     .handler_timeout(Duration::from_millis(1500))
///     .router(Router::new().on_event(EventType::UserDelete, |_: Event| async { Ok(()) }))
///     .build()?;
/// assert_eq!(webhook.max_body_size(), 1024 * 1024);
/// # Ok::<(), fusionauth_webhooks::ConfigError>(())
/// ```
#[derive(Debug)]
pub struct WebhookBuilder {
    router: Router,
    auth: Authenticator,
    max_body_size: usize,
    body_read_timeout: Option<Duration>,
    handler_timeout: Option<Duration>,
    unrouted_status: StatusCode,
    allow_unauthenticated: bool,
    timer: Option<Timer>,
    #[cfg(feature = "delivery")]
    dedup: Option<crate::delivery::Deduplicator>,
    #[cfg(feature = "delivery")]
    handoffs: super::handoff::Handoffs,
    // The first mistake made while configuring, reported by `build`.
    error: Option<ConfigError>,
}

/// A mistake in a webhook's configuration, returned by
/// [`WebhookBuilder::build`] (and the `from_env` constructors).
///
/// Its `Display` and its `Debug` both say what to do, so that a `main` that
/// returns `Result<(), Box<dyn Error>>` prints the fix, not just a name.
///
/// ```
/// use fusionauth_webhooks::{ConfigError, Router, Webhook};
///
/// let error = Webhook::builder().router(Router::new()).build().unwrap_err();
/// assert_eq!(error, ConfigError::NoCredentials);
/// // What `main` prints: the variant's name and the fix.
/// let shown = format!("{error:?}");
/// assert!(shown.starts_with("NoCredentials: no credential is configured"), "{shown}");
/// assert!(shown.contains("FUSIONAUTH_WEBHOOK_API_KEY"), "{shown}");
/// ```
#[derive(Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// No header, basic auth or signature is required, and
    /// [`insecure_allow_unauthenticated`](WebhookBuilder::insecure_allow_unauthenticated)
    /// was not called.
    #[error(
        "no credential is configured: require a header (`api_key`, `require_header`), \
         basic auth (`basic_auth`) or a signature (`signature`); from the environment, \
         set FUSIONAUTH_WEBHOOK_API_KEY, FUSIONAUTH_WEBHOOK_BASIC_USER and \
         FUSIONAUTH_WEBHOOK_BASIC_PASSWORD, FUSIONAUTH_WEBHOOK_HMAC_SECRET or \
         FUSIONAUTH_WEBHOOK_JWKS; or call `insecure_allow_unauthenticated()` to accept anyone"
    )]
    NoCredentials,
    /// An `Authorization` header value and basic auth both need the one
    /// `Authorization` header.
    #[error(
        "an `Authorization` header value and basic auth cannot both be required: \
         FusionAuth sends basic auth in the `Authorization` header"
    )]
    AuthorizationConflict,
    /// A header name that HTTP does not allow.
    #[error("invalid header name `{0}`")]
    InvalidHeaderName(String),
    /// A header value that HTTP does not allow (control characters, non-ASCII).
    #[error("invalid value for header `{0}`")]
    InvalidHeaderValue(String),
    /// An empty secret, which anyone could present.
    #[error("{0} must not be empty")]
    EmptySecret(&'static str),
    /// A secret that starts or ends with white space. HTTP strips such white
    /// space from the header values it receives, so a header secret could
    /// never match; and in any secret it is most likely a copy-paste slip
    /// or a file's final newline.
    #[error(
        "{0} starts or ends with white space, which HTTP strips from received header \
         values (or a copy-paste slip): remove it"
    )]
    SecretWhitespace(&'static str),
    /// A timeout of zero would refuse every request.
    #[error("the {0} must be longer than zero")]
    ZeroTimeout(&'static str),
    /// A timeout is configured but there is no timer to measure it.
    #[error(
        "the {0} needs a timer: enable the `tokio` feature of fusionauth-webhooks, \
         or give one with `WebhookBuilder::timer`"
    )]
    NoTimer(&'static str),
    /// RFC 7617 forbids a colon in a basic-auth username.
    #[error("a basic-auth username must not contain `:`")]
    ColonInUsername,
    /// A body limit of zero would refuse every event.
    #[error("the body size limit must be at least 1 byte")]
    ZeroBodyLimit,
    /// The unrouted status is not a success: FusionAuth would retry, and for a
    /// transactional event fail the operation, for every event without handler.
    #[error("the unrouted status must be a 2xx success, not {0}")]
    UnroutedStatusNotSuccess(u16),
    /// An environment variable has a value that cannot be used.
    #[error(transparent)]
    Environment(#[from] crate::env::EnvError),
    /// The signature verifier could not be configured.
    #[cfg(feature = "signature")]
    #[error("signature: {0}")]
    Signature(#[from] crate::signature::SignatureConfigError),
    /// A transactional event type was given to
    /// [`WebhookBuilder::enqueue`].
    #[cfg(feature = "delivery")]
    #[error(
        "`{}` is transactional and cannot be enqueued: FusionAuth waits for the webhook's \
         answer to commit the operation (a handler may veto it), but an enqueued event is \
         answered before any handler runs; handle it in the request, or use \
         `WebhookBuilder::enqueue_transactional` to give up the veto",
        .0.as_str()
    )]
    TransactionalEnqueued(crate::event::EventType),
}

impl std::fmt::Debug for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The variant's name (as derived Debug would start), then the message.
        let name = match self {
            ConfigError::NoCredentials => "NoCredentials",
            ConfigError::AuthorizationConflict => "AuthorizationConflict",
            ConfigError::InvalidHeaderName(_) => "InvalidHeaderName",
            ConfigError::InvalidHeaderValue(_) => "InvalidHeaderValue",
            ConfigError::EmptySecret(_) => "EmptySecret",
            ConfigError::SecretWhitespace(_) => "SecretWhitespace",
            ConfigError::ZeroTimeout(_) => "ZeroTimeout",
            ConfigError::NoTimer(_) => "NoTimer",
            ConfigError::ColonInUsername => "ColonInUsername",
            ConfigError::ZeroBodyLimit => "ZeroBodyLimit",
            ConfigError::UnroutedStatusNotSuccess(_) => "UnroutedStatusNotSuccess",
            ConfigError::Environment { .. } => "Environment",
            #[cfg(feature = "signature")]
            ConfigError::Signature(_) => "Signature",
            #[cfg(feature = "delivery")]
            ConfigError::TransactionalEnqueued(_) => "TransactionalEnqueued",
        };
        write!(f, "{name}: {self}")
    }
}

impl WebhookBuilder {
    pub(super) fn new() -> WebhookBuilder {
        let timer = Timer::tokio();
        WebhookBuilder {
            router: Router::new(),
            auth: Authenticator::default(),
            max_body_size: DEFAULT_MAX_BODY_SIZE,
            // On by default wherever there is a timer to measure it.
            body_read_timeout: timer.as_ref().map(|_| DEFAULT_BODY_READ_TIMEOUT),
            handler_timeout: None,
            unrouted_status: StatusCode::OK,
            allow_unauthenticated: false,
            timer,
            #[cfg(feature = "delivery")]
            dedup: None,
            #[cfg(feature = "delivery")]
            handoffs: Default::default(),
            error: None,
        }
    }

    fn fail(mut self, error: ConfigError) -> WebhookBuilder {
        self.error.get_or_insert(error);
        self
    }

    /// The handlers.
    pub fn router(mut self, router: Router) -> WebhookBuilder {
        self.router = router;
        self
    }

    /// Requires header `name` to have the value `value`, as configured under
    /// Headers on the FusionAuth webhook. Call again with the same name to
    /// accept several values (while rotating a secret); call with other names
    /// to require several headers. Names are case-insensitive.
    pub fn require_header(self, name: &str, value: &str) -> WebhookBuilder {
        let Ok(header) = HeaderName::try_from(name) else {
            return self.fail(ConfigError::InvalidHeaderName(name.to_owned()));
        };
        if value.is_empty() {
            return self.fail(ConfigError::EmptySecret("a required header value"));
        }
        if has_surrounding_whitespace(value) {
            return self.fail(ConfigError::SecretWhitespace("a required header value"));
        }
        if HeaderValue::try_from(value).is_err() {
            return self.fail(ConfigError::InvalidHeaderValue(name.to_owned()));
        }
        let mut builder = self;
        builder
            .auth
            .credentials
            .add_header(header, value.as_bytes());
        builder
    }

    /// Requires `Authorization: <api_key>`, the usual FusionAuth setup (a
    /// header named `Authorization` under the webhook's Headers tab). Call
    /// again to accept several keys.
    pub fn api_key(self, api_key: &str) -> WebhookBuilder {
        self.require_header(AUTHORIZATION.as_str(), api_key)
    }

    /// Requires HTTP basic auth with this username and password, as
    /// configured under Security on the FusionAuth webhook. Call again to
    /// accept several pairs.
    pub fn basic_auth(mut self, username: &str, password: &str) -> WebhookBuilder {
        if username.is_empty() {
            return self.fail(ConfigError::EmptySecret("the basic-auth username"));
        }
        if password.is_empty() {
            return self.fail(ConfigError::EmptySecret("the basic-auth password"));
        }
        if username.contains(':') {
            return self.fail(ConfigError::ColonInUsername);
        }
        if has_surrounding_whitespace(username) {
            return self.fail(ConfigError::SecretWhitespace("the basic-auth username"));
        }
        if has_surrounding_whitespace(password) {
            return self.fail(ConfigError::SecretWhitespace("the basic-auth password"));
        }
        self.auth.credentials.add_basic(username, password);
        self
    }

    /// Requires a valid `X-FusionAuth-Signature-JWT` over the exact body.
    #[cfg(feature = "signature")]
    #[cfg_attr(docsrs, doc(cfg(feature = "signature")))]
    pub fn signature(mut self, verifier: crate::signature::SignatureVerifier) -> WebhookBuilder {
        self.auth.signature = Some(verifier);
        self
    }

    /// Runs the handlers at most once per event id, across FusionAuth's
    /// retries and, with a shared store, across replicas: a store
    /// ([`MemoryStore`](crate::delivery::MemoryStore) for one process,
    /// `RedisStore` from `fusionauth-webhooks-redis` for several), or a
    /// [`Deduplicator`](crate::delivery::Deduplicator) with its lease,
    /// retention and wait set.
    ///
    /// | delivery | answer |
    /// |---|---|
    /// | first of an id | handlers run; 2xx on success (id done), else their status (claim released, FusionAuth's retry runs them again) |
    /// | duplicate of a done id | 200, nothing runs |
    /// | duplicate while the first runs | waits for it up to the bound: done → 200; released → runs here; still running → 503 |
    /// | store unreachable | 503, nothing runs |
    /// | event without an id | handlers run, no deduplication |
    ///
    /// # Example
    ///
    /// ```
    /// use std::sync::Arc;
    /// use std::sync::atomic::{AtomicUsize, Ordering};
    /// use fusionauth_webhooks::delivery::MemoryStore;
    /// use fusionauth_webhooks::{EventType, Router, Webhook};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let emails = Arc::new(AtomicUsize::new(0));
    /// let counter = Arc::clone(&emails);
    /// let webhook = Webhook::builder()
    ///     .api_key("k")
    ///     .deduplicate(MemoryStore::new())
    ///     .router(Router::new().on_event(EventType::UserCreateComplete, move |_event| {
    ///         let counter = Arc::clone(&counter);
    ///         async move {
    ///             counter.fetch_add(1, Ordering::SeqCst);
    ///             Ok(())
    ///         }
    ///     }))
    ///     .build()?;
    /// let body = r#"{"event":{"type":"user.create.complete","id":"b0f3c5e2-4c1a-4f8e-9d2b-6a7e8f9a0b1c"}}"#;
    /// for _ in 0..3 {
    ///     let request = http::Request::post("/")
    ///         .header("authorization", "k")
    ///         .header("content-type", "application/json")
    ///         .body(bytes::Bytes::from_static(body.as_bytes()))?;
    ///     assert_eq!(webhook.handle(request).await.status(), 200);
    /// }
    /// assert_eq!(emails.load(Ordering::SeqCst), 1);
    /// # Ok(())
    /// # }
    /// ```
    #[cfg(feature = "delivery")]
    #[cfg_attr(docsrs, doc(cfg(feature = "delivery")))]
    pub fn deduplicate(
        mut self,
        dedup: impl Into<crate::delivery::Deduplicator>,
    ) -> WebhookBuilder {
        self.dedup = Some(dedup.into());
        self
    }

    /// Hands events of these types to `queue` instead of running their
    /// handlers in the request: the webhook answers 202 once the queue
    /// acknowledged the write (503 if it did not), and a
    /// [`Worker`](crate::Worker) on the same router runs their handlers
    /// later. Events of other tenants or applications (the router's filters)
    /// are acknowledged, not queued.
    ///
    /// Transactional event types are refused: FusionAuth waits for their
    /// answer to commit the operation, so a handler can veto it, and an
    /// enqueued event is answered before any handler runs.
    /// [`build`](WebhookBuilder::build) then fails with
    /// [`ConfigError::TransactionalEnqueued`];
    /// [`enqueue_transactional`](WebhookBuilder::enqueue_transactional)
    /// accepts losing the veto.
    ///
    /// Share one queue between the webhook and a worker with an `Arc` (an
    /// `Arc<Q>` is a queue too).
    ///
    /// # Example
    ///
    /// ```
    /// use std::sync::Arc;
    /// use fusionauth_webhooks::delivery::MemoryQueue;
    /// use fusionauth_webhooks::{ConfigError, EventType, Router, Webhook};
    ///
    /// let queue = Arc::new(MemoryQueue::new());
    /// let router = Router::new().on_event(EventType::UserUpdateComplete, |_event| async { Ok(()) });
    /// let webhook = Webhook::builder()
    ///     .api_key("k")
    ///     .router(router.clone())
    ///     .enqueue([EventType::UserUpdateComplete, EventType::UserEmailUpdate], Arc::clone(&queue))
    ///     .build();
    /// assert!(webhook.is_ok());
    ///
    /// let vetoable = Webhook::builder()
    ///     .api_key("k")
    ///     .router(router)
    ///     .enqueue([EventType::UserCreate], queue)
    ///     .build();
    /// assert_eq!(vetoable.unwrap_err(), ConfigError::TransactionalEnqueued(EventType::UserCreate));
    /// ```
    #[cfg(feature = "delivery")]
    #[cfg_attr(docsrs, doc(cfg(feature = "delivery")))]
    pub fn enqueue(
        mut self,
        event_types: impl IntoIterator<Item = crate::event::EventType>,
        queue: impl crate::delivery::Queue,
    ) -> WebhookBuilder {
        let types = event_types.into_iter().collect();
        self.handoffs.add(types, Arc::new(queue), false);
        self
    }

    /// Like [`enqueue`](WebhookBuilder::enqueue), transactional types
    /// included: their handlers can no longer veto the FusionAuth operation
    /// (the 202 commits it).
    ///
    /// ```
    /// use fusionauth_webhooks::delivery::MemoryQueue;
    /// use fusionauth_webhooks::{EventType, Router, Webhook};
    ///
    /// let webhook = Webhook::builder()
    ///     .api_key("k")
    ///     .router(Router::new())
    ///     .enqueue_transactional([EventType::UserCreate], MemoryQueue::new())
    ///     .build();
    /// assert!(webhook.is_ok());
    /// ```
    #[cfg(feature = "delivery")]
    #[cfg_attr(docsrs, doc(cfg(feature = "delivery")))]
    pub fn enqueue_transactional(
        mut self,
        event_types: impl IntoIterator<Item = crate::event::EventType>,
        queue: impl crate::delivery::Queue,
    ) -> WebhookBuilder {
        let types = event_types.into_iter().collect();
        self.handoffs.add(types, Arc::new(queue), true);
        self
    }

    /// The largest body accepted, in bytes (default [`DEFAULT_MAX_BODY_SIZE`],
    /// 8 MiB); larger ones get 413 without being read past the limit.
    pub fn max_body_size(mut self, bytes: usize) -> WebhookBuilder {
        if bytes == 0 {
            return self.fail(ConfigError::ZeroBodyLimit);
        }
        self.max_body_size = bytes;
        self
    }

    /// How long the body may take to arrive once the head has passed its
    /// checks (default [`DEFAULT_BODY_READ_TIMEOUT`], 30 s, with a timer);
    /// a stalled body is answered 408 and its buffer freed.
    pub fn body_read_timeout(mut self, timeout: Duration) -> WebhookBuilder {
        if timeout.is_zero() {
            return self.fail(ConfigError::ZeroTimeout("body read timeout"));
        }
        self.body_read_timeout = Some(timeout);
        self
    }

    /// How long the handlers of one event may run (default: no limit). When
    /// it runs out they are dropped and the answer is 503
    /// ([`HandlerError::timed_out`](crate::HandlerError::timed_out)), logged
    /// with the handlers still running.
    ///
    /// Set it below the `readTimeout` of the FusionAuth webhook: past that,
    /// FusionAuth counts the delivery as failed whatever the answer.
    ///
    /// ```
    /// use std::time::Duration;
    /// use bytes::Bytes;
    /// use fusionauth_webhooks::{Event, EventType, Router, Webhook};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let slow = Router::new().on_event(EventType::UserDelete, |_: Event| async {
    ///     tokio::time::sleep(Duration::from_secs(60)).await;
    ///     Ok(())
    /// });
    /// let webhook = Webhook::builder()
    ///     .api_key("a-long-random-key")
    ///     .handler_timeout(Duration::from_millis(50))
    ///     .router(slow)
    ///     .build()?;
    /// let request = http::Request::post("/")
    ///     .header("authorization", "a-long-random-key")
    ///     .header("content-type", "application/json")
    ///     .body(Bytes::from_static(br#"{"event":{"type":"user.delete"}}"#))?;
    /// assert_eq!(webhook.handle(request).await.status(), 503);
    /// # Ok(())
    /// # }
    /// ```
    pub fn handler_timeout(mut self, timeout: Duration) -> WebhookBuilder {
        if timeout.is_zero() {
            return self.fail(ConfigError::ZeroTimeout("handler timeout"));
        }
        self.handler_timeout = Some(timeout);
        self
    }

    /// The timer the timeouts use, for a runtime other than tokio (with the
    /// `tokio` feature, the default, tokio's timer is used): a function that
    /// returns a future completing after the given duration.
    pub fn timer<F>(
        mut self,
        sleep: impl Fn(Duration) -> F + Send + Sync + 'static,
    ) -> WebhookBuilder
    where
        F: Future<Output = ()> + Send + 'static,
    {
        let first_timer = self.timer.is_none();
        self.timer = Some(Timer::new(sleep));
        if first_timer && self.body_read_timeout.is_none() {
            self.body_read_timeout = Some(DEFAULT_BODY_READ_TIMEOUT);
        }
        self
    }

    /// The status for an event no handler takes (default 200, so FusionAuth
    /// neither retries nor vetoes). Must be a 2xx, such as 202 or 204.
    pub fn unrouted_status(mut self, status: StatusCode) -> WebhookBuilder {
        if !status.is_success() {
            return self.fail(ConfigError::UnroutedStatusNotSuccess(status.as_u16()));
        }
        self.unrouted_status = status;
        self
    }

    /// Accepts requests without any credential. Anyone who can reach the URL
    /// can then forge events: only for local development, or behind a proxy
    /// that authenticates FusionAuth itself.
    pub fn insecure_allow_unauthenticated(mut self) -> WebhookBuilder {
        self.allow_unauthenticated = true;
        self
    }

    /// Checks the configuration and builds the webhook.
    pub fn build(self) -> Result<Webhook, ConfigError> {
        if let Some(error) = self.error {
            return Err(error);
        }
        let credentials = &self.auth.credentials;
        if credentials.requires_header(&AUTHORIZATION) && credentials.uses_basic() {
            return Err(ConfigError::AuthorizationConflict);
        }
        if !self.auth.requires_anything() && !self.allow_unauthenticated {
            return Err(ConfigError::NoCredentials);
        }
        if self.handler_timeout.is_some() && self.timer.is_none() {
            return Err(ConfigError::NoTimer("handler timeout"));
        }
        if self.body_read_timeout.is_some() && self.timer.is_none() {
            return Err(ConfigError::NoTimer("body read timeout"));
        }
        #[cfg(feature = "delivery")]
        if let Some(event_type) = self.handoffs.refused_transactional() {
            return Err(ConfigError::TransactionalEnqueued(event_type));
        }
        let deadline = self
            .handler_timeout
            .zip(self.timer.clone())
            .map(|(timeout, timer)| Deadline { timeout, timer });
        let dispatcher = Dispatcher::new(self.router).deadline(deadline);
        #[cfg(feature = "delivery")]
        let dispatcher = dispatcher.deduplicate(self.dedup);
        let answers = Answers {
            unrouted_status: self.unrouted_status,
            basic_challenge: self.auth.uses_basic(),
        };
        Ok(Webhook {
            inner: Arc::new(Inner {
                dispatcher,
                auth: self.auth,
                max_body_size: self.max_body_size,
                body_read_timeout: self.body_read_timeout,
                timer: self.timer,
                answers,
                #[cfg(feature = "delivery")]
                handoffs: self.handoffs,
            }),
        })
    }
}

/// Whether a secret starts or ends with white space.
fn has_surrounding_whitespace(secret: &str) -> bool {
    secret.trim() != secret
}
