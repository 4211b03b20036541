//! What the webhook answers: the status table, in this one place.

use bytes::Bytes;
use http::header::{ALLOW, CONTENT_TYPE, WWW_AUTHENTICATE};
use http::{HeaderValue, Response, StatusCode};
use serde_json::json;

use crate::auth::Unauthorized;
use crate::codes;
use crate::dispatch::Dispatched;
use crate::event::{ParseError, ParseErrorKind};
use crate::handler::{HandlerError, HandlerErrorKind};
use crate::router::RunOutcome;

/// The target every request's log line is written under.
pub(crate) const LOG_TARGET: &str = "fusionauth_webhooks";

/// How one request ended. Each variant is a row of the status table.
#[derive(Debug)]
pub(crate) enum Outcome {
    /// Not a POST.
    MethodNotAllowed,
    /// Credentials or signature missing or wrong; the reason is for the log.
    Unauthorized(Unauthorized),
    /// The signature could not be checked: the key source has no keys it
    /// trusts now. Nothing is wrong with the request; 503, and the reason is
    /// for the log.
    #[cfg(feature = "signature")]
    KeysUnavailable(crate::signature::SignatureError),
    /// Declared or actual body larger than the limit.
    PayloadTooLarge,
    /// The body did not arrive within the read timeout.
    BodyTimeout,
    /// Not `application/json` (UTF-8); what was sent, for the log.
    UnsupportedMediaType { received: Option<HeaderValue> },
    /// The body could not be read from the connection.
    BodyUnreadable,
    /// Not JSON, or not a FusionAuth event.
    InvalidBody(ParseError),
    /// The event was dispatched here: the router ran, or deduplication
    /// decided it need not (or could not).
    Dispatched(Dispatched<RunOutcome>),
    /// Written to the queue: a worker runs the handlers.
    #[cfg(feature = "delivery")]
    Enqueued(crate::delivery::MessageId),
    /// The queue did not acknowledge the write.
    #[cfg(feature = "delivery")]
    QueueUnavailable(crate::delivery::QueueError),
}

/// The webhook's settings that shape its answers.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Answers {
    /// The status of an event no handler takes (a 2xx).
    pub(crate) unrouted_status: StatusCode,
    /// Whether a 401 carries a basic-auth challenge.
    pub(crate) basic_challenge: bool,
}

impl Answers {
    /// The status of an outcome: the status table of the crate docs.
    pub(crate) fn status(&self, outcome: &Outcome) -> StatusCode {
        match outcome {
            Outcome::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Outcome::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            #[cfg(feature = "signature")]
            Outcome::KeysUnavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            Outcome::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Outcome::BodyTimeout => StatusCode::REQUEST_TIMEOUT,
            Outcome::UnsupportedMediaType { .. } => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Outcome::InvalidBody(error) if error.kind() == ParseErrorKind::OverBudget => {
                StatusCode::PAYLOAD_TOO_LARGE
            }
            Outcome::BodyUnreadable | Outcome::InvalidBody(_) => StatusCode::BAD_REQUEST,
            Outcome::Dispatched(Dispatched::Ran(run)) => self.run_status(run),
            #[cfg(feature = "delivery")]
            Outcome::Dispatched(Dispatched::Duplicate) => StatusCode::OK,
            #[cfg(feature = "delivery")]
            Outcome::Enqueued(_) => StatusCode::ACCEPTED,
            #[cfg(feature = "delivery")]
            Outcome::Dispatched(Dispatched::StillRunning | Dispatched::StoreUnavailable(_))
            | Outcome::QueueUnavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
        }
    }

    fn run_status(&self, run: &RunOutcome) -> StatusCode {
        match run {
            RunOutcome::Handled | RunOutcome::FilteredOut(_) => StatusCode::OK,
            RunOutcome::Unrouted => self.unrouted_status,
            RunOutcome::InvalidPayload(error) if error.kind() == ParseErrorKind::OverBudget => {
                StatusCode::PAYLOAD_TOO_LARGE
            }
            RunOutcome::InvalidPayload(_) => StatusCode::BAD_REQUEST,
            RunOutcome::Failed(error) => handler_error_status(error),
        }
    }

    /// The response for an outcome: its status, and the error body and
    /// headers the status table gives it.
    pub(crate) fn response(&self, outcome: &Outcome) -> Response<Bytes> {
        let mut response = match outcome {
            // The same bytes every time: no work for an unauthenticated flood.
            Outcome::Unauthorized(_) => json_response(Bytes::from_static(NOT_AUTHORIZED_BODY)),
            Outcome::InvalidBody(error)
            | Outcome::Dispatched(Dispatched::Ran(RunOutcome::InvalidPayload(error))) => {
                let message = error.to_string();
                json_response(error_body(error.code(), Some(&message)))
            }
            Outcome::BodyUnreadable => json_response(error_body(
                codes::INVALID_JSON,
                Some("the request body could not be read"),
            )),
            Outcome::Dispatched(Dispatched::Ran(RunOutcome::Failed(error)))
                if error.kind() == HandlerErrorKind::Rejected =>
            {
                json_response(error_body(
                    error.code().unwrap_or(codes::REJECTED),
                    error.message(),
                ))
            }
            _ => Response::new(Bytes::new()),
        };
        *response.status_mut() = self.status(outcome);
        match outcome {
            Outcome::MethodNotAllowed => {
                response
                    .headers_mut()
                    .insert(ALLOW, HeaderValue::from_static("POST"));
            }
            Outcome::Unauthorized(_) if self.basic_challenge => {
                response.headers_mut().insert(
                    WWW_AUTHENTICATE,
                    HeaderValue::from_static(
                        "Basic realm=\"fusionauth-webhook\", charset=\"UTF-8\"",
                    ),
                );
            }
            _ => {}
        }
        response
    }
}

/// A handler's failure over HTTP: a veto is the status it asked for (400),
/// "not now" and a time-out are 503 (FusionAuth retries), a failure or a
/// panic is 500.
fn handler_error_status(error: &HandlerError) -> StatusCode {
    match error.kind() {
        HandlerErrorKind::Rejected => error.rejection_status().unwrap_or(StatusCode::BAD_REQUEST),
        HandlerErrorKind::RetryLater | HandlerErrorKind::TimedOut => {
            StatusCode::SERVICE_UNAVAILABLE
        }
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

impl Outcome {
    /// A refused head or body check: 401, unless the signature's key source
    /// has no keys it trusts now (503: FusionAuth should try again).
    pub(crate) fn unauthorized(reason: Unauthorized) -> Outcome {
        #[cfg(feature = "signature")]
        if let Unauthorized::Signature(
            error @ crate::signature::SignatureError::KeysUnavailable(_),
        ) = reason
        {
            return Outcome::KeysUnavailable(error);
        }
        Outcome::Unauthorized(reason)
    }

    /// A short word for the log line and the metrics.
    pub(crate) fn name(&self) -> &'static str {
        match self {
            Outcome::MethodNotAllowed => "method_not_allowed",
            Outcome::Unauthorized(_) => "unauthorized",
            #[cfg(feature = "signature")]
            Outcome::KeysUnavailable(_) => "keys_unavailable",
            Outcome::PayloadTooLarge => "payload_too_large",
            Outcome::BodyTimeout => "body_timeout",
            Outcome::UnsupportedMediaType { .. } => "unsupported_media_type",
            Outcome::BodyUnreadable => "body_unreadable",
            Outcome::InvalidBody(error) if error.kind() == ParseErrorKind::OverBudget => {
                "over_memory_budget"
            }
            Outcome::InvalidBody(_) => "invalid_body",
            Outcome::Dispatched(Dispatched::Ran(run)) => run.name(),
            #[cfg(feature = "delivery")]
            Outcome::Dispatched(Dispatched::Duplicate) => "duplicate",
            #[cfg(feature = "delivery")]
            Outcome::Dispatched(Dispatched::StillRunning) => "duplicate_still_running",
            #[cfg(feature = "delivery")]
            Outcome::Dispatched(Dispatched::StoreUnavailable(_)) => "dedup_store_unavailable",
            #[cfg(feature = "delivery")]
            Outcome::Enqueued(_) => "enqueued",
            #[cfg(feature = "delivery")]
            Outcome::QueueUnavailable(_) => "queue_unavailable",
        }
    }

    /// The detail for the log: which check failed, or the handler's error.
    pub(crate) fn detail(&self) -> Option<String> {
        match self {
            Outcome::Unauthorized(reason) => Some(reason.to_string()),
            #[cfg(feature = "signature")]
            Outcome::KeysUnavailable(error) => Some(format!("signature: {error}")),
            Outcome::Dispatched(Dispatched::Ran(run)) => match run {
                RunOutcome::FilteredOut(by) => Some(format!("other {}", by.as_str())),
                RunOutcome::InvalidPayload(error) => Some(error.to_string()),
                RunOutcome::Failed(error) => Some(error_chain(error)),
                _ => None,
            },
            Outcome::InvalidBody(error) => Some(error.to_string()),
            #[cfg(feature = "delivery")]
            Outcome::Dispatched(Dispatched::StoreUnavailable(error)) => Some(error.to_string()),
            #[cfg(feature = "delivery")]
            Outcome::QueueUnavailable(error) => Some(error.to_string()),
            #[cfg(feature = "delivery")]
            Outcome::Enqueued(id) => Some(format!("message {id}")),
            Outcome::UnsupportedMediaType { received } => Some(match received {
                None => "no content type; expected `application/json`".to_owned(),
                Some(value) => {
                    // The sender chose it: shown lossily and cut short.
                    let shown: String = String::from_utf8_lossy(value.as_bytes())
                        .chars()
                        .take(64)
                        .collect();
                    format!("content type `{shown}`; expected `application/json` (UTF-8)")
                }
            }),
            _ => None,
        }
    }
}

const NOT_AUTHORIZED_BODY: &[u8] = br#"{"errors":[{"code":"[notAuthorized]"}]}"#;

/// `{"errors":[{"code":"[x]","message":"..."}]}`, FusionAuth's error shape.
fn error_body(code: &str, message: Option<&str>) -> Bytes {
    let mut error = json!({ "code": code });
    if let Some(message) = message {
        error["message"] = json!(message);
    }
    Bytes::from(json!({ "errors": [error] }).to_string())
}

fn json_response(body: Bytes) -> Response<Bytes> {
    let mut response = Response::new(body);
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
}

fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    // The handler error's Display already includes its direct source.
    if let Some(first) = source {
        source = first.source();
    }
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_static_not_authorized_body_matches_the_error_shape() {
        let built = error_body(codes::NOT_AUTHORIZED, None);
        let parsed: serde_json::Value = serde_json::from_slice(NOT_AUTHORIZED_BODY).unwrap();
        assert_eq!(
            serde_json::from_slice::<serde_json::Value>(&built).unwrap(),
            parsed
        );
    }
}
