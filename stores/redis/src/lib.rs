//! Redis engine for [`fusionauth_webhooks`]: the deduplication store and the
//! worker queue that several replicas share, on one Redis or a Redis Cluster,
//! over TLS if asked, in a namespace of their own.
//!
//! - [`RedisConfig`]: where Redis is (a URL, or a Cluster's nodes), the
//!   deployment's namespace (required: FusionAuth sends the same event id to
//!   every webhook), TLS ([`TlsConfig`], feature `tls`), and optional
//!   replication (`WAIT`) before a write counts.
//! - [`RedisStore`]: a [`DedupStore`](fusionauth_webhooks::delivery::DedupStore)
//!   (`SET NX PX` claims, token-checked scripts to complete or release).
//! - [`RedisQueue`]: a [`Queue`](fusionauth_webhooks::delivery::Queue) on a
//!   Redis stream with a consumer group, `XAUTOCLAIM` for a dead worker's
//!   messages, fenced settlement, and a dead-letter stream.
//!
//! Connections reconnect by themselves (a Cluster connection follows
//! failovers); while Redis is away every operation fails at once, and the
//! webhook answers 503 (FusionAuth retries).
//!
//! # Example
//!
//! ```no_run
//! use fusionauth_webhooks::delivery::Deduplicator;
//! use fusionauth_webhooks_redis::{RedisConfig, RedisQueue, RedisStore};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let config = RedisConfig::new("redis://127.0.0.1:6379/", "billing")?;
//! let dedup = Deduplicator::new(RedisStore::connect(&config).await?);
//! let queue = RedisQueue::connect(&config, "receiver-1").await?;
//! # let _ = (dedup, queue);
//! # Ok(())
//! # }
//! ```
//!
//! # Feature flags
//!
//! | name | what it adds | default |
//! |---|---|---|
//! | `tls` | `rediss://` URLs with rustls: [`TlsConfig`] (a private CA, client certificates) | no |
//! | `testing` | [`testing`]: a real `redis-server`, with TLS or as a replica, and a six-node Redis Cluster, for tests | no |

#![cfg_attr(docsrs, feature(doc_cfg))]

mod config;
mod connect;
mod keys;
mod queue;
mod store;
#[cfg(feature = "testing")]
#[cfg_attr(docsrs, doc(cfg(feature = "testing")))]
pub mod testing;
#[cfg(feature = "tls")]
mod tls;
mod write;

pub use config::{ConfigError, MAX_NAMESPACE_LEN, RedisConfig};
pub use queue::{DEFAULT_RECLAIM_IDLE, DeadLetter, RedisQueue};
pub use store::RedisStore;
#[cfg(feature = "tls")]
#[cfg_attr(docsrs, doc(cfg(feature = "tls")))]
pub use tls::TlsConfig;
