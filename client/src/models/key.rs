//! Key Master keys.

use std::fmt;

use fusionauth_webhooks::Instant;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use uuid::Uuid;

use super::lenient::lenient_enum;

/// A Key Master key: every field of FusionAuth's `Key`. `Debug` hides the
/// HMAC [`secret`](Self::secret) and the [`private_key`](Self::private_key).
///
/// ```
/// use fusionauth_webhooks_client::models::{Key, KeyAlgorithm, KeyType};
///
/// let key: Key = serde_json::from_str(
///     r#"{"id":"4b8e2f3c-7a1d-4e6b-9c5f-0d2a4b6c8e1f","kid":"k1","algorithm":"HS256","type":"HMAC","secret":"s3cr3t"}"#,
/// )?;
/// assert!(key.is_hmac());
/// assert_eq!(key.algorithm, Some(KeyAlgorithm::HS256));
/// assert_eq!(key.key_type, Some(KeyType::HMAC));
/// assert!(!format!("{key:?}").contains("s3cr3t"));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[serde_with::skip_serializing_none]
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
#[non_exhaustive]
pub struct Key {
    /// The Key Master id (`/api/key/{id}`, a webhook's `signingKeyId`).
    pub id: Option<Uuid>,
    /// The id in a JWT header's `kid`.
    pub kid: Option<String>,
    /// The signing algorithm.
    pub algorithm: Option<KeyAlgorithm>,
    /// The key's type.
    #[serde(rename = "type")]
    pub key_type: Option<KeyType>,
    /// The public key in PEM (asymmetric keys).
    pub public_key: Option<String>,
    /// The private key in PEM, when FusionAuth returns it.
    pub private_key: Option<String>,
    /// The secret (HMAC keys).
    pub secret: Option<String>,
    /// The certificate in PEM, if any.
    pub certificate: Option<String>,
    /// What the certificate says.
    pub certificate_information: Option<CertificateInformation>,
    /// When the key expires.
    pub expiration_instant: Option<Instant>,
    /// The issuer.
    pub issuer: Option<String>,
    /// The key length in bits.
    pub length: Option<i32>,
    /// The name in Key Master.
    pub name: Option<String>,
    /// Whether FusionAuth holds the private key.
    pub has_private_key: Option<bool>,
    /// When it was created.
    pub insert_instant: Option<Instant>,
    /// When it last changed.
    pub last_update_instant: Option<Instant>,
    /// Fields this version does not know.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Key {
    /// Whether this is an HMAC key (its secret never appears in the JWKS).
    pub fn is_hmac(&self) -> bool {
        self.key_type == Some(KeyType::HMAC)
            || self
                .algorithm
                .as_ref()
                .is_some_and(|algorithm| algorithm.as_str().starts_with("HS"))
    }
}

impl fmt::Debug for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let hidden = |value: &Option<String>| value.as_ref().map(|_| "[REDACTED]");
        f.debug_struct("Key")
            .field("id", &self.id)
            .field("kid", &self.kid)
            .field("algorithm", &self.algorithm)
            .field("key_type", &self.key_type)
            .field("name", &self.name)
            .field("secret", &hidden(&self.secret))
            .field("private_key", &hidden(&self.private_key))
            .field("has_private_key", &self.has_private_key)
            .field("expiration_instant", &self.expiration_instant)
            .finish_non_exhaustive()
    }
}

/// What a key's certificate says (FusionAuth's `CertificateInformation`).
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
#[non_exhaustive]
pub struct CertificateInformation {
    /// The issuer's distinguished name.
    pub issuer: Option<String>,
    /// The MD5 fingerprint.
    pub md5_fingerprint: Option<String>,
    /// The serial number.
    pub serial_number: Option<String>,
    /// The SHA-1 fingerprint.
    pub sha1_fingerprint: Option<String>,
    /// The SHA-1 thumbprint (base64url, as in `x5t`).
    pub sha1_thumbprint: Option<String>,
    /// The SHA-256 fingerprint.
    pub sha256_fingerprint: Option<String>,
    /// The SHA-256 thumbprint (base64url, as in `x5t#S256`).
    pub sha256_thumbprint: Option<String>,
    /// The subject's distinguished name.
    pub subject: Option<String>,
    /// Valid from.
    pub valid_from: Option<Instant>,
    /// Valid until.
    pub valid_to: Option<Instant>,
    /// Fields this version does not know.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

lenient_enum! {
    /// The algorithm of a Key Master key.
    ///
    /// ```
    /// use fusionauth_webhooks_client::models::KeyAlgorithm;
    /// assert_eq!(KeyAlgorithm::from("Ed25519"), KeyAlgorithm::Ed25519);
    /// ```
    #[allow(clippy::upper_case_acronyms)]
    KeyAlgorithm {
        /// ECDSA with P-256 and SHA-256.
        ES256 = "ES256",
        /// ECDSA with P-384 and SHA-384.
        ES384 = "ES384",
        /// ECDSA with P-521 and SHA-512.
        ES512 = "ES512",
        /// HMAC with SHA-256.
        HS256 = "HS256",
        /// HMAC with SHA-384.
        HS384 = "HS384",
        /// HMAC with SHA-512.
        HS512 = "HS512",
        /// RSA PKCS#1 v1.5 with SHA-256.
        RS256 = "RS256",
        /// RSA PKCS#1 v1.5 with SHA-384.
        RS384 = "RS384",
        /// RSA PKCS#1 v1.5 with SHA-512.
        RS512 = "RS512",
        /// EdDSA with Ed25519.
        Ed25519 = "Ed25519",
        /// No algorithm (a key for other uses).
        None = "None",
    }
}

lenient_enum! {
    /// The type of a Key Master key.
    ///
    /// ```
    /// use fusionauth_webhooks_client::models::KeyType;
    /// assert_eq!(KeyType::from("OKP"), KeyType::OKP);
    /// ```
    #[allow(clippy::upper_case_acronyms)]
    KeyType {
        /// Elliptic curve.
        EC = "EC",
        /// RSA.
        RSA = "RSA",
        /// An HMAC secret.
        HMAC = "HMAC",
        /// Octet key pair (Ed25519).
        OKP = "OKP",
        /// Another secret.
        Secret = "Secret",
    }
}
