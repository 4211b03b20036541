//! The builder's delivery settings (feature `delivery`): deduplication and
//! the hand-off of event types to a queue.

use std::sync::Arc;

use super::WebhookBuilder;
use crate::delivery::{Deduplicator, Queue};
use crate::event::EventType;

#[cfg_attr(docsrs, doc(cfg(feature = "delivery")))]
impl WebhookBuilder {
    /// Runs the handlers at most once per event id, across FusionAuth's
    /// retries and, with a shared store, across replicas: a store
    /// ([`MemoryStore`](crate::delivery::MemoryStore) for one process,
    /// `RedisStore` from `fusionauth-webhooks-redis` for several), or a
    /// [`Deduplicator`](crate::delivery::Deduplicator) with its lease,
    /// retention and wait set.
    ///
    /// | delivery | answer |
    /// |---|---|
    /// | first of an id | handlers run; 2xx on success (id done), else their status (claim released, FusionAuth's retry runs them again) |
    /// | duplicate of a done id | 200, nothing runs |
    /// | duplicate while the first runs | waits for it up to the bound: done → 200; released → runs here; still running → 503 |
    /// | store unreachable | 503, nothing runs |
    /// | event without an id | handlers run, no deduplication |
    ///
    /// # Example
    ///
    /// ```
    /// use std::sync::Arc;
    /// use std::sync::atomic::{AtomicUsize, Ordering};
    /// use fusionauth_webhooks::delivery::MemoryStore;
    /// use fusionauth_webhooks::{EventType, Router, Webhook};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let emails = Arc::new(AtomicUsize::new(0));
    /// let counter = Arc::clone(&emails);
    /// let webhook = Webhook::builder()
    ///     .api_key("k")
    ///     .deduplicate(MemoryStore::new())
    ///     .router(Router::new().on_event(EventType::UserCreateComplete, move |_event| {
    ///         let counter = Arc::clone(&counter);
    ///         async move {
    ///             counter.fetch_add(1, Ordering::SeqCst);
    ///             Ok(())
    ///         }
    ///     }))
    ///     .build()?;
    /// let body = r#"{"event":{"type":"user.create.complete","id":"b0f3c5e2-4c1a-4f8e-9d2b-6a7e8f9a0b1c"}}"#;
    /// for _ in 0..3 {
    ///     let request = http::Request::post("/")
    ///         .header("authorization", "k")
    ///         .header("content-type", "application/json")
    ///         .body(bytes::Bytes::from_static(body.as_bytes()))?;
    ///     assert_eq!(webhook.handle(request).await.status(), 200);
    /// }
    /// assert_eq!(emails.load(Ordering::SeqCst), 1);
    /// # Ok(())
    /// # }
    /// ```
    pub fn deduplicate(mut self, dedup: impl Into<Deduplicator>) -> WebhookBuilder {
        self.dedup = Some(dedup.into());
        self
    }

    /// Hands events of these types to `queue` instead of running their
    /// handlers in the request: the webhook answers 202 once the queue
    /// acknowledged the write (503 if it did not), and a
    /// [`Worker`](crate::Worker) on the same router runs their handlers
    /// later. Events of other tenants or applications (the router's filters)
    /// are acknowledged, not queued.
    ///
    /// Transactional event types are refused: FusionAuth waits for their
    /// answer to commit the operation, so a handler can veto it, and an
    /// enqueued event is answered before any handler runs.
    /// [`build`](WebhookBuilder::build) then fails with
    /// [`ConfigError::TransactionalEnqueued`](crate::ConfigError::TransactionalEnqueued);
    /// [`enqueue_transactional`](WebhookBuilder::enqueue_transactional)
    /// accepts losing the veto.
    ///
    /// Share one queue between the webhook and a worker with an `Arc` (an
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
    /// let router = Router::new().on_event(EventType::UserUpdateComplete, |_event| async { Ok(()) });
    /// let webhook = Webhook::builder()
    ///     .api_key("k")
    ///     .router(router.clone())
    ///     .enqueue([EventType::UserUpdateComplete, EventType::UserEmailUpdate], Arc::clone(&queue))
    ///     .build();
    /// assert!(webhook.is_ok());
    ///
    /// let vetoable = Webhook::builder()
    ///     .api_key("k")
    ///     .router(router)
    ///     .enqueue([EventType::UserCreate], queue)
    ///     .build();
    /// assert_eq!(vetoable.unwrap_err(), ConfigError::TransactionalEnqueued(EventType::UserCreate));
    /// ```
    pub fn enqueue(
        mut self,
        event_types: impl IntoIterator<Item = EventType>,
        queue: impl Queue,
    ) -> WebhookBuilder {
        let types = event_types.into_iter().collect();
        self.handoffs.add(types, Arc::new(queue), false);
        self
    }

    /// Like [`enqueue`](WebhookBuilder::enqueue), transactional types
    /// included: their handlers can no longer veto the FusionAuth operation
    /// (the 202 commits it).
    ///
    /// ```
    /// use fusionauth_webhooks::delivery::MemoryQueue;
    /// use fusionauth_webhooks::{EventType, Router, Webhook};
    ///
    /// let webhook = Webhook::builder()
    ///     .api_key("k")
    ///     .allow_no_handlers()
    ///     .enqueue_transactional([EventType::UserCreate], MemoryQueue::new())
    ///     .build();
    /// assert!(webhook.is_ok());
    /// ```
    pub fn enqueue_transactional(
        mut self,
        event_types: impl IntoIterator<Item = EventType>,
        queue: impl Queue,
    ) -> WebhookBuilder {
        let types = event_types.into_iter().collect();
        self.handoffs.add(types, Arc::new(queue), true);
        self
    }
}
