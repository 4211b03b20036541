//! The worker child process, run by the parent test as this binary's
//! ignored test `child::worker_process`.

use super::*;

/// The Redis of the worker child process, from its environment.
pub(crate) fn config_from_env() -> RedisConfig {
    let nodes = std::env::var(ENV_NODES).expect("run by an end-to-end test, with E2E_REDIS_NODES");
    let namespace = std::env::var(ENV_NAMESPACE).expect("E2E_NAMESPACE");
    let config = if std::env::var(ENV_CLUSTER).as_deref() == Ok("1") {
        RedisConfig::cluster(nodes.split(','), &namespace)
            .expect("config")
            .wait_for_replicas(1, REPLICA_WAIT)
    } else {
        RedisConfig::new(nodes, &namespace).expect("config")
    };
    config.retry_unreachable_for(WORKER_PATIENCE)
}

/// The worker of a child process: appends `<id> <consumer>` to its effects
/// file for each run of the succeeding handler.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "the worker child process of the end-to-end tests; it needs E2E_REDIS_NODES"]
pub(crate) async fn worker_process() {
    let config = config_from_env();
    let consumer = std::env::var(ENV_CONSUMER).expect("E2E_CONSUMER");
    let effects = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(std::env::var(ENV_EFFECTS).expect("E2E_EFFECTS"))
        .expect("the effects file");
    let effects = Arc::new(Mutex::new(effects));
    let name = consumer.clone();
    let router = Router::new()
        .on_event(EventType::UserUpdateComplete, move |event: Event| {
            let (effects, name) = (Arc::clone(&effects), name.clone());
            async move {
                // One write(2) per line: whole lines, even when killed.
                let line = format!("{} {name}\n", event.id().expect("id"));
                effects
                    .lock()
                    .expect("effects")
                    .write_all(line.as_bytes())
                    .map_err(HandlerError::internal)
            }
        })
        .on_event(EventType::UserEmailUpdate, |_event| async {
            Err(HandlerError::retry_later())
        });
    let queue = RedisQueue::connect(&config, &consumer)
        .await
        .expect("queue")
        .reclaim_idle(RECLAIM_IDLE);
    let store = RedisStore::connect(&config).await.expect("store");
    let worker = Worker::new(router, queue)
        .deduplicate(
            Deduplicator::new(store)
                .lease(Duration::from_secs(5))
                .wait_for_first(Duration::from_millis(300)),
        )
        .max_attempts(10)
        .retry_backoff(Duration::from_millis(50), Duration::from_secs(1))
        .batch_size(BATCH);
    // Runs until the parent kills it.
    worker.run(std::future::pending()).await;
}
