//! Receive FusionAuth webhooks: typed events, routing, constant-time
//! credential checks and the exact HTTP status FusionAuth acts on.
//!
//! FusionAuth POSTs each event as `{"event": {...}}` to a URL of your app,
//! with the headers, basic auth and (optionally) signature configured on the
//! FusionAuth webhook. Your app must answer 2xx only once the event is
//! handled; for a transactional event, any other answer fails the operation
//! in FusionAuth. A [`Webhook`] does all of that for a [`Router`] of handlers:
//!
//! ```
//! use bytes::Bytes;
//! use fusionauth_webhooks::{Event, EventType, HandlerError, Router, Webhook};
//! use http::{Request, StatusCode};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let webhook = Webhook::builder()
//!     .api_key("a-long-random-key")
//!     .router(Router::new().on_event(EventType::UserCreate, |event: Event| async move {
//!         match event.tenant_id() {
//!             Some(_) => Ok(()),
//!             // A deliberate veto: FusionAuth fails the user creation.
//!             None => Err(HandlerError::reject("[noTenant]")),
//!         }
//!     }))
//!     .build()?;
//!
//! let request = Request::post("/fusionauth-webhook")
//!     .header("authorization", "a-long-random-key")
//!     .header("content-type", "application/json")
//!     .body(Bytes::from_static(br#"{"event":{"type":"user.create"}}"#))?;
//! let response = webhook.handle(request).await;
//! assert_eq!(response.status(), StatusCode::BAD_REQUEST);
//! assert_eq!(response.body(), r#"{"errors":[{"code":"[noTenant]"}]}"#);
//! # Ok(())
//! # }
//! ```
//!
//! # Serving it
//!
//! - With axum, hyper or any tower stack: a `Webhook` is a
//!   [`tower::Service`](tower_service::Service) (see [`service`]).
//! - With any other server: [`Webhook::handle`] takes an
//!   `http::Request<Bytes>`, [`Webhook::handle_body`] any streamed body.
//! - The adapter crates `fusionauth-webhooks-axum`, `-actix-web`, `-warp` and
//!   `-hyper` mount it in an app of that framework in one line.
//!
//! # The status table
//!
//! Checks run in this order: method (405), credentials (401, before the body
//! is read), declared size (413), content type (415), signature (401), parse
//! (400); then the handlers: success 200, veto 400 or the status it names,
//! retry later 503, failure or panic 500. Events without handler and events
//! of other tenants are acknowledged with 200. See the README for the table.
//!
//! # Feature flags
//!
//! | Name | Description | Default? |
//! |---|---|---|
//! | `tokio` | tokio's timer for the body-read and handler timeouts, and handlers run on a task of their own, so a sender that hangs up does not cancel them half-way | Yes |
//! | `signature` | Verification of the `X-FusionAuth-Signature-JWT` header: [`SignatureVerifier`] (HMAC, RSA, ECDSA, Ed25519 keys, PEM or JWKS) | Yes |
//! | `testing` | Fixtures for your tests: [`testing::samples`], [`testing::TestRequest`], [`testing::TestClient`], the conformance suite, signing keys | No |
#![cfg_attr(docsrs, feature(doc_cfg))]

mod auth;
pub mod codes;
mod env;
pub mod event;
mod handler;
mod router;
pub mod service;
#[cfg(feature = "signature")]
#[cfg_attr(docsrs, doc(cfg(feature = "signature")))]
pub mod signature;
mod webhook;

pub use event::{
    Envelope, Event, EventInfo, EventPayload, EventRequest, EventType, Instant, Location,
    ParseError, ParseErrorKind, Payload, UnknownEvent, UnknownEventType, domain, payload,
};
pub use handler::{EventHandler, HandlerError, ResultExt};
pub use router::{FilterReason, Router, RunOutcome};
#[cfg(feature = "signature")]
pub use signature::{
    KeySource, SIGNATURE_HEADER, SignatureConfigError, SignatureError, SignatureVerifier,
    SignatureVerifierBuilder, SignedBodyHash,
};
pub use webhook::{
    ConfigError, DEFAULT_BODY_READ_TIMEOUT, DEFAULT_MAX_BODY_SIZE, ENV_API_KEY, ENV_BASIC_PASSWORD,
    ENV_BASIC_USER, ENV_BODY_TIMEOUT, ENV_HANDLER_TIMEOUT, ENV_HEADERS, ENV_MAX_BODY, Webhook,
    WebhookBuilder,
};

#[cfg(feature = "testing")]
#[cfg_attr(docsrs, doc(cfg(feature = "testing")))]
pub mod testing;

// The README's examples compile as doctests (they use the fixtures and signatures).
#[cfg(all(doctest, feature = "testing", feature = "signature"))]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
