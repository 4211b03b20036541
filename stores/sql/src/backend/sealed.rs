//! What each database implements: the operations, in SQL, of the inbox,
//! the queue and the store (sealed: public in bounds, unreachable by name).

use std::time::Duration;

use async_trait::async_trait;
use sqlx::migrate::Migrate;
use sqlx::{Database, Transaction};

/// An inbox row: which handler committed which event, in which namespace.
pub struct InboxKey<'a> {
    pub namespace: &'a str,
    pub event_id: &'a str,
    pub handler: &'a str,
    pub event_type: &'a str,
}

/// A queue row as read: its id, the raw event and the attempt number.
pub type QueueRow = (i64, Vec<u8>, i32);

/// What a claim found on an id that it could not take.
pub enum Held {
    /// Another delivery's unexpired claim.
    Running,
    /// A done mark.
    Done,
}

/// A dead letter to write.
pub struct DeadLetter<'a> {
    pub id: i64,
    pub receipt: &'a str,
    pub event_id: Option<&'a str>,
    pub reason: &'a str,
}

/// The SQL operations, implemented for each database by
/// [`impl_operations!`](super::impl_operations).
#[async_trait]
pub trait Operations: Database<Connection: Migrate> {
    /// The migrations' SQL, with the version and description of each.
    const MIGRATIONS: &'static [(i64, &'static str, &'static str)];

    /// Begins an inbox transaction: SQLite takes the write lock now
    /// (waiting up to the connection's busy timeout); PostgreSQL bounds
    /// every lock wait in it by `lock_wait`.
    async fn begin_inbox(
        connection: &mut Self::Connection,
        lock_wait: Duration,
    ) -> Result<Transaction<'_, Self>, sqlx::Error>;

    /// Whether an error is a lock wait that ran out of time.
    fn is_lock_timeout(error: &sqlx::Error) -> bool;

    /// The queue of this process's writers to the database of `pool`,
    /// where it has one writer at a time.
    fn writers(pool: &sqlx::Pool<Self>) -> Option<std::sync::Arc<tokio::sync::Mutex<()>>>;

    /// Inserts an inbox row unless it exists (waiting for a concurrent
    /// insert of the same key to commit or roll back): whether it did.
    async fn insert_inbox_row(
        connection: &mut Self::Connection,
        key: &InboxKey<'_>,
    ) -> Result<bool, sqlx::Error>;

    /// Deletes a namespace's inbox rows older than `age`; how many.
    async fn delete_inbox_rows_older_than(
        connection: &mut Self::Connection,
        namespace: &str,
        age: Duration,
    ) -> Result<u64, sqlx::Error>;

    /// Whether a namespace's inbox holds the row of this event and handler.
    async fn inbox_holds(
        connection: &mut Self::Connection,
        namespace: &str,
        event_id: &str,
        handler: &str,
    ) -> Result<bool, sqlx::Error>;

    /// Appends a message; its id.
    async fn push(
        connection: &mut Self::Connection,
        queue: &str,
        payload: &[u8],
    ) -> Result<i64, sqlx::Error>;

    /// Takes up to `max` visible messages, hiding them for `visibility`
    /// under `receipt`.
    async fn receive(
        connection: &mut Self::Connection,
        queue: &str,
        max: i64,
        visibility: Duration,
        receipt: &str,
    ) -> Result<Vec<QueueRow>, sqlx::Error>;

    /// Deletes a message held under `receipt` (its acknowledgement);
    /// whether it was.
    async fn delete_message(
        connection: &mut Self::Connection,
        id: i64,
        receipt: &str,
    ) -> Result<bool, sqlx::Error>;

    /// Makes a message held under `receipt` visible again after `delay`,
    /// its attempt one higher; whether it was held.
    async fn retry(
        connection: &mut Self::Connection,
        id: i64,
        receipt: &str,
        delay: Duration,
    ) -> Result<bool, sqlx::Error>;

    /// Moves a message held under its receipt to the dead letters, in
    /// one transaction; whether it was held.
    async fn dead_letter(
        connection: &mut Self::Connection,
        letter: &DeadLetter<'_>,
    ) -> Result<bool, sqlx::Error>;

    /// A queue's dead letters, oldest first.
    async fn dead_letters(
        connection: &mut Self::Connection,
        queue: &str,
    ) -> Result<Vec<QueueRow>, sqlx::Error>;

    /// Claims an id for `lease` unless a live claim or done mark holds
    /// it: `Ok(None)` when claimed.
    async fn claim(
        connection: &mut Self::Connection,
        namespace: &str,
        event_id: &str,
        token: &str,
        lease: Duration,
    ) -> Result<Option<Held>, sqlx::Error>;

    /// Marks a claim held by `token` done for `retention`; whether it was held.
    async fn complete(
        connection: &mut Self::Connection,
        namespace: &str,
        event_id: &str,
        token: &str,
        retention: Duration,
    ) -> Result<bool, sqlx::Error>;

    /// Deletes a claim held by `token`; whether it was held.
    async fn release(
        connection: &mut Self::Connection,
        namespace: &str,
        event_id: &str,
        token: &str,
    ) -> Result<bool, sqlx::Error>;

    /// Deletes a namespace's expired claims and done marks; how many.
    async fn delete_expired_claims(
        connection: &mut Self::Connection,
        namespace: &str,
    ) -> Result<u64, sqlx::Error>;
}
