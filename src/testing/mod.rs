//! Fixtures for your own tests: build the requests FusionAuth would send.
//!
//! Everything here is for tests only; the keys and secrets it embeds are
//! public.

#[cfg(feature = "signature")]
pub mod signing;
