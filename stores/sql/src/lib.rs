//! SQL engine for [`fusionauth_webhooks`] on [`sqlx`]: exactly-once effects
//! in your app's own database, a queue for workers and a deduplication
//! store, on SQLite (feature `sqlite`, the default: one machine, nothing to
//! install) or PostgreSQL (feature `postgres`: several machines).
//!
//! - [`Inbox`]: handlers that write their effects in a transaction that also
//!   records the event as handled, and commit both together; a redelivered
//!   event finds its row and runs nothing. Where the Redis store is at least
//!   once (a lost done mark lets a duplicate run again), the inbox's mark and
//!   the effects cannot part.
//! - [`SqlQueue`]: a [`Queue`](fusionauth_webhooks::delivery::Queue) for
//!   [`WebhookBuilder::enqueue`](fusionauth_webhooks::WebhookBuilder::enqueue)
//!   and the [`Worker`](fusionauth_webhooks::Worker), with a visibility
//!   timeout, retries and dead letters; with an inbox handler the worker's
//!   acknowledgement commits with the effects too.
//! - [`SqlStore`]: a [`DedupStore`](fusionauth_webhooks::delivery::DedupStore),
//!   as the Redis one, for handlers whose effects live elsewhere.
//!
//! The tables are created by [`migrate`] (sqlx's migrator, with this
//! crate's migrations) and named with the prefix [`TABLE_PREFIX`],
//! `fusionauth_webhooks_`. Queries are built at run time with binds (no
//! compile-time checked macros), so building never needs a database. For
//! PostgreSQL over TLS, turn on one of sqlx's TLS features in your app.
//!
//! # Example
//!
//! ```
//! use fusionauth_webhooks::payload::UserDelete;
//! use fusionauth_webhooks::{HandlerError, ResultExt as _, Router, Webhook};
//! use fusionauth_webhooks_sqlx::Inbox;
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let dir = tempfile::tempdir()?;
//! # let url = format!("sqlite://{}", dir.path().join("app.db").display());
//! let pool = fusionauth_webhooks_sqlx::connect_sqlite(&url).await?;
//! fusionauth_webhooks_sqlx::migrate(&pool).await?;
//! # sqlx::query("CREATE TABLE todos (user_id TEXT)").execute(&pool).await?;
//! let inbox = Inbox::new(pool, "todo-app");
//! let router = Router::new().on_with_event(inbox.handler(
//!     "erase-todos",
//!     |deleted: UserDelete, transaction| {
//!         Box::pin(async move {
//!             let user = deleted.user.and_then(|user| user.id);
//!             let user = user.ok_or_else(|| HandlerError::reject("[missingUserId]"))?;
//!             sqlx::query("DELETE FROM todos WHERE user_id = $1")
//!                 .bind(user.to_string())
//!                 .execute(&mut **transaction)
//!                 .await
//!                 .or_internal()?;
//!             Ok(())
//!         })
//!     },
//! ));
//! let webhook = Webhook::builder().api_key("change-me").router(router).build()?;
//! # let _ = webhook;
//! # Ok(())
//! # }
//! ```

#![cfg_attr(docsrs, feature(doc_cfg))]

mod backend;
#[cfg(feature = "sqlite")]
mod connect;
mod inbox;
mod migrate;
mod queue;
mod store;
#[cfg(feature = "testing")]
#[cfg_attr(docsrs, doc(cfg(feature = "testing")))]
pub mod testing;

pub use backend::Backend;
#[cfg(feature = "sqlite")]
#[cfg_attr(docsrs, doc(cfg(feature = "sqlite")))]
pub use connect::{SQLITE_BUSY_TIMEOUT, connect_sqlite, connect_sqlite_with};
pub use inbox::{DEFAULT_INBOX_RETENTION, DEFAULT_LOCK_WAIT, Inbox, InboxHandler};
pub use migrate::{TABLE_PREFIX, migrate, migrator};
pub use queue::{DEFAULT_POLL_INTERVAL, DEFAULT_QUEUE, DEFAULT_VISIBILITY_TIMEOUT, SqlQueue};
pub use store::SqlStore;

/// The `tracing` target of this crate's log lines.
pub const LOG_TARGET: &str = "fusionauth_webhooks_sqlx";
