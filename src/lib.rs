//! Receive FusionAuth webhooks.
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod codes;
pub mod event;
#[cfg(feature = "signature")]
#[cfg_attr(docsrs, doc(cfg(feature = "signature")))]
pub mod signature;
#[cfg(feature = "testing")]
#[cfg_attr(docsrs, doc(cfg(feature = "testing")))]
pub mod testing;

pub use event::{
    Envelope, Event, EventInfo, EventPayload, EventRequest, EventType, Instant, Location,
    ParseError, ParseErrorKind, UnknownEventType,
};
#[cfg(feature = "signature")]
pub use signature::{
    SIGNATURE_HEADER, SignatureConfigError, SignatureError, SignatureVerifier,
    SignatureVerifierBuilder,
};
