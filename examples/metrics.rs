//! A receiver whose request counts and durations Prometheus can scrape, on a
//! port of its own.
//!
//! ```sh
//! cargo run --example metrics --features metrics
//! curl http://127.0.0.1:9000/metrics   # after a delivery
//! ```
//!
//! The webhook listens on `FUSIONAUTH_WEBHOOK_ADDR` (default
//! `127.0.0.1:8080`) at `/fusionauth-webhook`, the metrics on `METRICS_ADDR`
//! (default `127.0.0.1:9000`): keep the metrics port off the public network.

mod support;

use std::net::SocketAddr;

use fusionauth_webhooks::Router;
use fusionauth_webhooks_hyper::WebhookService;
use metrics_exporter_prometheus::PrometheusBuilder;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    support::init_logging();
    let metrics_addr = std::env::var("METRICS_ADDR").unwrap_or_else(|_| "127.0.0.1:9000".into());
    let metrics_addr: SocketAddr = metrics_addr
        .parse()
        .map_err(|error| format!("METRICS_ADDR `{metrics_addr}` is not an address: {error}"))?;
    // The exporter is the recorder behind the `metrics` facade, and serves
    // `GET /metrics` on its own port.
    PrometheusBuilder::new()
        .with_http_listener(metrics_addr)
        .install()?;
    println!("Prometheus metrics on http://{metrics_addr}/metrics");

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
