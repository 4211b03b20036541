//! OpenTelemetry spans for each event (feature `otel`), following
//! OpenTelemetry's [messaging semantic conventions], through `tracing` and
//! [`tracing-opentelemetry`](https://docs.rs/tracing-opentelemetry): install
//! its layer with your tracer provider and every event shows as a span tree
//! under the request's HTTP server span.
//!
//! | span | kind | `messaging.operation.type` | parent |
//! |---|---|---|---|
//! | `receive {type}`: the webhook's request | consumer | `receive` | the span in scope: the HTTP server span of your framework's tracing layer |
//! | `process {type}`: the handlers, in the request | consumer | `process` | `receive` |
//! | `send {type}`: the hand-off to a queue ([`enqueue`](crate::WebhookBuilder::enqueue)) | producer | `send` | `receive` |
//! | `process {type}`: the handlers, in a [`Worker`](crate::Worker), once per attempt | consumer | `process` | `send`, whose context the queued message carries |
//! | `ack`, `retry`, `dead_letter`: the worker settling the message | client | `settle` | the worker's `process` |
//!
//! Every span has `messaging.system` = [`MESSAGING_SYSTEM`]; once the event
//! is read, `messaging.destination.name` is its type (`user.create`; the
//! span name's `{type}`, `unknown` for a type this crate does not know) and
//! `messaging.message.id` its id. A worker's process span adds
//! `messaging.consumer.group.name` (the queue's
//! [consumer group](crate::delivery::Queue::consumer_group), where it has
//! one) and `messaging.fusionauth.delivery_attempt` (1, 2, …). A failed
//! process (a handler error, panic or timeout), a failed hand-off and a
//! receive answered 5xx have the status `error` and an `error.type`.
//!
//! So one trace shows request → queue → worker → retries: the webhook
//! writes the `send` span's context into the queued message as a first
//! member of its JSON body, [`TRACE_CONTEXT_MEMBER`] (W3C Trace Context:
//! `traceparent`, `tracestate`). Every [`Queue`]
//! stores it with the body, retries and dead letters keep it, and the worker
//! takes it out again before its handlers read the event: they see the body
//! byte for byte as FusionAuth sent it. Build the webhook and the worker
//! with the same features (a worker without `otel` hands the member to its
//! handlers in [`Event::raw`](crate::Event::raw)).
//!
//! Without the feature, none of this is compiled: no span, no member.
//!
//! [messaging semantic conventions]: https://opentelemetry.io/docs/specs/semconv/messaging/messaging-spans/
//!
//! # Example
//!
//! With an in-memory exporter (an OTLP exporter is set up the same way; see
//! `examples/otel.rs`):
//!
//! ```
//! use bytes::Bytes;
//! use fusionauth_webhooks::{EventType, Router, Webhook};
//! use opentelemetry::trace::TracerProvider as _;
//! use opentelemetry_sdk::trace::{InMemorySpanExporter, SdkTracerProvider};
//! use tracing::Instrument as _;
//! use tracing_subscriber::layer::SubscriberExt as _;
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let exporter = InMemorySpanExporter::default();
//! let provider = SdkTracerProvider::builder().with_simple_exporter(exporter.clone()).build();
//! let tracing = tracing_subscriber::registry()
//!     .with(tracing_opentelemetry::layer().with_tracer(provider.tracer("my-app")));
//! let _tracing = tracing::subscriber::set_default(tracing);
//!
//! let webhook = Webhook::builder()
//!     .api_key("k")
//!     .router(Router::new().on_event(EventType::UserDelete, |_event| async { Ok(()) }))
//!     .build()?;
//! let request = http::Request::post("/fusionauth")
//!     .header("authorization", "k")
//!     .header("content-type", "application/json")
//!     .body(Bytes::from_static(br#"{"event":{"type":"user.delete"}}"#))?;
//! // What your framework's HTTP tracing layer does around the handler.
//! let server = tracing::info_span!("POST /fusionauth", otel.kind = "server");
//! webhook.handle(request).instrument(server).await;
//!
//! let spans = exporter.get_finished_spans()?;
//! let names: Vec<&str> = spans.iter().map(|span| span.name.as_ref()).collect();
//! assert_eq!(names, ["process user.delete", "receive user.delete", "POST /fusionauth"]);
//! assert_eq!(spans[0].parent_span_id, spans[1].span_context.span_id());
//! assert_eq!(spans[1].parent_span_id, spans[2].span_context.span_id());
//! # Ok(())
//! # }
//! ```

#[cfg(feature = "delivery")]
mod carrier;
pub(crate) mod spans;

#[cfg(feature = "delivery")]
use bytes::Bytes;
#[cfg(feature = "delivery")]
use tracing::{Instrument as _, Span};
#[cfg(feature = "delivery")]
use tracing_opentelemetry::OpenTelemetrySpanExt as _;

#[cfg(feature = "delivery")]
use crate::delivery::{Message, MessageId, Queue, QueueError};
#[cfg(feature = "delivery")]
use crate::event::Event;

/// The `tracing` target of the spans (to filter them in or out).
pub const SPAN_TARGET: &str = "fusionauth_webhooks::otel";

/// The spans' `messaging.system`: the messages are FusionAuth's events,
/// whichever queue carries them between the webhook and a worker.
pub const MESSAGING_SYSTEM: &str = "fusionauth";

/// The member of a queued body that carries the trace context to the worker
/// (`{"fusionauthWebhooksTraceContext":{"traceparent":"00-…"},"event":{…}}`).
pub const TRACE_CONTEXT_MEMBER: &str = "fusionauthWebhooksTraceContext";

/// Pushes `event` to `queue` in a `send` span, with the span's context in
/// the queued body.
#[cfg(feature = "delivery")]
pub(crate) async fn send(queue: &dyn Queue, event: &Event) -> Result<MessageId, QueueError> {
    let span = spans::send(event);
    let payload = carrier::inject(event.raw(), &span.context());
    let pushed = queue.push(payload).instrument(span.clone()).await;
    if let Err(error) = &pushed {
        spans::failed(&span, error_type(error));
    }
    pushed
}

/// The worker's process span of one delivery of `message`, continuing the
/// trace its body carries, and the body without the carrier.
#[cfg(feature = "delivery")]
pub(crate) fn consume(message: &Message, consumer_group: Option<&str>) -> (Span, Bytes) {
    let span = spans::process_span();
    let body = match carrier::extract(&message.payload) {
        Some((context, body)) => {
            // Fails only when no OpenTelemetry layer records the span:
            // there is then no trace to continue.
            let _ = span.set_parent(context);
            body
        }
        None => message.payload.clone(),
    };
    span.record("messaging.fusionauth.delivery_attempt", message.attempt);
    if let Some(group) = consumer_group {
        span.record("messaging.consumer.group.name", group);
    }
    (span, body)
}

/// Runs a settlement (`ack`, `retry`, `dead_letter`) in its span.
#[cfg(feature = "delivery")]
pub(crate) async fn settle<T>(
    operation: &'static str,
    settlement: impl Future<Output = Result<T, QueueError>>,
) -> Result<T, QueueError> {
    let span = spans::settle(operation);
    let settled = settlement.instrument(span.clone()).await;
    if let Err(error) = &settled {
        spans::failed(&span, error_type(error));
    }
    settled
}

/// A span's `error.type` for a queue error.
#[cfg(feature = "delivery")]
fn error_type(error: &QueueError) -> &'static str {
    match error {
        QueueError::Full(_) => "queue_full",
        QueueError::UnknownMessage(_) => "unknown_message",
        QueueError::Lost(_) => "lost",
        _ => "queue_unavailable",
    }
}
