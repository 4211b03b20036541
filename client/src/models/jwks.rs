//! The instance's public keys: `/.well-known/jwks.json`.

use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// A JSON Web Key Set (FusionAuth's `JWKSResponse`): the public keys of
/// every asymmetric key of the instance, those that sign access and ID
/// tokens included.
///
/// ```
/// use fusionauth_webhooks_client::models::JsonWebKeySet;
///
/// let jwks: JsonWebKeySet = serde_json::from_str(r#"{"keys":[{"kty":"OKP","crv":"Ed25519",
///   "kid":"ed-1","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}]}"#)?;
/// assert_eq!(jwks.key("ed-1").unwrap().crv.as_deref(), Some("Ed25519"));
/// assert!(jwks.key("other").is_none());
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct JsonWebKeySet {
    /// The keys.
    #[serde(default)]
    pub keys: Vec<JsonWebKey>,
}

impl JsonWebKeySet {
    /// The key with this `kid`.
    pub fn key(&self, kid: &str) -> Option<&JsonWebKey> {
        self.keys.iter().find(|key| key.kid.as_deref() == Some(kid))
    }
}

/// One JSON Web Key (FusionAuth's `JSONWebKey`), every member typed, others
/// in [`other`](Self::other). `Debug` hides private members, should a
/// server send any.
#[serde_with::skip_serializing_none]
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct JsonWebKey {
    /// The algorithm, e.g. `RS256`.
    pub alg: Option<String>,
    /// The curve of an EC or OKP key, e.g. `P-256`, `Ed25519`.
    pub crv: Option<String>,
    /// A private exponent or key (never in a public key set).
    pub d: Option<String>,
    /// An RSA private key's first factor CRT exponent.
    pub dp: Option<String>,
    /// An RSA private key's second factor CRT exponent.
    pub dq: Option<String>,
    /// An RSA public exponent.
    pub e: Option<String>,
    /// The key id, as in a JWT header.
    pub kid: Option<String>,
    /// The key type: `RSA`, `EC` or `OKP`.
    pub kty: Option<String>,
    /// An RSA modulus.
    pub n: Option<String>,
    /// An RSA private key's first prime factor.
    pub p: Option<String>,
    /// An RSA private key's second prime factor.
    pub q: Option<String>,
    /// An RSA private key's first CRT coefficient.
    pub qi: Option<String>,
    /// The intended use, `sig` for signatures.
    #[serde(rename = "use")]
    pub use_: Option<String>,
    /// An EC x coordinate, or an OKP public key.
    pub x: Option<String>,
    /// The certificate chain.
    pub x5c: Option<Vec<String>>,
    /// The certificate's SHA-1 thumbprint.
    pub x5t: Option<String>,
    /// The certificate's SHA-256 thumbprint.
    #[serde(rename = "x5t#S256")]
    pub x5t_s256: Option<String>,
    /// An EC y coordinate.
    pub y: Option<String>,
    /// Members the class does not declare (FusionAuth keeps them too).
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

impl fmt::Debug for JsonWebKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let private = [&self.d, &self.dp, &self.dq, &self.p, &self.q, &self.qi]
            .iter()
            .any(|member| member.is_some());
        f.debug_struct("JsonWebKey")
            .field("kid", &self.kid)
            .field("kty", &self.kty)
            .field("alg", &self.alg)
            .field("crv", &self.crv)
            .field("use", &self.use_)
            .field(
                "private members",
                &if private { "[REDACTED]" } else { "none" },
            )
            .finish_non_exhaustive()
    }
}
