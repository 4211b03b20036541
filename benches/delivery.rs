//! Delivery guarantees under HTTP load, side by side with the plain receiver
//! in the same run: deduplication in memory and on Redis, the enqueue path
//! (plain, and with each write waiting for a replica: `wait_for_replicas`),
//! and worker throughput.
//!
//!     cargo bench --bench delivery --all-features
//!     DURATION=3 ROUNDS=3 cargo bench --bench delivery --all-features
//!
//! Starts its own redis-server and a replica of it (install them with
//! `apt-get install redis-server`).
//! Server and load generator share this process's runtime (two worker
//! threads): the ratios between variants are the point, not absolute figures.
//! Every request carries a new event id, so each one really claims, completes
//! or queues.

#[path = "../tests/delivery_support/mod.rs"]
mod delivery_support;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use delivery_support::{API_KEY, Connection, event, serve};
use fusionauth_webhooks::Worker;
use fusionauth_webhooks::delivery::{MemoryStore, Queue as _};
use fusionauth_webhooks::{EventType, Router, Webhook};
use fusionauth_webhooks_redis::testing::RedisServer;
use fusionauth_webhooks_redis::{RedisConfig, RedisQueue, RedisStore};
use uuid::Uuid;

const EVENT_TYPE: &str = "user.update.complete";

fn router() -> Router {
    Router::new().on_event(EventType::UserUpdateComplete, |_event| async { Ok(()) })
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
            let mut connection = Connection::open(address).await;
            let mut latencies = Vec::new();
            while Instant::now() < deadline {
                let started = Instant::now();
                let status = connection.post(event(EVENT_TYPE, Uuid::new_v4())).await;
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

/// How fast a worker drains `events` queued events of a fresh stream (its
/// own namespace).
async fn worker_rate(url: &str, namespace: &str, events: usize, dedup: bool) -> f64 {
    let config = RedisConfig::new(url, namespace).expect("config");
    let queue = RedisQueue::connect(&config, "bench").await.expect("queue");
    for _ in 0..events {
        queue
            .push(event(EVENT_TYPE, Uuid::new_v4()))
            .await
            .expect("push");
    }
    let mut worker = Worker::new(router(), queue.clone()).batch_size(64);
    if dedup {
        worker = worker.deduplicate(RedisStore::connect(&config).await.expect("store"));
    }
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
    let mut plain_worker = Vec::new();
    let mut dedup_worker = Vec::new();
    for round in 0..rounds {
        plain_worker.push(worker_rate(&url, &format!("bench-plain-{round}"), events, false).await);
        dedup_worker.push(worker_rate(&url, &format!("bench-dedup-{round}"), events, true).await);
    }
    println!();
    println!("worker throughput, {events} queued events, batches of 64; median (min-max)");
    for (name, rates) in [
        ("worker", plain_worker),
        ("worker + Redis dedup", dedup_worker),
    ] {
        let (rate, low, high) = summary(rates);
        println!("| {name} | {rate:.0} events/s ({low:.0}-{high:.0}) |");
    }
}
