//! The queue contract, the visibility timeout, receipts and dead letters on
//! SQLite and on a real PostgreSQL.

mod support;

on_both!(
    the_queue_contract_holds,
    a_dead_workers_message_comes_back_after_the_visibility_timeout,
    a_dead_event_is_kept_once,
    concurrent_receivers_take_disjoint_batches,
);

use std::collections::HashSet;
use std::time::Duration;

use bytes::Bytes;
use fusionauth_webhooks::delivery::{Queue, QueueError};
use fusionauth_webhooks_sqlx::{Backend, SqlQueue};
use futures_util::future::join_all;
use sqlx::Pool;

async fn the_queue_contract_holds<DB: Backend>(pool: Pool<DB>) {
    fusionauth_webhooks::testing::queue_suite(&SqlQueue::new(pool)).await;
}

fn event(id: u128) -> Bytes {
    let id = uuid::Uuid::from_u128(id);
    Bytes::from(format!(
        r#"{{"event":{{"type":"user.update","id":"{id}"}}}}"#
    ))
}

/// A worker that dies holding a message: another one gets it once the
/// visibility timeout passed, not before, with the same attempt; the dead
/// worker's receipt no longer settles it.
async fn a_dead_workers_message_comes_back_after_the_visibility_timeout<DB: Backend>(
    pool: Pool<DB>,
) {
    let timeout = Duration::from_millis(300);
    let queue = SqlQueue::new(pool).visibility_timeout(timeout);
    queue.push(event(1)).await.unwrap();
    let dead = queue.receive(10, Duration::from_secs(1)).await.unwrap();
    assert_eq!(dead.len(), 1);
    let early = queue.receive(10, Duration::from_millis(100)).await.unwrap();
    assert!(
        early.is_empty(),
        "hidden while its worker may live: {early:?}"
    );
    let again = queue.receive(10, Duration::from_secs(2)).await.unwrap();
    assert_eq!(again.len(), 1, "back after the timeout");
    assert_eq!(again[0].payload, dead[0].payload);
    assert_eq!(again[0].attempt, 1, "a lost worker is not a failed attempt");
    assert_ne!(again[0].id, dead[0].id, "a new receipt");
    for stale in [
        queue.ack(&dead[0]).await,
        queue.retry(&dead[0], Duration::ZERO).await,
        queue.dead_letter(&dead[0], "stale").await,
    ] {
        assert!(
            matches!(stale, Err(QueueError::Lost(_))),
            "the dead worker's receipt settles nothing: {stale:?}"
        );
    }
    queue.ack(&again[0]).await.expect("the holder acknowledges");
    assert!(
        queue
            .receive(10, Duration::from_millis(50))
            .await
            .unwrap()
            .is_empty()
    );
}

/// Two deliveries of one event that both fail for good: one dead letter.
async fn a_dead_event_is_kept_once<DB: Backend>(pool: Pool<DB>) {
    let queue = SqlQueue::new(pool);
    queue.push(event(7)).await.unwrap();
    queue.push(event(7)).await.unwrap();
    queue
        .push(Bytes::from_static(b"not an event"))
        .await
        .unwrap();
    let batch = queue.receive(10, Duration::from_secs(1)).await.unwrap();
    assert_eq!(batch.len(), 3);
    for message in &batch {
        queue.dead_letter(message, "always fails").await.unwrap();
    }
    let dead = queue.dead_letters().await.unwrap();
    assert_eq!(dead.len(), 2, "one per event, and the body without an id");
    assert_eq!(dead[0].payload, event(7));
    assert_eq!(dead[1].payload, Bytes::from_static(b"not an event"));
    assert!(
        queue
            .receive(10, Duration::from_millis(50))
            .await
            .unwrap()
            .is_empty()
    );
}

/// Eight workers receiving at once: every message goes to exactly one.
async fn concurrent_receivers_take_disjoint_batches<DB: Backend>(pool: Pool<DB>) {
    let queue = SqlQueue::new(pool);
    for n in 0..200 {
        queue.push(event(n)).await.unwrap();
    }
    let batches = join_all((0..8).map(|_| {
        let queue = queue.clone();
        async move {
            let mut taken = Vec::new();
            loop {
                let batch = queue.receive(7, Duration::ZERO).await.unwrap();
                if batch.is_empty() {
                    return taken;
                }
                taken.extend(batch.into_iter().map(|message| message.payload));
            }
        }
    }))
    .await;
    let all: Vec<Bytes> = batches.into_iter().flatten().collect();
    let distinct: HashSet<&Bytes> = all.iter().collect();
    assert_eq!(all.len(), 200, "every message received once");
    assert_eq!(distinct.len(), 200);
}

#[tokio::test]
async fn queues_sharing_the_table_keep_apart() {
    let (pool, _dir) = support::sqlite().await;
    let (emails, crm) = (
        SqlQueue::new(pool.clone()).named("emails"),
        SqlQueue::new(pool).named("crm"),
    );
    emails.push(event(1)).await.unwrap();
    assert!(
        crm.receive(10, Duration::from_millis(50))
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        emails
            .receive(10, Duration::from_secs(1))
            .await
            .unwrap()
            .len(),
        1
    );
}

#[tokio::test]
async fn an_unreachable_database_is_an_unavailable_queue() {
    let (pool, _dir) = support::sqlite().await;
    let queue = SqlQueue::new(pool.clone());
    pool.close().await;
    let error = queue.push(event(1)).await.unwrap_err();
    assert!(matches!(error, QueueError::Unavailable(_)), "{error:?}");
}
