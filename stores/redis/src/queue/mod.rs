//! The worker queue on Redis Streams.

mod entries;
mod scripts;
mod settle;

use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use bytes::Bytes;
use fusionauth_webhooks::delivery::{Message, MessageId, Queue, QueueError};
use redis::streams::{StreamRangeReply, StreamReadReply};

use crate::config::RedisConfig;
use crate::connect::{Commands, Connection, Purpose, connect};
use crate::keys::Keys;
use crate::write::{Lua, Policy, ScriptCall, WriteError, run_command};
pub use entries::DeadLetter;
use entries::{ATTEMPT_FIELD, EVENT_FIELD, Entry};

/// The default idle time after which a pending message of another consumer
/// (taken for dead) is reclaimed with `XAUTOCLAIM`.
pub const DEFAULT_RECLAIM_IDLE: Duration = Duration::from_secs(60);
const MAX_BLOCK: Duration = Duration::from_secs(1);

/// A [`Queue`] on a Redis stream with a consumer group: at least once, shared
/// by every receiver and worker of one namespace ([`RedisConfig`]).
///
/// - [`push`](Queue::push) is `XADD` (fields `event`, `attempt`); its `Ok`
///   means Redis holds the event (durable as Redis's persistence is
///   configured: `appendonly yes` with `appendfsync everysec` or `always`;
///   and with [`wait_for_replicas`](RedisConfig::wait_for_replicas), once
///   replicas hold it too).
/// - [`receive`](Queue::receive) first reclaims, with `XAUTOCLAIM`, messages a
///   consumer left pending longer than the [reclaim idle
///   time](RedisQueue::reclaim_idle) (it died), then reads new ones with
///   `XREADGROUP ... BLOCK` (on a connection of its own, so pushes from the
///   same process are never stuck behind a blocking read). A stream entry
///   that is not a message (no `event` field) is dead-lettered, with the
///   reason, and the rest of its batch delivered. When the consumer group is
///   gone (Redis lost its data: a restart without persistence, a `FLUSHALL`, a
///   failover to an empty replica), it is created again and reading goes on.
/// - [`ack`](Queue::ack) is `XACK` + `XDEL`.
/// - [`retry`](Queue::retry) parks the message in a sorted set until it is
///   due; `receive` moves due ones back.
/// - [`dead_letter`](Queue::dead_letter) appends to the dead-letter stream
///   (fields `event`, `attempt`, `reason`, `id`) and acknowledges.
///
/// Settling (ack, retry, dead letter) is fenced: a script applies it only
/// while this consumer still holds the message with the delivery count it
/// received it with. A message reclaimed by another consumer in the meantime
/// (or lost with Redis's data) answers [`QueueError::Lost`] and nothing
/// changes. A message's id is its stream entry's id and that delivery count
/// (`1718000000000-0#2`).
///
/// # Example
///
/// (Against a real `redis-server` from `testing::RedisServer`, feature `testing`; `tests/redis/queue.rs`
/// runs the whole queue contract.)
///
/// ```
/// # #[cfg(feature = "testing")]
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use std::time::Duration;
/// use fusionauth_webhooks::delivery::Queue;
/// use fusionauth_webhooks_redis::{RedisConfig, RedisQueue};
///
/// # let server = fusionauth_webhooks_redis::testing::RedisServer::start()?;
/// # let url = server.url();
/// let config = RedisConfig::new(url, "billing")?;
/// let queue = RedisQueue::connect(&config, "worker-1").await?;
/// queue.push(r#"{"event":{"type":"user.update"}}"#.into()).await?;
/// let batch = queue.receive(10, Duration::from_secs(1)).await?;
/// assert_eq!(queue.len().await?, 1, "received, not yet settled");
/// queue.dead_letter(&batch[0], "no handler can ever succeed").await?;
/// assert_eq!(queue.dead_letters().await?[0].reason, "no handler can ever succeed");
/// assert!(queue.is_empty().await?);
/// assert_eq!(queue.stream(), "fusionauth-webhooks:{billing}:events");
/// # Ok(())
/// # }
/// # #[cfg(not(feature = "testing"))]
/// # fn main() {}
/// ```
#[derive(Clone)]
pub struct RedisQueue {
    commands: Commands,
    reads: Connection,
    keys: Keys,
    consumer: String,
    reclaim_idle: Duration,
    policy: Policy,
    scripts: Arc<Scripts>,
}

struct Scripts {
    ack: Lua,
    retry: Lua,
    dead_letter: Lua,
    promote: Lua,
    reclaim: Lua,
}

impl RedisQueue {
    /// Connects as `config` says, as the consumer `consumer` (unique per
    /// worker process: a dead worker's messages are reclaimed by name; a
    /// receiver that only pushes can use any name), creating the stream and
    /// its consumer group if needed.
    pub async fn connect(
        config: &RedisConfig,
        consumer: &str,
    ) -> Result<RedisQueue, redis::RedisError> {
        let queue = RedisQueue {
            commands: Commands::connect(config).await?,
            reads: connect(
                config,
                Purpose::BlockingReads {
                    longest_block: MAX_BLOCK,
                },
            )
            .await?,
            keys: Keys::new(&config.namespace),
            consumer: consumer.to_owned(),
            reclaim_idle: DEFAULT_RECLAIM_IDLE,
            policy: Policy::of(config),
            scripts: Arc::new(Scripts {
                ack: Lua::new(scripts::ACK),
                retry: Lua::new(scripts::RETRY),
                dead_letter: Lua::new(scripts::DEAD_LETTER),
                promote: Lua::new(scripts::PROMOTE),
                reclaim: Lua::new(scripts::RECLAIM),
            }),
        };
        queue.create_group().await?;
        Ok(queue)
    }

    /// How long a message may stay pending with a consumer before another
    /// takes it over ([`DEFAULT_RECLAIM_IDLE`]). A [`Worker`] on this queue
    /// keeps its handler deadline below it (half, by default).
    ///
    /// [`Worker`]: fusionauth_webhooks::Worker
    pub fn reclaim_idle(mut self, idle: Duration) -> RedisQueue {
        self.reclaim_idle = idle;
        self
    }

    /// The stream's key.
    pub fn stream(&self) -> &str {
        &self.keys.stream
    }

    /// The consumer group's name.
    pub fn group(&self) -> &str {
        &self.keys.group
    }

    /// The dead-letter stream's key (`<stream>:dead`).
    pub fn dead_letter_stream(&self) -> &str {
        &self.keys.dead_letters
    }

    /// Messages waiting, received and not yet settled, or delayed for a
    /// retry (`XLEN` of the stream plus the retry set's size; settled entries
    /// are deleted from the stream). Zero means nothing is left to run.
    pub async fn len(&self) -> Result<usize, QueueError> {
        let (stream, retrying): (usize, usize) = redis::pipe()
            .cmd("XLEN")
            .arg(&self.keys.stream)
            .cmd("ZCARD")
            .arg(&self.keys.retry_set)
            .query_async(&mut self.commands.get())
            .await
            .map_err(QueueError::unavailable)?;
        Ok(stream + retrying)
    }

    /// Whether [`len`](RedisQueue::len) is zero.
    pub async fn is_empty(&self) -> Result<bool, QueueError> {
        Ok(self.len().await? == 0)
    }

    /// The dead-lettered messages, oldest first (`XRANGE <stream>:dead - +`).
    pub async fn dead_letters(&self) -> Result<Vec<DeadLetter>, QueueError> {
        let reply: StreamRangeReply = redis::cmd("XRANGE")
            .arg(&self.keys.dead_letters)
            .arg("-")
            .arg("+")
            .query_async(&mut self.commands.get())
            .await
            .map_err(QueueError::unavailable)?;
        Ok(reply
            .ids
            .into_iter()
            .map(|entry| DeadLetter::new(&Entry::first_delivery(entry)))
            .collect())
    }

    async fn create_group(&self) -> Result<(), redis::RedisError> {
        let created: redis::RedisResult<()> = redis::cmd("XGROUP")
            .arg("CREATE")
            .arg(&self.keys.stream)
            .arg(&self.keys.group)
            // From the start: entries pushed after a data loss, before the
            // group was created again, are delivered too.
            .arg("0")
            .arg("MKSTREAM")
            .query_async(&mut self.commands.get())
            .await;
        match created {
            Err(error) if error.code() == Some("BUSYGROUP") => Ok(()),
            other => other,
        }
    }

    /// Runs `operation`; when the consumer group is gone (Redis lost its
    /// data), creates it again and runs it once more.
    async fn in_group<T, F, Fut>(&self, operation: F) -> Result<T, QueueError>
    where
        F: Fn() -> Fut,
        Fut: Future<Output = Result<T, WriteError>>,
    {
        match operation().await {
            Err(error) if error.code() == Some("NOGROUP") => {
                tracing::warn!(
                    stream = %self.keys.stream, group = %self.keys.group,
                    "the consumer group is gone: Redis lost its data (a restart without \
                     persistence, FLUSHALL, a failover to an empty replica); creating it again. \
                     Events acknowledged but not yet persisted are lost"
                );
                self.create_group().await.map_err(QueueError::unavailable)?;
                operation().await.map_err(QueueError::unavailable)
            }
            other => other.map_err(QueueError::unavailable),
        }
    }

    /// Moves due retries back onto the stream; the time until the next one.
    async fn promote(&self) -> Result<Option<Duration>, QueueError> {
        let next: i64 = ScriptCall::new(&self.scripts.promote)
            .key(&self.keys.stream)
            .key(&self.keys.retry_set)
            .run(&mut self.commands.get(), Policy::IMMEDIATE)
            .await
            .map_err(QueueError::unavailable)?;
        Ok(u64::try_from(next).ok().map(Duration::from_millis))
    }

    async fn reclaim(&self, max: usize) -> Result<Vec<Entry>, WriteError> {
        let claimed: Vec<(String, Vec<Vec<u8>>, u64)> = ScriptCall::new(&self.scripts.reclaim)
            .key(&self.keys.stream)
            .arg(&self.keys.group)
            .arg(&self.consumer)
            .arg(u64::try_from(self.reclaim_idle.as_millis()).unwrap_or(u64::MAX))
            .arg(max)
            .run(&mut self.commands.get(), Policy::IMMEDIATE)
            .await?;
        Ok(claimed
            .into_iter()
            .map(|(id, fields, deliveries)| Entry::new(id, fields, deliveries))
            .collect())
    }

    async fn read_new(&self, max: usize, wait: Duration) -> Result<Vec<Entry>, WriteError> {
        let mut command = redis::cmd("XREADGROUP");
        command
            .arg("GROUP")
            .arg(&self.keys.group)
            .arg(&self.consumer)
            .arg("COUNT")
            .arg(max);
        if !wait.is_zero() {
            // BLOCK 0 would wait forever.
            let millis = u64::try_from(wait.as_millis()).unwrap_or(u64::MAX).max(1);
            command.arg("BLOCK").arg(millis);
        }
        command.arg("STREAMS").arg(&self.keys.stream).arg(">");
        let reply: Option<StreamReadReply> = command.query_async(&mut self.reads.clone()).await?;
        Ok(reply
            .into_iter()
            .flat_map(|reply| reply.keys)
            .flat_map(|key| key.ids)
            .map(Entry::first_delivery)
            .collect())
    }
}

#[async_trait]
impl Queue for RedisQueue {
    async fn push(&self, payload: Bytes) -> Result<MessageId, QueueError> {
        let mut command = redis::cmd("XADD");
        command
            .arg(&self.keys.stream)
            .arg("*")
            .arg(EVENT_FIELD)
            .arg(payload.as_ref())
            .arg(ATTEMPT_FIELD)
            .arg(1);
        let id: String = run_command(
            &mut self.commands.get(),
            &command,
            &self.keys.stream,
            self.policy,
        )
        .await
        .map_err(QueueError::unavailable)?;
        Ok(MessageId::from(id))
    }

    async fn receive(&self, max: usize, wait: Duration) -> Result<Vec<Message>, QueueError> {
        let max = max.max(1);
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            let next_retry = self.promote().await?;
            let reclaimed = self.in_group(|| self.reclaim(max)).await?;
            let reclaimed = self.deliverable(reclaimed).await?;
            if !reclaimed.is_empty() {
                return Ok(reclaimed);
            }
            // Block until a push, the next due retry, or the deadline; at most a
            // second, so that a dead consumer's messages are reclaimed meanwhile.
            let remaining = deadline.saturating_duration_since(tokio::time::Instant::now());
            let block = [Some(remaining), next_retry, Some(MAX_BLOCK)]
                .into_iter()
                .flatten()
                .min()
                .unwrap_or(MAX_BLOCK);
            let batch = self.in_group(|| self.read_new(max, block)).await?;
            let batch = self.deliverable(batch).await?;
            if !batch.is_empty() || tokio::time::Instant::now() >= deadline {
                return Ok(batch);
            }
        }
    }

    async fn ack(&self, message: &Message) -> Result<(), QueueError> {
        self.settle(message, &self.scripts.ack, |call| call).await
    }

    async fn retry(&self, message: &Message, delay: Duration) -> Result<(), QueueError> {
        self.settle(message, &self.scripts.retry, |call| {
            call.arg(u64::try_from(delay.as_millis()).unwrap_or(u64::MAX))
                .arg(message.attempt + 1)
                .arg(message.payload.as_ref())
        })
        .await
    }

    async fn dead_letter(&self, message: &Message, reason: &str) -> Result<(), QueueError> {
        self.settle(message, &self.scripts.dead_letter, |call| {
            call.arg(message.payload.as_ref())
                .arg(message.attempt)
                .arg(reason)
        })
        .await
    }

    fn reclaim_idle(&self) -> Option<Duration> {
        Some(self.reclaim_idle)
    }

    fn consumer_group(&self) -> Option<&str> {
        Some(&self.keys.group)
    }
}

impl fmt::Debug for RedisQueue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisQueue")
            .field("keys", &self.keys)
            .field("consumer", &self.consumer)
            .field("reclaim_idle", &self.reclaim_idle)
            .field("policy", &self.policy)
            .finish_non_exhaustive()
    }
}
