//! The last step of a request: deduplicate, enqueue, or run the router
//! (feature `delivery` for the first two).

use http::StatusCode;

use super::{Outcome, Webhook};
use crate::Event;
#[cfg(feature = "delivery")]
use crate::delivery::{Deduplicated, MessageId, QueueError, StoreError};
use crate::router::RunOutcome;

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
    /// Routes and runs one parsed event: where deduplication and the queue
    /// hand-off hook in.
    pub(super) async fn deliver(&self, event: &Event) -> Outcome {
        let ran = |outcome: RunOutcome| Outcome::Ran {
            outcome,
            unrouted_status: self.inner.unrouted_status,
        };
        #[cfg(feature = "delivery")]
        {
            if let Some(queue) = self.inner.router.queue_for(event) {
                return Outcome::Delivery(match queue.push(event.raw().clone()).await {
                    Ok(id) => Delivery::Enqueued(id),
                    Err(error) => Delivery::QueueUnavailable(error),
                });
            }
            // An event without an id cannot be told apart from its duplicates:
            // it is handled without deduplication.
            if let (Some(dedup), Some(id)) = (&self.inner.dedup, event.id()) {
                let router = &self.inner.router;
                let run = dedup.run(id, || router.run(event), RunOutcome::is_success);
                return match run.await {
                    Deduplicated::Ran(outcome) => ran(outcome),
                    Deduplicated::Duplicate => Outcome::Delivery(Delivery::Duplicate),
                    Deduplicated::StillRunning => Outcome::Delivery(Delivery::StillRunning),
                    Deduplicated::Unavailable(error) => {
                        Outcome::Delivery(Delivery::StoreUnavailable(error))
                    }
                };
            }
        }
        ran(self.inner.router.run(event).await)
    }
}
