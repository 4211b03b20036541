//! Ed25519 keys of small order (the identity and the other torsion points)
//! verify a forged signature `R = identity, s = 0` for any message. They are
//! refused when the verifier is built, from PEM and from a JWKS alike.
#![cfg(feature = "signature")]

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use fusionauth_webhooks::signature::{SignatureConfigError, SignatureVerifier};
use sha2::{Digest, Sha256};

const BODY: &[u8] = br#"{"event":{"type":"user.delete","id":"forged"}}"#;

/// The encodings of the eight points of order 1, 2, 4 and 8 on edwards25519
/// (and the non-canonical twin of the order-4 point), all of them weak keys.
const SMALL_ORDER_POINTS: [&str; 8] = [
    "0100000000000000000000000000000000000000000000000000000000000000",
    "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
    "0000000000000000000000000000000000000000000000000000000000000000",
    "0000000000000000000000000000000000000000000000000000000000000080",
    "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",
    "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85",
    "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",
    "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa",
];

fn hex(text: &str) -> Vec<u8> {
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
        .collect()
}

/// An Ed25519 JWT over `BODY` with R = identity and s = 0: no private key
/// was involved, so only a weak key can verify it.
fn forged_token(kid: &str) -> String {
    let header = format!(r#"{{"alg":"Ed25519","typ":"JWT","kid":"{kid}"}}"#);
    let claims = format!(
        r#"{{"request_body_sha256":"{}"}}"#,
        STANDARD.encode(Sha256::digest(BODY))
    );
    let mut signature = hex(SMALL_ORDER_POINTS[0]);
    signature.extend_from_slice(&[0; 32]);
    format!(
        "{}.{}.{}",
        URL_SAFE_NO_PAD.encode(header),
        URL_SAFE_NO_PAD.encode(claims),
        URL_SAFE_NO_PAD.encode(signature)
    )
}

fn jwks(point: &[u8]) -> String {
    format!(
        r#"{{"keys":[{{"kty":"OKP","crv":"Ed25519","use":"sig","kid":"weak","x":"{}"}}]}}"#,
        URL_SAFE_NO_PAD.encode(point)
    )
}

fn pem(point: &[u8]) -> String {
    // SubjectPublicKeyInfo: SEQUENCE { SEQUENCE { OID 1.3.101.112 }, BIT STRING }.
    let mut der = hex("302a300506032b6570032100");
    der.extend_from_slice(point);
    format!(
        "-----BEGIN PUBLIC KEY-----\n{}\n-----END PUBLIC KEY-----\n",
        STANDARD.encode(der)
    )
}

/// Asserts the build failed, and that had it not, the forgery would not pass.
fn assert_refused(built: Result<SignatureVerifier, SignatureConfigError>, point: &str) {
    if let Ok(verifier) = &built {
        assert!(
            verifier.verify_token(&forged_token("weak"), BODY).is_err(),
            "a verifier with the small-order key {point} accepts a forged signature"
        );
    }
    let error = built.expect_err("a small-order Ed25519 key must not build");
    assert!(
        error.to_string().contains("small order"),
        "unexpected error for {point}: {error}"
    );
}

#[test]
fn small_order_ed25519_keys_in_a_jwks_are_refused_when_built() {
    for point in SMALL_ORDER_POINTS {
        assert_refused(
            SignatureVerifier::builder()
                .jwks(&jwks(&hex(point)))
                .build(),
            point,
        );
    }
}

#[test]
fn small_order_ed25519_keys_in_pem_are_refused_when_built() {
    for point in SMALL_ORDER_POINTS {
        assert_refused(
            SignatureVerifier::builder()
                .public_key_pem(Some("weak"), pem(&hex(point)))
                .build(),
            point,
        );
    }
}

#[test]
fn a_sound_ed25519_key_still_builds_and_refuses_the_forgery() {
    // The RFC 8032 test 1 public key.
    let point = hex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
    let verifier = SignatureVerifier::builder()
        .jwks(&jwks(&point))
        .build()
        .expect("a sound Ed25519 key builds");
    assert!(verifier.verify_token(&forged_token("weak"), BODY).is_err());
}
