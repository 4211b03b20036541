//! How the model reads the value of each of its fields: like `Deserialize`,
//! but with every allocation charged to the [`budget`] and vectors built at
//! (nearly) their exact length.
//!
//! serde's own `Vec` grows by doubling from four slots, so a vector ends
//! up to twice its length (a 344-byte `UserRegistration` each), and nothing
//! of it can be charged before it is allocated. [`Field`] reads a vector's
//! first few elements on the stack and allocates them exactly; a longer one
//! grows by a quarter at a time once it is large and is trimmed at the end.

use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;
use std::mem::size_of;

use serde::Deserialize;
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};
use smallvec::SmallVec;
use uuid::Uuid;

use super::budget::{self, block};
#[cfg(feature = "testing")]
use super::shape::Shape;
use super::{Instant, JsonMap};

/// A type the model has fields of: read with its allocations charged.
pub(crate) trait Field: Sized {
    /// Reads a value, charging what it allocates to the current budget.
    fn read<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error>;

    /// What the JSON of a value looks like, for tests that generate bodies.
    #[cfg(feature = "testing")]
    fn shape() -> Shape;
}

/// Reads a `T`, for `MapAccess::next_value_seed` and friends.
pub(crate) struct FieldSeed<T>(PhantomData<fn() -> T>);

impl<T> FieldSeed<T> {
    pub(crate) fn new() -> FieldSeed<T> {
        FieldSeed(PhantomData)
    }
}

impl<'de, T: Field> DeserializeSeed<'de> for FieldSeed<T> {
    type Value = T;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<T, D::Error> {
        T::read(deserializer)
    }
}

/// Reads an optional field: `null` is `None`.
pub(crate) struct OptionSeed<T>(PhantomData<fn() -> T>);

impl<T> OptionSeed<T> {
    pub(crate) fn new() -> OptionSeed<T> {
        OptionSeed(PhantomData)
    }
}

impl<'de, T: Field> DeserializeSeed<'de> for OptionSeed<T> {
    type Value = Option<T>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Option<T>, D::Error> {
        deserializer.deserialize_option(self)
    }
}

impl<'de, T: Field> Visitor<'de> for OptionSeed<T> {
    type Value = Option<T>;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("a value or null")
    }

    fn visit_none<E: de::Error>(self) -> Result<Option<T>, E> {
        Ok(None)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Option<T>, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Option<T>, D::Error> {
        T::read(deserializer).map(Some)
    }
}

/// Types without heap allocations: read as `Deserialize` reads them.
macro_rules! plain_fields {
    ($($ty:ty: $shape:ident),*) => {$(
        impl Field for $ty {
            fn read<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                <$ty>::deserialize(deserializer)
            }

            #[cfg(feature = "testing")]
            fn shape() -> Shape {
                Shape::$shape
            }
        }
    )*};
}
plain_fields!(
    bool: Bool,
    u32: Integer,
    u64: Integer,
    i64: Integer,
    f64: Number,
    Uuid: Uuid,
    Instant: Instant
);

/// Its text is charged as it is read.
impl Field for JsonMap {
    fn read<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        <JsonMap as Deserialize>::deserialize(deserializer)
    }

    #[cfg(feature = "testing")]
    fn shape() -> Shape {
        Shape::RawObject
    }
}

impl Field for String {
    fn read<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        budget::charge(block(text.capacity()))?;
        Ok(text)
    }

    #[cfg(feature = "testing")]
    fn shape() -> Shape {
        Shape::String
    }
}

/// How many elements a vector reads on the stack before it allocates.
const INLINE: usize = 4;

/// A vector's buffer grows by doubling up to this many bytes, then by a
/// quarter at a time: at most a quarter of a large vector is ever unused.
const DOUBLING_UP_TO: usize = 64 * 1024;

impl<T: Field> Field for Vec<T> {
    fn read<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_seq(VecVisitor(PhantomData))
    }

    #[cfg(feature = "testing")]
    fn shape() -> Shape {
        Shape::Array(Box::new(T::shape()))
    }
}

struct VecVisitor<T>(PhantomData<fn() -> T>);

impl<'de, T: Field> Visitor<'de> for VecVisitor<T> {
    type Value = Vec<T>;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("an array")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<T>, A::Error> {
        let mut elements: SmallVec<[T; INLINE]> = SmallVec::new();
        while let Some(element) = seq.next_element_seed(FieldSeed::<T>::new())? {
            if elements.len() == elements.capacity() {
                let capacity = elements.capacity();
                let grown = if capacity * size_of::<T>() < DOUBLING_UP_TO {
                    capacity * 2
                } else {
                    capacity + capacity / 4
                };
                let held = if elements.spilled() { capacity } else { 0 };
                budget::charge(block(grown * size_of::<T>()) - block(held * size_of::<T>()))?;
                elements.reserve_exact(grown - capacity);
            }
            elements.push(element);
        }
        if elements.spilled() {
            let mut elements = elements.into_vec();
            elements.shrink_to_fit();
            Ok(elements)
        } else {
            budget::charge(block(elements.len() * size_of::<T>()))?;
            let mut exact = Vec::with_capacity(elements.len());
            exact.extend(elements);
            Ok(exact)
        }
    }
}

/// A B-tree node holds up to eleven entries and may be half full: an entry
/// is charged twice its size, and a block for every few entries.
fn map_entry_cost<K, V>() -> usize {
    2 * (size_of::<K>() + size_of::<V>()) + 16
}

impl<K: Field + Ord, V: Field> Field for BTreeMap<K, V> {
    fn read<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(BTreeMapVisitor(PhantomData))
    }

    #[cfg(feature = "testing")]
    fn shape() -> Shape {
        Shape::Map {
            key: Box::new(K::shape()),
            value: Box::new(V::shape()),
        }
    }
}

struct BTreeMapVisitor<K, V>(PhantomData<fn() -> (K, V)>);

impl<'de, K: Field + Ord, V: Field> Visitor<'de> for BTreeMapVisitor<K, V> {
    type Value = BTreeMap<K, V>;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("an object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<BTreeMap<K, V>, A::Error> {
        let mut entries = BTreeMap::new();
        while let Some(key) = map.next_key_seed(FieldSeed::<K>::new())? {
            let value = map.next_value_seed(FieldSeed::<V>::new())?;
            budget::charge(map_entry_cost::<K, V>())?;
            entries.insert(key, value);
        }
        Ok(entries)
    }
}

/// A free-form JSON value, built as serde_json builds it, with each node
/// charged: arrays like vectors of `Value`s, objects like B-tree maps.
impl Field for Value {
    fn read<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ValueVisitor)
    }

    #[cfg(feature = "testing")]
    fn shape() -> Shape {
        Shape::Any
    }
}

struct ValueVisitor;

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = Value;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("any JSON value")
    }

    fn visit_bool<E: de::Error>(self, value: bool) -> Result<Value, E> {
        Ok(Value::Bool(value))
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<Value, E> {
        Ok(Value::Number(value.into()))
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<Value, E> {
        Ok(Value::Number(value.into()))
    }

    fn visit_f64<E: de::Error>(self, value: f64) -> Result<Value, E> {
        Ok(Number::from_f64(value).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<Value, E> {
        budget::charge(block(value.len()))?;
        Ok(Value::String(value.to_owned()))
    }

    fn visit_string<E: de::Error>(self, value: String) -> Result<Value, E> {
        budget::charge(block(value.capacity()))?;
        Ok(Value::String(value))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        Value::read(deserializer)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Value, A::Error> {
        VecVisitor::<Value>(PhantomData)
            .visit_seq(seq)
            .map(Value::Array)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut entries = Map::new();
        while let Some(key) = map.next_key_seed(FieldSeed::<String>::new())? {
            let value = map.next_value_seed(FieldSeed::<Value>::new())?;
            budget::charge(map_entry_cost::<String, Value>())?;
            entries.insert(key, value);
        }
        Ok(Value::Object(entries))
    }
}

/// A whole body or payload as a free-form [`Value`], read with its nodes
/// charged ([`Event::json`](crate::Event::json), unknown event types).
pub(crate) struct ChargedValue(pub(crate) Value);

impl<'de> Deserialize<'de> for ChargedValue {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Value::read(deserializer).map(ChargedValue)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read<T: Field>(json: &str) -> T {
        FieldSeed::<T>::new()
            .deserialize(&mut serde_json::Deserializer::from_str(json))
            .unwrap()
    }

    #[test]
    fn short_vectors_are_allocated_exactly() {
        for len in 0..=INLINE {
            let json = serde_json::to_string(&vec!["role"; len]).unwrap();
            let roles: Vec<String> = read(&json);
            assert_eq!(roles.len(), len);
            assert_eq!(roles.capacity(), len);
        }
    }

    #[test]
    fn long_vectors_are_trimmed_to_their_length() {
        for len in [5, 100, 5000] {
            let json = serde_json::to_string(&(0..len).collect::<Vec<u64>>()).unwrap();
            let numbers: Vec<u64> = read(&json);
            assert_eq!(numbers, (0..len).collect::<Vec<u64>>());
            assert_eq!(numbers.capacity(), numbers.len());
        }
    }

    #[test]
    fn values_read_as_serde_json_reads_them() {
        let json = r#"{"a":[1,-2,3.5,"x",null,true,{"b":{}}],"c":"\u00e9"}"#;
        assert_eq!(
            read::<Value>(json),
            serde_json::from_str::<Value>(json).unwrap()
        );
    }

    #[test]
    fn every_allocation_is_charged() {
        let (read, over) = budget::within(10_000, || {
            FieldSeed::<Vec<String>>::new()
                .deserialize(&mut serde_json::Deserializer::from_str(r#"["a","b"]"#))
        });
        assert!(read.is_ok() && !over);
        let (read, over) = budget::within(100, || {
            FieldSeed::<Vec<String>>::new()
                .deserialize(&mut serde_json::Deserializer::from_str(r#"["a","b","c"]"#))
        });
        // Three 32-byte strings fit; their 72-byte buffer does not.
        assert!(read.is_err() && over);
    }
}
