//! Event type names as map keys, lossless for names this version does not know.

use std::cmp::Ordering;
use std::fmt;

use fusionauth_webhooks::EventType;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An event type as a key of `eventsEnabled` or of a tenant's event
/// configuration: a known [`EventType`], or a name this version does not know
/// (a newer FusionAuth), kept as written so that it round-trips.
///
/// Keys order by wire name.
///
/// ```
/// use fusionauth_webhooks::EventType;
/// use fusionauth_webhooks_client::models::EventKey;
///
/// assert_eq!(EventKey::from("user.delete"), EventKey::Known(EventType::UserDelete));
/// let newer = EventKey::from("user.teleport");
/// assert_eq!(newer.event_type(), None);
/// assert_eq!(newer.as_str(), "user.teleport");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum EventKey {
    /// A type this version knows.
    Known(EventType),
    /// Any other name, exactly as FusionAuth wrote it.
    Other(String),
}

impl EventKey {
    /// The wire name.
    pub fn as_str(&self) -> &str {
        match self {
            EventKey::Known(event_type) => event_type.as_str(),
            EventKey::Other(name) => name,
        }
    }

    /// The known type, if it is one.
    pub fn event_type(&self) -> Option<EventType> {
        match self {
            EventKey::Known(event_type) => Some(*event_type),
            EventKey::Other(_) => None,
        }
    }
}

impl From<EventType> for EventKey {
    fn from(event_type: EventType) -> EventKey {
        EventKey::Known(event_type)
    }
}

impl From<&str> for EventKey {
    fn from(name: &str) -> EventKey {
        // Only the canonical spelling becomes `Known`: an alias stays as
        // written, so that writing the map back changes nothing.
        match EventType::from_wire(name) {
            Some(event_type) if event_type.as_str() == name => EventKey::Known(event_type),
            _ => EventKey::Other(name.to_owned()),
        }
    }
}

impl fmt::Display for EventKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Ord for EventKey {
    fn cmp(&self, other: &EventKey) -> Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl PartialOrd for EventKey {
    fn partial_cmp(&self, other: &EventKey) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Serialize for EventKey {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for EventKey {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<EventKey, D::Error> {
        let name = std::borrow::Cow::<'de, str>::deserialize(deserializer)?;
        Ok(EventKey::from(name.as_ref()))
    }
}
