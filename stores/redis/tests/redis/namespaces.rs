//! Two apps sharing one Redis: FusionAuth sends the same event, with the same
//! id, to every webhook, so each app keeps its own dedup keys and queue, in
//! the namespace its configuration must name.

use std::time::Duration;

use crate::support::{event, raw, redis};
use fusionauth_webhooks::delivery::{Claim, DedupStore, Queue};
use fusionauth_webhooks_redis::{RedisConfig, RedisQueue, RedisStore};
use uuid::Uuid;

fn app(url: &str, namespace: &str) -> RedisConfig {
    RedisConfig::new(url, namespace).unwrap()
}

#[tokio::test]
async fn an_event_handled_by_one_app_is_not_a_duplicate_for_another() {
    let server = redis();
    let billing = RedisStore::connect(&app(&server.url(), "billing"))
        .await
        .unwrap();
    let crm = RedisStore::connect(&app(&server.url(), "crm"))
        .await
        .unwrap();
    let id = Uuid::new_v4();
    let lease = Duration::from_secs(5);
    let Ok(Claim::Claimed(token)) = billing.claim(id, lease).await else {
        panic!("billing claims")
    };
    assert!(billing.complete(id, &token, lease).await.unwrap());
    assert!(
        matches!(crm.claim(id, lease).await, Ok(Claim::Claimed(_))),
        "the other app runs its own handlers for the same event"
    );
    assert_eq!(billing.claim(id, lease).await, Ok(Claim::Done));
}

#[tokio::test]
async fn one_apps_workers_never_receive_another_apps_events() {
    let server = redis();
    let billing = RedisQueue::connect(&app(&server.url(), "billing"), "billing-worker")
        .await
        .unwrap();
    let crm = RedisQueue::connect(&app(&server.url(), "crm"), "crm-worker")
        .await
        .unwrap();
    billing
        .push(event("user.update", Uuid::new_v4()))
        .await
        .unwrap();
    let seen = crm.receive(10, Duration::from_millis(200)).await.unwrap();
    assert!(
        seen.is_empty(),
        "crm's worker took billing's event: {seen:?}"
    );
    assert_eq!(
        billing
            .receive(10, Duration::from_secs(1))
            .await
            .unwrap()
            .len(),
        1
    );
}

#[tokio::test]
async fn every_key_and_the_consumer_group_carry_the_namespace() {
    let server = redis();
    let config = app(&server.url(), "billing");
    let store = RedisStore::connect(&config).await.unwrap();
    let queue = RedisQueue::connect(&config, "worker").await.unwrap();
    store
        .claim(Uuid::new_v4(), Duration::from_secs(5))
        .await
        .unwrap();
    queue
        .push(event("user.update", Uuid::new_v4()))
        .await
        .unwrap();
    queue
        .push(event("user.update", Uuid::new_v4()))
        .await
        .unwrap();
    let batch = queue.receive(2, Duration::from_secs(1)).await.unwrap();
    queue
        .retry(&batch[0], Duration::from_secs(60))
        .await
        .unwrap();
    queue.dead_letter(&batch[1], "test").await.unwrap();

    let mut connection = raw(&server.url()).await;
    let keys: Vec<String> = redis::cmd("KEYS")
        .arg("*")
        .query_async(&mut connection)
        .await
        .unwrap();
    assert_eq!(
        keys.len(),
        4,
        "a claim, the stream, its retry set and dead letters: {keys:?}"
    );
    for key in &keys {
        assert!(key.contains("billing"), "{key} is outside the namespace");
    }
    let groups: Vec<redis::Value> = redis::cmd("XINFO")
        .arg("GROUPS")
        .arg(queue.stream())
        .query_async(&mut connection)
        .await
        .unwrap();
    assert_eq!(groups.len(), 1);
    assert!(queue.group().contains("billing"), "{}", queue.group());
}
