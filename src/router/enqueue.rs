//! Event types handed to a queue instead of run in the request (feature `delivery`).

use std::sync::Arc;

use super::Router;
use crate::delivery::Queue;
use crate::{Event, EventType};

/// The queue some event types go to.
#[derive(Clone)]
pub(super) struct Handoff {
    types: Vec<EventType>,
    queue: Arc<dyn Queue>,
}

impl Router {
    /// Hands events of these types to `queue` instead of running their
    /// handlers in the request: the webhook answers 202 once the queue
    /// acknowledged the write (503 if it did not), and a
    /// [`Worker`](crate::delivery::Worker) runs this router's handlers on them
    /// later. [`Router::run`] (what the worker calls) ignores this setting.
    ///
    /// Transactional event types are refused: FusionAuth waits for their
    /// answer to commit the operation, so a handler can veto it, and an
    /// enqueued event is answered before any handler runs. Building a webhook
    /// with such a router fails with
    /// [`ConfigError::TransactionalEnqueued`](crate::ConfigError::TransactionalEnqueued);
    /// [`enqueue_transactional`](Router::enqueue_transactional) accepts losing
    /// the veto.
    ///
    /// Share one queue between a router and a worker with an `Arc` (an
    /// `Arc<Q>` is a queue too).
    ///
    /// # Example
    ///
    /// ```
    /// use std::sync::Arc;
    /// use fusionauth_webhooks::delivery::MemoryQueue;
    /// use fusionauth_webhooks::{ConfigError, EventType, Router, Webhook};
    ///
    /// let queue = Arc::new(MemoryQueue::new());
    /// let router = Router::new()
    ///     .on_event(EventType::UserUpdateComplete, |_event| async { Ok(()) })
    ///     .enqueue([EventType::UserUpdateComplete, EventType::UserEmailUpdate], Arc::clone(&queue));
    /// assert!(Webhook::builder().api_key("k").router(router).build().is_ok());
    ///
    /// let vetoable = Router::new().enqueue([EventType::UserCreate], queue);
    /// let built = Webhook::builder().api_key("k").router(vetoable).build();
    /// assert_eq!(built.unwrap_err(), ConfigError::TransactionalEnqueued(EventType::UserCreate));
    /// ```
    pub fn enqueue(
        mut self,
        event_types: impl IntoIterator<Item = EventType>,
        queue: impl Queue,
    ) -> Router {
        let types: Vec<EventType> = event_types.into_iter().collect();
        if let Some(transactional) = types.iter().find(|t| t.is_transactional()) {
            self.refused_transactional.get_or_insert(*transactional);
        }
        self.handoffs.push(Handoff {
            types,
            queue: Arc::new(queue),
        });
        self
    }

    /// Like [`enqueue`](Router::enqueue), transactional types included: their
    /// handlers can no longer veto the FusionAuth operation (the 202 commits it).
    ///
    /// ```
    /// use fusionauth_webhooks::delivery::MemoryQueue;
    /// use fusionauth_webhooks::{EventType, Router, Webhook};
    ///
    /// let router = Router::new().enqueue_transactional([EventType::UserCreate], MemoryQueue::new());
    /// assert!(Webhook::builder().api_key("k").router(router).build().is_ok());
    /// ```
    pub fn enqueue_transactional(
        mut self,
        event_types: impl IntoIterator<Item = EventType>,
        queue: impl Queue,
    ) -> Router {
        self.handoffs.push(Handoff {
            types: event_types.into_iter().collect(),
            queue: Arc::new(queue),
        });
        self
    }

    /// Whether events of this type go to a queue.
    pub(super) fn enqueues(&self, event_type: EventType) -> bool {
        self.handoffs
            .iter()
            .any(|handoff| handoff.types.contains(&event_type))
    }

    /// The queue this event goes to, if its type is enqueued and the filters
    /// let it through (another tenant's event is acknowledged, not queued).
    pub(crate) fn queue_for(&self, event: &Event) -> Option<&Arc<dyn Queue>> {
        let event_type = event.event_type()?;
        let handoff = self
            .handoffs
            .iter()
            .find(|handoff| handoff.types.contains(&event_type))?;
        match self.filter(event) {
            Some(_) => None,
            None => Some(&handoff.queue),
        }
    }

    /// A transactional type given to [`enqueue`](Router::enqueue), for the builder's error.
    pub(crate) fn refused_transactional(&self) -> Option<EventType> {
        self.refused_transactional
    }

    pub(super) fn enqueued_types(&self) -> Vec<&'static str> {
        self.handoffs
            .iter()
            .flat_map(|handoff| handoff.types.iter().map(|t| t.as_str()))
            .collect()
    }
}
