//! Verification of FusionAuth's webhook signature, `X-FusionAuth-Signature-JWT`.
//!
//! # Example
//!
//! ```
//! use fusionauth_webhooks::signature::{SIGNATURE_HEADER_NAME, SignatureError, SignatureVerifier};
//! # use base64::Engine;
//! # use sha2::Digest;
//!
//! let verifier = SignatureVerifier::builder()
//!     .hmac(Some("2f8fb0f3-key-master-id"), "the HMAC secret from Key Master")
//!     .build()?;
//!
//! // What FusionAuth sends: a JWT over the SHA-256 of the exact body bytes.
//! let body = br#"{"event":{"type":"user.delete","id":"e502168a-b469-45d9-a079-fd45f83e0406"}}"#;
//! let hash = base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(body));
//! let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256);
//! header.kid = Some("2f8fb0f3-key-master-id".into());
//! let token = jsonwebtoken::encode(
//!     &header,
//!     &serde_json::json!({ "request_body_sha256": hash }),
//!     &jsonwebtoken::EncodingKey::from_secret(b"the HMAC secret from Key Master"),
//! )?;
//! let mut headers = http::HeaderMap::new();
//! headers.insert(SIGNATURE_HEADER_NAME, token.parse()?);
//!
//! assert_eq!(verifier.verify(&headers, body), Ok(()));
//! // One changed byte (a re-serialized body, say) and the hash no longer matches.
//! let reserialized = br#"{"event": {"type":"user.delete","id":"e502168a-b469-45d9-a079-fd45f83e0406"}}"#;
//! assert_eq!(verifier.verify(&headers, reserialized), Err(SignatureError::BodyHashMismatch));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # What is checked
//!
//! Since version 1.48 FusionAuth can sign each webhook request with a Key
//! Master key: the header holds a compact JWT whose only claim,
//! `request_body_sha256`, is the standard Base64 (with padding) of the SHA-256
//! of the body, and whose header names the key in `kid`. There is no `exp`,
//! `iat`, `iss` or `aud`, so the JWT says nothing about time: use the event's
//! `id` to spot a delivery seen before. [`SignatureVerifier::verify`]:
//!
//! 1. reads the header (missing or repeated: refused);
//! 2. picks the key the `kid` names (unknown: refused, unless
//!    [`allow_keys_without_kid`](SignatureVerifierBuilder::allow_keys_without_kid));
//! 3. checks that the `alg` fits that key's type, so an HMAC `alg` can never
//!    meet an RSA public key (no algorithm confusion), and that it is an
//!    algorithm FusionAuth uses (`none` never is);
//! 4. verifies the signature, then compares the claim with the SHA-256 of the
//!    raw body in constant time.
//!
//! Keys: HMAC secrets (HS256/384/512), and public keys as PEM or as a JWKS
//! such as FusionAuth's `/.well-known/jwks.json`: RSA (RS256/384/512), EC
//! (ES256 on P-256, ES384 on P-384, ES512 on P-521) and Ed25519. FusionAuth
//! writes the `alg` of an Ed25519 key as `Ed25519`; the standard `EdDSA` is
//! accepted as well.
//!
//! Verification runs on the bytes as received, before any JSON parsing: a
//! framework or proxy that re-serializes the body breaks the hash, and
//! [`SignatureError::BodyHashMismatch`] says so.

mod algorithm;
mod builder;
mod env;
mod error;
mod key;
mod signer;
mod source;
mod token;
mod verifier;

pub use algorithm::Algorithm;
pub use builder::SignatureVerifierBuilder;
pub use error::{Malformed, Segment, SignatureConfigError, SignatureError};
#[cfg(feature = "testing")]
pub(crate) use signer::body_hash;
pub use signer::{SignError, Signer};
pub use source::KeySource;
pub use verifier::{SignatureVerifier, SignedBodyHash};

/// The request header FusionAuth puts the signature JWT in.
pub const SIGNATURE_HEADER: &str = "X-FusionAuth-Signature-JWT";

/// [`SIGNATURE_HEADER`] as an [`http::HeaderName`] (lowercase, as HTTP/2 sends it).
pub const SIGNATURE_HEADER_NAME: http::HeaderName =
    http::HeaderName::from_static("x-fusionauth-signature-jwt");

/// The JWT claim holding the Base64 SHA-256 of the request body.
pub const BODY_HASH_CLAIM: &str = "request_body_sha256";
