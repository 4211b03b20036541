//! The routing fields and the typed payload in one pass over the body.

use std::borrow::Cow;
use std::fmt;

use bytes::Bytes;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde_json::value::RawValue;
use uuid::Uuid;

use crate::event::open::{KeySeed, OpenObject, RawEntry, read_entry};
use crate::event::parse_error::within_budget;
use crate::event::payload::{PayloadReader, read_payload};
use crate::event::{Event, EventType, ParseError, utf8_text};

use super::fields::*;

/// Reads a body in one pass: the event, and the typed payload of its type
/// when `wants_payload` (given the type, and the tenant if it came before
/// `type`) says a handler will take it.
///
/// A body the one pass cannot read is read again by [`Event::parse`], which
/// names what is wrong; an envelope that is fine with a payload that is not
/// gives the event alone, and the handler's own read of the payload names
/// the error.
pub(crate) fn parse_with_payload(
    raw: Bytes,
    wants_payload: impl Fn(EventType, Option<Uuid>) -> bool,
) -> Result<(Event, Option<AnyPayload>), ParseError> {
    let text = utf8_text(&raw)?;
    let read = within_budget(raw.len(), || {
        let mut deserializer = serde_json::Deserializer::from_str(text);
        BodySeed(&wants_payload)
            .deserialize(&mut deserializer)
            .and_then(|read| deserializer.end().map(|()| read))
    });
    match read {
        Ok(Ok((routing, payload))) => Ok((Event::new(raw, routing), payload)),
        Ok(Err(_)) => Event::parse(raw).map(|event| (event, None)),
        Err(over_budget) => {
            let event_type = Event::parse(raw).ok().and_then(|event| event.event_type());
            Err(over_budget.reading(event_type))
        }
    }
}

/// How many entries before `type` the one pass sets aside (40 bytes each);
/// FusionAuth sends about twenty at most. After more, it reads the routing
/// fields only, and the handler reads its payload from the body.
const SET_ASIDE_AT_MOST: usize = 64;

/// `{"event": {...}}`, other top-level keys skipped.
struct BodySeed<'w, W>(&'w W);

impl<'de, W: Fn(EventType, Option<Uuid>) -> bool> DeserializeSeed<'de> for BodySeed<'_, W> {
    type Value = (Routing, Option<AnyPayload>);

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de, W: Fn(EventType, Option<Uuid>) -> bool> Visitor<'de> for BodySeed<'_, W> {
    type Value = (Routing, Option<AnyPayload>);

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("a webhook body")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut event = None;
        while let Some(key) = map.next_key_seed(KeySeed)? {
            if key != "event" {
                map.next_value::<IgnoredAny>()?;
            } else if event.is_some() {
                return Err(de::Error::duplicate_field("event"));
            } else {
                event = Some(map.next_value_seed(EventSeed(self.0))?);
            }
        }
        event.ok_or_else(|| de::Error::missing_field("event"))
    }
}

/// The `event` object: routing fields, and the payload when wanted.
struct EventSeed<'w, W>(&'w W);

impl<'de, W: Fn(EventType, Option<Uuid>) -> bool> DeserializeSeed<'de> for EventSeed<'_, W> {
    type Value = (Routing, Option<AnyPayload>);

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de, W: Fn(EventType, Option<Uuid>) -> bool> Visitor<'de> for EventSeed<'_, W> {
    type Value = (Routing, Option<AnyPayload>);

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("a FusionAuth event")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut fields = RoutingFields::default();
        let mut set_aside: Vec<(Cow<'de, str>, &'de RawValue)> = Vec::new();
        while let Some(key) = map.next_key_seed(KeySeed)? {
            let value: &'de RawValue = map.next_value()?;
            fields
                .read_known(&key, &mut RawEntry(value))
                .map_err(de::Error::custom)?;
            if key != "type" {
                if set_aside.len() == SET_ASIDE_AT_MOST {
                    break;
                }
                set_aside.push((key, value));
                continue;
            }
            let wanted = fields
                .event_type
                .as_deref()
                .and_then(EventType::from_wire)
                .filter(|&event_type| (self.0)(event_type, fields.tenant_id));
            if let Some(event_type) = wanted {
                let rest = Rest {
                    set_aside,
                    type_value: value,
                    fields: &mut fields,
                    map: &mut map,
                };
                let payload = read_payload(event_type, rest)?;
                return Ok((fields.finish()?, Some(payload)));
            }
            break;
        }
        read_routing_fields(&mut fields, &mut map)?;
        Ok((fields.finish()?, None))
    }
}

/// The rest of an `event` object once its payload's struct is known: the
/// entries set aside before `type`, `type` itself, then the live entries,
/// in the order they came; routing fields are read for routing too.
struct Rest<'a, 'de, A> {
    set_aside: Vec<(Cow<'de, str>, &'de RawValue)>,
    type_value: &'de RawValue,
    fields: &'a mut RoutingFields,
    map: &'a mut A,
}

impl<'de, A: MapAccess<'de>> PayloadReader for Rest<'_, 'de, A> {
    type Output = AnyPayload;
    type Error = A::Error;

    fn read<P: OpenObject + Send + 'static>(self) -> Result<AnyPayload, A::Error> {
        // Entries read again from their raw text may nest up to serde_json's
        // depth limit from where they start, a level or two deeper in the
        // body than a single parse allows: still bounded.
        let mut state = P::State::default();
        let set_aside = self
            .set_aside
            .into_iter()
            .chain([(Cow::Borrowed("type"), self.type_value)]);
        for (key, value) in set_aside {
            read_entry::<P, _>(&mut state, key, &mut RawEntry(value)).map_err(de::Error::custom)?;
        }
        while let Some(key) = self.map.next_key_seed(KeySeed)? {
            if !ROUTING_KEYS.contains(&&*key) {
                read_entry::<P, A>(&mut state, key, self.map)?;
                continue;
            }
            let value: &'de RawValue = self.map.next_value()?;
            self.fields
                .read_known(&key, &mut RawEntry(value))
                .map_err(de::Error::custom)?;
            read_entry::<P, _>(&mut state, key, &mut RawEntry(value)).map_err(de::Error::custom)?;
        }
        Ok(Box::new(P::finish::<A::Error>(state)?))
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use serde_json::{Map, Value};

    use super::*;
    use crate::event::for_each_event_type;
    use crate::event::{Payload, payload};

    /// The payload read in one pass, as the enum, to compare with the
    /// two-pass reading.
    macro_rules! into_payload {
        ($($variant:ident, $wire:literal, [$($alias:literal),*], $tx:literal, $doc:literal;)*) => {
            fn into_payload(read: AnyPayload) -> Payload {
                $(
                    let read = match read.downcast::<payload::$variant>() {
                        Ok(payload) => return Payload::$variant(*payload),
                        Err(other) => other,
                    };
                )*
                panic!("not a payload struct: {read:?}")
            }
        };
    }
    for_each_event_type!(into_payload);

    /// The fixture bodies, one per event type.
    fn fixtures() -> Vec<(String, Value)> {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/events");
        let mut fixtures: Vec<(String, Value)> = std::fs::read_dir(dir)
            .unwrap()
            .map(|entry| entry.unwrap().path())
            .filter(|path| path.extension().is_some_and(|e| e == "json"))
            .map(|path| {
                let name = path.file_stem().unwrap().to_str().unwrap().to_owned();
                (
                    name,
                    serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap(),
                )
            })
            .collect();
        fixtures.sort_by(|a, b| a.0.cmp(&b.0));
        assert_eq!(fixtures.len(), EventType::ALL.len());
        fixtures
    }

    /// A body with the `event` object's entries in this order.
    fn body_in_order(entries: &[(&String, &Value)]) -> Bytes {
        let entries: Vec<String> = entries
            .iter()
            .map(|(key, value)| format!("{}:{value}", Value::from(key.as_str())))
            .collect();
        Bytes::from(format!(r#"{{"event":{{{}}}}}"#, entries.join(",")))
    }

    /// The orders to try: alphabetical (FusionAuth's), `type` first,
    /// `type` last, and reversed.
    fn orders(event: &Map<String, Value>) -> Vec<Bytes> {
        let sorted: Vec<(&String, &Value)> = event.iter().collect();
        let (typed, others): (Vec<_>, Vec<_>) =
            sorted.iter().copied().partition(|(key, _)| *key == "type");
        let type_first: Vec<_> = typed.iter().chain(&others).copied().collect();
        let type_last: Vec<_> = others.iter().chain(&typed).copied().collect();
        let reversed: Vec<_> = sorted.iter().rev().copied().collect();
        [sorted, type_first, type_last, reversed]
            .iter()
            .map(|entries| body_in_order(entries))
            .collect()
    }

    #[test]
    fn one_pass_reads_what_two_passes_read_in_any_key_order() {
        for (name, body) in fixtures() {
            let Value::Object(event) = &body["event"] else {
                panic!("{name}: no event object")
            };
            for raw in orders(event) {
                let (event, read) = parse_with_payload(raw.clone(), |_, _| true).unwrap();
                let reference = Event::parse(raw.clone()).unwrap();
                assert_eq!(event.type_name(), reference.type_name(), "{name}");
                assert_eq!(event.id(), reference.id(), "{name}");
                assert_eq!(event.tenant_id(), reference.tenant_id(), "{name}");
                assert_eq!(event.create_instant(), reference.create_instant(), "{name}");
                assert_eq!(
                    event.linked_object_id(),
                    reference.linked_object_id(),
                    "{name}"
                );
                assert_eq!(
                    event.application_ids(),
                    reference.application_ids(),
                    "{name}"
                );
                let read = into_payload(read.expect("a payload for a known type"));
                assert_eq!(read, reference.payload().unwrap(), "{name}");
            }
        }
    }

    #[test]
    fn no_payload_is_read_unless_wanted() {
        let raw = Bytes::from_static(
            br#"{"event":{"tenantId":"3c219e58-ed0e-4b18-ad48-f4f92793ae32","type":"user.delete"}}"#,
        );
        let (event, read) = parse_with_payload(raw.clone(), |_, _| false).unwrap();
        assert!(read.is_none());
        assert_eq!(event.event_type(), Some(EventType::UserDelete));
        // The tenant read before `type` is offered to the decision.
        let tenant = "3c219e58-ed0e-4b18-ad48-f4f92793ae32".parse().unwrap();
        let (_, read) = parse_with_payload(raw, |_, seen| seen == Some(tenant)).unwrap();
        assert!(read.is_some());
    }

    #[test]
    fn an_unknown_type_has_no_payload() {
        let raw = Bytes::from_static(br#"{"event":{"type":"user.teleport","to":"Mars"}}"#);
        let (event, read) = parse_with_payload(raw, |_, _| true).unwrap();
        assert!(read.is_none());
        assert_eq!(event.type_name(), "user.teleport");
    }

    #[test]
    fn a_bad_payload_leaves_the_event_and_no_payload() {
        // `user` has the wrong type: the envelope is fine, the payload is not;
        // the handler's own read then names the error.
        let raw = Bytes::from_static(br#"{"event":{"type":"user.delete","user":42}}"#);
        let (event, read) = parse_with_payload(raw, |_, _| true).unwrap();
        assert!(read.is_none());
        let error = event.payload_as::<payload::UserDelete>().unwrap_err();
        assert!(
            error
                .to_string()
                .starts_with("`event.user` has the wrong type"),
            "{error}"
        );
    }

    #[test]
    fn envelope_errors_are_named_as_event_parse_names_them() {
        for raw in [
            &br#"{"event":{"id":"e502168a-b469-45d9-a079-fd45f83e0406"}}"#[..],
            br#"{"event":{"type":"user.delete","tenantId":"secret-value"}}"#,
            br#"{"event":{"type":"user.delete","type":"user.create"}}"#,
            br#"{"event":{"type":"user.delete"}} trailing"#,
            br#"{"evnt":{}}"#,
        ] {
            let raw = Bytes::from_static(raw);
            let one_pass = parse_with_payload(raw.clone(), |_, _| true).unwrap_err();
            assert_eq!(one_pass, Event::parse(raw).unwrap_err());
        }
    }
}
