//! The webhook endpoint: request in, response out, along one path.

mod body;
mod builder;
mod config_error;
mod deliver;
#[cfg(feature = "delivery")]
mod delivery;
mod env;
#[cfg(feature = "delivery")]
mod handoff;
mod head;
mod report;
mod response;
mod runtime;
mod unobserved;

use std::error::Error as StdError;
use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http::{Request, Response};
use http_body::Body;
use http_body_util::Full;
#[cfg(feature = "otel")]
use tracing::Instrument as _;

pub use builder::{DEFAULT_BODY_READ_TIMEOUT, DEFAULT_MAX_BODY_SIZE, WebhookBuilder};
pub use config_error::ConfigError;
pub use report::{DURATION_METRIC, REQUESTS_METRIC};
pub(crate) use response::{LOG_TARGET, Outcome};

use crate::auth::Authenticator;
use crate::dispatch::Dispatcher;
use crate::event::Event;
use crate::timer::Timer;
use response::Answers;

/// A FusionAuth webhook endpoint: credentials, limits and handlers.
///
/// Every request takes one path, each step cheaper and safer than the next:
///
/// 1. the head: method `POST` (else 405), credentials and the signature's
///    token (else 401; 503 when the signature's key source has no keys it
///    trusts now), declared size (else 413), content type (else 415), all
///    before a byte of the body is read;
/// 2. the body, never past the size limit (413) nor the read timeout (408);
/// 3. the body's hash against the signature (401);
/// 4. the envelope (400), then the [`Router`](crate::Router) runs the handlers, detached from
///    the connection and within the handler timeout (503);
/// 5. the response: 2xx only once every handler has succeeded.
///
/// Every request is logged with its outcome under the `tracing` target
/// `fusionauth_webhooks` (`info` when acknowledged, `warn` with the reason
/// when refused). In a process with no `tracing` subscriber at all, the
/// first refusal is also written to stderr, once, so that its reason is not
/// lost; install a subscriber (`tracing_subscriber::fmt::init()`) to see
/// every one.
///
/// Cheap to clone (the configuration is shared). Build one with
/// [`Webhook::builder`] or [`WebhookBuilder::from_env`], then hand it to an adapter,
/// use it as a `tower::Service`, or call [`handle`](Webhook::handle).
///
/// # Example
///
/// ```
/// use bytes::Bytes;
/// use fusionauth_webhooks::{Event, EventType, Router, Webhook};
/// use http::{Request, StatusCode};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let webhook = Webhook::builder()
///     .api_key("a-long-random-key")
///     .router(Router::new().on_event(EventType::UserDelete, |event: Event| async move {
///         println!("delete the data of {:?}", event.linked_object_id());
///         Ok(())
///     }))
///     .build()?;
///
/// let request = Request::post("/fusionauth-webhook")
///     .header("authorization", "a-long-random-key")
///     .header("content-type", "application/json")
///     .body(Bytes::from_static(br#"{"event":{"type":"user.delete","id":"e502168a-b469-45d9-a079-fd45f83e0406"}}"#))?;
/// let response = webhook.handle(request).await;
/// assert_eq!(response.status(), StatusCode::OK);
///
/// let forged = Request::post("/fusionauth-webhook")
///     .header("content-type", "application/json")
///     .body(Bytes::from_static(br#"{"event":{"type":"user.delete"}}"#))?;
/// assert_eq!(webhook.handle(forged).await.status(), StatusCode::UNAUTHORIZED);
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct Webhook {
    inner: Arc<Inner>,
}

struct Inner {
    dispatcher: Dispatcher,
    auth: Authenticator,
    max_body_size: usize,
    body_read_timeout: Option<Duration>,
    /// The timer of the body-read timeout (the handler deadline has its own
    /// in the dispatcher).
    timer: Option<Timer>,
    answers: Answers,
    #[cfg(feature = "delivery")]
    handoffs: handoff::Handoffs,
}

impl Webhook {
    /// Starts configuring a webhook; see [`WebhookBuilder`].
    ///
    /// ```
    /// use fusionauth_webhooks::{ConfigError, Event, EventType, Router, Webhook};
    ///
    /// let handlers = Router::new().on_event(EventType::UserDelete, |_: Event| async { Ok(()) });
    /// let webhook = Webhook::builder()
    ///     .basic_auth("fusionauth", "a-long-random-password")
    ///     .router(handlers.clone())
    ///     .build()?;
    /// # let _ = webhook;
    ///
    /// // Forgetting every credential is an error from `build()`, not an open door.
    /// let error = Webhook::builder().router(handlers).build().unwrap_err();
    /// assert_eq!(error, ConfigError::NoCredentials);
    ///
    /// // So is forgetting the handlers: the webhook would approve every event.
    /// let error = Webhook::builder().api_key("a-long-random-key").build().unwrap_err();
    /// assert_eq!(error, ConfigError::NoHandlers);
    /// # Ok::<(), ConfigError>(())
    /// ```
    pub fn builder() -> WebhookBuilder {
        WebhookBuilder::new()
    }

    /// The largest body accepted, in bytes. Adapters hand the framework's
    /// body to the webhook unread (no framework limit of their own applies),
    /// so this is the one limit, enforced while the body is read.
    pub fn max_body_size(&self) -> usize {
        self.inner.max_body_size
    }

    /// Answers one webhook request whose body is already in memory.
    ///
    /// The same path as [`handle_body`](Webhook::handle_body), with a body
    /// of one piece. The response is 2xx only after every handler for the
    /// event has finished successfully; a handler that panics yields 500 for
    /// this request only.
    pub async fn handle(&self, request: Request<Bytes>) -> Response<Bytes> {
        self.handle_body(request.map(Full::new)).await
    }

    /// Answers one webhook request, reading its body only once the head has
    /// passed every check, and never past the size limit or the read timeout.
    ///
    /// This is what the `tower::Service` implementation calls; adapters for
    /// frameworks whose bodies are not `Send` call it directly.
    pub async fn handle_body<B>(&self, request: Request<B>) -> Response<Bytes>
    where
        B: Body,
        B::Error: Into<Box<dyn StdError + Send + Sync>>,
    {
        let started = Instant::now();
        #[cfg(feature = "otel")]
        let span = crate::otel::spans::receive();
        #[cfg(feature = "otel")]
        let (outcome, event) = self.process(request).instrument(span.clone()).await;
        #[cfg(not(feature = "otel"))]
        let (outcome, event) = self.process(request).await;
        let response = self.inner.answers.response(&outcome);
        #[cfg(feature = "otel")]
        crate::otel::spans::received(&span, event.as_ref(), response.status());
        report::request(&outcome, response.status(), event.as_ref(), started);
        response
    }

    /// The path: head → body → body check → read → deliver. Returns the
    /// outcome, and the event once the body got that far (for the log).
    async fn process<B>(&self, request: Request<B>) -> (Outcome, Option<Event>)
    where
        B: Body,
        B::Error: Into<Box<dyn StdError + Send + Sync>>,
    {
        let inner = &self.inner;
        let (head, body) = request.into_parts();
        let body_check = match head::check(inner, &head).await {
            Ok(body_check) => body_check,
            Err(refusal) => {
                if let Some(budget) = refusal.drain {
                    // Authenticated but declared too long: read what the
                    // sender is still sending so that it reads the 413.
                    self.within_read_timeout(body::discard(std::pin::pin!(body), budget))
                        .await;
                }
                return (refusal.outcome, None);
            }
        };
        let read = self.within_read_timeout(body::read_limited(body, inner.max_body_size));
        let bytes = match read.await {
            None => return (Outcome::BodyTimeout, None),
            Some(Err(error)) => return (error.into(), None),
            Some(Ok(bytes)) => bytes,
        };
        if let Err(reason) = body_check.check(&bytes) {
            return (Outcome::unauthorized(reason), None);
        }
        let read = match inner
            .dispatcher
            .read(bytes, |event_type| inner.enqueues(event_type))
        {
            Ok(read) => read,
            Err(error) => return (Outcome::InvalidBody(error), None),
        };
        let event = read.event.clone();
        (self.deliver(read).await, Some(event))
    }

    /// Runs `read` until the body-read timeout; `None` when it ran out.
    async fn within_read_timeout<T>(&self, read: impl Future<Output = T>) -> Option<T> {
        match (self.inner.body_read_timeout, &self.inner.timer) {
            (Some(timeout), Some(timer)) => timer.timeout(timeout, read).await,
            _ => Some(read.await),
        }
    }
}

impl From<body::BodyError> for Outcome {
    fn from(error: body::BodyError) -> Outcome {
        match error {
            body::BodyError::TooLarge => Outcome::PayloadTooLarge,
            body::BodyError::Unreadable(error) => {
                tracing::debug!(target: LOG_TARGET, %error, "reading the request body failed");
                Outcome::BodyUnreadable
            }
        }
    }
}

impl fmt::Debug for Webhook {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &self.inner;
        let mut debug = f.debug_struct("Webhook");
        debug
            .field("dispatcher", &inner.dispatcher)
            .field("auth", &inner.auth)
            .field("max_body_size", &inner.max_body_size)
            .field("body_read_timeout", &inner.body_read_timeout)
            .field("unrouted_status", &inner.answers.unrouted_status);
        #[cfg(feature = "delivery")]
        debug.field("enqueued", &inner.handoffs);
        debug.finish_non_exhaustive()
    }
}
