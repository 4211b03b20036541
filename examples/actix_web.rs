//! A FusionAuth webhook receiver in an actix-web app.
//!
//! ```sh
//! cargo run --example actix_web
//! ```
//!
//! Listens on `FUSIONAUTH_WEBHOOK_ADDR` (default 127.0.0.1:8080) at
//! `/fusionauth-webhook` beside the app's own `GET /health`, takes
//! credentials from the environment (see `WebhookBuilder::from_env`) or generates an
//! API key, and logs every event's type and id.

mod support;

use std::time::Duration;

use actix_web::{App, HttpServer, web};
use fusionauth_webhooks::Router;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    support::init_logging();
    let (webhook, generated_key) =
        support::webhook_from_env(support::log_every_event(Router::new()))?;
    let addr = support::listen_addr()?;
    actix_web::rt::System::new().block_on(async move {
        let server = HttpServer::new(move || {
            App::new()
                .route("/health", web::get().to(|| async { "ok" }))
                .service(fusionauth_webhooks_actix_web::resource(
                    support::WEBHOOK_PATH,
                    webhook.clone(),
                ))
        })
        // Slow and numerous clients (see SECURITY.md): the request head must
        // arrive within 5 s, a closing client gets 2 s, at most 1,024
        // connections per worker, and shutdown waits 30 s at most. The body
        // read timeout is the webhook's own (`FUSIONAUTH_WEBHOOK_BODY_TIMEOUT`).
        .client_request_timeout(Duration::from_secs(5))
        .client_disconnect_timeout(Duration::from_secs(2))
        .max_connections(1024)
        .shutdown_timeout(30)
        .bind(addr)?;
        let bound = server.addrs().first().copied().unwrap_or(addr);
        support::print_banner(bound, generated_key.as_deref());
        server.run().await
    })?;
    Ok(())
}
