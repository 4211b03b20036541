//! Peak heap of one typed request, as a multiple of its body: the event
//! model must not hold an intermediate tree of the body (issue 8, part 5).
//!
//! Counted with dhat's global allocator: the peak of live heap bytes while
//! one request goes through `Webhook::handle` to a typed `user.delete`
//! handler, the body's own copy included (as if read from the socket), next
//! to the peak of a `serde_json::Value` parse of the same bytes. The figures
//! are printed (`cargo test --test memory --features testing -- --nocapture`).

use std::sync::Mutex;

#[path = "../benches/bodies/big.rs"]
mod big;

use bytes::Bytes;
use fusionauth_webhooks::payload::UserDelete;
use fusionauth_webhooks::samples;
use fusionauth_webhooks::{Router, Webhook};
use http::{Request, StatusCode};

#[global_allocator]
static ALLOCATOR: dhat::Alloc = dhat::Alloc;

/// dhat counts for the whole process: one measurement at a time.
static PROFILER: Mutex<()> = Mutex::new(());

const KEY: &str = "memory-test-api-key";

/// The peak of live heap bytes while `work` runs: a profiler started just
/// before counts only what is allocated from then on.
fn peak_growth(work: impl FnOnce()) -> u64 {
    let _profiler = dhat::Profiler::builder().testing().build();
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

// The target for this body is 2x; it is not met: the typed
// registrations themselves (a 340-byte struct each, in a `Vec` grown by
// doubling to 32,768 slots, 11 MB, while the 16,384-slot one is copied)
// take about 2.5 times the JSON they come from. Custom `data` kept as raw
// text brought it from 4.7x to 3.5x; the bound catches a regression.
#[test]
fn a_user_with_eighteen_thousand_registrations_costs_under_half_a_value_parse() {
    let _one_at_a_time = PROFILER
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let body = big::many_registrations();
    assert!(body.len() > 7 * 1000 * 1000, "{} bytes", body.len());

    let (typed, value) = measure("18,000 registrations", &body);

    assert!(typed <= 4.0, "peak {typed:.2}x the body");
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
