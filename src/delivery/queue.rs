//! The queue contract for the hand-off to workers: at-least-once, with retries
//! and a dead letter.

use std::fmt;
use std::time::Duration;

use async_trait::async_trait;
use bytes::Bytes;

/// A durable queue of raw webhook bodies, consumed by a
/// [`Worker`](crate::Worker) (at least once: a message is delivered again
/// until it is acknowledged, retried or dead-lettered).
///
/// The contract, which a backend maps onto its own primitives:
///
/// | method | Redis Streams (`fusionauth-webhooks-redis`) | NATS JetStream | Kafka | SQS |
/// |---|---|---|---|---|
/// | [`push`](Queue::push): durable once it returns `Ok` | `XADD` | publish, wait for the ack | produce with `acks=all` | `SendMessage` |
/// | [`receive`](Queue::receive): a batch, waiting up to `wait`; a dead consumer's messages come back after an idle time | `XREADGROUP` in a consumer group, `XAUTOCLAIM` | pull consumer `fetch`, `ack_wait` redelivers | consumer group poll; uncommitted offsets are re-read | `ReceiveMessage` with long polling; the visibility timeout redelivers |
/// | [`ack`](Queue::ack) | `XACK` + `XDEL` | `ack` | commit the offset | `DeleteMessage` |
/// | [`retry`](Queue::retry): again after `delay`, attempt + 1 | delayed set, moved back by `receive` | `nak` with delay (attempt = delivery count) | a retry topic with a due time | `ChangeMessageVisibility` (attempt = receive count) |
/// | [`dead_letter`](Queue::dead_letter) | `XADD` to the dead-letter stream + `XACK` | publish to a DLQ subject + `term` | produce to a DLQ topic + commit | send to the DLQ + delete (or a redrive policy) |
///
/// The attempt number travels with the message ([`Message::attempt`]), so the
/// worker's "dead-letter after N attempts" needs nothing else from a backend.
///
/// # Example
///
/// ```
/// use std::time::Duration;
/// use bytes::Bytes;
/// use fusionauth_webhooks::delivery::{MemoryQueue, Queue};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let queue = MemoryQueue::new();
/// queue.push(Bytes::from_static(br#"{"event":{"type":"user.update"}}"#)).await?;
/// let batch = queue.receive(10, Duration::from_millis(100)).await?;
/// assert_eq!(batch.len(), 1);
/// assert_eq!(batch[0].attempt, 1);
/// queue.ack(&batch[0]).await?;
/// assert!(queue.receive(10, Duration::from_millis(10)).await?.is_empty());
/// # Ok(())
/// # }
/// ```
#[async_trait]
pub trait Queue: Send + Sync + 'static {
    /// Appends a raw event; `Ok` only once the queue holds it durably.
    async fn push(&self, payload: Bytes) -> Result<MessageId, QueueError>;

    /// Up to `max` messages ready now, waiting up to `wait` for the first.
    async fn receive(&self, max: usize, wait: Duration) -> Result<Vec<Message>, QueueError>;

    /// The message was handled: never deliver it again.
    async fn ack(&self, message: &Message) -> Result<(), QueueError>;

    /// The message failed: deliver it again after `delay`, with the attempt
    /// number one higher.
    async fn retry(&self, message: &Message, delay: Duration) -> Result<(), QueueError>;

    /// The message will never succeed: move it to the dead letters, with why.
    async fn dead_letter(&self, message: &Message, reason: &str) -> Result<(), QueueError>;

    /// How long a received message may stay unsettled before the queue takes
    /// its consumer for dead and delivers it to another (Redis: the
    /// `XAUTOCLAIM` idle time; SQS: the visibility timeout). `None` (the
    /// default) for a queue that never redelivers on its own.
    ///
    /// A [`Worker`](crate::Worker) keeps its handler deadline below it: a
    /// handler still running past it would run a second time elsewhere.
    fn reclaim_idle(&self) -> Option<Duration> {
        None
    }

    /// The consumer group this queue's consumers read in, where the backend
    /// has one (a Redis stream's group, a Kafka consumer group): the
    /// worker's spans name it (feature `otel`). `None` by default.
    ///
    /// ```
    /// use fusionauth_webhooks::delivery::{MemoryQueue, Queue};
    ///
    /// assert_eq!(MemoryQueue::new().consumer_group(), None);
    /// ```
    fn consumer_group(&self) -> Option<&str> {
        None
    }
}

/// A shared queue is a queue: hand `Arc::clone(&queue)` to a router and a worker.
#[async_trait]
impl<Q: Queue + ?Sized> Queue for std::sync::Arc<Q> {
    async fn push(&self, payload: Bytes) -> Result<MessageId, QueueError> {
        (**self).push(payload).await
    }

    async fn receive(&self, max: usize, wait: Duration) -> Result<Vec<Message>, QueueError> {
        (**self).receive(max, wait).await
    }

    async fn ack(&self, message: &Message) -> Result<(), QueueError> {
        (**self).ack(message).await
    }

    async fn retry(&self, message: &Message, delay: Duration) -> Result<(), QueueError> {
        (**self).retry(message, delay).await
    }

    async fn dead_letter(&self, message: &Message, reason: &str) -> Result<(), QueueError> {
        (**self).dead_letter(message, reason).await
    }

    fn reclaim_idle(&self) -> Option<Duration> {
        (**self).reclaim_idle()
    }

    fn consumer_group(&self) -> Option<&str> {
        (**self).consumer_group()
    }
}

/// One delivery of a queued event.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Message {
    /// The backend's id of this delivery (it may change on retry).
    pub id: MessageId,
    /// The raw webhook body, as FusionAuth sent it.
    pub payload: Bytes,
    /// 1 for the first attempt, one more on each [`Queue::retry`].
    pub attempt: u32,
}

impl Message {
    /// A message, as a [`Queue`] backend builds it.
    ///
    /// ```
    /// use fusionauth_webhooks::delivery::{Message, MessageId};
    ///
    /// let message = Message::new(MessageId::from("1-0"), bytes::Bytes::new(), 1);
    /// assert_eq!(message.id.as_str(), "1-0");
    /// ```
    pub fn new(id: MessageId, payload: Bytes, attempt: u32) -> Message {
        Message {
            id,
            payload,
            attempt,
        }
    }
}

/// A backend's id of a queued message (a stream entry id, a sequence number).
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MessageId(String);

impl MessageId {
    /// The id as the backend wrote it.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl From<&str> for MessageId {
    fn from(id: &str) -> MessageId {
        MessageId(id.to_owned())
    }
}

impl From<String> for MessageId {
    fn from(id: String) -> MessageId {
        MessageId(id)
    }
}

impl fmt::Debug for MessageId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "MessageId({})", self.0)
    }
}

impl fmt::Display for MessageId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A queue operation failed. On [`Queue::push`] the webhook answers 503, so
/// FusionAuth retries; a worker logs it and tries again.
///
/// ```
/// use fusionauth_webhooks::delivery::QueueError;
///
/// assert_eq!(QueueError::unavailable("timed out").to_string(), "queue unavailable: timed out");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum QueueError {
    /// The backend did not answer or refused the operation.
    #[error("queue unavailable: {0}")]
    Unavailable(String),
    /// The in-memory queue holds its maximum of messages.
    #[error("queue full: {0} messages")]
    Full(usize),
    /// The message is not (or no longer) held by this consumer.
    #[error("unknown message {0}")]
    UnknownMessage(MessageId),
    /// The message is no longer this consumer's to settle: another consumer
    /// took it over after the [reclaim idle time](Queue::reclaim_idle) (it
    /// runs there), or the queue lost it with its data. Nothing was changed.
    #[error(
        "message {0} was taken over by another consumer or lost with the queue's data; this settlement was not applied"
    )]
    Lost(MessageId),
}

impl QueueError {
    /// An [`Unavailable`](QueueError::Unavailable) error from any displayable cause.
    pub fn unavailable(cause: impl fmt::Display) -> QueueError {
        QueueError::Unavailable(cause.to_string())
    }
}
