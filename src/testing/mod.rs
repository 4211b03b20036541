//! Helpers for testing code that receives FusionAuth webhooks (feature
//! `testing`).
//!
//! [`samples`] has a realistic event of every type, as typed payloads and as
//! request bodies, to feed your handlers.

pub mod samples;
