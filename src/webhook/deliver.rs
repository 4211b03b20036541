//! The last step of a request: hand the event to its queue (feature
//! `delivery`), or dispatch it here, detached from the connection.

use std::sync::Arc;

use super::{Inner, Outcome, Webhook, runtime};
use crate::dispatch::{Concluded, Dispatched, Read};
use crate::event::EventType;
use crate::handler::HandlerError;
use crate::router::RunOutcome;

impl Webhook {
    /// Writes the event to its queue when its type is enqueued; else runs
    /// its handlers through the dispatcher (deduplicated, within the
    /// deadline).
    ///
    /// The run (with its claim) is detached from the request: when the
    /// sender hangs up (as FusionAuth does at its `readTimeout`), the handlers
    /// still run to completion or to the deadline instead of stopping
    /// half-way, and the claim is still completed or released.
    pub(super) async fn deliver(&self, read: Read) -> Outcome {
        #[cfg(feature = "delivery")]
        if let Some(queue) = self
            .inner
            .handoffs
            .queue_for(&read.event, self.inner.dispatcher.router())
        {
            #[cfg(feature = "otel")]
            let pushed = crate::otel::send(&**queue, &read.event).await;
            #[cfg(not(feature = "otel"))]
            let pushed = queue.push(read.event.raw().clone()).await;
            return match pushed {
                Ok(id) => Outcome::Enqueued(id),
                Err(error) => Outcome::QueueUnavailable(error),
            };
        }
        #[cfg(feature = "otel")]
        let span = crate::otel::spans::process(&read.event);
        let inner = Arc::clone(&self.inner);
        let run = async move {
            let conclude = |outcome: RunOutcome| async move {
                #[cfg(feature = "otel")]
                crate::otel::spans::processed(&outcome);
                let done = outcome.is_success();
                Concluded {
                    result: outcome,
                    done,
                }
            };
            inner.dispatcher.run(read, conclude).await
        };
        // Instrumented before it is detached: a run that finishes on a task
        // of its own stays in its span.
        #[cfg(feature = "otel")]
        let run = tracing::Instrument::instrument(run, span);
        let dispatched = runtime::detached(run, |error| {
            Dispatched::Ran(RunOutcome::Failed(
                HandlerError::retry_later().with_source(error),
            ))
        });
        Outcome::Dispatched(dispatched.await)
    }
}

impl Inner {
    /// Whether events of this type go to a queue rather than run here.
    pub(super) fn enqueues(&self, event_type: EventType) -> bool {
        #[cfg(feature = "delivery")]
        return self.handoffs.takes(event_type);
        #[cfg(not(feature = "delivery"))]
        {
            let _ = event_type;
            false
        }
    }
}
