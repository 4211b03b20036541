//! Configuring a [`Webhook`]: credentials, limits, policies; checked at build.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use http::StatusCode;
use http::header::{AUTHORIZATION, HeaderName, HeaderValue};

use super::response::Answers;
use super::{ConfigError, Inner, Webhook};
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
    allow_no_handlers: bool,
    timer: Option<Timer>,
    #[cfg(feature = "delivery")]
    pub(super) dedup: Option<crate::delivery::Deduplicator>,
    #[cfg(feature = "delivery")]
    pub(super) handoffs: super::handoff::Handoffs,
    // The first mistake made while configuring, reported by `build`.
    error: Option<ConfigError>,
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
            allow_no_handlers: false,
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

    /// The handlers. Required: a webhook without any handler would
    /// acknowledge every event, approving every transactional one, so
    /// [`build`](WebhookBuilder::build) refuses it
    /// ([`ConfigError::NoHandlers`]) unless
    /// [`allow_no_handlers`](WebhookBuilder::allow_no_handlers) says so.
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

    /// Builds a webhook without any handler, which acknowledges every event
    /// unhandled (with the unrouted status, 200 by default). For a
    /// transactional event (`user.create`, `user.registration.create`, ...)
    /// that answer approves the operation in FusionAuth. Only for a webhook
    /// that exists to be observed (a smoke test, a receiver whose events go
    /// to a queue you configure later); without this call,
    /// [`build`](WebhookBuilder::build) refuses a webhook with no handler
    /// ([`ConfigError::NoHandlers`]).
    ///
    /// ```
    /// use fusionauth_webhooks::{ConfigError, Webhook};
    ///
    /// // Forgetting `.router(...)` is an error, not a webhook that approves everything.
    /// let forgot = Webhook::builder().api_key("a-long-random-key").build().unwrap_err();
    /// assert_eq!(forgot, ConfigError::NoHandlers);
    ///
    /// let on_purpose = Webhook::builder().api_key("a-long-random-key").allow_no_handlers().build();
    /// assert!(on_purpose.is_ok());
    /// ```
    pub fn allow_no_handlers(mut self) -> WebhookBuilder {
        self.allow_no_handlers = true;
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
        if !self.allow_no_handlers && !self.has_handlers() {
            return Err(ConfigError::NoHandlers);
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

impl WebhookBuilder {
    /// Whether any event can reach a handler: the router has one, or some
    /// types go to a queue whose workers run them.
    fn has_handlers(&self) -> bool {
        #[cfg(feature = "delivery")]
        if !self.handoffs.is_empty() {
            return true;
        }
        !self.router.is_empty()
    }
}

/// Whether a secret starts or ends with white space.
fn has_surrounding_whitespace(secret: &str) -> bool {
    secret.trim() != secret
}
