//! The event model: what FusionAuth sends, read lazily.
//!
//! A request body is `{"event": {...}}`. [`Event::parse`] reads only the
//! envelope (type, id, tenant, ...) and keeps the raw bytes; the typed payload
//! is built only for a handler that asks for it, so an event nobody handles
//! costs one scan of the body.
//!
//! # Memory
//!
//! An event holds its body; a typed payload is built straight from the
//! bytes, known fields in place, with no intermediate tree. Unknown fields
//! (`extra`) and free-form custom `data` are kept as raw JSON text (a
//! [`JsonMap`]: `data` is one piece of text), never as
//! [`serde_json::Value`] trees, and vectors are allocated at (nearly) their
//! length. Peak heap of one request, as a multiple of the body (the body
//! included; `tests/memory.rs` and `benches/memory.sh`):
//!
//! - a realistic `user.delete` of 7 MiB (18,000 registrations with custom
//!   data): about 2.3x in heap (2.5x in resident memory);
//! - a 6 MiB unknown field: about 2x, its text once more.
//!
//! What a payload costs depends on the shape of its JSON, not only on its
//! length: in `"registrations": [{},{},...]` each `{},` of three bytes would
//! become a whole 344-byte `UserRegistration`, and in a `user.bulk.create`
//! each `{},` in `users` an 816-byte `User`. So every allocation the model
//! makes while reading a body (a vector's buffer, a string, a map's nodes,
//! raw text) is charged to a **memory budget of 12 times the body, plus
//! 64 KiB**, before it is made or, for a string, as it is made (a string
//! costs at most its own text). A read that would go over it stops there
//! with [`ParseErrorKind::OverBudget`], which the webhook answers 413
//! (`[tooLarge]`) with a log line naming the event type and the budget.
//! With the body itself and what the parser holds besides, **no body of any
//! shape makes a request peak above 16 times its size** (plus the 64 KiB):
//! `tests/memory.rs` fills every typed array and map of every event type
//! (and every object's unknown fields, custom data and free-form values)
//! with the cheapest elements the model reads (empty objects,
//! one-character strings, zeros, arrays nested as deep as a parse allows)
//! up to the body limit, and measures each request; the costliest peak at
//! about 13x, refused.
//!
//! So with the default body limit of 8 MiB, one request takes about 20 MiB
//! for a realistic body and at most about 130 MiB for a hostile one, and
//! `n` concurrent requests `n` times that. Realistic bodies stay far
//! inside the budget (a registration's JSON is at least as long as its
//! struct). The budget is the webhook's: [`Event::payload`],
//! [`Event::payload_as`] and [`Event::json`] read within it too, while the
//! model types deserialized by your own code with serde_json read without
//! one. The body is parsed only once the request is authenticated, so only
//! a sender holding the webhook's credentials can send a hostile body;
//! where the bound is still too much, lower the body limit or the number of
//! concurrent requests.
//!
//! # Example
//!
//! ```
//! use fusionauth_webhooks::{Event, EventType};
//!
//! let body = r#"{"event": {
//!     "type": "user.delete",
//!     "id": "e502168a-b469-45d9-a079-fd45f83e0406",
//!     "createInstant": 1505762615056,
//!     "user": {"id": "00000000-0000-0000-0000-000000000001", "email": "jane@example.com"}
//! }}"#;
//! let event = Event::parse(body.into())?;
//! assert_eq!(event.event_type(), Some(EventType::UserDelete));
//! assert_eq!(event.type_name(), "user.delete");
//! assert_eq!(event.create_instant().map(|i| i.as_millis()), Some(1505762615056));
//! # Ok::<(), fusionauth_webhooks::ParseError>(())
//! ```

pub(crate) mod budget;
pub mod domain;
mod envelope;
mod event_type;
pub(crate) mod field;
mod instant;
mod json_map;
mod open;
mod parse_error;
pub mod payload;
mod raw;
mod read;
#[cfg(feature = "testing")]
pub(crate) mod shape;

use std::fmt;
use std::sync::Arc;

use bytes::Bytes;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub use envelope::{Envelope, EventInfo, Location};
pub(crate) use event_type::for_each_event_type;
pub use event_type::{EventType, UnknownEventType};
use field::ChargedValue;
pub use instant::Instant;
pub use json_map::JsonMap;
pub use parse_error::{ParseError, ParseErrorKind};
pub(crate) use parse_error::{from_json, utf8_text};
pub use payload::{Payload, UnknownEvent};
use read::Routing;
pub(crate) use read::{AnyPayload, parse_with_payload};

/// The wire shape of a webhook body: `{"event": <event>}`.
///
/// Serializing an `EventRequest` of a typed payload gives exactly what
/// FusionAuth would send for it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventRequest<E> {
    /// The event.
    pub event: E,
}

/// A typed payload: the whole `event` object of one event type.
///
/// Implemented by every payload struct of this crate; the router uses it to
/// send a handler exactly the type it asks for. [`Event`] is not a payload:
/// a handler of the untyped event is registered with
/// [`Router::on_event`](crate::Router::on_event) or
/// [`Router::on_any`](crate::Router::on_any).
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a typed payload, which `.on(..)` needs to know the event type",
    label = "`.on(..)` takes a closure of a payload struct, such as `|created: UserCreate|`",
    note = "for the untyped `Event`, register the closure with `.on_event(EventType::UserCreate, |event: Event| ..)` \
            for one type, or `.on_any(|event: Event| ..)` for every type",
    note = "the payload structs are in `fusionauth_webhooks::payload`, one per event type"
)]
pub trait EventPayload: Serialize + DeserializeOwned + Send + Sync + 'static {
    /// The event type this payload belongs to.
    const EVENT_TYPE: EventType;
}

/// One event, as received: the envelope read, the raw body kept.
///
/// Cloning is cheap (the event is shared), so several handlers can each own
/// it. Use [`payload`](Event::payload) or [`payload_as`](Event::payload_as)
/// for the typed fields, or
/// [`raw`](Event::raw) to forward the exact bytes FusionAuth sent.
///
/// ```
/// use fusionauth_webhooks::{Event, EventType, Payload};
///
/// let event = Event::parse(r#"{"event":{
///     "type": "user.delete",
///     "id": "e502168a-b469-45d9-a079-fd45f83e0406",
///     "tenantId": "3c219e58-ed0e-4b18-ad48-f4f92793ae32",
///     "user": {"email": "jane@example.com"}
/// }}"#.into())?;
/// // The envelope, read before routing.
/// assert_eq!(event.event_type(), Some(EventType::UserDelete));
/// assert!(event.is_transactional());
/// // The typed payload, built only when asked for.
/// let Payload::UserDelete(deleted) = event.payload()? else { unreachable!() };
/// assert_eq!(deleted.user.and_then(|user| user.email).as_deref(), Some("jane@example.com"));
/// // The exact bytes, to forward or archive.
/// assert!(event.raw().starts_with(b"{\"event\""));
/// # Ok::<(), fusionauth_webhooks::ParseError>(())
/// ```
#[derive(Clone)]
pub struct Event {
    inner: Arc<Inner>,
}

struct Inner {
    raw: Bytes,
    routing: Routing,
}

impl Event {
    /// Reads the envelope of a webhook body, keeping the bytes for later.
    ///
    /// Fails on anything that is not `{"event": {"type": "...", ...}}` with
    /// well-typed envelope fields; the payload's own fields are checked only
    /// when a handler asks for them.
    pub fn parse(raw: Bytes) -> Result<Event, ParseError> {
        let EventRequest { event: routing } = from_json::<EventRequest<Routing>>(&raw)?;
        Ok(Event::new(raw, routing))
    }

    fn new(raw: Bytes, routing: Routing) -> Event {
        Event {
            inner: Arc::new(Inner { raw, routing }),
        }
    }

    /// The event's type, or `None` for a type this version does not know (its
    /// name is still in [`type_name`](Event::type_name)).
    pub fn event_type(&self) -> Option<EventType> {
        self.inner.routing.event_type
    }

    /// The `type` string exactly as sent.
    pub fn type_name(&self) -> &str {
        &self.inner.routing.type_name
    }

    /// The event's id, which identifies a redelivered duplicate.
    pub fn id(&self) -> Option<Uuid> {
        self.inner.routing.id
    }

    /// When FusionAuth generated the event.
    pub fn create_instant(&self) -> Option<Instant> {
        self.inner.routing.create_instant
    }

    /// The tenant; `None` for system events (audit log, event log, kickstart).
    pub fn tenant_id(&self) -> Option<Uuid> {
        self.inner.routing.tenant_id
    }

    /// The id of the user, group or entity the event is about (FusionAuth 1.53+).
    pub fn linked_object_id(&self) -> Option<Uuid> {
        self.inner.routing.linked_object_id
    }

    /// The applications the event names in `applicationId` or
    /// `applicationIds`; empty for events that concern no single application.
    pub fn application_ids(&self) -> &[Uuid] {
        &self.inner.routing.application_ids
    }

    /// Whether FusionAuth may wait for this event's answer before committing
    /// (false for unknown types).
    pub fn is_transactional(&self) -> bool {
        self.inner
            .routing
            .event_type
            .is_some_and(EventType::is_transactional)
    }

    /// The exact bytes FusionAuth sent, for forwarding or archiving.
    pub fn raw(&self) -> &Bytes {
        &self.inner.raw
    }

    /// The body as an untyped JSON value: the whole `{"event": {...}}`.
    ///
    /// Read within the body's memory budget (see the [module docs](self#memory)):
    /// a `Value` tree costs about 9 times a realistic body, and about 20
    /// times one made mostly of small numbers, which is refused with
    /// [`ParseErrorKind::OverBudget`].
    pub fn json(&self) -> Result<serde_json::Value, ParseError> {
        from_json::<ChargedValue>(&self.inner.raw).map(|json| json.0)
    }

    /// The typed payload: the `event` object read once, straight into the
    /// struct of the event's type, or [`Payload::Unknown`] (type string and
    /// JSON kept) for a type this version does not know.
    ///
    /// Unknown fields and unknown enumeration values are kept, never an error;
    /// a known field of the wrong JSON type is one.
    pub fn payload(&self) -> Result<Payload, ParseError> {
        Payload::parse(self.inner.routing.event_type, &self.inner.raw)
            .map_err(|error| error.reading(self.event_type()))
    }

    /// The `event` object as payload type `P`, whatever the event's type.
    ///
    /// Routing a typed handler (see [`Router::on`](crate::Router::on)) checks
    /// the type for you; call this directly for shapes shared by several types.
    pub fn payload_as<P: DeserializeOwned>(&self) -> Result<P, ParseError> {
        from_json::<EventRequest<P>>(&self.inner.raw)
            .map(|request| request.event)
            .map_err(|error| error.reading(self.event_type()))
    }
}

impl fmt::Debug for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The body may hold personal data: show only the envelope.
        f.debug_struct("Event")
            .field("type", &self.type_name())
            .field("id", &self.id())
            .field("tenant_id", &self.tenant_id())
            .field("body_len", &self.inner.raw.len())
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(body: &str) -> Result<Event, ParseError> {
        Event::parse(Bytes::copy_from_slice(body.as_bytes()))
    }

    #[test]
    fn an_unknown_type_parses_with_its_name_kept() {
        let event = parse(
            r#"{"event":{"type":"user.teleport","id":"e502168a-b469-45d9-a079-fd45f83e0406"}}"#,
        )
        .unwrap();
        assert_eq!(event.event_type(), None);
        assert_eq!(event.type_name(), "user.teleport");
        assert!(!event.is_transactional());
    }

    #[test]
    fn application_ids_are_gathered_from_both_fields() {
        let event = parse(
            r#"{"event":{"type":"user.login.success","applicationId":"3c219e58-ed0e-4b18-ad48-f4f92793ae32"}}"#,
        )
        .unwrap();
        assert_eq!(
            event.application_ids(),
            &["3c219e58-ed0e-4b18-ad48-f4f92793ae32"
                .parse::<Uuid>()
                .unwrap()]
        );
    }

    #[test]
    fn a_missing_event_is_named() {
        let error = parse(r#"{"evnt":{}}"#).unwrap_err();
        assert_eq!(error.kind(), ParseErrorKind::Schema);
        assert!(
            error.to_string().starts_with("missing field `event`"),
            "{error}"
        );
    }

    #[test]
    fn a_missing_type_is_named_with_its_path() {
        let error =
            parse(r#"{"event":{"id":"e502168a-b469-45d9-a079-fd45f83e0406"}}"#).unwrap_err();
        assert!(
            error.to_string().starts_with("missing field `event.type`"),
            "{error}"
        );
    }

    #[test]
    fn a_wrong_type_names_the_path_but_not_the_value() {
        let error =
            parse(r#"{"event":{"type":"user.delete","tenantId":"secret-value"}}"#).unwrap_err();
        let message = error.to_string();
        assert!(message.contains("`event.tenantId`"), "{message}");
        assert!(!message.contains("secret-value"), "{message}");
    }

    #[test]
    fn malformed_json_is_a_syntax_error() {
        let error = parse(r#"{"event":"#).unwrap_err();
        assert_eq!(error.kind(), ParseErrorKind::Syntax);
        assert_eq!(error.code(), crate::codes::INVALID_JSON);
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_stack_overflow() {
        let depth = 100_000;
        let body = format!(
            r#"{{"event":{{"type":"test","data":{}{}}}}}"#,
            "[".repeat(depth),
            "]".repeat(depth)
        );
        // The envelope skips the field without recursing; reading it fails cleanly.
        let event = parse(&body).unwrap();
        let error = event.json().unwrap_err();
        assert_eq!(error.kind(), ParseErrorKind::Syntax);
    }

    #[test]
    fn invalid_utf8_is_rejected() {
        let mut body = br#"{"event":{"type":"test","message":""#.to_vec();
        body.extend_from_slice(&[0xff, 0xfe]);
        body.extend_from_slice(br#""}}"#);
        let error = Event::parse(Bytes::from(body)).unwrap_err();
        assert_eq!(
            error.to_string(),
            "the body is not valid UTF-8 at line 1 column 36"
        );
    }
}
