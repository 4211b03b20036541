//! The fields every event carries, whatever its type.

use crate::event::JsonMap;
use serde::de::{self, MapAccess};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::Instant;
use super::domain::model;
use super::open::{OpenObject, read_known_fields};

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

impl Envelope {
    /// The JSON names of the envelope's fields and of the objects it holds.
    pub(crate) const FIELD_NAMES: &[&[&str]] = &[
        &[
            "id",
            "createInstant",
            "type",
            "tenantId",
            "info",
            "linkedObjectId",
        ],
        <EventInfo as OpenObject>::FIELDS,
        <Location as OpenObject>::FIELDS,
    ];

    /// The envelope's fields but `type`, with their shapes.
    #[cfg(feature = "testing")]
    pub(crate) fn shape_fields() -> Vec<(&'static str, crate::testing::shapes::Shape)> {
        use crate::testing::shapes::Shape;
        vec![
            ("id", Shape::Uuid),
            ("createInstant", Shape::Instant),
            ("tenantId", Shape::Uuid),
            ("info", Shape::of_field::<EventInfo>()),
            ("linkedObjectId", Shape::Uuid),
        ]
    }

    /// Reads `key` into its field if it is one of the envelope's, for the
    /// payloads the envelope is flattened into; `has_type` records the one
    /// required field.
    pub(crate) fn read_known<'de, A: MapAccess<'de>>(
        &mut self,
        has_type: &mut bool,
        key: &str,
        map: &mut A,
    ) -> Result<bool, A::Error> {
        if key == "type" {
            if *has_type {
                return Err(de::Error::duplicate_field("type"));
            }
            self.event_type = map.next_value()?;
            *has_type = true;
            return Ok(true);
        }
        read_known_fields!(self, key, map; id, create_instant, tenant_id, info, linked_object_id)
    }
}

model! {
    /// About the request that caused an event (`EventInfo`): the admin's browser,
    /// an API client, the user's device.
    pub struct EventInfo {
        /// Custom data attached to the event.
        data: JsonMap,
        /// A description of the device, such as "macOS Safari".
        device_description: String,
        /// The device's name.
        device_name: String,
        /// The device's type, such as `BROWSER`.
        device_type: String,
        /// The IP address of the request that caused the event.
        ip_address: String,
        /// Where that IP address is (a paid FusionAuth feature).
        location: Location,
        /// The operating system of the device.
        os: String,
        /// The `User-Agent` of the request that caused the event.
        user_agent: String,
    }
}

model! {
    /// A geographic location derived from an IP address.
    pub struct Location {
        /// City name.
        city: String,
        /// Country code.
        country: String,
        /// A human-readable summary, such as "Denver, CO, US".
        display_string: String,
        /// Latitude in degrees.
        latitude: f64,
        /// Longitude in degrees.
        longitude: f64,
        /// Region or state.
        region: String,
        /// Postal code.
        zipcode: String,
    }
}
