//! The SDK side of the equal-work load test: the same axum app shape as
//! `baseline_axum.rs`, with the webhook mounted by the adapter and one
//! handler that builds the typed payload of every event (as the baseline
//! builds a `Json<Value>` of every body), then answers 200.
//!
//! Built and started by `benches/load.sh`; listens on
//! `FUSIONAUTH_WEBHOOK_ADDR` and expects `FUSIONAUTH_WEBHOOK_API_KEY`.

use fusionauth_webhooks::{Event, Router, Webhook};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let key = std::env::var("FUSIONAUTH_WEBHOOK_API_KEY")?;
    let addr = std::env::var("FUSIONAUTH_WEBHOOK_ADDR").unwrap_or_else(|_| "127.0.0.1:8080".into());
    let router = Router::new().on_any(|event: Event| async move {
        std::hint::black_box(event.payload()?);
        Ok(())
    });
    let webhook = Webhook::builder().api_key(&key).router(router).build()?;
    let app = axum::Router::new().merge(fusionauth_webhooks_axum::router(
        "/fusionauth-webhook",
        webhook,
    ));
    let listener = tokio::net::TcpListener::bind(&addr).await?;
    println!("typed SDK receiver listening on http://{addr}/fusionauth-webhook");
    axum::serve(listener, app).await?;
    Ok(())
}
