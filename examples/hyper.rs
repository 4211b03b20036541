//! A FusionAuth webhook receiver on plain hyper.
//!
//! ```sh
//! cargo run --example hyper
//! ```
//!
//! Listens on `FUSIONAUTH_WEBHOOK_ADDR` (default 127.0.0.1:8080) at
//! `/fusionauth-webhook` (404 elsewhere), takes credentials from the
//! environment (see `WebhookBuilder::from_env`) or generates an API key, and logs
//! every event's type and id.

mod support;

use fusionauth_webhooks::Router;
use fusionauth_webhooks_hyper::WebhookService;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    support::init_logging();
    let (webhook, generated_key) =
        support::webhook_from_env(support::log_every_event(Router::new()))?;
    let listener = tokio::net::TcpListener::bind(support::listen_addr()?).await?;
    support::print_banner(listener.local_addr()?, generated_key.as_deref());
    let service = WebhookService::new(webhook).at(support::WEBHOOK_PATH);
    fusionauth_webhooks_hyper::serve_with_shutdown(listener, service, async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await;
    Ok(())
}
