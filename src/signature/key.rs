//! Verification keys: parsed and checked once, when the verifier is built.

use std::fmt;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::DecodingKey;
use jsonwebtoken::crypto::rust_crypto::DEFAULT_PROVIDER;
use jsonwebtoken::signature::Verifier;
use rsa::pkcs1::DecodeRsaPublicKey;
use rsa::traits::PublicKeyParts;
use serde::Deserialize;
use spki::{ObjectIdentifier, SubjectPublicKeyInfoRef};

use super::SignatureConfigError;
use super::algorithm::{Algorithm, Family};

/// The smallest RSA modulus accepted, in bits (FusionAuth's smallest key).
const MIN_RSA_BITS: usize = 2048;

/// One key a token may be verified with.
#[derive(Clone)]
pub(crate) struct Key {
    /// The Key Master key id the token's `kid` must name.
    pub(crate) kid: Option<String>,
    /// The only algorithm allowed with this key, when its source says (JWKS `alg`).
    pub(crate) alg: Option<Algorithm>,
    material: Material,
}

/// The key itself, by type. Elliptic keys are kept per curve, so a key only
/// ever verifies the one algorithm its curve is for.
#[derive(Clone)]
enum Material {
    Hmac(DecodingKey),
    Rsa(DecodingKey),
    P256(DecodingKey),
    P384(DecodingKey),
    P521(p521::ecdsa::VerifyingKey),
    /// Checked not to be of small order, and verified strictly: a weak key
    /// verifies a forged `R = identity, s = 0` signature for any message.
    Ed25519(ed25519_dalek::VerifyingKey),
}

impl Key {
    pub(crate) fn hmac(kid: Option<String>, secret: &[u8]) -> Result<Key, SignatureConfigError> {
        if secret.is_empty() {
            return Err(SignatureConfigError::EmptyHmacSecret);
        }
        Ok(Key {
            kid,
            alg: None,
            material: Material::Hmac(DecodingKey::from_secret(secret)),
        })
    }

    /// A public key from PEM (`PUBLIC KEY` or `RSA PUBLIC KEY`), type detected.
    pub(crate) fn from_pem(kid: Option<String>, pem: &[u8]) -> Result<Key, SignatureConfigError> {
        let material = pem_material(pem).map_err(|reason| SignatureConfigError::InvalidPem {
            kid: kid.clone(),
            reason,
        })?;
        Ok(Key {
            kid,
            alg: None,
            material,
        })
    }

    /// The keys of a JWKS document, skipping those not meant for verifying
    /// signatures with an algorithm FusionAuth uses.
    pub(crate) fn from_jwks(json: &str) -> Result<Vec<Key>, SignatureConfigError> {
        let set: JwkSet = serde_json::from_str(json).map_err(|error| {
            SignatureConfigError::InvalidJwks(format!(
                "expected a JSON object with a `keys` array ({})",
                json_problem(&error)
            ))
        })?;
        let mut keys = Vec::new();
        for (index, jwk) in set.keys.into_iter().enumerate() {
            let jwk: Jwk = serde_json::from_value(jwk).map_err(|_| {
                SignatureConfigError::InvalidJwks(format!(
                    "key {index}: expected an object with string members"
                ))
            })?;
            let kid = jwk.kid.clone();
            let describe = |reason: String| {
                let name = match &kid {
                    Some(kid) => format!("key {index} (kid `{kid}`)"),
                    None => format!("key {index}"),
                };
                SignatureConfigError::InvalidJwks(format!("{name}: {reason}"))
            };
            if let Some(key) = jwk.into_key().map_err(describe)? {
                keys.push(key);
            }
        }
        if keys.is_empty() {
            return Err(SignatureConfigError::InvalidJwks(
                "no RSA, EC or OKP signature key in `keys`".to_owned(),
            ));
        }
        Ok(keys)
    }

    /// Whether a token with this `alg` may be verified with this key.
    pub(crate) fn accepts(&self, alg: Algorithm) -> bool {
        self.alg.is_none_or(|only| only == alg) && self.material.fits(alg)
    }

    /// Verifies `signature` over `message`; the caller has checked [`Key::accepts`].
    pub(crate) fn verify(&self, alg: Algorithm, message: &[u8], signature: &Vec<u8>) -> bool {
        match &self.material {
            Material::P521(key) => p521::ecdsa::Signature::from_slice(signature)
                .is_ok_and(|signature| key.verify(message, &signature).is_ok()),
            // Strict: also refuses a small-order `R` and a non-canonical `s`.
            Material::Ed25519(key) => ed25519_dalek::Signature::from_slice(signature)
                .is_ok_and(|signature| key.verify_strict(message, &signature).is_ok()),
            Material::Hmac(key)
            | Material::Rsa(key)
            | Material::P256(key)
            | Material::P384(key) => {
                alg.to_jwt().is_some_and(|alg| {
                    // The RustCrypto provider is named, not the process default,
                    // so another crate's choice of jsonwebtoken backend never
                    // changes (or breaks) what happens here.
                    (DEFAULT_PROVIDER.verifier_factory)(&alg, key)
                        .is_ok_and(|verifier| verifier.verify(message, signature).is_ok())
                })
            }
        }
    }

    /// What the key is, for `Debug` (never its bytes).
    fn kind(&self) -> &'static str {
        match self.material {
            Material::Hmac(_) => "hmac",
            Material::Rsa(_) => "rsa",
            Material::P256(_) => "ec p-256",
            Material::P384(_) => "ec p-384",
            Material::P521(_) => "ec p-521",
            Material::Ed25519(_) => "ed25519",
        }
    }
}

impl fmt::Debug for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Key")
            .field("kid", &self.kid)
            .field("alg", &self.alg)
            .field("kind", &self.kind())
            .field("material", &"[REDACTED]")
            .finish()
    }
}

impl Material {
    fn fits(&self, alg: Algorithm) -> bool {
        match self {
            Material::Hmac(_) => alg.family() == Family::Hmac,
            Material::Rsa(_) => alg.family() == Family::Rsa,
            Material::P256(_) => alg == Algorithm::ES256,
            Material::P384(_) => alg == Algorithm::ES384,
            Material::P521(_) => alg == Algorithm::ES512,
            Material::Ed25519(_) => alg == Algorithm::Ed25519,
        }
    }
}

fn pem_material(pem: &[u8]) -> Result<Material, String> {
    let parsed = pem::parse(pem).map_err(|_| "not a PEM document".to_owned())?;
    match parsed.tag() {
        "PUBLIC KEY" => spki_material(parsed.contents()),
        "RSA PUBLIC KEY" => rsa_material(&pkcs1_key(parsed.contents())?),
        tag if tag.contains("PRIVATE") => Err(format!(
            "this is a private key (`{tag}`); give the public key (`PUBLIC KEY`)"
        )),
        tag => Err(format!("expected a `PUBLIC KEY` PEM, got `{tag}`")),
    }
}

const RSA_ENCRYPTION: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");
const EC_PUBLIC_KEY: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
const SECP256R1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.3.1.7");
const SECP384R1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.34");
const SECP521R1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.35");
const ED25519: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.112");

/// A DER SubjectPublicKeyInfo; its algorithm (and curve) names the key type.
fn spki_material(der: &[u8]) -> Result<Material, String> {
    let info = SubjectPublicKeyInfoRef::try_from(der)
        .map_err(|_| "not a valid SubjectPublicKeyInfo".to_owned())?;
    let oids = info
        .algorithm
        .oids()
        .map_err(|_| "unreadable key algorithm".to_owned())?;
    let key = info
        .subject_public_key
        .as_bytes()
        .ok_or_else(|| "unreadable public key bits".to_owned())?;
    match oids {
        (RSA_ENCRYPTION, _) => rsa_material(&pkcs1_key(key)?),
        (EC_PUBLIC_KEY, Some(SECP256R1)) => ec_material(Curve::P256, key),
        (EC_PUBLIC_KEY, Some(SECP384R1)) => ec_material(Curve::P384, key),
        (EC_PUBLIC_KEY, Some(SECP521R1)) => ec_material(Curve::P521, key),
        (ED25519, None) => ed25519_material(key),
        _ => Err(
            "unsupported key type; expected RSA, EC (P-256, P-384, P-521) or Ed25519".to_owned(),
        ),
    }
}

fn pkcs1_key(der: &[u8]) -> Result<rsa::RsaPublicKey, String> {
    rsa::RsaPublicKey::from_pkcs1_der(der).map_err(|error| format!("unusable RSA key: {error}"))
}

fn rsa_material(public: &rsa::RsaPublicKey) -> Result<Material, String> {
    let bits = public.n().bits();
    if bits < MIN_RSA_BITS {
        return Err(format!(
            "RSA key of {bits} bits; expected at least {MIN_RSA_BITS}"
        ));
    }
    Ok(Material::Rsa(DecodingKey::from_rsa_raw_components(
        &public.n().to_bytes_be(),
        &public.e().to_bytes_be(),
    )))
}

#[derive(Clone, Copy)]
enum Curve {
    P256,
    P384,
    P521,
}

/// A SEC1 point on `curve`, checked now so a bad key fails the build.
fn ec_material(curve: Curve, point: &[u8]) -> Result<Material, String> {
    let (material, alg, name) = match curve {
        Curve::P256 => (
            Material::P256(DecodingKey::from_ec_der(point)),
            Algorithm::ES256,
            "P-256",
        ),
        Curve::P384 => (
            Material::P384(DecodingKey::from_ec_der(point)),
            Algorithm::ES384,
            "P-384",
        ),
        Curve::P521 => {
            return p521::ecdsa::VerifyingKey::from_sec1_bytes(point)
                .map(Material::P521)
                .map_err(|_| "not a point on P-521".to_owned());
        }
    };
    check_with_provider(&material, alg, &format!("not a point on {name}"))?;
    Ok(material)
}

/// An Ed25519 point, refused when it does not decode or is of small order
/// (such a key verifies forged signatures; see [`Material::Ed25519`]).
fn ed25519_material(point: &[u8]) -> Result<Material, String> {
    let point: &[u8; 32] = point
        .try_into()
        .map_err(|_| format!("Ed25519 key of {} bytes; expected 32", point.len()))?;
    let key = ed25519_dalek::VerifyingKey::from_bytes(point)
        .map_err(|_| "not a valid Ed25519 key".to_owned())?;
    if key.is_weak() {
        return Err(
            "Ed25519 key of small order (a weak key verifies forged signatures)".to_owned(),
        );
    }
    Ok(Material::Ed25519(key))
}

/// Has jsonwebtoken's backend parse the key now, so a bad key fails the
/// build and not every request.
fn check_with_provider(material: &Material, alg: Algorithm, reason: &str) -> Result<(), String> {
    let (Material::P256(key) | Material::P384(key)) = material else {
        return Ok(());
    };
    let Some(alg) = alg.to_jwt() else {
        return Ok(());
    };
    match (DEFAULT_PROVIDER.verifier_factory)(&alg, key) {
        Ok(_) => Ok(()),
        Err(_) => Err(reason.to_owned()),
    }
}

#[derive(Deserialize)]
struct JwkSet {
    keys: Vec<serde_json::Value>,
}

/// The JWK members this crate reads (RFC 7517, 7518, 8037); others are ignored.
#[derive(Deserialize)]
struct Jwk {
    kty: String,
    kid: Option<String>,
    alg: Option<String>,
    #[serde(rename = "use")]
    use_: Option<String>,
    key_ops: Option<Vec<String>>,
    crv: Option<String>,
    n: Option<String>,
    e: Option<String>,
    x: Option<String>,
    y: Option<String>,
}

impl Jwk {
    /// The key, `None` when it is not for verifying signatures with an
    /// algorithm of FusionAuth's, an error when it is but cannot be used.
    fn into_key(self) -> Result<Option<Key>, String> {
        if self.use_.as_deref().is_some_and(|use_| use_ != "sig")
            || self
                .key_ops
                .as_ref()
                .is_some_and(|ops| !ops.iter().any(|op| op == "verify"))
        {
            return Ok(None);
        }
        let alg = match self.alg.as_deref() {
            None => None,
            Some(name) => match Algorithm::from_name(name) {
                Some(alg) => Some(alg),
                None => return Ok(None),
            },
        };
        let material = match (self.kty.as_str(), self.crv.as_deref()) {
            ("RSA", _) => {
                let n = component(self.n.as_deref(), "n")?;
                let e = component(self.e.as_deref(), "e")?;
                let public = rsa::RsaPublicKey::new(
                    rsa::BigUint::from_bytes_be(&n),
                    rsa::BigUint::from_bytes_be(&e),
                )
                .map_err(|error| format!("unusable RSA key: {error}"))?;
                rsa_material(&public)?
            }
            ("EC", Some(name @ ("P-256" | "P-384" | "P-521"))) => {
                let (curve, size) = match name {
                    "P-256" => (Curve::P256, 32),
                    "P-384" => (Curve::P384, 48),
                    _ => (Curve::P521, 66),
                };
                let x = component(self.x.as_deref(), "x")?;
                let y = component(self.y.as_deref(), "y")?;
                if x.len() != size || y.len() != size {
                    return Err(format!("`x` and `y` of a {name} key must be {size} bytes"));
                }
                let mut point = Vec::with_capacity(1 + 2 * size);
                point.push(0x04);
                point.extend_from_slice(&x);
                point.extend_from_slice(&y);
                ec_material(curve, &point)?
            }
            ("OKP", Some("Ed25519")) => ed25519_material(&component(self.x.as_deref(), "x")?)?,
            _ => return Ok(None),
        };
        if let Some(alg) = alg
            && !material.fits(alg)
        {
            return Err(format!("`alg` {alg} does not fit a {} key", self.kty));
        }
        Ok(Some(Key {
            kid: self.kid,
            alg,
            material,
        }))
    }
}

fn component(value: Option<&str>, name: &str) -> Result<Vec<u8>, String> {
    let value = value.ok_or_else(|| format!("missing `{name}`"))?;
    URL_SAFE_NO_PAD
        .decode(value)
        .map_err(|_| format!("`{name}` is not unpadded base64url"))
}

/// serde_json's error class, without its message (which can quote input).
fn json_problem(error: &serde_json::Error) -> &'static str {
    match error.classify() {
        serde_json::error::Category::Io => "i/o error",
        serde_json::error::Category::Syntax => "not JSON",
        serde_json::error::Category::Data => "wrong shape",
        serde_json::error::Category::Eof => "cut short",
    }
}
