//! Signature verification: every algorithm, every way to fail, configuration
//! errors, and tokens made by an independent implementation (PyJWT).
#![cfg(all(feature = "signature", feature = "testing"))]

mod algorithms;
mod body;
mod config;
mod confusion;
mod env;
mod jwks;
mod kidless;
mod malformed;
mod pyjwt;
mod rotation;
mod signer;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use fusionauth_webhooks::env::{
    EnvError, FUSIONAUTH_WEBHOOK_HMAC_KID as HMAC_KID_ENV,
    FUSIONAUTH_WEBHOOK_HMAC_SECRET as HMAC_SECRET_ENV, FUSIONAUTH_WEBHOOK_JWKS as JWKS_ENV,
};
use fusionauth_webhooks::signature::{
    Algorithm, Malformed, SIGNATURE_HEADER, SIGNATURE_HEADER_NAME, Segment, SignatureConfigError,
    SignatureError, SignatureVerifier,
};
use fusionauth_webhooks::testing::signing::{BadSignature, TestSigner};
use http::{HeaderMap, HeaderValue};
use serde_json::{Value, json};

const BODY: &[u8] =
    br#"{"event":{"type":"user.create","id":"8d4e6f3a-3f64-4a1c-9b61-7c1f4f0d2a11"}}"#;

/// The committed PyJWT vectors (made by `fixtures/signature/generate_vectors.py`).
fn vectors() -> Value {
    serde_json::from_str(include_str!("../fixtures/signature/vectors.json")).unwrap()
}

fn header(token: &str) -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert(SIGNATURE_HEADER_NAME, HeaderValue::from_str(token).unwrap());
    headers
}

/// A token with any header and claims JSON, signed with the signer's HMAC secret.
fn hs256_token(header_json: &str, claims_json: &str, secret: &[u8]) -> String {
    let input = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header_json),
        URL_SAFE_NO_PAD.encode(claims_json)
    );
    let key = jsonwebtoken::EncodingKey::from_secret(secret);
    let signature =
        jsonwebtoken::crypto::sign(input.as_bytes(), &key, jsonwebtoken::Algorithm::HS256).unwrap();
    format!("{input}.{signature}")
}

fn body_hash(body: &[u8]) -> String {
    use sha2::Digest;
    base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(body))
}
