//! PostgreSQL's SQL: times from the server's clock (`now()`), so that
//! machines with skewed clocks agree; `FOR UPDATE SKIP LOCKED` so that
//! workers take disjoint batches without waiting on each other.

use std::time::Duration;

use super::millis;

pub(super) const MIGRATIONS: &[(i64, &str, &str)] = &[(
    20_261_206_000_000,
    "fusionauth webhooks",
    include_str!("../../migrations/postgres/20261206000000_fusionauth_webhooks.sql"),
)];

/// `lock_not_available`: `lock_timeout` ran out.
const LOCK_NOT_AVAILABLE: &str = "55P03";

/// One round trip: the transaction, and the bound on its lock waits (for
/// this transaction only).
pub(super) fn begin_inbox(lock_wait: Duration) -> String {
    format!(
        "BEGIN; SET LOCAL lock_timeout = {}",
        millis(lock_wait).max(1)
    )
}

/// Writers wait on row locks only, never on each other as such.
pub(super) fn writers(_: &sqlx::PgPool) -> Option<std::sync::Arc<tokio::sync::Mutex<()>>> {
    None
}

pub(super) fn is_lock_timeout(error: &sqlx::Error) -> bool {
    error
        .as_database_error()
        .and_then(|error| error.code())
        .is_some_and(|code| code == LOCK_NOT_AVAILABLE)
}

// A concurrent insert of the same key waits on the unique index until the
// first transaction ends: committed, nothing is inserted; rolled back, this
// one inserts.
pub(super) const INSERT_INBOX_ROW: &str = "INSERT INTO fusionauth_webhooks_inbox \
     (namespace, event_id, handler, event_type) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING";
pub(super) const DELETE_OLD_INBOX_ROWS: &str = "DELETE FROM fusionauth_webhooks_inbox \
     WHERE namespace = $1 AND received_at < now() - $2 * INTERVAL '1 millisecond'";
pub(super) const INBOX_HOLDS: &str = "SELECT 1 FROM fusionauth_webhooks_inbox \
     WHERE namespace = $1 AND event_id = $2 AND handler = $3";

pub(super) const PUSH: &str =
    "INSERT INTO fusionauth_webhooks_queue (queue, payload) VALUES ($1, $2) RETURNING id";
pub(super) const RECEIVE: &str = "WITH ready AS (\
         SELECT id FROM fusionauth_webhooks_queue WHERE queue = $1 AND visible_at <= now() \
         ORDER BY visible_at, id LIMIT $2 FOR UPDATE SKIP LOCKED) \
     UPDATE fusionauth_webhooks_queue AS q \
     SET visible_at = now() + $3 * INTERVAL '1 millisecond', receipt = $4 \
     FROM ready WHERE q.id = ready.id RETURNING q.id, q.payload, q.attempt";
pub(super) const DELETE_MESSAGE: &str =
    "DELETE FROM fusionauth_webhooks_queue WHERE id = $1 AND receipt = $2";
pub(super) const RETRY: &str = "UPDATE fusionauth_webhooks_queue \
     SET attempt = attempt + 1, visible_at = now() + $3 * INTERVAL '1 millisecond', receipt = NULL \
     WHERE id = $1 AND receipt = $2";
pub(super) const TAKE_MESSAGE: &str = "DELETE FROM fusionauth_webhooks_queue \
     WHERE id = $1 AND receipt = $2 RETURNING queue, payload, attempt";
pub(super) const INSERT_DEAD_LETTER: &str = "INSERT INTO fusionauth_webhooks_dead_letters \
     (id, queue, event_id, payload, attempt, reason) VALUES ($1, $2, $3, $4, $5, $6) \
     ON CONFLICT DO NOTHING";
pub(super) const DEAD_LETTERS: &str = "SELECT id, payload, attempt \
     FROM fusionauth_webhooks_dead_letters WHERE queue = $1 ORDER BY dead_at, id";

// Inserts a claim, or takes over an expired one; a live claim or done mark
// is left alone and nothing is returned.
pub(super) const CLAIM: &str = "INSERT INTO fusionauth_webhooks_claims \
     (namespace, event_id, token, expires_at) \
     VALUES ($1, $2, $3, now() + $4 * INTERVAL '1 millisecond') \
     ON CONFLICT (namespace, event_id) DO UPDATE \
     SET token = excluded.token, expires_at = excluded.expires_at \
     WHERE fusionauth_webhooks_claims.expires_at <= now() RETURNING token";
pub(super) const CLAIM_HOLDER: &str = "SELECT token FROM fusionauth_webhooks_claims \
     WHERE namespace = $1 AND event_id = $2 AND expires_at > now()";
pub(super) const COMPLETE: &str = "UPDATE fusionauth_webhooks_claims \
     SET token = NULL, expires_at = now() + $4 * INTERVAL '1 millisecond' \
     WHERE namespace = $1 AND event_id = $2 AND token = $3 AND expires_at > now()";
pub(super) const RELEASE: &str = "DELETE FROM fusionauth_webhooks_claims \
     WHERE namespace = $1 AND event_id = $2 AND token = $3 AND expires_at > now()";
pub(super) const DELETE_EXPIRED_CLAIMS: &str =
    "DELETE FROM fusionauth_webhooks_claims WHERE namespace = $1 AND expires_at <= now()";
