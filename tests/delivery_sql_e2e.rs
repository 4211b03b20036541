//! The whole hand-off on SQL, exactly once: 10,000 deliveries with
//! duplicates sent concurrently to receiver processes, worker processes
//! running inbox handlers, one receiver and one worker killed with SIGKILL
//! mid-run, FusionAuth's retries simulated for every delivery left
//! unanswered. On PostgreSQL two receivers and two workers (the killed ones
//! stay dead); on SQLite one of each (each killed once and started again).
//!
//! Receivers and workers are this test binary run again as child processes
//! (the ignored tests `receiver_process` and `worker_process`), so that they
//! can be killed for real. Every handler run that commits inserts a row into
//! `e2e_effects`, which has no unique constraint: a second run of an event
//! would be a second row.

mod common;

use std::collections::{HashMap, HashSet};
use std::net::{Ipv4Addr, SocketAddr, TcpListener};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use common::client::Connection;
use common::delivery::{API_KEY, event, try_post};
use fusionauth_webhooks::{
    Event, EventType, HandlerError, ResultExt as _, Router, Webhook, Worker,
};
use fusionauth_webhooks_sqlx::testing::PostgresServer;
use fusionauth_webhooks_sqlx::{Backend, Inbox, InboxHandler, SqlQueue};
use sqlx::postgres::PgPoolOptions;
use sqlx::{Pool, Postgres, Sqlite};
use tokio::sync::Mutex;
use uuid::Uuid;

const ENV_URL: &str = "E2E_DATABASE_URL";
const ENV_NAME: &str = "E2E_NAME";
const ENV_ADDR: &str = "E2E_ADDR";
/// Handled in the request, by the receivers' inbox handler.
const INLINE: &str = "user.update";
/// Queued, and handled by the workers' inbox handler.
const QUEUED: &str = "user.update.complete";
/// Queued, and always fails: ends in the dead letters.
const FAILS: &str = "user.email.update";
const UNIQUE_EVENTS: usize = 8_000;
const SENDERS: usize = 16;
/// Worker settings: a killed worker's messages come back after the
/// visibility timeout, above the handler deadline.
const VISIBILITY: Duration = Duration::from_secs(4);
const HANDLER_DEADLINE: Duration = Duration::from_secs(2);
const MAX_ATTEMPTS: u32 = 4;

/// Event `n`'s type: one in 80 always fails, a third are handled inline.
fn event_type(n: usize) -> &'static str {
    if n.is_multiple_of(80) {
        FAILS
    } else if n % 3 == 1 {
        INLINE
    } else {
        QUEUED
    }
}

/// The inbox handler of both roles: one row per committed run.
fn record<DB>(inbox: &Inbox<DB>, name: &str) -> InboxHandler<DB>
where
    DB: Backend,
    for<'c> &'c mut DB::Connection: sqlx::Executor<'c, Database = DB>,
    for<'q> DB::Arguments<'q>: sqlx::IntoArguments<'q, DB>,
    for<'q> String: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
{
    let handled_by = name.to_owned();
    inbox.event_handler("e2e-effects", move |event: Event, transaction| {
        let handled_by = handled_by.clone();
        Box::pin(async move {
            let id = event.id().expect("every event has an id").to_string();
            sqlx::query(
                "INSERT INTO e2e_effects (event_id, event_type, handled_by) VALUES ($1, $2, $3)",
            )
            .bind(id)
            .bind(event.type_name().to_owned())
            .bind(handled_by)
            .execute(&mut **transaction)
            .await
            .or_internal()?;
            Ok(())
        })
    })
}

async fn receiver<DB>(pool: Pool<DB>, name: &str, address: SocketAddr)
where
    DB: Backend,
    for<'c> &'c mut DB::Connection: sqlx::Executor<'c, Database = DB>,
    for<'q> DB::Arguments<'q>: sqlx::IntoArguments<'q, DB>,
    for<'q> String: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
{
    let inbox = Inbox::new(pool.clone(), "e2e");
    let router = Router::new().on_event(EventType::UserUpdate, record(&inbox, name));
    let webhook = Webhook::builder()
        .api_key(API_KEY)
        .router(router)
        .enqueue(
            [EventType::UserUpdateComplete, EventType::UserEmailUpdate],
            SqlQueue::new(pool),
        )
        .handler_timeout(HANDLER_DEADLINE)
        .build()
        .unwrap();
    let listener = tokio::net::TcpListener::bind(address).await.expect("bind");
    // Runs until the parent kills it.
    fusionauth_webhooks_hyper::serve(listener, webhook).await;
}

async fn worker<DB>(pool: Pool<DB>, name: &str, batch: usize)
where
    DB: Backend,
    for<'c> &'c mut DB::Connection: sqlx::Executor<'c, Database = DB>,
    for<'q> DB::Arguments<'q>: sqlx::IntoArguments<'q, DB>,
    for<'q> String: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
{
    let inbox = Inbox::new(pool.clone(), "e2e");
    let router = Router::new()
        .on_event(EventType::UserUpdateComplete, record(&inbox, name))
        .on_event(EventType::UserEmailUpdate, |_event| async {
            Err(HandlerError::retry_later())
        });
    let queue = SqlQueue::new(pool)
        .visibility_timeout(VISIBILITY)
        .poll_interval(Duration::from_millis(20));
    let worker = Worker::new(router, queue)
        .max_attempts(MAX_ATTEMPTS)
        .retry_backoff(Duration::from_millis(20), Duration::from_millis(100))
        .handler_timeout(HANDLER_DEADLINE)
        .batch_size(batch);
    // Runs until the parent kills it.
    worker.run(std::future::pending()).await;
}

/// A role of a child process, on the database of `E2E_DATABASE_URL`.
async fn child(role: &str) {
    let url = std::env::var(ENV_URL).expect("run by an end-to-end test, with E2E_DATABASE_URL");
    let name = std::env::var(ENV_NAME).expect("E2E_NAME");
    let address = || {
        std::env::var(ENV_ADDR)
            .expect("E2E_ADDR")
            .parse()
            .expect("an address")
    };
    if url.starts_with("postgres:") {
        let pool = PgPoolOptions::new()
            .max_connections(40)
            .connect(&url)
            .await
            .expect("PostgreSQL");
        match role {
            "receiver" => receiver(pool, &name, address()).await,
            _ => worker(pool, &name, 32).await,
        }
    } else {
        let pool = fusionauth_webhooks_sqlx::connect_sqlite(&url)
            .await
            .expect("SQLite");
        match role {
            "receiver" => receiver(pool, &name, address()).await,
            // One writer at a time: small batches wait less for the lock.
            _ => worker(pool, &name, 8).await,
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a receiver child process of the end-to-end tests; it needs E2E_DATABASE_URL"]
async fn receiver_process() {
    child("receiver").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a worker child process of the end-to-end tests; it needs E2E_DATABASE_URL"]
async fn worker_process() {
    child("worker").await;
}

fn spawn(role: &str, url: &str, name: &str, address: Option<SocketAddr>) -> Child {
    let mut command = Command::new(std::env::current_exe().expect("test binary"));
    command
        .args([
            &format!("{role}_process"),
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

fn free_address() -> SocketAddr {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("a free port");
    listener.local_addr().expect("its address")
}

async fn wait_until_listening(address: SocketAddr) {
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
struct Receiver {
    address: SocketAddr,
    up: AtomicBool,
}

/// One FusionAuth delivery: posted to its receiver, and retried (on a
/// receiver that is up) for as long as it is unanswered or answered with a
/// failure, as FusionAuth retries. The number of retries.
async fn deliver(
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
struct Outcome {
    /// Rows of `e2e_effects` per event id, and who wrote them.
    effects: HashMap<Uuid, Vec<String>>,
    dead: Vec<Uuid>,
    queued_left: i64,
}

/// The SQL the parent checks the outcome with, on either database.
trait Inspect: Backend + Sized {
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

/// The run: `receivers` and `workers` processes; one of each is killed
/// mid-run, and started again when `restart` (SQLite's single ones).
async fn exactly_once<DB: Inspect>(
    pool: Pool<DB>,
    url: &str,
    receivers: usize,
    workers: usize,
    restart: bool,
) {
    DB::prepare(&pool).await;
    let addresses: Vec<SocketAddr> = (0..receivers).map(|_| free_address()).collect();
    let mut receiver_processes: Vec<Child> = addresses
        .iter()
        .enumerate()
        .map(|(r, address)| spawn("receiver", url, &format!("receiver-{r}"), Some(*address)))
        .collect();
    for address in &addresses {
        wait_until_listening(*address).await;
    }
    let receivers: Vec<Arc<Receiver>> = addresses
        .iter()
        .map(|address| {
            Arc::new(Receiver {
                address: *address,
                up: AtomicBool::new(true),
            })
        })
        .collect();
    let mut worker_processes: Vec<Child> = (0..workers)
        .map(|w| spawn("worker", url, &format!("worker-{w}"), None))
        .collect();

    // 8,000 events and 2,000 duplicates: one in eight is delivered again
    // right after its first delivery, to the other receiver, so that both
    // arrive at once; another one in eight again at the end, after its
    // first delivery was handled.
    let ids: Vec<Uuid> = (0..UNIQUE_EVENTS).map(|_| Uuid::new_v4()).collect();
    let other = |n: usize| (n + 1) % receivers.len();
    let mut deliveries: Vec<(usize, usize)> = Vec::new();
    for n in 0..UNIQUE_EVENTS {
        deliveries.push((n, n % receivers.len()));
        if n % 8 == 0 {
            deliveries.push((n, other(n)));
        }
    }
    deliveries.extend(
        (0..UNIQUE_EVENTS)
            .filter(|n| n % 8 == 4)
            .map(|n| (n, other(n))),
    );
    assert_eq!(deliveries.len(), 10_000);
    let work = Arc::new(Mutex::new(deliveries.into_iter()));
    let (sent, retries) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let ids = Arc::new(ids);
    let started = Instant::now();
    let senders: Vec<_> = (0..SENDERS)
        .map(|_| {
            let (work, sent, retries, ids, receivers) = (
                Arc::clone(&work),
                Arc::clone(&sent),
                Arc::clone(&retries),
                Arc::clone(&ids),
                receivers.clone(),
            );
            tokio::spawn(async move {
                let mut connections: Vec<Option<Connection>> =
                    receivers.iter().map(|_| None).collect();
                loop {
                    let next = work.lock().await.next();
                    let Some((n, receiver)) = next else { return };
                    let body = event(event_type(n), ids[n]);
                    let tried = deliver(&receivers, &mut connections, receiver, body).await;
                    retries.fetch_add(tried, Ordering::SeqCst);
                    sent.fetch_add(1, Ordering::SeqCst);
                }
            })
        })
        .collect();

    while sent.load(Ordering::SeqCst) < 3_000 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    receivers[0].up.store(false, Ordering::SeqCst);
    receiver_processes[0].kill().expect("SIGKILL a receiver"); // Child::kill is SIGKILL on Unix.
    receiver_processes[0].wait().unwrap();
    if restart {
        receiver_processes[0] = spawn("receiver", url, "receiver-0-again", Some(addresses[0]));
        wait_until_listening(addresses[0]).await;
        receivers[0].up.store(true, Ordering::SeqCst);
    }
    while sent.load(Ordering::SeqCst) < 5_000 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    worker_processes[0].kill().expect("SIGKILL a worker");
    worker_processes[0].wait().unwrap();
    if restart {
        worker_processes[0] = spawn("worker", url, "worker-0-again", None);
    }
    for sender in senders {
        sender.await.expect("a sender");
    }
    let sent_in = started.elapsed();

    let handled: HashSet<Uuid> = (0..UNIQUE_EVENTS)
        .filter(|n| event_type(*n) != FAILS)
        .map(|n| ids[n])
        .collect();
    let failing: HashSet<Uuid> = (0..UNIQUE_EVENTS)
        .filter(|n| event_type(*n) == FAILS)
        .map(|n| ids[n])
        .collect();
    // Wait until every event had its effect, every failing one is dead and
    // the queue is empty (the killed worker's messages came back first).
    let deadline = Instant::now() + Duration::from_secs(90);
    let outcome = loop {
        let outcome = DB::outcome(&pool).await;
        let settled = handled.iter().all(|id| outcome.effects.contains_key(id))
            && outcome.dead.len() >= failing.len()
            && outcome.queued_left == 0;
        if settled || Instant::now() > deadline {
            break outcome;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    let drained_in = started.elapsed();
    for mut process in receiver_processes.into_iter().chain(worker_processes) {
        let _ = process.kill();
        let _ = process.wait();
    }

    let lost: Vec<&Uuid> = handled
        .iter()
        .filter(|id| !outcome.effects.contains_key(id))
        .collect();
    let twice: Vec<(&Uuid, &Vec<String>)> = outcome
        .effects
        .iter()
        .filter(|(_, by)| by.len() > 1)
        .collect();
    assert!(
        lost.is_empty(),
        "{} events never had their effect (lost)",
        lost.len()
    );
    assert!(
        twice.is_empty(),
        "{} events had their effect more than once: {:?}",
        twice.len(),
        &twice[..twice.len().min(5)]
    );
    assert_eq!(
        outcome.effects.keys().copied().collect::<HashSet<_>>(),
        handled,
        "effects of exactly the events that succeed"
    );
    assert_eq!(
        outcome.dead.len(),
        failing.len(),
        "one dead letter per always-failing event"
    );
    assert_eq!(
        outcome.dead.into_iter().collect::<HashSet<_>>(),
        failing,
        "exactly those"
    );
    assert_eq!(outcome.queued_left, 0, "nothing left in the queue");
    let by_killed_worker = outcome
        .effects
        .values()
        .filter(|by| by[0] == "worker-0")
        .count();
    let by_killed_receiver = outcome
        .effects
        .values()
        .filter(|by| by[0] == "receiver-0")
        .count();
    assert!(
        by_killed_worker > 0,
        "the killed worker had handled events before it died"
    );
    assert!(
        by_killed_receiver > 0,
        "the killed receiver had handled events before it died"
    );
    println!(
        "{url}: 10,000 deliveries sent in {sent_in:?} ({} retries of unanswered or failed ones), \
         all settled in {drained_in:?}; {} events with one effect each ({by_killed_worker} by the \
         killed worker, {by_killed_receiver} by the killed receiver), {} dead letters",
        retries.load(Ordering::SeqCst),
        handled.len(),
        failing.len()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_postgres_ten_thousand_deliveries_two_receivers_two_workers_one_of_each_killed_take_effect_exactly_once()
 {
    let server = PostgresServer::start()
        .unwrap_or_else(|error| panic!("this test needs PostgreSQL: {error}"));
    let url = server.create_database().await.expect("a database");
    let pool = PgPoolOptions::new()
        .max_connections(4)
        .connect(&url)
        .await
        .expect("PostgreSQL");
    exactly_once(pool, &url, 2, 2, false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_sqlite_ten_thousand_deliveries_one_receiver_one_worker_each_killed_once_take_effect_exactly_once()
 {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("e2e.db").display());
    let pool = fusionauth_webhooks_sqlx::connect_sqlite(&url)
        .await
        .expect("SQLite");
    exactly_once(pool, &url, 1, 1, true).await;
}
