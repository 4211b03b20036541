//! One attempt to deliver a logged event (FusionAuth 1.53 and later).

use fusionauth_webhooks::Instant;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use uuid::Uuid;

use super::lenient::lenient_enum;

/// One attempt to deliver an event to one webhook: every field of
/// FusionAuth's `WebhookAttemptLog`.
///
/// ```
/// use fusionauth_webhooks_client::models::{AttemptResult, WebhookAttemptLog};
///
/// let attempt: WebhookAttemptLog = serde_json::from_str(
///     r#"{"attemptResult":"Failure","webhookCallResponse":{"statusCode":503}}"#)?;
/// assert_eq!(attempt.attempt_result, Some(AttemptResult::Failure));
/// assert_eq!(attempt.webhook_call_response.unwrap().status_code, Some(503));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
#[non_exhaustive]
pub struct WebhookAttemptLog {
    /// The id.
    pub id: Option<Uuid>,
    /// The event log it belongs to.
    pub webhook_event_log_id: Option<Uuid>,
    /// The webhook it was sent to.
    pub webhook_id: Option<Uuid>,
    /// When it started.
    pub start_instant: Option<Instant>,
    /// When it ended.
    pub end_instant: Option<Instant>,
    /// How it ended.
    pub attempt_result: Option<AttemptResult>,
    /// What the receiver answered.
    pub webhook_call_response: Option<WebhookCallResponse>,
    /// Free-form data.
    pub data: Option<Map<String, Value>>,
    /// Fields this version does not know.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// What a receiver answered to one attempt (FusionAuth's `WebhookCallResponse`).
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
#[non_exhaustive]
pub struct WebhookCallResponse {
    /// The HTTP status, when there was an answer.
    pub status_code: Option<i32>,
    /// The URL called.
    pub url: Option<String>,
    /// The exception, when there was no answer (timeout, refused connection).
    pub exception: Option<String>,
    /// Fields this version does not know.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

lenient_enum! {
    /// How one attempt ended.
    ///
    /// ```
    /// use fusionauth_webhooks_client::models::AttemptResult;
    /// assert_eq!(AttemptResult::from("Success"), AttemptResult::Success);
    /// ```
    AttemptResult {
        /// A 2xx in time.
        Success = "Success",
        /// Another status, a timeout or no connection.
        Failure = "Failure",
        /// Not known.
        Unknown = "Unknown",
    }
}
