//! What every request leaves behind: one log line under the target
//! `fusionauth_webhooks`, and (feature `metrics`) a count and a duration.

use std::time::Instant;

use http::StatusCode;

use super::{LOG_TARGET, Outcome};
use crate::event::Event;

/// How much of the event's `type` a log line keeps: the sender chose it, and
/// a megabyte of `type` must not become a megabyte of log.
const MAX_TYPE_CHARS: usize = 64;

/// The counter of requests, labelled `event_type`, `outcome` and `status`.
pub const REQUESTS_METRIC: &str = "fusionauth_webhooks_requests_total";
/// The histogram of handling time in seconds, labelled `event_type` and `outcome`.
pub const DURATION_METRIC: &str = "fusionauth_webhooks_request_duration_seconds";

/// Reports the request's outcome: logged at `info` when acknowledged and
/// `warn` when refused, and counted.
pub(super) fn request(
    outcome: &Outcome,
    status: StatusCode,
    event: Option<&Event>,
    started: Instant,
) {
    let elapsed = started.elapsed();
    #[cfg(feature = "metrics")]
    record(outcome, status, event, elapsed);
    let failed = !status.is_success();
    let http_status = status;
    let status = status.as_u16();
    let elapsed_us = u64::try_from(elapsed.as_micros()).unwrap_or(u64::MAX);
    let event_type = event.map_or("-", |event| shortened(event.type_name()));
    let event_id = event.and_then(Event::id).map(tracing::field::display);
    // Field values are only evaluated when a subscriber wants the line, so
    // `detail` (which may format an error chain) costs nothing otherwise.
    macro_rules! log {
        ($level:ident, $message:literal) => {
            tracing::$level!(
                target: LOG_TARGET,
                event_type,
                event_id,
                outcome = outcome.name(),
                status,
                elapsed_us,
                detail = outcome.detail(),
                $message
            )
        };
    }
    if failed {
        log!(warn, "webhook request refused");
        super::unobserved::refused(outcome, http_status);
    } else {
        log!(info, "webhook request acknowledged");
    }
}

/// Counts the request and records its duration. The `event_type` label is
/// a type this crate knows, `unknown` for any other name (the sender chose
/// it: it must not add a time series per name), or `none` when the request
/// was refused before its event was read.
#[cfg(feature = "metrics")]
fn record(
    outcome: &Outcome,
    status: StatusCode,
    event: Option<&Event>,
    elapsed: std::time::Duration,
) {
    let event_type = match event {
        None => "none",
        Some(event) => event
            .event_type()
            .map_or("unknown", crate::event::EventType::as_str),
    };
    let outcome_name = outcome.name();
    metrics::counter!(
        REQUESTS_METRIC,
        "event_type" => event_type,
        "outcome" => outcome_name,
        "status" => status.as_str().to_owned(),
    )
    .increment(1);
    metrics::histogram!(DURATION_METRIC, "event_type" => event_type, "outcome" => outcome_name)
        .record(elapsed.as_secs_f64());
}

/// At most [`MAX_TYPE_CHARS`] characters of `text`, cut on a character boundary.
fn shortened(text: &str) -> &str {
    match text.char_indices().nth(MAX_TYPE_CHARS) {
        Some((end, _)) => &text[..end],
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_types_are_cut_on_a_character_boundary() {
        assert_eq!(shortened("user.delete"), "user.delete");
        let long = "é".repeat(1_000_000);
        assert_eq!(shortened(&long).chars().count(), MAX_TYPE_CHARS);
    }
}
