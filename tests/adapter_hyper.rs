//! fusionauth-webhooks-hyper over a real socket: `serve` on an ephemeral
//! port, and the service beside another route in an app's own `service_fn`.

mod common;

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;

use bytes::Bytes;
use fusionauth_webhooks::Webhook;
use fusionauth_webhooks::testing::conformance::{Conformance, Framing, Transport as _};
use fusionauth_webhooks_hyper::WebhookService;
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

// hyper has no router: the app's own `service_fn` answers 405.
common::adapter_tests! {
    start: start,
    app: start_app,
    post_health: StatusCode::METHOD_NOT_ALLOWED,
}
