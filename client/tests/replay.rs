//! `replay` to a running receiver over a socket, and into a `Router`.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use fusionauth_standin::{API_KEY, StandIn, maximal_event_log};
use fusionauth_webhooks::samples;
use fusionauth_webhooks::signature::Signer;
use fusionauth_webhooks::{
    Event, EventType, HandlerError, Router, RunOutcome, SignatureVerifier, Webhook,
};
use fusionauth_webhooks_client::FusionAuthClient;
use fusionauth_webhooks_client::models::{EventLogSearch, WebhookEventLog};
use fusionauth_webhooks_client::receiver::Credentials;
use fusionauth_webhooks_client::workflows::{DeliveryTarget, replay, replay_into_router};
use serde_json::{Value, json};
use support::serve;
use uuid::Uuid;

mod support;

const TYPES: [EventType; 3] = [
    EventType::UserCreate,
    EventType::UserDelete,
    EventType::UserUpdate,
];

/// The body FusionAuth sent for event `n`, as text: its id first, then a
/// member with a number beyond `f64`, a repeated key, a trailing zero and a
/// space (all of which a trip through `serde_json::Value` would change),
/// then the sample event.
fn sent_body(n: usize) -> String {
    let event_type = TYPES[n % TYPES.len()];
    let mut body: Value = serde_json::from_slice(&samples::body(event_type)).unwrap();
    body["event"].as_object_mut().unwrap().remove("id");
    let rest = body["event"].to_string();
    format!(
        r#"{{"event":{{"id":"{}","x-custom":{{"big":123456789012345678901234567890, "plan":"free","plan":"team","ratio":1.10}},{}}}"#,
        Uuid::from_u128(0xe000 + n as u128),
        &rest[1..]
    )
}

/// Logged events in FusionAuth's shape (every field of the domain class),
/// one per sequence number, each with its own event id.
fn logged_events(count: usize) -> Vec<String> {
    (0..count)
        .map(|n| {
            maximal_event_log(
                &sent_body(n),
                json!({
                    "id": Uuid::from_u128(0x1000 + n as u128),
                    "sequence": n + 1,
                    "eventResult": if n % 2 == 0 { "Failed" } else { "Succeeded" },
                    "insertInstant": 1_750_000_000_000_i64 + n as i64,
                }),
            )
        })
        .collect()
}

fn parsed_logs(count: usize) -> Vec<WebhookEventLog> {
    serde_json::from_str(&format!("[{}]", logged_events(count).join(","))).unwrap()
}

/// What the receiver's handlers did: how often each event id ran, how often it had an effect.
#[derive(Default)]
struct Effects {
    runs: HashMap<Uuid, usize>,
    applied: Vec<Uuid>,
    /// The exact body of every delivery, in order.
    bodies: Vec<String>,
}

/// A deduplicating handler: the first delivery of an event id has an effect, later ones none.
fn router(effects: Arc<Mutex<Effects>>) -> Router {
    Router::new().on_events(TYPES, move |event: Event| {
        let effects = effects.clone();
        async move {
            let id = event
                .id()
                .ok_or_else(|| HandlerError::reject("[missing]id"))?;
            let mut effects = effects.lock().unwrap();
            effects
                .bodies
                .push(String::from_utf8(event.raw().to_vec()).unwrap());
            *effects.runs.entry(id).or_default() += 1;
            if !effects.applied.contains(&id) {
                effects.applied.push(id);
            }
            Ok(())
        }
    })
}

/// A receiver requiring an API key and an HMAC signature, on a socket.
async fn signed_receiver(
    effects: Arc<Mutex<Effects>>,
) -> (SocketAddr, tokio::task::JoinHandle<()>) {
    let verifier = SignatureVerifier::builder()
        .hmac(Some("replay-kid"), "replay-secret")
        .build()
        .unwrap();
    let webhook = Webhook::builder()
        .router(router(effects))
        .api_key("receiver-key")
        .signature(verifier)
        .build()
        .unwrap();
    serve(webhook).await
}

#[tokio::test]
async fn replaying_twice_to_a_deduplicating_receiver_applies_every_event_once_in_order() {
    let standin = StandIn::start().await;
    for log in logged_events(7) {
        standin.log_event(log);
    }
    let client = FusionAuthClient::new(standin.url(), API_KEY).unwrap();

    let effects = Arc::new(Mutex::new(Effects::default()));
    let (address, server) = signed_receiver(effects.clone()).await;

    let mut search = EventLogSearch::default();
    search.number_of_results = Some(3);
    let logs = client.search_event_logs_all(&search, None).await.unwrap();
    assert_eq!(logs.len(), 7);
    let mut credentials = Credentials::default();
    credentials.api_key = Some("receiver-key".into());
    let target = DeliveryTarget::new(&format!("http://{address}/"))
        .unwrap()
        .credentials(credentials)
        .unwrap()
        .signer(Signer::hmac("replay-kid", "replay-secret"));

    let mut progress = 0;
    let first = replay(&logs, &target, |_| progress += 1).await;
    assert_eq!(progress, 7);
    assert_eq!((first.sent, first.acknowledged), (7, 7), "{first}");
    assert!(first.all_acknowledged());
    let second = replay(&logs, &target, |_| {}).await;
    assert_eq!((second.sent, second.acknowledged), (7, 7), "{second}");
    server.abort();

    let effects = effects.lock().unwrap();
    let expected: Vec<Uuid> = (0..7).map(|n| Uuid::from_u128(0xe000 + n)).collect();
    assert_eq!(
        effects.applied, expected,
        "each event applied once, in logged order"
    );
    assert!(
        effects.runs.values().all(|runs| *runs == 2),
        "each delivered once per replay"
    );
    let sent: Vec<String> = (0..7).map(sent_body).collect();
    assert_eq!(
        effects.bodies[..7],
        sent,
        "the bodies FusionAuth logged, byte for byte"
    );
}

#[tokio::test]
async fn refusals_are_counted_by_status() {
    let effects = Arc::new(Mutex::new(Effects::default()));
    let webhook = Webhook::builder()
        .router(router(effects.clone()))
        .api_key("receiver-key")
        .build()
        .unwrap();
    let (address, server) = serve(webhook).await;
    let logs = parsed_logs(2);
    // No credentials: the receiver refuses every event.
    let target = DeliveryTarget::new(&format!("http://{address}/")).unwrap();
    let summary = replay(&logs, &target, |_| {}).await;
    server.abort();
    assert_eq!(summary.acknowledged, 0);
    assert_eq!(summary.refused.get(&401), Some(&2));
    assert!(summary.to_string().contains("refused with 401: 2"));
    assert!(effects.lock().unwrap().applied.is_empty());
}

#[tokio::test]
async fn replay_into_a_router_runs_every_logged_event_in_order_without_http() {
    let effects = Arc::new(Mutex::new(Effects::default()));
    let router = router(effects.clone());
    let mut logs = parsed_logs(5);
    logs.reverse();
    let replayed = replay_into_router(&router, &logs).await;
    assert_eq!(replayed.succeeded(), 5);
    assert!(
        replayed
            .outcomes
            .iter()
            .all(|(_, outcome)| matches!(outcome, Ok(RunOutcome::Handled)))
    );
    let expected: Vec<Uuid> = (0..5).map(|n| Uuid::from_u128(0xe000 + n)).collect();
    assert_eq!(effects.lock().unwrap().applied, expected);
}

#[tokio::test]
async fn a_log_in_fusionauths_shape_is_replayed_as_the_exact_body_fusionauth_sent() {
    // The body FusionAuth sent, as its event log holds it: the whole
    // `{"event": {...}}`, in FusionAuth's key order, with a number beyond
    // f64 and a repeated key in custom data.
    let sent = r#"{"event":{"id":"7d3e0b26-5d4c-4b5f-9b4e-2a1c3d5e7f90","type":"user.delete","createInstant":1750000000000,"tenantId":"1f3a5c7e-9b2d-4f6a-8c0e-2d4f6a8c0e1b","user":{"id":"00000000-0000-0000-0000-000000000007","email":"ada@example.com","data":{"big":123456789012345678901234567890,"plan":"free","plan":"team","ratio":1.10}}}}"#;
    let log = format!(
        r#"{{"id":"9a9e7f3e-37bb-4c9c-a7e3-0d5c4f8e2d11","sequence":7,"eventType":"user.delete","eventResult":"Failed","event":{sent}}}"#
    );
    let log: WebhookEventLog = serde_json::from_str(&log).unwrap();
    assert_eq!(
        log.event_id(),
        Some("7d3e0b26-5d4c-4b5f-9b4e-2a1c3d5e7f90".parse().unwrap())
    );

    let effects = Arc::new(Mutex::new(Effects::default()));
    let (address, server) = signed_receiver(effects.clone()).await;
    let mut credentials = Credentials::default();
    credentials.api_key = Some("receiver-key".into());
    let target = DeliveryTarget::new(&format!("http://{address}/"))
        .unwrap()
        .credentials(credentials)
        .unwrap()
        .signer(Signer::hmac("replay-kid", "replay-secret"));
    let summary = replay(&[log], &target, |_| {}).await;
    server.abort();
    assert_eq!((summary.sent, summary.acknowledged), (1, 1), "{summary:?}");
    assert_eq!(effects.lock().unwrap().bodies, [sent], "byte for byte");
}
