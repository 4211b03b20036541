//! Event types the webhook hands to a queue instead of running them in the
//! request (feature `delivery`): answered 202 once the queue holds them, run
//! later by a [`Worker`](crate::Worker) on the same router.

use std::fmt;
use std::sync::Arc;

use crate::delivery::Queue;
use crate::event::{Event, EventType};
use crate::router::Router;

/// The queues some event types go to, in the order they were given.
#[derive(Clone, Default)]
pub(super) struct Handoffs {
    handoffs: Vec<Handoff>,
    /// The first transactional type given to `enqueue`, for `build`'s error.
    refused_transactional: Option<EventType>,
}

#[derive(Clone)]
struct Handoff {
    types: Vec<EventType>,
    queue: Arc<dyn Queue>,
}

impl Handoffs {
    /// Hands `types` to `queue`; a transactional type is remembered for
    /// `build` to refuse unless `transactional` accepts losing the veto.
    pub(super) fn add(
        &mut self,
        types: Vec<EventType>,
        queue: Arc<dyn Queue>,
        transactional: bool,
    ) {
        if !transactional && let Some(found) = types.iter().find(|t| t.is_transactional()) {
            self.refused_transactional.get_or_insert(*found);
        }
        self.handoffs.push(Handoff { types, queue });
    }

    pub(super) fn refused_transactional(&self) -> Option<EventType> {
        self.refused_transactional
    }

    /// Whether no event type goes to a queue.
    pub(super) fn is_empty(&self) -> bool {
        self.handoffs.is_empty()
    }

    /// Whether events of this type go to a queue.
    pub(super) fn takes(&self, event_type: EventType) -> bool {
        self.handoffs
            .iter()
            .any(|handoff| handoff.types.contains(&event_type))
    }

    /// The queue this event goes to, if its type is handed off and the
    /// router's filters let it through (another tenant's event is
    /// acknowledged, not queued).
    pub(super) fn queue_for(&self, event: &Event, router: &Router) -> Option<&Arc<dyn Queue>> {
        let event_type = event.event_type()?;
        let handoff = self
            .handoffs
            .iter()
            .find(|handoff| handoff.types.contains(&event_type))?;
        match router.filter(event) {
            Some(_) => None,
            None => Some(&handoff.queue),
        }
    }
}

impl fmt::Debug for Handoffs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let types: Vec<&str> = self
            .handoffs
            .iter()
            .flat_map(|handoff| handoff.types.iter().map(|t| t.as_str()))
            .collect();
        f.debug_list().entries(types).finish()
    }
}
