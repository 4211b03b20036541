//! Settlement is fenced: only the consumer that holds a message now (the
//! pending entry's consumer and delivery count) can acknowledge, retry or
//! dead-letter it. A slow worker whose message was reclaimed by another learns
//! that it lost it, and changes nothing. And the worker's handler deadline is
//! kept below the queue's reclaim idle time, so that a healthy worker is not
//! taken for dead.

use std::time::Duration;

use crate::support::{config, event, redis};
use fusionauth_webhooks::Worker;
use fusionauth_webhooks::delivery::{Message, Queue, QueueError};
use fusionauth_webhooks::{EventType, Router};
use fusionauth_webhooks_redis::RedisQueue;
use uuid::Uuid;

const IDLE: Duration = Duration::from_millis(300);

async fn queue(url: &str, consumer: &str) -> RedisQueue {
    RedisQueue::connect(&config(url), consumer)
        .await
        .unwrap()
        .reclaim_idle(IDLE)
}

/// `slow` receives the one message, then stays silent past the idle time, and
/// `fast` reclaims it.
async fn reclaimed(slow: &RedisQueue, fast: &RedisQueue) -> (Message, Message) {
    slow.push(event("user.update", Uuid::new_v4()))
        .await
        .unwrap();
    let held = slow
        .receive(1, Duration::from_secs(1))
        .await
        .unwrap()
        .remove(0);
    tokio::time::sleep(IDLE + Duration::from_millis(50)).await;
    let taken = fast.receive(1, Duration::from_secs(1)).await.unwrap();
    assert_eq!(taken.len(), 1, "the idle message is reclaimed");
    (held, taken.into_iter().next().unwrap())
}

async fn nothing_comes_back(queue: &RedisQueue) {
    tokio::time::sleep(IDLE + Duration::from_millis(50)).await;
    let later = queue.receive(10, Duration::from_millis(200)).await.unwrap();
    assert!(later.is_empty(), "nothing was re-queued: {later:?}");
}

#[tokio::test]
async fn a_late_retry_after_another_consumer_reclaimed_and_acknowledged_is_refused() {
    let server = redis();
    let (a, b) = (
        queue(&server.url(), "a").await,
        queue(&server.url(), "b").await,
    );
    let (held, taken) = reclaimed(&a, &b).await;
    b.ack(&taken).await.expect("the current owner acknowledges");
    let late = a.retry(&held, Duration::ZERO).await;
    assert!(
        matches!(late, Err(QueueError::Lost(_))),
        "the late retry is reported as lost: {late:?}"
    );
    nothing_comes_back(&b).await;
}

#[tokio::test]
async fn a_late_ack_while_another_consumer_runs_the_message_is_refused() {
    let server = redis();
    let (a, b) = (
        queue(&server.url(), "a").await,
        queue(&server.url(), "b").await,
    );
    let (held, taken) = reclaimed(&a, &b).await;
    let late = a.ack(&held).await;
    assert!(
        matches!(late, Err(QueueError::Lost(_))),
        "the late ack is reported as lost: {late:?}"
    );
    b.retry(&taken, Duration::ZERO)
        .await
        .expect("the current owner still holds it");
    let again = b.receive(1, Duration::from_secs(1)).await.unwrap();
    assert_eq!(again.len(), 1, "the owner's retry stands");
}

#[tokio::test]
async fn a_late_dead_letter_after_a_reclaim_writes_nothing() {
    let server = redis();
    let (a, b) = (
        queue(&server.url(), "a").await,
        queue(&server.url(), "b").await,
    );
    let (held, taken) = reclaimed(&a, &b).await;
    let late = a.dead_letter(&held, "gave up").await;
    assert!(
        matches!(late, Err(QueueError::Lost(_))),
        "the late dead letter is reported as lost: {late:?}"
    );
    assert!(b.dead_letters().await.unwrap().is_empty());
    b.ack(&taken).await.expect("the current owner acknowledges");
}

#[tokio::test]
async fn the_same_consumer_name_reclaiming_its_own_message_fences_the_earlier_delivery() {
    let server = redis();
    // Two tasks sharing one consumer name (one queue, cloned).
    let first = queue(&server.url(), "shared").await;
    let second = first.clone();
    let (held, taken) = reclaimed(&first, &second).await;
    let late = first.ack(&held).await;
    assert!(
        matches!(late, Err(QueueError::Lost(_))),
        "the earlier delivery's ack is refused: {late:?}"
    );
    second
        .ack(&taken)
        .await
        .expect("the later delivery settles");
}

fn slow_router() -> Router {
    Router::new().on_event(EventType::UserUpdate, |_event| async {
        tokio::time::sleep(Duration::from_secs(3)).await;
        Ok(())
    })
}

#[tokio::test]
async fn by_default_the_worker_gives_up_on_a_handler_before_the_reclaim_idle_time() {
    let server = redis();
    let queue = queue(&server.url(), "w").await;
    queue
        .push(event("user.update", Uuid::new_v4()))
        .await
        .unwrap();
    let worker = Worker::new(slow_router(), queue.clone());
    let ran = tokio::time::timeout(IDLE, worker.run_once(Duration::from_secs(1))).await;
    assert!(
        matches!(ran, Ok(Ok(1))),
        "the handler is dropped before another worker could reclaim its message: {ran:?}"
    );
    let retried = queue.receive(1, Duration::from_secs(2)).await.unwrap();
    assert_eq!(retried.len(), 1);
    assert_eq!(retried[0].attempt, 2, "the timed-out attempt is retried");
}

#[tokio::test]
#[should_panic(expected = "reclaim idle time")]
async fn a_handler_deadline_at_or_above_the_reclaim_idle_time_is_refused() {
    let server = redis();
    let queue = queue(&server.url(), "w").await;
    let _ = Worker::new(slow_router(), queue).handler_timeout(IDLE);
}

/// Collects what the log subscriber writes.
#[derive(Clone, Default)]
struct Captured(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Captured {
    type Writer = Captured;

    fn make_writer(&'a self) -> Captured {
        self.clone()
    }
}

#[tokio::test(flavor = "current_thread")]
async fn a_worker_whose_message_was_lost_says_so_instead_of_succeeding_silently() {
    let captured = Captured::default();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(captured.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    let server = redis();
    let queue = queue(&server.url(), "w").await;
    queue
        .push(event("user.update", Uuid::new_v4()))
        .await
        .unwrap();
    let router = Router::new().on_event(EventType::UserUpdate, |_event| async {
        tokio::time::sleep(Duration::from_millis(150)).await;
        Ok(())
    });
    let worker = Worker::new(router, queue.clone());
    // Redis loses its data while the handler runs.
    let lose_data = async {
        tokio::time::sleep(Duration::from_millis(50)).await;
        redis::cmd("FLUSHALL")
            .query_async::<()>(&mut crate::support::raw(&server.url()).await)
            .await
            .unwrap();
    };
    let (ran, ()) = tokio::join!(worker.run_once(Duration::from_secs(1)), lose_data);
    assert_eq!(ran, Ok(1));
    let log = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(
        log.contains("WARN") && log.contains("taken over by another worker"),
        "the lost settlement is logged as such: {log}"
    );
}
