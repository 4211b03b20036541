//! JSON entries kept as their raw text: the fields a struct does not know
//! (`extra`) and free-form custom data (`data`).

use std::fmt;

use serde::de::{self, DeserializeOwned, MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::value::RawValue;
use serde_json::{Map, Value};

/// The entries of a JSON object, each value kept as its raw JSON text.
///
/// Custom `data` and the fields this version does not know (`extra`) are
/// read without being parsed into [`Value`] trees: an entry costs its text
/// and two allocations, however deep its value, and is written back byte
/// for byte. Parse a value when you need it, with
/// [`get_as`](JsonMap::get_as), or the whole map at once into a struct of
/// yours with [`deserialize`](JsonMap::deserialize) or into a
/// [`Map`] with [`to_map`](JsonMap::to_map).
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
    entries: Vec<(String, Box<RawValue>)>,
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
        self.entries.len()
    }

    /// Whether there are no entries.
    ///
    /// ```
    /// use fusionauth_webhooks::JsonMap;
    ///
    /// let data: JsonMap = serde_json::from_str("{}")?;
    /// assert!(data.is_empty());
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
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
        self.entries
            .iter()
            .rev()
            .find(|(name, _)| name == key)
            .map(|(_, value)| &**value)
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

    /// The keys, in the order sent.
    ///
    /// ```
    /// use fusionauth_webhooks::JsonMap;
    ///
    /// let data: JsonMap = serde_json::from_str(r#"{"b": 1, "a": 2}"#)?;
    /// assert_eq!(data.keys().collect::<Vec<_>>(), ["b", "a"]);
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.entries.iter().map(|(key, _)| key.as_str())
    }

    /// The entries, in the order sent.
    ///
    /// ```
    /// use fusionauth_webhooks::JsonMap;
    ///
    /// let data: JsonMap = serde_json::from_str(r#"{"seats": 12, "tags": ["a"]}"#)?;
    /// let texts: Vec<(&str, &str)> = data.iter().map(|(key, raw)| (key, raw.get())).collect();
    /// assert_eq!(texts, [("seats", "12"), ("tags", r#"["a"]"#)]);
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    pub fn iter(&self) -> impl Iterator<Item = (&str, &RawValue)> {
        self.entries
            .iter()
            .map(|(key, value)| (key.as_str(), &**value))
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
        self.entries.push((key, value));
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
        let before = self.entries.len();
        self.entries.retain(|(name, _)| name != key);
        self.entries.len() != before
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
        let entries = self
            .entries
            .iter()
            .map(|(key, value)| (key.as_str(), &**value));
        T::deserialize(de::value::MapDeserializer::new(entries))
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
        self.entries
            .iter()
            .map(|(key, value)| Ok((key.clone(), serde_json::from_str(value.get())?)))
            .collect()
    }

    /// Appends an entry read from a body, keeping a repeated key: replacing
    /// would make a body of many repeated keys cost quadratic time.
    pub(crate) fn push(&mut self, key: String, value: Box<RawValue>) {
        self.entries.push((key, value));
    }
}

/// Builds a map from [`Value`]s (each written as compact JSON).
impl FromIterator<(String, Value)> for JsonMap {
    fn from_iter<I: IntoIterator<Item = (String, Value)>>(entries: I) -> JsonMap {
        let entries = entries
            .into_iter()
            .map(|(key, value)| {
                let raw =
                    serde_json::value::to_raw_value(&value).expect("a Value always writes as JSON");
                (key, raw)
            })
            .collect();
        JsonMap { entries }
    }
}

impl From<Map<String, Value>> for JsonMap {
    fn from(map: Map<String, Value>) -> JsonMap {
        map.into_iter().collect()
    }
}

/// Equal when the entries are, keys and raw text, in the same order: two
/// maps that differ only in white space or key order are not equal.
impl PartialEq for JsonMap {
    fn eq(&self, other: &JsonMap) -> bool {
        self.entries.len() == other.entries.len()
            && self
                .iter()
                .zip(other.iter())
                .all(|((k1, v1), (k2, v2))| k1 == k2 && v1.get() == v2.get())
    }
}

impl fmt::Debug for JsonMap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map()
            .entries(self.iter().map(|(key, value)| (key, value.get())))
            .finish()
    }
}

impl Serialize for JsonMap {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.entries.len()))?;
        for (key, value) in &self.entries {
            map.serialize_entry(key, value)?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for JsonMap {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<JsonMap, D::Error> {
        deserializer.deserialize_map(JsonMapVisitor)
    }
}

struct JsonMapVisitor;

impl<'de> Visitor<'de> for JsonMapVisitor {
    type Value = JsonMap;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<JsonMap, A::Error> {
        let mut entries = JsonMap::new();
        while let Some(key) = map.next_key::<String>()? {
            let BoundedRaw(value) = map.next_value()?;
            entries.push(key, value);
        }
        Ok(entries)
    }
}

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
