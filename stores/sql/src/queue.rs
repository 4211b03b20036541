//! The worker queue on a SQL table.

use std::fmt;
use std::time::Duration;

use async_trait::async_trait;
use bytes::Bytes;
use fusionauth_webhooks::Event;
use fusionauth_webhooks::delivery::{Message, MessageId, Queue, QueueError};
use sqlx::Pool;
use sqlx::pool::PoolConnection;
use uuid::Uuid;

use crate::backend::{Backend, DeadLetter, QueueRow, turn_to_write};

/// A connection, and the turn to write with it (see [`turn_to_write`]).
type Writer<DB> = (Option<tokio::sync::OwnedMutexGuard<()>>, PoolConnection<DB>);

/// The default queue name (several queues can share the table).
pub const DEFAULT_QUEUE: &str = "fusionauth-webhooks";
/// The default time a received message stays hidden from other workers
/// before it is delivered again (its worker is taken for dead).
pub const DEFAULT_VISIBILITY_TIMEOUT: Duration = Duration::from_secs(60);
/// The default pause between two looks at an empty queue while
/// [`receive`](Queue::receive) waits.
pub const DEFAULT_POLL_INTERVAL: Duration = Duration::from_millis(50);

/// A [`Queue`] in the table `fusionauth_webhooks_queue`: at least once,
/// shared by every receiver and worker on the database.
///
/// - [`push`](Queue::push) inserts a row; its `Ok` means the row committed.
/// - [`receive`](Queue::receive) takes a batch of visible rows and hides
///   them for the visibility timeout under a fresh receipt, in one
///   statement: on PostgreSQL with `FOR UPDATE SKIP LOCKED`, so that workers
///   take disjoint batches without waiting on each other; on SQLite under its
///   write lock (one machine). A worker that dies leaves its messages hidden
///   until the timeout; then another worker receives them (their attempt
///   unchanged). Keep the worker's handler deadline below the timeout.
/// - [`ack`](Queue::ack) deletes the row, [`retry`](Queue::retry) hides it
///   until its delay passed with the attempt one higher, and
///   [`dead_letter`](Queue::dead_letter) moves it to
///   `fusionauth_webhooks_dead_letters` (one row per event id: a duplicate of
///   a dead event adds nothing), each only with the receipt of the delivery
///   that holds it: a worker whose message timed out and went to another
///   gets [`QueueError::Lost`].
///
/// With an [`Inbox`](crate::Inbox) handler, a worker's acknowledgement is
/// that row's delete in the handler's own transaction (see
/// [`QueuedMessage`](fusionauth_webhooks::delivery::QueuedMessage)).
///
/// A database error is a [`QueueError::Unavailable`]: the webhook answers
/// 503 (FusionAuth retries) and a worker tries again a second later.
///
/// # Example
///
/// ```
/// use std::time::Duration;
/// use fusionauth_webhooks::delivery::Queue;
/// use fusionauth_webhooks_sqlx::SqlQueue;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let pool = sqlx::SqlitePool::connect("sqlite::memory:").await?;
/// fusionauth_webhooks_sqlx::migrate(&pool).await?;
/// let queue = SqlQueue::new(pool).visibility_timeout(Duration::from_secs(30));
/// queue.push(r#"{"event":{"type":"user.update.complete"}}"#.into()).await?;
/// let batch = queue.receive(10, Duration::from_millis(100)).await?;
/// assert_eq!(batch.len(), 1);
/// queue.dead_letter(&batch[0], "no handler can ever succeed").await?;
/// assert_eq!(queue.dead_letters().await?.len(), 1);
/// # Ok(())
/// # }
/// ```
pub struct SqlQueue<DB: Backend> {
    pool: Pool<DB>,
    name: String,
    visibility: Duration,
    poll: Duration,
}

impl<DB: Backend> SqlQueue<DB> {
    /// The queue [`DEFAULT_QUEUE`] on the database of `pool` (whose tables
    /// [`migrate`](crate::migrate) created).
    pub fn new(pool: Pool<DB>) -> SqlQueue<DB> {
        SqlQueue {
            pool,
            name: DEFAULT_QUEUE.to_owned(),
            visibility: DEFAULT_VISIBILITY_TIMEOUT,
            poll: DEFAULT_POLL_INTERVAL,
        }
    }

    /// Another queue in the same table.
    pub fn named(mut self, name: impl Into<String>) -> SqlQueue<DB> {
        self.name = name.into();
        self
    }

    /// How long a received message stays hidden before another worker
    /// receives it ([`DEFAULT_VISIBILITY_TIMEOUT`]); keep it above the
    /// worker's handler deadline.
    pub fn visibility_timeout(mut self, timeout: Duration) -> SqlQueue<DB> {
        self.visibility = timeout;
        self
    }

    /// The pause between two looks at an empty queue while `receive` waits
    /// ([`DEFAULT_POLL_INTERVAL`]): the most a new message waits for an idle
    /// worker.
    pub fn poll_interval(mut self, interval: Duration) -> SqlQueue<DB> {
        self.poll = interval.max(Duration::from_millis(1));
        self
    }

    /// The queue's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The visibility timeout: after it, a message a worker received and
    /// did not settle goes to another worker.
    pub fn visibility(&self) -> Duration {
        self.visibility
    }

    /// The dead-lettered messages of this queue, oldest first.
    pub async fn dead_letters(&self) -> Result<Vec<Message>, QueueError> {
        let mut connection = self.connection().await?;
        let rows = DB::dead_letters(&mut connection, &self.name)
            .await
            .map_err(QueueError::unavailable)?;
        Ok(rows.into_iter().map(|row| message(row, "dead")).collect())
    }

    async fn connection(&self) -> Result<PoolConnection<DB>, QueueError> {
        self.pool.acquire().await.map_err(QueueError::unavailable)
    }

    /// A connection to write with, once it is this process's turn.
    async fn writer(&self) -> Result<Writer<DB>, QueueError> {
        let turn = turn_to_write(&self.pool).await;
        Ok((turn, self.connection().await?))
    }

    fn held<'m>(message: &'m Message) -> Result<Receipt<'m>, QueueError> {
        Receipt::of(&message.id).ok_or_else(|| QueueError::UnknownMessage(message.id.clone()))
    }
}

/// Which delivery of a row a message is: the row's id and the receipt its
/// receiver holds it under, written into the [`MessageId`] as `ID.RECEIPT`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Receipt<'m> {
    pub(crate) id: i64,
    pub(crate) receipt: &'m str,
}

impl<'m> Receipt<'m> {
    /// The receipt in a message id of this queue; `None` for another
    /// queue's id (a Redis stream entry, say).
    pub(crate) fn of(id: &'m MessageId) -> Option<Receipt<'m>> {
        let (row, receipt) = id.as_str().split_once('.')?;
        let is_receipt = receipt.len() == 32 && receipt.bytes().all(|b| b.is_ascii_hexdigit());
        Some(Receipt {
            id: row.parse().ok()?,
            receipt: is_receipt.then_some(receipt)?,
        })
    }
}

fn message((id, payload, attempt): QueueRow, receipt: &str) -> Message {
    Message::new(
        MessageId::from(format!("{id}.{receipt}")),
        Bytes::from(payload),
        u32::try_from(attempt).unwrap_or(1),
    )
}

#[async_trait]
impl<DB: Backend> Queue for SqlQueue<DB> {
    fn reclaim_idle(&self) -> Option<Duration> {
        Some(self.visibility)
    }

    async fn push(&self, payload: Bytes) -> Result<MessageId, QueueError> {
        let (_turn, mut connection) = self.writer().await?;
        let id = DB::push(&mut connection, &self.name, &payload)
            .await
            .map_err(QueueError::unavailable)?;
        Ok(MessageId::from(id.to_string()))
    }

    async fn receive(&self, max: usize, wait: Duration) -> Result<Vec<Message>, QueueError> {
        let deadline = tokio::time::Instant::now() + wait;
        let max = i64::try_from(max.max(1)).unwrap_or(i64::MAX);
        loop {
            let receipt = Uuid::new_v4().simple().to_string();
            let rows = {
                let (_turn, mut connection) = self.writer().await?;
                DB::receive(&mut connection, &self.name, max, self.visibility, &receipt)
                    .await
                    .map_err(QueueError::unavailable)?
            };
            let now = tokio::time::Instant::now();
            if !rows.is_empty() || now >= deadline {
                return Ok(rows.into_iter().map(|row| message(row, &receipt)).collect());
            }
            tokio::time::sleep(self.poll.min(deadline - now)).await;
        }
    }

    async fn ack(&self, message: &Message) -> Result<(), QueueError> {
        let held = Self::held(message)?;
        let (_turn, mut connection) = self.writer().await?;
        match DB::delete_message(&mut connection, held.id, held.receipt).await {
            Ok(true) => Ok(()),
            Ok(false) => Err(QueueError::Lost(message.id.clone())),
            Err(error) => Err(QueueError::unavailable(error)),
        }
    }

    async fn retry(&self, message: &Message, delay: Duration) -> Result<(), QueueError> {
        let held = Self::held(message)?;
        let (_turn, mut connection) = self.writer().await?;
        match DB::retry(&mut connection, held.id, held.receipt, delay).await {
            Ok(true) => Ok(()),
            Ok(false) => Err(QueueError::Lost(message.id.clone())),
            Err(error) => Err(QueueError::unavailable(error)),
        }
    }

    async fn dead_letter(&self, message: &Message, reason: &str) -> Result<(), QueueError> {
        let held = Self::held(message)?;
        // Dead letters are kept once per event: a duplicate adds nothing.
        let event_id = Event::parse(message.payload.clone())
            .ok()
            .and_then(|event| event.id())
            .map(|id| id.to_string());
        let letter = DeadLetter {
            id: held.id,
            receipt: held.receipt,
            event_id: event_id.as_deref(),
            reason,
        };
        let (_turn, mut connection) = self.writer().await?;
        match DB::dead_letter(&mut connection, &letter).await {
            Ok(true) => Ok(()),
            Ok(false) => Err(QueueError::Lost(message.id.clone())),
            Err(error) => Err(QueueError::unavailable(error)),
        }
    }
}

impl<DB: Backend> Clone for SqlQueue<DB> {
    fn clone(&self) -> SqlQueue<DB> {
        SqlQueue {
            pool: self.pool.clone(),
            name: self.name.clone(),
            visibility: self.visibility,
            poll: self.poll,
        }
    }
}

impl<DB: Backend> fmt::Debug for SqlQueue<DB> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SqlQueue")
            .field("database", &DB::NAME)
            .field("name", &self.name)
            .field("visibility", &self.visibility)
            .field("poll", &self.poll)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_receipt_is_read_back_from_its_message_id_and_other_ids_are_not_ours() {
        let id = MessageId::from("42.0123456789abcdef0123456789abcdef");
        assert_eq!(
            Receipt::of(&id),
            Some(Receipt {
                id: 42,
                receipt: "0123456789abcdef0123456789abcdef"
            })
        );
        for other in [
            "1526919030474-55",
            "42",
            "42.",
            "x.0123456789abcdef0123456789abcdef",
            "42.short",
        ] {
            assert_eq!(Receipt::of(&MessageId::from(other)), None, "{other}");
        }
    }
}
