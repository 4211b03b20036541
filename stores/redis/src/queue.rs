//! The worker queue on Redis Streams.

use std::fmt;
use std::time::Duration;

use async_trait::async_trait;
use bytes::Bytes;
use fusionauth_webhooks::delivery::{Message, MessageId, Queue, QueueError};
use redis::aio::ConnectionManager;
use redis::streams::{StreamAutoClaimReply, StreamId, StreamRangeReply, StreamReadReply};
use redis::{AsyncCommands as _, Script};

use crate::connect::{connection_manager, queue_unavailable};

/// The default stream name.
pub const DEFAULT_STREAM: &str = "fusionauth-webhooks:events";
/// The default consumer group.
pub const DEFAULT_GROUP: &str = "workers";
/// The default idle time after which a pending message of another consumer
/// (taken for dead) is reclaimed with `XAUTOCLAIM`.
pub const DEFAULT_RECLAIM_IDLE: Duration = Duration::from_secs(60);

const MAX_BLOCK: Duration = Duration::from_secs(1);
const EVENT_FIELD: &str = "event";
const ATTEMPT_FIELD: &str = "attempt";

// Retry: park the message in a sorted set scored by its due time (server
// clock), and take it off the stream, in one step.
const RETRY: &str = r"
local now = redis.call('TIME')
local due = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000) + tonumber(ARGV[3])
redis.call('ZADD', KEYS[2], due, ARGV[4] .. ' ' .. ARGV[5] .. ' ' .. ARGV[6])
redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])
redis.call('XDEL', KEYS[1], ARGV[2])
return 1";

// Move due retries back onto the stream; answer the milliseconds until the
// next one falls due, or -1.
const PROMOTE: &str = r"
local now = redis.call('TIME')
local ms = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
local due = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', ms, 'LIMIT', 0, 100)
for _, member in ipairs(due) do
  local attempt, payload = string.match(member, '^(%d+) %S+ (.*)$')
  redis.call('XADD', KEYS[1], '*', 'event', payload, 'attempt', attempt)
  redis.call('ZREM', KEYS[2], member)
end
local next = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')
if next[2] then return math.max(tonumber(next[2]) - ms, 0) end
return -1";

const DEAD_LETTER: &str = r"
redis.call('XADD', KEYS[2], '*', 'event', ARGV[3], 'attempt', ARGV[4], 'reason', ARGV[5], 'id', ARGV[2])
redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])
redis.call('XDEL', KEYS[1], ARGV[2])
return 1";

/// A [`Queue`] on a Redis stream with a consumer group: at least once, shared
/// by every receiver and worker.
///
/// - [`push`](Queue::push) is `XADD` (fields `event`, `attempt`); its `Ok`
///   means Redis holds the event (durable as Redis's persistence is
///   configured: enable AOF with `appendfsync everysec` or `always`).
/// - [`receive`](Queue::receive) first reclaims, with `XAUTOCLAIM`, messages a
///   consumer left pending longer than the reclaim idle time (it died), then
///   reads new ones with `XREADGROUP ... BLOCK` (on a connection of its own,
///   so pushes from the same process are never stuck behind a blocking read).
/// - [`ack`](Queue::ack) is `XACK` + `XDEL`.
/// - [`retry`](Queue::retry) parks the message in the sorted set
///   `<stream>:retry` until it is due; `receive` moves due ones back.
/// - [`dead_letter`](Queue::dead_letter) appends to the stream `<stream>:dead`
///   (fields `event`, `attempt`, `reason`, `id`) and acknowledges.
///
/// # Example
///
/// ```no_run
/// use fusionauth_webhooks_redis::RedisQueue;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let queue = RedisQueue::connect("redis://127.0.0.1:6379/", "worker-1").await?;
/// # let _ = queue;
/// # Ok(())
/// # }
/// ```
/// (`tests/queue.rs` runs the queue contract against a real `redis-server`.)
#[derive(Clone)]
pub struct RedisQueue {
    commands: ConnectionManager,
    reads: ConnectionManager,
    stream: String,
    group: String,
    consumer: String,
    reclaim_idle: Duration,
    retry: Script,
    promote: Script,
    dead_letter: Script,
}

impl RedisQueue {
    /// Connects to the Redis at `url` as the consumer `consumer` (unique per
    /// worker process; a receiver that only pushes can use any name) of the
    /// default group on the default stream, creating both if needed.
    pub async fn connect(url: &str, consumer: &str) -> Result<RedisQueue, redis::RedisError> {
        RedisQueue::connect_to(url, DEFAULT_STREAM, DEFAULT_GROUP, consumer).await
    }

    /// Same, on the stream and group given.
    pub async fn connect_to(
        url: &str,
        stream: &str,
        group: &str,
        consumer: &str,
    ) -> Result<RedisQueue, redis::RedisError> {
        let commands = connection_manager(url, Some(Duration::from_secs(1))).await?;
        // Blocking reads answer after their own timeout.
        let reads = connection_manager(url, None).await?;
        let mut queue = RedisQueue {
            commands,
            reads,
            stream: stream.to_owned(),
            group: group.to_owned(),
            consumer: consumer.to_owned(),
            reclaim_idle: DEFAULT_RECLAIM_IDLE,
            retry: Script::new(RETRY),
            promote: Script::new(PROMOTE),
            dead_letter: Script::new(DEAD_LETTER),
        };
        queue.create_group().await?;
        Ok(queue)
    }

    /// How long a message may stay pending with a consumer before another
    /// takes it over ([`DEFAULT_RECLAIM_IDLE`]); keep it above the handler deadline.
    pub fn reclaim_idle(mut self, idle: Duration) -> RedisQueue {
        self.reclaim_idle = idle;
        self
    }

    /// The stream's name.
    pub fn stream(&self) -> &str {
        &self.stream
    }

    /// The dead-letter stream's name: `<stream>:dead`.
    pub fn dead_letter_stream(&self) -> String {
        format!("{}:dead", self.stream)
    }

    fn retry_set(&self) -> String {
        format!("{}:retry", self.stream)
    }

    /// The dead-lettered messages, oldest first (`XRANGE <stream>:dead - +`).
    pub async fn dead_letters(&self) -> Result<Vec<Message>, QueueError> {
        let mut connection = self.commands.clone();
        let reply: StreamRangeReply = connection
            .xrange_all(self.dead_letter_stream())
            .await
            .map_err(queue_unavailable)?;
        reply.ids.iter().map(message).collect()
    }

    async fn create_group(&mut self) -> Result<(), redis::RedisError> {
        let created: Result<(), redis::RedisError> = self
            .commands
            .xgroup_create_mkstream(&self.stream, &self.group, "0")
            .await;
        match created {
            Err(error) if error.code() == Some("BUSYGROUP") => Ok(()),
            other => other,
        }
    }

    /// Moves due retries back onto the stream; the time until the next one.
    async fn promote(&self) -> Result<Option<Duration>, QueueError> {
        let mut connection = self.commands.clone();
        let next: i64 = self
            .promote
            .key(&self.stream)
            .key(self.retry_set())
            .invoke_async(&mut connection)
            .await
            .map_err(queue_unavailable)?;
        Ok(u64::try_from(next).ok().map(Duration::from_millis))
    }

    async fn reclaim(&self, max: usize) -> Result<Vec<Message>, QueueError> {
        let mut connection = self.commands.clone();
        let reply: StreamAutoClaimReply = redis::cmd("XAUTOCLAIM")
            .arg(&self.stream)
            .arg(&self.group)
            .arg(&self.consumer)
            .arg(u64::try_from(self.reclaim_idle.as_millis()).unwrap_or(u64::MAX))
            .arg("0-0")
            .arg("COUNT")
            .arg(max)
            .query_async(&mut connection)
            .await
            .map_err(queue_unavailable)?;
        reply.claimed.iter().map(message).collect()
    }

    async fn read_new(&self, max: usize, wait: Duration) -> Result<Vec<Message>, QueueError> {
        let mut command = redis::cmd("XREADGROUP");
        command
            .arg("GROUP")
            .arg(&self.group)
            .arg(&self.consumer)
            .arg("COUNT")
            .arg(max);
        if !wait.is_zero() {
            // BLOCK 0 would wait forever.
            let millis = u64::try_from(wait.as_millis()).unwrap_or(u64::MAX).max(1);
            command.arg("BLOCK").arg(millis);
        }
        command.arg("STREAMS").arg(&self.stream).arg(">");
        let mut connection = self.reads.clone();
        let reply: Option<StreamReadReply> = command
            .query_async(&mut connection)
            .await
            .map_err(queue_unavailable)?;
        reply
            .into_iter()
            .flat_map(|reply| reply.keys)
            .flat_map(|key| key.ids)
            .map(|entry| message(&entry))
            .collect()
    }
}

fn message(entry: &StreamId) -> Result<Message, QueueError> {
    let payload: Vec<u8> = entry.get(EVENT_FIELD).ok_or_else(|| {
        QueueError::unavailable(format!("stream entry {} has no `event` field", entry.id))
    })?;
    let attempt = entry.get::<u32>(ATTEMPT_FIELD).unwrap_or(1);
    Ok(Message::new(
        MessageId::from(entry.id.as_str()),
        Bytes::from(payload),
        attempt,
    ))
}

#[async_trait]
impl Queue for RedisQueue {
    async fn push(&self, payload: Bytes) -> Result<MessageId, QueueError> {
        let mut connection = self.commands.clone();
        let id: String = connection
            .xadd(
                &self.stream,
                "*",
                &[
                    (EVENT_FIELD, payload.as_ref()),
                    (ATTEMPT_FIELD, b"1".as_slice()),
                ],
            )
            .await
            .map_err(queue_unavailable)?;
        Ok(MessageId::from(id))
    }

    async fn receive(&self, max: usize, wait: Duration) -> Result<Vec<Message>, QueueError> {
        let max = max.max(1);
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            let next_retry = self.promote().await?;
            let reclaimed = self.reclaim(max).await?;
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
            let batch = self.read_new(max, block).await?;
            if !batch.is_empty() || tokio::time::Instant::now() >= deadline {
                return Ok(batch);
            }
        }
    }

    async fn ack(&self, message: &Message) -> Result<(), QueueError> {
        let mut connection = self.commands.clone();
        let (acked, _deleted): (i64, i64) = redis::pipe()
            .atomic()
            .xack(&self.stream, &self.group, &[message.id.as_str()])
            .xdel(&self.stream, &[message.id.as_str()])
            .query_async(&mut connection)
            .await
            .map_err(queue_unavailable)?;
        if acked == 1 {
            Ok(())
        } else {
            Err(QueueError::UnknownMessage(message.id.clone()))
        }
    }

    async fn retry(&self, message: &Message, delay: Duration) -> Result<(), QueueError> {
        let mut connection = self.commands.clone();
        let _: i64 = self
            .retry
            .key(&self.stream)
            .key(self.retry_set())
            .arg(&self.group)
            .arg(message.id.as_str())
            .arg(u64::try_from(delay.as_millis()).unwrap_or(u64::MAX))
            .arg(message.attempt + 1)
            .arg(message.id.as_str())
            .arg(message.payload.as_ref())
            .invoke_async(&mut connection)
            .await
            .map_err(queue_unavailable)?;
        Ok(())
    }

    async fn dead_letter(&self, message: &Message, reason: &str) -> Result<(), QueueError> {
        let mut connection = self.commands.clone();
        let _: i64 = self
            .dead_letter
            .key(&self.stream)
            .key(self.dead_letter_stream())
            .arg(&self.group)
            .arg(message.id.as_str())
            .arg(message.payload.as_ref())
            .arg(message.attempt)
            .arg(reason)
            .invoke_async(&mut connection)
            .await
            .map_err(queue_unavailable)?;
        Ok(())
    }
}

impl fmt::Debug for RedisQueue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisQueue")
            .field("stream", &self.stream)
            .field("group", &self.group)
            .field("consumer", &self.consumer)
            .field("reclaim_idle", &self.reclaim_idle)
            .finish_non_exhaustive()
    }
}
