//! JWKS parsing: any document as the verifier's key set. Building must never
//! panic; a verifier that builds must then refuse a token it has no key for.
#![no_main]

use fusionauth_webhooks::SignatureVerifier;
use libfuzzer_sys::fuzz_target;

/// An HS256 token (kid `fuzz-not-in-any-jwks`) over the empty body, signed
/// with a secret no JWKS here can hold.
const FOREIGN_TOKEN: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCIsImtpZCI6ImZ1enotbm90LWluLWFueS1qd2tzIn0.eyJyZXF1ZXN0X2JvZHlfc2hhMjU2IjoiNDdERVFwajhIQlNhKy9USW1XKzVKQ2V1UWVSa201Tk1wSldaRzNoU3VGVT0ifQ.c2lnbmF0dXJl";

fuzz_target!(|data: &[u8]| {
    let Ok(json) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(verifier) = SignatureVerifier::builder().jwks(json).build() {
        let _ = format!("{verifier:?}");
        assert!(verifier.verify_token(FOREIGN_TOKEN, b"").is_err());
    }
});
