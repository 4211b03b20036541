//! Several replicas on one Redis or one SQL database: receivers that
//! deduplicate and queue events, and workers that run the handlers.
//!
//! ```sh
//! redis-server --daemonize yes                    # or REDIS_URL=redis://host:port/
//! export REDIS_NAMESPACE=my-app                   # required: this app's keys in Redis
//! FUSIONAUTH_WEBHOOK_API_KEY=change-me cargo run --example workers --features delivery -- receiver
//! cargo run --example workers --features delivery -- worker
//!
//! # The same on SQL, exactly once: one machine with nothing to install ...
//! export DATABASE_URL=sqlite:///tmp/workers-example.db
//! # ... or several machines on PostgreSQL:
//! # export DATABASE_URL=postgres://app@db-host/app
//! FUSIONAUTH_WEBHOOK_API_KEY=change-me cargo run --example workers --features delivery -- receiver
//! cargo run --example workers --features delivery -- worker
//! ```
//!
//! `REDIS_NAMESPACE` names this deployment's keys: FusionAuth sends the same
//! event, with the same id, to every webhook, so two apps sharing a Redis must
//! not share keys (one would drop the other's events as duplicates).
//! `REDIS_CLUSTER_NODES` (`redis://host1:6379/,redis://host2:6379/`) instead of
//! `REDIS_URL` connects to a Redis Cluster.
//!
//! The receiver listens on `FUSIONAUTH_WEBHOOK_ADDR` (default 127.0.0.1:8080)
//! at any path, with its credentials from the environment
//! (`WebhookBuilder::from_env`). `user.create` (transactional: its handler may veto
//! the new user) runs in the request, deduplicated on the event id; the
//! `*.complete` events are written to a Redis stream (or, with `DATABASE_URL`,
//! the table `fusionauth_webhooks_queue`) and answered 202, and a worker runs
//! their handlers. Start as many receivers and workers as you like: the store
//! and the queue are shared.
//!
//! With `DATABASE_URL` the workers' handler is an inbox handler: it records
//! each event as one row `(event_id, event_type, handled_at)` in the table
//! `example_effects`, in the transaction that also marks the event handled
//! and deletes its queue message. The table has no unique constraint, so
//! `SELECT event_id, count(*) FROM example_effects GROUP BY event_id HAVING
//! count(*) > 1` would show an event handled twice; it shows none, whatever
//! FusionAuth retries and whichever worker is killed.

use std::sync::Arc;
use std::time::Duration;

use fusionauth_webhooks::delivery::{Deduplicator, Queue};
use fusionauth_webhooks::env::{self, Env};
use fusionauth_webhooks::{
    Event, EventHandler, EventType, HandlerError, ResultExt as _, Router, WebhookBuilder, Worker,
};
use fusionauth_webhooks_redis::{RedisConfig, RedisQueue, RedisStore};
use fusionauth_webhooks_sqlx::{Backend, Inbox, InboxHandler, SqlQueue, SqlStore};
use sqlx::PgPool;

/// Handled on a worker: the receiver answers 202 once the queue holds them.
const QUEUED: [EventType; 2] = [EventType::UserCreateComplete, EventType::UserUpdateComplete];
/// The namespace of this app's inbox rows and dedup marks.
const APP: &str = "workers-example";
/// How often a SQL worker deletes inbox rows and dedup marks past their retention.
const CLEANUP_EVERY: Duration = Duration::from_secs(60 * 60);

fn router(queued: impl EventHandler) -> Router {
    Router::new()
        .on_event(EventType::UserCreate, |event: Event| async move {
            // In the request: a rejection here vetoes the user in FusionAuth.
            match event.tenant_id() {
                Some(_) => Ok(()),
                None => Err(HandlerError::reject("[noTenant]")),
            }
        })
        .on_events(QUEUED, queued)
}

/// On a worker, with Redis: sync the user to the CRM, send the email, ...
async fn work(event: Event) -> Result<(), HandlerError> {
    println!("worker: {} {:?}", event.type_name(), event.id());
    Ok(())
}

/// On a worker, with SQL: the effect is a row in `example_effects`, written
/// in the inbox's transaction.
fn record_effect<DB>(inbox: &Inbox<DB>) -> InboxHandler<DB>
where
    // What sqlx asks of a database to run one query on any of them.
    DB: Backend,
    for<'c> &'c mut DB::Connection: sqlx::Executor<'c, Database = DB>,
    for<'q> DB::Arguments<'q>: sqlx::IntoArguments<'q, DB>,
    for<'q> Option<String>: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
{
    inbox.event_handler("example-effects", |event: Event, transaction| {
        Box::pin(async move {
            sqlx::query("INSERT INTO example_effects (event_id, event_type) VALUES ($1, $2)")
                .bind(event.id().map(|id| id.to_string()))
                .bind(Some(event.type_name().to_owned()))
                .execute(&mut **transaction)
                .await
                .or_internal()?;
            println!("worker: {} {:?}", event.type_name(), event.id());
            Ok(())
        })
    })
}

/// What the receiver and the worker run on.
struct Delivery {
    router: Router,
    queue: Arc<dyn Queue>,
    dedup: Deduplicator,
    /// Whether the worker deduplicates too (the inbox makes it unneeded).
    worker_dedup: bool,
    /// Where the queue is, for the banner.
    shown: String,
    /// Deletes what outlived its retention (SQL; Redis expires it itself).
    cleanup: Option<Box<dyn Fn() -> futures_util::future::BoxFuture<'static, ()> + Send>>,
}

async fn on_redis(role: &str, consumer: &str) -> Result<Delivery, Box<dyn std::error::Error>> {
    let namespace = std::env::var("REDIS_NAMESPACE")
        .map_err(|_| "set REDIS_NAMESPACE to this app's name (its keys in Redis)")?;
    let (config, url) = match std::env::var("REDIS_CLUSTER_NODES") {
        Ok(nodes) => (
            RedisConfig::cluster(nodes.split(','), &namespace)?,
            nodes.clone(),
        ),
        Err(_) => {
            let url = Env::process()
                .var(env::REDIS_URL)?
                .unwrap_or_else(|| "redis://127.0.0.1:6379/".into());
            (RedisConfig::new(url.as_str(), &namespace)?, url)
        }
    };
    // A worker's settlements in flight when Redis restarts or fails over land
    // once it is back, instead of leaving their events to run again; a
    // receiver answers 503 at once (FusionAuth retries).
    let config = match role {
        "worker" => config.retry_unreachable_for(Duration::from_secs(15)),
        _ => config,
    };
    // A consumer name per process: a dead worker's messages are reclaimed by name.
    let unreachable = |error: redis::RedisError| {
        format!(
            "could not connect to Redis at {url}: {error} (start redis-server, or point \
             REDIS_URL or REDIS_CLUSTER_NODES at a running Redis; or use SQL with DATABASE_URL)"
        )
    };
    let queue = RedisQueue::connect(&config, consumer)
        .await
        .map_err(unreachable)?;
    let store = RedisStore::connect(&config).await.map_err(unreachable)?;
    Ok(Delivery {
        router: router(work),
        queue: Arc::new(queue),
        dedup: Deduplicator::new(store),
        worker_dedup: true,
        shown: url,
        cleanup: None,
    })
}

async fn on_sql(url: &str) -> Result<Delivery, Box<dyn std::error::Error>> {
    let shown = without_password(url);
    if url.starts_with("sqlite:") {
        let pool = fusionauth_webhooks_sqlx::connect_sqlite(url).await?;
        fusionauth_webhooks_sqlx::migrate(&pool).await?;
        sqlx::query(
            "CREATE TABLE IF NOT EXISTS example_effects (event_id TEXT, event_type TEXT NOT NULL, \
             handled_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ')))",
        )
        .execute(&pool)
        .await?;
        return Ok(sql_delivery(pool, shown));
    }
    if url.starts_with("postgres:") || url.starts_with("postgresql:") {
        let pool = PgPool::connect(url).await?;
        fusionauth_webhooks_sqlx::migrate(&pool).await?;
        sqlx::query(
            "CREATE TABLE IF NOT EXISTS example_effects (event_id TEXT, event_type TEXT NOT NULL, \
             handled_at TIMESTAMPTZ NOT NULL DEFAULT now())",
        )
        .execute(&pool)
        .await?;
        return Ok(sql_delivery(pool, shown));
    }
    Err(format!(
        "{}: expected sqlite://PATH or postgres://... (got {shown})",
        env::DATABASE_URL
    )
    .into())
}

fn sql_delivery<DB>(pool: sqlx::Pool<DB>, shown: String) -> Delivery
where
    DB: Backend,
    for<'c> &'c mut DB::Connection: sqlx::Executor<'c, Database = DB>,
    for<'q> DB::Arguments<'q>: sqlx::IntoArguments<'q, DB>,
    for<'q> Option<String>: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
{
    let inbox = Inbox::new(pool.clone(), APP);
    let store = SqlStore::new(pool.clone(), APP);
    let (old_rows, old_marks) = (inbox.clone(), store.clone());
    Delivery {
        router: router(record_effect(&inbox)),
        queue: Arc::new(SqlQueue::new(pool)),
        dedup: Deduplicator::new(store),
        worker_dedup: false,
        shown,
        cleanup: Some(Box::new(move || {
            let (inbox, store) = (old_rows.clone(), old_marks.clone());
            Box::pin(async move {
                if let Err(error) = inbox.cleanup().await {
                    eprintln!("inbox cleanup failed: {error}");
                }
                if let Err(error) = store.cleanup().await {
                    eprintln!("dedup cleanup failed: {error}");
                }
            })
        })),
    }
}

/// The URL without its password, for printing.
fn without_password(url: &str) -> String {
    match (url.split_once("://"), url.rsplit_once('@')) {
        (Some((scheme, _)), Some((_, host))) => format!("{scheme}://…@{host}"),
        _ => url.to_owned(),
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let role = std::env::args().nth(1).unwrap_or_default();
    let consumer = format!("{role}-{}", std::process::id());
    let delivery = match Env::process().var(env::DATABASE_URL)? {
        Some(url) => on_sql(&url).await?,
        None => on_redis(&role, &consumer).await?,
    };
    let Delivery {
        router,
        queue,
        dedup,
        worker_dedup,
        shown,
        cleanup,
    } = delivery;
    match role.as_str() {
        "receiver" => {
            let webhook = WebhookBuilder::from_env()?
                .router(router)
                .enqueue(QUEUED, queue)
                .deduplicate(dedup)
                .handler_timeout(Duration::from_secs(5))
                .build()?;
            let addr = std::env::var("FUSIONAUTH_WEBHOOK_ADDR")
                .unwrap_or_else(|_| "127.0.0.1:8080".into());
            let listener = tokio::net::TcpListener::bind(&addr).await?;
            println!("receiver on http://{addr}/, queueing to {shown}");
            fusionauth_webhooks_hyper::serve_with_shutdown(listener, webhook, async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await;
        }
        "worker" => {
            // The handler deadline defaults to half the queue's reclaim idle
            // time: a slower handler would be taken for dead and run twice.
            let mut worker = Worker::new(router, queue);
            if worker_dedup {
                worker = worker.deduplicate(dedup);
            }
            if let Some(cleanup) = cleanup {
                tokio::spawn(async move {
                    let mut every = tokio::time::interval(CLEANUP_EVERY);
                    loop {
                        every.tick().await;
                        cleanup().await;
                    }
                });
            }
            println!("worker {consumer} consuming from {shown}");
            worker
                .run(async {
                    let _ = tokio::signal::ctrl_c().await;
                })
                .await;
        }
        _ => return Err("usage: workers receiver|worker".into()),
    }
    Ok(())
}
