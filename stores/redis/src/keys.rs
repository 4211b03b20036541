//! The names of a namespace's keys (the table is on [`RedisConfig`](crate::RedisConfig)).

use uuid::Uuid;

const PREFIX: &str = "fusionauth-webhooks";

/// Every key name of one namespace.
#[derive(Debug, Clone)]
pub(crate) struct Keys {
    dedup_prefix: String,
    pub(crate) stream: String,
    pub(crate) retry_set: String,
    pub(crate) dead_letters: String,
    pub(crate) group: String,
}

impl Keys {
    pub(crate) fn new(namespace: &str) -> Keys {
        // The hash tag puts the stream and the keys its scripts touch with it
        // in one Cluster slot; dedup keys have none, so they spread.
        let stream = format!("{PREFIX}:{{{namespace}}}:events");
        Keys {
            dedup_prefix: format!("{PREFIX}:{namespace}:dedup:"),
            retry_set: format!("{stream}:retry"),
            dead_letters: format!("{stream}:dead"),
            stream,
            group: format!("{PREFIX}:{namespace}:workers"),
        }
    }

    pub(crate) fn dedup(&self, id: Uuid) -> String {
        format!("{}{}", self.dedup_prefix, id.as_hyphenated())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_carries_the_namespace_and_the_queue_keys_share_a_hash_tag() {
        let keys = Keys::new("billing");
        let id = Uuid::from_u128(7);
        assert_eq!(
            keys.dedup(id),
            "fusionauth-webhooks:billing:dedup:00000000-0000-0000-0000-000000000007"
        );
        assert_eq!(keys.stream, "fusionauth-webhooks:{billing}:events");
        assert_eq!(keys.retry_set, "fusionauth-webhooks:{billing}:events:retry");
        assert_eq!(
            keys.dead_letters,
            "fusionauth-webhooks:{billing}:events:dead"
        );
        assert_eq!(keys.group, "fusionauth-webhooks:billing:workers");
        assert!(
            !keys.dedup(id).contains('{'),
            "dedup keys spread over slots"
        );
    }
}
