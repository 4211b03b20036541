//! Receive FusionAuth webhooks.
#![cfg_attr(docsrs, feature(doc_cfg))]

mod auth;
pub mod codes;
pub mod event;
mod handler;
mod router;
pub mod service;
mod webhook;

pub use event::{
    Envelope, Event, EventInfo, EventPayload, EventRequest, EventType, Instant, Location,
    ParseError, ParseErrorKind, UnknownEventType,
};
pub use handler::{EventHandler, HandlerError, ResultExt};
pub use router::Router;
pub use webhook::{
    ConfigError, DEFAULT_MAX_BODY_SIZE, ENV_API_KEY, ENV_BASIC_PASSWORD, ENV_BASIC_USER,
    ENV_HEADERS, ENV_MAX_BODY, Webhook, WebhookBuilder,
};

#[cfg(feature = "testing")]
#[cfg_attr(docsrs, doc(cfg(feature = "testing")))]
pub mod testing;
