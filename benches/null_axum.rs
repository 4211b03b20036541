//! The floor of the load test: an axum receiver that reads the body and
//! answers 200, with no credential check and no JSON. Whatever a receiver
//! does beyond this (checking the sender, reading the event, running the
//! handlers) is what its requests per second lose against this one.
//!
//! Built and started by `benches/load.sh`; listens on
//! `FUSIONAUTH_WEBHOOK_ADDR`.

use axum::body::Bytes;
use axum::http::StatusCode;
use axum::routing::post;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let addr = std::env::var("FUSIONAUTH_WEBHOOK_ADDR").unwrap_or_else(|_| "127.0.0.1:8080".into());
    let app = axum::Router::new().route(
        "/fusionauth-webhook",
        post(|body: Bytes| async move {
            std::hint::black_box(body);
            StatusCode::OK
        }),
    );
    let listener = tokio::net::TcpListener::bind(&addr).await?;
    println!("null receiver listening on http://{addr}/fusionauth-webhook");
    axum::serve(listener, app).await?;
    Ok(())
}
