//! The webhook event log (FusionAuth 1.53 and later).

use fusionauth_webhooks::Instant;
use serde::de::{MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};
use uuid::Uuid;

use super::lenient::lenient_enum;
use super::{EventKey, EventRequest, WebhookAttemptLog};

/// One event FusionAuth sent to webhooks, with its attempts: every field of
/// FusionAuth's `WebhookEventLog`, all optional, and any field this version
/// does not know in [`extra`](Self::extra).
///
/// Its [`event`](Self::event) is the whole body FusionAuth sent,
/// `{"event": {...}}`, kept byte for byte.
///
/// ```
/// use fusionauth_webhooks_client::models::{EventResult, WebhookEventLog};
///
/// let log: WebhookEventLog = serde_json::from_str(r#"{"id":"9a9e7f3e-37bb-4c9c-a7e3-0d5c4f8e2d11",
///   "eventType":"user.delete","eventResult":"Failed","sequence":7,"failedAttempts":4,
///   "event":{"event":{"type":"user.delete","id":"7d3e0b26-5d4c-4b5f-9b4e-2a1c3d5e7f90"}}}"#)?;
/// assert_eq!(log.event_result, Some(EventResult::Failed));
/// assert_eq!(log.body().unwrap(), br#"{"event":{"type":"user.delete","id":"7d3e0b26-5d4c-4b5f-9b4e-2a1c3d5e7f90"}}"#);
/// assert_eq!(log.event_id().unwrap().to_string(), "7d3e0b26-5d4c-4b5f-9b4e-2a1c3d5e7f90");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(default, rename_all = "camelCase")]
#[non_exhaustive]
pub struct WebhookEventLog {
    /// The id.
    pub id: Option<Uuid>,
    /// The body FusionAuth sent, `{"event": {...}}`.
    pub event: Option<EventRequest>,
    /// The event's type.
    pub event_type: Option<EventKey>,
    /// How delivery ended, so far.
    pub event_result: Option<EventResult>,
    /// Failed attempts.
    pub failed_attempts: Option<i32>,
    /// Successful attempts.
    pub successful_attempts: Option<i32>,
    /// Every attempt, to every webhook.
    pub attempts: Option<Vec<WebhookAttemptLog>>,
    /// When the event was logged.
    pub insert_instant: Option<Instant>,
    /// When the last attempt was made.
    pub last_attempt_instant: Option<Instant>,
    /// When the log last changed.
    pub last_update_instant: Option<Instant>,
    /// The object the event is about (a user id, ...).
    pub linked_object_id: Option<Uuid>,
    /// The order in which FusionAuth logged events.
    pub sequence: Option<i64>,
    /// Free-form data.
    pub data: Option<Map<String, Value>>,
    /// Fields this version does not know.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl WebhookEventLog {
    /// The body FusionAuth sent, `{"event": {...}}`, byte for byte as
    /// logged, to deliver it again; `None` when the log holds no event.
    pub fn body(&self) -> Option<&[u8]> {
        self.event.as_ref().map(EventRequest::as_bytes)
    }

    /// The logged event's `id` (`event.event.id`), by which receivers spot duplicates.
    pub fn event_id(&self) -> Option<Uuid> {
        self.event.as_ref()?.event_id()
    }

    /// The webhooks FusionAuth attempted to deliver it to, in attempt order, without repeats.
    pub fn webhook_ids(&self) -> Vec<Uuid> {
        let mut ids: Vec<Uuid> = Vec::new();
        for id in self
            .attempts
            .iter()
            .flatten()
            .filter_map(|attempt| attempt.webhook_id)
        {
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
        ids
    }
}

/// Read in one pass, field by field: `#[serde(flatten)]` would buffer the
/// object first, and the logged body could no longer be kept as its raw text.
impl<'de> Deserialize<'de> for WebhookEventLog {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<WebhookEventLog, D::Error> {
        deserializer.deserialize_map(LogVisitor)
    }
}

struct LogVisitor;

impl<'de> Visitor<'de> for LogVisitor {
    type Value = WebhookEventLog;

    fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str("a webhook event log object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<WebhookEventLog, A::Error> {
        let mut log = WebhookEventLog::default();
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "id" => log.id = map.next_value()?,
                "event" => log.event = map.next_value()?,
                "eventType" => log.event_type = map.next_value()?,
                "eventResult" => log.event_result = map.next_value()?,
                "failedAttempts" => log.failed_attempts = map.next_value()?,
                "successfulAttempts" => log.successful_attempts = map.next_value()?,
                "attempts" => log.attempts = map.next_value()?,
                "insertInstant" => log.insert_instant = map.next_value()?,
                "lastAttemptInstant" => log.last_attempt_instant = map.next_value()?,
                "lastUpdateInstant" => log.last_update_instant = map.next_value()?,
                "linkedObjectId" => log.linked_object_id = map.next_value()?,
                "sequence" => log.sequence = map.next_value()?,
                "data" => log.data = map.next_value()?,
                _ => {
                    let value = map.next_value()?;
                    log.extra.insert(key, value);
                }
            }
        }
        Ok(log)
    }
}

lenient_enum! {
    /// How delivery of a logged event ended, so far.
    ///
    /// ```
    /// use fusionauth_webhooks_client::models::EventResult;
    /// assert_eq!(EventResult::from("Failed"), EventResult::Failed);
    /// assert_eq!(EventResult::from("Paused").as_str(), "Paused");
    /// ```
    EventResult {
        /// Still being delivered.
        Running = "Running",
        /// Delivered.
        Succeeded = "Succeeded",
        /// Not delivered.
        Failed = "Failed",
    }
}
