//! A malformed stream entry (no `event` field, written by another program or
//! a bug) is dead-lettered with its reason, and the messages read with it are
//! handled: on a fresh read and on the reclaim path (`XAUTOCLAIM`).

use std::time::Duration;

use crate::support::{config, event, raw, redis};
use fusionauth_webhooks::delivery::Queue;
use fusionauth_webhooks_redis::RedisQueue;
use uuid::Uuid;

async fn write_entry(url: &str, stream: &str, fields: &[(&str, &str)]) -> String {
    let mut command = redis::cmd("XADD");
    command.arg(stream).arg("*");
    for (name, value) in fields {
        command.arg(*name).arg(*value);
    }
    command.query_async(&mut raw(url).await).await.unwrap()
}

#[tokio::test]
async fn a_malformed_entry_is_dead_lettered_and_the_rest_of_the_batch_is_delivered() {
    let server = redis();
    let queue = RedisQueue::connect(&config(&server.url()), "worker-1")
        .await
        .unwrap();
    let first = event("user.update", Uuid::new_v4());
    queue.push(first.clone()).await.unwrap();
    let poison = write_entry(&server.url(), queue.stream(), &[("payload", "{}")]).await;
    let last = event("user.update", Uuid::new_v4());
    queue.push(last.clone()).await.unwrap();

    let batch = queue
        .receive(10, Duration::from_secs(1))
        .await
        .expect("one bad entry does not fail the batch");
    let payloads: Vec<_> = batch
        .iter()
        .map(|message| message.payload.clone())
        .collect();
    assert_eq!(payloads, [first, last], "the good messages are delivered");
    for message in &batch {
        queue.ack(message).await.unwrap();
    }
    let dead = queue.dead_letters().await.unwrap();
    assert_eq!(
        dead.len(),
        1,
        "the malformed entry is dead-lettered: {dead:?}"
    );
    assert_eq!(
        dead[0].message_id, poison,
        "the dead letter names the entry"
    );
    assert!(
        dead[0].reason.contains("no `event` field") && dead[0].reason.contains("payload"),
        "the reason says what is missing and what was there: {}",
        dead[0].reason
    );
    assert!(dead[0].payload.is_empty());
    assert!(
        queue
            .receive(10, Duration::from_millis(100))
            .await
            .unwrap()
            .is_empty(),
        "nothing stays pending"
    );
}

#[tokio::test]
async fn a_malformed_entry_left_pending_by_a_dead_consumer_does_not_block_the_reclaim_path() {
    let server = redis();
    let idle = Duration::from_millis(200);
    let alive = RedisQueue::connect(&config(&server.url()), "alive")
        .await
        .unwrap()
        .reclaim_idle(idle);
    let good = event("user.update", Uuid::new_v4());
    alive.push(good.clone()).await.unwrap();
    write_entry(&server.url(), alive.stream(), &[("attempt", "1")]).await;
    // A consumer reads both and dies before settling either.
    let _: redis::Value = redis::cmd("XREADGROUP")
        .arg("GROUP")
        .arg(alive.group())
        .arg("dead")
        .arg("COUNT")
        .arg(10)
        .arg("STREAMS")
        .arg(alive.stream())
        .arg(">")
        .query_async(&mut raw(&server.url()).await)
        .await
        .unwrap();
    tokio::time::sleep(idle + Duration::from_millis(50)).await;

    let reclaimed = alive
        .receive(10, Duration::from_millis(100))
        .await
        .expect("the reclaim path survives a malformed entry");
    assert_eq!(
        reclaimed.len(),
        1,
        "the good message is reclaimed: {reclaimed:?}"
    );
    assert_eq!(reclaimed[0].payload, good);
    alive.ack(&reclaimed[0]).await.unwrap();
    assert_eq!(alive.dead_letters().await.unwrap().len(), 1);
    tokio::time::sleep(idle + Duration::from_millis(50)).await;
    assert!(
        alive
            .receive(10, Duration::from_millis(100))
            .await
            .unwrap()
            .is_empty(),
        "nothing is left pending to fail every later reclaim"
    );
}
