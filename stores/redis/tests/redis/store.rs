//! The deduplication store contract, and outages, against a real redis-server.

use std::time::Duration;

use crate::support::{config, redis};
use fusionauth_webhooks::delivery::{Claim, DedupStore, StoreError};
use fusionauth_webhooks_redis::RedisStore;
use uuid::Uuid;

#[tokio::test]
async fn the_redis_store_keeps_the_dedup_store_contract() {
    let server = redis();
    let store = RedisStore::connect(&config(&server.url()))
        .await
        .expect("connect");
    fusionauth_webhooks::testing::dedup_store_suite(&store).await;
}

#[tokio::test]
async fn an_outage_is_an_error_and_claims_work_again_once_redis_is_back() {
    let mut server = redis();
    let store = RedisStore::connect(&config(&server.url())).await.unwrap();
    let lease = Duration::from_secs(30);
    server.stop();
    let during = store.claim(Uuid::new_v4(), lease).await;
    assert!(
        matches!(during, Err(StoreError::Unavailable(_))),
        "a claim while Redis is down fails: {during:?}"
    );
    server.restart().expect("redis-server restarts");
    let id = Uuid::new_v4();
    let mut after = store.claim(id, lease).await;
    for _ in 0..50 {
        if after.is_ok() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        after = store.claim(id, lease).await;
    }
    assert!(
        matches!(after, Ok(Claim::Claimed(_))),
        "reconnected: {after:?}"
    );
    assert_eq!(store.claim(id, lease).await, Ok(Claim::InProgress));
}

#[tokio::test]
async fn claims_and_done_marks_survive_a_redis_restart() {
    let mut server = redis();
    let store = RedisStore::connect(&config(&server.url())).await.unwrap();
    let lease = Duration::from_secs(30);
    let (running, done) = (Uuid::new_v4(), Uuid::new_v4());
    assert!(matches!(
        store.claim(running, lease).await,
        Ok(Claim::Claimed(_))
    ));
    let Ok(Claim::Claimed(token)) = store.claim(done, lease).await else {
        panic!("claim")
    };
    assert_eq!(store.complete(done, &token, lease).await, Ok(true));
    server.stop();
    server.restart().expect("redis-server restarts");
    let mut after = store.claim(running, lease).await;
    for _ in 0..50 {
        if after.is_ok() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        after = store.claim(running, lease).await;
    }
    assert_eq!(
        after,
        Ok(Claim::InProgress),
        "the running claim is not lost"
    );
    assert_eq!(
        store.claim(done, lease).await,
        Ok(Claim::Done),
        "the done mark is not lost"
    );
}
