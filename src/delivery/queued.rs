//! The queue message a worker runs an event for, as its handlers see it.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use super::queue::Message;

tokio::task_local! {
    static CURRENT: Arc<QueuedMessage>;
}

/// The queue message whose event a [`Worker`](crate::Worker) is running the
/// handlers of, readable by those handlers while they run
/// ([`QueuedMessage::current`]).
///
/// It lets a handler that writes its effects in a database transaction
/// acknowledge the message in that same transaction (a SQL queue deletes the
/// message's row there): the effect and the acknowledgement then commit
/// together or not at all, and no redelivery follows a crash between the
/// two. The handler may do so only when its success alone settles the
/// message ([`settles_alone`](QueuedMessage::settles_alone): the event went
/// to this one handler), and it then says so with
/// [`mark_acknowledged`](QueuedMessage::mark_acknowledged) after its commit,
/// so that the worker neither acknowledges nor retries the message again.
///
/// The handlers of a webhook's request have no queue message: there,
/// [`current`](QueuedMessage::current) is `None`.
///
/// # Example
///
/// ```
/// use std::sync::Arc;
/// use std::time::Duration;
/// use fusionauth_webhooks::delivery::{MemoryQueue, Queue, QueuedMessage};
/// use fusionauth_webhooks::{EventType, Router, Worker};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let queue = Arc::new(MemoryQueue::new());
/// let router = Router::new().on_event(EventType::UserUpdate, |_event| async {
///     let queued = QueuedMessage::current().expect("run by a worker");
///     assert_eq!(queued.message().attempt, 1);
///     assert!(queued.settles_alone(), "the only handler of its event");
///     Ok(())
/// });
/// queue.push(r#"{"event":{"type":"user.update"}}"#.into()).await?;
/// let worker = Worker::new(router, Arc::clone(&queue));
/// assert_eq!(worker.run_once(Duration::from_millis(100)).await?, 1);
/// assert!(queue.is_empty(), "acknowledged by the worker");
/// assert!(QueuedMessage::current().is_none(), "outside a worker's handler");
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
pub struct QueuedMessage {
    message: Message,
    handlers: usize,
    acknowledged: AtomicBool,
}

impl QueuedMessage {
    /// The message whose event the calling handler runs for, when a worker
    /// runs it; `None` elsewhere (a webhook's request, a task the handler
    /// spawned).
    pub fn current() -> Option<Arc<QueuedMessage>> {
        CURRENT.try_with(Arc::clone).ok()
    }

    /// The message, as the queue delivered it.
    pub fn message(&self) -> &Message {
        &self.message
    }

    /// How many handlers the event was routed to.
    pub fn handlers(&self) -> usize {
        self.handlers
    }

    /// Whether the event went to one handler only, so that this handler's
    /// success settles the message: only then may the handler acknowledge
    /// it itself (with several, another one may still fail and need the
    /// message retried).
    pub fn settles_alone(&self) -> bool {
        self.handlers == 1
    }

    /// Records that the handler acknowledged the message itself, in the
    /// transaction that committed its effects (call it after the commit):
    /// the worker then takes the message as acknowledged, whatever it makes
    /// of the handler's result afterwards.
    pub fn mark_acknowledged(&self) {
        self.acknowledged.store(true, Ordering::Release);
    }

    /// Whether a handler acknowledged the message itself.
    pub fn is_acknowledged(&self) -> bool {
        self.acknowledged.load(Ordering::Acquire)
    }

    /// The message of an event routed to `handlers` handlers.
    pub(crate) fn new(message: Message, handlers: usize) -> Arc<QueuedMessage> {
        Arc::new(QueuedMessage {
            message,
            handlers,
            acknowledged: AtomicBool::new(false),
        })
    }

    /// Runs `work` (the event's dispatch) with this message as the current one.
    pub(crate) async fn scope<F: Future>(self: &Arc<Self>, work: F) -> F::Output {
        CURRENT.scope(Arc::clone(self), work).await
    }
}
