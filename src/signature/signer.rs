//! Signing requests like FusionAuth does: to send, replay or forward events
//! to a receiver.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use jsonwebtoken::{EncodingKey, Header};
use serde_json::json;
use sha2::{Digest, Sha256};

use super::{Algorithm, BODY_HASH_CLAIM};

/// Signs webhook bodies the way FusionAuth does: an `X-FusionAuth-Signature-JWT`
/// whose only claim, `request_body_sha256`, is the Base64 SHA-256 of the
/// body, with the key's `kid` in the header. `Debug` hides the key.
///
/// ```
/// use fusionauth_webhooks::SignatureVerifier;
/// use fusionauth_webhooks::signature::Signer;
///
/// let signer = Signer::hmac("k1", "s3cr3t");
/// let body = br#"{"event":{"type":"user.delete"}}"#;
/// let token = signer.sign(body)?;
/// let verifier = SignatureVerifier::builder().hmac(Some("k1"), "s3cr3t").build()?;
/// assert_eq!(verifier.verify_token(&token, body), Ok(()));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct Signer {
    header: Header,
    key: EncodingKey,
}

/// A signing key that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SignError {
    /// The PEM is not a private key of a type FusionAuth signs with.
    #[error("not an rsa, ec or ed25519 private key in pem")]
    InvalidPrivateKey,
    /// This algorithm cannot sign with this key (or at all, here: ES512).
    #[error(
        "cannot sign with {0} (rsa: RS256/384/512, ec: ES256/384, ed25519, hmac: HS256/384/512)"
    )]
    UnsupportedAlgorithm(String),
    /// Signing failed, e.g. the key does not fit the algorithm.
    #[error("signing failed: {0}")]
    Failed(String),
}

impl Signer {
    /// HS256 with an HMAC secret, as Key Master shows it, and its `kid`.
    pub fn hmac(kid: &str, secret: impl AsRef<[u8]>) -> Signer {
        let mut header = Header::new(jsonwebtoken::Algorithm::HS256);
        header.kid = Some(kid.to_owned());
        Signer {
            header,
            key: EncodingKey::from_secret(secret.as_ref()),
        }
    }

    /// A private key in PEM (RSA, EC or Ed25519, PKCS#1, SEC1 or PKCS#8) with
    /// its `kid`. `algorithm` defaults to RS256 for RSA, ES256 for EC and
    /// EdDSA for Ed25519; give ES384 for a P-384 key, RS384/RS512 to match
    /// the Key Master key, or HS256/384/512 to treat `pem` as an HMAC secret.
    pub fn private_key_pem(
        kid: &str,
        pem: &[u8],
        algorithm: Option<Algorithm>,
    ) -> Result<Signer, SignError> {
        use jsonwebtoken::Algorithm as Jwt;
        let wanted = algorithm.map(|algorithm| algorithm.name());
        let (alg, key) = match wanted {
            Some(name @ ("HS256" | "HS384" | "HS512")) => {
                (jwt_alg(name)?, EncodingKey::from_secret(pem))
            }
            Some(name @ ("RS256" | "RS384" | "RS512")) => (
                jwt_alg(name)?,
                EncodingKey::from_rsa_pem(pem).map_err(|_| SignError::InvalidPrivateKey)?,
            ),
            Some(name @ ("ES256" | "ES384")) => (
                jwt_alg(name)?,
                EncodingKey::from_ec_pem(pem).map_err(|_| SignError::InvalidPrivateKey)?,
            ),
            Some("Ed25519" | "EdDSA") => (
                Jwt::EdDSA,
                EncodingKey::from_ed_pem(pem).map_err(|_| SignError::InvalidPrivateKey)?,
            ),
            Some(other) => return Err(SignError::UnsupportedAlgorithm(other.to_owned())),
            None => guess(pem)?,
        };
        let mut header = Header::new(alg);
        header.kid = Some(kid.to_owned());
        let signer = Signer { header, key };
        // Fail now, not on the first request, when the key does not fit.
        signer.sign(b"{}")?;
        Ok(signer)
    }

    /// The `kid` put in every token.
    pub fn kid(&self) -> Option<&str> {
        self.header.kid.as_deref()
    }

    /// The header value for `body`.
    pub fn sign(&self, body: &[u8]) -> Result<String, SignError> {
        let claims = json!({ BODY_HASH_CLAIM: body_hash(body) });
        jsonwebtoken::encode(&self.header, &claims, &self.key)
            .map_err(|error| SignError::Failed(error.to_string()))
    }
}

fn jwt_alg(name: &str) -> Result<jsonwebtoken::Algorithm, SignError> {
    name.parse()
        .map_err(|_| SignError::UnsupportedAlgorithm(name.to_owned()))
}

/// The key type from the PEM itself: RSA, then Ed25519, then EC (P-256).
fn guess(pem: &[u8]) -> Result<(jsonwebtoken::Algorithm, EncodingKey), SignError> {
    use jsonwebtoken::Algorithm as Jwt;
    let fits = |alg: Jwt, key: EncodingKey| {
        let mut header = Header::new(alg);
        header.kid = None;
        jsonwebtoken::encode(&header, &json!({}), &key)
            .ok()
            .map(|_| (alg, key))
    };
    EncodingKey::from_rsa_pem(pem)
        .ok()
        .and_then(|key| fits(Jwt::RS256, key))
        .or_else(|| {
            EncodingKey::from_ed_pem(pem)
                .ok()
                .and_then(|key| fits(Jwt::EdDSA, key))
        })
        .or_else(|| {
            EncodingKey::from_ec_pem(pem)
                .ok()
                .and_then(|key| fits(Jwt::ES256, key))
        })
        .ok_or(SignError::InvalidPrivateKey)
}

impl fmt::Debug for Signer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Signer")
            .field("alg", &self.header.alg)
            .field("kid", &self.header.kid)
            .field("key", &"[REDACTED]")
            .finish()
    }
}

/// The Base64 SHA-256 of `body`, as FusionAuth writes it in
/// [`BODY_HASH_CLAIM`]: the one place a signed body hash is made.
pub(crate) fn body_hash(body: &[u8]) -> String {
    STANDARD.encode(Sha256::digest(body))
}
