//! Receive FusionAuth webhooks.
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod codes;
pub mod event;
#[cfg(feature = "testing")]
pub mod testing;

pub use event::{
    Envelope, Event, EventInfo, EventPayload, EventRequest, EventType, Instant, Location,
    ParseError, ParseErrorKind, Payload, UnknownEvent, UnknownEventType, domain, payload,
};
