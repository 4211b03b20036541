//! Reading open objects in one pass: known fields straight into place, the
//! rest into `extra`.
//!
//! serde's `#[serde(flatten)]` buffers every entry of an object as an
//! intermediate tree before handing it out, which for a user with thousands
//! of registrations costs more memory than the body itself. The `model!` and
//! `payload!` macros instead implement [`OpenObject`] and deserialize with
//! [`deserialize_open`]: one map visitor that matches each key against the
//! struct's fields and moves on.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, Visitor};

use super::JsonMap;
use super::field::{Field, OptionSeed};
use super::raw::BoundedRaw;
use serde_json::value::RawValue;

/// A struct read from a JSON object whose unknown fields are kept.
pub(crate) trait OpenObject: Sized {
    /// What is being read: the struct itself, or the struct and what it has
    /// seen so far when some field is required.
    type State: Default;

    /// What the visitor says it expected when the input is not an object.
    const EXPECTING: &'static str;

    /// The JSON names of the struct's own fields (error messages name only
    /// these, see [`ParseError`](crate::ParseError)).
    const FIELDS: &'static [&'static str];

    /// Reads the value of `key` into its field and returns `true`, or
    /// returns `false` (reading nothing) when `key` names no known field.
    fn read_known<'de, A: MapAccess<'de>>(
        state: &mut Self::State,
        key: &str,
        map: &mut A,
    ) -> Result<bool, A::Error>;

    /// Where unknown fields go.
    fn extra(state: &mut Self::State) -> &mut JsonMap;

    /// The struct, once every key has been read.
    fn finish<E: de::Error>(state: Self::State) -> Result<Self, E>;
}

/// Deserializes an [`OpenObject`] from a map, in one pass.
pub(crate) fn deserialize_open<'de, T: OpenObject, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<T, D::Error> {
    deserializer.deserialize_map(OpenVisitor(PhantomData))
}

/// Reads a known field's value into its slot; a second occurrence of the
/// field is an error, as with derived `Deserialize`, and `null` is `None`.
pub(crate) fn read_field<'de, A: MapAccess<'de>, T: Field>(
    slot: &mut Option<T>,
    map: &mut A,
    name: &'static str,
) -> Result<(), A::Error> {
    if slot.is_some() {
        return Err(de::Error::duplicate_field(name));
    }
    *slot = map.next_value_seed(OptionSeed::new())?;
    Ok(())
}

struct OpenVisitor<T>(PhantomData<fn() -> T>);

impl<'de, T: OpenObject> Visitor<'de> for OpenVisitor<T> {
    type Value = T;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(T::EXPECTING)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<T, A::Error> {
        let mut state = T::State::default();
        while let Some(key) = map.next_key_seed(KeySeed)? {
            read_entry::<T, A>(&mut state, key, &mut map)?;
        }
        T::finish(state)
    }
}

/// Reads one entry of an open object: the value `map` holds next, under
/// `key`, into its field, or into `extra` when `key` names none.
pub(crate) fn read_entry<'de, T: OpenObject, A: MapAccess<'de>>(
    state: &mut T::State,
    key: Cow<'de, str>,
    map: &mut A,
) -> Result<(), A::Error> {
    if !T::read_known(state, &key, map)? {
        let BoundedRaw(value) = map.next_value()?;
        T::extra(state).push_read(&key, value)?;
    }
    Ok(())
}

/// A value already scanned as raw JSON text, offered as the next value of a
/// map: how the one-pass reader (see `event::routed`) hands an entry it had
/// to set aside to code that reads entries from a [`MapAccess`].
pub(crate) struct RawEntry<'de>(pub(crate) &'de RawValue);

impl<'de> MapAccess<'de> for RawEntry<'de> {
    type Error = serde_json::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        _seed: K,
    ) -> Result<Option<K::Value>, Self::Error> {
        Ok(None)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, Self::Error> {
        seed.deserialize(&mut serde_json::Deserializer::from_str(self.0.get()))
    }
}

/// Reads an object key, borrowing it from the input when it has no escapes,
/// so that matching a known field allocates nothing.
pub(crate) struct KeySeed;

impl<'de> DeserializeSeed<'de> for KeySeed {
    type Value = Cow<'de, str>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_str(KeyVisitor)
    }
}

struct KeyVisitor;

impl<'de> Visitor<'de> for KeyVisitor {
    type Value = Cow<'de, str>;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("a field name")
    }

    fn visit_borrowed_str<E: de::Error>(self, key: &'de str) -> Result<Self::Value, E> {
        Ok(Cow::Borrowed(key))
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<Self::Value, E> {
        Ok(Cow::Owned(key.to_owned()))
    }

    fn visit_string<E: de::Error>(self, key: String) -> Result<Self::Value, E> {
        Ok(Cow::Owned(key))
    }
}

/// The JSON name of a field: its own name in camelCase, or the name given.
macro_rules! wire_name {
    ($field:ident) => {
        ::const_format::map_ascii_case!(::const_format::Case::Camel, stringify!($field))
    };
    ($field:ident $wire:literal) => {
        $wire
    };
}
pub(crate) use wire_name;

/// Implements [`OpenObject::read_known`] for the listed `Option` fields.
macro_rules! read_known_fields {
    ($state:expr, $key:expr, $map:expr; $( $field:ident $($wire:literal)? ),*) => {{
        $(
            #[allow(non_upper_case_globals)]
            const $field: &str = $crate::event::open::wire_name!($field $($wire)?);
        )*
        // The constants are named after the fields so that each arm reads
        // as the field it fills.
        #[allow(non_upper_case_globals)]
        let known = match $key {
            $( $field => {
                $crate::event::open::read_field(&mut $state.$field, $map, $field)?;
                true
            } )*
            _ => false,
        };
        Ok(known)
    }};
}
pub(crate) use read_known_fields;
