//! The baseline of the load test: the webhook receiver people write by hand
//! with axum, without this SDK. String `==` on the `Authorization` header (the
//! timing leak the SDK avoids), `Json<serde_json::Value>`, then 200.
//!
//! Built and started by `benches/load.sh`; listens on
//! `FUSIONAUTH_WEBHOOK_ADDR` and expects `FUSIONAUTH_WEBHOOK_API_KEY`.

use axum::Json;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let key = std::env::var("FUSIONAUTH_WEBHOOK_API_KEY")?;
    let addr = std::env::var("FUSIONAUTH_WEBHOOK_ADDR").unwrap_or_else(|_| "127.0.0.1:8080".into());
    let app = axum::Router::new().route(
        "/fusionauth-webhook",
        post(
            move |headers: HeaderMap, Json(event): Json<serde_json::Value>| {
                let key = key.clone();
                async move {
                    if headers.get("authorization").and_then(|v| v.to_str().ok())
                        != Some(key.as_str())
                    {
                        return StatusCode::UNAUTHORIZED;
                    }
                    std::hint::black_box(event);
                    StatusCode::OK
                }
            },
        ),
    );
    let listener = tokio::net::TcpListener::bind(&addr).await?;
    println!("baseline receiver listening on http://{addr}/fusionauth-webhook");
    axum::serve(listener, app).await?;
    Ok(())
}
