//! Deduplication and the queue hand-off over real sockets, with a real Redis
//! shared by two webhooks (two replicas).

mod common;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::delivery::{API_KEY, event, post_once as post, serve};
use fusionauth_webhooks::delivery::Queue as _;
use fusionauth_webhooks::{Event, EventType, HandlerError, Router, Webhook};
use fusionauth_webhooks_redis::testing::RedisServer;
use fusionauth_webhooks_redis::{RedisConfig, RedisQueue, RedisStore};
use futures_util::future::join_all;
use http::StatusCode;
use uuid::Uuid;

fn redis() -> RedisServer {
    RedisServer::start().unwrap_or_else(|error| panic!("this test needs redis-server: {error}"))
}

/// Every replica of one app: the same namespace.
fn config(redis: &RedisServer) -> RedisConfig {
    RedisConfig::new(redis.url(), "delivery-test").expect("config")
}

/// Handler calls per event id, across every replica of the test.
#[derive(Clone, Default)]
struct Effects(Arc<Mutex<HashMap<Uuid, usize>>>);

impl Effects {
    /// Counts a call and returns how many calls this id has had.
    fn record(&self, event: &Event) -> usize {
        let mut calls = self.0.lock().unwrap();
        let count = calls.entry(event.id().expect("an id")).or_default();
        *count += 1;
        *count
    }

    fn of(&self, id: Uuid) -> usize {
        self.0.lock().unwrap().get(&id).copied().unwrap_or(0)
    }

    fn total(&self) -> usize {
        self.0.lock().unwrap().values().sum()
    }
}

/// `user.update` takes 50 ms (long enough for duplicates to overlap);
/// `user.reactivate` fails its first call per id.
fn router(effects: &Effects) -> Router {
    let slow = effects.clone();
    let flaky = effects.clone();
    Router::new()
        .on_event(EventType::UserUpdate, move |event: Event| {
            let effects = slow.clone();
            async move {
                tokio::time::sleep(Duration::from_millis(50)).await;
                effects.record(&event);
                Ok(())
            }
        })
        .on_event(EventType::UserReactivate, move |event: Event| {
            let effects = flaky.clone();
            async move {
                match effects.record(&event) {
                    1 => Err(HandlerError::retry_later()),
                    _ => Ok(()),
                }
            }
        })
}

/// A replica: its own connection to the shared Redis, its own socket.
async fn replica(redis: &RedisServer, effects: &Effects) -> SocketAddr {
    let store = RedisStore::connect(&config(redis))
        .await
        .expect("connect to redis");
    let webhook = Webhook::builder()
        .api_key(API_KEY)
        .deduplicate(store)
        .router(router(effects))
        .build()
        .expect("webhook");
    serve(webhook).await
}

/// Sends as FusionAuth's retries would, while the replica answers 503 (its
/// connection to Redis comes back within a few hundred milliseconds).
async fn post_while_503(address: SocketAddr, body: bytes::Bytes) -> StatusCode {
    let mut status = StatusCode::SERVICE_UNAVAILABLE;
    for _ in 0..50 {
        status = post(address, body.clone()).await;
        if status != StatusCode::SERVICE_UNAVAILABLE {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    status
}

#[tokio::test]
async fn two_replicas_run_each_event_once_when_it_arrives_three_times_concurrently() {
    let redis = redis();
    let effects = Effects::default();
    let replicas = [
        replica(&redis, &effects).await,
        replica(&redis, &effects).await,
    ];
    let ids: Vec<Uuid> = (0..40).map(|_| Uuid::new_v4()).collect();
    let sends = ids.iter().enumerate().flat_map(|(n, id)| {
        (0..3).map(move |copy| post(replicas[(n + copy) % 2], event("user.update", *id)))
    });
    let statuses = join_all(sends).await;
    assert!(
        statuses.iter().all(|status| *status == StatusCode::OK),
        "every copy is acknowledged once the first succeeded: {statuses:?}"
    );
    for id in &ids {
        assert_eq!(effects.of(*id), 1, "event {id} ran once");
    }
}

#[tokio::test]
async fn a_failing_handler_then_a_succeeding_retry_has_its_effect_once() {
    let redis = redis();
    let effects = Effects::default();
    let [a, b] = [
        replica(&redis, &effects).await,
        replica(&redis, &effects).await,
    ];
    let id = Uuid::new_v4();
    let body = || event("user.reactivate", id);
    assert_eq!(
        post(a, body()).await,
        StatusCode::SERVICE_UNAVAILABLE,
        "first call fails"
    );
    assert_eq!(
        post(b, body()).await,
        StatusCode::OK,
        "the retry on the other replica runs"
    );
    assert_eq!(
        post(a, body()).await,
        StatusCode::OK,
        "a later duplicate is acknowledged"
    );
    assert_eq!(
        effects.of(id),
        2,
        "one failed call, one successful call, no third"
    );
}

#[tokio::test]
async fn while_redis_is_down_every_delivery_gets_503_and_nothing_is_lost_after() {
    let mut redis = redis();
    let effects = Effects::default();
    let [a, b] = [
        replica(&redis, &effects).await,
        replica(&redis, &effects).await,
    ];
    let before = Uuid::new_v4();
    assert_eq!(post(a, event("user.update", before)).await, StatusCode::OK);

    redis.stop();
    let during = Uuid::new_v4();
    let statuses = join_all([
        post(a, event("user.update", during)),
        post(b, event("user.update", during)),
        post(b, event("user.update", before)),
    ])
    .await;
    assert!(
        statuses
            .iter()
            .all(|status| *status == StatusCode::SERVICE_UNAVAILABLE),
        "no 2xx and no handler without Redis: {statuses:?}"
    );
    assert_eq!(effects.total(), 1, "no handler ran while Redis was down");

    redis.restart().expect("redis-server restarts");
    let retried = post_while_503(b, event("user.update", during)).await;
    assert_eq!(
        retried,
        StatusCode::OK,
        "FusionAuth's retry succeeds once Redis is back"
    );
    let duplicate = post_while_503(a, event("user.update", before)).await;
    assert_eq!(duplicate, StatusCode::OK);
    assert_eq!(effects.of(before), 1, "the done mark survived the outage");
    assert_eq!(effects.of(during), 1);
}

#[tokio::test]
async fn an_enqueued_event_is_answered_202_once_the_stream_holds_it_and_503_without_redis() {
    let mut redis = redis();
    let queue = RedisQueue::connect(&config(&redis), "receiver")
        .await
        .expect("queue");
    let effects = Effects::default();
    let webhook = Webhook::builder()
        .api_key(API_KEY)
        .router(router(&effects))
        .enqueue([EventType::UserUpdateComplete], queue.clone())
        .build()
        .expect("webhook");
    let address = serve(webhook).await;
    let body = event("user.update.complete", Uuid::new_v4());
    assert_eq!(post(address, body.clone()).await, StatusCode::ACCEPTED);
    assert_eq!(effects.total(), 0, "no handler runs in the request");
    let queued = queue
        .receive(10, Duration::from_secs(1))
        .await
        .expect("receive");
    assert_eq!(queued.len(), 1);
    assert_eq!(
        queued[0].payload, body,
        "the raw body is queued byte for byte"
    );

    redis.stop();
    let refused = post(address, event("user.update.complete", Uuid::new_v4())).await;
    assert_eq!(
        refused,
        StatusCode::SERVICE_UNAVAILABLE,
        "no 2xx without the queue's ack"
    );
}

#[tokio::test]
async fn with_replication_asked_an_event_no_replica_acknowledged_is_answered_503() {
    let primary = RedisServer::builder()
        .persistence(false)
        .start()
        .unwrap_or_else(|error| panic!("this test needs redis-server: {error}"));
    let mut replica = RedisServer::builder()
        .persistence(false)
        .replica_of(&primary)
        .start()
        .unwrap_or_else(|error| panic!("this test needs redis-server: {error}"));
    replica.wait_for_replication().expect("the replica syncs");
    let config = config(&primary).wait_for_replicas(1, Duration::from_millis(500));
    let queue = RedisQueue::connect(&config, "receiver")
        .await
        .expect("queue");
    let webhook = Webhook::builder()
        .api_key(API_KEY)
        .router(Router::new())
        .enqueue([EventType::UserUpdateComplete], queue)
        .build()
        .expect("webhook");
    let address = serve(webhook).await;
    let body = || event("user.update.complete", Uuid::new_v4());
    assert_eq!(
        post(address, body()).await,
        StatusCode::ACCEPTED,
        "202 once the replica holds it"
    );
    replica.kill();
    assert_eq!(
        post(address, body()).await,
        StatusCode::SERVICE_UNAVAILABLE,
        "no 202 for an event only the primary holds: FusionAuth retries"
    );
}
