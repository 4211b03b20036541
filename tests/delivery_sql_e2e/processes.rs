//! The parent's side: starting and killing processes, delivering as
//! FusionAuth does (retrying what was left unanswered), reading the outcome.

use super::*;

pub(crate) fn spawn(role: &str, url: &str, name: &str, address: Option<SocketAddr>) -> Child {
    let mut command = Command::new(std::env::current_exe().expect("test binary"));
    command
        .args([
            &format!("child::{role}_process"),
            "--exact",
            "--ignored",
            "--nocapture",
        ])
        .env(ENV_URL, url)
        .env(ENV_NAME, name)
        .stdout(Stdio::null());
    if let Some(address) = address {
        command.env(ENV_ADDR, address.to_string());
    }
    command.spawn().expect("spawn a child process")
}

pub(crate) fn free_address() -> SocketAddr {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("a free port");
    listener.local_addr().expect("its address")
}

pub(crate) async fn wait_until_listening(address: SocketAddr) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while tokio::net::TcpStream::connect(address).await.is_err() {
        assert!(
            Instant::now() < deadline,
            "the receiver on {address} never listened"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// A receiver process and whether it is up.
pub(crate) struct Receiver {
    pub(crate) address: SocketAddr,
    pub(crate) up: AtomicBool,
}

/// One FusionAuth delivery: posted to its receiver, and retried (on a
/// receiver that is up) for as long as it is unanswered or answered with a
/// failure, as FusionAuth retries. The number of retries.
pub(crate) async fn deliver(
    receivers: &[Arc<Receiver>],
    connections: &mut [Option<Connection>],
    first: usize,
    body: bytes::Bytes,
) -> usize {
    let mut target = first;
    for retry in 0..600 {
        if !receivers[target].up.load(Ordering::SeqCst)
            && let Some(up) = (0..receivers.len()).find(|r| receivers[*r].up.load(Ordering::SeqCst))
        {
            target = up;
        }
        if connections[target].is_none() {
            connections[target] = Connection::open(receivers[target].address).await.ok();
        }
        let answer = match connections[target].as_mut() {
            Some(connection) => {
                tokio::time::timeout(Duration::from_secs(10), try_post(connection, body.clone()))
                    .await
            }
            None => {
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        match answer {
            Ok(Ok(status)) if status.is_success() => return retry,
            Ok(Ok(status)) => {
                assert!(status.is_server_error(), "only 5xx is retried: {status}");
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            // Unanswered: the connection broke (its receiver was killed).
            Ok(Err(_)) | Err(_) => {
                connections[target] = None;
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        }
    }
    panic!("a delivery was never answered with a 2xx");
}

/// What the database holds once everything settled.
pub(crate) struct Outcome {
    /// Rows of `e2e_effects` per event id, and who wrote them.
    pub(crate) effects: HashMap<Uuid, Vec<String>>,
    pub(crate) dead: Vec<Uuid>,
    pub(crate) queued_left: i64,
}

/// The SQL the parent checks the outcome with, on either database.
pub(crate) trait Inspect: Backend + Sized {
    async fn prepare(pool: &Pool<Self>);
    async fn outcome(pool: &Pool<Self>) -> Outcome;
}

macro_rules! inspect {
    ($database:ty) => {
        impl Inspect for $database {
            async fn prepare(pool: &Pool<Self>) {
                fusionauth_webhooks_sqlx::migrate(pool).await.expect("migrations");
                sqlx::query("CREATE TABLE e2e_effects (event_id TEXT NOT NULL, event_type TEXT NOT NULL, handled_by TEXT NOT NULL)")
                    .execute(pool)
                    .await
                    .expect("the effects table");
            }

            async fn outcome(pool: &Pool<Self>) -> Outcome {
                let rows: Vec<(String, String)> =
                    sqlx::query_as("SELECT event_id, handled_by FROM e2e_effects")
                        .fetch_all(pool)
                        .await
                        .expect("effects");
                let mut effects: HashMap<Uuid, Vec<String>> = HashMap::new();
                for (id, by) in rows {
                    effects.entry(id.parse().expect("an id")).or_default().push(by);
                }
                let dead = SqlQueue::new(pool.clone())
                    .dead_letters()
                    .await
                    .expect("dead letters")
                    .iter()
                    .map(|message| Event::parse(message.payload.clone()).unwrap().id().unwrap())
                    .collect();
                let (queued_left,): (i64,) =
                    sqlx::query_as("SELECT count(*) FROM fusionauth_webhooks_queue")
                        .fetch_one(pool)
                        .await
                        .expect("queue");
                Outcome { effects, dead, queued_left }
            }
        }
    };
}
inspect!(Postgres);
inspect!(Sqlite);
