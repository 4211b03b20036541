//! The queue's door: running a router's handlers on each queued event, with
//! deduplication, retries with backoff and a dead letter (feature
//! `delivery`).

use std::fmt;
use std::future::Future;
use std::pin::pin;
use std::sync::Arc;
use std::time::Duration;

use futures_util::future::{Either, join_all, select};

use crate::delivery::{Deduplicator, LOG_TARGET, Message, Queue, QueueError, QueuedMessage};
use crate::dispatch::{Concluded, Deadline, Dispatched, Dispatcher};
use crate::router::{Router, RunOutcome};
use crate::timer::Timer;

/// The default number of attempts before an event goes to the dead letters.
pub const DEFAULT_MAX_ATTEMPTS: u32 = 5;
/// The default delay before the first retry; it doubles on each attempt.
pub const DEFAULT_RETRY_BACKOFF: Duration = Duration::from_secs(1);
/// The default cap on the retry delay.
pub const DEFAULT_MAX_BACKOFF: Duration = Duration::from_secs(5 * 60);
const DEFAULT_BATCH: usize = 32;
const RECEIVE_WAIT: Duration = Duration::from_secs(1);
const AFTER_QUEUE_ERROR: Duration = Duration::from_secs(1);

/// Consumes a [`Queue`] and runs a [`Router`]'s handlers on each event: the
/// other half of [`WebhookBuilder::enqueue`](crate::WebhookBuilder::enqueue).
///
/// For each message: parse it (as [`Event::parse`](crate::Event::parse) does, reading a typed
/// handler's payload in the same pass), then run the router (as
/// [`Router::run_until`] does, with the [handler deadline](Worker::handler_timeout)),
/// deduplicated on the event id when a store is set (the same store as the
/// webhook's, so an event is handled once however often it was queued).
///
/// | outcome | the message |
/// |---|---|
/// | handled, unrouted, filtered out, or a duplicate of a handled event | acknowledged |
/// | a handler failed, panicked or timed out | retried after a backoff (1 s, 2 s, 4 s, … up to a cap), attempt + 1 |
/// | still failing at the last attempt ([`max_attempts`](Worker::max_attempts)) | dead-lettered |
/// | the body or a typed payload does not parse | dead-lettered at once |
/// | another worker is running the same event, or the store is unreachable | retried after the backoff (this counts as an attempt: the queue's attempt number is the only counter) |
///
/// A handler sees the message it runs for as the
/// [`QueuedMessage`](crate::delivery::QueuedMessage); when the event goes to
/// that handler alone, it may acknowledge the message in the transaction of
/// its own effects (as the SQL inbox of `fusionauth-webhooks-sqlx` does), and
/// the worker then leaves the message be.
///
/// A batch's messages run concurrently. [`run`](Worker::run) stops between
/// batches when its shutdown future completes, after the running batch
/// finished. A worker killed mid-batch leaves its messages pending: the queue
/// delivers them again (Redis: `XAUTOCLAIM` after the idle time), and the
/// claims it held expire with their lease, so their handlers run again.
///
/// # Example
///
/// ```
/// use std::sync::Arc;
/// use std::time::Duration;
/// use fusionauth_webhooks::delivery::{MemoryQueue, MemoryStore, Queue};
/// use fusionauth_webhooks::{EventType, HandlerError, Router, Worker};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let queue = Arc::new(MemoryQueue::new());
/// let router = Router::new()
///     .on_event(EventType::UserUpdate, |_event| async { Ok(()) })
///     .on_event(EventType::UserDeactivate, |_event| async { Err(HandlerError::retry_later()) });
/// let worker = Worker::new(router, Arc::clone(&queue))
///     .deduplicate(MemoryStore::new())
///     .max_attempts(1);
///
/// queue.push(r#"{"event":{"type":"user.update","id":"6f0c2b8e-1d3a-4e5f-8a9b-0c1d2e3f4a5b"}}"#.into()).await?;
/// queue.push(r#"{"event":{"type":"user.deactivate"}}"#.into()).await?;
/// assert_eq!(worker.run_once(Duration::from_millis(100)).await?, 2);
/// assert!(queue.is_empty());
/// assert_eq!(queue.dead_letters().len(), 1);
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct Worker {
    dispatcher: Dispatcher,
    queue: Arc<dyn Queue>,
    max_attempts: u32,
    backoff: Duration,
    max_backoff: Duration,
    batch: usize,
}

/// What became of one message.
enum Settled {
    Acked,
    Retried,
    DeadLettered,
}

/// What the worker made of a run while the event's claim was held.
enum Verdict {
    /// Handled (or nothing to do): acknowledge.
    Done,
    /// Failed, with attempts left: retry after a backoff.
    Failed(RunOutcome),
    /// Given up on, and the dead letter's write came to this.
    DeadLettered(Result<Settled, QueueError>),
}

impl Worker {
    /// A worker running `router`'s handlers on the events of `queue`, with a
    /// handler deadline of half the queue's [reclaim idle
    /// time](Queue::reclaim_idle) (none for a queue that never reclaims).
    pub fn new(router: Router, queue: impl Queue) -> Worker {
        let queue: Arc<dyn Queue> = Arc::new(queue);
        // Half leaves the other half for a duplicate's wait, the settlement,
        // and a busy machine, before another worker takes the message over.
        let handler_timeout = queue.reclaim_idle().map(|idle| idle / 2);
        Worker {
            dispatcher: Dispatcher::new(router).deadline(deadline(handler_timeout)),
            queue,
            max_attempts: DEFAULT_MAX_ATTEMPTS,
            backoff: DEFAULT_RETRY_BACKOFF,
            max_backoff: DEFAULT_MAX_BACKOFF,
            batch: DEFAULT_BATCH,
        }
    }

    /// Runs each event at most once per id, with this store (or
    /// [`Deduplicator`]): use the webhook's.
    pub fn deduplicate(mut self, dedup: impl Into<Deduplicator>) -> Worker {
        self.dispatcher = self.dispatcher.deduplicate(Some(dedup.into()));
        self
    }

    /// Attempts before an event is dead-lettered ([`DEFAULT_MAX_ATTEMPTS`], at least 1).
    pub fn max_attempts(mut self, attempts: u32) -> Worker {
        self.max_attempts = attempts.max(1);
        self
    }

    /// The first retry's delay, doubled on each attempt up to `max`
    /// ([`DEFAULT_RETRY_BACKOFF`], [`DEFAULT_MAX_BACKOFF`]).
    pub fn retry_backoff(mut self, first: Duration, max: Duration) -> Worker {
        self.backoff = first;
        self.max_backoff = max.max(first);
        self
    }

    /// Drops the handlers' futures of an event still running after `timeout`
    /// (a failed attempt, retried). Keep it below the dedup lease. By
    /// default, half the queue's [reclaim idle time](Queue::reclaim_idle).
    ///
    /// # Panics
    ///
    /// When `timeout` is not below the queue's reclaim idle time: a handler
    /// still running then would be taken for dead, and its event run a second
    /// time by another worker while it still runs.
    pub fn handler_timeout(mut self, timeout: Duration) -> Worker {
        if let Some(idle) = self.queue.reclaim_idle() {
            assert!(
                timeout < idle,
                "Worker::handler_timeout: the handler deadline ({timeout:?}) must be below the \
                 queue's reclaim idle time ({idle:?}), else a handler still running is taken for \
                 dead and its event runs again on another worker; lower the deadline or raise \
                 the queue's idle time"
            );
        }
        self.dispatcher = self.dispatcher.deadline(deadline(Some(timeout)));
        self
    }

    /// The most messages taken, and run concurrently, at once (32).
    pub fn batch_size(mut self, messages: usize) -> Worker {
        self.batch = messages.max(1);
        self
    }

    /// Consumes the queue until `shutdown` completes, then returns once the
    /// running batch is done. Queue errors are logged and retried after a
    /// second.
    pub async fn run(&self, shutdown: impl Future<Output = ()>) {
        let mut shutdown = pin!(shutdown);
        loop {
            let received = pin!(self.queue.receive(self.batch, RECEIVE_WAIT));
            let batch = match select(received, shutdown.as_mut()).await {
                Either::Right(((), _)) => return,
                Either::Left((batch, _)) => batch,
            };
            match batch {
                Ok(messages) => self.process_all(messages).await,
                Err(error) => {
                    tracing::warn!(target: LOG_TARGET, %error, "receiving from the queue failed");
                    let pause = pin!(tokio::time::sleep(AFTER_QUEUE_ERROR));
                    if let Either::Right(_) = select(pause, shutdown.as_mut()).await {
                        return;
                    }
                }
            }
        }
    }

    /// Receives one batch (waiting up to `wait` for it) and handles it; the
    /// number of messages handled.
    pub async fn run_once(&self, wait: Duration) -> Result<usize, QueueError> {
        let messages = self.queue.receive(self.batch, wait).await?;
        let count = messages.len();
        self.process_all(messages).await;
        Ok(count)
    }

    /// Handles a batch, its messages concurrently.
    async fn process_all(&self, messages: Vec<Message>) {
        join_all(messages.into_iter().map(|message| self.process(message))).await;
    }

    /// Handles one message, in its process span (feature `otel`), which
    /// continues the trace the message carries.
    async fn process(&self, message: Message) {
        #[cfg(feature = "otel")]
        {
            let (span, body) = crate::otel::consume(&message, self.queue.consumer_group());
            tracing::Instrument::instrument(self.process_body(message, body), span).await;
        }
        #[cfg(not(feature = "otel"))]
        {
            let body = message.payload.clone();
            self.process_body(message, body).await;
        }
    }

    /// Handles one message whose event is `body` (its payload, without the
    /// trace context it may carry).
    async fn process_body(&self, message: Message, body: bytes::Bytes) {
        let settled = match self.dispatcher.read(body, |_| false) {
            Ok(read) => {
                #[cfg(feature = "otel")]
                crate::otel::spans::processing(&tracing::Span::current(), &read.event);
                let handlers = self.dispatcher.router().handler_count(&read.event);
                let queued = QueuedMessage::new(message.clone(), handlers);
                let dispatched = queued
                    .scope(
                        self.dispatcher
                            .run(read, |outcome| self.conclude(&queued, outcome)),
                    )
                    .await;
                self.settle(&queued, dispatched).await
            }
            Err(error) => {
                self.dead_letter(&message, &format!("invalid body: {error}"))
                    .await
            }
        };
        match settled {
            Ok(_) => {}
            Err(QueueError::Lost(_)) => tracing::warn!(
                target: LOG_TARGET, message = %message.id,
                "the message was taken over by another worker (or lost with the queue's data) \
                 before this one settled it; its outcome here was not applied"
            ),
            // The message stays pending: the queue delivers it again.
            Err(error) => tracing::warn!(
                target: LOG_TARGET, message = %message.id, %error,
                "settling a queued message failed"
            ),
        }
    }

    /// Decides on a run while the event's claim is held: a run that failed
    /// for good (the last attempt, or a payload that cannot parse) is
    /// dead-lettered here, before the claim is completed, so that a crash in
    /// between leaves the event to run again, never lost. A message its
    /// handler acknowledged itself (in the transaction of its effects) is
    /// done, even if the deadline cut the handler short after its commit.
    async fn conclude(&self, queued: &QueuedMessage, outcome: RunOutcome) -> Concluded<Verdict> {
        let message = queued.message();
        #[cfg(feature = "otel")]
        crate::otel::spans::processed(&outcome);
        if outcome.is_success() || queued.is_acknowledged() {
            return Concluded {
                result: Verdict::Done,
                done: true,
            };
        }
        let last = message.attempt >= self.max_attempts;
        if last || matches!(outcome, RunOutcome::InvalidPayload(_)) {
            let settled = self.dead_letter(message, &failure(&outcome)).await;
            let done = settled.is_ok();
            return Concluded {
                result: Verdict::DeadLettered(settled),
                done,
            };
        }
        Concluded {
            result: Verdict::Failed(outcome),
            done: false,
        }
    }

    /// What each dispatch result does to the message: the worker's whole
    /// mapping, in one place.
    async fn settle(
        &self,
        queued: &QueuedMessage,
        dispatched: Dispatched<Verdict>,
    ) -> Result<Settled, QueueError> {
        let message = queued.message();
        match dispatched {
            Dispatched::Ran(Verdict::Done) if queued.is_acknowledged() => Ok(Settled::Acked),
            Dispatched::Ran(Verdict::Done) | Dispatched::Duplicate => self.ack(message).await,
            Dispatched::Ran(Verdict::DeadLettered(settled)) => settled,
            Dispatched::Ran(Verdict::Failed(outcome)) => {
                tracing::info!(
                    target: LOG_TARGET, message = %message.id, attempt = message.attempt,
                    outcome = outcome.name(), "queued event failed; retrying"
                );
                self.retry(message).await
            }
            Dispatched::StillRunning => self.retry(message).await,
            Dispatched::StoreUnavailable(error) => {
                tracing::warn!(target: LOG_TARGET, %error, "deduplication store unavailable");
                self.retry(message).await
            }
        }
    }

    async fn ack(&self, message: &Message) -> Result<Settled, QueueError> {
        let acked = self.queue.ack(message);
        #[cfg(feature = "otel")]
        let acked = crate::otel::settle("ack", acked);
        acked.await.map(|()| Settled::Acked)
    }

    async fn retry(&self, message: &Message) -> Result<Settled, QueueError> {
        let delay = self.backoff_for(message.attempt);
        let retried = self.queue.retry(message, delay);
        #[cfg(feature = "otel")]
        let retried = crate::otel::settle("retry", retried);
        retried.await.map(|()| Settled::Retried)
    }

    async fn dead_letter(&self, message: &Message, reason: &str) -> Result<Settled, QueueError> {
        tracing::warn!(
            target: LOG_TARGET, message = %message.id, attempt = message.attempt, reason,
            "queued event dead-lettered"
        );
        let dead_lettered = self.queue.dead_letter(message, reason);
        #[cfg(feature = "otel")]
        let dead_lettered = crate::otel::settle("dead_letter", dead_lettered);
        dead_lettered.await.map(|()| Settled::DeadLettered)
    }

    fn backoff_for(&self, attempt: u32) -> Duration {
        let doublings = attempt.saturating_sub(1).min(20);
        self.backoff
            .saturating_mul(1 << doublings)
            .min(self.max_backoff)
    }
}

/// The deadline of `timeout`, measured with tokio's timer.
fn deadline(timeout: Option<Duration>) -> Option<Deadline> {
    timeout
        .zip(Timer::tokio())
        .map(|(timeout, timer)| Deadline { timeout, timer })
}

fn failure(outcome: &RunOutcome) -> String {
    match outcome {
        RunOutcome::InvalidPayload(error) => format!("invalid payload: {error}"),
        RunOutcome::Failed(error) => format!("handler failed: {error}"),
        other => other.name().to_owned(),
    }
}

impl fmt::Debug for Worker {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Worker")
            .field("dispatcher", &self.dispatcher)
            .field("max_attempts", &self.max_attempts)
            .field("backoff", &self.backoff)
            .field("max_backoff", &self.max_backoff)
            .field("batch", &self.batch)
            .finish_non_exhaustive()
    }
}
