//! What a field of the model holds, as a description that tests generate
//! bodies from (re-exported as `testing::shapes::Shape`, where the shapes
//! of the payloads are built). It lives beside the model so that the model
//! does not depend on the test support.

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
