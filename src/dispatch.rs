//! One step from a body to what came of it, for every door: the webhook
//! answers it over HTTP, the worker settles its queue message with it.
//!
//! The step reads the event (and, in the same pass, the typed payload a
//! handler will take), runs the router at most once per event id when a
//! deduplication store is set, within the handler deadline, and lets the
//! door conclude while the claim on the id is still held. Each door then
//! maps the one result to its own answer in one place: the webhook to a
//! status (`webhook/response.rs`), the worker to ack, retry or dead letter
//! (`worker.rs`).

use std::future::{Future, pending};
use std::time::Duration;

use bytes::Bytes;

#[cfg(feature = "delivery")]
use crate::delivery::{Deduplicated, Deduplicator, StoreError};
use crate::event::AnyPayload;
use crate::event::{Event, EventType, ParseError};
use crate::router::{Router, RunOutcome};
use crate::timer::Timer;

/// Runs a router's handlers on events, the same way for every door.
#[derive(Clone, Debug)]
pub(crate) struct Dispatcher {
    router: Router,
    deadline: Option<Deadline>,
    #[cfg(feature = "delivery")]
    dedup: Option<Deduplicator>,
}

/// How long the handlers of one event may run, and the timer that measures it.
#[derive(Clone, Debug)]
pub(crate) struct Deadline {
    pub(crate) timeout: Duration,
    pub(crate) timer: Timer,
}

/// An event read for the router: the event, and the typed payload a handler
/// takes, read in the same pass.
pub(crate) struct Read {
    pub(crate) event: Event,
    payload: Option<AnyPayload>,
}

/// What one dispatch came to.
#[derive(Debug)]
pub(crate) enum Dispatched<T> {
    /// The router ran and the door concluded with `T`.
    Ran(T),
    /// The event id was handled before: nothing ran.
    #[cfg(feature = "delivery")]
    Duplicate,
    /// Another delivery of this id was still running at the wait bound:
    /// nothing ran.
    #[cfg(feature = "delivery")]
    StillRunning,
    /// The deduplication store did not answer: nothing ran.
    #[cfg(feature = "delivery")]
    StoreUnavailable(StoreError),
}

/// What a door made of a run, and whether the event is now done with (its
/// id is then remembered as handled; otherwise the claim is released and a
/// later delivery runs it again).
pub(crate) struct Concluded<T> {
    pub(crate) result: T,
    // Read by deduplication alone.
    #[cfg_attr(not(feature = "delivery"), allow(dead_code))]
    pub(crate) done: bool,
}

impl Dispatcher {
    pub(crate) fn new(router: Router) -> Dispatcher {
        Dispatcher {
            router,
            deadline: None,
            #[cfg(feature = "delivery")]
            dedup: None,
        }
    }

    /// Drops the handlers still running at the deadline (none by default).
    pub(crate) fn deadline(mut self, deadline: Option<Deadline>) -> Dispatcher {
        self.deadline = deadline;
        self
    }

    /// Runs each event id at most once, with this deduplicator.
    #[cfg(feature = "delivery")]
    pub(crate) fn deduplicate(mut self, dedup: Option<Deduplicator>) -> Dispatcher {
        self.dedup = dedup;
        self
    }

    /// The router, for the webhook's hand-off to filter on.
    #[cfg(feature = "delivery")]
    pub(crate) fn router(&self) -> &Router {
        &self.router
    }

    /// Reads a body for the router in one pass: the event, and the payload
    /// of a typed handler that takes its type, unless `elsewhere` says the
    /// type is not run here (the webhook's enqueued types).
    pub(crate) fn read(
        &self,
        raw: Bytes,
        elsewhere: impl Fn(EventType) -> bool,
    ) -> Result<Read, ParseError> {
        if !self.router.has_typed_handlers() {
            // No payload to read: the routing fields alone, nothing set aside.
            return Event::parse(raw).map(|event| Read {
                event,
                payload: None,
            });
        }
        let (event, payload) = crate::event::parse_with_payload(raw, |event_type, tenant| {
            !elsewhere(event_type) && self.router.takes_payload(event_type, tenant)
        })?;
        Ok(Read { event, payload })
    }

    /// Runs the router on a read event within the deadline, at most once
    /// per event id when deduplicating; `conclude` turns the outcome into
    /// the door's result while the claim is still held.
    pub(crate) async fn run<T, C, F>(&self, read: Read, conclude: C) -> Dispatched<T>
    where
        C: FnOnce(RunOutcome) -> F,
        F: Future<Output = Concluded<T>>,
    {
        let Read { event, payload } = read;
        let work = || async {
            let outcome = self.run_router(&event, payload).await;
            conclude(outcome).await
        };
        #[cfg(feature = "delivery")]
        // An event without an id cannot be told apart from its duplicates:
        // it runs without deduplication.
        if let (Some(dedup), Some(id)) = (&self.dedup, event.id()) {
            return match dedup.run(id, work, |concluded| concluded.done).await {
                Deduplicated::Ran(concluded) => Dispatched::Ran(concluded.result),
                Deduplicated::Duplicate => Dispatched::Duplicate,
                Deduplicated::StillRunning => Dispatched::StillRunning,
                Deduplicated::Unavailable(error) => Dispatched::StoreUnavailable(error),
            };
        }
        Dispatched::Ran(work().await.result)
    }

    async fn run_router(&self, event: &Event, payload: Option<AnyPayload>) -> RunOutcome {
        match &self.deadline {
            Some(deadline) => {
                let expiry = deadline.timer.sleep(deadline.timeout);
                self.router.run_read(event, payload, expiry).await
            }
            None => self.router.run_read(event, payload, pending()).await,
        }
    }
}
