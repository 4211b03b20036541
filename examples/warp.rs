//! A FusionAuth webhook receiver in a warp app.
//!
//! ```sh
//! cargo run --example warp
//! ```
//!
//! Listens on `FUSIONAUTH_WEBHOOK_ADDR` (default 127.0.0.1:8080) at
//! `/fusionauth-webhook` beside the app's own `GET /health`, takes
//! credentials from the environment (see `WebhookBuilder::from_env`) or generates an
//! API key, and logs every event's type and id.

mod support;

use fusionauth_webhooks::Router;
use warp::Filter;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    support::init_logging();
    let (webhook, generated_key) =
        support::webhook_from_env(support::log_every_event(Router::new()))?;
    let health = warp::path!("health").and(warp::get()).map(|| "ok");
    let hook = warp::path!("fusionauth-webhook").and(fusionauth_webhooks_warp::filter(webhook));

    let listener = tokio::net::TcpListener::bind(support::listen_addr()?).await?;
    support::print_banner(listener.local_addr()?, generated_key.as_deref());
    warp::serve(health.or(hook))
        .incoming(listener)
        .graceful(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .run()
        .await;
    Ok(())
}
