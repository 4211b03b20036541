//! fusionauth-webhooks-poem over a real socket: `poem::Server` on an
//! ephemeral port, the webhook's endpoint beside the app's own route and data.

mod common;

use std::net::SocketAddr;

use fusionauth_webhooks::Webhook;
use fusionauth_webhooks_poem::WebhookEndpoint;
use http::StatusCode;
use poem::listener::TcpAcceptor;
use poem::web::Data;
use poem::{EndpointExt as _, Route, Server, get, handler};

#[handler]
fn health(Data(ok): Data<&&'static str>) -> String {
    (*ok).to_owned()
}

async fn start(webhook: Webhook) -> SocketAddr {
    let app = Route::new()
        .at("/health", get(health))
        .at(common::WEBHOOK_PATH, WebhookEndpoint::new(webhook))
        .data("ok");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let address = listener.local_addr().expect("bound");
    let acceptor = TcpAcceptor::from_tokio(listener).expect("a poem acceptor");
    tokio::spawn(Server::new_with_acceptor(acceptor).run(app));
    address
}

// poem's method router answers a wrong method on its own route with 405.
common::adapter_tests! {
    start: start,
    app: start,
    post_health: StatusCode::METHOD_NOT_ALLOWED,
}
