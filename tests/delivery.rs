//! The in-memory delivery parts: the store and queue contracts, and how the
//! deduplicator treats duplicates.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use fusionauth_webhooks::delivery::{Deduplicated, Deduplicator, MemoryQueue, MemoryStore};
use uuid::Uuid;

#[tokio::test]
async fn the_memory_store_keeps_the_dedup_store_contract() {
    fusionauth_webhooks::testing::dedup_store_suite(&MemoryStore::new()).await;
}

#[tokio::test]
async fn the_memory_queue_keeps_the_queue_contract() {
    fusionauth_webhooks::testing::queue_suite(&MemoryQueue::new()).await;
}

#[tokio::test]
async fn concurrent_duplicates_run_the_work_once_and_wait_for_its_result() {
    let dedup = Deduplicator::new(MemoryStore::new());
    let runs = Arc::new(AtomicUsize::new(0));
    let id = Uuid::new_v4();
    let deliveries = (0..3).map(|_| {
        let runs = Arc::clone(&runs);
        let dedup = dedup.clone();
        async move {
            dedup
                .run(
                    id,
                    || async move {
                        runs.fetch_add(1, Ordering::SeqCst);
                        tokio::time::sleep(Duration::from_millis(200)).await;
                    },
                    |()| true,
                )
                .await
        }
    });
    let outcomes = futures_util::future::join_all(deliveries).await;
    assert_eq!(runs.load(Ordering::SeqCst), 1, "the work ran once");
    let ran = outcomes
        .iter()
        .filter(|o| matches!(o, Deduplicated::Ran(())))
        .count();
    let duplicates = outcomes
        .iter()
        .filter(|o| matches!(o, Deduplicated::Duplicate))
        .count();
    assert_eq!((ran, duplicates), (1, 2), "{outcomes:?}");
}

#[tokio::test]
async fn a_duplicate_still_running_at_the_wait_bound_runs_nothing() {
    let dedup = Deduplicator::new(MemoryStore::new()).wait_for_first(Duration::from_millis(100));
    let id = Uuid::new_v4();
    let slow = dedup.run(
        id,
        || tokio::time::sleep(Duration::from_millis(500)),
        |()| true,
    );
    let duplicate = async {
        tokio::time::sleep(Duration::from_millis(20)).await;
        dedup
            .run(id, || async { panic!("must not run") }, |()| true)
            .await
    };
    let (first, second) = tokio::join!(slow, duplicate);
    assert!(matches!(first, Deduplicated::Ran(())));
    assert!(matches!(second, Deduplicated::StillRunning), "{second:?}");
}

#[tokio::test]
async fn a_waiting_duplicate_runs_the_work_when_the_first_delivery_fails() {
    let dedup = Deduplicator::new(MemoryStore::new());
    let id = Uuid::new_v4();
    let failing = dedup.run(
        id,
        || async {
            tokio::time::sleep(Duration::from_millis(100)).await;
            Err::<(), _>("smtp down")
        },
        Result::is_ok,
    );
    let duplicate = async {
        tokio::time::sleep(Duration::from_millis(20)).await;
        dedup
            .run(id, || async { Ok::<_, &str>(()) }, Result::is_ok)
            .await
    };
    let (first, second) = tokio::join!(failing, duplicate);
    assert!(matches!(first, Deduplicated::Ran(Err("smtp down"))));
    assert!(matches!(second, Deduplicated::Ran(Ok(()))), "{second:?}");
    let third = dedup
        .run(id, || async { Ok::<_, &str>(()) }, Result::is_ok)
        .await;
    assert!(matches!(third, Deduplicated::Duplicate));
}

#[tokio::test]
async fn an_expired_lease_lets_a_later_delivery_run_again() {
    let dedup = Deduplicator::new(MemoryStore::new()).lease(Duration::from_millis(50));
    let id = Uuid::new_v4();
    // The first delivery's process "dies": its future is dropped mid-run.
    let abandoned = tokio::time::timeout(
        Duration::from_millis(10),
        dedup.run(id, std::future::pending::<()>, |()| true),
    )
    .await;
    assert!(abandoned.is_err());
    tokio::time::sleep(Duration::from_millis(80)).await;
    let later = dedup.run(id, || async {}, |()| true).await;
    assert!(matches!(later, Deduplicated::Ran(())), "{later:?}");
}

mod worker {
    use std::collections::HashMap;
    use std::sync::{Arc, Mutex};
    use std::time::Duration;

    use bytes::Bytes;
    use fusionauth_webhooks::Worker;
    use fusionauth_webhooks::delivery::{MemoryQueue, MemoryStore, Queue, QueuedMessage};
    use fusionauth_webhooks::{Event, EventType, HandlerError, Router};
    use uuid::Uuid;

    type Calls = Arc<Mutex<HashMap<Uuid, usize>>>;

    fn body(event_type: &str, id: Uuid) -> Bytes {
        Bytes::from(format!(
            r#"{{"event":{{"type":"{event_type}","id":"{id}"}}}}"#
        ))
    }

    /// `user.update` succeeds, `user.deactivate` always fails, `user.reactivate`
    /// fails on its first call per id; every call is counted per event id.
    fn router(calls: &Calls) -> Router {
        let counted = |calls: &Calls, outcome: fn(usize) -> Result<(), HandlerError>| {
            let calls = Arc::clone(calls);
            move |event: Event| {
                let calls = Arc::clone(&calls);
                async move {
                    let id = event.id().expect("an id");
                    let call = {
                        let mut calls = calls.lock().unwrap();
                        let count = calls.entry(id).or_default();
                        *count += 1;
                        *count
                    };
                    outcome(call)
                }
            }
        };
        Router::new()
            .on_event(EventType::UserUpdate, counted(calls, |_| Ok(())))
            .on_event(
                EventType::UserDeactivate,
                counted(calls, |_| Err(HandlerError::retry_later())),
            )
            .on_event(
                EventType::UserReactivate,
                counted(calls, |call| {
                    if call == 1 {
                        Err(HandlerError::internal("first call fails"))
                    } else {
                        Ok(())
                    }
                }),
            )
    }

    async fn drain(worker: &Worker, queue: &MemoryQueue) {
        for _ in 0..200 {
            if queue.is_empty() {
                return;
            }
            worker.run_once(Duration::from_millis(20)).await.unwrap();
        }
        panic!("the queue did not drain: {} left", queue.len());
    }

    fn worker(calls: &Calls, queue: &Arc<MemoryQueue>) -> Worker {
        Worker::new(router(calls), Arc::clone(queue))
            .deduplicate(MemoryStore::new())
            .retry_backoff(Duration::from_millis(10), Duration::from_millis(40))
            .max_attempts(3)
    }

    #[tokio::test]
    async fn a_failing_event_is_retried_with_the_next_attempt_until_it_succeeds() {
        let (calls, queue) = (Calls::default(), Arc::new(MemoryQueue::new()));
        let id = Uuid::new_v4();
        queue.push(body("user.reactivate", id)).await.unwrap();
        drain(&worker(&calls, &queue), &queue).await;
        assert_eq!(calls.lock().unwrap()[&id], 2, "failed once, then succeeded");
        assert!(queue.dead_letters().is_empty());
    }

    #[tokio::test]
    async fn an_always_failing_event_is_dead_lettered_after_the_last_attempt() {
        let (calls, queue) = (Calls::default(), Arc::new(MemoryQueue::new()));
        let id = Uuid::new_v4();
        queue.push(body("user.deactivate", id)).await.unwrap();
        drain(&worker(&calls, &queue), &queue).await;
        assert_eq!(calls.lock().unwrap()[&id], 3, "three attempts");
        let dead = queue.dead_letters();
        assert_eq!(dead.len(), 1);
        assert_eq!(dead[0].attempt, 3);
        assert_eq!(dead[0].payload, body("user.deactivate", id));
    }

    #[tokio::test]
    async fn an_unparsable_message_is_dead_lettered_at_once() {
        let (calls, queue) = (Calls::default(), Arc::new(MemoryQueue::new()));
        queue.push(Bytes::from_static(b"not json")).await.unwrap();
        drain(&worker(&calls, &queue), &queue).await;
        assert_eq!(queue.dead_letters().len(), 1);
        assert_eq!(
            queue.dead_letters()[0].attempt,
            1,
            "no retry for a body that cannot parse"
        );
    }

    #[tokio::test]
    async fn duplicates_in_the_queue_run_their_handlers_once() {
        let (calls, queue) = (Calls::default(), Arc::new(MemoryQueue::new()));
        let ids: Vec<Uuid> = (0..20).map(|_| Uuid::new_v4()).collect();
        for _ in 0..3 {
            for id in &ids {
                queue.push(body("user.update", *id)).await.unwrap();
            }
        }
        drain(&worker(&calls, &queue), &queue).await;
        let calls = calls.lock().unwrap();
        assert!(ids.iter().all(|id| calls[id] == 1), "{calls:?}");
    }

    #[tokio::test]
    async fn a_handler_past_the_deadline_is_a_failed_attempt() {
        let queue = Arc::new(MemoryQueue::new());
        let router = Router::new().on_event(EventType::UserUpdate, |_event| async {
            tokio::time::sleep(Duration::from_secs(30)).await;
            Ok(())
        });
        let worker = Worker::new(router, Arc::clone(&queue))
            .handler_timeout(Duration::from_millis(50))
            .max_attempts(1);
        queue
            .push(body("user.update", Uuid::new_v4()))
            .await
            .unwrap();
        drain(&worker, &queue).await;
        let dead = queue.dead_letters();
        assert_eq!(dead.len(), 1, "timed out on its only attempt");
    }

    /// A handler that acknowledges its message itself (as one that deletes
    /// the message in the transaction of its effects does), then answers
    /// `answer`; each handler records whether it settles its message alone.
    fn acknowledging(
        answer: fn() -> Result<(), HandlerError>,
        alone: &Arc<Mutex<Vec<bool>>>,
    ) -> impl Fn(Event) -> std::future::Ready<Result<(), HandlerError>> + Send + Sync + 'static
    {
        let alone = Arc::clone(alone);
        move |_event: Event| {
            let queued = QueuedMessage::current().expect("a worker's handler sees its message");
            alone.lock().unwrap().push(queued.settles_alone());
            if queued.settles_alone() {
                queued.mark_acknowledged();
            }
            std::future::ready(answer())
        }
    }

    /// Queues a `user.update` and has `worker` run it.
    async fn queue_and_run_one(worker: &Worker, queue: &MemoryQueue) {
        queue
            .push(body("user.update", Uuid::new_v4()))
            .await
            .unwrap();
        assert_eq!(
            worker.run_once(Duration::from_millis(100)).await.unwrap(),
            1
        );
    }

    #[tokio::test]
    async fn a_message_its_only_handler_acknowledged_is_not_acknowledged_again() {
        let queue = Arc::new(MemoryQueue::new());
        let alone = Arc::new(Mutex::new(Vec::new()));
        let router =
            Router::new().on_event(EventType::UserUpdate, acknowledging(|| Ok(()), &alone));
        let worker = Worker::new(router, Arc::clone(&queue));
        queue_and_run_one(&worker, &queue).await;
        assert_eq!(*alone.lock().unwrap(), [true]);
        // The worker left the message to its handler: the memory queue,
        // which knows nothing of that, still holds it in flight.
        assert_eq!(queue.len(), 1, "the worker did not acknowledge it");
        assert!(queue.dead_letters().is_empty());
    }

    #[tokio::test]
    async fn a_message_acknowledged_before_its_handler_failed_is_neither_retried_nor_dead() {
        let queue = Arc::new(MemoryQueue::new().visibility_timeout(Duration::from_secs(60)));
        let alone = Arc::new(Mutex::new(Vec::new()));
        // Its effects committed, then the deadline (say) cut it short.
        let router = Router::new().on_event(
            EventType::UserUpdate,
            acknowledging(|| Err(HandlerError::timed_out()), &alone),
        );
        let worker = Worker::new(router, Arc::clone(&queue))
            .max_attempts(1)
            .retry_backoff(Duration::ZERO, Duration::ZERO);
        queue_and_run_one(&worker, &queue).await;
        assert!(queue.dead_letters().is_empty(), "not dead-lettered");
        let again = worker.run_once(Duration::from_millis(50)).await.unwrap();
        assert_eq!(again, 0, "not retried");
        assert_eq!(*alone.lock().unwrap(), [true]);
    }

    #[tokio::test]
    async fn an_event_of_two_handlers_is_settled_by_neither_alone_but_by_the_worker() {
        let queue = Arc::new(MemoryQueue::new());
        let alone = Arc::new(Mutex::new(Vec::new()));
        let router = Router::new()
            .on_event(EventType::UserUpdate, acknowledging(|| Ok(()), &alone))
            .on_event(EventType::UserUpdate, acknowledging(|| Ok(()), &alone));
        let worker = Worker::new(router, Arc::clone(&queue));
        queue_and_run_one(&worker, &queue).await;
        assert_eq!(*alone.lock().unwrap(), [false, false]);
        assert!(queue.is_empty(), "the worker acknowledged it");
    }

    #[tokio::test]
    async fn run_stops_when_the_shutdown_future_completes() {
        let queue = Arc::new(MemoryQueue::new());
        let worker = Worker::new(Router::new(), Arc::clone(&queue));
        let stopped = tokio::time::timeout(
            Duration::from_secs(5),
            worker.run(tokio::time::sleep(Duration::from_millis(50))),
        )
        .await;
        assert!(stopped.is_ok(), "run returned after the shutdown");
    }
}
