//! The first refusal of a process without any `tracing` subscriber: one
//! line on stderr, so that its reason is not lost.
//!
//! Every refusal's reason (which check failed, the handler's error) is a
//! `tracing` event. With no subscriber installed, a receiver that refuses
//! every delivery (a JSON extractor that re-serialized the body, a key
//! copied with a newline) would answer 401 or 500 and say nothing. One line
//! for the first one says what happened and how to see the rest. A process
//! that installed any subscriber, even one that filters these events out,
//! gets nothing here.

use std::sync::atomic::{AtomicBool, Ordering};

use http::StatusCode;

use super::{LOG_TARGET, Outcome};

/// Whether the line was written (or a subscriber was found on a refusal).
static SETTLED: AtomicBool = AtomicBool::new(false);

/// On a refusal: when no subscriber is installed at all, writes the line
/// once per process. Costs an atomic load after the first refusal.
pub(super) fn refused(outcome: &Outcome, status: StatusCode) {
    if SETTLED.load(Ordering::Relaxed) {
        return;
    }
    let unobserved = tracing::dispatcher::get_default(|dispatch| {
        dispatch.is::<tracing::subscriber::NoSubscriber>()
    });
    if !unobserved {
        return;
    }
    if SETTLED.swap(true, Ordering::Relaxed) {
        return;
    }
    eprintln!("{}", line(outcome, status));
}

/// The line: the status, why, and how to see every reason.
fn line(outcome: &Outcome, status: StatusCode) -> String {
    let why = match outcome.detail() {
        Some(detail) => format!("{} ({detail})", outcome.name()),
        None => outcome.name().to_owned(),
    };
    format!(
        "{LOG_TARGET}: answered {} to a webhook request: {why}. No `tracing` subscriber is \
         installed, so the reasons of this and every later refusal are not logged: install one \
         (e.g. `tracing_subscriber::fmt::init();` at the start of main). This line is written once.",
        status.as_u16()
    )
}
