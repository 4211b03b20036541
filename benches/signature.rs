//! Cost of `SignatureVerifier::verify` per algorithm on a typical 2 KB body,
//! next to hashing the body alone (the floor every algorithm pays).
//!
//! `cargo bench --bench signature --features testing -- --warm-up-time 1 --measurement-time 3`

use std::hint::black_box;

use base64::Engine;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use fusionauth_webhooks::signature::Algorithm;
use fusionauth_webhooks::testing::signing::TestSigner;
use sha2::Digest;

/// A `user.create` event of about 2 KB, the size of a typical webhook.
fn body() -> Vec<u8> {
    let mut registrations = Vec::new();
    for index in 0..6 {
        registrations.push(format!(
            r#"{{"applicationId":"3c219e58-ed0e-4b18-ad48-f4f92793ae3{index}","id":"b3c8a2f4-1d2e-4f5a-9b6c-7d8e9f0a1b2{index}","insertInstant":1715000000000,"lastLoginInstant":1715000000000,"roles":["user","editor"],"username":"jane{index}","verified":true}}"#
        ));
    }
    let body = format!(
        r#"{{"event":{{"type":"user.create","id":"8d4e6f3a-3f64-4a1c-9b61-7c1f4f0d2a11","createInstant":1715000000000,"tenantId":"f2b5c4e1-9e4d-4a38-8d37-2f9f0e1c5a77","info":{{"ipAddress":"203.0.113.7","userAgent":"Mozilla/5.0 (X11; Linux x86_64)"}},"user":{{"id":"00000000-0000-0000-0000-000000000001","active":true,"email":"jane@example.com","firstName":"Jane","lastName":"Doe","insertInstant":1715000000000,"passwordChangeRequired":false,"tenantId":"f2b5c4e1-9e4d-4a38-8d37-2f9f0e1c5a77","verified":true,"registrations":[{}]}}}}}}"#,
        registrations.join(",")
    );
    body.into_bytes()
}

fn verify(c: &mut Criterion) {
    let body = body();
    assert!((1800..=2400).contains(&body.len()), "{} bytes", body.len());
    let mut group = c.benchmark_group("signature");
    group.throughput(Throughput::Bytes(body.len() as u64));

    group.bench_function("baseline_sha256_base64", |b| {
        b.iter(|| {
            base64::engine::general_purpose::STANDARD
                .encode(sha2::Sha256::digest(black_box(&body[..])))
        })
    });

    for alg in Algorithm::ALL {
        let signer = TestSigner::new(alg);
        let verifier = signer.verifier();
        let headers = signer.headers(&body);
        assert_eq!(verifier.verify(&headers, &body), Ok(()));
        group.bench_function(format!("verify_{alg}"), |b| {
            b.iter(|| verifier.verify(black_box(&headers), black_box(&body)))
        });
    }
    group.finish();
}

criterion_group!(benches, verify);
criterion_main!(benches);
