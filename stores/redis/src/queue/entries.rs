//! Stream entries as the queue reads them: messages, malformed entries, and
//! dead letters.

use bytes::Bytes;
use fusionauth_webhooks::delivery::{Message, MessageId};
use redis::Value;

pub(super) const EVENT_FIELD: &str = "event";
pub(super) const ATTEMPT_FIELD: &str = "attempt";
const REASON_FIELD: &str = "reason";
const ID_FIELD: &str = "id";
/// Between a stream entry's id and its delivery count in a [`MessageId`].
const DELIVERY_SEPARATOR: char = '#';

/// One stream entry received by this consumer, with the delivery count its
/// pending entry had then (the fence of its settlement).
#[derive(Debug)]
pub(super) struct Entry {
    pub(super) id: String,
    pub(super) deliveries: u64,
    fields: Vec<(String, Vec<u8>)>,
}

impl Entry {
    /// From a reply's flat `[field, value, field, value ...]`.
    pub(super) fn new(id: String, flat: Vec<Vec<u8>>, deliveries: u64) -> Entry {
        let mut fields = Vec::with_capacity(flat.len() / 2);
        let mut flat = flat.into_iter();
        while let (Some(name), Some(value)) = (flat.next(), flat.next()) {
            fields.push((String::from_utf8_lossy(&name).into_owned(), value));
        }
        Entry {
            id,
            deliveries,
            fields,
        }
    }

    /// From an `XREADGROUP` reply: a first delivery.
    pub(super) fn first_delivery(entry: redis::streams::StreamId) -> Entry {
        let fields = entry
            .map
            .into_iter()
            .map(|(name, value)| (name, bytes_of(value)))
            .collect();
        Entry {
            id: entry.id,
            deliveries: 1,
            fields,
        }
    }

    fn field(&self, name: &str) -> Option<&[u8]> {
        self.fields
            .iter()
            .find(|(field, _)| field == name)
            .map(|(_, value)| value.as_slice())
    }

    /// The message, or why the entry cannot be one (it is dead-lettered).
    pub(super) fn message(&self) -> Result<Message, String> {
        let Some(payload) = self.field(EVENT_FIELD) else {
            let names: Vec<&str> = self.fields.iter().map(|(name, _)| name.as_str()).collect();
            return Err(format!(
                "malformed stream entry: no `{EVENT_FIELD}` field (fields: {names:?})"
            ));
        };
        let attempt = match self.field(ATTEMPT_FIELD) {
            None => 1,
            Some(text) => std::str::from_utf8(text)
                .ok()
                .and_then(|text| text.parse::<u32>().ok())
                .filter(|attempt| *attempt > 0)
                .ok_or_else(|| {
                    format!(
                        "malformed stream entry: `{ATTEMPT_FIELD}` is {:?}, not a positive number",
                        String::from_utf8_lossy(text)
                    )
                })?,
        };
        Ok(Message::new(
            message_id(&self.id, self.deliveries),
            Bytes::copy_from_slice(payload),
            attempt,
        ))
    }
}

fn bytes_of(value: Value) -> Vec<u8> {
    match value {
        Value::BulkString(bytes) => bytes,
        Value::SimpleString(text) => text.into_bytes(),
        other => format!("{other:?}").into_bytes(),
    }
}

/// A message's id: the stream entry's id and its delivery count, so that a
/// settlement names the very delivery it settles (`1718000000000-0#2`).
fn message_id(entry: &str, deliveries: u64) -> MessageId {
    MessageId::from(format!("{entry}{DELIVERY_SEPARATOR}{deliveries}"))
}

/// The stream entry's id and delivery count of a message this queue issued.
pub(super) fn parse_message_id(id: &MessageId) -> Option<(&str, u64)> {
    let (entry, deliveries) = id.as_str().rsplit_once(DELIVERY_SEPARATOR)?;
    Some((entry, deliveries.parse().ok()?))
}

/// An entry of the dead-letter stream: the event, its last attempt, and why
/// it was given up.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct DeadLetter {
    /// The dead-letter stream entry's id.
    pub id: String,
    /// The id the message had in the event stream.
    pub message_id: String,
    /// The raw webhook body (empty for a malformed entry, which had none).
    pub payload: Bytes,
    /// The attempt that failed last.
    pub attempt: u32,
    /// Why it was given up (the handler's error, an invalid body, a malformed entry).
    pub reason: String,
}

impl DeadLetter {
    pub(super) fn new(entry: &Entry) -> DeadLetter {
        let text = |name| {
            entry
                .field(name)
                .map(|value| String::from_utf8_lossy(value).into_owned())
                .unwrap_or_default()
        };
        DeadLetter {
            id: entry.id.clone(),
            message_id: text(ID_FIELD),
            payload: Bytes::copy_from_slice(entry.field(EVENT_FIELD).unwrap_or_default()),
            attempt: text(ATTEMPT_FIELD).parse().unwrap_or(0),
            reason: text(REASON_FIELD),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flat(fields: &[(&str, &str)]) -> Vec<Vec<u8>> {
        fields
            .iter()
            .flat_map(|(name, value)| [name.as_bytes().to_vec(), value.as_bytes().to_vec()])
            .collect()
    }

    #[test]
    fn a_message_id_names_the_entry_and_its_delivery() {
        let entry = Entry::new("17-3".into(), flat(&[("event", "{}"), ("attempt", "2")]), 4);
        let message = entry.message().unwrap();
        assert_eq!(message.id.as_str(), "17-3#4");
        assert_eq!(message.attempt, 2);
        assert_eq!(parse_message_id(&message.id), Some(("17-3", 4)));
        assert_eq!(parse_message_id(&MessageId::from("17-3")), None);
    }

    #[test]
    fn an_entry_without_an_event_or_with_a_bad_attempt_is_malformed() {
        let missing = Entry::new("1-0".into(), flat(&[("payload", "{}")]), 1);
        let why = missing.message().unwrap_err();
        assert!(
            why.contains("no `event` field") && why.contains("payload"),
            "{why}"
        );
        let bad = Entry::new("1-0".into(), flat(&[("event", "{}"), ("attempt", "x")]), 1);
        assert!(bad.message().unwrap_err().contains("`attempt`"));
        let zero = Entry::new("1-0".into(), flat(&[("event", "{}"), ("attempt", "0")]), 1);
        assert!(zero.message().is_err());
        let plain = Entry::new("1-0".into(), flat(&[("event", "{}")]), 1);
        assert_eq!(
            plain.message().unwrap().attempt,
            1,
            "no attempt field: the first"
        );
    }
}
