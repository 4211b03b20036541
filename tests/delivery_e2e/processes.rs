//! The parent's side: worker processes, receivers, deliveries as FusionAuth
//! sends them, and the effects the workers recorded.

use super::*;

/// A worker child process of app `namespace`, recording into `effects`.
pub(crate) fn spawn_worker(
    nodes: &[String],
    cluster: bool,
    namespace: &str,
    consumer: &str,
    effects: &Path,
) -> Child {
    Command::new(std::env::current_exe().expect("test binary"))
        .args([
            "child::worker_process",
            "--exact",
            "--ignored",
            "--nocapture",
        ])
        .env(ENV_NODES, nodes.join(","))
        .env(ENV_CLUSTER, if cluster { "1" } else { "0" })
        .env(ENV_NAMESPACE, namespace)
        .env(ENV_CONSUMER, consumer)
        .env(ENV_EFFECTS, effects)
        .stdout(Stdio::null())
        .spawn()
        .expect("spawn a worker process")
}

/// A receiver: a webhook on a real socket that enqueues both event types.
pub(crate) async fn receiver(config: &RedisConfig, name: &str) -> SocketAddr {
    let queue = RedisQueue::connect(config, name).await.expect("queue");
    let webhook = Webhook::builder()
        .api_key(API_KEY)
        .router(Router::new())
        .enqueue(
            [EventType::UserUpdateComplete, EventType::UserEmailUpdate],
            queue,
        )
        .build()
        .expect("webhook");
    serve(webhook).await
}

/// Sends every `(body, receiver)` with 16 concurrent senders, as FusionAuth
/// would: a 503 is sent again after 50 ms. Counts deliveries acknowledged
/// into `sent`; the number of 503s.
pub(crate) async fn deliver(
    deliveries: Vec<(bytes::Bytes, SocketAddr)>,
    sent: Arc<AtomicUsize>,
) -> usize {
    let work = Arc::new(Mutex::new(deliveries.into_iter()));
    let refused = Arc::new(AtomicUsize::new(0));
    let senders: Vec<_> = (0..16)
        .map(|_| {
            let (work, sent, refused) =
                (Arc::clone(&work), Arc::clone(&sent), Arc::clone(&refused));
            tokio::spawn(async move {
                let mut connections: HashMap<SocketAddr, Connection> = HashMap::new();
                loop {
                    let next = work.lock().unwrap().next();
                    let Some((body, address)) = next else { return };
                    let started = Instant::now();
                    loop {
                        let connection = match connections.get_mut(&address) {
                            Some(connection) => connection,
                            None => connections
                                .entry(address)
                                .or_insert(Connection::open(address).await.expect("connect")),
                        };
                        let status = post(connection, body.clone()).await;
                        if status == StatusCode::ACCEPTED {
                            break;
                        }
                        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "only 202 or 503");
                        assert!(
                            started.elapsed() < Duration::from_secs(30),
                            "a delivery was refused for 30 s"
                        );
                        refused.fetch_add(1, Ordering::SeqCst);
                        tokio::time::sleep(Duration::from_millis(50)).await;
                    }
                    sent.fetch_add(1, Ordering::SeqCst);
                }
            })
        })
        .collect();
    for sender in senders {
        sender.await.expect("sender");
    }
    refused.load(Ordering::SeqCst)
}

/// Runs per event id and consumer, from the workers' effects files in `dir`.
pub(crate) fn effects(dir: &Path) -> HashMap<Uuid, HashMap<String, usize>> {
    let mut runs: HashMap<Uuid, HashMap<String, usize>> = HashMap::new();
    for file in std::fs::read_dir(dir).expect("effects dir") {
        let text = std::fs::read_to_string(file.expect("entry").path()).expect("effects file");
        for line in text.lines() {
            let (id, consumer) = line.split_once(' ').expect("`<id> <consumer>`");
            *runs
                .entry(id.parse().expect("an event id"))
                .or_default()
                .entry(consumer.to_owned())
                .or_default() += 1;
        }
    }
    runs
}

/// Waits until `done` or `within`; fails at once if a worker process exited.
pub(crate) async fn drain(
    workers: &mut [Child],
    within: Duration,
    mut done: impl AsyncFnMut() -> bool,
) {
    let deadline = Instant::now() + within;
    while !done().await {
        for worker in workers.iter_mut() {
            if let Ok(Some(status)) = worker.try_wait() {
                panic!("a worker process exited: {status}");
            }
        }
        assert!(Instant::now() < deadline, "not drained within {within:?}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

pub(crate) fn stop(workers: Vec<Child>) {
    for mut worker in workers {
        let _ = worker.kill();
        let _ = worker.wait();
    }
}
