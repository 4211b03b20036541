//! SQLite's SQL: times are Unix milliseconds from SQLite's clock; one writer
//! at a time (the database's write lock) serializes what PostgreSQL does
//! with row locks, so a batch is taken in one `UPDATE ... RETURNING`.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};
use std::time::Duration;

use sqlx::SqlitePool;

pub(super) const MIGRATIONS: &[(i64, &str, &str)] = &[(
    20_261_206_000_000,
    "fusionauth webhooks",
    include_str!("../../migrations/sqlite/20261206000000_fusionauth_webhooks.sql"),
)];

/// SQLite's clock, in Unix milliseconds.
macro_rules! now {
    () => {
        "CAST(unixepoch('subsec') * 1000 AS INTEGER)"
    };
}

/// `SQLITE_BUSY`: the busy timeout ran out waiting for another writer
/// (sqlx gives the extended code, whose low byte is the primary one).
const BUSY: i64 = 5;

/// The write lock at once: a concurrent duplicate waits here (up to the
/// connection's busy timeout) until the first transaction ends. A deferred
/// transaction that read first could instead fail at once when it writes.
pub(super) fn begin_inbox(_lock_wait: Duration) -> &'static str {
    "BEGIN IMMEDIATE"
}

/// One queue of writers per database file in this process (a handful of
/// entries, kept for the process's life).
pub(super) fn writers(pool: &SqlitePool) -> Option<Arc<tokio::sync::Mutex<()>>> {
    static WRITERS: OnceLock<Mutex<HashMap<PathBuf, Arc<tokio::sync::Mutex<()>>>>> =
        OnceLock::new();
    let file = pool.connect_options().get_filename().to_owned();
    let mut writers = WRITERS
        .get_or_init(Mutex::default)
        .lock()
        .unwrap_or_else(PoisonError::into_inner);
    Some(Arc::clone(writers.entry(file).or_default()))
}

pub(super) fn is_lock_timeout(error: &sqlx::Error) -> bool {
    error
        .as_database_error()
        .and_then(|error| error.code())
        .and_then(|code| code.parse::<i64>().ok())
        .is_some_and(|code| code & 0xff == BUSY)
}

pub(super) const INSERT_INBOX_ROW: &str = "INSERT INTO fusionauth_webhooks_inbox \
     (namespace, event_id, handler, event_type) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING";
pub(super) const DELETE_OLD_INBOX_ROWS: &str = concat!(
    "DELETE FROM fusionauth_webhooks_inbox WHERE namespace = $1 AND received_at < ",
    now!(),
    " - $2"
);
pub(super) const INBOX_HOLDS: &str = "SELECT 1 FROM fusionauth_webhooks_inbox \
     WHERE namespace = $1 AND event_id = $2 AND handler = $3";

pub(super) const PUSH: &str =
    "INSERT INTO fusionauth_webhooks_queue (queue, payload) VALUES ($1, $2) RETURNING id";
pub(super) const RECEIVE: &str = concat!(
    "UPDATE fusionauth_webhooks_queue SET visible_at = ",
    now!(),
    " + $3, receipt = $4 WHERE id IN (",
    "SELECT id FROM fusionauth_webhooks_queue WHERE queue = $1 AND visible_at <= ",
    now!(),
    " ORDER BY visible_at, id LIMIT $2) RETURNING id, payload, attempt"
);
pub(super) const DELETE_MESSAGE: &str =
    "DELETE FROM fusionauth_webhooks_queue WHERE id = $1 AND receipt = $2";
pub(super) const RETRY: &str = concat!(
    "UPDATE fusionauth_webhooks_queue SET attempt = attempt + 1, visible_at = ",
    now!(),
    " + $3, receipt = NULL WHERE id = $1 AND receipt = $2"
);
pub(super) const TAKE_MESSAGE: &str = "DELETE FROM fusionauth_webhooks_queue \
     WHERE id = $1 AND receipt = $2 RETURNING queue, payload, attempt";
pub(super) const INSERT_DEAD_LETTER: &str = "INSERT INTO fusionauth_webhooks_dead_letters \
     (id, queue, event_id, payload, attempt, reason) VALUES ($1, $2, $3, $4, $5, $6) \
     ON CONFLICT DO NOTHING";
pub(super) const DEAD_LETTERS: &str = "SELECT id, payload, attempt \
     FROM fusionauth_webhooks_dead_letters WHERE queue = $1 ORDER BY dead_at, id";

// Inserts a claim, or takes over an expired one; a live claim or done mark
// is left alone and nothing is returned.
pub(super) const CLAIM: &str = concat!(
    "INSERT INTO fusionauth_webhooks_claims (namespace, event_id, token, expires_at) ",
    "VALUES ($1, $2, $3, ",
    now!(),
    " + $4) ON CONFLICT (namespace, event_id) DO UPDATE ",
    "SET token = excluded.token, expires_at = excluded.expires_at ",
    "WHERE fusionauth_webhooks_claims.expires_at <= ",
    now!(),
    " RETURNING token"
);
pub(super) const CLAIM_HOLDER: &str = concat!(
    "SELECT token FROM fusionauth_webhooks_claims ",
    "WHERE namespace = $1 AND event_id = $2 AND expires_at > ",
    now!()
);
pub(super) const COMPLETE: &str = concat!(
    "UPDATE fusionauth_webhooks_claims SET token = NULL, expires_at = ",
    now!(),
    " + $4 WHERE namespace = $1 AND event_id = $2 AND token = $3 AND expires_at > ",
    now!()
);
pub(super) const RELEASE: &str = concat!(
    "DELETE FROM fusionauth_webhooks_claims ",
    "WHERE namespace = $1 AND event_id = $2 AND token = $3 AND expires_at > ",
    now!()
);
pub(super) const DELETE_EXPIRED_CLAIMS: &str = concat!(
    "DELETE FROM fusionauth_webhooks_claims WHERE namespace = $1 AND expires_at <= ",
    now!()
);
