//! The transactional inbox: a handler's effects and the mark that it ran
//! commit in one transaction, so each event's effects happen exactly once.

mod run;

use std::any::TypeId;
use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use async_trait::async_trait;
use fusionauth_webhooks::{Event, EventHandler, EventPayload, HandlerError};
use futures_util::future::BoxFuture;
use sqlx::{Pool, Transaction};
use uuid::Uuid;

use crate::backend::{Backend, turn_to_write};

/// The default bound on how long an inbox transaction waits for a lock
/// (PostgreSQL's `lock_timeout`): a concurrent duplicate waits this long for
/// the first delivery's transaction, then answers 503.
pub const DEFAULT_LOCK_WAIT: Duration = Duration::from_secs(2);
/// The default age after which [`Inbox::cleanup`] deletes inbox rows.
pub const DEFAULT_INBOX_RETENTION: Duration = Duration::from_secs(7 * 24 * 60 * 60);

/// What a handler's call comes to.
type HandlerResult = Result<(), HandlerError>;

/// Handlers whose effects happen exactly once per event: each runs in a
/// database transaction that also inserts the event's row in
/// `fusionauth_webhooks_inbox`, and both commit together.
///
/// For each delivery of an event (its id) to a handler built here:
///
/// 1. the inbox takes a connection and begins a transaction;
/// 2. it inserts the row (namespace, event id, handler name, event type,
///    received at) unless the row exists;
/// 3. if it did, it runs the handler with the transaction and commits;
///    the handler succeeds (and the webhook answers 2xx) only after the
///    commit.
///
/// | situation | answer to FusionAuth | effects |
/// |---|---|---|
/// | first delivery, the handler succeeds | 200 after the commit | committed with the row |
/// | the handler fails or vetoes | its status (500, 503, 400 ...) | rolled back with the row: the retry runs it again |
/// | duplicate of a committed event | 200 | none (the handler does not run) |
/// | duplicate while the first delivery's transaction is open | waits for it (PostgreSQL: on the unique index; SQLite: on the write lock): committed → 200, rolled back → runs here | never twice |
/// | that wait passes the lock wait (PostgreSQL) or busy timeout (SQLite), or the handler deadline | 503 | none here; FusionAuth retries |
/// | the process dies before the commit | none (FusionAuth retries) | rolled back by the database: the retry runs it |
/// | the process dies after the commit, before the answer | none (FusionAuth retries) | committed: the retry is a duplicate, 200 |
/// | the database is unreachable, or the commit fails | 503 | none, or committed (a failed commit's retry then finds the row) |
/// | an event without an id | as the handler answers | run in a transaction with no row: no protection from duplicates |
///
/// Rows are keyed by the namespace, the event id and the handler's name:
/// two handlers of one event each have their row (one never skips the
/// other), and two apps sharing a database never skip each other's events
/// when their namespaces differ. Name each handler for what it does and
/// keep the name: renaming it makes earlier events new to it. Building two
/// different handlers under one name panics.
///
/// Rows older than the [retention](Inbox::retention) are deleted by
/// [`cleanup`](Inbox::cleanup) (run it now and then); a duplicate of an event
/// whose row was deleted runs its handler again, as a first delivery. Keep
/// the retention above how late a duplicate can come (FusionAuth's retries
/// come within seconds; a replay from its event log, whenever someone
/// replays).
///
/// Write the effects through the transaction: on SQLite it holds the
/// database's one write lock (the inbox transactions of a process take turns
/// for it, first come first served), so a write through another connection
/// from inside the handler waits for it and fails after the busy timeout.
///
/// Run by a [`Worker`](fusionauth_webhooks::Worker) on a
/// [`SqlQueue`](crate::SqlQueue) of the same database, an event that goes to
/// one inbox handler only has its queue message deleted in the handler's
/// transaction too: the effects, the inbox row and the acknowledgement
/// commit together. (With several handlers, the worker acknowledges the
/// message after all of them, and a retry skips the ones that committed.)
///
/// # Example
///
/// ```
/// use fusionauth_webhooks::payload::UserDelete;
/// use fusionauth_webhooks::testing::{TestClient, TestRequest};
/// use fusionauth_webhooks::{ResultExt as _, Router, Webhook};
/// use fusionauth_webhooks_sqlx::Inbox;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let pool = sqlx::SqlitePool::connect("sqlite::memory:").await?;
/// fusionauth_webhooks_sqlx::migrate(&pool).await?;
/// sqlx::query("CREATE TABLE erased (user_id TEXT)").execute(&pool).await?;
///
/// let inbox = Inbox::new(pool.clone(), "todo-app");
/// let router = Router::new().on_with_event(inbox.handler(
///     "erase-user",
///     |deleted: UserDelete, transaction| {
///         Box::pin(async move {
///             let user = deleted.user.and_then(|user| user.id).map(|id| id.to_string());
///             sqlx::query("INSERT INTO erased (user_id) VALUES ($1)")
///                 .bind(user)
///                 .execute(&mut **transaction)
///                 .await
///                 .or_internal()?;
///             Ok(())
///         })
///     },
/// ));
/// let client = TestClient::new(Webhook::builder().api_key("key").router(router).build()?);
/// let request = || {
///     TestRequest::body(r#"{"event":{"type":"user.delete","id":"e502168a-b469-45d9-a079-fd45f83e0406","user":{"id":"00000000-0000-0000-0000-000000000001"}}}"#)
///         .api_key("key")
///         .build()
/// };
/// assert_eq!(client.send(request()).await.status, 200);
/// assert_eq!(client.send(request()).await.status, 200, "a duplicate is acknowledged");
/// let (rows,): (i64,) = sqlx::query_as("SELECT count(*) FROM erased").fetch_one(&pool).await?;
/// assert_eq!(rows, 1, "and its handler did not run again");
/// # Ok(())
/// # }
/// ```
pub struct Inbox<DB: Backend> {
    pool: Pool<DB>,
    namespace: String,
    lock_wait: Duration,
    retention: Duration,
    names: Arc<Mutex<HashMap<String, TypeId>>>,
}

/// What a handler of an inbox runs with.
struct Shared<DB: Backend> {
    pool: Pool<DB>,
    namespace: String,
    lock_wait: Duration,
}

/// A handler that takes the event and the inbox's transaction.
type EventCall<DB> = dyn for<'t, 'c> Fn(Event, &'t mut Transaction<'c, DB>) -> BoxFuture<'t, HandlerResult>
    + Send
    + Sync;

impl<DB: Backend> Inbox<DB> {
    /// The inbox of `namespace` (your app's name: apps sharing a database
    /// keep apart by it) on the database of `pool`, whose tables
    /// [`migrate`](crate::migrate) created.
    pub fn new(pool: Pool<DB>, namespace: impl Into<String>) -> Inbox<DB> {
        Inbox {
            pool,
            namespace: namespace.into(),
            lock_wait: DEFAULT_LOCK_WAIT,
            retention: DEFAULT_INBOX_RETENTION,
            names: Arc::default(),
        }
    }

    /// How long an inbox transaction waits for a lock held by another
    /// ([`DEFAULT_LOCK_WAIT`]) on PostgreSQL (`SET LOCAL lock_timeout`),
    /// before the delivery answers 503. It bounds the handler's own lock
    /// waits in the transaction too (they fail with SQLSTATE `55P03`). On SQLite the wait for the write
    /// lock is the connection's busy timeout
    /// ([`connect_sqlite`](crate::connect_sqlite) sets 5 s). Keep it at or
    /// below the handler deadline. Handlers built earlier keep the earlier
    /// setting.
    pub fn lock_wait(mut self, wait: Duration) -> Inbox<DB> {
        self.lock_wait = wait;
        self
    }

    /// How old rows get before [`cleanup`](Inbox::cleanup) deletes them
    /// ([`DEFAULT_INBOX_RETENTION`]).
    pub fn retention(mut self, retention: Duration) -> Inbox<DB> {
        self.retention = retention;
        self
    }

    /// The namespace its rows are keyed by.
    pub fn namespace(&self) -> &str {
        &self.namespace
    }

    /// A typed handler for [`Router::on_with_event`]: `handler` receives the
    /// payload of its event type, as with [`Router::on`], and the inbox's
    /// transaction, in which it writes its effects; `name` keys its rows.
    ///
    /// Write the handler as `|payload, transaction| Box::pin(async move { ... })`,
    /// running its queries on `&mut **transaction`. See [`Inbox`] for an
    /// example.
    ///
    /// [`Router::on_with_event`]: fusionauth_webhooks::Router::on_with_event
    /// [`Router::on`]: fusionauth_webhooks::Router::on
    ///
    /// # Panics
    ///
    /// If `name` was given to another handler of this inbox.
    pub fn handler<P, F>(
        &self,
        name: &str,
        handler: F,
    ) -> impl Fn(Event, P) -> BoxFuture<'static, HandlerResult> + Send + Sync + 'static
    where
        P: EventPayload,
        F: for<'t, 'c> Fn(P, &'t mut Transaction<'c, DB>) -> BoxFuture<'t, HandlerResult>
            + Send
            + Sync
            + 'static,
    {
        self.reserve::<F>(name);
        let shared = self.shared();
        let name: Arc<str> = Arc::from(name);
        let handler = Arc::new(handler);
        move |event: Event, payload: P| {
            let (shared, name, handler) =
                (Arc::clone(&shared), Arc::clone(&name), Arc::clone(&handler));
            Box::pin(async move {
                run::in_transaction(&shared, &name, &event, move |transaction| {
                    handler(payload, transaction)
                })
                .await
            })
        }
    }

    /// An untyped handler for [`Router::on_event`] and friends: `handler`
    /// receives the event and the inbox's transaction; `name` keys its rows.
    ///
    /// [`Router::on_event`]: fusionauth_webhooks::Router::on_event
    ///
    /// ```
    /// use fusionauth_webhooks::{Event, EventType, ResultExt as _, Router};
    /// use fusionauth_webhooks_sqlx::Inbox;
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let pool = sqlx::SqlitePool::connect("sqlite::memory:").await?;
    /// fusionauth_webhooks_sqlx::migrate(&pool).await?;
    /// sqlx::query("CREATE TABLE seen (event_type TEXT)").execute(&pool).await?;
    /// let inbox = Inbox::new(pool.clone(), "audit");
    /// let router = Router::new().on_events(
    ///     [EventType::UserCreate, EventType::UserUpdate],
    ///     inbox.event_handler("audit-trail", |event: Event, transaction| {
    ///         Box::pin(async move {
    ///             sqlx::query("INSERT INTO seen (event_type) VALUES ($1)")
    ///                 .bind(event.type_name().to_owned())
    ///                 .execute(&mut **transaction)
    ///                 .await
    ///                 .or_internal()?;
    ///             Ok(())
    ///         })
    ///     }),
    /// );
    /// let event = Event::parse(r#"{"event":{"type":"user.update","id":"e502168a-b469-45d9-a079-fd45f83e0406"}}"#.into())?;
    /// assert!(router.run(&event).await.is_success());
    /// assert!(router.run(&event).await.is_success());
    /// assert!(inbox.contains(event.id().unwrap(), "audit-trail").await?);
    /// let (rows,): (i64,) = sqlx::query_as("SELECT count(*) FROM seen").fetch_one(&pool).await?;
    /// assert_eq!(rows, 1);
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Panics
    ///
    /// If `name` was given to another handler of this inbox.
    pub fn event_handler<F>(&self, name: &str, handler: F) -> InboxHandler<DB>
    where
        F: for<'t, 'c> Fn(Event, &'t mut Transaction<'c, DB>) -> BoxFuture<'t, HandlerResult>
            + Send
            + Sync
            + 'static,
    {
        self.reserve::<F>(name);
        InboxHandler {
            shared: self.shared(),
            name: Arc::from(name),
            handler: Arc::new(handler),
        }
    }

    /// Deletes this namespace's rows older than the retention; how many.
    /// Run it now and then (a daily task, say).
    pub async fn cleanup(&self) -> Result<u64, sqlx::Error> {
        let _turn = turn_to_write(&self.pool).await;
        let mut connection = self.pool.acquire().await?;
        DB::delete_inbox_rows_older_than(&mut connection, &self.namespace, self.retention).await
    }

    /// Whether the handler `name` committed the event `event_id` (and the
    /// row is not cleaned up yet).
    pub async fn contains(&self, event_id: Uuid, name: &str) -> Result<bool, sqlx::Error> {
        let mut connection = self.pool.acquire().await?;
        DB::inbox_holds(
            &mut connection,
            &self.namespace,
            &event_id.to_string(),
            name,
        )
        .await
    }

    /// Takes `name` for the handler type `F`: the same handler may be built
    /// again (a router built twice), another one may not.
    fn reserve<F: 'static>(&self, name: &str) {
        let mut names = self.names.lock().unwrap_or_else(PoisonError::into_inner);
        let taken = *names.entry(name.to_owned()).or_insert(TypeId::of::<F>());
        assert!(
            taken == TypeId::of::<F>(),
            "the inbox handler name {name:?} is taken by another handler: its rows would \
             mark that handler's events done and skip them; give each handler its own name"
        );
    }

    /// What the handlers built now use: the settings as they are.
    fn shared(&self) -> Arc<Shared<DB>> {
        Arc::new(Shared {
            pool: self.pool.clone(),
            namespace: self.namespace.clone(),
            lock_wait: self.lock_wait,
        })
    }
}

impl<DB: Backend> Clone for Inbox<DB> {
    fn clone(&self) -> Inbox<DB> {
        Inbox {
            pool: self.pool.clone(),
            namespace: self.namespace.clone(),
            lock_wait: self.lock_wait,
            retention: self.retention,
            names: Arc::clone(&self.names),
        }
    }
}

impl<DB: Backend> fmt::Debug for Inbox<DB> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Inbox")
            .field("database", &DB::NAME)
            .field("namespace", &self.namespace)
            .field("lock_wait", &self.lock_wait)
            .field("retention", &self.retention)
            .finish_non_exhaustive()
    }
}

/// An untyped inbox handler, built by [`Inbox::event_handler`]: register it
/// with [`Router::on_event`](fusionauth_webhooks::Router::on_event) or
/// [`on_events`](fusionauth_webhooks::Router::on_events).
pub struct InboxHandler<DB: Backend> {
    shared: Arc<Shared<DB>>,
    name: Arc<str>,
    handler: Arc<EventCall<DB>>,
}

#[async_trait]
impl<DB: Backend> EventHandler for InboxHandler<DB> {
    async fn handle(&self, event: Event) -> Result<(), HandlerError> {
        let handler = Arc::clone(&self.handler);
        let for_handler = event.clone();
        run::in_transaction(&self.shared, &self.name, &event, move |transaction| {
            handler(for_handler, transaction)
        })
        .await
    }
}

impl<DB: Backend> fmt::Debug for InboxHandler<DB> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("InboxHandler")
            .field("name", &self.name)
            .field("namespace", &self.shared.namespace)
            .finish_non_exhaustive()
    }
}
