//! The cost of the in-process pipeline against a plain `serde_json::Value`
//! parse of the same bytes, for three FusionAuth-shaped bodies.
//!
//! ```sh
//! cargo bench --bench pipeline --features testing
//! ```
//!
//! Groups, each with the same body sizes:
//! - `baseline_value_parse`: `serde_json::from_slice::<Value>`;
//! - `typed_handler`: `Webhook::handle` with the API key checked, the
//!   envelope parsed, the event routed to a no-op typed handler that receives
//!   the payload struct;
//! - `unrouted`: the same without a handler (acknowledged without building
//!   the payload);
//! - `credentials`: the key check alone, right and wrong in three ways.

mod bodies;

use bytes::Bytes;
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use fusionauth_webhooks::Router;
use http::{Request, StatusCode};

use bodies::{KEY, typed_router, webhook};

fn request(body: Bytes, key: &str, content_type: &str) -> Request<Bytes> {
    Request::post("/fusionauth-webhook")
        .header("authorization", key)
        .header("content-type", content_type)
        .body(body)
        .expect("a valid request")
}

fn bodies() -> [(&'static str, Bytes); 3] {
    [
        ("small", bodies::small()),
        ("typical", bodies::typical()),
        ("bulk", bodies::bulk()),
    ]
}

fn pipeline(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a runtime");
    let typed = webhook(typed_router());
    let unrouted = webhook(Router::new());
    for (name, body) in bodies() {
        let mut group = c.benchmark_group(name);
        group.throughput(Throughput::Bytes(body.len() as u64));
        group.bench_function("baseline_value_parse", |b| {
            b.iter(|| serde_json::from_slice::<serde_json::Value>(&body).expect("valid JSON"))
        });
        group.bench_function("typed_handler", |b| {
            b.iter(|| {
                let response =
                    runtime.block_on(typed.handle(request(body.clone(), KEY, "application/json")));
                assert_eq!(response.status(), StatusCode::OK);
            })
        });
        group.bench_function("unrouted", |b| {
            b.iter(|| {
                let response = runtime.block_on(unrouted.handle(request(
                    body.clone(),
                    KEY,
                    "application/json",
                )));
                assert_eq!(response.status(), StatusCode::OK);
            })
        });
        group.finish();
    }
}

/// The key check alone: every request stops right after it (401), or, with
/// the right key, at the content-type check just after it (415), so the
/// figures compare the check itself.
fn credentials(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a runtime");
    let webhook = webhook(Router::new());
    let mut wrong_first = KEY.to_owned();
    wrong_first.replace_range(0..1, "X");
    let mut wrong_last = KEY.to_owned();
    wrong_last.replace_range(KEY.len() - 1.., "X");
    let wrong_length = format!("{KEY}X");
    let cases = [
        ("right_key", KEY, StatusCode::UNSUPPORTED_MEDIA_TYPE),
        (
            "wrong_first_byte",
            wrong_first.as_str(),
            StatusCode::UNAUTHORIZED,
        ),
        (
            "wrong_last_byte",
            wrong_last.as_str(),
            StatusCode::UNAUTHORIZED,
        ),
        (
            "wrong_length",
            wrong_length.as_str(),
            StatusCode::UNAUTHORIZED,
        ),
    ];
    let mut group = c.benchmark_group("credentials");
    for (name, key, status) in cases {
        group.bench_with_input(BenchmarkId::from_parameter(name), &key, |b, key| {
            b.iter(|| {
                let response =
                    runtime.block_on(webhook.handle(request(Bytes::new(), key, "text/plain")));
                assert_eq!(response.status(), status);
            })
        });
    }
    group.finish();
}

criterion_group!(benches, pipeline, credentials);
criterion_main!(benches);
