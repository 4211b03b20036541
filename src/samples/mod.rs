//! Realistic sample events of every type, written for this crate (made-up
//! people, ids and instants), to feed handlers in tests (feature `samples`,
//! on with `testing`).
//!
//! There is a function per event type returning its typed payload
//! ([`user_delete`], [`group_member_add`], ...), building blocks for the
//! objects inside them ([`user`], [`group`], [`registration`], [`envelope`],
//! ...), and [`payload`] and [`body`] for any [`EventType`]. Every sample is
//! plain data: change what a test needs with struct update syntax. The ids
//! are fixed (see the constants), so tests can assert on them.
//!
//! # Example
//!
//! ```
//! use fusionauth_webhooks::domain::User;
//! use fusionauth_webhooks::payload::UserDelete;
//! use fusionauth_webhooks::samples;
//! use fusionauth_webhooks::{Event, EventType, Payload};
//!
//! // A user.delete about another user: tweak the sample, then make a body.
//! let deleted = UserDelete {
//!     user: Some(User {
//!         email: Some("grace.hopper@example.com".into()),
//!         ..samples::user()
//!     }),
//!     ..samples::user_delete()
//! };
//! let event = Event::parse(samples::body_of(&deleted))?;
//! assert_eq!(event.event_type(), Some(EventType::UserDelete));
//! assert_eq!(event.id(), Some(samples::EVENT_ID));
//!
//! // Or take the body of any type as it is.
//! let event = Event::parse(samples::body(EventType::UserLoginFailed))?;
//! let Payload::UserLoginFailed(failed) = event.payload()? else {
//!     panic!("expected user.login.failed");
//! };
//! assert_eq!(failed.user.and_then(|user| user.id), Some(samples::USER_ID));
//! # Ok::<(), fusionauth_webhooks::ParseError>(())
//! ```

mod blocks;
mod events;

use bytes::Bytes;
use serde::Serialize;
use uuid::Uuid;

use crate::event::{EventRequest, EventType, Instant, Payload};

pub use blocks::*;
pub use events::*;

/// The id of every sample event.
pub const EVENT_ID: Uuid = Uuid::from_u128(0x3d5e8f21_6a4b_4c9d_8e7f_0a1b2c3d4e5f);
/// The tenant of the samples.
pub const TENANT_ID: Uuid = Uuid::from_u128(0x9b2e4c61_0d3f_4a8b_b5c7_6e1f2a3b4c5d);
/// The application the sample user is registered with.
pub const APPLICATION_ID: Uuid = Uuid::from_u128(0x5c7a9e13_2b4d_4f60_8a1c_3e5f7b9d0a2c);
/// The sample user, Ada Okafor.
pub const USER_ID: Uuid = Uuid::from_u128(0x7f3c2a51_8d0e_4b6a_9c47_1e2d3f4a5b6c);
/// A second user: the administrator who acts in some samples.
pub const ADMIN_USER_ID: Uuid = Uuid::from_u128(0x1a2b3c4d_5e6f_4a7b_8c9d_0e1f2a3b4c5d);
/// The sample group.
pub const GROUP_ID: Uuid = Uuid::from_u128(0x2e4f6a8c_1b3d_4e5f_9a7b_c8d0e2f4a6b8);
/// The sample entity.
pub const ENTITY_ID: Uuid = Uuid::from_u128(0x8d1f3b5a_7c9e_4b2d_a4f6_1e3c5a7b9d0f);
/// The id of FusionAuth's own connector, the one that authenticates users
/// by default (the same in every FusionAuth instance).
const FUSIONAUTH_CONNECTOR_ID: Uuid = Uuid::from_u128(0xe3306678_a53a_4964_9040_1c96f36dda72);
/// The Google identity provider of the samples.
const GOOGLE_IDENTITY_PROVIDER_ID: Uuid = Uuid::from_u128(0x82339786_3dff_42a6_aac6_1f1ceecb6c46);
/// When the sample events were created: 2025-06-04 12:30:00 UTC.
pub const CREATE_INSTANT: Instant = Instant::from_millis(1_749_040_200_000);

/// The sample of `event_type`, as a [`Payload`].
pub fn payload(event_type: EventType) -> Payload {
    payload_of(event_type)
}

/// The body FusionAuth would send for the sample of `event_type`:
/// `{"event": {...}}` as JSON bytes.
pub fn body(event_type: EventType) -> Bytes {
    body_of(&payload(event_type))
}

/// The body for a payload of your own (for example a tweaked sample):
/// `{"event": payload}` as JSON bytes.
///
/// # Panics
///
/// If the payload cannot be written as JSON, which takes a non-finite number
/// such as a NaN latitude.
pub fn body_of<P: Serialize>(payload: &P) -> Bytes {
    // Payloads are maps with string keys and finite numbers: always serializable.
    serde_json::to_vec(&EventRequest { event: payload })
        .map(Bytes::from)
        .expect("a payload serializes to JSON")
}
