//! The whole hand-off with a real Redis: two receivers, two worker processes,
//! 10,000 deliveries with duplicates, one worker killed with SIGKILL half-way.
//!
//! The workers are this test binary run again as child processes (the ignored
//! test `worker_process`), so that one can be killed for real. Effects are
//! recorded in Redis, per event id and per worker, so they are counted across
//! processes.

mod delivery_support;

use std::collections::{HashMap, HashSet};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use delivery_support::{API_KEY, Connection, event, serve};
use fusionauth_webhooks::Worker;
use fusionauth_webhooks::delivery::Deduplicator;
use fusionauth_webhooks::{Event, EventType, HandlerError, Router, Webhook};
use fusionauth_webhooks_redis::testing::RedisServer;
use fusionauth_webhooks_redis::{RedisQueue, RedisStore};
use http::StatusCode;
use redis::AsyncCommands as _;
use uuid::Uuid;

const ENV_URL: &str = "E2E_REDIS_URL";
const ENV_CONSUMER: &str = "E2E_CONSUMER";
/// Handled by the workers: its effect is counted.
const SUCCEEDS: &str = "user.update.complete";
/// Always fails: ends in the dead-letter stream.
const FAILS: &str = "user.email.update";
const UNIQUE_EVENTS: usize = 8_000;
const BATCH: usize = 32;

/// Event `n`'s type: one in 80 always fails.
fn event_type(n: usize) -> &'static str {
    if n.is_multiple_of(80) {
        FAILS
    } else {
        SUCCEEDS
    }
}

/// The worker of a child process: counts each run of a handler in Redis as
/// `HINCRBY effects:<id> <consumer> 1`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "the worker child process of `ten_thousand_deliveries_...`; it needs E2E_REDIS_URL"]
async fn worker_process() {
    let url = std::env::var(ENV_URL).expect("run by the end-to-end test, with E2E_REDIS_URL");
    let consumer = std::env::var(ENV_CONSUMER).expect("E2E_CONSUMER");
    let effects = redis::Client::open(url.as_str())
        .unwrap()
        .get_connection_manager()
        .await
        .expect("redis");
    let name = consumer.clone();
    let router = Router::new()
        .on_event(EventType::UserUpdateComplete, move |event: Event| {
            let (mut effects, name) = (effects.clone(), name.clone());
            async move {
                let key = format!("effects:{}", event.id().expect("id"));
                let _: i64 = effects
                    .hincr(key, &name, 1)
                    .await
                    .map_err(HandlerError::internal)?;
                Ok(())
            }
        })
        .on_event(EventType::UserEmailUpdate, |_event| async {
            Err(HandlerError::retry_later())
        });
    let queue = RedisQueue::connect(&url, &consumer)
        .await
        .expect("queue")
        .reclaim_idle(Duration::from_millis(500));
    let store = RedisStore::connect(&url).await.expect("store");
    let worker = Worker::new(router, queue)
        .deduplicate(
            Deduplicator::new(store)
                .lease(Duration::from_secs(2))
                .wait_for_first(Duration::from_millis(300)),
        )
        .max_attempts(3)
        .retry_backoff(Duration::from_millis(20), Duration::from_millis(100))
        .handler_timeout(Duration::from_secs(1))
        .batch_size(BATCH);
    // Runs until the parent kills it.
    worker.run(std::future::pending()).await;
}

fn spawn_worker(url: &str, consumer: &str) -> Child {
    Command::new(std::env::current_exe().expect("test binary"))
        .args(["worker_process", "--exact", "--ignored", "--nocapture"])
        .env(ENV_URL, url)
        .env(ENV_CONSUMER, consumer)
        .stdout(Stdio::null())
        .spawn()
        .expect("spawn a worker process")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_thousand_deliveries_across_two_receivers_and_two_workers_one_killed_run_once() {
    let redis_server = RedisServer::start()
        .unwrap_or_else(|error| panic!("this test needs redis-server: {error}"));
    let url = redis_server.url();
    let mut receivers = Vec::new();
    for name in ["receiver-a", "receiver-b"] {
        let queue = RedisQueue::connect(&url, name).await.expect("queue");
        let webhook = Webhook::builder()
            .api_key(API_KEY)
            .router(Router::new())
            .enqueue(
                [EventType::UserUpdateComplete, EventType::UserEmailUpdate],
                queue,
            )
            .build()
            .unwrap();
        receivers.push(serve(webhook).await);
    }
    let mut doomed = spawn_worker(&url, "worker-doomed");
    let mut survivor = spawn_worker(&url, "worker-survivor");

    // 8,000 events; one in four is delivered twice more: 10,000 deliveries.
    let ids: Vec<Uuid> = (0..UNIQUE_EVENTS).map(|_| Uuid::new_v4()).collect();
    let mut deliveries: Vec<(usize, usize)> = (0..UNIQUE_EVENTS).map(|n| (n, n % 2)).collect();
    deliveries.extend(
        (0..UNIQUE_EVENTS)
            .filter(|n| n % 8 == 0)
            .map(|n| (n, (n + 1) % 2)),
    );
    deliveries.extend(
        (0..UNIQUE_EVENTS)
            .filter(|n| n % 8 == 4)
            .map(|n| (n, n % 2)),
    );
    assert_eq!(deliveries.len(), 10_000);
    let work = Arc::new(Mutex::new(deliveries.into_iter()));
    let sent = Arc::new(Mutex::new(0_usize));
    let ids = Arc::new(ids);

    let senders = (0..16).map(|_| {
        let (work, sent, ids, receivers) = (
            Arc::clone(&work),
            Arc::clone(&sent),
            Arc::clone(&ids),
            receivers.clone(),
        );
        tokio::spawn(async move {
            let mut connections = [
                Connection::open(receivers[0]).await,
                Connection::open(receivers[1]).await,
            ];
            loop {
                let next = work.lock().unwrap().next();
                let Some((n, receiver)) = next else { return };
                let status = connections[receiver]
                    .post(event(event_type(n), ids[n]))
                    .await;
                assert_eq!(status, StatusCode::ACCEPTED, "every delivery is queued");
                *sent.lock().unwrap() += 1;
            }
        })
    });
    let senders: Vec<_> = senders.collect();
    let started = Instant::now();
    while *sent.lock().unwrap() < 5_000 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    doomed.kill().expect("SIGKILL the worker"); // Child::kill is SIGKILL on Unix.
    doomed.wait().unwrap();
    for sender in senders {
        sender.await.expect("sender");
    }
    let sent_in = started.elapsed();

    let succeeding: Vec<Uuid> = (0..UNIQUE_EVENTS)
        .filter(|n| event_type(*n) == SUCCEEDS)
        .map(|n| ids[n])
        .collect();
    let failing: HashSet<Uuid> = (0..UNIQUE_EVENTS)
        .filter(|n| event_type(*n) == FAILS)
        .map(|n| ids[n])
        .collect();
    let mut redis = redis::Client::open(url.as_str())
        .unwrap()
        .get_connection_manager()
        .await
        .unwrap();
    let queue = RedisQueue::connect(&url, "inspector").await.unwrap();

    // Wait until every event had its effect and every failing one is dead.
    let deadline = Instant::now() + Duration::from_secs(60);
    let (effects, dead) = loop {
        let mut effects: HashMap<Uuid, HashMap<String, i64>> = HashMap::new();
        for id in &succeeding {
            let runs: HashMap<String, i64> = redis.hgetall(format!("effects:{id}")).await.unwrap();
            effects.insert(*id, runs);
        }
        let dead = queue.dead_letters().await.unwrap();
        let complete = effects.values().all(|runs| !runs.is_empty()) && dead.len() >= failing.len();
        if complete || Instant::now() > deadline {
            break (effects, dead);
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    let drained_in = started.elapsed();
    survivor.kill().unwrap();
    survivor.wait().unwrap();

    let by_doomed = effects
        .values()
        .filter(|runs| runs.contains_key("worker-doomed"))
        .count();
    assert!(
        by_doomed > 0,
        "the killed worker had handled events before it died"
    );
    let lost: Vec<_> = effects.iter().filter(|(_, runs)| runs.is_empty()).collect();
    assert!(lost.is_empty(), "{} events never ran (lost)", lost.len());
    // A worker killed mid-handler leaves its claims to expire: the events it
    // was running may run once more elsewhere (at least once, never lost).
    // Every other event runs exactly once.
    let mut rerun_after_kill = 0;
    for (id, runs) in &effects {
        let total: i64 = runs.values().sum();
        if total == 1 {
            continue;
        }
        assert!(
            total == 2 && runs.get("worker-doomed") == Some(&1),
            "event {id} ran {runs:?}: more than once, and not because its worker was killed"
        );
        rerun_after_kill += 1;
    }
    assert!(
        rerun_after_kill <= BATCH,
        "{rerun_after_kill} re-runs: more than the killed worker's batch of {BATCH}"
    );
    let dead_ids: Vec<Uuid> = dead
        .iter()
        .map(|message| Event::parse(message.payload.clone()).unwrap().id().unwrap())
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
        "10,000 deliveries sent in {sent_in:?}, all handled in {drained_in:?}; \
         {by_doomed} run by the killed worker; events re-run after the SIGKILL: {rerun_after_kill}"
    );
}
