//! What routing reads from a body: the envelope's routing fields and, in the
//! same pass, the typed payload a handler will take.
//!
//! [`Event::parse`] reads the routing fields and skips the rest. A router
//! with a typed handler for the event would then read the body a second time
//! for the payload; [`parse_with_payload`] reads both in one pass. The
//! payload's struct is known only once `type` is read, and FusionAuth writes
//! keys in alphabetical order (`original`, `registration` and `tenantId`
//! come before `type`), so the entries before `type` are set aside as raw
//! JSON text, scanned but not parsed, and read into the payload once its
//! struct is known; the entries after it go straight into the payload.

mod fields;
mod one_pass;

pub(crate) use fields::AnyPayload;
pub(super) use fields::Routing;
pub(crate) use one_pass::parse_with_payload;
