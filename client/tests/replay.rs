//! `replay` to a running receiver over a socket, and into a `Router`.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use fusionauth_standin::{API_KEY, StandIn};
use fusionauth_webhooks::samples;
use fusionauth_webhooks::{
    Event, EventType, HandlerError, Router, RunOutcome, SignatureVerifier, Webhook,
};
use fusionauth_webhooks_client::{
    Credentials, DeliveryTarget, EventLogSearch, FusionAuthClient, Signer, WebhookEventLog, replay,
    replay_into_router,
};
use serde_json::{Value, json};
use uuid::Uuid;

const TYPES: [EventType; 3] = [
    EventType::UserCreate,
    EventType::UserDelete,
    EventType::UserUpdate,
];

/// Logged events, one per sequence number, each with its own event id.
fn logged_events(count: usize) -> Vec<Value> {
    (0..count)
        .map(|n| {
            let event_type = TYPES[n % TYPES.len()];
            let mut body: Value = serde_json::from_slice(&samples::body(event_type)).unwrap();
            body["event"]["id"] = json!(Uuid::from_u128(0xe000 + n as u128));
            json!({
                "id": Uuid::from_u128(0x1000 + n as u128),
                "sequence": n + 1,
                "eventType": event_type.as_str(),
                "eventResult": if n % 2 == 0 { "Failed" } else { "Succeeded" },
                "insertInstant": 1_750_000_000_000_i64 + n as i64,
                "event": body["event"],
            })
        })
        .collect()
}

/// What the receiver's handlers did: how often each event id ran, how often it had an effect.
#[derive(Default)]
struct Effects {
    runs: HashMap<Uuid, usize>,
    applied: Vec<Uuid>,
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
            *effects.runs.entry(id).or_default() += 1;
            if !effects.applied.contains(&id) {
                effects.applied.push(id);
            }
            Ok(())
        }
    })
}

#[tokio::test]
async fn replaying_twice_to_a_deduplicating_receiver_applies_every_event_once_in_order() {
    let standin = StandIn::start().await;
    standin.state().event_logs.extend(logged_events(7));
    let client = FusionAuthClient::new(standin.url(), API_KEY).unwrap();

    let effects = Arc::new(Mutex::new(Effects::default()));
    let verifier = SignatureVerifier::builder()
        .hmac(Some("replay-kid"), "replay-secret")
        .build()
        .unwrap();
    let webhook = Webhook::builder()
        .router(router(effects.clone()))
        .api_key("receiver-key")
        .signature(verifier)
        .build()
        .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("the receiver could not bind a port");
    let address = listener.local_addr().unwrap();
    let server = tokio::spawn(fusionauth_webhooks_hyper::serve(listener, webhook));

    let mut search = EventLogSearch::default();
    search.number_of_results = Some(3);
    let logs = client.search_event_logs_all(&search, None).await.unwrap();
    assert_eq!(logs.len(), 7);
    let mut credentials = Credentials::default();
    credentials.api_key = Some("receiver-key".into());
    let target = DeliveryTarget::new(&format!("http://{address}/"))
        .unwrap()
        .credentials(credentials)
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
}

#[tokio::test]
async fn refusals_are_counted_by_status() {
    let effects = Arc::new(Mutex::new(Effects::default()));
    let webhook = Webhook::builder()
        .router(router(effects.clone()))
        .api_key("receiver-key")
        .build()
        .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let server = tokio::spawn(fusionauth_webhooks_hyper::serve(listener, webhook));
    let logs: Vec<WebhookEventLog> =
        serde_json::from_value(Value::Array(logged_events(2))).unwrap();
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
    let mut logs: Vec<WebhookEventLog> =
        serde_json::from_value(Value::Array(logged_events(5))).unwrap();
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
