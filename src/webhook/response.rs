//! What the webhook answers, as one enum with a status and a body each.

use bytes::Bytes;
use http::header::{ALLOW, CONTENT_TYPE, WWW_AUTHENTICATE};
use http::{HeaderValue, Response, StatusCode};
use serde_json::json;

use crate::auth::{Authenticator, Unauthorized};
use crate::codes;
use crate::router::RunOutcome;
use crate::{ParseError, ParseErrorKind};

/// The target every request's log line is written under.
pub(crate) const LOG_TARGET: &str = "fusionauth_webhooks";

/// How one request ended. Each variant is a row of the status table.
#[derive(Debug)]
pub(crate) enum Outcome {
    /// The router ran; an unrouted event is answered with `unrouted_status`.
    Ran {
        outcome: RunOutcome,
        unrouted_status: StatusCode,
    },
    /// Not a POST.
    MethodNotAllowed,
    /// Credentials or signature missing or wrong; the reason is for the log.
    Unauthorized {
        reason: Unauthorized,
        basic_challenge: bool,
    },
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
    /// Deduplicated or enqueued instead of run here.
    #[cfg(feature = "delivery")]
    Delivery(super::deliver::Delivery),
}

impl Outcome {
    pub(crate) fn unauthorized(reason: Unauthorized, auth: &Authenticator) -> Outcome {
        Outcome::Unauthorized {
            reason,
            basic_challenge: auth.uses_basic(),
        }
    }

    pub(crate) fn status(&self) -> StatusCode {
        match self {
            Outcome::Ran {
                outcome: RunOutcome::Unrouted,
                unrouted_status,
            } => *unrouted_status,
            Outcome::Ran { outcome, .. } => outcome.status(),
            Outcome::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Outcome::Unauthorized { .. } => StatusCode::UNAUTHORIZED,
            Outcome::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Outcome::BodyTimeout => StatusCode::REQUEST_TIMEOUT,
            Outcome::UnsupportedMediaType { .. } => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Outcome::InvalidBody(error) if error.kind() == ParseErrorKind::OverBudget => {
                StatusCode::PAYLOAD_TOO_LARGE
            }
            Outcome::BodyUnreadable | Outcome::InvalidBody(_) => StatusCode::BAD_REQUEST,
            #[cfg(feature = "delivery")]
            Outcome::Delivery(delivery) => delivery.status(),
        }
    }

    /// A short word for the log line.
    pub(crate) fn name(&self) -> &'static str {
        match self {
            Outcome::Ran { outcome, .. } => outcome.name(),
            Outcome::MethodNotAllowed => "method_not_allowed",
            Outcome::Unauthorized { .. } => "unauthorized",
            Outcome::PayloadTooLarge => "payload_too_large",
            Outcome::BodyTimeout => "body_timeout",
            Outcome::UnsupportedMediaType { .. } => "unsupported_media_type",
            Outcome::BodyUnreadable => "body_unreadable",
            Outcome::InvalidBody(error) if error.kind() == ParseErrorKind::OverBudget => {
                "over_memory_budget"
            }
            Outcome::InvalidBody(_) => "invalid_body",
            #[cfg(feature = "delivery")]
            Outcome::Delivery(delivery) => delivery.name(),
        }
    }

    pub(crate) fn into_response(self) -> Response<Bytes> {
        let status = self.status();
        let mut response = match &self {
            // The same bytes every time: no work for an unauthenticated flood.
            Outcome::Unauthorized { .. } => json_response(Bytes::from_static(NOT_AUTHORIZED_BODY)),
            Outcome::InvalidBody(error)
            | Outcome::Ran {
                outcome: RunOutcome::InvalidPayload(error),
                ..
            } => {
                let message = error.to_string();
                json_response(error_body(error.code(), Some(&message)))
            }
            Outcome::BodyUnreadable => json_response(error_body(
                codes::INVALID_JSON,
                Some("the request body could not be read"),
            )),
            Outcome::Ran {
                outcome: RunOutcome::Failed(error),
                ..
            } if error.is_rejection() => json_response(error_body(
                error.code().unwrap_or(codes::REJECTED),
                error.message(),
            )),
            _ => Response::new(Bytes::new()),
        };
        *response.status_mut() = status;
        match self {
            Outcome::MethodNotAllowed => {
                response
                    .headers_mut()
                    .insert(ALLOW, HeaderValue::from_static("POST"));
            }
            Outcome::Unauthorized {
                basic_challenge: true,
                ..
            } => {
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

    /// Whether the log should call this a problem worth a look.
    pub(crate) fn is_failure(&self) -> bool {
        !self.status().is_success()
    }

    /// The detail for the log: which check failed, or the handler's error.
    pub(crate) fn detail(&self) -> Option<String> {
        match self {
            Outcome::Unauthorized { reason, .. } => Some(reason.to_string()),
            Outcome::Ran { outcome, .. } => match outcome {
                RunOutcome::FilteredOut(by) => Some(format!("other {}", by.as_str())),
                RunOutcome::InvalidPayload(error) => Some(error.to_string()),
                RunOutcome::Failed(error) => Some(error_chain(error)),
                _ => None,
            },
            Outcome::InvalidBody(error) => Some(error.to_string()),
            #[cfg(feature = "delivery")]
            Outcome::Delivery(delivery) => delivery.detail(),
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
