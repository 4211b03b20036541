//! A receiver whose events show as traces in any OpenTelemetry backend
//! (Jaeger, Tempo, Honeycomb, an OpenTelemetry Collector), exported over
//! OTLP/HTTP: the HTTP request, the hand-off to a queue, and each attempt
//! of the worker, in one trace.
//!
//! ```sh
//! # Jaeger takes OTLP on 4318 and shows the traces on http://localhost:16686
//! docker run --rm -p 16686:16686 -p 4318:4318 jaegertracing/jaeger:latest
//! cargo run --example otel --features otel,delivery
//! ```
//!
//! The exporter sends to `OTEL_EXPORTER_OTLP_ENDPOINT` (default
//! `http://localhost:4318`). The receiver listens on `FUSIONAUTH_WEBHOOK_ADDR`
//! (default `127.0.0.1:8080`) at `/fusionauth-webhook`; `user.delete` runs
//! in the request, the `*.complete` events go to an in-memory queue that a
//! worker in the same process consumes (see the `workers` example for Redis
//! and SQL: the trace context travels the same way there).

mod support;

use std::sync::Arc;

use axum::body::Body;
use axum::routing::post;
use fusionauth_webhooks::delivery::MemoryQueue;
use fusionauth_webhooks::{EventType, Router, Worker};
use opentelemetry::trace::TracerProvider as _;
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::trace::SdkTracerProvider;
use tracing::Instrument as _;
use tracing_subscriber::Layer as _;
use tracing_subscriber::filter::LevelFilter;
use tracing_subscriber::layer::SubscriberExt as _;
use tracing_subscriber::util::SubscriberInitExt as _;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let exporter = opentelemetry_otlp::SpanExporter::builder()
        .with_http()
        .build()?;
    let provider = SdkTracerProvider::builder()
        .with_batch_exporter(exporter)
        .with_resource(
            Resource::builder()
                .with_service_name("fusionauth-webhooks-example")
                .build(),
        )
        .build();
    // One subscriber for the whole process: spans and log lines, from INFO
    // (the HTTP client's own TRACE lines, exporting, stay out).
    tracing_subscriber::registry()
        .with(
            tracing_opentelemetry::layer()
                .with_tracer(provider.tracer("fusionauth-webhooks"))
                .with_filter(LevelFilter::INFO),
        )
        .with(
            tracing_subscriber::fmt::layer()
                .with_target(false)
                .with_filter(LevelFilter::INFO),
        )
        .init();

    let queue = Arc::new(MemoryQueue::new());
    let router = support::log_every_event(Router::new());
    let (builder, generated_key) = support::builder_from_env(router.clone())?;
    let webhook = builder
        .enqueue(
            [EventType::UserCreateComplete, EventType::UserUpdateComplete],
            Arc::clone(&queue),
        )
        .build()?;
    let worker = Worker::new(router, Arc::clone(&queue));

    // Each request in an HTTP server span, the parent of the webhook's
    // spans (what tower-http's `TraceLayer` does for a whole app).
    let app = axum::Router::new().route(
        support::WEBHOOK_PATH,
        post(move |request: http::Request<Body>| {
            let webhook = webhook.clone();
            let server = tracing::info_span!(
                "POST /fusionauth-webhook",
                "otel.kind" = "server",
                "http.request.method" = "POST",
                "http.route" = support::WEBHOOK_PATH,
            );
            async move {
                webhook
                    .handle_body(request)
                    .instrument(server)
                    .await
                    .map(Body::from)
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind(support::listen_addr()?).await?;
    support::print_banner(listener.local_addr()?, generated_key.as_deref());

    let (stop, stopped) = tokio::sync::watch::channel(());
    let worker_task = tokio::spawn(async move {
        let mut stopped = stopped;
        worker
            .run(async move { drop(stopped.changed().await) })
            .await;
    });
    axum::serve(listener, app)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
    drop(stop);
    worker_task.await?;
    // Sends the spans still batched before the process ends.
    provider.shutdown()?;
    Ok(())
}
