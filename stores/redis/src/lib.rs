//! Redis engine for [`fusionauth_webhooks`]: the deduplication store and the
//! worker queue that several replicas share.
//!
//! - [`RedisStore`]: a [`DedupStore`](fusionauth_webhooks::delivery::DedupStore)
//!   (`SET NX PX` claims, token-checked scripts to complete or release).
//! - [`RedisQueue`]: a [`Queue`](fusionauth_webhooks::delivery::Queue) on a
//!   Redis stream with a consumer group, `XAUTOCLAIM` for a dead worker's
//!   messages, and a dead-letter stream.
//!
//! Both use the `redis` crate's [`ConnectionManager`](redis::aio::ConnectionManager),
//! which reconnects by itself; while Redis is away every operation fails at
//! once, and the webhook answers 503 (FusionAuth retries).
//!
//! # Example
//!
//! ```no_run
//! use fusionauth_webhooks::delivery::Deduplicator;
//! use fusionauth_webhooks_redis::{RedisQueue, RedisStore};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let url = "redis://127.0.0.1:6379/";
//! let dedup = Deduplicator::new(RedisStore::connect(url).await?);
//! let queue = RedisQueue::connect(url, "receiver-1").await?;
//! # let _ = (dedup, queue);
//! # Ok(())
//! # }
//! ```

#![cfg_attr(docsrs, feature(doc_cfg))]

mod connect;
mod queue;
mod store;
#[cfg(feature = "testing")]
#[cfg_attr(docsrs, doc(cfg(feature = "testing")))]
pub mod testing;

pub use queue::{DEFAULT_GROUP, DEFAULT_RECLAIM_IDLE, DEFAULT_STREAM, RedisQueue};
pub use store::{DEFAULT_STORE_PREFIX, RedisStore};
