//! Faults under load over real sockets, on every adapter.
//!
//! Per adapter: `FAULTS_REQUESTS` (default 100,000) valid requests over 64
//! keep-alive connections to a handler that fails 10 % of events and panics
//! on 1 % (chosen by the event id, so the client knows which). Every failure
//! must be answered non-2xx, every success 2xx, and the server must keep
//! serving. At the same time, 16 unauthenticated clients flood it with
//! over-limit bodies and 16 with stalled bodies. RSS (of this process: the
//! servers and the clients) is sampled every 100 ms.
//!
//! ```sh
//! cargo bench --bench faults --features testing
//! FAULTS_REQUESTS=10000 cargo bench --bench faults --features testing
//! ```
//!
//! Exits non-zero on any wrong status or a request left unanswered.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use fusionauth_webhooks::{Event, EventType, HandlerError, Router, Webhook};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::{TcpListener, TcpStream};
use warp::Filter as _;

const API_KEY: &str = "faults-api-key-0123456789abcdef";
const PATH: &str = "/hooks/fusionauth";
const CONNECTIONS: usize = 64;
const FLOODERS: usize = 16;

/// 0..10 of every 100 fail, 10 panics, the rest succeed.
fn expected_failure(index: u64) -> bool {
    index % 100 <= 10
}

fn webhook() -> Webhook {
    let router = Router::new().on_event(EventType::UserDelete, |event: Event| async move {
        let index = event.id().map_or(0, |id| id.as_u128() as u64);
        match index % 100 {
            0..10 => Err(HandlerError::internal("the handler failed on purpose")),
            10 => panic!("the handler panicked on purpose"),
            _ => Ok(()),
        }
    });
    Webhook::builder()
        .api_key(API_KEY)
        .max_body_size(64 * 1024)
        .body_read_timeout(Duration::from_secs(2))
        .router(router)
        .build()
        .expect("valid webhook")
}

fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            let line = status.lines().find(|line| line.starts_with("VmRSS:"))?;
            line.split_whitespace().nth(1)?.parse().ok()
        })
        .unwrap_or(0)
}

/// Reads one response (head and `content-length` body); its status.
async fn read_response(stream: &mut TcpStream, buffer: &mut Vec<u8>) -> Option<u16> {
    loop {
        if let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = std::str::from_utf8(&buffer[..end])
                .ok()?
                .to_ascii_lowercase();
            let status = head.get(9..12)?.parse().ok()?;
            let length: usize = head
                .lines()
                .find_map(|line| line.strip_prefix("content-length:"))
                .and_then(|value| value.trim().parse().ok())
                .unwrap_or(0);
            while buffer.len() < end + 4 + length {
                let mut chunk = [0u8; 8192];
                let n = stream.read(&mut chunk).await.ok()?;
                if n == 0 {
                    return None;
                }
                buffer.extend_from_slice(&chunk[..n]);
            }
            buffer.drain(..end + 4 + length);
            return Some(status);
        }
        let mut chunk = [0u8; 8192];
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..n]);
    }
}

fn request(index: u64) -> Vec<u8> {
    let id = uuid::Uuid::from_u128(u128::from(index));
    let body = format!(r#"{{"event":{{"type":"user.delete","id":"{id}"}}}}"#);
    format!(
        "POST {PATH} HTTP/1.1\r\nhost: bench\r\nauthorization: {API_KEY}\r\n\
         content-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

#[derive(Default)]
struct Tally {
    answered: AtomicU64,
    wrong: AtomicU64,
    lost: AtomicU64,
    flood: AtomicU64,
}

/// One keep-alive connection sending its share of the requests; reconnects
/// when the server closes it (after a 500, say).
async fn worker(address: SocketAddr, next: Arc<AtomicU64>, total: u64, tally: Arc<Tally>) {
    let mut stream = None;
    let mut buffer = Vec::new();
    loop {
        let index = next.fetch_add(1, Ordering::Relaxed);
        if index >= total {
            return;
        }
        let mut attempts = 0;
        let status = loop {
            if stream.is_none() {
                stream = TcpStream::connect(address).await.ok();
                buffer.clear();
            }
            let Some(connection) = stream.as_mut() else {
                attempts += 1;
                if attempts > 3 {
                    break None;
                }
                continue;
            };
            if connection.write_all(&request(index)).await.is_ok()
                && let Some(status) = read_response(connection, &mut buffer).await
            {
                break Some(status);
            }
            // The server closed the connection before answering (only
            // between requests is that allowed): retry once on a new one.
            stream = None;
            attempts += 1;
            if attempts > 1 {
                break None;
            }
        };
        match status {
            None => {
                tally.lost.fetch_add(1, Ordering::Relaxed);
            }
            Some(status) => {
                tally.answered.fetch_add(1, Ordering::Relaxed);
                let success = (200..300).contains(&status);
                if success == expected_failure(index) {
                    tally.wrong.fetch_add(1, Ordering::Relaxed);
                }
            }
        }
    }
}

/// Unauthenticated clients: over-limit bodies and stalled bodies, again and again.
async fn flooder(address: SocketAddr, stalled: bool, stop: Arc<AtomicBool>, tally: Arc<Tally>) {
    while !stop.load(Ordering::Relaxed) {
        let Ok(mut stream) = TcpStream::connect(address).await else {
            tokio::time::sleep(Duration::from_millis(10)).await;
            continue;
        };
        let head = if stalled {
            format!(
                "POST {PATH} HTTP/1.1\r\nhost: b\r\ncontent-type: application/json\r\ncontent-length: 60000\r\n\r\n{{"
            )
        } else {
            format!(
                "POST {PATH} HTTP/1.1\r\nhost: b\r\ncontent-type: application/json\r\ncontent-length: 100000000\r\n\r\n"
            )
        };
        if stream.write_all(head.as_bytes()).await.is_err() {
            continue;
        }
        if !stalled {
            let _ = stream.write_all(&vec![b' '; 256 * 1024]).await;
        }
        let mut buffer = Vec::new();
        let _ = tokio::time::timeout(
            Duration::from_secs(5),
            read_response(&mut stream, &mut buffer),
        )
        .await;
        tally.flood.fetch_add(1, Ordering::Relaxed);
    }
}

async fn run(name: &str, address: SocketAddr, total: u64) -> bool {
    let tally = Arc::new(Tally::default());
    let stop = Arc::new(AtomicBool::new(false));
    let next = Arc::new(AtomicU64::new(0));
    let peak = Arc::new(AtomicU64::new(0));
    let samples = Arc::new(AtomicUsize::new(0));
    let before = rss_kib();
    let sampler = {
        let (stop, peak, samples) = (Arc::clone(&stop), Arc::clone(&peak), Arc::clone(&samples));
        tokio::spawn(async move {
            while !stop.load(Ordering::Relaxed) {
                peak.fetch_max(rss_kib(), Ordering::Relaxed);
                samples.fetch_add(1, Ordering::Relaxed);
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        })
    };
    let flood: Vec<_> = (0..2 * FLOODERS)
        .map(|n| {
            tokio::spawn(flooder(
                address,
                n % 2 == 0,
                Arc::clone(&stop),
                Arc::clone(&tally),
            ))
        })
        .collect();
    let started = Instant::now();
    let workers: Vec<_> = (0..CONNECTIONS)
        .map(|_| {
            tokio::spawn(worker(
                address,
                Arc::clone(&next),
                total,
                Arc::clone(&tally),
            ))
        })
        .collect();
    for worker in workers {
        worker.await.expect("worker ran");
    }
    let elapsed = started.elapsed();
    stop.store(true, Ordering::Relaxed);
    for task in flood {
        let _ = task.await;
    }
    let _ = sampler.await;
    // Still serving after all that: one more request that succeeds.
    let mut tail = TcpStream::connect(address).await.expect("still accepting");
    tail.write_all(&request(42)).await.expect("send");
    let still = read_response(&mut tail, &mut Vec::new()).await;
    let after = rss_kib();
    let answered = tally.answered.load(Ordering::Relaxed);
    let wrong = tally.wrong.load(Ordering::Relaxed);
    let lost = tally.lost.load(Ordering::Relaxed);
    println!(
        "{name:>9}: {answered} answered in {:.1} s ({:.0} req/s), {wrong} wrong status, {lost} unanswered, \
         {} flood requests; after: {still:?}; RSS before {} MiB, peak {} MiB, after {} MiB ({} samples)",
        elapsed.as_secs_f64(),
        answered as f64 / elapsed.as_secs_f64(),
        tally.flood.load(Ordering::Relaxed),
        before / 1024,
        peak.load(Ordering::Relaxed) / 1024,
        after / 1024,
        samples.load(Ordering::Relaxed),
    );
    wrong == 0 && lost == 0 && answered == total && still == Some(200)
}

async fn bind() -> (TcpListener, SocketAddr) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let address = listener.local_addr().expect("bound");
    (listener, address)
}

fn start_actix() -> SocketAddr {
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        actix_web::rt::System::new().block_on(async move {
            let webhook = webhook();
            let server = actix_web::HttpServer::new(move || {
                actix_web::App::new().service(fusionauth_webhooks_actix_web::resource(
                    PATH,
                    webhook.clone(),
                ))
            })
            .workers(2)
            .bind("127.0.0.1:0")
            .expect("bind");
            sender.send(server.addrs()[0]).expect("send address");
            server.run().await
        })
    });
    receiver.recv().expect("actix started")
}

fn main() {
    let total: u64 = std::env::var("FAULTS_REQUESTS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(100_000);
    // 1,000 expected panics: keep their messages out of the report.
    std::panic::set_hook(Box::new(|_| {}));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let passed = runtime.block_on(async {
        let mut passed = true;

        let (listener, address) = bind().await;
        let service = fusionauth_webhooks_hyper::WebhookService::new(webhook()).at(PATH);
        tokio::spawn(fusionauth_webhooks_hyper::serve(listener, service));
        passed &= run("hyper", address, total).await;

        let (listener, address) = bind().await;
        let app = fusionauth_webhooks_axum::router(PATH, webhook());
        tokio::spawn(async move { axum::serve(listener, app).await });
        passed &= run("axum", address, total).await;

        let (listener, address) = bind().await;
        let filter =
            warp::path!("hooks" / "fusionauth").and(fusionauth_webhooks_warp::filter(webhook()));
        tokio::spawn(warp::serve(filter).incoming(listener).run());
        passed &= run("warp", address, total).await;

        passed &= run("actix-web", start_actix(), total).await;
        passed
    });
    if !passed {
        eprintln!("a wrong status, an unanswered request, or the server stopped serving");
        std::process::exit(1);
    }
}
