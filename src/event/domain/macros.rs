//! The two macros behind every domain type: open structs and lenient enums.

/// Defines an open FusionAuth object: every field optional (FusionAuth
/// omits nulls and older versions omit newer fields), serialized in
/// camelCase only when present, and unknown fields kept in `extra`.
///
/// A field is named in JSON by its own name in camelCase, or by the string
/// after `as` (`identity_type as "type": String`). Deserializing reads the
/// object in one pass (see [`OpenObject`](crate::event::open::OpenObject)),
/// without the buffering of `#[serde(flatten)]`.
macro_rules! model {
    (
        $(#[$meta:meta])*
        pub struct $name:ident {
            $( $(#[$fmeta:meta])* $field:ident $(as $wire:literal)? : $ty:ty ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Default, PartialEq, ::serde::Serialize)]
        #[serde(rename_all = "camelCase")]
        pub struct $name {
            $(
                $(#[$fmeta])*
                $(#[serde(rename = $wire)])?
                #[serde(default, skip_serializing_if = "Option::is_none")]
                pub $field: Option<$ty>,
            )*
            /// Fields this version does not know, kept so nothing is lost.
            #[serde(flatten)]
            pub extra: $crate::event::JsonMap,
        }

        impl $crate::event::open::OpenObject for $name {
            type State = Self;

            const EXPECTING: &'static str = concat!("a ", stringify!($name), " object");

            const FIELDS: &'static [&'static str] =
                &[$($crate::event::open::wire_name!($field $($wire)?)),*];

            fn read_known<'de, A: ::serde::de::MapAccess<'de>>(
                state: &mut Self,
                key: &str,
                map: &mut A,
            ) -> Result<bool, A::Error> {
                $crate::event::open::read_known_fields!(state, key, map; $($field $($wire)?),*)
            }

            fn extra(state: &mut Self) -> &mut $crate::event::JsonMap {
                &mut state.extra
            }

            fn finish<E: ::serde::de::Error>(state: Self) -> Result<Self, E> {
                Ok(state)
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                $crate::event::open::deserialize_open(deserializer)
            }
        }

        /// Its own size is charged by what holds it (a vector's buffer).
        impl $crate::event::field::Field for $name {
            fn read<'de, D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                $crate::event::open::deserialize_open(deserializer)
            }

            #[cfg(feature = "testing")]
            fn shape() -> $crate::testing::shapes::Shape {
                $crate::testing::shapes::Shape::Object {
                    name: stringify!($name),
                    fields: vec![$((
                        $crate::event::open::wire_name!($field $($wire)?),
                        $crate::testing::shapes::Shape::of_field::<$ty>(),
                    )),*],
                }
            }
        }
    };
}
pub(crate) use model;

/// Defines an enumeration of string values that FusionAuth may extend: the
/// known values are variants, any other value is kept in `Other` and written
/// back unchanged, so a new value from a newer FusionAuth is never an error.
macro_rules! lenient_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $wire:literal ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        ///
        /// Values this version does not know are kept in `Other`, exactly as
        /// sent; a later version may give such a value its own variant.
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $name {
            $(
                $(#[$vmeta])*
                #[doc = concat!("(`\"", $wire, "\"`)")]
                $variant,
            )*
            /// A value this version does not know, as sent.
            Other(String),
        }

        impl $name {
            /// The value as FusionAuth writes it.
            pub fn as_str(&self) -> &str {
                match self {
                    $($name::$variant => $wire,)*
                    $name::Other(value) => value,
                }
            }

            /// The variant for a value, `Other` when it is not a known one.
            pub fn from_wire(value: &str) -> Self {
                match value {
                    $($wire => $name::$variant,)*
                    other => $name::Other(other.to_owned()),
                }
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = ::std::convert::Infallible;

            fn from_str(value: &str) -> Result<Self, Self::Err> {
                Ok($name::from_wire(value))
            }
        }

        impl From<&str> for $name {
            fn from(value: &str) -> Self {
                $name::from_wire(value)
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                deserializer.deserialize_str($crate::event::domain::LenientVisitor {
                    expecting: concat!(stringify!($name), " as a string"),
                    from_wire: $name::from_wire,
                })
            }
        }

        /// An unknown value's text is charged.
        impl $crate::event::field::Field for $name {
            fn read<'de, D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = <$name as ::serde::Deserialize>::deserialize(deserializer)?;
                if let $name::Other(text) = &value {
                    $crate::event::budget::charge($crate::event::budget::block(text.capacity()))?;
                }
                Ok(value)
            }

            #[cfg(feature = "testing")]
            fn shape() -> $crate::testing::shapes::Shape {
                $crate::testing::shapes::Shape::Enum
            }
        }
    };
}
pub(crate) use lenient_enum;

/// Reads a lenient enum from a JSON string without copying known values.
pub(crate) struct LenientVisitor<T> {
    /// What the error message says was expected.
    pub(crate) expecting: &'static str,
    /// The enum's `from_wire`.
    pub(crate) from_wire: fn(&str) -> T,
}

impl<T> serde::de::Visitor<'_> for LenientVisitor<T> {
    type Value = T;

    fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str(self.expecting)
    }

    fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<T, E> {
        Ok((self.from_wire)(value))
    }
}
