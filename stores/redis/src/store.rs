//! The deduplication store on Redis.

use std::fmt;
use std::time::Duration;

use async_trait::async_trait;
use fusionauth_webhooks::delivery::{Claim, ClaimToken, DedupStore, StoreError};
use redis::aio::ConnectionManager;
use redis::{AsyncCommands as _, Script};
use uuid::Uuid;

use crate::connect::{connection_manager, unavailable};

/// The default prefix of the store's keys (one key per event id).
pub const DEFAULT_STORE_PREFIX: &str = "fusionauth-webhooks:dedup:";

// The value of a done mark; a running claim's value is its token (32 hex digits).
const DONE: &str = "done";

// Compare-and-set on the token: a holder whose lease expired (and whose id was
// claimed again by another delivery) cannot touch the newer claim.
const COMPLETE: &str = r"
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
  return 1
end
return 0";

const RELEASE: &str = r"
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('DEL', KEYS[1])
  return 1
end
return 0";

/// A [`DedupStore`] shared by every replica through one Redis.
///
/// One key per event id: `SET key token NX PX lease` claims it atomically; a
/// Lua script compares the token before it marks the id done (`PX retention`)
/// or deletes the claim, so a stale holder cannot overwrite a newer claim.
/// Keys expire on their own: Redis needs no cleanup.
///
/// A Redis error is a [`StoreError::Unavailable`]: the webhook answers 503 and
/// runs no handler (FusionAuth retries). The connection is a
/// [`ConnectionManager`], which reconnects by itself once Redis is back.
///
/// # Example
///
/// ```no_run
/// use fusionauth_webhooks::delivery::Deduplicator;
/// use fusionauth_webhooks_redis::RedisStore;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let store = RedisStore::connect("redis://127.0.0.1:6379/").await?;
/// let dedup = Deduplicator::new(store);
/// # let _ = dedup;
/// # Ok(())
/// # }
/// ```
/// (`tests/store.rs` runs the store contract against a real `redis-server`.)
#[derive(Clone)]
pub struct RedisStore {
    connection: ConnectionManager,
    prefix: String,
    complete: Script,
    release: Script,
}

impl RedisStore {
    /// Connects to the Redis at `url` (`redis://host:port/db`), with a one-second
    /// bound on connecting and on each answer.
    pub async fn connect(url: &str) -> Result<RedisStore, redis::RedisError> {
        Ok(RedisStore::new(
            connection_manager(url, Some(Duration::from_secs(1))).await?,
        ))
    }

    /// A store on an existing connection manager.
    pub fn new(connection: ConnectionManager) -> RedisStore {
        RedisStore {
            connection,
            prefix: DEFAULT_STORE_PREFIX.to_owned(),
            complete: Script::new(COMPLETE),
            release: Script::new(RELEASE),
        }
    }

    /// Puts the keys under another prefix ([`DEFAULT_STORE_PREFIX`]), e.g. one
    /// per webhook sharing a Redis.
    pub fn key_prefix(mut self, prefix: impl Into<String>) -> RedisStore {
        self.prefix = prefix.into();
        self
    }

    fn key(&self, id: Uuid) -> String {
        format!("{}{}", self.prefix, id.as_hyphenated())
    }
}

fn millis(duration: Duration) -> u64 {
    // PX takes at least 1 ms.
    u64::try_from(duration.as_millis())
        .unwrap_or(u64::MAX)
        .max(1)
}

#[async_trait]
impl DedupStore for RedisStore {
    async fn claim(&self, id: Uuid, lease: Duration) -> Result<Claim, StoreError> {
        let key = self.key(id);
        let mut connection = self.connection.clone();
        loop {
            let token = ClaimToken::random();
            let set: Option<String> = redis::cmd("SET")
                .arg(&key)
                .arg(token.as_str())
                .arg("NX")
                .arg("PX")
                .arg(millis(lease))
                .query_async(&mut connection)
                .await
                .map_err(unavailable)?;
            if set.is_some() {
                return Ok(Claim::Claimed(token));
            }
            let current: Option<String> = connection.get(&key).await.map_err(unavailable)?;
            match current.as_deref() {
                Some(DONE) => return Ok(Claim::Done),
                Some(_) => return Ok(Claim::InProgress),
                // Expired between the two commands: claim again.
                None => continue,
            }
        }
    }

    async fn complete(
        &self,
        id: Uuid,
        token: &ClaimToken,
        retention: Duration,
    ) -> Result<bool, StoreError> {
        let mut connection = self.connection.clone();
        let done: i64 = self
            .complete
            .key(self.key(id))
            .arg(token.as_str())
            .arg(DONE)
            .arg(millis(retention))
            .invoke_async(&mut connection)
            .await
            .map_err(unavailable)?;
        Ok(done == 1)
    }

    async fn release(&self, id: Uuid, token: &ClaimToken) -> Result<bool, StoreError> {
        let mut connection = self.connection.clone();
        let released: i64 = self
            .release
            .key(self.key(id))
            .arg(token.as_str())
            .invoke_async(&mut connection)
            .await
            .map_err(unavailable)?;
        Ok(released == 1)
    }
}

impl fmt::Debug for RedisStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The connection (and its URL's password) stays out of logs.
        f.debug_struct("RedisStore")
            .field("prefix", &self.prefix)
            .finish_non_exhaustive()
    }
}
