//! The shape of every payload, for tests that generate bodies from the
//! model itself (`tests/memory.rs` builds an adversarial body for every
//! typed array and map of every event type from these).

use crate::event::field::Field;
use crate::event::for_each_event_type;
use crate::{EventType, Router};

/// What a field holds, as the model reads it.
///
/// ```
/// use fusionauth_webhooks::EventType;
/// use fusionauth_webhooks::testing::shapes::Shape;
///
/// let Shape::Object { fields, .. } = Shape::of(EventType::UserBulkCreate) else { unreachable!() };
/// let (_, users) = fields.iter().find(|(name, _)| *name == "users").unwrap();
/// let Shape::Array(user) = users else { unreachable!() };
/// assert!(matches!(**user, Shape::Object { name: "User", .. }));
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Shape {
    /// `true` or `false`.
    Bool,
    /// An integer.
    Integer,
    /// A number.
    Number,
    /// A string.
    String,
    /// A UUID, as a string.
    Uuid,
    /// An instant, as milliseconds.
    Instant,
    /// A string of an enumeration FusionAuth may extend (any string reads).
    Enum,
    /// Any JSON value, read into a [`serde_json::Value`].
    Any,
    /// An object whose entries are kept as raw JSON text
    /// ([`JsonMap`](crate::JsonMap): custom `data`).
    RawObject,
    /// An object of the model: its fields by JSON name (the payloads' with
    /// the envelope's, `type` left out); any other key goes to its
    /// `extra`, a [`JsonMap`](crate::JsonMap).
    Object {
        /// The struct's name.
        name: &'static str,
        /// Its fields: JSON name and shape.
        fields: Vec<(&'static str, Shape)>,
    },
    /// An array.
    Array(Box<Shape>),
    /// An object used as a map.
    Map {
        /// The shape of the keys: [`Shape::String`] or [`Shape::Uuid`].
        key: Box<Shape>,
        /// The shape of the values.
        value: Box<Shape>,
    },
}

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
