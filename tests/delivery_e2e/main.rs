//! The whole hand-off with real servers and real processes:
//!
//! - on a six-node Redis Cluster, with writes acknowledged only once a replica
//!   holds them: two receivers and two worker processes, 10,000 deliveries
//!   with duplicates, one worker killed with SIGKILL and the primary holding
//!   the stream killed mid-run (its replica takes over; the old primary is
//!   restarted and rejoins as a replica, as a supervisor would do);
//! - two apps with their own namespaces on one Redis, each receiving every
//!   event (FusionAuth sends each event to every webhook).
//!
//! The workers are this test binary run again as child processes (the ignored
//! test `child::worker_process`), so that one can be killed for real. Each records
//! every run of a handler as a line `<event id> <consumer>` appended to a file
//! of its own, so that runs are counted across processes and whatever Redis
//! goes through.

mod child;
#[path = "../common/mod.rs"]
mod common;
mod processes;

use processes::*;

use std::collections::{HashMap, HashSet};
use std::io::Write as _;
use std::net::SocketAddr;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::client::Connection;
use common::delivery::{API_KEY, event, post, serve};
use fusionauth_webhooks::Worker;
use fusionauth_webhooks::delivery::Deduplicator;
use fusionauth_webhooks::{Event, EventType, HandlerError, Router, Webhook};
use fusionauth_webhooks_redis::testing::{RedisCluster, RedisServer};
use fusionauth_webhooks_redis::{RedisConfig, RedisQueue, RedisStore};
use http::StatusCode;
use uuid::Uuid;

const ENV_NODES: &str = "E2E_REDIS_NODES";
const ENV_CLUSTER: &str = "E2E_REDIS_CLUSTER";
const ENV_NAMESPACE: &str = "E2E_NAMESPACE";
const ENV_CONSUMER: &str = "E2E_CONSUMER";
const ENV_EFFECTS: &str = "E2E_EFFECTS";
/// Handled by the workers: its runs are counted.
const SUCCEEDS: &str = "user.update.complete";
/// Always fails: ends in the dead-letter stream.
const FAILS: &str = "user.email.update";
const UNIQUE_EVENTS: usize = 8_000;
const BATCH: usize = 32;
/// A write counts once a replica holds it, or fails after this.
const REPLICA_WAIT: Duration = Duration::from_secs(1);
/// Above a failover and the old primary's rejoin (a few seconds here).
const WORKER_PATIENCE: Duration = Duration::from_secs(15);
/// Above the failover plus the handler deadline (half of it, 3 s), so that
/// messages whose settlement waits out the failover are not taken over.
const RECLAIM_IDLE: Duration = Duration::from_secs(6);

/// Event `n`'s type: one in 80 always fails.
fn event_type(n: usize) -> &'static str {
    if n.is_multiple_of(80) {
        FAILS
    } else {
        SUCCEEDS
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_thousand_deliveries_on_a_cluster_with_a_worker_and_a_primary_killed_lose_nothing() {
    let mut cluster = RedisCluster::start().unwrap_or_else(|error| {
        panic!("this test needs a local Redis Cluster (redis-server and redis-cli): {error}")
    });
    let nodes = cluster.urls();
    let config = RedisConfig::cluster(nodes.clone(), "e2e")
        .unwrap()
        .wait_for_replicas(1, REPLICA_WAIT);
    let receivers = [
        receiver(&config, "receiver-a").await,
        receiver(&config, "receiver-b").await,
    ];
    let effects_dir = tempfile::tempdir().unwrap();
    let path = |name: &str| effects_dir.path().join(format!("{name}.log"));
    let mut doomed = spawn_worker(&nodes, true, "e2e", "worker-doomed", &path("worker-doomed"));
    let survivor = spawn_worker(
        &nodes,
        true,
        "e2e",
        "worker-survivor",
        &path("worker-survivor"),
    );

    // 8,000 events; one in four is delivered twice: 10,000 deliveries.
    let ids: Vec<Uuid> = (0..UNIQUE_EVENTS).map(|_| Uuid::new_v4()).collect();
    let mut plan: Vec<(usize, usize)> = (0..UNIQUE_EVENTS).map(|n| (n, n % 2)).collect();
    plan.extend(
        (0..UNIQUE_EVENTS)
            .filter(|n| n % 8 == 0)
            .map(|n| (n, (n + 1) % 2)),
    );
    plan.extend(
        (0..UNIQUE_EVENTS)
            .filter(|n| n % 8 == 4)
            .map(|n| (n, n % 2)),
    );
    assert_eq!(plan.len(), 10_000);
    let deliveries = plan
        .into_iter()
        .map(|(n, to)| (event(event_type(n), ids[n]), receivers[to]))
        .collect();
    let sent = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let sending = tokio::spawn(deliver(deliveries, Arc::clone(&sent)));

    while sent.load(Ordering::SeqCst) < 4_000 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    doomed.kill().expect("SIGKILL the worker"); // Child::kill is SIGKILL on Unix.
    doomed.wait().unwrap();
    while sent.load(Ordering::SeqCst) < 6_000 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let inspector = RedisQueue::connect(&config, "inspector").await.unwrap();
    let victim = cluster.primary_of(inspector.stream()).unwrap();
    let killed_at = Instant::now();
    cluster.kill(victim);
    let (successor, took_over, rejoined) = tokio::task::block_in_place(|| {
        let successor = cluster
            .wait_for_failover(inspector.stream(), victim)
            .expect("a replica takes over");
        let took_over = killed_at.elapsed();
        // As a supervisor would: the old primary comes back, as a replica.
        cluster.restart(victim).expect("the killed node restarts");
        cluster.wait_until_ok().expect("it rejoins as a replica");
        (successor, took_over, killed_at.elapsed())
    });
    let refused = sending.await.expect("senders");
    let sent_in = started.elapsed();

    let succeeding: Vec<Uuid> = (0..UNIQUE_EVENTS)
        .filter(|n| event_type(*n) == SUCCEEDS)
        .map(|n| ids[n])
        .collect();
    let failing: HashSet<Uuid> = (0..UNIQUE_EVENTS)
        .filter(|n| event_type(*n) == FAILS)
        .map(|n| ids[n])
        .collect();
    let mut workers = vec![survivor];
    // Nothing left to run: no message waiting, in flight or delayed.
    drain(&mut workers, Duration::from_secs(90), async || {
        inspector.is_empty().await == Ok(true)
    })
    .await;
    let drained_in = started.elapsed();
    stop(workers);

    let runs = effects(effects_dir.path());
    let by_doomed = runs
        .values()
        .filter(|by| by.contains_key("worker-doomed"))
        .count();
    assert!(
        by_doomed > 0,
        "the killed worker had handled events before it died"
    );
    let lost = succeeding
        .iter()
        .filter(|id| !runs.contains_key(id))
        .count();
    assert_eq!(lost, 0, "events acknowledged 202 and never run");
    // A worker killed mid-handler leaves its claims to expire: the events it
    // was running may run once more elsewhere (at least once, never lost).
    // The primary's death re-runs nothing. Every other event runs once.
    let mut rerun_after_kill = 0;
    for (id, by) in &runs {
        let total: usize = by.values().sum();
        if total == 1 {
            continue;
        }
        assert!(
            total == 2 && by.get("worker-doomed") == Some(&1),
            "event {id} ran {by:?}: more than once, and not because its worker was killed"
        );
        rerun_after_kill += 1;
    }
    assert!(
        rerun_after_kill <= BATCH,
        "{rerun_after_kill} re-runs: more than the killed worker's batch of {BATCH}"
    );
    let dead = inspector.dead_letters().await.unwrap();
    let dead_ids: Vec<Uuid> = dead
        .iter()
        .map(|letter| Event::parse(letter.payload.clone()).unwrap().id().unwrap())
        .collect();
    assert_eq!(
        dead_ids.len(),
        failing.len(),
        "one dead letter per always-failing event"
    );
    assert_eq!(
        dead_ids.into_iter().collect::<HashSet<_>>(),
        failing,
        "exactly the failing events"
    );
    println!(
        "10,000 deliveries sent in {sent_in:?} ({refused} answered 503 and sent again), all \
         handled in {drained_in:?}; {by_doomed} run by the killed worker, {rerun_after_kill} re-run \
         after its SIGKILL; node {successor} took over from node {victim} in {took_over:?}, \
         which rejoined as a replica {rejoined:?} after its kill"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_apps_with_their_own_namespaces_on_one_redis_each_handle_every_event_once() {
    let redis = RedisServer::start()
        .unwrap_or_else(|error| panic!("this test needs redis-server: {error}"));
    let nodes = vec![redis.url()];
    let effects_dir = tempfile::tempdir().unwrap();
    let apps = ["billing", "crm"];
    let mut receivers = Vec::new();
    let mut workers = Vec::new();
    for app in apps {
        let config = RedisConfig::new(redis.url(), app).unwrap();
        receivers.push(receiver(&config, &format!("{app}-receiver")).await);
        std::fs::create_dir(effects_dir.path().join(app)).unwrap();
        for worker in ["worker-1", "worker-2"] {
            let file = effects_dir.path().join(app).join(format!("{worker}.log"));
            workers.push(spawn_worker(&nodes, false, app, worker, &file));
        }
    }
    // FusionAuth sends every event, with its id, to each app's webhook; one in
    // four twice.
    let ids: Vec<Uuid> = (0..1_000).map(|_| Uuid::new_v4()).collect();
    let deliveries: Vec<_> = receivers
        .iter()
        .flat_map(|receiver| {
            ids.iter().enumerate().flat_map(move |(n, id)| {
                let copies = if n % 4 == 0 { 2 } else { 1 };
                std::iter::repeat_n((event(SUCCEEDS, *id), *receiver), copies)
            })
        })
        .collect();
    assert_eq!(deliveries.len(), 2_500);
    deliver(deliveries, Arc::new(AtomicUsize::new(0))).await;

    let mut queues = Vec::new();
    for app in apps {
        let config = RedisConfig::new(redis.url(), app).unwrap();
        queues.push(RedisQueue::connect(&config, "inspector").await.unwrap());
    }
    // Nothing left to run in either app.
    drain(&mut workers, Duration::from_secs(60), async || {
        for queue in &queues {
            if queue.is_empty().await != Ok(true) {
                return false;
            }
        }
        true
    })
    .await;
    stop(workers);
    let app_runs = |app: &str| effects(&effects_dir.path().join(app));
    for app in apps {
        let runs = app_runs(app);
        for id in &ids {
            let total: usize = runs.get(id).map_or(0, |by| by.values().sum());
            assert_eq!(total, 1, "{app} ran event {id} {total} times");
        }
    }
}
