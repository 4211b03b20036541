//! The webhook endpoint: request in, response out.
//!
//! [`Webhook::handle`] runs every check of the status table in order, cheapest
//! and safest first:
//!
//! 1. the method is `POST`, else 405 with `Allow: POST`;
//! 2. the required headers and basic auth, before the body is read, else 401;
//! 3. the declared (or actual) body size is within the limit, else 413;
//! 4. the content type is `application/json` (UTF-8), else 415;
//! 5. the signature over the exact raw body, when configured, else 401;
//! 6. the envelope parses, else 400; then routing, the handlers, and the
//!    mapping of their result to a status.
//!
//! # Example
//!
//! ```
//! use bytes::Bytes;
//! use fusionauth_webhooks::{Event, EventType, Router, Webhook};
//! use http::{Request, StatusCode};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let webhook = Webhook::builder()
//!     .api_key("a-long-random-key")
//!     .router(Router::new().on_event(EventType::UserDelete, |event: Event| async move {
//!         println!("delete the data of {:?}", event.linked_object_id());
//!         Ok(())
//!     }))
//!     .build()?;
//!
//! let request = Request::post("/fusionauth-webhook")
//!     .header("authorization", "a-long-random-key")
//!     .header("content-type", "application/json")
//!     .body(Bytes::from_static(br#"{"event":{"type":"user.delete","id":"e502168a-b469-45d9-a079-fd45f83e0406"}}"#))?;
//! let response = webhook.handle(request).await;
//! assert_eq!(response.status(), StatusCode::OK);
//!
//! let forged = Request::post("/fusionauth-webhook")
//!     .header("content-type", "application/json")
//!     .body(Bytes::from_static(br#"{"event":{"type":"user.delete"}}"#))?;
//! assert_eq!(webhook.handle(forged).await.status(), StatusCode::UNAUTHORIZED);
//! # Ok(())
//! # }
//! ```

mod body;
mod builder;
mod env;
mod response;

use std::error::Error as StdError;
use std::fmt;
use std::sync::Arc;

use bytes::Bytes;
use http::header::{CONTENT_LENGTH, CONTENT_TYPE};
use http::{HeaderMap, Method, Request, Response, StatusCode};
use http_body::Body;

pub use builder::{ConfigError, DEFAULT_MAX_BODY_SIZE, WebhookBuilder};
pub use env::{ENV_API_KEY, ENV_BASIC_PASSWORD, ENV_BASIC_USER, ENV_HEADERS, ENV_MAX_BODY};
pub(crate) use response::{LOG_TARGET, Outcome, Unauthorized};

use crate::Event;
use crate::auth::Credentials;
use crate::router::Router;

/// A FusionAuth webhook endpoint: credentials, limits and handlers.
///
/// Cheap to clone (the configuration is shared); build one with
/// [`Webhook::builder`] or [`Webhook::from_env`], then hand it to an adapter,
/// use it as a `tower::Service`, or call [`handle`](Webhook::handle).
#[derive(Clone)]
pub struct Webhook {
    inner: Arc<Inner>,
}

pub(crate) struct Inner {
    router: Router,
    credentials: Credentials,
    max_body_size: usize,
    unrouted_status: StatusCode,
    #[cfg(feature = "signature")]
    signature: Option<crate::signature::SignatureVerifier>,
}

impl Webhook {
    /// Starts configuring a webhook.
    pub fn builder() -> WebhookBuilder {
        WebhookBuilder::new()
    }

    fn from_inner(inner: Inner) -> Webhook {
        Webhook {
            inner: Arc::new(inner),
        }
    }

    /// The largest body accepted, in bytes. Adapters set their framework's
    /// own limit from it so that it neither undercuts nor bypasses this one.
    pub fn max_body_size(&self) -> usize {
        self.inner.max_body_size
    }

    /// Answers one webhook request whose body is already in memory.
    ///
    /// The response is 2xx only after every handler for the event has
    /// finished successfully. A handler that panics yields 500 for this
    /// request only.
    pub async fn handle(&self, request: Request<Bytes>) -> Response<Bytes> {
        let started = std::time::Instant::now();
        let (parts, body) = request.into_parts();
        // The event, once the body got that far, for the log line (shared, not
        // copied: a request pays nothing extra for being logged).
        let mut logged: Option<Event> = None;
        let outcome = match self.check_head(&parts.method, &parts.headers) {
            Err(outcome) => outcome,
            Ok(()) if body.len() > self.inner.max_body_size => Outcome::PayloadTooLarge,
            Ok(()) => self.process(&parts.headers, body, &mut logged).await,
        };
        finish(outcome, &logged, started)
    }

    /// Answers one webhook request, reading its body only once the headers
    /// have passed the checks, and never past the size limit.
    ///
    /// This is what the `tower::Service` implementation calls; adapters for
    /// frameworks whose bodies are not `Send` call it directly.
    pub async fn handle_body<B>(&self, request: Request<B>) -> Response<Bytes>
    where
        B: Body,
        B::Error: Into<Box<dyn StdError + Send + Sync>>,
    {
        let started = std::time::Instant::now();
        let (parts, body) = request.into_parts();
        // The event, once the body got that far, for the log line (shared, not
        // copied: a request pays nothing extra for being logged).
        let mut logged: Option<Event> = None;
        let limit = self.inner.max_body_size;
        let outcome = match self.check_head(&parts.method, &parts.headers) {
            Err(Outcome::PayloadTooLarge) => {
                // Declared too long: read nothing we keep, but drain a body
                // that is only somewhat too long (see `body::read_limited`).
                let budget =
                    declared_length(&parts.headers).map_or(0, |n| body::drain_budget(n, limit));
                if budget > 0 {
                    body::discard(std::pin::pin!(body), budget).await;
                }
                Outcome::PayloadTooLarge
            }
            Err(outcome) => outcome,
            Ok(()) => match body::read_limited(body, limit).await {
                Ok(bytes) => self.process(&parts.headers, bytes, &mut logged).await,
                Err(body::BodyError::TooLarge) => Outcome::PayloadTooLarge,
                Err(body::BodyError::Unreadable(error)) => {
                    tracing::debug!(target: LOG_TARGET, %error, "reading the request body failed");
                    Outcome::BodyUnreadable
                }
            },
        };
        finish(outcome, &logged, started)
    }

    /// Checks 1 to 4, which need only the request head.
    fn check_head(&self, method: &Method, headers: &HeaderMap) -> Result<(), Outcome> {
        if method != Method::POST {
            return Err(Outcome::MethodNotAllowed);
        }
        self.inner
            .credentials
            .check(headers)
            .map_err(|failure| Outcome::Unauthorized {
                reason: Unauthorized::Credentials(failure),
                basic_challenge: self.inner.credentials.uses_basic(),
            })?;
        if declared_length(headers).is_some_and(|length| length > self.inner.max_body_size as u64) {
            return Err(Outcome::PayloadTooLarge);
        }
        if !is_json_content_type(headers) {
            return Err(Outcome::UnsupportedMediaType);
        }
        Ok(())
    }

    /// Checks 5 and 6, then the handlers.
    async fn process(
        &self,
        headers: &HeaderMap,
        body: Bytes,
        logged: &mut Option<Event>,
    ) -> Outcome {
        #[cfg(feature = "signature")]
        if let Some(verifier) = &self.inner.signature
            && let Err(error) = verifier.verify(headers, &body)
        {
            return Outcome::Unauthorized {
                reason: Unauthorized::Signature(error),
                basic_challenge: self.inner.credentials.uses_basic(),
            };
        }
        #[cfg(not(feature = "signature"))]
        let _ = headers;
        let event = match Event::parse(body) {
            Ok(event) => event,
            Err(error) => return Outcome::InvalidBody(error),
        };
        *logged = Some(event.clone());
        Outcome::Ran {
            outcome: self.inner.router.run(&event).await,
            unrouted_status: self.inner.unrouted_status,
        }
    }
}

/// Logs the request's outcome once, then turns it into the response.
fn finish(
    outcome: Outcome,
    logged: &Option<Event>,
    started: std::time::Instant,
) -> Response<Bytes> {
    let status = outcome.status().as_u16();
    let elapsed_us = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX);
    let event_type = logged.as_ref().map_or("-", Event::type_name);
    let event_id = logged
        .as_ref()
        .and_then(Event::id)
        .map(tracing::field::display);
    // Field values are only evaluated when a subscriber wants the line, so
    // `detail` (which may format an error chain) costs nothing otherwise.
    macro_rules! log {
        ($level:ident, $message:literal) => {
            tracing::$level!(
                target: LOG_TARGET,
                event_type,
                event_id,
                outcome = outcome.name(),
                status,
                elapsed_us,
                detail = outcome.detail(),
                $message
            )
        };
    }
    if outcome.is_failure() {
        log!(warn, "webhook request refused");
    } else {
        log!(info, "webhook request acknowledged");
    }
    outcome.into_response()
}

/// The `Content-Length` the client declared, if it is a single number.
fn declared_length(headers: &HeaderMap) -> Option<u64> {
    headers
        .get(CONTENT_LENGTH)?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()
}

/// `application/json`, case-insensitive, with parameters allowed; a charset
/// other than UTF-8 is refused, since JSON is UTF-8 (RFC 8259).
fn is_json_content_type(headers: &HeaderMap) -> bool {
    let mut values = headers.get_all(CONTENT_TYPE).iter();
    let (Some(value), None) = (values.next(), values.next()) else {
        return false;
    };
    let Ok(value) = value.to_str() else {
        return false;
    };
    let mut parts = value.split(';');
    let essence = parts.next().unwrap_or_default().trim();
    if !essence.eq_ignore_ascii_case("application/json") {
        return false;
    }
    parts.all(|parameter| match parameter.split_once('=') {
        Some((name, charset)) if name.trim().eq_ignore_ascii_case("charset") => {
            let charset = charset.trim().trim_matches('"');
            charset.eq_ignore_ascii_case("utf-8") || charset.eq_ignore_ascii_case("utf8")
        }
        _ => true,
    })
}

impl fmt::Debug for Webhook {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut debug = f.debug_struct("Webhook");
        debug
            .field("router", &self.inner.router)
            .field("credentials", &self.inner.credentials)
            .field("max_body_size", &self.inner.max_body_size)
            .field("unrouted_status", &self.inner.unrouted_status);
        #[cfg(feature = "signature")]
        debug.field("signature", &self.inner.signature);
        debug.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    fn content_type(value: &'static str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(CONTENT_TYPE, HeaderValue::from_static(value));
        headers
    }

    #[test]
    fn json_content_types_with_parameters_are_accepted() {
        for value in [
            "application/json",
            "Application/JSON",
            "application/json; charset=utf-8",
            "application/json;charset=\"UTF-8\"",
            "application/json; boundary=x",
        ] {
            assert!(is_json_content_type(&content_type(value)), "{value}");
        }
    }

    #[test]
    fn other_content_types_and_charsets_are_refused() {
        for value in [
            "text/plain",
            "application/jsonp",
            "application/x-www-form-urlencoded",
            "application/json; charset=iso-8859-1",
            "",
        ] {
            assert!(!is_json_content_type(&content_type(value)), "{value}");
        }
        assert!(!is_json_content_type(&HeaderMap::new()));
    }
}
