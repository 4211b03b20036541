//! The envelope's routing fields: what is read of an event before any
//! handler runs.

use std::any::Any;
use std::fmt;

use serde::Deserialize;
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, Visitor};
use uuid::Uuid;

use crate::event::open::{KeySeed, read_known_fields};
use crate::event::{EventType, Instant};

/// A typed payload struct, read along with the event for the handler that
/// takes it (boxed: the structs are large, and futures would carry them).
pub(crate) type AnyPayload = Box<dyn Any + Send>;

/// The envelope as routing sees it: what is read before any handler runs.
pub(in crate::event) struct Routing {
    pub(in crate::event) type_name: String,
    pub(in crate::event) event_type: Option<EventType>,
    pub(in crate::event) id: Option<Uuid>,
    pub(in crate::event) create_instant: Option<Instant>,
    pub(in crate::event) tenant_id: Option<Uuid>,
    pub(in crate::event) linked_object_id: Option<Uuid>,
    /// `applicationId` and `applicationIds` together: login, registration
    /// and JWT events name one application, `jwt.public-key.update` and
    /// `user.action` several.
    pub(in crate::event) application_ids: Vec<Uuid>,
}

/// The routing fields read so far.
#[derive(Default)]
pub(super) struct RoutingFields {
    pub(super) event_type: Option<String>,
    id: Option<Uuid>,
    create_instant: Option<Instant>,
    pub(super) tenant_id: Option<Uuid>,
    linked_object_id: Option<Uuid>,
    application_id: Option<Uuid>,
    application_ids: Option<Vec<Uuid>>,
}

/// The JSON names of [`RoutingFields`]' fields.
pub(super) const ROUTING_KEYS: [&str; 7] = [
    "type",
    "id",
    "createInstant",
    "tenantId",
    "linkedObjectId",
    "applicationId",
    "applicationIds",
];

impl RoutingFields {
    /// Reads the value of `key` if it is a routing field and returns `true`;
    /// returns `false`, reading nothing, for any other key.
    pub(super) fn read_known<'de, A: MapAccess<'de>>(
        &mut self,
        key: &str,
        map: &mut A,
    ) -> Result<bool, A::Error> {
        read_known_fields!(self, key, map;
            event_type "type", id, create_instant, tenant_id, linked_object_id,
            application_id, application_ids)
    }

    pub(super) fn finish<E: de::Error>(self) -> Result<Routing, E> {
        let type_name = self
            .event_type
            .ok_or_else(|| de::Error::missing_field("type"))?;
        let mut application_ids = self.application_ids.unwrap_or_default();
        application_ids.extend(self.application_id);
        Ok(Routing {
            event_type: EventType::from_wire(&type_name),
            type_name,
            id: self.id,
            create_instant: self.create_instant,
            tenant_id: self.tenant_id,
            linked_object_id: self.linked_object_id,
            application_ids,
        })
    }
}

/// What [`Event::parse`] reads from the `event` object: the routing fields,
/// every other entry skipped.
impl<'de> Deserialize<'de> for Routing {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(RoutingVisitor)
    }
}

struct RoutingVisitor;

impl<'de> Visitor<'de> for RoutingVisitor {
    type Value = Routing;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("a FusionAuth event")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Routing, A::Error> {
        let mut fields = RoutingFields::default();
        read_routing_fields(&mut fields, &mut map)?;
        fields.finish()
    }
}

/// Reads the rest of an `event` object for its routing fields only.
pub(super) fn read_routing_fields<'de, A: MapAccess<'de>>(
    fields: &mut RoutingFields,
    map: &mut A,
) -> Result<(), A::Error> {
    while let Some(key) = map.next_key_seed(KeySeed)? {
        if !fields.read_known(&key, map)? {
            map.next_value::<IgnoredAny>()?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use serde_json::value::RawValue;

    use super::*;
    use crate::event::open::RawEntry;

    #[test]
    fn the_routing_keys_are_the_fields_read() {
        let null = RawValue::from_string("null".to_owned()).unwrap();
        for key in ROUTING_KEYS {
            let read = RoutingFields::default().read_known(key, &mut RawEntry(&null));
            assert!(read.unwrap(), "{key}");
        }
        let other = RoutingFields::default().read_known("user", &mut RawEntry(&null));
        assert!(!other.unwrap());
    }
}
