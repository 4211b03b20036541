//! fusionauth-webhooks-salvo over a real socket: salvo's `Server` on an
//! ephemeral port, the webhook's handler beside the app's own route and state.

mod common;

use std::net::SocketAddr;

use fusionauth_webhooks::Webhook;
use fusionauth_webhooks_salvo::WebhookHandler;
use http::StatusCode;
use salvo::conn::tcp::TcpAcceptor;
use salvo::{Depot, FlowCtrl, Handler, Request, Response, Router, Server, async_trait};

/// `GET /health`: answers the state it holds.
struct Health {
    ok: &'static str,
}

#[async_trait]
impl Handler for Health {
    async fn handle(&self, _: &mut Request, _: &mut Depot, res: &mut Response, _: &mut FlowCtrl) {
        res.render(self.ok);
    }
}

async fn start(webhook: Webhook) -> SocketAddr {
    let app = Router::new()
        .push(Router::with_path("health").get(Health { ok: "ok" }))
        .push(Router::with_path(common::WEBHOOK_PATH).goal(WebhookHandler::new(webhook)));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let address = listener.local_addr().expect("bound");
    let acceptor = TcpAcceptor::try_from(listener).expect("a salvo acceptor");
    tokio::spawn(Server::new(acceptor).serve(app));
    address
}

// salvo answers a wrong method on a route it knows with 405.
common::adapter_tests! {
    start: start,
    app: start,
    post_health: StatusCode::METHOD_NOT_ALLOWED,
}
