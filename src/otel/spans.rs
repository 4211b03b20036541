//! The spans of one event, named and attributed after OpenTelemetry's
//! messaging semantic conventions (`tracing-opentelemetry` reads the
//! `otel.*` fields as the span's name, kind and status).

use opentelemetry::trace::TraceContextExt as _;
use tracing::Span;
use tracing::field::Empty;
use tracing_opentelemetry::OpenTelemetrySpanExt as _;

use super::{MESSAGING_SYSTEM, SPAN_TARGET};
use crate::event::Event;
use crate::router::RunOutcome;

/// The webhook's span of one request, a child of the HTTP server span in
/// scope: a FusionAuth event received. Its destination and message id are
/// recorded once the body is read ([`received`]).
pub(crate) fn receive() -> Span {
    tracing::info_span!(
        target: SPAN_TARGET,
        "receive",
        "otel.name" = "receive",
        // Pushed to the app (not pulled from a broker, the convention's
        // CLIENT `receive`): the app consumes it here.
        "otel.kind" = "consumer",
        "otel.status_code" = Empty,
        "messaging.system" = MESSAGING_SYSTEM,
        "messaging.operation.type" = "receive",
        "messaging.operation.name" = "receive",
        "messaging.destination.name" = Empty,
        "messaging.message.id" = Empty,
        "error.type" = Empty,
    )
}

/// Records on a [`receive`] span what the request came to: the event (once
/// read) and, for an answer that asks FusionAuth to retry (5xx), an error.
pub(crate) fn received(span: &Span, event: Option<&Event>, status: http::StatusCode) {
    if let Some(event) = event {
        let destination = destination(event);
        rename(span, format!("receive {destination}"));
        span.record("messaging.destination.name", destination);
        if let Some(id) = event.id() {
            span.record("messaging.message.id", tracing::field::display(id));
        }
    }
    if status.is_server_error() {
        span.record("otel.status_code", "error");
        span.record("error.type", status.as_str());
    }
}

/// The span of the hand-off of `event` to a queue: its context is the one
/// the queued message carries to the worker.
#[cfg(feature = "delivery")]
pub(crate) fn send(event: &Event) -> Span {
    let destination = destination(event);
    tracing::info_span!(
        target: SPAN_TARGET,
        "send",
        "otel.name" = format!("send {destination}"),
        "otel.kind" = "producer",
        "otel.status_code" = Empty,
        "messaging.system" = MESSAGING_SYSTEM,
        "messaging.operation.type" = "send",
        "messaging.operation.name" = "send",
        "messaging.destination.name" = destination,
        "messaging.message.id" = event.id().map(tracing::field::display),
        "error.type" = Empty,
    )
}

/// The span of running the handlers of `event` in the webhook's request.
pub(crate) fn process(event: &Event) -> Span {
    let span = process_span();
    processing(&span, event);
    span
}

/// A process span whose event is not read yet (the worker's, recorded by
/// [`processing`] once it is).
pub(crate) fn process_span() -> Span {
    tracing::info_span!(
        target: SPAN_TARGET,
        "process",
        "otel.name" = "process",
        "otel.kind" = "consumer",
        "otel.status_code" = Empty,
        "messaging.system" = MESSAGING_SYSTEM,
        "messaging.operation.type" = "process",
        "messaging.operation.name" = "process",
        "messaging.destination.name" = Empty,
        "messaging.message.id" = Empty,
        "messaging.consumer.group.name" = Empty,
        "messaging.fusionauth.delivery_attempt" = Empty,
        "error.type" = Empty,
    )
}

/// Records the event a process span runs the handlers of.
pub(crate) fn processing(span: &Span, event: &Event) {
    let destination = destination(event);
    rename(span, format!("process {destination}"));
    span.record("messaging.destination.name", destination);
    if let Some(id) = event.id() {
        span.record("messaging.message.id", tracing::field::display(id));
    }
}

/// Records what running the handlers came to on the current process span:
/// an error unless [`RunOutcome::is_success`].
pub(crate) fn processed(outcome: &RunOutcome) {
    if !outcome.is_success() {
        let span = Span::current();
        span.record("otel.status_code", "error");
        span.record("error.type", outcome.name());
    }
}

/// Marks `span` as failed with `error_type`.
#[cfg(feature = "delivery")]
pub(crate) fn failed(span: &Span, error_type: &str) {
    span.record("otel.status_code", "error");
    span.record("error.type", error_type);
}

/// The span of one settlement of a queue message by the worker:
/// `operation` is `ack`, `retry` or `dead_letter`.
#[cfg(feature = "delivery")]
pub(crate) fn settle(operation: &'static str) -> Span {
    tracing::info_span!(
        target: SPAN_TARGET,
        "settle",
        "otel.name" = operation,
        "otel.kind" = "client",
        "otel.status_code" = Empty,
        "messaging.system" = MESSAGING_SYSTEM,
        "messaging.operation.type" = "settle",
        "messaging.operation.name" = operation,
        "error.type" = Empty,
    )
}

/// Names a span once its event is known: through the OpenTelemetry span
/// itself, since `tracing-opentelemetry` takes `otel.name` only until the
/// span has started (it has, once entered).
fn rename(span: &Span, name: String) {
    span.context().span().update_name(name);
}

/// The destination of an event: its type, as FusionAuth names it, or
/// `unknown` for a type this crate does not know (the sender chose that
/// name: it must not become a span name per request).
fn destination(event: &Event) -> &'static str {
    event
        .event_type()
        .map_or("unknown", crate::event::EventType::as_str)
}
