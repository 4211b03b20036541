//! Delivering events again: to a receiver over HTTP, signed and
//! authenticated like FusionAuth, or straight into a [`Router`].

use std::collections::BTreeMap;
use std::fmt;

use bytes::Bytes;
use fusionauth_webhooks::{Event, Router, RunOutcome};
use serde::Serialize;
use uuid::Uuid;

use crate::models::WebhookEventLog;
use crate::workflows::DeliveryTarget;

/// What happened to one replayed event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Delivered {
    /// The event log's `sequence`.
    pub sequence: Option<i64>,
    /// The event's `id`.
    pub event_id: Option<Uuid>,
    /// The event's type.
    pub event_type: Option<String>,
    /// The receiver's status, when it answered.
    pub status: Option<u16>,
    /// Why there was no answer, or why the event could not be sent.
    pub error: Option<String>,
}

impl Delivered {
    /// Whether the receiver acknowledged it (2xx).
    pub fn acknowledged(&self) -> bool {
        self.status
            .is_some_and(|status| (200..300).contains(&status))
    }
}

/// The outcome of a replay.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ReplaySummary {
    /// Events sent.
    pub sent: usize,
    /// Answered 2xx.
    pub acknowledged: usize,
    /// Answered another status: how many per status.
    pub refused: BTreeMap<u16, usize>,
    /// Sent but not answered (timeout, connection).
    pub unanswered: usize,
    /// Logs without an event body (not sent).
    pub skipped: usize,
    /// Every event, in the order sent.
    pub deliveries: Vec<Delivered>,
}

impl ReplaySummary {
    /// Adds the outcome of a later replay (the next page of logs).
    pub fn add(&mut self, later: ReplaySummary) {
        self.sent += later.sent;
        self.acknowledged += later.acknowledged;
        for (status, count) in later.refused {
            *self.refused.entry(status).or_default() += count;
        }
        self.unanswered += later.unanswered;
        self.skipped += later.skipped;
        self.deliveries.extend(later.deliveries);
    }

    /// Whether every sent event was acknowledged and none was skipped.
    pub fn all_acknowledged(&self) -> bool {
        self.acknowledged == self.sent && self.skipped == 0
    }
}

impl fmt::Display for ReplaySummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "sent {}, acknowledged {}", self.sent, self.acknowledged)?;
        for (status, count) in &self.refused {
            write!(f, ", refused with {status}: {count}")?;
        }
        if self.unanswered > 0 {
            write!(f, ", unanswered {}", self.unanswered)?;
        }
        if self.skipped > 0 {
            write!(f, ", skipped (no event in the log) {}", self.skipped)?;
        }
        Ok(())
    }
}

/// The logs in the order FusionAuth logged them: by `sequence`, then `insertInstant`.
///
/// ```
/// use fusionauth_webhooks_client::models::WebhookEventLog;
/// use fusionauth_webhooks_client::workflows::in_order;
///
/// let logs: Vec<WebhookEventLog> =
///     serde_json::from_str(r#"[{"sequence":7},{"sequence":3},{"sequence":5}]"#)?;
/// let sequences: Vec<_> = in_order(&logs).iter().map(|log| log.sequence).collect();
/// assert_eq!(sequences, [Some(3), Some(5), Some(7)]);
/// # Ok::<(), serde_json::Error>(())
/// ```
pub fn in_order(logs: &[WebhookEventLog]) -> Vec<&WebhookEventLog> {
    let mut ordered: Vec<&WebhookEventLog> = logs.iter().collect();
    ordered.sort_by_key(|log| (log.sequence, log.insert_instant));
    ordered
}

/// Re-delivers logged events to `target`, one at a time in logged order,
/// each with the body FusionAuth sent, `{"event": {...}}`, byte for byte as
/// its event log holds it (and signed over those bytes, with a signer).
/// `progress` is called after each event. Receivers that deduplicate on
/// `event.id` make running it twice harmless.
///
/// ```
/// use fusionauth_webhooks::{Event, EventType, Router, Webhook};
/// use fusionauth_webhooks_client::models::WebhookEventLog;
/// use fusionauth_webhooks_client::receiver::Credentials;
/// use fusionauth_webhooks_client::workflows::{DeliveryTarget, replay};
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// // A receiver on a real socket, requiring an API key.
/// let webhook = Webhook::builder()
///     .api_key("a-long-random-key")
///     .router(Router::new().on_event(EventType::UserDelete, |_: Event| async { Ok(()) }))
///     .build()?;
/// let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
/// let url = format!("http://{}/", listener.local_addr()?);
/// tokio::spawn(fusionauth_webhooks_hyper::serve(listener, webhook));
///
/// // Two events from FusionAuth's webhook event log, logged out of order;
/// // each log's `event` is the whole body FusionAuth sent.
/// let logs: Vec<WebhookEventLog> = serde_json::from_str(r#"[
///     {"sequence":2,"event":{"event":{"type":"user.delete","id":"7d3e0b26-5d4c-4b5f-9b4e-2a1c3d5e7f90"}}},
///     {"sequence":1,"event":{"event":{"type":"user.delete","id":"0f9a3c11-2b4d-4e6f-8a1b-3c5d7e9f0a2b"}}}
/// ]"#)?;
/// let mut credentials = Credentials::default();
/// credentials.api_key = Some("a-long-random-key".into());
/// let target = DeliveryTarget::new(&url)?.credentials(credentials)?;
/// let mut order = Vec::new();
/// let summary = replay(&logs, &target, |delivered| order.push(delivered.sequence)).await;
/// assert_eq!((summary.sent, summary.acknowledged), (2, 2));
/// assert_eq!(order, [Some(1), Some(2)]);
/// # Ok(())
/// # }
/// ```
pub async fn replay(
    logs: &[WebhookEventLog],
    target: &DeliveryTarget,
    mut progress: impl FnMut(&Delivered),
) -> ReplaySummary {
    let mut summary = ReplaySummary::default();
    for log in in_order(logs) {
        let mut delivered = Delivered {
            sequence: log.sequence,
            event_id: log.event_id(),
            event_type: log
                .event_type
                .clone()
                .or_else(|| log.event.as_ref()?.event_type())
                .map(|key| key.as_str().to_owned()),
            status: None,
            error: None,
        };
        match log.body() {
            None => {
                summary.skipped += 1;
                delivered.error = Some("the log holds no event".to_owned());
            }
            Some(body) => {
                summary.sent += 1;
                match target.send(Bytes::copy_from_slice(body)).await {
                    Ok(answer) => {
                        delivered.status = Some(answer.status);
                        if delivered.acknowledged() {
                            summary.acknowledged += 1;
                        } else {
                            *summary.refused.entry(answer.status).or_default() += 1;
                        }
                    }
                    Err(error) => {
                        summary.unanswered += 1;
                        delivered.error = Some(error.to_string());
                    }
                }
            }
        }
        progress(&delivered);
        summary.deliveries.push(delivered);
    }
    summary
}

/// The outcome of [`replay_into_router`], one entry per log in order.
#[derive(Debug, Default)]
#[non_exhaustive]
pub struct RouterReplay {
    /// Each log's event id and outcome (`Err` when the logged event is not a valid event).
    pub outcomes: Vec<(
        Option<Uuid>,
        Result<RunOutcome, fusionauth_webhooks::ParseError>,
    )>,
}

impl RouterReplay {
    /// How many needed no further delivery ([`RunOutcome::is_success`]).
    pub fn succeeded(&self) -> usize {
        self.outcomes
            .iter()
            .filter(|(_, outcome)| outcome.as_ref().is_ok_and(RunOutcome::is_success))
            .count()
    }
}

/// Runs logged events through `router` in logged order, without HTTP (with
/// [`Router::run`]): for a worker that recovers missed events itself.
///
/// ```
/// use std::sync::Arc;
/// use std::sync::atomic::{AtomicUsize, Ordering};
/// use fusionauth_webhooks::{EventType, Router};
/// use fusionauth_webhooks_client::models::WebhookEventLog;
/// use fusionauth_webhooks_client::workflows::replay_into_router;
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), serde_json::Error> {
/// let runs = Arc::new(AtomicUsize::new(0));
/// let counter = runs.clone();
/// let router = Router::new().on_event(EventType::UserDelete, move |_event| {
///     let counter = counter.clone();
///     async move { counter.fetch_add(1, Ordering::SeqCst); Ok(()) }
/// });
/// let log: WebhookEventLog = serde_json::from_str(
///     r#"{"sequence":1,"event":{"event":{"type":"user.delete","id":"7d3e0b26-5d4c-4b5f-9b4e-2a1c3d5e7f90"}}}"#)?;
/// let replayed = replay_into_router(&router, &[log]).await;
/// assert_eq!(replayed.succeeded(), 1);
/// assert_eq!(runs.load(Ordering::SeqCst), 1);
/// # Ok(())
/// # }
/// ```
pub async fn replay_into_router(router: &Router, logs: &[WebhookEventLog]) -> RouterReplay {
    let mut replay = RouterReplay::default();
    for log in in_order(logs) {
        let Some(body) = log.body() else {
            continue;
        };
        let outcome = match Event::parse(Bytes::copy_from_slice(body)) {
            Ok(event) => Ok(router.run(&event).await),
            Err(error) => Err(error),
        };
        replay.outcomes.push((log.event_id(), outcome));
    }
    replay
}
