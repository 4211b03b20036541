//! A FusionAuth webhook receiver on the core crate alone, served by hyper.
//!
//! ```sh
//! cargo run --example receiver
//! ```
//!
//! Listens on `FUSIONAUTH_WEBHOOK_ADDR` (default 127.0.0.1:8080) at
//! `/fusionauth-webhook`, takes credentials from the environment (see
//! `Webhook::from_env`) or generates an API key, and logs every event.

mod support;

use std::convert::Infallible;

use fusionauth_webhooks::Router;
use http::{Request, Response, StatusCode};
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tower::ServiceExt as _;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    support::init_logging();
    let (webhook, generated_key) =
        support::webhook_from_env(support::log_every_event(Router::new()))?;
    let addr = support::listen_addr()?;
    let listener = TcpListener::bind(addr).await?;
    support::print_banner(listener.local_addr()?, generated_key.as_deref());

    loop {
        let (stream, _) = tokio::select! {
            accepted = listener.accept() => accepted?,
            _ = tokio::signal::ctrl_c() => return Ok(()),
        };
        let webhook = webhook.clone();
        // Only the webhook's path is served; everything else is 404.
        let service = hyper::service::service_fn(move |request: Request<Incoming>| {
            let webhook = webhook.clone();
            async move {
                if request.uri().path() != support::WEBHOOK_PATH {
                    let mut not_found = Response::new(Full::default());
                    *not_found.status_mut() = StatusCode::NOT_FOUND;
                    return Ok::<_, Infallible>(not_found);
                }
                webhook.oneshot(request).await
            }
        });
        tokio::spawn(async move {
            let connection = http1::Builder::new().serve_connection(TokioIo::new(stream), service);
            if let Err(error) = connection.await {
                tracing::debug!(%error, "connection ended with an error");
            }
        });
    }
}
