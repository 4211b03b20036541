//! Sign webhook bodies like FusionAuth does, and forge bad signatures, in tests.
//!
//! [`TestSigner`] writes the `X-FusionAuth-Signature-JWT` value FusionAuth
//! would send for a body: a JWT with header `{"alg", "typ": "JWT", "kid"}` and
//! the single claim `request_body_sha256`. [`BadSignature`] makes every kind
//! of bad value a receiver must refuse.
//!
//! **The keys are public test keys** (committed under
//! `src/testing/keys/` and embedded here). Never use them, or
//! the built-in HMAC secrets, outside tests.
//!
//! # Example
//!
//! ```
//! use fusionauth_webhooks::signature::Algorithm;
//! use fusionauth_webhooks::testing::signing::{BadSignature, TestSigner};
//!
//! let signer = TestSigner::new(Algorithm::ES256).with_kid("my-key-id");
//! let verifier = signer.verifier(); // or: .public_key_pem(Some("my-key-id"), signer.public_key_pem().unwrap())
//! let body = br#"{"event":{"type":"user.create"}}"#;
//!
//! assert_eq!(verifier.verify(&signer.headers(body), body), Ok(()));
//! for bad in BadSignature::ALL {
//!     let result = verifier.verify(&bad.headers(&signer, body), body);
//!     assert_eq!(result.err(), bad.expected_error(&signer), "{bad:?}");
//! }
//! ```

mod bad;

use std::fmt;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use http::{HeaderMap, HeaderValue};
use jsonwebtoken::EncodingKey;
use jsonwebtoken::crypto::rust_crypto::DEFAULT_PROVIDER;
use jsonwebtoken::signature::Signer;
use p521::pkcs8::DecodePrivateKey;
use serde_json::json;

use crate::signature::{
    Algorithm, BODY_HASH_CLAIM, SIGNATURE_HEADER_NAME, SignatureVerifier, body_hash,
};

/// Built-in test HMAC secret (the first of two). Public: tests only.
pub const TEST_HMAC_SECRET: &str = "fusionauth-webhooks public test HMAC secret A";
/// Built-in second test HMAC secret. Public: tests only.
pub const TEST_HMAC_SECRET_2: &str = "fusionauth-webhooks public test HMAC secret B";

/// A test key pair in PEM (PKCS#1 private key for RSA, else PKCS#8; SPKI public key).
struct TestKey {
    private: &'static str,
    public: &'static str,
}

macro_rules! test_key {
    ($name:literal) => {
        TestKey {
            private: include_str!(concat!("../keys/", $name, ".private.pem")),
            public: include_str!(concat!("../keys/", $name, ".public.pem")),
        }
    };
}

const RSA: [TestKey; 2] = [test_key!("rsa-a"), test_key!("rsa-b")];
const P256: [TestKey; 2] = [test_key!("p256-a"), test_key!("p256-b")];
const P384: [TestKey; 2] = [test_key!("p384-a"), test_key!("p384-b")];
const P521: [TestKey; 2] = [test_key!("p521-a"), test_key!("p521-b")];
const ED25519: [TestKey; 2] = [test_key!("ed25519-a"), test_key!("ed25519-b")];

/// Signs webhook bodies as FusionAuth does, with a built-in test key.
///
/// Each algorithm has two built-in keys (RSA 2048, P-256, P-384, P-521,
/// Ed25519, or an HMAC secret): [`new`](Self::new) uses the first, with kid
/// `test-<type>-a`, and [`second_key`](Self::second_key) the second, with kid
/// `test-<type>-b` (for rotation tests). [`verifier`](Self::verifier) gives
/// a [`SignatureVerifier`] that trusts the signer.
#[derive(Clone)]
pub struct TestSigner {
    alg: Algorithm,
    alg_name: String,
    kid: Option<String>,
    key: SigningKey,
    /// Which built-in key (0 or 1); `None` for a caller's HMAC secret.
    builtin: Option<usize>,
}

#[derive(Clone)]
enum SigningKey {
    Hmac(Vec<u8>),
    Jwt(EncodingKey),
    P521(p521::ecdsa::SigningKey),
}

impl TestSigner {
    /// A signer with the first built-in key for `alg`.
    pub fn new(alg: Algorithm) -> TestSigner {
        TestSigner::builtin(alg, 0)
    }

    /// A signer with the second built-in key for `alg`: another key of the
    /// same type, with kid `test-<type>-b`.
    pub fn second_key(alg: Algorithm) -> TestSigner {
        TestSigner::builtin(alg, 1)
    }

    /// An HMAC signer with your own secret, kid `test-hmac`.
    ///
    /// # Panics
    ///
    /// If `alg` is not HS256, HS384 or HS512.
    pub fn hmac(alg: Algorithm, secret: impl AsRef<[u8]>) -> TestSigner {
        assert!(
            matches!(alg, Algorithm::HS256 | Algorithm::HS384 | Algorithm::HS512),
            "TestSigner::hmac needs an HMAC algorithm, not {alg}"
        );
        TestSigner {
            alg,
            alg_name: alg.name().to_owned(),
            kid: Some("test-hmac".to_owned()),
            key: SigningKey::Hmac(secret.as_ref().to_vec()),
            builtin: None,
        }
    }

    fn builtin(alg: Algorithm, index: usize) -> TestSigner {
        let letter = ["a", "b"][index];
        let (family, key) = match alg {
            Algorithm::HS256 | Algorithm::HS384 | Algorithm::HS512 => {
                let secret = [TEST_HMAC_SECRET, TEST_HMAC_SECRET_2][index];
                ("hmac", SigningKey::Hmac(secret.as_bytes().to_vec()))
            }
            Algorithm::RS256 | Algorithm::RS384 | Algorithm::RS512 => (
                "rsa",
                SigningKey::Jwt(EncodingKey::from_rsa_der(&der(RSA[index].private))),
            ),
            Algorithm::ES256 => (
                "p256",
                SigningKey::Jwt(EncodingKey::from_ec_der(&der(P256[index].private))),
            ),
            Algorithm::ES384 => (
                "p384",
                SigningKey::Jwt(EncodingKey::from_ec_der(&der(P384[index].private))),
            ),
            Algorithm::ES512 => {
                let key = p521::SecretKey::from_pkcs8_der(&der(P521[index].private))
                    .ok()
                    .and_then(|key| p521::ecdsa::SigningKey::from_bytes(&key.to_bytes()).ok())
                    .expect("built-in P-521 test key is valid");
                ("p521", SigningKey::P521(key))
            }
            Algorithm::Ed25519 => (
                "ed25519",
                SigningKey::Jwt(EncodingKey::from_ed_der(&der(ED25519[index].private))),
            ),
        };
        TestSigner {
            alg,
            alg_name: alg.name().to_owned(),
            kid: Some(format!("test-{family}-{letter}")),
            key,
            builtin: Some(index),
        }
    }

    /// Sets the `kid` written in the header (FusionAuth's Key Master key id).
    pub fn with_kid(mut self, kid: impl Into<String>) -> TestSigner {
        self.kid = Some(kid.into());
        self
    }

    /// Writes no `kid` (FusionAuth always writes one).
    pub fn without_kid(mut self) -> TestSigner {
        self.kid = None;
        self
    }

    /// Writes another `alg` name, e.g. `EdDSA` instead of FusionAuth's
    /// `Ed25519`; the signature is still made with the signer's algorithm.
    pub fn with_alg_name(mut self, name: impl Into<String>) -> TestSigner {
        self.alg_name = name.into();
        self
    }

    /// The signing algorithm.
    pub fn algorithm(&self) -> Algorithm {
        self.alg
    }

    /// The `kid` written in the header.
    pub fn kid(&self) -> Option<&str> {
        self.kid.as_deref()
    }

    /// The public key in PEM (SPKI), for asymmetric algorithms.
    pub fn public_key_pem(&self) -> Option<&'static str> {
        let index = self.builtin?;
        let keys = match self.alg {
            Algorithm::RS256 | Algorithm::RS384 | Algorithm::RS512 => &RSA,
            Algorithm::ES256 => &P256,
            Algorithm::ES384 => &P384,
            Algorithm::ES512 => &P521,
            Algorithm::Ed25519 => &ED25519,
            _ => return None,
        };
        Some(keys[index].public)
    }

    /// The HMAC secret, for HMAC algorithms.
    pub fn hmac_secret(&self) -> Option<&[u8]> {
        match &self.key {
            SigningKey::Hmac(secret) => Some(secret),
            _ => None,
        }
    }

    /// A verifier that trusts this signer's key under its `kid` (a signer
    /// without kid gives a key without kid, with `allow_keys_without_kid`).
    pub fn verifier(&self) -> SignatureVerifier {
        let builder = SignatureVerifier::builder();
        let builder = match self.hmac_secret() {
            Some(secret) => builder.hmac(self.kid(), secret),
            None => builder.public_key_pem(self.kid(), self.public_key_pem().unwrap_or_default()),
        };
        let builder = if self.kid.is_none() {
            builder.allow_keys_without_kid()
        } else {
            builder
        };
        builder
            .build()
            .expect("a test signer's own key makes a valid verifier")
    }

    /// The header value FusionAuth would send with `body`.
    pub fn sign(&self, body: &[u8]) -> String {
        self.sign_claims(&json!({ BODY_HASH_CLAIM: body_hash(body) }))
    }

    /// A header map holding only the signature header for `body`.
    pub fn headers(&self, body: &[u8]) -> HeaderMap {
        headers(self.sign(body))
    }

    /// Signs any claims, e.g. to test a claim FusionAuth does not send.
    pub fn sign_claims(&self, claims: &serde_json::Value) -> String {
        self.sign_parts(&self.alg_name, self.kid.as_deref(), claims, &self.key)
    }

    fn sign_parts(
        &self,
        alg_name: &str,
        kid: Option<&str>,
        claims: &serde_json::Value,
        key: &SigningKey,
    ) -> String {
        let input = signing_input(alg_name, kid, claims);
        let signature = sign(self.alg, key, input.as_bytes());
        format!("{input}.{}", URL_SAFE_NO_PAD.encode(signature))
    }
}

impl fmt::Debug for TestSigner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TestSigner")
            .field("alg", &self.alg)
            .field("alg_name", &self.alg_name)
            .field("kid", &self.kid)
            .field("key", &"[REDACTED]")
            .finish()
    }
}

/// The DER inside a built-in PEM key (PKCS#1 for RSA, PKCS#8 for the others).
fn der(pem: &str) -> Vec<u8> {
    pem::parse(pem)
        .expect("built-in test key is PEM")
        .into_contents()
}

/// `base64url(header) "." base64url(claims)`, header members in FusionAuth's order.
fn signing_input(alg_name: &str, kid: Option<&str>, claims: &serde_json::Value) -> String {
    let header = match kid {
        Some(kid) => json!({ "alg": alg_name, "typ": "JWT", "kid": kid }),
        None => json!({ "alg": alg_name, "typ": "JWT" }),
    };
    format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        URL_SAFE_NO_PAD.encode(claims.to_string())
    )
}

fn sign(alg: Algorithm, key: &SigningKey, message: &[u8]) -> Vec<u8> {
    match key {
        SigningKey::P521(key) => {
            let signature: p521::ecdsa::Signature = key.sign(message);
            signature.to_bytes().to_vec()
        }
        SigningKey::Hmac(secret) => jwt_sign(alg, &EncodingKey::from_secret(secret), message),
        SigningKey::Jwt(key) => jwt_sign(alg, key, message),
    }
}

fn jwt_sign(alg: Algorithm, key: &EncodingKey, message: &[u8]) -> Vec<u8> {
    let alg = alg
        .to_jwt()
        .expect("jsonwebtoken has every algorithm but ES512");
    (DEFAULT_PROVIDER.signer_factory)(&alg, key)
        .and_then(|signer| Ok(signer.try_sign(message)?))
        .expect("a built-in test key signs")
}

fn headers(token: String) -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert(
        SIGNATURE_HEADER_NAME,
        HeaderValue::try_from(token).expect("a JWT is a valid header value"),
    );
    headers
}

pub use bad::BadSignature;
