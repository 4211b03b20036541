//! The databases this crate runs on, and each one's SQL.
//!
//! Every operation is written once, in [`impl_operations!`], over SQL text
//! that each database's module gives under the same names: the two differ in
//! their SQL (PostgreSQL's `now()` and `FOR UPDATE SKIP LOCKED`, SQLite's
//! Unix milliseconds and single writer), never in what an operation does.

#[cfg(feature = "postgres")]
mod postgres;
#[cfg(feature = "sqlite")]
mod sqlite;

use std::time::Duration;

/// A database the inbox, the queue and the store run on: [`sqlx::Sqlite`]
/// (feature `sqlite`, the default) or [`sqlx::Postgres`] (feature
/// `postgres`). Sealed: the operations behind it are this crate's.
pub trait Backend: sealed::Operations {}

#[cfg(feature = "postgres")]
impl Backend for sqlx::Postgres {}
#[cfg(feature = "sqlite")]
impl Backend for sqlx::Sqlite {}

pub(crate) use sealed::{DeadLetter, Held, InboxKey, QueueRow};

pub(crate) fn millis(duration: Duration) -> i64 {
    i64::try_from(duration.as_millis()).unwrap_or(i64::MAX)
}

/// The longest wait for a turn to write; then the write goes ahead and
/// meets the database's own lock (and its busy timeout), so that a write
/// made while this task holds the turn (a handler pushing to a queue
/// outside its transaction) fails as SQLite would, instead of hanging.
const TURN_WAIT: Duration = Duration::from_secs(5);

/// Waits for this process's turn to write to the database of `pool`, where
/// the database has one writer at a time (SQLite): the writers of one
/// process then queue here, first come first served, instead of polling
/// the database's lock with growing sleeps. `None` where writers do not
/// wait on each other (PostgreSQL). Hold the guard until the write (the
/// transaction) is over.
pub(crate) async fn turn_to_write<DB: Backend>(
    pool: &sqlx::Pool<DB>,
) -> Option<tokio::sync::OwnedMutexGuard<()>> {
    let writers = DB::writers(pool)?;
    tokio::time::timeout(TURN_WAIT, writers.lock_owned())
        .await
        .ok()
}

// Sealed: public in bounds, unreachable by name.
#[allow(unreachable_pub)]
pub(crate) mod sealed {
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
}

/// Implements [`sealed::Operations`] for `$database` with the SQL of the
/// module `$sql`.
macro_rules! impl_operations {
    ($database:ty, $sql:ident) => {
        #[async_trait::async_trait]
        impl $crate::backend::sealed::Operations for $database {
            const MIGRATIONS: &'static [(i64, &'static str, &'static str)] = $sql::MIGRATIONS;

            async fn begin_inbox(
                connection: &mut Self::Connection,
                lock_wait: std::time::Duration,
            ) -> Result<sqlx::Transaction<'_, Self>, sqlx::Error> {
                sqlx::Connection::begin_with(connection, $sql::begin_inbox(lock_wait)).await
            }

            fn is_lock_timeout(error: &sqlx::Error) -> bool {
                $sql::is_lock_timeout(error)
            }

            fn writers(pool: &sqlx::Pool<Self>) -> Option<std::sync::Arc<tokio::sync::Mutex<()>>> {
                $sql::writers(pool)
            }

            async fn insert_inbox_row(
                connection: &mut Self::Connection,
                key: &$crate::backend::InboxKey<'_>,
            ) -> Result<bool, sqlx::Error> {
                let done = sqlx::query($sql::INSERT_INBOX_ROW)
                    .bind(key.namespace)
                    .bind(key.event_id)
                    .bind(key.handler)
                    .bind(key.event_type)
                    .execute(connection)
                    .await?;
                Ok(done.rows_affected() == 1)
            }

            async fn delete_inbox_rows_older_than(
                connection: &mut Self::Connection,
                namespace: &str,
                age: std::time::Duration,
            ) -> Result<u64, sqlx::Error> {
                let done = sqlx::query($sql::DELETE_OLD_INBOX_ROWS)
                    .bind(namespace)
                    .bind($crate::backend::millis(age))
                    .execute(connection)
                    .await?;
                Ok(done.rows_affected())
            }

            async fn inbox_holds(
                connection: &mut Self::Connection,
                namespace: &str,
                event_id: &str,
                handler: &str,
            ) -> Result<bool, sqlx::Error> {
                let found: Option<(i32,)> = sqlx::query_as($sql::INBOX_HOLDS)
                    .bind(namespace)
                    .bind(event_id)
                    .bind(handler)
                    .fetch_optional(connection)
                    .await?;
                Ok(found.is_some())
            }

            async fn push(
                connection: &mut Self::Connection,
                queue: &str,
                payload: &[u8],
            ) -> Result<i64, sqlx::Error> {
                let (id,): (i64,) = sqlx::query_as($sql::PUSH)
                    .bind(queue)
                    .bind(payload)
                    .fetch_one(connection)
                    .await?;
                Ok(id)
            }

            async fn receive(
                connection: &mut Self::Connection,
                queue: &str,
                max: i64,
                visibility: std::time::Duration,
                receipt: &str,
            ) -> Result<Vec<$crate::backend::QueueRow>, sqlx::Error> {
                let mut rows: Vec<$crate::backend::QueueRow> = sqlx::query_as($sql::RECEIVE)
                    .bind(queue)
                    .bind(max)
                    .bind($crate::backend::millis(visibility))
                    .bind(receipt)
                    .fetch_all(connection)
                    .await?;
                // RETURNING gives no order: oldest first.
                rows.sort_unstable_by_key(|(id, _, _)| *id);
                Ok(rows)
            }

            async fn delete_message(
                connection: &mut Self::Connection,
                id: i64,
                receipt: &str,
            ) -> Result<bool, sqlx::Error> {
                let done = sqlx::query($sql::DELETE_MESSAGE)
                    .bind(id)
                    .bind(receipt)
                    .execute(connection)
                    .await?;
                Ok(done.rows_affected() == 1)
            }

            async fn retry(
                connection: &mut Self::Connection,
                id: i64,
                receipt: &str,
                delay: std::time::Duration,
            ) -> Result<bool, sqlx::Error> {
                let done = sqlx::query($sql::RETRY)
                    .bind(id)
                    .bind(receipt)
                    .bind($crate::backend::millis(delay))
                    .execute(connection)
                    .await?;
                Ok(done.rows_affected() == 1)
            }

            async fn dead_letter(
                connection: &mut Self::Connection,
                letter: &$crate::backend::DeadLetter<'_>,
            ) -> Result<bool, sqlx::Error> {
                let mut transaction = sqlx::Connection::begin(connection).await?;
                let taken: Option<(String, Vec<u8>, i32)> = sqlx::query_as($sql::TAKE_MESSAGE)
                    .bind(letter.id)
                    .bind(letter.receipt)
                    .fetch_optional(&mut *transaction)
                    .await?;
                let Some((queue, payload, attempt)) = taken else {
                    return Ok(false);
                };
                sqlx::query($sql::INSERT_DEAD_LETTER)
                    .bind(letter.id)
                    .bind(queue)
                    .bind(letter.event_id)
                    .bind(payload)
                    .bind(attempt)
                    .bind(letter.reason)
                    .execute(&mut *transaction)
                    .await?;
                transaction.commit().await?;
                Ok(true)
            }

            async fn dead_letters(
                connection: &mut Self::Connection,
                queue: &str,
            ) -> Result<Vec<$crate::backend::QueueRow>, sqlx::Error> {
                sqlx::query_as($sql::DEAD_LETTERS)
                    .bind(queue)
                    .fetch_all(connection)
                    .await
            }

            async fn claim(
                connection: &mut Self::Connection,
                namespace: &str,
                event_id: &str,
                token: &str,
                lease: std::time::Duration,
            ) -> Result<Option<$crate::backend::Held>, sqlx::Error> {
                loop {
                    let claimed: Option<(String,)> = sqlx::query_as($sql::CLAIM)
                        .bind(namespace)
                        .bind(event_id)
                        .bind(token)
                        .bind($crate::backend::millis(lease))
                        .fetch_optional(&mut *connection)
                        .await?;
                    if claimed.is_some() {
                        return Ok(None);
                    }
                    let held: Option<(Option<String>,)> = sqlx::query_as($sql::CLAIM_HOLDER)
                        .bind(namespace)
                        .bind(event_id)
                        .fetch_optional(&mut *connection)
                        .await?;
                    // No live row: it expired (or was released) since the
                    // claim looked; claim again.
                    match held {
                        Some((Some(_),)) => return Ok(Some($crate::backend::Held::Running)),
                        Some((None,)) => return Ok(Some($crate::backend::Held::Done)),
                        None => {}
                    }
                }
            }

            async fn complete(
                connection: &mut Self::Connection,
                namespace: &str,
                event_id: &str,
                token: &str,
                retention: std::time::Duration,
            ) -> Result<bool, sqlx::Error> {
                let done = sqlx::query($sql::COMPLETE)
                    .bind(namespace)
                    .bind(event_id)
                    .bind(token)
                    .bind($crate::backend::millis(retention))
                    .execute(connection)
                    .await?;
                Ok(done.rows_affected() == 1)
            }

            async fn release(
                connection: &mut Self::Connection,
                namespace: &str,
                event_id: &str,
                token: &str,
            ) -> Result<bool, sqlx::Error> {
                let done = sqlx::query($sql::RELEASE)
                    .bind(namespace)
                    .bind(event_id)
                    .bind(token)
                    .execute(connection)
                    .await?;
                Ok(done.rows_affected() == 1)
            }

            async fn delete_expired_claims(
                connection: &mut Self::Connection,
                namespace: &str,
            ) -> Result<u64, sqlx::Error> {
                let done = sqlx::query($sql::DELETE_EXPIRED_CLAIMS)
                    .bind(namespace)
                    .execute(connection)
                    .await?;
                Ok(done.rows_affected())
            }
        }
    };
}

#[cfg(feature = "postgres")]
impl_operations!(sqlx::Postgres, postgres);
#[cfg(feature = "sqlite")]
impl_operations!(sqlx::Sqlite, sqlite);
