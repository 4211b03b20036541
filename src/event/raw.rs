//! Raw JSON values held to serde_json's nesting limit.

use serde::de::{self, MapAccess, Visitor};
use serde::{Deserialize, Deserializer};
use serde_json::value::RawValue;
use std::fmt;

/// serde_json's nesting limit, which it applies when it parses a value but
/// not when it only captures its text.
const MAX_DEPTH: usize = 128;

/// The start of the message of an error for a value nested deeper than
/// [`MAX_DEPTH`], serde_json's own, by which a
/// [`ParseError`](crate::ParseError) tells it is malformed JSON.
pub(crate) const TOO_DEEP: &str = "recursion limit exceeded";

/// A value captured as raw text, refused when it nests deeper than a parse
/// of it would allow: kept raw, it must still be JSON that any parser reads.
pub(crate) struct BoundedRaw(pub(crate) Box<RawValue>);

impl<'de> Deserialize<'de> for BoundedRaw {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<BoundedRaw, D::Error> {
        let raw = Box::<RawValue>::deserialize(deserializer)?;
        let text = raw.get().as_bytes();
        // A value cannot nest deeper than it has brackets: most values are
        // checked by this count alone.
        let brackets = text.iter().filter(|&&b| b == b'[' || b == b'{').count();
        if brackets > MAX_DEPTH {
            serde_json::from_slice::<Nesting>(text).map_err(de::Error::custom)?;
        }
        Ok(BoundedRaw(raw))
    }
}

/// Reads a value only for serde_json's nesting check, keeping nothing.
struct Nesting;

impl<'de> Deserialize<'de> for Nesting {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Nesting, D::Error> {
        // `deserialize_any`, not `IgnoredAny`: serde_json skips an ignored
        // value without counting its depth.
        deserializer.deserialize_any(NestingVisitor)
    }
}

struct NestingVisitor;

impl<'de> Visitor<'de> for NestingVisitor {
    type Value = Nesting;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("any JSON value")
    }

    fn visit_bool<E>(self, _: bool) -> Result<Nesting, E> {
        Ok(Nesting)
    }

    fn visit_i64<E>(self, _: i64) -> Result<Nesting, E> {
        Ok(Nesting)
    }

    fn visit_u64<E>(self, _: u64) -> Result<Nesting, E> {
        Ok(Nesting)
    }

    fn visit_f64<E>(self, _: f64) -> Result<Nesting, E> {
        Ok(Nesting)
    }

    fn visit_str<E>(self, _: &str) -> Result<Nesting, E> {
        Ok(Nesting)
    }

    fn visit_unit<E>(self) -> Result<Nesting, E> {
        Ok(Nesting)
    }

    fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Nesting, A::Error> {
        while seq.next_element::<Nesting>()?.is_some() {}
        Ok(Nesting)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Nesting, A::Error> {
        while map.next_key::<de::IgnoredAny>()?.is_some() {
            map.next_value::<Nesting>()?;
        }
        Ok(Nesting)
    }
}
