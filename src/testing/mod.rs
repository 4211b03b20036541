//! Fixtures for testing webhook handlers without a server (feature `testing`).
//!
//! - [`samples`](crate::samples) has a realistic event of every type, as
//!   typed payloads and as request bodies, to feed your handlers (feature
//!   `samples`, which this one turns on);
//! - [`TestRequest`] builds requests as FusionAuth sends them;
//! - [`TestClient`] drives a [`Webhook`](crate::Webhook) in process;
//! - [`conformance`] is the status table as a suite every adapter runs;
//! - [`shapes`] describes every payload's fields, to generate bodies from;
//! - `signing` (with the `signature` feature) signs requests like FusionAuth
//!   and makes every kind of bad signature.
//!
//! Everything here is for tests only; the keys and secrets it embeds are
//! public.

mod client;
pub mod conformance;
#[cfg(feature = "delivery")]
#[cfg_attr(docsrs, doc(cfg(feature = "delivery")))]
mod delivery;
mod request;
pub mod shapes;
#[cfg(feature = "signature")]
#[cfg_attr(docsrs, doc(cfg(feature = "signature")))]
pub mod signing;

pub use client::{TestClient, TestResponse};
#[cfg(feature = "delivery")]
pub use delivery::{dedup_store_suite, queue_suite};
pub use request::TestRequest;
