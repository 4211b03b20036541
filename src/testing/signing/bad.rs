//! [`BadSignature`]: every kind of bad signature header a receiver must refuse.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use http::HeaderMap;
use jsonwebtoken::EncodingKey;
use serde_json::json;

use super::{
    RSA, SigningKey, TEST_HMAC_SECRET, TEST_HMAC_SECRET_2, TestSigner, body_hash, headers,
    jwt_sign, signing_input,
};
use crate::signature::{Algorithm, BODY_HASH_CLAIM, Malformed, SignatureError};

/// A kind of bad signature header, made from a [`TestSigner`] for a body.
///
/// [`expected_error`](Self::expected_error) is what the signer's own
/// [`verifier`](TestSigner::verifier) answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum BadSignature {
    /// Signed with another key of the same type, under the signer's `kid`.
    WrongKey,
    /// A good token for another body whose claims were swapped for this
    /// body's hash; the signature no longer matches.
    TamperedClaims,
    /// A good token for other bytes: what a receiver sees when the body was
    /// changed on the way.
    HashOfOtherBody,
    /// `alg: none` and no signature.
    AlgNone,
    /// HS256 with the signer's public key PEM as the HMAC secret (for an
    /// HMAC signer, the built-in RSA public key PEM).
    AlgConfusion,
    /// Not a JWT at all.
    Malformed,
    /// A `kid` no key has.
    UnknownKid,
    /// Signed claims without `request_body_sha256`.
    MissingClaim,
}

impl BadSignature {
    /// Every kind.
    pub const ALL: [BadSignature; 8] = [
        BadSignature::WrongKey,
        BadSignature::TamperedClaims,
        BadSignature::HashOfOtherBody,
        BadSignature::AlgNone,
        BadSignature::AlgConfusion,
        BadSignature::Malformed,
        BadSignature::UnknownKid,
        BadSignature::MissingClaim,
    ];

    /// The `kid` [`BadSignature::UnknownKid`] writes.
    pub const UNKNOWN_KID: &'static str = "unknown-test-kid";

    /// The bad header value for `body`.
    pub fn token(self, signer: &TestSigner, body: &[u8]) -> String {
        let kid = signer.kid.as_deref();
        let claims = json!({ BODY_HASH_CLAIM: body_hash(body) });
        match self {
            BadSignature::WrongKey => {
                let other = match &signer.key {
                    SigningKey::Hmac(secret) if secret == TEST_HMAC_SECRET_2.as_bytes() => {
                        SigningKey::Hmac(TEST_HMAC_SECRET.as_bytes().to_vec())
                    }
                    SigningKey::Hmac(_) => SigningKey::Hmac(TEST_HMAC_SECRET_2.as_bytes().to_vec()),
                    _ => TestSigner::builtin(signer.alg, 1 - signer.builtin.unwrap_or(0)).key,
                };
                signer.sign_parts(&signer.alg_name, kid, &claims, &other)
            }
            BadSignature::TamperedClaims => {
                let good = signer.sign(b"some other body");
                let mut parts = good.split('.');
                let (header, signature) = (parts.next(), parts.nth(1));
                format!(
                    "{}.{}.{}",
                    header.unwrap_or_default(),
                    URL_SAFE_NO_PAD.encode(claims.to_string()),
                    signature.unwrap_or_default()
                )
            }
            BadSignature::HashOfOtherBody => signer.sign(b"some other body"),
            BadSignature::AlgNone => format!("{}.", signing_input("none", kid, &claims)),
            BadSignature::AlgConfusion => {
                let pem = signer.public_key_pem().unwrap_or(RSA[0].public);
                let input = signing_input("HS256", kid, &claims);
                let signature = jwt_sign(
                    Algorithm::HS256,
                    &EncodingKey::from_secret(pem.as_bytes()),
                    input.as_bytes(),
                );
                format!("{input}.{}", URL_SAFE_NO_PAD.encode(signature))
            }
            BadSignature::Malformed => "this-is-not-a-jwt".to_owned(),
            BadSignature::UnknownKid => signer.sign_parts(
                &signer.alg_name,
                Some(Self::UNKNOWN_KID),
                &claims,
                &signer.key,
            ),
            BadSignature::MissingClaim => signer.sign_claims(&json!({ "sub": "not-a-body-hash" })),
        }
    }

    /// A header map holding only the bad signature header for `body`.
    pub fn headers(self, signer: &TestSigner, body: &[u8]) -> HeaderMap {
        headers(self.token(signer, body))
    }

    /// What `signer.verifier()` answers, `None` if it accepts (only
    /// [`BadSignature::UnknownKid`] from a signer without kid, whose key
    /// stands in for unknown kids).
    pub fn expected_error(self, signer: &TestSigner) -> Option<SignatureError> {
        Some(match self {
            BadSignature::WrongKey | BadSignature::TamperedClaims => SignatureError::BadSignature,
            BadSignature::HashOfOtherBody => SignatureError::BodyHashMismatch,
            BadSignature::AlgNone => SignatureError::UnsupportedAlgorithm("none".to_owned()),
            BadSignature::AlgConfusion if signer.hmac_secret().is_some() => {
                SignatureError::BadSignature
            }
            BadSignature::AlgConfusion => SignatureError::AlgorithmMismatch(Algorithm::HS256),
            BadSignature::Malformed => SignatureError::Malformed(Malformed::NotCompact),
            BadSignature::UnknownKid if signer.kid.is_none() => return None,
            BadSignature::UnknownKid => {
                SignatureError::UnknownKid(Some(Self::UNKNOWN_KID.to_owned()))
            }
            BadSignature::MissingClaim => SignatureError::Malformed(Malformed::MissingClaim),
        })
    }
}
