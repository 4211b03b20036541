//! `wait_for_replicas`: a write counts only once replicas hold it (`WAIT`),
//! else it fails, so that a webhook answers 503 and FusionAuth retries.

use std::time::{Duration, Instant};

use crate::support::{event, raw};
use fusionauth_webhooks::delivery::{Claim, DedupStore, Queue, QueueError, StoreError};
use fusionauth_webhooks_redis::testing::RedisServer;
use fusionauth_webhooks_redis::{RedisConfig, RedisQueue, RedisStore};
use uuid::Uuid;

/// The replica answers within a millisecond; room for a busy CI machine.
const WAIT: Duration = Duration::from_millis(500);

/// A primary and its replica, in sync.
fn primary_and_replica() -> (RedisServer, RedisServer) {
    let start = |builder: fusionauth_webhooks_redis::testing::RedisServerBuilder| {
        builder
            .persistence(false)
            .start()
            .unwrap_or_else(|error| panic!("this test needs redis-server: {error}"))
    };
    let primary = start(RedisServer::builder());
    let replica = start(RedisServer::builder().replica_of(&primary));
    replica.wait_for_replication().expect("the replica syncs");
    (primary, replica)
}

fn replicated(primary: &RedisServer) -> RedisConfig {
    RedisConfig::new(primary.url(), "replicated")
        .unwrap()
        .wait_for_replicas(1, WAIT)
}

#[tokio::test]
async fn a_push_is_acknowledged_once_the_replica_holds_it() {
    let (primary, replica) = primary_and_replica();
    let queue = RedisQueue::connect(&replicated(&primary), "receiver")
        .await
        .unwrap();
    queue
        .push(event("user.update", Uuid::new_v4()))
        .await
        .expect("replicated");
    // Read on the replica at once: WAIT returned only once it had the entry.
    let length: usize = redis::cmd("XLEN")
        .arg(queue.stream())
        .query_async(&mut raw(&replica.url()).await)
        .await
        .unwrap();
    assert_eq!(length, 1, "the replica holds the acknowledged event");
    let suite = RedisConfig::new(primary.url(), "suite")
        .unwrap()
        .wait_for_replicas(1, WAIT);
    let queue = RedisQueue::connect(&suite, "worker").await.unwrap();
    fusionauth_webhooks::testing::queue_suite(&queue).await;
    let store = RedisStore::connect(&suite).await.unwrap();
    fusionauth_webhooks::testing::dedup_store_suite(&store).await;
}

#[tokio::test]
async fn without_a_replica_a_push_fails_within_the_bound() {
    let (primary, mut replica) = primary_and_replica();
    let queue = RedisQueue::connect(&replicated(&primary), "receiver")
        .await
        .unwrap();
    replica.kill();
    let started = Instant::now();
    let pushed = queue.push(event("user.update", Uuid::new_v4())).await;
    let took = started.elapsed();
    let Err(QueueError::Unavailable(why)) = pushed else {
        panic!("acknowledged without a replica: {pushed:?}")
    };
    assert!(why.contains("0 of the 1 replicas"), "{why}");
    assert!(
        took >= WAIT && took < WAIT + Duration::from_secs(1),
        "{took:?}"
    );
}

#[tokio::test]
async fn without_a_replica_a_claim_fails_and_is_given_back() {
    let (primary, mut replica) = primary_and_replica();
    let store = RedisStore::connect(&replicated(&primary)).await.unwrap();
    replica.kill();
    let id = Uuid::new_v4();
    let claimed = store.claim(id, Duration::from_secs(30)).await;
    assert!(
        matches!(claimed, Err(StoreError::Unavailable(_))),
        "a claim the replicas may not hold does not count: {claimed:?}"
    );
    let left: Option<String> = redis::cmd("GET")
        .arg(store.key(id))
        .query_async(&mut raw(&primary.url()).await)
        .await
        .unwrap();
    assert_eq!(left, None, "the unreplicated claim was released");
    let plain = RedisStore::connect(&RedisConfig::new(primary.url(), "replicated").unwrap())
        .await
        .unwrap();
    assert!(
        matches!(
            plain.claim(id, Duration::from_secs(30)).await,
            Ok(Claim::Claimed(_))
        ),
        "FusionAuth's retry is not blocked until a lease expires"
    );
}

#[tokio::test]
async fn without_a_replica_a_settlement_fails_rather_than_counting() {
    let (primary, mut replica) = primary_and_replica();
    let queue = RedisQueue::connect(&replicated(&primary), "worker")
        .await
        .unwrap();
    let message = crate::support::one_message(&queue).await;
    replica.kill();
    let acked = queue.ack(&message).await;
    assert!(
        matches!(acked, Err(QueueError::Unavailable(_))),
        "an acknowledgement no replica holds is an error, not a loss: {acked:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_patience_a_settlement_waits_for_the_replica_to_come_back_and_writes_once() {
    let (primary, mut replica) = primary_and_replica();
    let patient = replicated(&primary).retry_unreachable_for(Duration::from_secs(10));
    let queue = RedisQueue::connect(&patient, "worker").await.unwrap();
    let message = crate::support::one_message(&queue).await;
    replica.kill();
    let dead = queue.clone();
    let settled = tokio::spawn(async move { dead.dead_letter(&message, "gave up").await });
    tokio::time::sleep(WAIT * 2).await;
    tokio::task::block_in_place(|| {
        replica.restart().expect("the replica restarts");
        replica.wait_for_replication().expect("and syncs again");
    });
    settled
        .await
        .unwrap()
        .expect("the dead letter counts once the replica is back");
    assert_eq!(
        queue.dead_letters().await.unwrap().len(),
        1,
        "waiting again did not write it twice"
    );
}
