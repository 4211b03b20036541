//! The `metrics` feature: one count and one duration per request, with
//! labels of bounded cardinality.

use fusionauth_webhooks::testing::{TestClient, TestRequest};
use fusionauth_webhooks::{DURATION_METRIC, Event, EventType, REQUESTS_METRIC, Router, Webhook};
use metrics_util::debugging::{DebugValue, DebuggingRecorder};

const KEY: &str = "a-long-random-key";

#[test]
fn requests_are_counted_by_event_type_outcome_and_status() {
    let recorder = DebuggingRecorder::new();
    let snapshotter = recorder.snapshotter();
    metrics::with_local_recorder(&recorder, || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async {
            let webhook = Webhook::builder()
                .api_key(KEY)
                .router(Router::new().on_event(EventType::UserDelete, |_: Event| async { Ok(()) }))
                .build()
                .unwrap();
            let client = TestClient::new(webhook);
            for body in [
                r#"{"event":{"type":"user.delete"}}"#,
                r#"{"event":{"type":"user.delete"}}"#,
                r#"{"event":{"type":"made.up.by.the.sender.1"}}"#,
                r#"{"event":{"type":"made.up.by.the.sender.2"}}"#,
            ] {
                client
                    .send(TestRequest::body(body).api_key(KEY).build())
                    .await;
            }
            let forged = TestRequest::body(r#"{"event":{"type":"user.delete"}}"#).build();
            assert_eq!(client.send(forged).await.status, 401);
        });
    });

    let mut counts = Vec::new();
    let mut timed = 0;
    for (key, _, _, value) in snapshotter.snapshot().into_vec() {
        let key = key.key();
        let labels: Vec<String> = key
            .labels()
            .map(|label| format!("{}={}", label.key(), label.value()))
            .collect();
        match (key.name(), value) {
            (REQUESTS_METRIC, DebugValue::Counter(count)) => counts.push((labels.join(","), count)),
            (DURATION_METRIC, DebugValue::Histogram(values)) => timed += values.len(),
            (name, _) => panic!("unexpected metric {name}"),
        }
    }
    counts.sort();
    assert_eq!(
        counts,
        [
            (
                "event_type=none,outcome=unauthorized,status=401".to_owned(),
                1
            ),
            (
                "event_type=unknown,outcome=unrouted,status=200".to_owned(),
                2
            ),
            (
                "event_type=user.delete,outcome=handled,status=200".to_owned(),
                2
            ),
        ]
    );
    assert_eq!(timed, 5);
}
