//! The deduplication store on Redis.

use std::fmt;
use std::time::Duration;

use async_trait::async_trait;
use fusionauth_webhooks::delivery::{Claim, ClaimToken, DedupStore, StoreError};
use uuid::Uuid;

use crate::config::RedisConfig;
use crate::connect::Commands;
use crate::keys::Keys;
use crate::write::{Lua, Policy, ScriptCall, run_command};

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

/// A [`DedupStore`] shared by every replica through one Redis (or Redis
/// Cluster), in the namespace of its [`RedisConfig`].
///
/// One key per event id: `SET key token NX PX lease` claims it atomically; a
/// Lua script compares the token before it marks the id done (`PX retention`)
/// or deletes the claim, so a stale holder cannot overwrite a newer claim.
/// Keys expire on their own: Redis needs no cleanup. With
/// [`wait_for_replicas`](RedisConfig::wait_for_replicas), a claim and a done
/// mark count only once replicas hold them (a claim that did not reach them
/// is released and fails).
///
/// A Redis error is a [`StoreError::Unavailable`]: the webhook answers 503 and
/// runs no handler (FusionAuth retries). The connection reconnects by itself
/// once Redis is back.
///
/// # Example
///
/// (Against a real `redis-server` from `testing::RedisServer`, feature `testing`; `tests/redis/store.rs`
/// runs the whole store contract.)
///
/// ```
/// # #[cfg(feature = "testing")]
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use fusionauth_webhooks::delivery::{Deduplicated, Deduplicator};
/// use fusionauth_webhooks_redis::{RedisConfig, RedisStore};
///
/// # let server = fusionauth_webhooks_redis::testing::RedisServer::start()?;
/// # let url = server.url();
/// let config = RedisConfig::new(url, "billing")?;
/// let store = RedisStore::connect(&config).await?;
/// let id = uuid::Uuid::from_u128(7);
/// assert_eq!(store.key(id), "fusionauth-webhooks:billing:dedup:00000000-0000-0000-0000-000000000007");
/// let dedup = Deduplicator::new(store);
/// let first = dedup.run(id, || async { "sent the email" }, |_| true).await;
/// assert!(matches!(first, Deduplicated::Ran("sent the email")));
/// let again = dedup.run(id, || async { "sent it twice" }, |_| true).await;
/// assert!(matches!(again, Deduplicated::Duplicate));
/// # Ok(())
/// # }
/// # #[cfg(not(feature = "testing"))]
/// # fn main() {}
/// ```
#[derive(Clone)]
pub struct RedisStore {
    connection: Commands,
    keys: Keys,
    policy: Policy,
    complete: Lua,
    release: Lua,
}

impl RedisStore {
    /// Connects as `config` says, with a bound (one second by default) on
    /// connecting and on each answer.
    pub async fn connect(config: &RedisConfig) -> Result<RedisStore, redis::RedisError> {
        Ok(RedisStore {
            connection: Commands::connect(config).await?,
            keys: Keys::new(&config.namespace),
            policy: Policy::of(config),
            complete: Lua::new(COMPLETE),
            release: Lua::new(RELEASE),
        })
    }

    /// The key of event `id`'s claim or done mark.
    pub fn key(&self, id: Uuid) -> String {
        self.keys.dedup(id)
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
        let key = self.keys.dedup(id);
        let mut connection = self.connection.get();
        loop {
            let token = ClaimToken::random();
            let mut set = redis::cmd("SET");
            set.arg(&key)
                .arg(token.as_str())
                .arg("NX")
                .arg("PX")
                .arg(millis(lease));
            let claimed: Option<String> =
                match run_command(&mut connection, &set, &key, self.policy).await {
                    Ok(claimed) => claimed,
                    Err(error) => {
                        // A claim the replicas may not hold does not count:
                        // give it back (if it was taken) rather than block
                        // FusionAuth's retry until the lease expires.
                        let _ = self.release(id, &token).await;
                        return Err(StoreError::unavailable(error));
                    }
                };
            if claimed.is_some() {
                return Ok(Claim::Claimed(token));
            }
            let mut get = redis::cmd("GET");
            get.arg(&key);
            let current: Option<String> =
                run_command(&mut connection, &get, &key, self.policy.unreplicated())
                    .await
                    .map_err(StoreError::unavailable)?;
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
        let done: i64 = ScriptCall::new(&self.complete)
            .key(self.keys.dedup(id))
            .arg(token.as_str())
            .arg(DONE)
            .arg(millis(retention))
            .run(&mut self.connection.get(), self.policy)
            .await
            .map_err(StoreError::unavailable)?;
        Ok(done == 1)
    }

    async fn release(&self, id: Uuid, token: &ClaimToken) -> Result<bool, StoreError> {
        // Not waited for: a release lost in a failover only delays a retry
        // until the claim's lease expires.
        let released: i64 = ScriptCall::new(&self.release)
            .key(self.keys.dedup(id))
            .arg(token.as_str())
            .run(&mut self.connection.get(), self.policy.unreplicated())
            .await
            .map_err(StoreError::unavailable)?;
        Ok(released == 1)
    }
}

impl fmt::Debug for RedisStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The connection (and its URL's password) stays out of logs.
        f.debug_struct("RedisStore")
            .field("keys", &self.keys)
            .field("policy", &self.policy)
            .finish_non_exhaustive()
    }
}
