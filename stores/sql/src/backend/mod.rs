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
pub(crate) mod sealed;

#[macro_use]
mod operations;

#[cfg(feature = "postgres")]
impl_operations!(sqlx::Postgres, postgres);
#[cfg(feature = "sqlite")]
impl_operations!(sqlx::Sqlite, sqlite);
