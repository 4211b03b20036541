//! [`SignatureVerifier`]: checks a request's signature JWT against its body,
//! with the key its `kid` names.

use std::fmt;
use std::sync::Arc;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use super::builder::SignatureVerifierBuilder;
use super::key::Key;
use super::token::{Token, body_hash_claim, decode, echo, header_token};
use super::{Algorithm, KeySource, Segment, SignatureError};

/// Verifies FusionAuth's `X-FusionAuth-Signature-JWT` header against the raw
/// body. See the [module docs](super) for an example.
///
/// Verification comes in two halves, so that a webhook can refuse a forged
/// request before reading its body: [`verify_head`](Self::verify_head) checks
/// everything the headers carry (the token's form, `alg`, `kid`, the key, the
/// signature over the token's header and claims) and returns the
/// [`SignedBodyHash`] that then checks the body. [`verify`](Self::verify) does
/// both at once.
///
/// Its keys are fixed when built with [`builder`](Self::builder), or come from
/// a [`KeySource`] that may change them at run time
/// ([`from_source`](Self::from_source)).
///
/// Cheap to clone (the keys are shared); `Send + Sync`. Its `Debug` output
/// lists each key's id and type, never key material.
#[derive(Clone)]
pub struct SignatureVerifier {
    inner: Arc<Inner>,
}

enum Inner {
    Keys(KeySet),
    Source(Box<dyn KeySource>),
    /// No keys: every check fails closed with this reason.
    Unavailable(String),
}

struct KeySet {
    keys: Vec<Key>,
    allow_keys_without_kid: bool,
}

/// The body hash a verified signature vouches for: what is left to check
/// once the body has been read.
///
/// ```
/// use fusionauth_webhooks::{SignatureError, SignatureVerifier};
/// # use base64::Engine as _;
/// # use sha2::Digest as _;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let verifier = SignatureVerifier::builder().hmac(Some("kid-1"), "a-long-hmac-secret").build()?;
/// let body = br#"{"event":{"type":"user.delete"}}"#;
/// # let hash = base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(body));
/// # let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256);
/// # header.kid = Some("kid-1".into());
/// # let key = jsonwebtoken::EncodingKey::from_secret(b"a-long-hmac-secret");
/// # let token = jsonwebtoken::encode(&header, &serde_json::json!({ "request_body_sha256": hash }), &key)?;
/// # let mut headers = http::HeaderMap::new();
/// # headers.insert("x-fusionauth-signature-jwt", token.parse()?);
/// // Before reading the body: the token, its key and its signature.
/// let signed = verifier.verify_head(&headers).await?;
/// // After: only the hash.
/// assert_eq!(signed.check(body), Ok(()));
/// assert_eq!(signed.check(b"{}"), Err(SignatureError::BodyHashMismatch));
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedBodyHash {
    claimed: String,
}

impl SignedBodyHash {
    /// Compares the claimed hash with the SHA-256 of the exact `body`, in
    /// constant time.
    pub fn check(&self, body: &[u8]) -> Result<(), SignatureError> {
        let actual = STANDARD.encode(Sha256::digest(body));
        if bool::from(actual.as_bytes().ct_eq(self.claimed.as_bytes())) {
            Ok(())
        } else {
            Err(SignatureError::BodyHashMismatch)
        }
    }
}

impl SignatureVerifier {
    /// A verifier with fixed keys, checked by the builder.
    pub(super) fn with_keys(keys: Vec<Key>, allow_keys_without_kid: bool) -> SignatureVerifier {
        SignatureVerifier {
            inner: Arc::new(Inner::Keys(KeySet {
                keys,
                allow_keys_without_kid,
            })),
        }
    }

    /// Starts a verifier; add keys, then [`build`](SignatureVerifierBuilder::build).
    pub fn builder() -> SignatureVerifierBuilder {
        SignatureVerifierBuilder::default()
    }

    /// A verifier whose keys come from `source` at each request, refreshed
    /// through it when a token names a `kid` it does not have (see
    /// [`KeySource`] for an example).
    pub fn from_source(source: impl KeySource) -> SignatureVerifier {
        SignatureVerifier {
            inner: Arc::new(Inner::Source(Box::new(source))),
        }
    }

    /// A verifier without keys, for a [`KeySource`] that has none it can
    /// trust now: every request is refused with
    /// [`SignatureError::KeysUnavailable`] and `reason` (which the webhook
    /// answers with 503 and logs), until the source has keys again.
    ///
    /// ```
    /// use fusionauth_webhooks::{SignatureError, SignatureVerifier};
    ///
    /// let verifier = SignatureVerifier::unavailable("fusionauth unreachable for 2h");
    /// assert_eq!(
    ///     verifier.verify_token("eyJhbGciOiJIUzI1NiJ9.e30.e30", b"{}"),
    ///     Err(SignatureError::KeysUnavailable("fusionauth unreachable for 2h".into())),
    /// );
    /// ```
    pub fn unavailable(reason: impl Into<String>) -> SignatureVerifier {
        SignatureVerifier {
            inner: Arc::new(Inner::Unavailable(reason.into())),
        }
    }

    /// Verifies the request's signature header over the exact raw `body`.
    ///
    /// Call it before anything parses the body: a parser that re-serializes
    /// JSON changes the bytes, and the hash no longer matches. With a
    /// [`KeySource`], this uses its current keys without refreshing them;
    /// [`verify_head`](Self::verify_head) refreshes.
    pub fn verify(&self, headers: &http::HeaderMap, body: &[u8]) -> Result<(), SignatureError> {
        self.verify_token(header_token(headers)?, body)
    }

    /// Verifies a signature JWT (the header's value) over the exact raw `body`.
    ///
    /// For frameworks whose header map is not [`http::HeaderMap`].
    pub fn verify_token(&self, token: &str, body: &[u8]) -> Result<(), SignatureError> {
        self.check(&Token::parse(token)?)?.check(body)
    }

    /// Verifies everything about the request's signature that the headers
    /// carry, before the body is read, and returns the hash the body must
    /// have. A token whose `kid` a [`KeySource`] does not know makes the
    /// source refresh (at its own pace) and is checked again.
    pub async fn verify_head(
        &self,
        headers: &http::HeaderMap,
    ) -> Result<SignedBodyHash, SignatureError> {
        let token = Token::parse(header_token(headers)?)?;
        let result = self.check(&token);
        if let (Err(SignatureError::UnknownKid(_)), Inner::Source(source), Some(kid)) =
            (&result, &*self.inner, token.kid())
            && let Some(refreshed) = source.refresh(kid).await
        {
            return refreshed.check(&token);
        }
        result
    }

    /// Checks a parsed token with the keys there are now.
    fn check(&self, token: &Token<'_>) -> Result<SignedBodyHash, SignatureError> {
        match &*self.inner {
            Inner::Keys(keys) => keys.check(token),
            Inner::Source(source) => source.current().check(token),
            Inner::Unavailable(reason) => Err(SignatureError::KeysUnavailable(reason.clone())),
        }
    }
}

impl fmt::Debug for SignatureVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut debug = f.debug_struct("SignatureVerifier");
        match &*self.inner {
            Inner::Keys(set) => debug
                .field("keys", &set.keys)
                .field("allow_keys_without_kid", &set.allow_keys_without_kid),
            Inner::Source(source) => debug.field("source", source),
            Inner::Unavailable(reason) => debug.field("unavailable", reason),
        };
        debug.finish()
    }
}

impl KeySet {
    /// Checks the token's key and signature; the body hash is left to the caller.
    fn check(&self, token: &Token<'_>) -> Result<SignedBodyHash, SignatureError> {
        let candidates = self.candidates(token.kid(), token.alg)?;
        let claims = decode(token.claims, Segment::Claims)?;
        let signature = decode(token.signature, Segment::Signature)?;
        if !candidates
            .iter()
            .any(|key| key.verify(token.alg, token.signing_input, &signature))
        {
            return Err(SignatureError::BadSignature);
        }
        // Parsed only once the signature vouches for them.
        Ok(SignedBodyHash {
            claimed: body_hash_claim(&claims)?,
        })
    }

    /// The keys a token with this `kid` and `alg` may be checked against.
    fn candidates(&self, kid: Option<&str>, alg: Algorithm) -> Result<Vec<&Key>, SignatureError> {
        let keys = &self.keys;
        let open = self.allow_keys_without_kid;
        if let Some(kid) = kid
            && let Some(key) = keys.iter().find(|key| key.kid.as_deref() == Some(kid))
        {
            return if key.accepts(alg) {
                Ok(vec![key])
            } else {
                Err(SignatureError::AlgorithmMismatch(alg))
            };
        }
        // No key names this kid: only opted-in keys without kid may stand in
        // (all keys, for a token without kid).
        let pool: Vec<&Key> = keys
            .iter()
            .filter(|key| open && (kid.is_none() || key.kid.is_none()))
            .collect();
        if pool.is_empty() {
            return Err(SignatureError::UnknownKid(kid.map(echo)));
        }
        let fitting: Vec<&Key> = pool.into_iter().filter(|key| key.accepts(alg)).collect();
        if fitting.is_empty() {
            return Err(SignatureError::AlgorithmMismatch(alg));
        }
        Ok(fitting)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send_sync_clone<T: Send + Sync + Clone + 'static>() {}

    #[test]
    fn verifier_is_send_sync_and_clone() {
        assert_send_sync_clone::<SignatureVerifier>();
    }

    #[test]
    fn debug_never_shows_the_secret() {
        let verifier = SignatureVerifier::builder()
            .hmac(Some("kid-1"), "super-secret-value")
            .build()
            .unwrap();
        let debug = format!("{verifier:?}");
        assert!(!debug.contains("super-secret-value"), "{debug}");
        assert!(debug.contains("kid-1") && debug.contains("hmac"), "{debug}");
        let builder = SignatureVerifier::builder().hmac(None, "super-secret-value");
        assert!(!format!("{builder:?}").contains("super-secret-value"));
    }
}
