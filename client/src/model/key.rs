//! Key Master keys.

use std::fmt;

use fusionauth_webhooks::Instant;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use uuid::Uuid;

/// A Key Master key. `Debug` hides the HMAC [`secret`](Self::secret).
///
/// ```
/// use fusionauth_webhooks_client::Key;
///
/// let key: Key = serde_json::from_str(
///     r#"{"id":"4b8e2f3c-7a1d-4e6b-9c5f-0d2a4b6c8e1f","kid":"k1","algorithm":"HS256","type":"HMAC","secret":"s3cr3t"}"#,
/// )?;
/// assert!(key.is_hmac());
/// assert!(!format!("{key:?}").contains("s3cr3t"));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Key {
    /// The Key Master id (`/api/key/{id}`, a webhook's `signingKeyId`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<Uuid>,
    /// The id in a JWT header's `kid`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kid: Option<String>,
    /// `HS256`..`HS512`, `RS256`..`RS512`, `ES256`..`ES512` or `Ed25519`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub algorithm: Option<String>,
    /// `HMAC`, `RSA`, `EC` or `OKP`.
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub key_type: Option<String>,
    /// The public key in PEM (asymmetric keys).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_key: Option<String>,
    /// The secret (HMAC keys).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
    /// The certificate in PEM, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certificate: Option<String>,
    /// When the key expires.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expiration_instant: Option<Instant>,
    /// The issuer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issuer: Option<String>,
    /// The key length in bits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub length: Option<u32>,
    /// The name in Key Master.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Whether FusionAuth holds the private key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub has_private_key: Option<bool>,
    /// When it was created.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub insert_instant: Option<Instant>,
    /// Fields this version does not know.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Key {
    /// Whether this is an HMAC key (its secret never appears in the JWKS).
    pub fn is_hmac(&self) -> bool {
        self.key_type.as_deref() == Some("HMAC")
            || self
                .algorithm
                .as_deref()
                .is_some_and(|algorithm| algorithm.starts_with("HS"))
    }
}

impl fmt::Debug for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Key")
            .field("id", &self.id)
            .field("kid", &self.kid)
            .field("algorithm", &self.algorithm)
            .field("key_type", &self.key_type)
            .field("name", &self.name)
            .field("secret", &self.secret.as_ref().map(|_| "[REDACTED]"))
            .field("has_private_key", &self.has_private_key)
            .finish_non_exhaustive()
    }
}
