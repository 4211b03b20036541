//! The webhook event log and attempt log (FusionAuth 1.53 and later).

use fusionauth_webhooks::Instant;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use uuid::Uuid;

use super::EventKey;

/// One event FusionAuth sent to webhooks, with its attempts.
///
/// ```
/// use fusionauth_webhooks_client::{EventResult, WebhookEventLog};
///
/// let log: WebhookEventLog = serde_json::from_str(r#"{"id":"9a9e7f3e-37bb-4c9c-a7e3-0d5c4f8e2d11",
///   "eventType":"user.delete","eventResult":"Failed","sequence":7,"failedAttempts":4,
///   "event":{"type":"user.delete","id":"7d3e0b26-5d4c-4b5f-9b4e-2a1c3d5e7f90"}}"#)?;
/// assert_eq!(log.event_result, Some(EventResult::Failed));
/// assert_eq!(log.body().unwrap(), br#"{"event":{"id":"7d3e0b26-5d4c-4b5f-9b4e-2a1c3d5e7f90","type":"user.delete"}}"#);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct WebhookEventLog {
    /// The id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<Uuid>,
    /// The event object FusionAuth sent (the body's `event`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event: Option<Value>,
    /// The event's type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_type: Option<EventKey>,
    /// How delivery ended, so far.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_result: Option<EventResult>,
    /// Failed attempts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failed_attempts: Option<u32>,
    /// Successful attempts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub successful_attempts: Option<u32>,
    /// Every attempt, to every webhook.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attempts: Option<Vec<WebhookAttemptLog>>,
    /// When the event was logged.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub insert_instant: Option<Instant>,
    /// When the last attempt was made.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_attempt_instant: Option<Instant>,
    /// When the log last changed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_update_instant: Option<Instant>,
    /// The object the event is about (a user id, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub linked_object_id: Option<Uuid>,
    /// The order in which FusionAuth logged events.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sequence: Option<i64>,
    /// Free-form data.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<Map<String, Value>>,
    /// Fields this version does not know.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl WebhookEventLog {
    /// The body FusionAuth sent, `{"event": ...}`, to deliver it again; `None`
    /// when the log holds no event.
    pub fn body(&self) -> Option<Vec<u8>> {
        let event = self.event.as_ref()?;
        serde_json::to_vec(&serde_json::json!({ "event": event })).ok()
    }

    /// The logged event's `id`, by which receivers spot duplicates.
    pub fn event_id(&self) -> Option<Uuid> {
        self.event.as_ref()?.get("id")?.as_str()?.parse().ok()
    }
}

/// One attempt to deliver an event to one webhook.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct WebhookAttemptLog {
    /// The id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<Uuid>,
    /// The event log it belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub webhook_event_log_id: Option<Uuid>,
    /// The webhook it was sent to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub webhook_id: Option<Uuid>,
    /// When it started.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_instant: Option<Instant>,
    /// When it ended.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_instant: Option<Instant>,
    /// How it ended.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attempt_result: Option<AttemptResult>,
    /// What the receiver answered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub webhook_call_response: Option<WebhookCallResponse>,
    /// Free-form data.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<Map<String, Value>>,
    /// Fields this version does not know.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// What a receiver answered to one attempt.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct WebhookCallResponse {
    /// The HTTP status, when there was an answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_code: Option<u16>,
    /// The URL called.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// The exception, when there was no answer (timeout, refused connection).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exception: Option<String>,
    /// Fields this version does not know.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// Criteria of an event log search; every one optional.
///
/// ```
/// use fusionauth_webhooks_client::{EventLogSearch, EventResult};
///
/// let mut search = EventLogSearch::default();
/// search.event_result = Some(EventResult::Failed);
/// assert_eq!(serde_json::to_string(&search)?, r#"{"eventResult":"Failed"}"#);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct EventLogSearch {
    /// Logged at or after.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<Instant>,
    /// Logged at or before.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<Instant>,
    /// Text in the event body (`*` wildcards).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event: Option<String>,
    /// Exactly this result.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_result: Option<EventResult>,
    /// Exactly this type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_type: Option<EventKey>,
    /// The page size.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number_of_results: Option<u32>,
    /// e.g. `insertInstant ASC`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_by: Option<String>,
    /// The first row (0-based) of the page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_row: Option<u32>,
}

/// One page of event logs.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct EventLogSearchResult {
    /// The page.
    #[serde(default)]
    pub webhook_event_logs: Vec<WebhookEventLog>,
    /// How many match in all.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total: Option<u64>,
}

/// Defines a string enum that keeps values it does not know.
macro_rules! lenient_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $wire:literal,)* }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum $name {
            $($(#[$vmeta])* $variant,)*
            /// A value this version does not know, as written.
            Other(String),
        }

        impl $name {
            /// The wire name.
            pub fn as_str(&self) -> &str {
                match self {
                    $($name::$variant => $wire,)*
                    $name::Other(other) => other,
                }
            }
        }

        impl From<&str> for $name {
            fn from(name: &str) -> $name {
                match name {
                    $($wire => $name::$variant,)*
                    other => $name::Other(other.to_owned()),
                }
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<$name, D::Error> {
                let name = <::std::borrow::Cow::<'de, str> as ::serde::Deserialize>::deserialize(deserializer)?;
                Ok($name::from(name.as_ref()))
            }
        }
    };
}
pub(crate) use lenient_enum;

lenient_enum! {
    /// How delivery of a logged event ended, so far.
    ///
    /// ```
    /// use fusionauth_webhooks_client::EventResult;
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

lenient_enum! {
    /// How one attempt ended.
    ///
    /// ```
    /// use fusionauth_webhooks_client::AttemptResult;
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
