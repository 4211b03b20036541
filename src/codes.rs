//! The error codes of the JSON error bodies this crate sends.
//!
//! They follow FusionAuth's own `[code]` convention, so that what a receiver
//! answers reads naturally in FusionAuth's event log.

/// Credentials or signature missing or wrong (401).
pub const NOT_AUTHORIZED: &str = "[notAuthorized]";
/// The body is not JSON (400).
pub const INVALID_JSON: &str = "[invalidJson]";
/// The body is JSON but not a FusionAuth event (400).
pub const INVALID_EVENT: &str = "[invalidEvent]";
/// Reading the body into the typed model would take more memory than its
/// budget allows (413).
pub const TOO_LARGE: &str = "[tooLarge]";
/// A handler rejected the event without naming a code (400).
pub const REJECTED: &str = "[rejected]";
