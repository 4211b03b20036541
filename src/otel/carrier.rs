//! The trace context a queued event carries from the webhook to the worker:
//! a member written at the front of the queued JSON body, so that every
//! [`Queue`](crate::delivery::Queue) stores it with the body, and retries
//! and dead letters keep it, without a backend knowing about it.
//!
//! The worker takes the member out again before the handlers read the
//! event: they see the body byte for byte as FusionAuth sent it.

use std::collections::HashMap;

use bytes::Bytes;
use opentelemetry::Context;
use opentelemetry::propagation::TextMapPropagator as _;
use opentelemetry_sdk::propagation::TraceContextPropagator;

use super::TRACE_CONTEXT_MEMBER;

/// The W3C Trace Context fields (`traceparent`, `tracestate`) of one message.
type Fields = HashMap<String, String>;

/// `body` with `context` written as the first member of its top-level
/// object, in W3C Trace Context form; `body` unchanged when there is no
/// trace to carry (no OpenTelemetry layer records the span) or it is not
/// a JSON object.
///
/// The format is fixed (not the global propagator's): both ends are this
/// crate, and a worker must read what any webhook replica wrote.
pub(crate) fn inject(body: &Bytes, context: &Context) -> Bytes {
    let mut fields = Fields::new();
    TraceContextPropagator::new().inject_context(context, &mut fields);
    let Some(brace) = opening_brace(body).filter(|_| !fields.is_empty()) else {
        return body.clone();
    };
    // Sorted, so that the same context always gives the same bytes.
    let sorted: std::collections::BTreeMap<_, _> = fields.into_iter().collect();
    let Ok(carrier) = serde_json::to_vec(&sorted) else {
        return body.clone();
    };
    let prefix = member_prefix();
    let mut carried = Vec::with_capacity(body.len() + prefix.len() + carrier.len() + 1);
    carried.extend_from_slice(&body[..=brace]);
    carried.extend_from_slice(prefix.as_bytes());
    carried.extend_from_slice(&carrier);
    carried.push(b',');
    carried.extend_from_slice(&body[brace + 1..]);
    carried.into()
}

/// The trace context `payload` carries and the body without it, exactly as
/// it was before [`inject`]; `None` when it carries none.
pub(crate) fn extract(payload: &Bytes) -> Option<(Context, Bytes)> {
    let brace = opening_brace(payload)?;
    let prefix = member_prefix();
    let after_prefix = brace + 1 + prefix.len();
    if !payload[brace + 1..].starts_with(prefix.as_bytes()) {
        return None;
    }
    let rest = &payload[after_prefix..];
    let mut values = serde_json::Deserializer::from_slice(rest).into_iter::<Fields>();
    let fields = values.next()?.ok()?;
    let end = values.byte_offset();
    if rest.get(end) != Some(&b',') {
        return None;
    }
    let context = TraceContextPropagator::new().extract(&fields);
    let resumed = after_prefix + end + 1;
    let mut body = Vec::with_capacity(payload.len() - (resumed - brace - 1));
    body.extend_from_slice(&payload[..=brace]);
    body.extend_from_slice(&payload[resumed..]);
    Some((context, body.into()))
}

/// `"<member>":`, as [`inject`] writes it.
fn member_prefix() -> &'static str {
    const_format::concatcp!("\"", TRACE_CONTEXT_MEMBER, "\":")
}

/// Where the top-level object opens: the first byte that is not JSON
/// whitespace, if it is `{`.
fn opening_brace(body: &[u8]) -> Option<usize> {
    let first = body
        .iter()
        .position(|byte| !matches!(byte, b' ' | b'\t' | b'\n' | b'\r'))?;
    (body[first] == b'{').then_some(first)
}

#[cfg(test)]
mod tests {
    use opentelemetry::trace::{
        SpanContext, SpanId, TraceContextExt as _, TraceFlags, TraceId, TraceState,
    };

    use super::*;

    fn context() -> Context {
        let span = SpanContext::new(
            TraceId::from_hex("4bf92f3577b34da6a3ce929d0e0e4736").unwrap(),
            SpanId::from_hex("00f067aa0ba902b7").unwrap(),
            TraceFlags::SAMPLED,
            true,
            TraceState::from_key_value([("vendor", "value")]).unwrap(),
        );
        Context::new().with_remote_span_context(span)
    }

    #[test]
    fn the_body_comes_back_byte_for_byte_with_its_context() {
        let body = Bytes::from_static(b" \n{ \"event\" : {\"type\":\"user.update\"} }\n");
        let carried = inject(&body, &context());
        let text = std::str::from_utf8(&carried).unwrap();
        assert!(
            text.starts_with(
                " \n{\"fusionauthWebhooksTraceContext\":{\"traceparent\":\
                 \"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01\",\
                 \"tracestate\":\"vendor=value\"},"
            ),
            "{text}"
        );
        let parsed: serde_json::Value = serde_json::from_slice(&carried).unwrap();
        assert_eq!(parsed["event"]["type"], "user.update");
        // What a backend that reads the queued body itself (the SQL queue's
        // dead letters, by event id) sees: the same event.
        let event = crate::Event::parse(carried.clone()).unwrap();
        assert_eq!(event.type_name(), "user.update");

        let (extracted, original) = extract(&carried).unwrap();
        assert_eq!(original, body);
        let span = extracted.span().span_context().clone();
        assert_eq!(span.trace_id(), context().span().span_context().trace_id());
        assert_eq!(span.span_id(), context().span().span_context().span_id());
        assert_eq!(span.trace_state().get("vendor"), Some("value"));
    }

    #[test]
    fn nothing_is_written_without_a_trace() {
        let body = Bytes::from_static(br#"{"event":{}}"#);
        assert_eq!(inject(&body, &Context::new()), body);
        assert!(extract(&body).is_none());
    }

    #[test]
    fn a_body_that_is_not_an_object_or_a_broken_member_carries_nothing() {
        let array = Bytes::from_static(b"[1]");
        assert_eq!(inject(&array, &context()), array);
        for broken in [
            &br#"{"fusionauthWebhooksTraceContext":{"traceparent":1},"event":{}}"#[..],
            br#"{"fusionauthWebhooksTraceContext":{"traceparent":"x"}}"#,
            br#"{"fusionauthWebhooksTraceContext":{"traceparent":"x""#,
            br#"{ "fusionauthWebhooksTraceContext":{},"event":{}}"#,
        ] {
            assert!(extract(&Bytes::from_static(broken)).is_none(), "{broken:?}");
        }
    }
}
