//! Delivery guarantees: deduplication on the event id, and a durable hand-off
//! of events to workers (feature `delivery`).
//!
//! FusionAuth retries a failed or slow delivery up to three times, back to
//! back, and apps run several replicas: the same event can reach a handler
//! more than once, on any replica. This module holds the shared-state
//! contracts that prevent it, with in-process implementations; the crates
//! `fusionauth-webhooks-redis` and `fusionauth-webhooks-sqlx` implement them
//! on Redis, and on SQLite and PostgreSQL, for several replicas (the latter
//! also with an inbox, whose mark commits with the handlers' effects).
//!
//! - [`DedupStore`] (claim / complete / release, fenced by a token) and
//!   [`Deduplicator`], which runs work at most once per event id;
//!   [`MemoryStore`] for one process.
//! - [`Queue`] (push / receive / ack / retry / dead-letter) for an
//!   at-least-once hand-off
//!   ([`WebhookBuilder::enqueue`](crate::WebhookBuilder::enqueue));
//!   [`MemoryQueue`] for one process. The [`Worker`](crate::Worker) that
//!   consumes it is the queue's door, beside the webhook; its handlers see
//!   the message they run for as the [`QueuedMessage`].
//!
//! # Example
//!
//! ```
//! use fusionauth_webhooks::delivery::{Deduplicated, Deduplicator, MemoryStore};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! let dedup = Deduplicator::new(MemoryStore::new());
//! let id = uuid::Uuid::from_u128(1);
//! // A failure releases the claim: the retry runs again.
//! let failed = dedup.run(id, || async { Err::<(), _>("smtp down") }, Result::is_ok).await;
//! assert!(matches!(failed, Deduplicated::Ran(Err(_))));
//! let retried = dedup.run(id, || async { Ok::<_, &str>(()) }, Result::is_ok).await;
//! assert!(matches!(retried, Deduplicated::Ran(Ok(()))));
//! // A success is remembered: the next duplicate runs nothing.
//! let duplicate = dedup.run(id, || async { Ok::<_, &str>(()) }, Result::is_ok).await;
//! assert!(matches!(duplicate, Deduplicated::Duplicate));
//! # }
//! ```

mod dedup;
mod memory_queue;
mod memory_store;
mod queue;
mod queued;
mod store;

pub use dedup::{
    DEFAULT_DUPLICATE_WAIT, DEFAULT_LEASE, DEFAULT_RETENTION, Deduplicated, Deduplicator,
};
pub use memory_queue::{DEFAULT_MEMORY_QUEUE_CAPACITY, DEFAULT_VISIBILITY_TIMEOUT, MemoryQueue};
pub use memory_store::{DEFAULT_MEMORY_STORE_CAPACITY, MemoryStore};
pub use queue::{Message, MessageId, Queue, QueueError};
pub use queued::QueuedMessage;
pub use store::{Claim, ClaimToken, DedupStore, StoreError};

/// The `tracing` target of the delivery module's log lines.
pub const LOG_TARGET: &str = "fusionauth_webhooks::delivery";
