//! What the tests over real sockets share: the one HTTP/1.1 test client
//! ([`client`]), what the delivery tests and benchmark serve and send
//! ([`delivery`]), and the adapter tests' cases beyond the conformance suite
//! (here).
//!
//! Each adapter test serves an app with `GET /health` (answering `ok` from
//! the app's state) beside the suite's webhook at [`WEBHOOK_PATH`].

#![allow(dead_code, unreachable_pub, unused_imports, unused_macros)]

pub mod client;
pub mod delivery;

pub use client::Client;

use std::net::SocketAddr;
use std::time::Duration;

use bytes::Bytes;
use fusionauth_webhooks::DEFAULT_MAX_BODY_SIZE;
use fusionauth_webhooks::testing::TestRequest;
use fusionauth_webhooks::testing::conformance::{
    API_KEY, Conformance, Framing, HANDLED_TENANT_ID, Transport,
};
use http::{Method, Request, StatusCode};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;

/// Where every adapter test mounts the webhook.
pub const WEBHOOK_PATH: &str = "/hooks/fusionauth";

/// Runs the whole conformance suite through the server's webhook path;
/// the server serves `suite.webhook()` there.
pub async fn passes_the_conformance_suite(suite: &Conformance, address: SocketAddr) {
    let report = suite.run(&Client::new(address, WEBHOOK_PATH)).await;
    println!("{report}");
    report.assert_passed();
}

/// A request without body or headers.
fn bare(method: Method) -> Request<Bytes> {
    let mut request = Request::new(Bytes::new());
    *request.method_mut() = method;
    request
}

/// `GET /health` still answers `ok` from the app's state; the webhook path
/// answers a wrong method itself (405, `Allow: POST`, empty body); another
/// path is not the webhook's (404). Returns the status the framework itself
/// gives `POST /health`, a wrong method on the app's own route.
pub async fn lives_beside_the_apps_own_routes(address: SocketAddr) -> StatusCode {
    let health = Client::new(address, "/health")
        .send(bare(Method::GET), Framing::ContentLength)
        .await;
    let health = health.expect("GET /health is answered");
    assert_eq!(
        (health.status, &health.body[..]),
        (StatusCode::OK, &b"ok"[..])
    );

    for method in [Method::GET, Method::PUT, Method::DELETE, Method::PATCH] {
        let request = bare(method.clone());
        let response = Client::new(address, WEBHOOK_PATH)
            .send(request, Framing::ContentLength)
            .await;
        let response = response.expect("the webhook answers");
        assert_eq!(response.status, StatusCode::METHOD_NOT_ALLOWED, "{method}");
        assert_eq!(
            response.headers.get("allow").map(|v| v.as_bytes()),
            Some(&b"POST"[..]),
            "{method}"
        );
        assert!(
            response.body.is_empty(),
            "{method}: the core's 405 has no body"
        );
    }

    let elsewhere = Client::new(address, "/hooks/other")
        .send(event(100), Framing::ContentLength)
        .await;
    assert_eq!(elsewhere.expect("answered").status, StatusCode::NOT_FOUND);

    // What the framework itself answers for a wrong method on its own route.
    let response = Client::new(address, "/health")
        .send(bare(Method::POST), Framing::ContentLength)
        .await;
    response.expect("POST /health is answered").status
}

/// An authorized `user.create` event for the suite's tenant, exactly `size`
/// bytes long (at least about 120).
pub fn event(size: usize) -> Request<Bytes> {
    let head =
        format!(r#"{{"event":{{"type":"user.create","tenantId":"{HANDLED_TENANT_ID}","padding":""#);
    let tail = r#""}}"#;
    let mut body = Vec::with_capacity(size);
    body.extend_from_slice(head.as_bytes());
    body.resize(size.saturating_sub(tail.len()).max(head.len()), b'x');
    body.extend_from_slice(tail.as_bytes());
    let request = TestRequest::body(body).api_key(API_KEY);
    // The suite's webhook also requires a signature when the feature is on.
    #[cfg(feature = "signature")]
    let request = request.signed(&fusionauth_webhooks::testing::conformance::signer());
    request.build()
}

/// The webhook's 8 MiB limit is the only one, with and without
/// `Content-Length`, for a client that sends the whole body before reading.
pub async fn body_limits_are_the_webhooks_own(address: SocketAddr) {
    let client = Client::new(address, WEBHOOK_PATH).send_then_read();
    for framing in [Framing::ContentLength, Framing::Chunked] {
        let at_limit = client.send(event(DEFAULT_MAX_BODY_SIZE), framing).await;
        assert_eq!(
            at_limit.map(|r| r.status),
            Ok(StatusCode::OK),
            "8 MiB, {framing:?}"
        );
        let over = client.send(event(DEFAULT_MAX_BODY_SIZE + 1), framing).await;
        assert_eq!(
            over.map(|r| r.status),
            Ok(StatusCode::PAYLOAD_TOO_LARGE),
            "8 MiB + 1, {framing:?}"
        );
        let far_over = client
            .send(event(DEFAULT_MAX_BODY_SIZE * 3 / 2), framing)
            .await;
        assert_eq!(
            far_over.map(|r| r.status),
            Ok(StatusCode::PAYLOAD_TOO_LARGE),
            "12 MiB, {framing:?}"
        );
    }
}

/// 32 requests at once, each on its own connection, are all answered 200.
pub async fn answers_concurrent_requests(address: SocketAddr) {
    let requests: Vec<_> = (0..32)
        .map(|n| {
            let client = Client::new(address, WEBHOOK_PATH);
            let framing = if n % 2 == 0 {
                Framing::ContentLength
            } else {
                Framing::Chunked
            };
            tokio::spawn(
                async move { client.send(event(200 + n), framing).await.map(|r| r.status) },
            )
        })
        .collect();
    for request in requests {
        assert_eq!(request.await.expect("the task ran"), Ok(StatusCode::OK));
    }
}

/// A handler that takes 1.5 s behind a sender that hangs up after 300 ms, as
/// FusionAuth does at its `readTimeout`: the handler still completes its
/// side effect instead of stopping half-way.
pub async fn handlers_outlive_a_sender_that_hangs_up<F, Fut>(start: F)
where
    F: FnOnce(fusionauth_webhooks::Webhook) -> Fut,
    Fut: std::future::Future<Output = SocketAddr>,
{
    use fusionauth_webhooks::{Event, EventType, Router, Webhook};
    use std::sync::Arc;
    use std::sync::atomic::{AtomicU8, Ordering};

    // 1 once started, 2 once finished.
    let progress = Arc::new(AtomicU8::new(0));
    let seen = Arc::clone(&progress);
    let router = Router::new().on_event(EventType::UserDelete, move |_: Event| {
        let seen = Arc::clone(&seen);
        async move {
            seen.store(1, Ordering::SeqCst);
            tokio::time::sleep(Duration::from_millis(1500)).await;
            seen.store(2, Ordering::SeqCst);
            Ok(())
        }
    });
    let webhook = Webhook::builder()
        .api_key(API_KEY)
        .router(router)
        .build()
        .expect("a valid webhook");
    let address = start(webhook).await;
    let request = TestRequest::body(r#"{"event":{"type":"user.delete"}}"#)
        .api_key(API_KEY)
        .build();
    let client = Client::new(address, WEBHOOK_PATH);
    let gave_up = tokio::time::timeout(
        Duration::from_millis(300),
        client.send(request, Framing::ContentLength),
    )
    .await;
    assert!(gave_up.is_err(), "the handler answered before it finished");
    assert_eq!(progress.load(Ordering::SeqCst), 1, "the handler started");
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while progress.load(Ordering::SeqCst) != 2 && tokio::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(
        progress.load(Ordering::SeqCst),
        2,
        "the handler stopped when the sender hung up"
    );
}

/// Opens a connection and writes `bytes` (part of a request), keeping the
/// connection open: a client that stalls there.
pub async fn stall_after(address: SocketAddr, bytes: &[u8]) -> TcpStream {
    let mut stream = TcpStream::connect(address).await.expect("connect");
    stream
        .write_all(bytes)
        .await
        .expect("send the partial request");
    stream
}

/// Reads what the server sends until it closes the connection (or `limit`
/// passes): the bytes, and whether it closed.
pub async fn read_until_closed(stream: &mut TcpStream, limit: Duration) -> (Vec<u8>, bool) {
    let mut received = Vec::new();
    let closed = tokio::time::timeout(limit, async {
        let mut buffer = [0u8; 4096];
        loop {
            match stream.read(&mut buffer).await {
                Ok(0) | Err(_) => return,
                Ok(n) => received.extend_from_slice(&buffer[..n]),
            }
        }
    })
    .await
    .is_ok();
    (received, closed)
}

/// A sender whose body stalls after its head passed the checks is answered
/// 408 (or disconnected) once the webhook's body-read timeout passes, not
/// held open.
pub async fn stalled_bodies_time_out<F, Fut>(start: F)
where
    F: FnOnce(fusionauth_webhooks::Webhook) -> Fut,
    Fut: std::future::Future<Output = SocketAddr>,
{
    use fusionauth_webhooks::Webhook;
    const TIMEOUT: Duration = Duration::from_millis(400);
    let webhook = Webhook::builder()
        .api_key(API_KEY)
        .body_read_timeout(TIMEOUT)
        .allow_no_handlers()
        .build()
        .expect("a valid webhook");
    let address = start(webhook).await;
    let head = format!(
        "POST {WEBHOOK_PATH} HTTP/1.1\r\nhost: {address}\r\nauthorization: {API_KEY}\r\n\
         content-type: application/json\r\ncontent-length: 1000\r\n\r\n{{\"event\":"
    );
    let started = std::time::Instant::now();
    let mut stream = stall_after(address, head.as_bytes()).await;
    let (received, closed) = read_until_closed(&mut stream, Duration::from_secs(10)).await;
    let elapsed = started.elapsed();
    let answer = String::from_utf8_lossy(&received);
    assert!(
        answer.starts_with("HTTP/1.1 408") || (received.is_empty() && closed),
        "expected 408 or a closed connection, got {answer:?} (closed: {closed})"
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

/// The tests every adapter runs alike. `start(Webhook) -> SocketAddr` serves
/// the webhook at [`WEBHOOK_PATH`]; `app` does too, beside `GET /health`;
/// `post_health` is what the framework answers to `POST /health`.
macro_rules! adapter_tests {
    (start: $start:path, app: $app:path, post_health: $post_health:expr $(,)?) => {
        #[tokio::test]
        async fn the_webhook_lives_beside_the_apps_own_routes() {
            let webhook = fusionauth_webhooks::testing::conformance::Conformance::new().webhook();
            let address = $app(webhook).await;
            let post_health = crate::common::lives_beside_the_apps_own_routes(address).await;
            assert_eq!(
                post_health, $post_health,
                "the framework's own wrong-method answer"
            );
        }

        #[tokio::test]
        async fn the_conformance_suite_passes_over_tcp() {
            let suite = fusionauth_webhooks::testing::conformance::Conformance::new();
            let address = $start(suite.webhook()).await;
            crate::common::passes_the_conformance_suite(&suite, address).await;
        }

        #[tokio::test]
        async fn the_webhooks_body_limit_is_the_only_one() {
            let webhook = fusionauth_webhooks::testing::conformance::Conformance::new().webhook();
            crate::common::body_limits_are_the_webhooks_own($start(webhook).await).await;
        }

        #[tokio::test]
        async fn handlers_outlive_a_sender_that_hangs_up() {
            crate::common::handlers_outlive_a_sender_that_hangs_up($start).await;
        }

        #[tokio::test]
        async fn a_stalled_body_is_answered_408_at_the_body_read_timeout() {
            crate::common::stalled_bodies_time_out($start).await;
        }

        #[tokio::test]
        async fn concurrent_requests_are_all_answered() {
            let webhook = fusionauth_webhooks::testing::conformance::Conformance::new().webhook();
            crate::common::answers_concurrent_requests($start(webhook).await).await;
        }
    };
}
pub(crate) use adapter_tests;
