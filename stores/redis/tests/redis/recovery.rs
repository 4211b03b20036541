//! Recovery after Redis lost its data (a `FLUSHALL`, a restart without
//! persistence, a failover to an empty replica): receivers' `XADD` recreates
//! the stream without its consumer group, and workers must recreate the group
//! and go on instead of failing with `NOGROUP` until restarted.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use crate::support::{config, event, eventually, raw};
use fusionauth_webhooks::Worker;
use fusionauth_webhooks::delivery::Queue;
use fusionauth_webhooks::{EventType, Router};
use fusionauth_webhooks_redis::RedisQueue;
use fusionauth_webhooks_redis::testing::RedisServer;
use tokio::sync::oneshot;
use uuid::Uuid;

const RESUMED_WITHIN: Duration = Duration::from_secs(5);

fn volatile_redis() -> RedisServer {
    RedisServer::builder()
        .persistence(false)
        .start()
        .unwrap_or_else(|error| panic!("this test needs redis-server: {error}"))
}

/// A worker counting the `user.update` events it handled, running until the
/// sender is dropped.
async fn counting_worker(url: &str) -> (Arc<AtomicUsize>, oneshot::Sender<()>) {
    let handled = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&handled);
    let router = Router::new().on_event(EventType::UserUpdate, move |_event| {
        let counter = Arc::clone(&counter);
        async move {
            counter.fetch_add(1, Ordering::SeqCst);
            Ok(())
        }
    });
    let queue = RedisQueue::connect(&config(url), "worker-1")
        .await
        .expect("queue");
    let worker = Worker::new(router, queue);
    let (stop, stopped) = oneshot::channel::<()>();
    tokio::spawn(async move {
        worker
            .run(async {
                let _ = stopped.await;
            })
            .await;
    });
    (handled, stop)
}

/// Pushes as a receiver does, while Redis comes back (its 503s are retried).
async fn push_until_accepted(queue: &RedisQueue) {
    let body = event("user.update", Uuid::new_v4());
    let accepted = eventually(RESUMED_WITHIN, || async {
        queue.push(body.clone()).await.is_ok()
    })
    .await;
    assert!(
        accepted.is_some(),
        "the receiver's push succeeds once Redis is back"
    );
}

async fn handled_count(handled: &AtomicUsize, count: usize) -> Option<Duration> {
    eventually(RESUMED_WITHIN, || async {
        handled.load(Ordering::SeqCst) >= count
    })
    .await
}

/// How Redis loses its data.
enum Loss {
    Flushall,
    RestartWithoutPersistence,
}

/// A receiver and a worker run; Redis loses its data; the worker handles
/// the next event within seconds.
async fn workers_resume_after(loss: Loss) {
    let mut server = volatile_redis();
    let receiver = RedisQueue::connect(&config(&server.url()), "receiver")
        .await
        .unwrap();
    let (handled, _stop) = counting_worker(&server.url()).await;
    push_until_accepted(&receiver).await;
    assert!(
        handled_count(&handled, 1).await.is_some(),
        "handled before the data loss"
    );

    match loss {
        Loss::Flushall => redis::cmd("FLUSHALL")
            .query_async::<()>(&mut raw(&server.url()).await)
            .await
            .unwrap(),
        Loss::RestartWithoutPersistence => {
            server.stop();
            server.restart().expect("redis-server restarts, empty");
        }
    }
    push_until_accepted(&receiver).await;
    let resumed = handled_count(&handled, 2).await;
    assert!(
        resumed.is_some(),
        "the worker handles events pushed after the data loss within {RESUMED_WITHIN:?}"
    );
    eprintln!("resumed {resumed:?} after the push that followed the data loss");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn workers_resume_within_seconds_after_a_flushall() {
    workers_resume_after(Loss::Flushall).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn workers_resume_within_seconds_after_a_restart_without_persistence() {
    workers_resume_after(Loss::RestartWithoutPersistence).await;
}

#[tokio::test]
async fn receive_recreates_a_lost_consumer_group_and_returns_new_messages() {
    let server = volatile_redis();
    let queue = RedisQueue::connect(&config(&server.url()), "worker-1")
        .await
        .unwrap();
    let _: () = redis::cmd("FLUSHALL")
        .query_async(&mut raw(&server.url()).await)
        .await
        .unwrap();
    let body = event("user.update", Uuid::new_v4());
    queue
        .push(body.clone())
        .await
        .expect("XADD recreates the stream");
    let batch = queue
        .receive(10, Duration::from_secs(1))
        .await
        .expect("receive recreates the group instead of failing with NOGROUP");
    assert_eq!(batch.len(), 1);
    assert_eq!(batch[0].payload, body);
    queue.ack(&batch[0]).await.expect("ack");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_patience_a_settlement_made_while_redis_restarts_lands_once_it_is_back() {
    let mut server = crate::support::redis();
    let patient = config(&server.url()).retry_unreachable_for(Duration::from_secs(10));
    let queue = RedisQueue::connect(&patient, "worker").await.unwrap();
    let message = crate::support::one_message(&queue).await;
    server.stop();
    let ack = tokio::spawn(async move { queue.ack(&message).await.map(|()| queue) });
    tokio::time::sleep(Duration::from_millis(500)).await;
    tokio::task::block_in_place(|| server.restart()).expect("redis-server restarts");
    let queue = ack
        .await
        .unwrap()
        .expect("the acknowledgement waited for Redis instead of failing");
    // Anything left pending would be reclaimed at once with a 1 ms idle time
    // (the blocking-read connection may need one failed call to reconnect).
    let queue = queue.reclaim_idle(Duration::from_millis(1));
    tokio::time::sleep(Duration::from_millis(50)).await;
    let mut left = queue.receive(10, Duration::from_millis(100)).await;
    if left.is_err() {
        left = queue.receive(10, Duration::from_millis(100)).await;
    }
    assert_eq!(left, Ok(Vec::new()), "nothing is left to run again");
}
