//! Delivery guarantees under HTTP load, side by side with the plain receiver
//! in the same run: deduplication in memory and on Redis, the SQL inbox on
//! SQLite and on PostgreSQL, the enqueue path (plain, and with each write
//! waiting for a replica: `wait_for_replicas`), and worker throughput on
//! Redis, PostgreSQL and SQLite.
//!
//!     cargo bench --bench delivery --all-features
//!     DURATION=3 ROUNDS=3 cargo bench --bench delivery --all-features
//!
//! Starts its own redis-server, a replica of it, and PostgreSQL (install them
//! with `apt-get install redis-server postgresql`; `.ci/run` does). PostgreSQL runs with
//! its durable defaults (a commit waits for the disk), SQLite with
//! `synchronous = FULL` in WAL mode, Redis with its append-only file synced
//! every second; the inbox runs a second time on connections whose commits
//! do not wait for the disk (`synchronous_commit = off`, `synchronous =
//! NORMAL`), which separates the inbox's own work from the disk's.
//! Server and load generator share this process's runtime (two worker
//! threads): the ratios between variants are the point, not absolute figures.
//! Every request carries a new event id, so each one really claims, completes
//! or queues.

#[path = "../tests/common/mod.rs"]
mod common;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::client::Connection;
use common::delivery::{API_KEY, event, post, serve};
use fusionauth_webhooks::delivery::{MemoryStore, Queue};
use fusionauth_webhooks::{Event, EventType, Router, Webhook, Worker};
use fusionauth_webhooks_redis::testing::RedisServer;
use fusionauth_webhooks_redis::{RedisConfig, RedisQueue, RedisStore};
use fusionauth_webhooks_sqlx::testing::PostgresServer;
use fusionauth_webhooks_sqlx::{Backend, Inbox, SqlQueue};
use sqlx::Pool;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteSynchronous};
use uuid::Uuid;

const EVENT_TYPE: &str = "user.update.complete";

fn router() -> Router {
    Router::new().on_event(EventType::UserUpdateComplete, |_event| async { Ok(()) })
}

/// The same no-op handler, run in an inbox transaction: what the inbox adds
/// is its transaction and its row.
fn inbox_router<DB: Backend>(pool: Pool<DB>) -> Router {
    let inbox = Inbox::new(pool, "bench");
    Router::new().on_event(
        EventType::UserUpdateComplete,
        inbox.event_handler("no-op", |_: Event, _| Box::pin(async { Ok(()) })),
    )
}

fn env(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// One closed-loop run: `connections` keep-alive connections posting new
/// events for `duration`. Requests per second and the p50 and p99 latency.
async fn load(
    address: SocketAddr,
    connections: usize,
    duration: Duration,
) -> (f64, Duration, Duration) {
    let deadline = Instant::now() + duration;
    let clients = (0..connections).map(|_| {
        tokio::spawn(async move {
            let mut connection = Connection::open(address).await.expect("connect");
            let mut latencies = Vec::new();
            while Instant::now() < deadline {
                let started = Instant::now();
                let status = post(&mut connection, event(EVENT_TYPE, Uuid::new_v4())).await;
                assert!(status.is_success(), "the receiver answered {status}");
                latencies.push(started.elapsed());
            }
            latencies
        })
    });
    let mut latencies = Vec::new();
    for client in clients.collect::<Vec<_>>() {
        latencies.extend(client.await.expect("client"));
    }
    latencies.sort_unstable();
    let at = |q: f64| latencies[((latencies.len() - 1) as f64 * q) as usize];
    (
        latencies.len() as f64 / duration.as_secs_f64(),
        at(0.5),
        at(0.99),
    )
}

/// The median and the spread (min, max) of some figures.
fn summary(mut values: Vec<f64>) -> (f64, f64, f64) {
    values.sort_by(f64::total_cmp);
    (
        values[values.len() / 2],
        values[0],
        values[values.len() - 1],
    )
}

/// Fills `queue` with `events` new events, 16 pushes at a time.
async fn fill(queue: Arc<dyn Queue>, events: usize) {
    let pushers = (0..16).map(|pusher| {
        let queue = Arc::clone(&queue);
        tokio::spawn(async move {
            for _ in (pusher..events).step_by(16) {
                queue
                    .push(event(EVENT_TYPE, Uuid::new_v4()))
                    .await
                    .expect("push");
            }
        })
    });
    for pusher in pushers.collect::<Vec<_>>() {
        pusher.await.expect("pusher");
    }
}

/// How fast a worker drains `events` queued events of a fresh stream (its
/// own namespace).
async fn worker_rate(url: &str, namespace: &str, events: usize, dedup: bool) -> f64 {
    let config = RedisConfig::new(url, namespace).expect("config");
    let queue = RedisQueue::connect(&config, "bench").await.expect("queue");
    fill(Arc::new(queue.clone()), events).await;
    let mut worker = Worker::new(router(), queue.clone()).batch_size(64);
    if dedup {
        worker = worker.deduplicate(RedisStore::connect(&config).await.expect("store"));
    }
    drain(&worker, events).await
}

/// How fast a worker drains `events` events queued in a fresh queue of the
/// table: the no-op handler, or (`inbox`) the same in an inbox transaction,
/// which also deletes the message.
async fn sql_worker_rate<DB: Backend>(
    pool: &Pool<DB>,
    name: &str,
    events: usize,
    inbox: bool,
) -> f64 {
    let queue = SqlQueue::new(pool.clone()).named(name);
    fill(Arc::new(queue.clone()), events).await;
    let router = if inbox {
        inbox_router(pool.clone())
    } else {
        router()
    };
    drain(&Worker::new(router, queue).batch_size(64), events).await
}

/// Runs `worker` until it handled `events` messages; events per second.
async fn drain(worker: &Worker, events: usize) -> f64 {
    let started = Instant::now();
    let mut handled = 0;
    while handled < events {
        handled += worker
            .run_once(Duration::from_millis(100))
            .await
            .expect("worker");
    }
    events as f64 / started.elapsed().as_secs_f64()
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let duration = Duration::from_secs(env("DURATION", 3));
    let rounds = env("ROUNDS", 3) as usize;
    let redis = RedisServer::start()
        .unwrap_or_else(|error| panic!("the benchmark needs redis-server: {error}"));
    let url = redis.url();
    let replica = RedisServer::builder()
        .replica_of(&redis)
        .start()
        .unwrap_or_else(|error| panic!("the benchmark needs a replica: {error}"));
    replica
        .wait_for_replication()
        .expect("the replica is in sync");
    let postgres = PostgresServer::start_durable()
        .unwrap_or_else(|error| panic!("the benchmark needs PostgreSQL: {error}"));
    let postgres_pool = PgPoolOptions::new()
        .max_connections(32)
        .connect(&postgres.create_database().await.expect("a database"))
        .await
        .expect("PostgreSQL");
    fusionauth_webhooks_sqlx::migrate(&postgres_pool)
        .await
        .expect("migrations");
    let sqlite_dir = tempfile::tempdir().expect("a temporary directory");
    let sqlite_pool = fusionauth_webhooks_sqlx::connect_sqlite(&format!(
        "sqlite://{}",
        sqlite_dir.path().join("bench.db").display()
    ))
    .await
    .expect("SQLite");
    fusionauth_webhooks_sqlx::migrate(&sqlite_pool)
        .await
        .expect("migrations");
    // The same databases, on connections whose commits do not wait for the disk.
    let postgres_options: PgConnectOptions = postgres_pool.connect_options().as_ref().clone();
    let postgres_unsynced = PgPoolOptions::new()
        .max_connections(32)
        .connect_with(postgres_options.options([("synchronous_commit", "off")]))
        .await
        .expect("PostgreSQL");
    let sqlite_options: SqliteConnectOptions = sqlite_pool.connect_options().as_ref().clone();
    let sqlite_unsynced = fusionauth_webhooks_sqlx::connect_sqlite_with(
        sqlite_options.synchronous(SqliteSynchronous::Normal),
    )
    .await
    .expect("SQLite");

    let build =
        |builder: fusionauth_webhooks::WebhookBuilder| builder.api_key(API_KEY).build().unwrap();
    let config = RedisConfig::new(url.as_str(), "bench").unwrap();
    let queue = RedisQueue::connect(&config, "receiver").await.unwrap();
    let replicated = config.clone().wait_for_replicas(1, Duration::from_secs(1));
    let replicated_queue = RedisQueue::connect(&replicated, "receiver").await.unwrap();
    let variants: Vec<(&str, SocketAddr)> = vec![
        (
            "plain receiver",
            serve(build(Webhook::builder().router(router()))).await,
        ),
        (
            "dedup, in memory",
            serve(build(
                Webhook::builder()
                    .router(router())
                    .deduplicate(MemoryStore::new()),
            ))
            .await,
        ),
        (
            "dedup, Redis",
            serve(build(
                Webhook::builder()
                    .router(router())
                    .deduplicate(RedisStore::connect(&config).await.unwrap()),
            ))
            .await,
        ),
        (
            "inbox, SQLite",
            serve(build(
                Webhook::builder().router(inbox_router(sqlite_pool.clone())),
            ))
            .await,
        ),
        (
            "inbox, PostgreSQL",
            serve(build(
                Webhook::builder().router(inbox_router(postgres_pool.clone())),
            ))
            .await,
        ),
        (
            "inbox, SQLite, synchronous = NORMAL",
            serve(build(
                Webhook::builder().router(inbox_router(sqlite_unsynced.clone())),
            ))
            .await,
        ),
        (
            "inbox, PostgreSQL, synchronous_commit = off",
            serve(build(
                Webhook::builder().router(inbox_router(postgres_unsynced.clone())),
            ))
            .await,
        ),
        (
            "enqueue, Redis stream",
            serve(build(
                Webhook::builder()
                    .router(router())
                    .enqueue([EventType::UserUpdateComplete], Arc::new(queue)),
            ))
            .await,
        ),
        (
            "enqueue, Redis stream, WAIT 1 replica",
            serve(build(Webhook::builder().router(router()).enqueue(
                [EventType::UserUpdateComplete],
                Arc::new(replicated_queue),
            )))
            .await,
        ),
    ];
    for (_, address) in &variants {
        // Warm up each server once.
        assert!(load(*address, 4, Duration::from_millis(300)).await.0 > 0.0);
    }

    println!("rounds: {rounds}, {duration:?} per run; median (min-max)");
    println!("| variant | connections | requests/s | ratio to plain | p50 | p99 |");
    println!("|---|---|---|---|---|---|");
    for connections in [1, 16] {
        let mut figures: Vec<(Vec<f64>, Vec<f64>, Vec<f64>)> =
            vec![Default::default(); variants.len()];
        // Rounds go over every variant in turn, so a noisy moment hits one
        // round of each rather than every round of one.
        for _ in 0..rounds {
            for (index, (_, address)) in variants.iter().enumerate() {
                let (rate, p50, p99) = load(*address, connections, duration).await;
                figures[index].0.push(rate);
                figures[index].1.push(p50.as_secs_f64() * 1e6);
                figures[index].2.push(p99.as_secs_f64() * 1e6);
            }
        }
        let plain = summary(figures[0].0.clone()).0;
        for ((name, _), (rates, p50s, p99s)) in variants.iter().zip(figures) {
            let (rate, low, high) = summary(rates);
            let (p50, p99) = (summary(p50s).0, summary(p99s).0);
            println!(
                "| {name} | {connections} | {rate:.0} ({low:.0}-{high:.0}) | {:.2} | {p50:.0} µs | {p99:.0} µs |",
                rate / plain
            );
        }
    }

    let events = env("WORKER_EVENTS", 20_000) as usize;
    let mut rates: Vec<(&str, Vec<f64>)> = [
        "worker, Redis stream",
        "worker, Redis stream + Redis dedup",
        "worker, PostgreSQL queue",
        "worker, PostgreSQL queue + inbox",
        "worker, SQLite queue",
        "worker, SQLite queue + inbox",
    ]
    .into_iter()
    .map(|name| (name, Vec::new()))
    .collect();
    for round in 0..rounds {
        let name = |variant: &str| format!("bench-{variant}-{round}");
        rates[0]
            .1
            .push(worker_rate(&url, &name("plain"), events, false).await);
        rates[1]
            .1
            .push(worker_rate(&url, &name("dedup"), events, true).await);
        rates[2]
            .1
            .push(sql_worker_rate(&postgres_pool, &name("plain"), events, false).await);
        rates[3]
            .1
            .push(sql_worker_rate(&postgres_pool, &name("inbox"), events, true).await);
        rates[4]
            .1
            .push(sql_worker_rate(&sqlite_pool, &name("plain"), events, false).await);
        rates[5]
            .1
            .push(sql_worker_rate(&sqlite_pool, &name("inbox"), events, true).await);
    }
    println!();
    println!("worker throughput, {events} queued events, batches of 64; median (min-max)");
    for (name, rates) in rates {
        let (rate, low, high) = summary(rates);
        println!("| {name} | {rate:.0} events/s ({low:.0}-{high:.0}) |");
    }
}
