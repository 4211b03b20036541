//! A real local Redis Cluster (six nodes: three primaries, three replicas):
//! the contracts, where the keys land, and a primary killed under load.

use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::support::{event, eventually};
use fusionauth_webhooks::Worker;
use fusionauth_webhooks::delivery::{Deduplicator, Queue};
use fusionauth_webhooks::{Event, EventType, Router};
use fusionauth_webhooks_redis::testing::RedisCluster;
use fusionauth_webhooks_redis::{RedisConfig, RedisQueue, RedisStore};
use tokio::sync::watch;
use uuid::Uuid;

fn cluster() -> RedisCluster {
    RedisCluster::start().unwrap_or_else(|error| {
        panic!("this test needs a local Redis Cluster (redis-server and redis-cli): {error}")
    })
}

fn config(cluster: &RedisCluster) -> RedisConfig {
    RedisConfig::cluster(cluster.urls(), "cluster-test").expect("config")
}

#[tokio::test]
async fn the_store_and_the_queue_keep_their_contracts_on_a_cluster() {
    let cluster = cluster();
    let config = config(&cluster);
    let store = RedisStore::connect(&config).await.expect("store");
    fusionauth_webhooks::testing::dedup_store_suite(&store).await;
    let queue = RedisQueue::connect(&config, "worker").await.expect("queue");
    fusionauth_webhooks::testing::queue_suite(&queue).await;
}

#[tokio::test]
async fn dedup_keys_spread_over_every_primary_and_the_queue_keys_share_one_slot() {
    let cluster = cluster();
    let config = config(&cluster);
    let store = RedisStore::connect(&config).await.unwrap();
    let queue = RedisQueue::connect(&config, "worker").await.unwrap();
    let primaries: HashSet<usize> = (0..60)
        .map(|_| cluster.primary_of(&store.key(Uuid::new_v4())).unwrap())
        .collect();
    assert_eq!(primaries.len(), 3, "claims spread over the three primaries");
    let slot = |key: &str| cluster.node(0).query(&["CLUSTER", "KEYSLOT", key]).unwrap();
    let stream = slot(queue.stream());
    assert_eq!(slot(queue.dead_letter_stream()), stream);
    assert_eq!(slot(&format!("{}:retry", queue.stream())), stream);
}

/// Handled event ids, as every worker of the test records them.
#[derive(Clone, Default)]
struct Handled(Arc<Mutex<HashSet<Uuid>>>);

impl Handled {
    fn router(&self) -> Router {
        let handled = self.clone();
        Router::new().on_event(EventType::UserUpdate, move |event: Event| {
            let handled = handled.clone();
            async move {
                handled.0.lock().unwrap().insert(event.id().expect("an id"));
                Ok(())
            }
        })
    }

    fn all_of(&self, ids: &[Uuid]) -> bool {
        let handled = self.0.lock().unwrap();
        ids.iter().all(|id| handled.contains(id))
    }
}

/// Pushes new events as a receiver does, retrying a refused one as FusionAuth
/// would, until `stop`; the ids acknowledged, in order, with the time each was.
async fn receiver(
    queue: RedisQueue,
    stop: Arc<AtomicBool>,
    refused: Arc<AtomicUsize>,
) -> Vec<(Uuid, Instant)> {
    let mut acknowledged = Vec::new();
    while !stop.load(Ordering::SeqCst) {
        let id = Uuid::new_v4();
        loop {
            match queue.push(event("user.update", id)).await {
                Ok(_) => break,
                Err(_) => {
                    refused.fetch_add(1, Ordering::SeqCst);
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            }
        }
        acknowledged.push((id, Instant::now()));
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    acknowledged
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn receivers_and_workers_go_on_after_a_replica_takes_over_from_a_killed_primary() {
    // The workers' warnings show with a failure.
    let _ = tracing_subscriber::fmt().with_test_writer().try_init();
    let mut cluster = cluster();
    let config = config(&cluster);
    let handled = Handled::default();
    let (stop_workers, stopped) = watch::channel(false);
    for name in ["worker-a", "worker-b"] {
        let queue = RedisQueue::connect(&config, name)
            .await
            .unwrap()
            .reclaim_idle(Duration::from_secs(2));
        let store = RedisStore::connect(&config).await.unwrap();
        let worker = Worker::new(handled.router(), queue)
            .deduplicate(Deduplicator::new(store).lease(Duration::from_secs(2)))
            .max_attempts(100)
            .retry_backoff(Duration::from_millis(50), Duration::from_millis(500));
        let mut stopped = stopped.clone();
        tokio::spawn(async move {
            worker
                .run(async move { while stopped.changed().await.is_ok() && !*stopped.borrow() {} })
                .await;
        });
    }
    let stop = Arc::new(AtomicBool::new(false));
    let refused = Arc::new(AtomicUsize::new(0));
    let mut receivers = Vec::new();
    for name in ["receiver-a", "receiver-b"] {
        let queue = RedisQueue::connect(&config, name).await.unwrap();
        receivers.push(tokio::spawn(receiver(
            queue,
            Arc::clone(&stop),
            Arc::clone(&refused),
        )));
    }

    tokio::time::sleep(Duration::from_millis(500)).await;
    let probe = RedisQueue::connect(&config, "probe").await.unwrap();
    let victim = cluster.primary_of(probe.stream()).unwrap();
    let killed_at = Instant::now();
    cluster.kill(victim);
    let primary = tokio::task::block_in_place(|| cluster.wait_for_failover(probe.stream(), victim))
        .expect("a replica takes over");
    let took_over = killed_at.elapsed();
    let taken_over_at = Instant::now();
    tokio::time::sleep(Duration::from_secs(1)).await;
    stop.store(true, Ordering::SeqCst);
    let mut acknowledged = Vec::new();
    for receiver in receivers {
        acknowledged.extend(receiver.await.unwrap());
    }

    let after: Vec<Uuid> = acknowledged
        .iter()
        .filter(|(_, at)| *at > taken_over_at)
        .map(|(id, _)| *id)
        .collect();
    assert!(!after.is_empty(), "receivers go on after the takeover");
    let drained = eventually(Duration::from_secs(15), || async { handled.all_of(&after) }).await;
    let missing = after
        .iter()
        .filter(|id| !handled.0.lock().unwrap().contains(id))
        .count();
    assert!(
        drained.is_some(),
        "workers handle every event acknowledged after node {primary} took over: {missing} of \
         {} not handled; {:?} left in the queue",
        after.len(),
        probe.len().await
    );
    let ids: Vec<Uuid> = acknowledged.iter().map(|(id, _)| *id).collect();
    let _ = eventually(Duration::from_secs(5), || async { handled.all_of(&ids) }).await;
    let lost = ids
        .iter()
        .filter(|id| !handled.0.lock().unwrap().contains(id))
        .count();
    eprintln!(
        "node {victim} killed; node {primary} took over after {took_over:?}; {} events acknowledged, \
         {} refused pushes (retried), {lost} acknowledged events lost (not yet replicated when the \
         primary died: see wait_for_replicas)",
        ids.len(),
        refused.load(Ordering::SeqCst),
    );
    let _ = stop_workers.send(true);
}
