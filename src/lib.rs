// The README is the crate docs (as docs.rs shows them, with every feature):
// the quick start, the status table and the feature flags live there once.
// Its examples need the `testing`, `signature` and `tokio` features; with
// fewer, a short summary stands in.
#![cfg_attr(
    all(feature = "testing", feature = "signature", feature = "tokio"),
    doc = include_str!("../README.md")
)]
#![cfg_attr(
    not(all(feature = "testing", feature = "signature", feature = "tokio")),
    doc = "Receive FusionAuth webhooks: typed events, routing, constant-time \
           credential checks and the exact HTTP status FusionAuth acts on. \
           Built with every feature, these docs are the README, with the \
           status table and examples."
)]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod auth;
pub mod codes;
#[cfg(feature = "delivery")]
#[cfg_attr(docsrs, doc(cfg(feature = "delivery")))]
pub mod delivery;
mod dispatch;
pub mod env;
pub mod event;
mod handler;
#[cfg(feature = "otel")]
#[cfg_attr(docsrs, doc(cfg(feature = "otel")))]
pub mod otel;
mod router;
pub mod service;
#[cfg(feature = "signature")]
#[cfg_attr(docsrs, doc(cfg(feature = "signature")))]
pub mod signature;
mod timer;
mod webhook;
#[cfg(feature = "delivery")]
mod worker;

pub use event::{
    Envelope, Event, EventInfo, EventPayload, EventRequest, EventType, Instant, JsonMap, Location,
    ParseError, ParseErrorKind, Payload, UnknownEvent, UnknownEventType, domain, payload,
};
pub use handler::{EventHandler, HandlerError, HandlerErrorKind, IntoHandlerError, ResultExt};
pub use router::{FilterReason, Router, RunOutcome};
#[cfg(feature = "signature")]
pub use signature::{
    KeySource, SIGNATURE_HEADER, SignatureConfigError, SignatureError, SignatureVerifier,
    SignatureVerifierBuilder, SignedBodyHash,
};
/// The `uuid` crate this one uses: ids in events are [`uuid::Uuid`], so a
/// `use fusionauth_webhooks::uuid::Uuid;` needs no dependency of your own.
pub use uuid;
pub use webhook::{
    ConfigError, DEFAULT_BODY_READ_TIMEOUT, DEFAULT_MAX_BODY_SIZE, DURATION_METRIC,
    REQUESTS_METRIC, Webhook, WebhookBuilder,
};
#[cfg(feature = "delivery")]
#[cfg_attr(docsrs, doc(cfg(feature = "delivery")))]
pub use worker::{DEFAULT_MAX_ATTEMPTS, DEFAULT_MAX_BACKOFF, DEFAULT_RETRY_BACKOFF, Worker};

#[cfg(feature = "samples")]
#[cfg_attr(docsrs, doc(cfg(feature = "samples")))]
pub mod samples;
#[cfg(feature = "testing")]
#[cfg_attr(docsrs, doc(cfg(feature = "testing")))]
pub mod testing;
