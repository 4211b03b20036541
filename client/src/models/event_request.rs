//! The body FusionAuth sent for one event, as its exact JSON text.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::value::RawValue;
use uuid::Uuid;

use super::EventKey;

/// The request body FusionAuth sent to webhooks for one event,
/// `{"event": {...}}` (FusionAuth's `EventRequest`), kept as the exact JSON
/// text the event log holds: re-sending [`as_bytes`](Self::as_bytes) sends
/// those bytes, so a number beyond `f64`, a repeated key or FusionAuth's key
/// order survive, and a signature over them is a signature over what
/// FusionAuth logged.
///
/// `Debug` shows the event's id, type and size, never its content (it holds
/// personal data).
///
/// ```
/// use fusionauth_webhooks_client::models::EventRequest;
///
/// let text = r#"{"event":{"type":"user.delete","id":"7d3e0b26-5d4c-4b5f-9b4e-2a1c3d5e7f90","n":1.10}}"#;
/// let request = EventRequest::from_json(text.to_owned())?;
/// assert_eq!(request.as_bytes(), text.as_bytes());
/// assert_eq!(request.event_id().unwrap().to_string(), "7d3e0b26-5d4c-4b5f-9b4e-2a1c3d5e7f90");
/// assert_eq!(request.event_type().unwrap().as_str(), "user.delete");
/// assert_eq!(request.tenant_id(), None);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone)]
pub struct EventRequest(Box<RawValue>);

/// The members of the body that identify the event; everything else is skipped unread.
#[derive(Deserialize)]
struct Envelope {
    event: Option<Routing>,
}

#[derive(Deserialize)]
struct Routing {
    id: Option<String>,
    #[serde(rename = "type")]
    event_type: Option<String>,
    #[serde(rename = "tenantId")]
    tenant_id: Option<String>,
}

impl EventRequest {
    /// The body from its JSON text, kept as it is; an error if it is not JSON.
    pub fn from_json(text: String) -> Result<EventRequest, serde_json::Error> {
        RawValue::from_string(text).map(EventRequest)
    }

    /// The JSON text, exactly as FusionAuth logged it.
    pub fn as_str(&self) -> &str {
        self.0.get()
    }

    /// The JSON text's bytes: the body to send again.
    pub fn as_bytes(&self) -> &[u8] {
        self.0.get().as_bytes()
    }

    /// `event.id`, by which receivers spot a delivery seen before.
    pub fn event_id(&self) -> Option<Uuid> {
        self.routing()?.id?.parse().ok()
    }

    /// `event.type`.
    pub fn event_type(&self) -> Option<EventKey> {
        self.routing()?.event_type.as_deref().map(EventKey::from)
    }

    /// `event.tenantId` (system events have none).
    pub fn tenant_id(&self) -> Option<Uuid> {
        self.routing()?.tenant_id?.parse().ok()
    }

    fn routing(&self) -> Option<Routing> {
        serde_json::from_str::<Envelope>(self.as_str()).ok()?.event
    }
}

impl PartialEq for EventRequest {
    fn eq(&self, other: &EventRequest) -> bool {
        self.as_str() == other.as_str()
    }
}

impl fmt::Debug for EventRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EventRequest")
            .field("event_id", &self.event_id())
            .field("event_type", &self.event_type())
            .field("bytes", &self.as_str().len())
            .finish_non_exhaustive()
    }
}

impl Serialize for EventRequest {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for EventRequest {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<EventRequest, D::Error> {
        Box::<RawValue>::deserialize(deserializer).map(EventRequest)
    }
}
