//! The last step of a request: deduplicate, enqueue, or run the router
//! (feature `delivery` for the first two).

use std::future::pending;
use std::sync::Arc;

#[cfg(feature = "delivery")]
use http::StatusCode;

use super::{Inner, Outcome, Webhook, runtime};
#[cfg(feature = "delivery")]
use crate::delivery::{Deduplicated, MessageId, QueueError, StoreError};
use crate::event::AnyPayload;
use crate::router::RunOutcome;
use crate::{Event, HandlerError};

/// How a request ended in the delivery step, beyond running the router.
#[cfg(feature = "delivery")]
#[derive(Debug)]
pub(crate) enum Delivery {
    /// The event id was handled before: acknowledged, nothing ran.
    Duplicate,
    /// Another delivery of this id was still running at the wait bound:
    /// nothing ran; 503, FusionAuth asks again.
    StillRunning,
    /// The deduplication store did not answer: nothing ran; 503.
    StoreUnavailable(StoreError),
    /// Written to the queue (202): a worker runs the handlers.
    Enqueued(MessageId),
    /// The queue did not acknowledge the write: 503.
    QueueUnavailable(QueueError),
}

#[cfg(feature = "delivery")]
impl Delivery {
    pub(crate) fn status(&self) -> StatusCode {
        match self {
            Delivery::Duplicate => StatusCode::OK,
            Delivery::Enqueued(_) => StatusCode::ACCEPTED,
            Delivery::StillRunning
            | Delivery::StoreUnavailable(_)
            | Delivery::QueueUnavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
        }
    }

    pub(crate) fn name(&self) -> &'static str {
        match self {
            Delivery::Duplicate => "duplicate",
            Delivery::StillRunning => "duplicate_still_running",
            Delivery::StoreUnavailable(_) => "dedup_store_unavailable",
            Delivery::Enqueued(_) => "enqueued",
            Delivery::QueueUnavailable(_) => "queue_unavailable",
        }
    }

    pub(crate) fn detail(&self) -> Option<String> {
        match self {
            Delivery::StoreUnavailable(error) => Some(error.to_string()),
            Delivery::QueueUnavailable(error) => Some(error.to_string()),
            Delivery::Enqueued(id) => Some(format!("message {id}")),
            Delivery::Duplicate | Delivery::StillRunning => None,
        }
    }
}

impl Webhook {
    /// Routes the event and runs its handlers within the handler timeout,
    /// deduplicated on its id when configured; or writes it to its queue.
    ///
    /// The run (with its claim) is detached from the request: when the
    /// sender hangs up (as FusionAuth does at its `readTimeout`), the handlers
    /// still run to completion or to the deadline instead of stopping
    /// half-way, and the claim is still completed or released.
    pub(super) async fn deliver(&self, event: &Event, payload: Option<AnyPayload>) -> Outcome {
        #[cfg(feature = "delivery")]
        if let Some(queue) = self.inner.router.queue_for(event) {
            return Outcome::Delivery(match queue.push(event.raw().clone()).await {
                Ok(id) => Delivery::Enqueued(id),
                Err(error) => Delivery::QueueUnavailable(error),
            });
        }
        let inner = Arc::clone(&self.inner);
        let event = event.clone();
        let unrouted_status = inner.unrouted_status;
        let run = async move { inner.deliver_here(&event, payload).await };
        runtime::detached(run, |error| Outcome::Ran {
            outcome: RunOutcome::Failed(HandlerError::retry_later().with_source(error)),
            unrouted_status,
        })
        .await
    }
}

impl Inner {
    async fn deliver_here(&self, event: &Event, payload: Option<AnyPayload>) -> Outcome {
        #[cfg(feature = "delivery")]
        // An event without an id cannot be told apart from its duplicates:
        // it is handled without deduplication.
        if let (Some(dedup), Some(id)) = (&self.dedup, event.id()) {
            let run = dedup.run(id, || self.run(event, payload), RunOutcome::is_success);
            return match run.await {
                Deduplicated::Ran(outcome) => self.ran(outcome),
                Deduplicated::Duplicate => Outcome::Delivery(Delivery::Duplicate),
                Deduplicated::StillRunning => Outcome::Delivery(Delivery::StillRunning),
                Deduplicated::Unavailable(error) => {
                    Outcome::Delivery(Delivery::StoreUnavailable(error))
                }
            };
        }
        self.ran(self.run(event, payload).await)
    }

    /// Runs the router, with the payload read along with the event.
    async fn run(&self, event: &Event, payload: Option<AnyPayload>) -> RunOutcome {
        match (self.handler_timeout, &self.timer) {
            (Some(timeout), Some(timer)) => {
                let deadline = timer.sleep(timeout);
                self.router.run_read(event, payload, deadline).await
            }
            _ => self.router.run_read(event, payload, pending()).await,
        }
    }

    fn ran(&self, outcome: RunOutcome) -> Outcome {
        Outcome::Ran {
            outcome,
            unrouted_status: self.unrouted_status,
        }
    }
}
