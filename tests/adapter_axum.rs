//! fusionauth-webhooks-axum over a real socket: `axum::serve` on an
//! ephemeral port, the webhook merged beside the app's own route and state.

mod common;

use std::net::SocketAddr;

use axum::Router;
use axum::extract::State;
use axum::routing::get;
use fusionauth_webhooks::Webhook;
use http::StatusCode;

async fn start(webhook: Webhook) -> SocketAddr {
    let app = Router::new()
        .route(
            "/health",
            get(|State(ok): State<&'static str>| async move { ok }),
        )
        .merge(fusionauth_webhooks_axum::router(
            common::WEBHOOK_PATH,
            webhook,
        ))
        .with_state("ok");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let address = listener.local_addr().expect("bound");
    tokio::spawn(async move { axum::serve(listener, app).await });
    address
}

// axum's method router answers a wrong method on its own route with 405.
common::adapter_tests! {
    start: start,
    app: start,
    post_health: StatusCode::METHOD_NOT_ALLOWED,
}
