//! Shared by the Redis tests: servers that must start, event bodies, and
//! waiting for something to happen.

use std::future::Future;
use std::time::{Duration, Instant};

use bytes::Bytes;
use fusionauth_webhooks::delivery::{Message, Queue};
use fusionauth_webhooks_redis::testing::RedisServer;
use fusionauth_webhooks_redis::{RedisConfig, RedisQueue};
use uuid::Uuid;

/// A `redis-server` with the defaults; the test fails, saying why, without one.
pub(crate) fn redis() -> RedisServer {
    RedisServer::start().unwrap_or_else(|error| panic!("this test needs redis-server: {error}"))
}

/// The tests' namespace on `url`.
pub(crate) fn config(url: &str) -> RedisConfig {
    RedisConfig::new(url, "test").expect("a valid config")
}

/// A minimal FusionAuth event of `event_type` with the id `id`.
pub(crate) fn event(event_type: &str, id: Uuid) -> Bytes {
    Bytes::from(format!(
        r#"{{"event":{{"type":"{event_type}","id":"{id}","createInstant":1749040200000}}}}"#
    ))
}

/// Polls `check` every 20 ms until it is true; how long that took, or `None`
/// at `within`.
pub(crate) async fn eventually<F, Fut>(within: Duration, mut check: F) -> Option<Duration>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = bool>,
{
    let started = Instant::now();
    loop {
        if check().await {
            return Some(started.elapsed());
        }
        if started.elapsed() > within {
            return None;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// A plain connection for looking at (or breaking) what the queue wrote.
pub(crate) async fn raw(url: &str) -> redis::aio::MultiplexedConnection {
    redis::Client::open(url)
        .expect("url")
        .get_multiplexed_async_connection()
        .await
        .expect("a raw connection to redis")
}

/// Pushes a new `user.update` event and receives it: a message this consumer holds.
pub(crate) async fn one_message(queue: &RedisQueue) -> Message {
    queue
        .push(event("user.update", Uuid::new_v4()))
        .await
        .expect("push");
    let mut batch = queue
        .receive(1, Duration::from_secs(1))
        .await
        .expect("receive");
    assert_eq!(batch.len(), 1, "the pushed message is received");
    batch.remove(0)
}
