//! fusionauth-webhooks-warp over a real socket: `warp::serve` on an
//! ephemeral port, the webhook's filter `.or`-ed with the app's own route.

mod common;

use std::net::SocketAddr;
use std::sync::Arc;

use fusionauth_webhooks::Webhook;
use http::StatusCode;
use warp::Filter;

async fn start(webhook: Webhook) -> SocketAddr {
    let state = Arc::new("ok");
    let health = warp::path!("health").and(warp::get()).map(move || *state);
    let hooks = warp::path!("hooks" / "fusionauth").and(fusionauth_webhooks_warp::filter(webhook));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let address = listener.local_addr().expect("bound");
    tokio::spawn(warp::serve(health.or(hooks)).incoming(listener).run());
    address
}

// warp: the `warp::get()` rejection outranks the other route's 404: 405.
common::adapter_tests! {
    start: start,
    app: start,
    post_health: StatusCode::METHOD_NOT_ALLOWED,
}
