//! fusionauth-webhooks-rocket over a real socket: Rocket on an ephemeral
//! port, the webhook's routes beside the app's own route and managed state.

mod common;

use std::collections::HashSet;
use std::net::{Ipv4Addr, SocketAddr};
use std::time::{Duration, Instant};

use fusionauth_webhooks::Webhook;
use fusionauth_webhooks::testing::conformance::{API_KEY, Conformance};
use http::StatusCode;
use rocket::config::{LogLevel, Shutdown};
use rocket::fairing::AdHoc;
use rocket::{Config, State, get, routes};

#[get("/health")]
fn health(ok: &State<&'static str>) -> &'static str {
    ok.inner()
}

/// Rocket binds the port itself: port 0, and the one it got reported on
/// liftoff.
async fn start(webhook: Webhook) -> SocketAddr {
    let config = Config {
        address: Ipv4Addr::LOCALHOST.into(),
        port: 0,
        log_level: LogLevel::Off,
        shutdown: Shutdown {
            ctrlc: false,
            signals: HashSet::new(),
            ..Shutdown::default()
        },
        ..Config::debug_default()
    };
    let (bound, port) = tokio::sync::oneshot::channel();
    let app = rocket::custom(config)
        .manage("ok")
        .mount("/", routes![health])
        .mount(
            common::WEBHOOK_PATH,
            fusionauth_webhooks_rocket::routes(webhook),
        )
        .attach(AdHoc::on_liftoff("report the port", |rocket| {
            Box::pin(async move {
                let _ = bound.send(rocket.config().port);
            })
        }));
    tokio::spawn(app.launch());
    let port = port.await.expect("Rocket lifted off");
    SocketAddr::from((Ipv4Addr::LOCALHOST, port))
}

// Every test of `common::adapter_tests!` but the stalled body, below.

#[tokio::test]
async fn the_webhook_lives_beside_the_apps_own_routes() {
    let address = start(Conformance::new().webhook()).await;
    // Rocket routes by method and has no 405: a wrong method on the app's
    // own route finds no route, 404.
    let post_health = common::lives_beside_the_apps_own_routes(address).await;
    assert_eq!(post_health, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_conformance_suite_passes_over_tcp() {
    let suite = Conformance::new();
    let address = start(suite.webhook()).await;
    common::passes_the_conformance_suite(&suite, address).await;
}

#[tokio::test]
async fn the_webhooks_body_limit_is_the_only_one() {
    common::body_limits_are_the_webhooks_own(start(Conformance::new().webhook()).await).await;
}

#[tokio::test]
async fn handlers_outlive_a_sender_that_hangs_up() {
    common::handlers_outlive_a_sender_that_hangs_up(start).await;
}

#[tokio::test]
async fn concurrent_requests_are_all_answered() {
    common::answers_concurrent_requests(start(Conformance::new().webhook()).await).await;
}

/// Before routing, Rocket waits for the first 14 bytes of every body (its
/// `_method` form override peeks at them), untimed: a sender that stalls
/// within them is held by Rocket and never reaches the webhook (see the
/// crate docs). Past them, the webhook's body-read timeout answers 408.
#[tokio::test]
async fn a_body_stalled_past_rockets_peek_is_answered_408_at_the_body_read_timeout() {
    const TIMEOUT: Duration = Duration::from_millis(400);
    let webhook = Webhook::builder()
        .api_key(API_KEY)
        .body_read_timeout(TIMEOUT)
        .allow_no_handlers()
        .build()
        .expect("a valid webhook");
    let address = start(webhook).await;
    let head = format!(
        "POST {} HTTP/1.1\r\nhost: {address}\r\nauthorization: {API_KEY}\r\n\
         content-type: application/json\r\ncontent-length: 1000\r\n\r\n\
         {{\"event\":{{\"type\":\"user.",
        common::WEBHOOK_PATH
    );
    let started = Instant::now();
    let mut stream = common::stall_after(address, head.as_bytes()).await;
    let (received, _) = common::read_until_closed(&mut stream, Duration::from_secs(10)).await;
    let elapsed = started.elapsed();
    let answer = String::from_utf8_lossy(&received);
    assert!(
        answer.starts_with("HTTP/1.1 408"),
        "expected 408, got {answer:?}"
    );
    assert!(
        elapsed >= TIMEOUT,
        "answered before the timeout: {elapsed:?}"
    );
    assert!(
        elapsed < TIMEOUT + Duration::from_secs(3),
        "answered {elapsed:?} after the stall, timeout {TIMEOUT:?}"
    );
}
