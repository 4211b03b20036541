//! The standard traits of [`JsonMap`]: built from and compared with
//! `serde_json` values, written and read as JSON, shown without its text.

use serde::Deserializer;
use serde::de::Unexpected;
use serde::ser::SerializeMap;

use super::*;

/// Builds a map from [`Value`]s (each written as compact JSON).
impl FromIterator<(String, Value)> for JsonMap {
    fn from_iter<I: IntoIterator<Item = (String, Value)>>(entries: I) -> JsonMap {
        let mut map = JsonMap::new();
        for (key, value) in entries {
            let raw =
                serde_json::value::to_raw_value(&value).expect("a Value always writes as JSON");
            map.push(&key, &raw);
        }
        map
    }
}

impl From<Map<String, Value>> for JsonMap {
    fn from(map: Map<String, Value>) -> JsonMap {
        map.into_iter().collect()
    }
}

/// Equal when the entries are, keys and raw text, in the same order: two
/// maps that differ only in white space between entries are equal, two
/// whose values differ in white space or key order are not.
impl PartialEq for JsonMap {
    fn eq(&self, other: &JsonMap) -> bool {
        self.text == other.text || {
            let (mine, theirs): (Vec<_>, Vec<_>) = (self.iter().collect(), other.iter().collect());
            mine.len() == theirs.len()
                && mine
                    .iter()
                    .zip(&theirs)
                    .all(|((k1, v1), (k2, v2))| k1 == k2 && v1.get() == v2.get())
        }
    }
}

impl fmt::Debug for JsonMap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map()
            .entries(self.iter().map(|(key, value)| (key, value.get())))
            .finish()
    }
}

/// Writes the entries in order, each value as its raw text.
impl Serialize for JsonMap {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let entries: Vec<_> = self.iter().collect();
        let mut map = serializer.serialize_map(Some(entries.len()))?;
        for (key, value) in entries {
            map.serialize_entry(&key, value)?;
        }
        map.end()
    }
}

/// Reads a JSON object as its raw text, charged to the current read's
/// budget.
impl<'de> Deserialize<'de> for JsonMap {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<JsonMap, D::Error> {
        let BoundedRaw(raw) = BoundedRaw::deserialize(deserializer)?;
        let text = raw.get();
        if !text.starts_with('{') {
            let unexpected = match text.as_bytes().first() {
                Some(b'[') => Unexpected::Seq,
                Some(b'"') => Unexpected::Other("a string"),
                Some(b't' | b'f') => Unexpected::Other("a boolean"),
                Some(b'n') => Unexpected::Unit,
                _ => Unexpected::Other("a number"),
            };
            return Err(de::Error::invalid_type(unexpected, &"a JSON object"));
        }
        if text[1..].trim_start().starts_with('}') {
            return Ok(JsonMap::new());
        }
        let text = Box::<str>::from(raw).into_string();
        budget::charge(block(text.capacity()))?;
        Ok(JsonMap { text })
    }
}
