//! fusionauth-webhooks-hyper over a real socket: `serve` on an ephemeral
//! port, and the service beside another route in an app's own `service_fn`.

mod common;

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use fusionauth_webhooks::Webhook;
use fusionauth_webhooks::testing::conformance::{Conformance, Framing, Transport as _};
use fusionauth_webhooks_hyper::{Server, WebhookService};
use http::{Method, Request, Response, StatusCode};
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::service::{Service as _, service_fn};
use hyper_util::rt::TokioIo;

async fn bind() -> (tokio::net::TcpListener, SocketAddr) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let address = listener.local_addr().expect("bound");
    (listener, address)
}

/// `serve` alone: the webhook at its path, 404 elsewhere.
async fn start(webhook: Webhook) -> SocketAddr {
    let (listener, address) = bind().await;
    let service = WebhookService::new(webhook).at(common::WEBHOOK_PATH);
    tokio::spawn(fusionauth_webhooks_hyper::serve(listener, service));
    address
}

/// An app's own `service_fn` routing `/health` (with state) and the webhook.
async fn start_app(webhook: Webhook) -> SocketAddr {
    let (listener, address) = bind().await;
    let state = Arc::new("ok");
    let webhook = WebhookService::new(webhook).at(common::WEBHOOK_PATH);
    let app = service_fn(move |request: Request<Incoming>| {
        let (state, webhook) = (Arc::clone(&state), webhook.clone());
        async move {
            if request.uri().path() != "/health" {
                return webhook.call(request).await;
            }
            let mut response = Response::new(Full::new(Bytes::from_static(state.as_bytes())));
            if request.method() != Method::GET {
                *response.status_mut() = StatusCode::METHOD_NOT_ALLOWED;
            }
            Ok::<_, Infallible>(response)
        }
    });
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                continue;
            };
            let connection = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(stream), app.clone());
            tokio::spawn(connection);
        }
    });
    address
}

#[tokio::test]
async fn serve_with_shutdown_returns_once_connections_close() {
    let (listener, address) = bind().await;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let service = WebhookService::new(Conformance::new().webhook());
    let server = tokio::spawn(fusionauth_webhooks_hyper::serve_with_shutdown(
        listener,
        service,
        async {
            let _ = stopped.await;
        },
    ));
    let client = common::Client::new(address, common::WEBHOOK_PATH);
    let request = common::event(300);
    let in_flight = tokio::spawn(async move { client.send(request, Framing::ContentLength).await });
    tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    let _ = stop.send(());
    let answered = in_flight
        .await
        .expect("the task ran")
        .map(|response| response.status);
    assert_eq!(
        answered,
        Ok(StatusCode::OK),
        "the request in flight is answered"
    );
    tokio::time::timeout(std::time::Duration::from_secs(5), server)
        .await
        .expect("serve returned")
        .expect("no panic");
    assert!(
        tokio::net::TcpStream::connect(address).await.is_err(),
        "the listener is closed"
    );
}

/// Half a request head: the line and one header, never the blank line.
const HALF_A_HEAD: &[u8] = b"POST /hooks/fusionauth HTTP/1.1\r\nhost: localhost\r\n";

/// `Server` with `server`'s settings on an ephemeral port, until `stop`.
async fn start_server(
    server: Server,
    stop: impl std::future::Future<Output = ()> + Send + 'static,
) -> (SocketAddr, tokio::task::JoinHandle<()>) {
    let (listener, address) = bind().await;
    let service = WebhookService::new(Conformance::new().webhook()).at(common::WEBHOOK_PATH);
    let task =
        tokio::spawn(async move { server.serve_with_shutdown(listener, service, stop).await });
    (address, task)
}

#[tokio::test]
async fn half_a_request_head_is_disconnected_at_the_header_read_timeout() {
    let timeout = Duration::from_millis(300);
    let (address, _server) = start_server(
        Server::new().header_read_timeout(timeout),
        std::future::pending(),
    )
    .await;
    let started = Instant::now();
    let mut stalled = common::stall_after(address, HALF_A_HEAD).await;
    let (_, closed) = common::read_until_closed(&mut stalled, Duration::from_secs(10)).await;
    let elapsed = started.elapsed();
    assert!(closed, "half a head still open after 10 s");
    assert!(elapsed >= timeout, "closed before the timeout: {elapsed:?}");
    assert!(
        elapsed < Duration::from_secs(3),
        "closed only after {elapsed:?}"
    );
}

#[tokio::test]
async fn an_idle_connection_is_disconnected_at_the_header_read_timeout() {
    let timeout = Duration::from_millis(300);
    let (address, _server) = start_server(
        Server::new().header_read_timeout(timeout),
        std::future::pending(),
    )
    .await;
    let mut idle = common::stall_after(address, b"").await;
    let (_, closed) = common::read_until_closed(&mut idle, Duration::from_secs(3)).await;
    assert!(
        closed,
        "a connection that sends nothing is still open after 3 s"
    );
}

#[tokio::test]
async fn shutdown_returns_at_its_deadline_with_a_stalled_connection_open() {
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let deadline = Duration::from_millis(500);
    let server = Server::new()
        // Long enough that only the shutdown deadline can end the wait.
        .header_read_timeout(Duration::from_secs(60))
        .shutdown_timeout(deadline);
    let (address, server) = start_server(server, async {
        let _ = stopped.await;
    })
    .await;
    let mut stalled = common::stall_after(address, HALF_A_HEAD).await;
    tokio::time::sleep(Duration::from_millis(50)).await;
    let started = Instant::now();
    let _ = stop.send(());
    tokio::time::timeout(Duration::from_secs(10), server)
        .await
        .expect("serve_with_shutdown returned with a stalled connection open")
        .expect("no panic");
    let elapsed = started.elapsed();
    assert!(
        elapsed >= deadline,
        "returned before the deadline: {elapsed:?}"
    );
    assert!(
        elapsed < deadline + Duration::from_secs(2),
        "returned after {elapsed:?}"
    );
    let (_, closed) = common::read_until_closed(&mut stalled, Duration::from_secs(2)).await;
    assert!(closed, "the stalled connection was left open");
}

#[tokio::test]
async fn the_connection_cap_holds_until_a_connection_closes() {
    let server = Server::new()
        .header_read_timeout(Duration::from_secs(60))
        .max_connections(2);
    let (address, _server) = start_server(server, std::future::pending()).await;
    let first = common::stall_after(address, HALF_A_HEAD).await;
    let _second = common::stall_after(address, HALF_A_HEAD).await;
    tokio::time::sleep(Duration::from_millis(100)).await;

    let client = common::Client::new(address, common::WEBHOOK_PATH);
    let third = tokio::spawn(async move {
        client
            .send(common::event(300), Framing::ContentLength)
            .await
    });
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(
        !third.is_finished(),
        "a third connection was served over the cap of 2"
    );

    drop(first);
    let answered = tokio::time::timeout(Duration::from_secs(5), third)
        .await
        .expect("served once a slot freed")
        .expect("the task ran")
        .map(|response| response.status);
    assert_eq!(answered, Ok(StatusCode::OK));
}

// hyper has no router: the app's own `service_fn` answers 405.
common::adapter_tests! {
    start: start,
    app: start_app,
    post_health: StatusCode::METHOD_NOT_ALLOWED,
}
