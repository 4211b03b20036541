//! The fields every event carries, whatever its type.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use uuid::Uuid;

use super::Instant;

/// The fields common to every FusionAuth event (`BaseEvent`).
///
/// Every typed payload embeds one, flattened, so `payload.envelope.id` is the
/// event's id whatever its type. All fields but `type` are optional: FusionAuth
/// omits what does not apply (system events have no `tenantId`, older versions
/// send no `info` or `linkedObjectId`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Envelope {
    /// The event's unique id; FusionAuth may deliver an event more than once,
    /// and this id identifies the duplicates.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<Uuid>,
    /// When the event was generated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub create_instant: Option<Instant>,
    /// The event type string exactly as sent (see [`EventType`](crate::EventType)).
    #[serde(rename = "type")]
    pub event_type: String,
    /// The tenant the event belongs to; absent for system-scoped events.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tenant_id: Option<Uuid>,
    /// About the request that caused the event (FusionAuth 1.30 and later).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub info: Option<EventInfo>,
    /// The id of the object the event is about: a user, group, entity, ...
    /// (FusionAuth 1.53 and later).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub linked_object_id: Option<Uuid>,
}

/// About the request that caused an event (`EventInfo`): the admin's browser,
/// an API client, the user's device.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EventInfo {
    /// Custom data attached to the event.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<Map<String, Value>>,
    /// A description of the device, such as "macOS Safari".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_description: Option<String>,
    /// The device's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_name: Option<String>,
    /// The device's type, such as `BROWSER`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_type: Option<String>,
    /// The IP address of the request that caused the event.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ip_address: Option<String>,
    /// Where that IP address is (a paid FusionAuth feature).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
    /// The operating system of the device.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub os: Option<String>,
    /// The `User-Agent` of the request that caused the event.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_agent: Option<String>,
    /// Fields this version does not know, kept so nothing is lost.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A geographic location derived from an IP address.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Location {
    /// City name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    /// Country code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// A human-readable summary, such as "Denver, CO, US".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_string: Option<String>,
    /// Latitude in degrees.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latitude: Option<f64>,
    /// Longitude in degrees.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub longitude: Option<f64>,
    /// Region or state.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// Postal code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zipcode: Option<String>,
    /// Fields this version does not know, kept so nothing is lost.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}
