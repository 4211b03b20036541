//! Peak heap of one typed request, as a multiple of its body: the event
//! model holds no intermediate tree of the body (issue 8, part 5), and no
//! body of any shape takes more than 16 times its size (issue 20).
//!
//! Counted with dhat's global allocator: the peak of live heap bytes while
//! one request goes through `Webhook::handle` to a typed handler, the
//! body's own copy included (as if read from the socket), next to the peak
//! of a `serde_json::Value` parse of the same bytes. The figures are
//! printed (`cargo test --test memory --features testing -- --nocapture`).

use std::sync::Mutex;

#[path = "../benches/bodies/adversarial.rs"]
mod adversarial;
#[path = "../benches/bodies/big.rs"]
mod big;

use bytes::Bytes;
use fusionauth_webhooks::payload::UserDelete;
use fusionauth_webhooks::samples;
use fusionauth_webhooks::{EventType, Router, Webhook};
use http::{Request, StatusCode};

#[global_allocator]
static ALLOCATOR: dhat::Alloc = dhat::Alloc;

/// dhat counts for the whole process: one measurement at a time.
static PROFILER: Mutex<()> = Mutex::new(());

const KEY: &str = "memory-test-api-key";

/// The peak of live heap bytes while `work` runs: a profiler started just
/// before counts only what is allocated from then on.
fn peak_growth(work: impl FnOnce()) -> u64 {
    let _profiler = dhat::Profiler::builder()
        .testing()
        .trim_backtraces(Some(1))
        .build();
    work();
    dhat::HeapStats::get().max_bytes as u64
}

fn typed_webhook() -> Webhook {
    let router = Router::new().on(|deleted: UserDelete| async move {
        // Like the gdpr_delete example: keep only the id.
        let id = deleted.user.and_then(|user| user.id);
        assert!(id.is_some());
        Ok(())
    });
    Webhook::builder()
        .api_key(KEY)
        .router(router)
        .build()
        .unwrap()
}

/// Peak heap growth of one typed request and of one `Value` parse of
/// `template`, as multiples of its length.
fn measure(name: &str, template: &[u8]) -> (f64, f64) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let webhook = typed_webhook();
    let request = || {
        Request::post("/")
            .header("authorization", KEY)
            .header("content-type", "application/json")
            .body(Bytes::copy_from_slice(template))
            .unwrap()
    };
    // Warm up lazily initialized state with a small request.
    let warm_up = samples::body_of(&samples::user_delete());
    let small = Request::post("/")
        .header("authorization", KEY)
        .header("content-type", "application/json")
        .body(warm_up)
        .unwrap();
    assert_eq!(
        runtime.block_on(webhook.handle(small)).status(),
        StatusCode::OK
    );

    let len = template.len() as f64;
    let typed = peak_growth(|| {
        let response = runtime.block_on(webhook.handle(request()));
        assert_eq!(response.status(), StatusCode::OK);
    }) as f64
        / len;
    let value = peak_growth(|| {
        let body = Bytes::copy_from_slice(template);
        let value = serde_json::from_slice::<serde_json::Value>(&body).unwrap();
        drop((value, body));
    }) as f64
        / len;
    println!(
        "{name}: body {:.2} MiB, typed request peak {typed:.2}x the body, Value parse peak {value:.2}x",
        len / (1024.0 * 1024.0)
    );
    (typed, value)
}

// Issue 20's target for this body is 2.5x (it was 3.5x): the registrations
// vector is allocated near its length (grown by a quarter at a time once
// large, then trimmed), short vectors exactly, and each registration's
// custom data is one piece of text. What is left is the body, the typed
// registrations (a 344-byte struct each, 0.85x the body) and their strings.
#[test]
fn a_user_with_eighteen_thousand_registrations_costs_under_half_a_value_parse() {
    let _one_at_a_time = PROFILER
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let body = big::many_registrations();
    assert!(body.len() > 7 * 1000 * 1000, "{} bytes", body.len());

    let (typed, value) = measure("18,000 registrations", &body);

    assert!(typed <= 2.5, "peak {typed:.2}x the body");
    assert!(
        typed <= 0.5 * value,
        "typed {typed:.2}x against a Value's {value:.2}x"
    );
}

#[test]
fn an_unknown_field_costs_its_text_not_a_value_tree() {
    let _one_at_a_time = PROFILER
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let body = big::unknown_field_of_zeros();
    assert!(body.len() > 6 * 1000 * 1000, "{} bytes", body.len());

    let (typed, value) = measure("unknown field of zeros", &body);

    // The unknown field is kept as its raw text: the body and one copy of
    // the field (as a `Value` it was 22x, and with serde's flatten
    // buffering 44x).
    assert!(typed <= 3.0, "peak {typed:.2}x the body");
    assert!(
        typed <= value / 5.0,
        "typed {typed:.2}x against a Value's {value:.2}x"
    );
}

/// The size of each adversarial body; `ADVERSARIAL_SIZE` (bytes) changes
/// it, up to the default body limit of 8 MiB (a long run: release build).
fn adversarial_size() -> usize {
    std::env::var("ADVERSARIAL_SIZE")
        .ok()
        .map(|size| size.parse().expect("ADVERSARIAL_SIZE is a number of bytes"))
        .unwrap_or(128 * 1024)
}

/// Every typed array and map of every event type's payload (every object's
/// unknown fields, custom data and free-form values too), filled with the
/// cheapest elements the model reads up to the body limit: each request
/// peaks under 16 times its body, read or refused (413) on the way.
///
/// Event types whose payloads have a path in common (`user.registrations`
/// is in 40 of them) read it with the same code into the same structs: by
/// default each path is measured once, for the first event type that has
/// it, and every event type's bodies are checked to be among those
/// measured. `ADVERSARIAL_EVERY=1` measures every body of every event type
/// (1,390 bodies; about 4 minutes in a release build).
#[test]
fn no_body_of_any_shape_takes_more_than_sixteen_times_its_size() {
    let _one_at_a_time = PROFILER
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let size = adversarial_size();
    let every = std::env::var_os("ADVERSARIAL_EVERY").is_some_and(|every| every == "1");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let webhook = Webhook::builder()
        .api_key(KEY)
        .router(fusionauth_webhooks::testing::shapes::typed_router())
        .max_body_size(size)
        .build()
        .unwrap();
    let mut measured = Vec::new();
    let mut paths = std::collections::BTreeSet::new();
    let mut bodies = 0;
    for &event_type in EventType::ALL {
        for adversarial::Adversarial { name, body } in adversarial::bodies(event_type, size) {
            bodies += 1;
            let path = name
                .split_once(' ')
                .map_or(name.clone(), |(_, path)| path.to_owned());
            if !paths.insert(path) && !every {
                continue;
            }
            assert!(
                body.len() <= size && body.len() > size * 9 / 10,
                "{name}: {} bytes",
                body.len()
            );
            let mut status = StatusCode::OK;
            let peak = peak_growth(|| {
                let request = Request::post("/")
                    .header("authorization", KEY)
                    .header("content-type", "application/json")
                    .body(Bytes::copy_from_slice(&body))
                    .unwrap();
                status = runtime.block_on(webhook.handle(request)).status();
            });
            assert!(
                status == StatusCode::OK || status == StatusCode::PAYLOAD_TOO_LARGE,
                "{name}: answered {status}"
            );
            measured.push((peak as f64 / body.len() as f64, status, name));
        }
    }
    measured.sort_by(|a, b| b.0.total_cmp(&a.0));
    let refused = measured
        .iter()
        .filter(|(_, status, _)| *status == StatusCode::PAYLOAD_TOO_LARGE)
        .count();
    println!(
        "{bodies} adversarial bodies of {size} bytes over {} event types, {} distinct paths; \
         {} measured, {refused} of them refused (413); the costliest:",
        EventType::ALL.len(),
        paths.len(),
        measured.len(),
    );
    for (ratio, status, name) in measured.iter().take(12) {
        println!("  {ratio:6.2}x  {}  {name}", status.as_u16());
    }
    let over: Vec<_> = measured
        .iter()
        .filter(|(ratio, _, _)| *ratio > 16.0)
        .collect();
    assert!(over.is_empty(), "over 16x the body: {over:#?}");
}
