//! Runs one case of the pipeline benchmark a given number of times, for
//! `benches/instructions.sh`, which counts the instructions under callgrind:
//! the pipeline's ratios to a `serde_json::Value` parse without the noise
//! of timing on a shared machine.
//!
//! ```sh
//! cargo bench --no-run --bench instructions --features testing
//! target/release/deps/instructions-* <small|typical|bulk> <baseline|typed|unrouted> <times>
//! ```
//!
//! The bodies, the webhooks and one warm-up run come first, the same for
//! every count, so the difference between two counts is the cost of the
//! extra runs alone.

mod bodies;

use bytes::Bytes;
use fusionauth_webhooks::{Router, Webhook};
use http::{Request, StatusCode};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [body, case, times] = args.as_slice() else {
        eprintln!("usage: instructions <small|typical|bulk> <baseline|typed|unrouted> <times>");
        std::process::exit(2);
    };
    let body = match body.as_str() {
        "small" => bodies::small(),
        "typical" => bodies::typical(),
        "bulk" => bodies::bulk(),
        other => panic!("no body {other}"),
    };
    let times: usize = times.parse().expect("a number of runs");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a runtime");
    let send = |webhook: &Webhook| {
        let request = Request::post("/fusionauth-webhook")
            .header("authorization", bodies::KEY)
            .header("content-type", "application/json")
            .body(body.clone())
            .expect("a valid request");
        let response = runtime.block_on(webhook.handle(request));
        assert_eq!(response.status(), StatusCode::OK);
    };
    let parse = |body: &Bytes| {
        std::hint::black_box(
            serde_json::from_slice::<serde_json::Value>(body).expect("valid JSON"),
        );
    };
    let run: Box<dyn Fn()> = match case.as_str() {
        "baseline" => Box::new(|| parse(&body)),
        "typed" => {
            let typed = bodies::webhook(bodies::typed_router());
            Box::new(move || send(&typed))
        }
        "unrouted" => {
            let unrouted = bodies::webhook(Router::new());
            Box::new(move || send(&unrouted))
        }
        other => panic!("no case {other}"),
    };
    for _ in 0..=times {
        run();
    }
}
