//! The one log line of every request, under the target `fusionauth_webhooks`.

use std::time::Instant;

use super::{LOG_TARGET, Outcome};
use crate::Event;

/// How much of the event's `type` a log line keeps: the sender chose it, and
/// a megabyte of `type` must not become a megabyte of log.
const MAX_TYPE_CHARS: usize = 64;

/// Logs the request's outcome: `info` when acknowledged, `warn` when refused.
pub(super) fn request(outcome: &Outcome, event: Option<&Event>, started: Instant) {
    let status = outcome.status().as_u16();
    let elapsed_us = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX);
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
    if outcome.is_failure() {
        log!(warn, "webhook request refused");
    } else {
        log!(info, "webhook request acknowledged");
    }
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
