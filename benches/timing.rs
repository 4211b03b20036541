//! Timing side channels, dudect style: does the time to refuse a credential
//! depend on which byte of it is wrong, or on its length?
//!
//! For the API key, the basic-auth password and the signature's body hash,
//! four classes of presented value are timed through the public API,
//! interleaved in a random order: `right`, right length with the `first`
//! byte wrong, right length with the `last` byte wrong, and a `different
//! length`. For each pair of classes, Welch's t statistic over the
//! measurements (all of them, and those below the 95th percentile, as dudect
//! crops outliers) must stay below 4.5 in absolute value.
//!
//! ```sh
//! cargo bench --bench timing --features testing            # 1,000,000 per class
//! TIMING_SAMPLES=100000 cargo bench --bench timing --features testing
//! ```
//!
//! Exits non-zero when some |t| reaches 4.5.

use std::hint::black_box;
use std::time::Instant;

use bytes::Bytes;
use fusionauth_webhooks::signature::Algorithm;
use fusionauth_webhooks::testing::signing::TestSigner;
use fusionauth_webhooks::{SignatureVerifier, Webhook};
use http::Request;

const THRESHOLD: f64 = 4.5;
const CLASSES: [&str; 4] = ["right", "first", "last", "different length"];
const API_KEY: &str = "timing-api-key-0123456789abcdef0123456789";
const USER: &str = "fusionauth";
const PASSWORD: &str = "timing-password-0123456789abcdef";
const BODY: &[u8] =
    br#"{"event":{"type":"user.delete","id":"5b9a3c2e-0f1d-4e7a-9b8c-6d5e4f3a2b1c"}}"#;

/// The four variants of `right`, in [`CLASSES`] order.
fn variants(right: &str) -> [String; 4] {
    let mut first = right.as_bytes().to_vec();
    first[0] ^= 0x01;
    let mut last = right.as_bytes().to_vec();
    *last.last_mut().expect("not empty") ^= 0x01;
    [
        right.to_owned(),
        String::from_utf8(first).expect("ascii"),
        String::from_utf8(last).expect("ascii"),
        format!("{right}x"),
    ]
}

/// A small xorshift generator: the order of the classes must not be
/// predictable by the code measured, and needs no crate.
struct Order(u64);

impl Order {
    fn next_class(&mut self) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % CLASSES.len() as u64) as usize
    }
}

/// Times `run(class)` `samples` times per class, classes interleaved at random.
fn measure(samples: usize, mut run: impl FnMut(usize)) -> Vec<Vec<f64>> {
    let mut times = vec![Vec::with_capacity(samples); CLASSES.len()];
    let mut order = Order(0x9e37_79b9_7f4a_7c15);
    // Warm up caches and branch predictors on every class.
    for class in 0..CLASSES.len() * 1000 {
        run(class % CLASSES.len());
    }
    while times.iter().any(|class| class.len() < samples) {
        let class = order.next_class();
        if times[class].len() == samples {
            continue;
        }
        let started = Instant::now();
        run(class);
        times[class].push(started.elapsed().as_nanos() as f64);
    }
    times
}

fn welch_t(a: &[f64], b: &[f64]) -> f64 {
    let stats = |x: &[f64]| {
        let n = x.len() as f64;
        let mean = x.iter().sum::<f64>() / n;
        let var = x.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0);
        (n, mean, var)
    };
    let (na, ma, va) = stats(a);
    let (nb, mb, vb) = stats(b);
    (ma - mb) / (va / na + vb / nb).sqrt()
}

fn median(x: &[f64]) -> f64 {
    let mut sorted = x.to_vec();
    sorted.sort_by(f64::total_cmp);
    sorted[sorted.len() / 2]
}

/// Prints the medians and every pair's |t|; returns whether all stay below the threshold.
fn report(name: &str, times: &[Vec<f64>]) -> bool {
    let mut pooled: Vec<f64> = times.iter().flatten().copied().collect();
    pooled.sort_by(f64::total_cmp);
    let crop = pooled[pooled.len() * 95 / 100];
    let cropped: Vec<Vec<f64>> = times
        .iter()
        .map(|class| class.iter().copied().filter(|&t| t <= crop).collect())
        .collect();
    println!("\n## {name} ({} measurements per class)", times[0].len());
    for (class, samples) in CLASSES.iter().zip(times) {
        println!("  median {class:>16}: {:>8.0} ns", median(samples));
    }
    let mut passed = true;
    for a in 0..CLASSES.len() {
        for b in a + 1..CLASSES.len() {
            let all = welch_t(&times[a], &times[b]).abs();
            let below = welch_t(&cropped[a], &cropped[b]).abs();
            let verdict = if all.max(below) < THRESHOLD {
                "ok"
            } else {
                "LEAK?"
            };
            passed &= all.max(below) < THRESHOLD;
            println!(
                "  |t| {:>16} vs {:<16}: all {all:>6.2}, below p95 {below:>6.2}  {verdict}",
                CLASSES[a], CLASSES[b]
            );
        }
    }
    passed
}

fn request(headers: &[(&str, &str)], body: &'static [u8]) -> Request<Bytes> {
    let mut request = Request::post("/").header("content-type", "application/json");
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request
        .body(Bytes::from_static(body))
        .expect("valid request")
}

fn main() {
    let samples: usize = std::env::var("TIMING_SAMPLES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(1_000_000);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a runtime");
    let mut passed = true;

    // The API key: a signature is also required and never sent, so the
    // right key is refused at the next check (401, no signature) as
    // cheaply as a wrong one (401): what is timed is the comparison.
    let signer = TestSigner::new(Algorithm::HS256);
    let webhook = Webhook::builder()
        .api_key(API_KEY)
        .signature(signer.verifier())
        .allow_no_handlers()
        .build()
        .expect("valid webhook");
    let keys = variants(API_KEY);
    let requests: Vec<_> = keys
        .iter()
        .map(|key| request(&[("authorization", key)], b""))
        .collect();
    let times = measure(samples, |class| {
        black_box(runtime.block_on(webhook.handle(requests[class].clone())));
    });
    passed &= report("API key (Authorization header)", &times);

    let webhook = Webhook::builder()
        .basic_auth(USER, PASSWORD)
        .signature(signer.verifier())
        .allow_no_handlers()
        .build()
        .expect("valid webhook");
    let headers: Vec<String> = variants(PASSWORD)
        .iter()
        .map(|password| {
            use base64::Engine as _;
            let pair = format!("{USER}:{password}");
            format!(
                "Basic {}",
                base64::engine::general_purpose::STANDARD.encode(pair)
            )
        })
        .collect();
    let requests: Vec<_> = headers
        .iter()
        .map(|value| request(&[("authorization", value)], b""))
        .collect();
    let times = measure(samples, |class| {
        black_box(runtime.block_on(webhook.handle(requests[class].clone())));
    });
    passed &= report("basic auth (password)", &times);

    // The body hash: tokens whose `request_body_sha256` claim is right or
    // wrong as above, each validly signed, over the same body.
    let verifier: SignatureVerifier = signer.verifier();
    let right_hash = {
        use base64::Engine as _;
        use sha2::Digest as _;
        base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(BODY))
    };
    let tokens: Vec<String> = variants(&right_hash)
        .iter()
        .map(|hash| signer.sign_claims(&serde_json::json!({ "request_body_sha256": hash })))
        .collect();
    let times = measure(samples, |class| {
        black_box(verifier.verify_token(black_box(&tokens[class]), BODY)).ok();
    });
    passed &= report("body hash (signature claim)", &times);

    if !passed {
        eprintln!("\nsome |t| reached {THRESHOLD}");
        std::process::exit(1);
    }
}
