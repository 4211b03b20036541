//! The queue of one process.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::Duration;

use async_trait::async_trait;
use bytes::Bytes;
use tokio::sync::Notify;
use tokio::time::Instant;

use super::queue::{Message, MessageId, Queue, QueueError};

/// The default bound on the messages a [`MemoryQueue`] holds.
pub const DEFAULT_MEMORY_QUEUE_CAPACITY: usize = 100_000;
/// The default time a received message may stay unacknowledged before it is
/// delivered again (its consumer is taken for dead).
pub const DEFAULT_VISIBILITY_TIMEOUT: Duration = Duration::from_secs(60);

/// A [`Queue`] in this process's memory, for tests and single-process apps
/// that want a fast acknowledgement without durability: its messages are lost
/// when the process exits, so a 2xx for an enqueued event is only as durable
/// as the process. Use `RedisQueue` (`fusionauth-webhooks-redis`) when that
/// matters.
///
/// A message received and not acknowledged within the visibility timeout is
/// delivered again.
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
/// queue.push(Bytes::from_static(b"{}")).await?;
/// let message = queue.receive(1, Duration::ZERO).await?.remove(0);
/// queue.dead_letter(&message, "no handler can ever succeed").await?;
/// assert_eq!(queue.dead_letters().len(), 1);
/// assert!(queue.is_empty());
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
pub struct MemoryQueue {
    capacity: usize,
    visibility: Duration,
    state: Mutex<State>,
    pushed: Notify,
}

#[derive(Debug, Default)]
struct State {
    next_id: u64,
    ready: VecDeque<Message>,
    delayed: Vec<(Instant, Message)>,
    in_flight: HashMap<MessageId, (Instant, Message)>,
    dead: Vec<(Message, String)>,
}

impl State {
    fn len(&self) -> usize {
        self.ready.len() + self.delayed.len() + self.in_flight.len()
    }

    fn new_id(&mut self) -> MessageId {
        self.next_id += 1;
        MessageId::from(self.next_id.to_string())
    }

    /// Moves due retries and expired in-flight messages back to `ready`, and
    /// says when the next one falls due.
    fn promote(&mut self, now: Instant) -> Option<Instant> {
        let (due, later): (Vec<_>, Vec<_>) = std::mem::take(&mut self.delayed)
            .into_iter()
            .partition(|(at, _)| *at <= now);
        self.delayed = later;
        self.ready
            .extend(due.into_iter().map(|(_, message)| message));
        let expired: Vec<MessageId> = self
            .in_flight
            .iter()
            .filter(|(_, (deadline, _))| *deadline <= now)
            .map(|(id, _)| id.clone())
            .collect();
        for id in expired {
            if let Some((_, message)) = self.in_flight.remove(&id) {
                self.ready.push_back(message);
            }
        }
        let next_retry = self.delayed.iter().map(|(at, _)| *at).min();
        let next_expiry = self.in_flight.values().map(|(at, _)| *at).min();
        next_retry.into_iter().chain(next_expiry).min()
    }
}

impl MemoryQueue {
    /// A queue with the default capacity and visibility timeout.
    pub fn new() -> MemoryQueue {
        MemoryQueue {
            capacity: DEFAULT_MEMORY_QUEUE_CAPACITY,
            visibility: DEFAULT_VISIBILITY_TIMEOUT,
            state: Mutex::new(State::default()),
            pushed: Notify::new(),
        }
    }

    /// Bounds the messages held (pushes over it fail with [`QueueError::Full`]).
    pub fn capacity(mut self, capacity: usize) -> MemoryQueue {
        self.capacity = capacity.max(1);
        self
    }

    /// How long a received message may stay unacknowledged before it is
    /// delivered again ([`DEFAULT_VISIBILITY_TIMEOUT`]).
    pub fn visibility_timeout(mut self, timeout: Duration) -> MemoryQueue {
        self.visibility = timeout;
        self
    }

    /// Messages waiting, delayed for a retry, or received and not yet acknowledged.
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    /// Whether no message is waiting, delayed or in flight.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The dead-lettered messages, oldest first.
    pub fn dead_letters(&self) -> Vec<Message> {
        self.lock()
            .dead
            .iter()
            .map(|(message, _)| message.clone())
            .collect()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // Every update leaves the state whole, so a poisoned lock is usable.
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn take_ready(&self, max: usize) -> (Vec<Message>, Option<Instant>) {
        let now = Instant::now();
        let mut state = self.lock();
        let next_due = state.promote(now);
        let count = max.min(state.ready.len());
        let batch: Vec<Message> = state.ready.drain(..count).collect();
        for message in &batch {
            state
                .in_flight
                .insert(message.id.clone(), (now + self.visibility, message.clone()));
        }
        (batch, next_due)
    }
}

impl Default for MemoryQueue {
    fn default() -> MemoryQueue {
        MemoryQueue::new()
    }
}

#[async_trait]
impl Queue for MemoryQueue {
    async fn push(&self, payload: Bytes) -> Result<MessageId, QueueError> {
        let id = {
            let mut state = self.lock();
            if state.len() >= self.capacity {
                return Err(QueueError::Full(state.len()));
            }
            let id = state.new_id();
            state.ready.push_back(Message::new(id.clone(), payload, 1));
            id
        };
        self.pushed.notify_waiters();
        Ok(id)
    }

    async fn receive(&self, max: usize, wait: Duration) -> Result<Vec<Message>, QueueError> {
        let deadline = Instant::now() + wait;
        loop {
            // Registered before looking, so a push in between is not missed.
            let pushed = self.pushed.notified();
            let (batch, next_due) = self.take_ready(max.max(1));
            if !batch.is_empty() || Instant::now() >= deadline {
                return Ok(batch);
            }
            let until = next_due.map_or(deadline, |due| due.min(deadline));
            let _ = tokio::time::timeout_at(until, pushed).await;
        }
    }

    async fn ack(&self, message: &Message) -> Result<(), QueueError> {
        match self.lock().in_flight.remove(&message.id) {
            Some(_) => Ok(()),
            None => Err(QueueError::UnknownMessage(message.id.clone())),
        }
    }

    async fn retry(&self, message: &Message, delay: Duration) -> Result<(), QueueError> {
        let mut state = self.lock();
        let Some((_, held)) = state.in_flight.remove(&message.id) else {
            return Err(QueueError::UnknownMessage(message.id.clone()));
        };
        let id = state.new_id();
        let again = Message::new(id, held.payload, held.attempt + 1);
        state.delayed.push((Instant::now() + delay, again));
        Ok(())
    }

    async fn dead_letter(&self, message: &Message, reason: &str) -> Result<(), QueueError> {
        let mut state = self.lock();
        let Some((_, held)) = state.in_flight.remove(&message.id) else {
            return Err(QueueError::UnknownMessage(message.id.clone()));
        };
        state.dead.push((held, reason.to_owned()));
        Ok(())
    }

    fn reclaim_idle(&self) -> Option<Duration> {
        Some(self.visibility)
    }
}
