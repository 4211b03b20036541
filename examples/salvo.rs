//! A FusionAuth webhook receiver in a salvo app.
//!
//! ```sh
//! cargo run --example salvo
//! ```
//!
//! Listens on `FUSIONAUTH_WEBHOOK_ADDR` (default 127.0.0.1:8080) at
//! `/fusionauth-webhook` beside the app's own `GET /health`, takes
//! credentials from the environment (see `WebhookBuilder::from_env`) or generates an
//! API key, and logs every event's type and id.

mod support;

use std::time::Duration;

use fusionauth_webhooks::Router as Handlers;
use fusionauth_webhooks_salvo::WebhookHandler;
use salvo::conn::tcp::TcpAcceptor;
use salvo::fuse::FlexFactory;
use salvo::{Router, Server, handler};

#[handler]
async fn health() -> &'static str {
    "ok"
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    support::init_logging();
    let (webhook, generated_key) =
        support::webhook_from_env(support::log_every_event(Handlers::new()))?;
    let app = Router::new()
        .push(Router::with_path("health").get(health))
        .push(Router::with_path(support::WEBHOOK_PATH).goal(WebhookHandler::new(webhook)));

    let listener = tokio::net::TcpListener::bind(support::listen_addr()?).await?;
    support::print_banner(listener.local_addr()?, generated_key.as_deref());
    // Slow clients (see SECURITY.md): salvo has no header-read timeout; its
    // fuse closes a connection idle for 60 s or waiting 60 s for a frame.
    // Both must exceed the handler timeout.
    let fuse = FlexFactory::new()
        .tcp_idle_timeout(Duration::from_secs(60))
        .tcp_frame_timeout(Duration::from_secs(60));
    let server = Server::new(TcpAcceptor::try_from(listener)?).fuse_factory(fuse);
    let handle = server.handle();
    tokio::spawn(async move {
        let _ = tokio::signal::ctrl_c().await;
        handle.stop_graceful(Duration::from_secs(30));
    });
    server.serve(app).await;
    Ok(())
}
