//! Why a signature was refused, and why a verifier could not be built.

use std::fmt;
use std::path::PathBuf;

use super::{Algorithm, SIGNATURE_HEADER};

/// Why a request's signature was refused.
///
/// Every variant means "do not trust this body"; the receiver answers 401,
/// except for [`KeysUnavailable`](SignatureError::KeysUnavailable) (503:
/// nothing is wrong with the request, the sender should try again).
/// Values taken from the token (`alg`, `kid`) are shortened before they are
/// kept, so the message is safe to log.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SignatureError {
    /// The request has no `X-FusionAuth-Signature-JWT` header.
    #[error("missing header `{SIGNATURE_HEADER}`")]
    MissingHeader,
    /// The request has more than one `X-FusionAuth-Signature-JWT` header.
    #[error("header `{SIGNATURE_HEADER}` appears more than once")]
    RepeatedHeader,
    /// The header is not a well-formed signed JWT with the body hash claim.
    #[error("malformed `{SIGNATURE_HEADER}`: {0}")]
    Malformed(Malformed),
    /// The token's `alg` is not one FusionAuth signs with (`none` included).
    #[error("unsupported signature algorithm `{0}`")]
    UnsupportedAlgorithm(String),
    /// No configured key has the token's `kid` (`None`: the token has none).
    #[error("{}", unknown_kid(.0.as_deref()))]
    UnknownKid(Option<String>),
    /// The token's `alg` does not fit the selected key's type or algorithm,
    /// e.g. HS256 against an RSA key.
    #[error("algorithm `{0}` does not fit the signing key")]
    AlgorithmMismatch(Algorithm),
    /// The signature does not verify with the selected key.
    #[error("the signature does not verify")]
    BadSignature,
    /// The signature is good but `request_body_sha256` is not the SHA-256 of
    /// the body received.
    #[error(
        "`request_body_sha256` does not match the SHA-256 of the request body; \
         was the raw body changed before verification (by a proxy, or by a JSON \
         parser that re-serialized it)?"
    )]
    BodyHashMismatch,
    /// There are no keys to verify with now: a
    /// [`KeySource`](super::KeySource) gave a
    /// [`SignatureVerifier::unavailable`](super::SignatureVerifier::unavailable)
    /// (for example, it could not refresh its keys for longer than it trusts
    /// them). The receiver answers 503 and logs the reason.
    #[error("no signature keys to verify with: {0}")]
    KeysUnavailable(String),
}

fn unknown_kid(kid: Option<&str>) -> String {
    match kid {
        Some(kid) => format!("no key with kid `{kid}` is configured"),
        None => "the token has no `kid`; keys are tried without one only after \
                 `allow_keys_without_kid()`"
            .to_owned(),
    }
}

/// What is wrong with a malformed signature header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Malformed {
    /// The value has characters a JWT cannot have.
    #[error("expected visible ASCII")]
    NotAscii,
    /// The value is longer than any webhook signature.
    #[error("longer than {} bytes", super::token::MAX_TOKEN_LEN)]
    TooLong,
    /// Not three `.`-separated segments.
    #[error("expected a compact JWT (three base64url segments separated by `.`)")]
    NotCompact,
    /// A segment is not unpadded base64url.
    #[error("the {0} segment is not unpadded base64url")]
    Base64(Segment),
    /// The JOSE header is not a JSON object with a string `alg`.
    #[error("the JWT header is not a JSON object with a string `alg`")]
    Header,
    /// The JOSE header lists critical extensions (`crit`), which are not supported.
    #[error("the JWT header has critical extensions (`crit`)")]
    Critical,
    /// The claims are not a JSON object, or the claim is not a string.
    #[error("the JWT claims are not a JSON object with a string `request_body_sha256`")]
    Claims,
    /// The claims have no `request_body_sha256`.
    #[error("the JWT claims have no `request_body_sha256`")]
    MissingClaim,
}

/// One of the three parts of a compact JWT.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Segment {
    /// The JOSE header (first segment).
    Header,
    /// The claims (second segment).
    Claims,
    /// The signature (third segment).
    Signature,
}

impl fmt::Display for Segment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Segment::Header => "header",
            Segment::Claims => "claims",
            Segment::Signature => "signature",
        })
    }
}

/// Why a [`SignatureVerifier`](super::SignatureVerifier) could not be built.
///
/// Messages never contain key material.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SignatureConfigError {
    /// The builder was given no key.
    #[error("no signature key configured")]
    NoKeys,
    /// An HMAC secret is empty.
    #[error("the hmac secret is empty")]
    EmptyHmacSecret,
    /// A `kid` is the empty string.
    #[error("a key id (`kid`) is empty")]
    EmptyKid,
    /// A PEM key could not be used.
    #[error("{}: {reason}", pem_key(.kid.as_deref()))]
    InvalidPem {
        /// The `kid` the key was given.
        kid: Option<String>,
        /// What is wrong, and what was expected.
        reason: String,
    },
    /// A JWKS could not be used.
    #[error("invalid jwks: {0}")]
    InvalidJwks(String),
    /// A JWKS file could not be read.
    #[error("cannot read jwks file {}: {reason}", .path.display())]
    ReadJwks {
        /// The file.
        path: PathBuf,
        /// The I/O error's message.
        reason: String,
    },
    /// [`only_kids`](super::SignatureVerifierBuilder::only_kids) names a key
    /// id that none of the added keys has.
    #[error("`only_kids` names kid `{0}`, which none of the keys has")]
    AllowedKidMissing(String),
    /// Two keys have the same `kid`.
    #[error("two keys have kid `{0}`")]
    DuplicateKid(String),
    /// A key has no `kid` but `allow_keys_without_kid()` was not called.
    #[error(
        "a key has no kid; FusionAuth names its key in every token, so give the \
         key's id, or call `allow_keys_without_kid()`"
    )]
    KeyWithoutKid,
    /// An environment variable is set but cannot be used (empty, not
    /// valid Unicode).
    #[error(transparent)]
    Environment(#[from] crate::env::EnvError),
    /// An HMAC secret starts or ends with white space: most likely a
    /// copy-paste slip or a file's final newline, which FusionAuth's secret
    /// does not have.
    #[error(
        "the hmac secret starts or ends with white space; remove it (FusionAuth's \
         secrets never do, so such a secret could never match)"
    )]
    SecretWhitespace,
    /// An environment variable needs another one that is not set.
    #[error("`{set}` is set but `{missing}` is not")]
    IncompleteEnv {
        /// The variable that is set.
        set: &'static str,
        /// The variable it needs.
        missing: &'static str,
    },
}

fn pem_key(kid: Option<&str>) -> String {
    match kid {
        Some(kid) => format!("invalid pem key (kid `{kid}`)"),
        None => "invalid pem key".to_owned(),
    }
}
