//! [`SignatureVerifier`]: checks a request's signature JWT against its body.

use std::fmt;
use std::path::Path;
use std::sync::Arc;

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use super::key::Key;
use super::{
    Algorithm, BODY_HASH_CLAIM, KeySource, Malformed, SIGNATURE_HEADER, Segment,
    SignatureConfigError, SignatureError,
};

/// The longest signature header accepted, in bytes. FusionAuth's tokens are
/// under 1 KiB (an RSA-4096 signature is 683 characters).
pub(crate) const MAX_TOKEN_LEN: usize = 8 * 1024;

/// How much of a token's `alg` or `kid` an error keeps.
const MAX_ECHO_CHARS: usize = 64;

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
            (&result, &*self.inner, token.header.kid.as_deref())
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
        };
        debug.finish()
    }
}

impl KeySet {
    /// Checks the token's key and signature; the body hash is left to the caller.
    fn check(&self, token: &Token<'_>) -> Result<SignedBodyHash, SignatureError> {
        let candidates = self.candidates(token.header.kid.as_deref(), token.alg)?;
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

/// The one value of the signature header.
fn header_token(headers: &http::HeaderMap) -> Result<&str, SignatureError> {
    let mut values = headers.get_all(SIGNATURE_HEADER).iter();
    let value = values.next().ok_or(SignatureError::MissingHeader)?;
    if values.next().is_some() {
        return Err(SignatureError::RepeatedHeader);
    }
    value
        .to_str()
        .map_err(|_| SignatureError::Malformed(Malformed::NotAscii))
}

/// A compact JWT split into its parts, its JOSE header read.
struct Token<'a> {
    header: JoseHeader,
    alg: Algorithm,
    signing_input: &'a [u8],
    claims: &'a str,
    signature: &'a str,
}

impl<'a> Token<'a> {
    fn parse(token: &'a str) -> Result<Token<'a>, SignatureError> {
        if token.len() > MAX_TOKEN_LEN {
            return Err(SignatureError::Malformed(Malformed::TooLong));
        }
        if !token.bytes().all(|byte| byte.is_ascii_graphic()) {
            return Err(SignatureError::Malformed(Malformed::NotAscii));
        }
        let mut segments = token.split('.');
        let (Some(header), Some(claims), Some(signature), None) = (
            segments.next(),
            segments.next(),
            segments.next(),
            segments.next(),
        ) else {
            return Err(SignatureError::Malformed(Malformed::NotCompact));
        };
        let signing_input = &token.as_bytes()[..header.len() + 1 + claims.len()];
        let header = JoseHeader::parse(&decode(header, Segment::Header)?)?;
        let alg = Algorithm::from_name(&header.alg)
            .ok_or_else(|| SignatureError::UnsupportedAlgorithm(echo(&header.alg)))?;
        Ok(Token {
            header,
            alg,
            signing_input,
            claims,
            signature,
        })
    }
}

/// Builds a [`SignatureVerifier`]; errors in any step are reported by
/// [`build`](Self::build).
///
/// A token is checked against the key its `kid` names, with its `alg` only if
/// that fits the key: HMAC keys take HS256/384/512, RSA keys RS256/384/512,
/// P-256, P-384 and P-521 keys ES256, ES384 and ES512, Ed25519 keys
/// `Ed25519`/`EdDSA`. Several keys at once (old and new, during a rotation)
/// are fine, as long as their ids differ.
#[derive(Default)]
pub struct SignatureVerifierBuilder {
    keys: Vec<Key>,
    allow_keys_without_kid: bool,
    only_kids: Option<Vec<String>>,
    error: Option<SignatureConfigError>,
}

impl SignatureVerifierBuilder {
    /// Adds an HMAC secret (HS256, HS384 or HS512, as the token says).
    ///
    /// `kid` is the key's Key Master id; `secret` is the secret as Key
    /// Master shows it, whose bytes are the HMAC key (as in FusionAuth).
    pub fn hmac(self, kid: Option<&str>, secret: impl AsRef<[u8]>) -> Self {
        let kid = kid.map(str::to_owned);
        let secret = secret.as_ref();
        if secret.first().is_some_and(u8::is_ascii_whitespace)
            || secret.last().is_some_and(u8::is_ascii_whitespace)
        {
            return self.fail(SignatureConfigError::SecretWhitespace);
        }
        self.add(|| Key::hmac(kid, secret).map(|key| vec![key]))
    }

    /// Adds a public key in PEM (`-----BEGIN PUBLIC KEY-----`, or
    /// `RSA PUBLIC KEY`): RSA (2048 bits or more), EC P-256, P-384 or P-521,
    /// or Ed25519, told apart by the key itself.
    pub fn public_key_pem(self, kid: Option<&str>, pem: impl AsRef<[u8]>) -> Self {
        let kid = kid.map(str::to_owned);
        self.add(|| Key::from_pem(kid, pem.as_ref()).map(|key| vec![key]))
    }

    /// Adds the keys of a JWKS, such as FusionAuth's `/.well-known/jwks.json`.
    ///
    /// RSA, EC (P-256, P-384, P-521) and OKP (Ed25519) keys are used, each
    /// with its `kid` and, if it has one, only with its `alg`. Keys for
    /// other uses (`use` other than `sig`), of other types or with other
    /// algorithms are skipped; a set with no usable key is an error.
    pub fn jwks(self, json: &str) -> Self {
        self.add(|| Key::from_jwks(json))
    }

    /// Adds the keys of a JWKS file; see [`jwks`](Self::jwks).
    pub fn jwks_file(self, path: impl AsRef<Path>) -> Self {
        let path = path.as_ref();
        match std::fs::read_to_string(path) {
            Ok(json) => self.jwks(&json),
            Err(error) => self.fail(SignatureConfigError::ReadJwks {
                path: path.to_owned(),
                reason: error.to_string(),
            }),
        }
    }

    /// Lets keys and tokens go without a `kid`.
    ///
    /// FusionAuth names its key in every token, so by default a key must
    /// have an id, a token without `kid` is refused and so is a `kid` no key
    /// has. With this, a token without `kid` is checked against every key
    /// that fits its `alg`, and a token whose `kid` no key has against every
    /// key without an id that fits. An `alg` never reaches a key of another
    /// type either way.
    pub fn allow_keys_without_kid(mut self) -> Self {
        self.allow_keys_without_kid = true;
        self
    }

    /// Keeps only the keys with these ids, whatever else was added: the way
    /// to trust FusionAuth's whole `/.well-known/jwks.json` for the webhook's
    /// signing key alone. That document lists every asymmetric key of the
    /// instance, including those that sign access and ID tokens, and a
    /// verifier should not accept a webhook signed by one of them.
    ///
    /// Keys without an id are dropped too. Naming an id that no added key has
    /// is an error from [`build`](Self::build) (a typo would otherwise leave
    /// the webhook unverifiable).
    ///
    /// ```
    /// use fusionauth_webhooks::{SignatureConfigError, SignatureVerifier};
    ///
    /// let verifier = SignatureVerifier::builder()
    ///     .hmac(Some("webhook-key"), "a-long-hmac-secret")
    ///     .hmac(Some("id-token-key"), "another-long-secret")
    ///     .only_kids(["webhook-key"])
    ///     .build()?;
    /// assert!(format!("{verifier:?}").contains("webhook-key"));
    /// assert!(!format!("{verifier:?}").contains("id-token-key"));
    ///
    /// let typo = SignatureVerifier::builder()
    ///     .hmac(Some("webhook-key"), "a-long-hmac-secret")
    ///     .only_kids(["webhok-key"])
    ///     .build();
    /// assert_eq!(typo.unwrap_err(), SignatureConfigError::AllowedKidMissing("webhok-key".into()));
    /// # Ok::<(), SignatureConfigError>(())
    /// ```
    pub fn only_kids<I, S>(mut self, kids: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.only_kids
            .get_or_insert_with(Vec::new)
            .extend(kids.into_iter().map(Into::into));
        self
    }

    /// Builds the verifier, or says what is wrong with the configuration.
    pub fn build(mut self) -> Result<SignatureVerifier, SignatureConfigError> {
        if let Some(error) = self.error {
            return Err(error);
        }
        if let Some(allowed) = &self.only_kids {
            if let Some(missing) = allowed
                .iter()
                .find(|kid| !self.keys.iter().any(|key| key.kid.as_ref() == Some(*kid)))
            {
                return Err(SignatureConfigError::AllowedKidMissing(missing.clone()));
            }
            self.keys
                .retain(|key| key.kid.as_ref().is_some_and(|kid| allowed.contains(kid)));
        }
        if self.keys.is_empty() {
            return Err(SignatureConfigError::NoKeys);
        }
        for (index, key) in self.keys.iter().enumerate() {
            match &key.kid {
                None if !self.allow_keys_without_kid => {
                    return Err(SignatureConfigError::KeyWithoutKid);
                }
                None => {}
                Some(kid) if kid.is_empty() => return Err(SignatureConfigError::EmptyKid),
                Some(kid)
                    if self.keys[..index]
                        .iter()
                        .any(|other| other.kid.as_deref() == Some(kid)) =>
                {
                    return Err(SignatureConfigError::DuplicateKid(kid.clone()));
                }
                Some(_) => {}
            }
        }
        Ok(SignatureVerifier {
            inner: Arc::new(Inner::Keys(KeySet {
                keys: self.keys,
                allow_keys_without_kid: self.allow_keys_without_kid,
            })),
        })
    }

    fn add(mut self, keys: impl FnOnce() -> Result<Vec<Key>, SignatureConfigError>) -> Self {
        if self.error.is_none() {
            match keys() {
                Ok(keys) => self.keys.extend(keys),
                Err(error) => self.error = Some(error),
            }
        }
        self
    }

    fn fail(mut self, error: SignatureConfigError) -> Self {
        self.error.get_or_insert(error);
        self
    }
}

impl fmt::Debug for SignatureVerifierBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SignatureVerifierBuilder")
            .field("keys", &self.keys)
            .field("allow_keys_without_kid", &self.allow_keys_without_kid)
            .field("only_kids", &self.only_kids)
            .field("error", &self.error)
            .finish()
    }
}

/// The JOSE header members this crate reads; others (`typ`, `x5t`, ...) are ignored.
struct JoseHeader {
    alg: String,
    kid: Option<String>,
}

impl JoseHeader {
    /// Reads a JSON object with a string `alg`, an optional string `kid` and
    /// no `crit` (RFC 7515: unknown critical extensions must be refused).
    fn parse(json: &[u8]) -> Result<JoseHeader, SignatureError> {
        let malformed = SignatureError::Malformed(Malformed::Header);
        let mut object: Map<String, Value> =
            serde_json::from_slice(json).map_err(|_| malformed.clone())?;
        if object.contains_key("crit") {
            return Err(SignatureError::Malformed(Malformed::Critical));
        }
        let alg = match object.remove("alg") {
            Some(Value::String(alg)) => alg,
            _ => return Err(malformed),
        };
        let kid = match object.remove("kid") {
            None => None,
            Some(Value::String(kid)) => Some(kid),
            Some(_) => return Err(malformed),
        };
        Ok(JoseHeader { alg, kid })
    }
}

/// The `request_body_sha256` claim of a JSON object.
fn body_hash_claim(json: &[u8]) -> Result<String, SignatureError> {
    let mut object: Map<String, Value> =
        serde_json::from_slice(json).map_err(|_| SignatureError::Malformed(Malformed::Claims))?;
    match object.remove(BODY_HASH_CLAIM) {
        Some(Value::String(claim)) => Ok(claim),
        None | Some(Value::Null) => Err(SignatureError::Malformed(Malformed::MissingClaim)),
        Some(_) => Err(SignatureError::Malformed(Malformed::Claims)),
    }
}

fn decode(segment: &str, which: Segment) -> Result<Vec<u8>, SignatureError> {
    URL_SAFE_NO_PAD
        .decode(segment)
        .map_err(|_| SignatureError::Malformed(Malformed::Base64(which)))
}

/// A value from the token, cut short for an error message.
fn echo(value: &str) -> String {
    value.chars().take(MAX_ECHO_CHARS).collect()
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

    #[test]
    fn errors_echo_at_most_64_chars_of_the_token() {
        let verifier = SignatureVerifier::builder()
            .hmac(Some("k"), "secret")
            .build()
            .unwrap();
        let header = URL_SAFE_NO_PAD.encode(format!(r#"{{"alg":"{}"}}"#, "X".repeat(500)));
        let error = verifier
            .verify_token(&format!("{header}.e30.c2ln"), b"")
            .unwrap_err();
        assert_eq!(error, SignatureError::UnsupportedAlgorithm("X".repeat(64)));
    }
}
