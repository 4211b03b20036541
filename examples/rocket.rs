//! A FusionAuth webhook receiver in a Rocket app.
//!
//! ```sh
//! cargo run --example rocket
//! ```
//!
//! Listens on `FUSIONAUTH_WEBHOOK_ADDR` (default 127.0.0.1:8080) at
//! `/fusionauth-webhook` beside the app's own `GET /health`, takes
//! credentials from the environment (see `WebhookBuilder::from_env`) or generates an
//! API key, and logs every event's type and id.

mod support;

use fusionauth_webhooks::Router;
use rocket::config::LogLevel;
use rocket::fairing::AdHoc;
use rocket::{Config, get, routes};

#[get("/health")]
fn health() -> &'static str {
    "ok"
}

#[rocket::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    support::init_logging();
    let (webhook, generated_key) =
        support::webhook_from_env(support::log_every_event(Router::new()))?;
    let addr = support::listen_addr()?;
    // The address from FUSIONAUTH_WEBHOOK_ADDR, as every example; Rocket's
    // own log lines off, as the SDK logs each request. Ctrl-C stops
    // Rocket gracefully (its default).
    let config = Config {
        address: addr.ip(),
        port: addr.port(),
        log_level: LogLevel::Off,
        ..Config::release_default()
    };
    let app = rocket::custom(config)
        .mount("/", routes![health])
        .mount(
            support::WEBHOOK_PATH,
            fusionauth_webhooks_rocket::routes(webhook),
        )
        .attach(AdHoc::on_liftoff("banner", move |rocket| {
            Box::pin(async move {
                let bound = (rocket.config().address, rocket.config().port).into();
                support::print_banner(bound, generated_key.as_deref());
            })
        }));
    app.launch().await?;
    Ok(())
}
