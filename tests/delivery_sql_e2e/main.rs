//! The whole hand-off on SQL, exactly once: 10,000 deliveries with
//! duplicates sent concurrently to receiver processes, worker processes
//! running inbox handlers, one receiver and one worker killed with SIGKILL
//! mid-run, FusionAuth's retries simulated for every delivery left
//! unanswered. On PostgreSQL two receivers and two workers (the killed ones
//! stay dead); on SQLite one of each (each killed once and started again).
//!
//! Receivers and workers are this test binary run again as child processes
//! (the ignored tests `child::receiver_process` and `child::worker_process`), so that they
//! can be killed for real. Every handler run that commits inserts a row into
//! `e2e_effects`, which has no unique constraint: a second run of an event
//! would be a second row.

mod child;
#[path = "../common/mod.rs"]
mod common;
mod processes;

use processes::*;

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
