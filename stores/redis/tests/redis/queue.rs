//! The queue contract, reclaiming a dead consumer's messages and the
//! dead-letter stream, against a real redis-server.

use std::time::Duration;

use crate::support::{config, redis};
use bytes::Bytes;
use fusionauth_webhooks::delivery::Queue;
use fusionauth_webhooks_redis::RedisQueue;

#[tokio::test]
async fn the_redis_queue_keeps_the_queue_contract() {
    let server = redis();
    let queue = RedisQueue::connect(&config(&server.url()), "worker-1")
        .await
        .expect("connect");
    fusionauth_webhooks::testing::queue_suite(&queue).await;
}

#[tokio::test]
async fn a_dead_consumers_pending_message_is_reclaimed_after_the_idle_time() {
    let server = redis();
    let idle = Duration::from_millis(200);
    let dead = RedisQueue::connect(&config(&server.url()), "dead")
        .await
        .unwrap()
        .reclaim_idle(idle);
    let alive = RedisQueue::connect(&config(&server.url()), "alive")
        .await
        .unwrap()
        .reclaim_idle(idle);
    dead.push(Bytes::from_static(b"{\"n\":1}")).await.unwrap();
    let taken = dead.receive(10, Duration::from_secs(1)).await.unwrap();
    assert_eq!(taken.len(), 1);
    // `dead` never acknowledges; before the idle time nobody else gets it.
    let early = alive.receive(10, Duration::from_millis(50)).await.unwrap();
    assert!(
        early.is_empty(),
        "not reclaimed before the idle time: {early:?}"
    );
    tokio::time::sleep(idle + Duration::from_millis(50)).await;
    let reclaimed = alive.receive(10, Duration::from_millis(50)).await.unwrap();
    assert_eq!(reclaimed.len(), 1, "reclaimed after the idle time");
    assert_eq!(reclaimed[0].payload, taken[0].payload);
    alive.ack(&reclaimed[0]).await.unwrap();
    tokio::time::sleep(idle + Duration::from_millis(50)).await;
    assert!(
        alive
            .receive(10, Duration::from_millis(50))
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn dead_letters_keep_the_event_and_the_attempt() {
    let server = redis();
    let queue = RedisQueue::connect(&config(&server.url()), "w")
        .await
        .unwrap();
    queue.push(Bytes::from_static(b"{\"n\":2}")).await.unwrap();
    let first = queue
        .receive(1, Duration::from_secs(1))
        .await
        .unwrap()
        .remove(0);
    queue.retry(&first, Duration::ZERO).await.unwrap();
    let second = queue
        .receive(1, Duration::from_secs(1))
        .await
        .unwrap()
        .remove(0);
    assert_eq!(second.attempt, 2);
    assert_eq!(queue.len().await, Ok(1), "in flight");
    queue
        .dead_letter(&second, "handler always fails")
        .await
        .unwrap();
    assert_eq!(queue.is_empty().await, Ok(true), "nothing left to run");
    let dead = queue.dead_letters().await.unwrap();
    assert_eq!(dead.len(), 1);
    assert_eq!(dead[0].payload, Bytes::from_static(b"{\"n\":2}"));
    assert_eq!(dead[0].attempt, 2);
}

#[tokio::test]
async fn a_push_while_redis_is_down_fails() {
    let mut server = redis();
    let queue = RedisQueue::connect(&config(&server.url()), "w")
        .await
        .unwrap();
    server.stop();
    let pushed = queue.push(Bytes::from_static(b"{}")).await;
    assert!(
        pushed.is_err(),
        "no acknowledgement without Redis: {pushed:?}"
    );
}
