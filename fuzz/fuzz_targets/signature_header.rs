//! The `X-FusionAuth-Signature-JWT` header: any token over any body, against
//! a verifier with HMAC, Ed25519 and ES256 keys. It must never panic, and it
//! accepts a token only when its body hash matches the body.
#![no_main]

use fusionauth_webhooks::SIGNATURE_HEADER;
use fusionauth_webhooks_fuzz::{TokenInput, VERIFIER};
use http::{HeaderMap, HeaderValue};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: TokenInput| {
    let token = String::from_utf8_lossy(&input.token);
    let by_token = VERIFIER.verify_token(&token, &input.body);
    if let Ok(value) = HeaderValue::from_bytes(&input.token) {
        let mut headers = HeaderMap::new();
        headers.insert(SIGNATURE_HEADER, value);
        let by_header = VERIFIER.verify(&headers, &input.body);
        assert_eq!(
            by_header.is_ok(),
            by_token.is_ok(),
            "header and token disagree"
        );
    }
    if by_token.is_ok() {
        // Accepted: the same token must not also cover a different body.
        let mut other = input.body.clone();
        other.push(b' ');
        assert!(
            VERIFIER.verify_token(&token, &other).is_err(),
            "token covers two bodies"
        );
    }
});
