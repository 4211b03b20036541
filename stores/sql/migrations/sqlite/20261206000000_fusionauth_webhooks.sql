-- fusionauth-webhooks-sqlx on SQLite: the inbox, the queue and its dead
-- letters, and the deduplication claims. Every table's name starts with
-- `fusionauth_webhooks_`; several apps share them through their namespace
-- (inbox, claims) or queue name. Times are Unix milliseconds.

-- One row per event a handler committed: its effects and this row commit in
-- one transaction, so the row exists exactly when the effects do.
CREATE TABLE IF NOT EXISTS fusionauth_webhooks_inbox (
    namespace   TEXT    NOT NULL,
    event_id    TEXT    NOT NULL,
    handler     TEXT    NOT NULL,
    event_type  TEXT    NOT NULL,
    received_at INTEGER NOT NULL DEFAULT (CAST(unixepoch('subsec') * 1000 AS INTEGER)),
    PRIMARY KEY (namespace, event_id, handler)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS fusionauth_webhooks_inbox_by_age
    ON fusionauth_webhooks_inbox (namespace, received_at);

-- Queued events. A received message is hidden until `visible_at` (the
-- visibility timeout) and carries the receiver's `receipt`; acknowledging,
-- retrying or dead-lettering it needs that receipt. AUTOINCREMENT: an id is
-- never reused, not even after the newest message is deleted.
CREATE TABLE IF NOT EXISTS fusionauth_webhooks_queue (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    queue       TEXT    NOT NULL,
    payload     BLOB    NOT NULL,
    attempt     INTEGER NOT NULL DEFAULT 1,
    visible_at  INTEGER NOT NULL DEFAULT (CAST(unixepoch('subsec') * 1000 AS INTEGER)),
    receipt     TEXT,
    enqueued_at INTEGER NOT NULL DEFAULT (CAST(unixepoch('subsec') * 1000 AS INTEGER))
);
CREATE INDEX IF NOT EXISTS fusionauth_webhooks_queue_ready
    ON fusionauth_webhooks_queue (queue, visible_at, id);

-- Events that will never succeed: one row per event id and queue (a
-- duplicate of a dead event adds nothing), the queue row's id kept.
CREATE TABLE IF NOT EXISTS fusionauth_webhooks_dead_letters (
    id       INTEGER NOT NULL,
    queue    TEXT    NOT NULL,
    event_id TEXT,
    payload  BLOB    NOT NULL,
    attempt  INTEGER NOT NULL,
    reason   TEXT    NOT NULL,
    dead_at  INTEGER NOT NULL DEFAULT (CAST(unixepoch('subsec') * 1000 AS INTEGER)),
    PRIMARY KEY (queue, id)
);
CREATE UNIQUE INDEX IF NOT EXISTS fusionauth_webhooks_dead_letters_by_event
    ON fusionauth_webhooks_dead_letters (queue, event_id);

-- Deduplication claims: a running claim holds its token until `expires_at`
-- (the lease); a done mark has no token and lasts until `expires_at` (the
-- retention).
CREATE TABLE IF NOT EXISTS fusionauth_webhooks_claims (
    namespace  TEXT    NOT NULL,
    event_id   TEXT    NOT NULL,
    token      TEXT,
    expires_at INTEGER NOT NULL,
    PRIMARY KEY (namespace, event_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS fusionauth_webhooks_claims_by_expiry
    ON fusionauth_webhooks_claims (namespace, expires_at);
