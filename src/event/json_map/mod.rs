//! JSON objects kept as their raw text: the fields a struct does not know
//! (`extra`) and free-form custom data (`data`).

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, DeserializeOwned, MapAccess, Visitor};
use serde::{Deserialize, Serialize, Serializer};
use serde_json::value::RawValue;
use serde_json::{Map, Value};

use crate::event::budget::{self, block};
use crate::event::open::KeySeed;
use crate::event::raw::BoundedRaw;

mod traits;

/// The entries of a JSON object, kept as the object's raw JSON text.
///
/// Custom `data` and the fields this version does not know (`extra`) are
/// read without being parsed into [`Value`] trees: `data` costs its text
/// (one allocation, however many entries and however deep), and each value
/// is written back byte for byte. Parse a value when you need it, with
/// [`get_as`](JsonMap::get_as), or the whole map at once into a struct of
/// yours with [`deserialize`](JsonMap::deserialize) or into a
/// [`Map`] with [`to_map`](JsonMap::to_map). Looking an entry up reads
/// the text up to its end: a map is small, or read once into your struct.
///
/// Entries are kept in the order sent, a repeated key included (written
/// back as sent); [`get`](JsonMap::get) finds the last one, as a JSON
/// parser keeping one value per key does.
///
/// # Example
///
/// ```
/// use fusionauth_webhooks::domain::User;
/// use serde::Deserialize;
///
/// let user: User = serde_json::from_str(r#"{
///     "email": "ada@example.com",
///     "data": {"department": "Engineering", "badge": {"level": 3}}
/// }"#)?;
/// let data = user.data.unwrap_or_default();
/// assert_eq!(data.get_as::<String>("department")?.as_deref(), Some("Engineering"));
/// assert_eq!(data.get("badge").map(|raw| raw.get()), Some(r#"{"level": 3}"#));
///
/// #[derive(Deserialize)]
/// struct Custom {
///     department: String,
/// }
/// let custom: Custom = data.deserialize()?;
/// assert_eq!(custom.department, "Engineering");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Default)]
pub struct JsonMap {
    /// The text of a JSON object with at least one entry, within serde_json's
    /// nesting limit; empty for an empty map.
    text: String,
}

impl JsonMap {
    /// An empty map.
    ///
    /// ```
    /// use fusionauth_webhooks::JsonMap;
    ///
    /// let data = JsonMap::new();
    /// assert!(data.is_empty());
    /// assert_eq!(serde_json::to_string(&data)?, "{}");
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    pub fn new() -> JsonMap {
        JsonMap::default()
    }

    /// The number of entries, a repeated key counted each time.
    ///
    /// ```
    /// use fusionauth_webhooks::JsonMap;
    ///
    /// let data: JsonMap = serde_json::from_str(r#"{"plan": "free", "plan": "team"}"#)?;
    /// assert_eq!(data.len(), 2);
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    pub fn len(&self) -> usize {
        let mut len = 0;
        self.for_each(|_, _| len += 1);
        len
    }

    /// Whether there are no entries.
    ///
    /// ```
    /// use fusionauth_webhooks::JsonMap;
    ///
    /// let data: JsonMap = serde_json::from_str("{ }")?;
    /// assert!(data.is_empty());
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    /// The raw JSON text of the value of `key` (of its last entry).
    ///
    /// ```
    /// use fusionauth_webhooks::JsonMap;
    ///
    /// let data: JsonMap = serde_json::from_str(r#"{"plan": "free", "plan": "team"}"#)?;
    /// assert_eq!(data.get("plan").map(|raw| raw.get()), Some(r#""team""#));
    /// assert!(data.get("seats").is_none());
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    pub fn get(&self, key: &str) -> Option<&RawValue> {
        let mut found = None;
        self.for_each(|name, value| {
            if name == key {
                found = Some(value);
            }
        });
        found
    }

    /// The value of `key` parsed as `T`; `Ok(None)` when there is no such key.
    ///
    /// ```
    /// use fusionauth_webhooks::JsonMap;
    ///
    /// let data: JsonMap = serde_json::from_str(r#"{"level": 3}"#)?;
    /// assert_eq!(data.get_as::<u32>("level")?, Some(3));
    /// assert_eq!(data.get_as::<u32>("missing")?, None);
    /// assert!(data.get_as::<String>("level").is_err());
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    pub fn get_as<T: DeserializeOwned>(&self, key: &str) -> Result<Option<T>, serde_json::Error> {
        self.get(key)
            .map(|value| serde_json::from_str(value.get()))
            .transpose()
    }

    /// Whether `key` has an entry.
    ///
    /// ```
    /// use fusionauth_webhooks::JsonMap;
    ///
    /// let data: JsonMap = serde_json::from_str(r#"{"plan": null}"#)?;
    /// assert!(data.contains_key("plan"));
    /// assert!(!data.contains_key("seats"));
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    pub fn contains_key(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// The keys, in the order sent; borrowed from the text unless a key
    /// has escapes.
    ///
    /// ```
    /// use fusionauth_webhooks::JsonMap;
    ///
    /// let data: JsonMap = serde_json::from_str(r#"{"b": 1, "a": 2, "\"c\"": 3}"#)?;
    /// assert_eq!(data.keys().collect::<Vec<_>>(), ["b", "a", "\"c\""]);
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    pub fn keys(&self) -> impl Iterator<Item = Cow<'_, str>> {
        self.iter().map(|(key, _)| key)
    }

    /// The entries, in the order sent.
    ///
    /// ```
    /// use fusionauth_webhooks::JsonMap;
    ///
    /// let data: JsonMap = serde_json::from_str(r#"{"seats": 12, "tags": ["a"]}"#)?;
    /// let texts: Vec<(String, &str)> = data.iter().map(|(key, raw)| (key.into_owned(), raw.get())).collect();
    /// assert_eq!(texts, [("seats".to_owned(), "12"), ("tags".to_owned(), r#"["a"]"#)]);
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    pub fn iter(&self) -> impl Iterator<Item = (Cow<'_, str>, &RawValue)> {
        let mut entries = Vec::new();
        self.for_each(|key, value| entries.push((key, value)));
        entries.into_iter()
    }

    /// Sets `key` to `value` written as JSON, replacing every entry of `key`.
    ///
    /// ```
    /// use fusionauth_webhooks::JsonMap;
    ///
    /// let mut data = JsonMap::new();
    /// data.insert("roles", &["admin", "user"])?;
    /// assert_eq!(serde_json::to_string(&data)?, r#"{"roles":["admin","user"]}"#);
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    pub fn insert(
        &mut self,
        key: impl Into<String>,
        value: &impl Serialize,
    ) -> Result<(), serde_json::Error> {
        let key = key.into();
        let value = serde_json::value::to_raw_value(value)?;
        self.remove(&key);
        self.push(&key, &value);
        Ok(())
    }

    /// Removes every entry of `key`, returning whether there was one.
    ///
    /// ```
    /// use fusionauth_webhooks::JsonMap;
    ///
    /// let mut data: JsonMap = serde_json::from_str(r#"{"ssn": "078-05-1120", "plan": "team"}"#)?;
    /// assert!(data.remove("ssn"));
    /// assert!(!data.remove("ssn"));
    /// assert_eq!(serde_json::to_string(&data)?, r#"{"plan":"team"}"#);
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    pub fn remove(&mut self, key: &str) -> bool {
        if !self.contains_key(key) {
            return false;
        }
        let mut kept = JsonMap::new();
        for (name, value) in self.iter().filter(|(name, _)| name != key) {
            kept.push(&name, value);
        }
        *self = kept;
        true
    }

    /// The whole map read as `T`: a struct of yours for custom data.
    ///
    /// ```
    /// use fusionauth_webhooks::JsonMap;
    /// use serde::Deserialize;
    ///
    /// #[derive(Deserialize)]
    /// struct Plan {
    ///     name: String,
    ///     seats: u32,
    /// }
    /// let data: JsonMap = serde_json::from_str(r#"{"name": "team", "seats": 12, "other": true}"#)?;
    /// let plan: Plan = data.deserialize()?;
    /// assert_eq!((plan.name.as_str(), plan.seats), ("team", 12));
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    pub fn deserialize<T: DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        serde_json::from_str(self.as_object_text())
    }

    /// The map as [`Value`] trees; the last entry of a repeated key wins.
    ///
    /// ```
    /// use fusionauth_webhooks::JsonMap;
    ///
    /// let data: JsonMap = serde_json::from_str(r#"{"a": 1, "b": [true]}"#)?;
    /// assert_eq!(serde_json::Value::Object(data.to_map()?), serde_json::json!({"a": 1, "b": [true]}));
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    pub fn to_map(&self) -> Result<Map<String, Value>, serde_json::Error> {
        serde_json::from_str(self.as_object_text())
    }

    /// The map as the text of a JSON object.
    fn as_object_text(&self) -> &str {
        if self.text.is_empty() {
            "{}"
        } else {
            &self.text
        }
    }

    /// Appends an entry read from a body, keeping a repeated key: replacing
    /// would make a body of many repeated keys cost quadratic time. The
    /// first entry's value becomes the text (no copy of a large unknown
    /// field); the growth of the text is charged to the current read's
    /// budget.
    pub(crate) fn push_read<E: de::Error>(
        &mut self,
        key: &str,
        value: Box<RawValue>,
    ) -> Result<(), E> {
        let held = block(self.text.capacity());
        if self.text.is_empty() {
            let opening = format!("{{{}:", escaped(key));
            let mut text = Box::<str>::from(value).into_string();
            text.reserve_exact(opening.len() + 1);
            text.insert_str(0, &opening);
            text.push('}');
            self.text = text;
        } else {
            self.push(key, &value);
        }
        budget::charge(block(self.text.capacity()).saturating_sub(held))
    }

    fn push(&mut self, key: &str, value: &RawValue) {
        let key = escaped(key);
        let opening = if self.text.pop().is_some() { ',' } else { '{' };
        self.text.reserve(key.len() + value.get().len() + 3);
        self.text.push(opening);
        self.text.push_str(&key);
        self.text.push(':');
        self.text.push_str(value.get());
        self.text.push('}');
    }

    /// Calls `visit` with each entry, in order.
    fn for_each<'a>(&'a self, visit: impl FnMut(Cow<'a, str>, &'a RawValue)) {
        if self.text.is_empty() {
            return;
        }
        let mut text = serde_json::Deserializer::from_str(&self.text);
        de::Deserializer::deserialize_map(&mut text, EntriesVisitor(visit))
            .expect("a JsonMap holds the text of a JSON object");
    }
}

/// A key as a JSON string.
pub(super) fn escaped(key: &str) -> String {
    serde_json::to_string(key).expect("a string always writes as JSON")
}

/// Reads the entries of an object, borrowing from its text.
pub(super) struct EntriesVisitor<F>(pub(super) F);

impl<'de, F: FnMut(Cow<'de, str>, &'de RawValue)> Visitor<'de> for EntriesVisitor<F> {
    type Value = ();

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(mut self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key_seed(KeySeed)? {
            let value: &'de RawValue = map.next_value()?;
            (self.0)(key, value);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_entry_pushed_reads_back_with_its_key_escaped_in_the_text() {
        let mut map = JsonMap::new();
        let value = RawValue::from_string("[1, 2]".to_owned()).unwrap();
        map.push("a\"b", &value);
        map.push("c", &value);
        assert_eq!(map.text, r#"{"a\"b":[1, 2],"c":[1, 2]}"#);
        assert_eq!(map.keys().collect::<Vec<_>>(), ["a\"b", "c"]);
        assert_eq!(map.get("a\"b").unwrap().get(), "[1, 2]");
    }

    #[test]
    fn maps_with_the_same_entries_are_equal_whatever_the_space_between() {
        let spaced: JsonMap = serde_json::from_str(r#"{ "a" : 1 , "b":[ 2 ] }"#).unwrap();
        let tight: JsonMap = serde_json::from_str(r#"{"a":1,"b":[ 2 ]}"#).unwrap();
        assert_eq!(spaced, tight);
        let other: JsonMap = serde_json::from_str(r#"{"a":1,"b":[2]}"#).unwrap();
        assert_ne!(spaced, other);
    }

    #[test]
    fn anything_but_an_object_is_the_wrong_type() {
        for json in ["[1]", "\"x\"", "true", "null", "12"] {
            let error = serde_json::from_str::<JsonMap>(json).unwrap_err();
            assert!(error.is_data(), "{json}: {error}");
        }
    }

    #[test]
    fn the_text_is_charged() {
        let json = r#"{"plan":"team","seats":12}"#;
        let (read, over) =
            budget::within(block(json.len()), || serde_json::from_str::<JsonMap>(json));
        assert!(read.is_ok() && !over);
        let (read, over) = budget::within(block(json.len()) - 1, || {
            serde_json::from_str::<JsonMap>(json)
        });
        assert!(read.is_err() && over);
    }
}
