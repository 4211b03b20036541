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
