//! Fixtures for testing webhook handlers without a server (feature `testing`).
//!
//! - [`samples`] has a realistic event of every type, as typed payloads and
//!   as request bodies, to feed your handlers;
//! - [`TestRequest`] builds requests as FusionAuth sends them;
//! - [`TestClient`] drives a [`Webhook`](crate::Webhook) in process;
//! - [`conformance`] is the status table as a suite every adapter runs.

mod client;
pub mod conformance;
mod request;
pub mod samples;

pub use client::{TestClient, TestResponse};
pub use request::TestRequest;
