//! Heap allocations per request, counted with dhat's global allocator.
//!
//! ```sh
//! cargo bench --bench allocations --features testing
//! ```
//!
//! Prints, for each body, the blocks and bytes allocated by one
//! `serde_json::Value` parse (the baseline), one request through the full
//! typed pipeline, and one unrouted request. A separate binary from the
//! timing benchmarks, since counting slows every allocation down.

mod bodies;

use bytes::Bytes;
use fusionauth_webhooks::{Router, Webhook};
use http::{Request, StatusCode};

#[global_allocator]
static ALLOCATOR: dhat::Alloc = dhat::Alloc;

/// Allocations (blocks, bytes) made by one call of `work`.
fn count(mut work: impl FnMut()) -> (u64, u64) {
    work(); // warm up lazily initialized state
    let before = dhat::HeapStats::get();
    work();
    let after = dhat::HeapStats::get();
    (
        after.total_blocks - before.total_blocks,
        after.total_bytes - before.total_bytes,
    )
}

fn main() {
    let _profiler = dhat::Profiler::builder().testing().build();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a runtime");
    let typed = bodies::webhook(bodies::typed_router());
    let unrouted = bodies::webhook(Router::new());
    let send = |webhook: &Webhook, body: &Bytes| {
        let request = Request::post("/")
            .header("authorization", bodies::KEY)
            .header("content-type", "application/json")
            .body(body.clone())
            .expect("a valid request");
        let response = runtime.block_on(webhook.handle(request));
        assert_eq!(response.status(), StatusCode::OK);
    };

    println!(
        "{:<8} {:>9} {:<22} {:>10} {:>12}",
        "body", "bytes", "what", "blocks", "bytes alloc"
    );
    for (name, body) in [
        ("small", bodies::small()),
        ("typical", bodies::typical()),
        ("bulk", bodies::bulk()),
    ] {
        let rows = [
            (
                "baseline Value parse",
                count(|| drop(serde_json::from_slice::<serde_json::Value>(&body))),
            ),
            ("typed pipeline", count(|| send(&typed, &body))),
            ("unrouted", count(|| send(&unrouted, &body))),
        ];
        for (what, (blocks, bytes)) in rows {
            println!(
                "{name:<8} {:>9} {what:<22} {blocks:>10} {bytes:>12}",
                body.len()
            );
        }
    }
}
