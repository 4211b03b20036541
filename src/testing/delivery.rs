//! Contract suites for [`DedupStore`] and [`Queue`] implementations: every
//! implementation (in memory, Redis, yours) runs the same cases.

use std::collections::HashSet;
use std::time::{Duration, Instant};

use bytes::Bytes;
use futures_util::future::join_all;
use uuid::Uuid;

use crate::delivery::{Claim, ClaimToken, DedupStore, Queue};

const LONG: Duration = Duration::from_secs(60);
const SHORT: Duration = Duration::from_millis(150);
const PAST_SHORT: Duration = Duration::from_millis(300);

/// Runs the deduplication store contract against `store`, panicking with the
/// broken rule. Takes about a second (it waits for short leases to expire);
/// ids are random, so a shared store (a Redis database) needs no cleanup.
///
/// # Example
///
/// ```
/// use fusionauth_webhooks::delivery::MemoryStore;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// fusionauth_webhooks::testing::dedup_store_suite(&MemoryStore::new()).await;
/// # }
/// ```
pub async fn dedup_store_suite<S: DedupStore>(store: &S) {
    the_first_claim_wins_and_later_ones_see_it_running(store).await;
    a_completed_id_is_done_for_every_later_claim(store).await;
    a_released_id_can_be_claimed_again(store).await;
    an_expired_lease_lets_a_later_delivery_claim(store).await;
    a_stale_token_cannot_complete_or_release_a_newer_claim(store).await;
    a_done_mark_expires_after_its_retention(store).await;
    concurrent_claims_on_one_id_have_exactly_one_winner(store).await;
}

async fn claimed<S: DedupStore>(store: &S, id: Uuid, lease: Duration) -> ClaimToken {
    match store.claim(id, lease).await {
        Ok(Claim::Claimed(token)) => token,
        other => panic!("a fresh id must be claimable, got {other:?}"),
    }
}

async fn claim<S: DedupStore>(store: &S, id: Uuid) -> Claim {
    store.claim(id, LONG).await.expect("the store answers")
}

async fn the_first_claim_wins_and_later_ones_see_it_running<S: DedupStore>(store: &S) {
    let id = Uuid::new_v4();
    claimed(store, id, LONG).await;
    assert_eq!(
        claim(store, id).await,
        Claim::InProgress,
        "a claimed id is in progress"
    );
}

async fn a_completed_id_is_done_for_every_later_claim<S: DedupStore>(store: &S) {
    let id = Uuid::new_v4();
    let token = claimed(store, id, LONG).await;
    assert!(
        store.complete(id, &token, LONG).await.unwrap(),
        "the holder completes"
    );
    assert_eq!(claim(store, id).await, Claim::Done);
    assert_eq!(claim(store, id).await, Claim::Done, "done stays done");
}

async fn a_released_id_can_be_claimed_again<S: DedupStore>(store: &S) {
    let id = Uuid::new_v4();
    let token = claimed(store, id, LONG).await;
    assert!(
        store.release(id, &token).await.unwrap(),
        "the holder releases"
    );
    let again = claimed(store, id, LONG).await;
    assert_ne!(again, token, "every claim has its own token");
}

async fn an_expired_lease_lets_a_later_delivery_claim<S: DedupStore>(store: &S) {
    let id = Uuid::new_v4();
    claimed(store, id, SHORT).await;
    tokio::time::sleep(PAST_SHORT).await;
    claimed(store, id, LONG).await;
}

async fn a_stale_token_cannot_complete_or_release_a_newer_claim<S: DedupStore>(store: &S) {
    let id = Uuid::new_v4();
    let stale = claimed(store, id, SHORT).await;
    tokio::time::sleep(PAST_SHORT).await;
    let current = claimed(store, id, LONG).await;
    assert!(
        !store.complete(id, &stale, LONG).await.unwrap(),
        "stale complete refused"
    );
    assert_eq!(
        claim(store, id).await,
        Claim::InProgress,
        "a stale complete changes nothing"
    );
    assert!(
        !store.release(id, &stale).await.unwrap(),
        "stale release refused"
    );
    assert_eq!(
        claim(store, id).await,
        Claim::InProgress,
        "a stale release changes nothing"
    );
    let wrong = ClaimToken::random();
    assert!(
        !store.release(id, &wrong).await.unwrap(),
        "an unknown token releases nothing"
    );
    assert!(store.complete(id, &current, LONG).await.unwrap());
    assert_eq!(claim(store, id).await, Claim::Done);
    assert!(
        !store.release(id, &current).await.unwrap(),
        "a done id cannot be released"
    );
    assert_eq!(claim(store, id).await, Claim::Done);
}

async fn a_done_mark_expires_after_its_retention<S: DedupStore>(store: &S) {
    let id = Uuid::new_v4();
    let token = claimed(store, id, LONG).await;
    assert!(store.complete(id, &token, SHORT).await.unwrap());
    tokio::time::sleep(PAST_SHORT).await;
    claimed(store, id, LONG).await;
}

async fn concurrent_claims_on_one_id_have_exactly_one_winner<S: DedupStore>(store: &S) {
    let id = Uuid::new_v4();
    let claims = join_all((0..16).map(|_| store.claim(id, LONG))).await;
    let winners = claims
        .iter()
        .filter(|claim| matches!(claim, Ok(Claim::Claimed(_))))
        .count();
    assert_eq!(
        winners, 1,
        "exactly one of 16 concurrent claims wins: {claims:?}"
    );
}

/// Runs the queue contract against an empty `queue`, panicking with the broken
/// rule. Takes about a second.
///
/// # Example
///
/// ```
/// use fusionauth_webhooks::delivery::MemoryQueue;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// fusionauth_webhooks::testing::queue_suite(&MemoryQueue::new()).await;
/// # }
/// ```
pub async fn queue_suite<Q: Queue>(queue: &Q) {
    a_pushed_message_is_received_once_acknowledged(queue).await;
    receive_waits_then_returns_nothing_when_empty(queue).await;
    a_batch_holds_at_most_the_maximum(queue).await;
    a_retried_message_comes_back_after_its_delay_with_the_next_attempt(queue).await;
    a_dead_lettered_message_is_not_delivered_again(queue).await;
}

async fn a_pushed_message_is_received_once_acknowledged<Q: Queue>(queue: &Q) {
    let payload = Bytes::from_static(br#"{"event":{"type":"user.update"}}"#);
    queue.push(payload.clone()).await.expect("push");
    let batch = queue.receive(10, LONG).await.expect("receive");
    assert_eq!(batch.len(), 1, "one message pushed, one received");
    assert_eq!(
        batch[0].payload, payload,
        "the payload is kept byte for byte"
    );
    assert_eq!(batch[0].attempt, 1, "the first delivery is attempt 1");
    queue.ack(&batch[0]).await.expect("ack");
    let after = queue.receive(10, Duration::from_millis(50)).await.unwrap();
    assert!(
        after.is_empty(),
        "an acknowledged message is gone: {after:?}"
    );
}

async fn receive_waits_then_returns_nothing_when_empty<Q: Queue>(queue: &Q) {
    let started = Instant::now();
    let batch = queue.receive(10, Duration::from_millis(100)).await.unwrap();
    assert!(batch.is_empty());
    assert!(
        started.elapsed() >= Duration::from_millis(90),
        "receive waits up to its bound for a message, returned after {:?}",
        started.elapsed()
    );
}

async fn a_batch_holds_at_most_the_maximum<Q: Queue>(queue: &Q) {
    for n in 0..5 {
        queue
            .push(Bytes::from(format!("{{\"n\":{n}}}")))
            .await
            .unwrap();
    }
    let mut received = HashSet::new();
    let first = queue.receive(3, LONG).await.unwrap();
    assert!(
        !first.is_empty() && first.len() <= 3,
        "batch of {}",
        first.len()
    );
    for message in first {
        received.insert(message.payload.clone());
        queue.ack(&message).await.unwrap();
    }
    while received.len() < 5 {
        let batch = queue.receive(3, Duration::from_secs(2)).await.unwrap();
        assert!(
            !batch.is_empty(),
            "all five messages arrive, got {}",
            received.len()
        );
        for message in batch {
            received.insert(message.payload.clone());
            queue.ack(&message).await.unwrap();
        }
    }
}

async fn a_retried_message_comes_back_after_its_delay_with_the_next_attempt<Q: Queue>(queue: &Q) {
    queue
        .push(Bytes::from_static(b"{\"retry\":1}"))
        .await
        .unwrap();
    let message = queue.receive(1, LONG).await.unwrap().remove(0);
    queue
        .retry(&message, Duration::from_millis(200))
        .await
        .unwrap();
    let early = queue.receive(1, Duration::from_millis(50)).await.unwrap();
    assert!(early.is_empty(), "a retry waits for its delay: {early:?}");
    let again = queue.receive(1, Duration::from_secs(3)).await.unwrap();
    assert_eq!(again.len(), 1, "a retried message comes back");
    assert_eq!(again[0].payload, message.payload);
    assert_eq!(again[0].attempt, 2, "the attempt number grows on retry");
    queue.ack(&again[0]).await.unwrap();
}

async fn a_dead_lettered_message_is_not_delivered_again<Q: Queue>(queue: &Q) {
    queue
        .push(Bytes::from_static(b"{\"dead\":1}"))
        .await
        .unwrap();
    let message = queue.receive(1, LONG).await.unwrap().remove(0);
    queue.dead_letter(&message, "always fails").await.unwrap();
    let after = queue.receive(1, Duration::from_millis(100)).await.unwrap();
    assert!(
        after.is_empty(),
        "a dead letter is not delivered again: {after:?}"
    );
}
