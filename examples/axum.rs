//! A FusionAuth webhook receiver in an axum app.
//!
//! ```sh
//! cargo run --example axum
//! ```
//!
//! Listens on `FUSIONAUTH_WEBHOOK_ADDR` (default 127.0.0.1:8080) at
//! `/fusionauth-webhook` beside the app's own `GET /health`, takes
//! credentials from the environment (see `WebhookBuilder::from_env`) or generates an
//! API key, and logs every event's type and id.

mod support;

use axum::routing::get;
use fusionauth_webhooks::Router;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    support::init_logging();
    let (webhook, generated_key) =
        support::webhook_from_env(support::log_every_event(Router::new()))?;
    let app = axum::Router::new()
        .route("/health", get(|| async { "ok" }))
        .merge(fusionauth_webhooks_axum::router(
            support::WEBHOOK_PATH,
            webhook,
        ));

    let listener = tokio::net::TcpListener::bind(support::listen_addr()?).await?;
    support::print_banner(listener.local_addr()?, generated_key.as_deref());
    axum::serve(listener, app)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
    Ok(())
}
