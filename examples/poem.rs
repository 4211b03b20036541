//! A FusionAuth webhook receiver in a poem app.
//!
//! ```sh
//! cargo run --example poem
//! ```
//!
//! Listens on `FUSIONAUTH_WEBHOOK_ADDR` (default 127.0.0.1:8080) at
//! `/fusionauth-webhook` beside the app's own `GET /health`, takes
//! credentials from the environment (see `WebhookBuilder::from_env`) or generates an
//! API key, and logs every event's type and id.

mod support;

use std::time::Duration;

use fusionauth_webhooks::Router;
use fusionauth_webhooks_poem::WebhookEndpoint;
use poem::listener::TcpAcceptor;
use poem::{Route, Server, get, handler};

#[handler]
fn health() -> &'static str {
    "ok"
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    support::init_logging();
    let (webhook, generated_key) =
        support::webhook_from_env(support::log_every_event(Router::new()))?;
    let app = Route::new()
        .at("/health", get(health))
        .at(support::WEBHOOK_PATH, WebhookEndpoint::new(webhook));

    let listener = tokio::net::TcpListener::bind(support::listen_addr()?).await?;
    support::print_banner(listener.local_addr()?, generated_key.as_deref());
    Server::new_with_acceptor(TcpAcceptor::from_tokio(listener)?)
        // Slow clients (see SECURITY.md): poem has no header-read timeout;
        // this closes a connection idle (or stalled in its head) for 60 s.
        // It must exceed the handler timeout, or a slow handler's answer is
        // lost with its connection.
        .idle_timeout(Duration::from_secs(60))
        .run_with_graceful_shutdown(
            app,
            async {
                let _ = tokio::signal::ctrl_c().await;
            },
            Some(Duration::from_secs(30)),
        )
        .await?;
    Ok(())
}
