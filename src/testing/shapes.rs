//! The shape of every payload, for tests that generate bodies from the
//! model itself (`tests/memory.rs` builds an adversarial body for every
//! typed array and map of every event type from these).

use crate::event::field::Field;
use crate::event::for_each_event_type;
use crate::{EventType, Router};

pub use crate::event::shape::Shape;

impl Shape {
    /// The shape of the payload of `event_type`.
    pub fn of(event_type: EventType) -> Shape {
        macro_rules! dispatch {
            ($($variant:ident, $wire:literal, [$($alias:literal),*], $tx:literal, $doc:literal;)*) => {
                match event_type {
                    $(EventType::$variant => crate::payload::$variant::shape(),)*
                }
            };
        }
        for_each_event_type!(dispatch)
    }

    /// The shape of a field of type `T`.
    pub(crate) fn of_field<T: Field>() -> Shape {
        T::shape()
    }
}

/// A router with a typed handler for every event type, each dropping its
/// payload: every event is read in one pass into its payload struct, as
/// for an application's typed handlers.
///
/// ```
/// use fusionauth_webhooks::testing::shapes::typed_router;
///
/// assert_eq!(typed_router().event_types().len(), fusionauth_webhooks::EventType::ALL.len());
/// ```
pub fn typed_router() -> Router {
    macro_rules! every {
        ($($variant:ident, $wire:literal, [$($alias:literal),*], $tx:literal, $doc:literal;)*) => {
            Router::new()
                $(.on(|payload: crate::payload::$variant| async move {
                    drop(payload);
                    Ok(())
                }))*
        };
    }
    for_each_event_type!(every)
}
