//! The JWS algorithms FusionAuth's Key Master can sign webhooks with.

use std::fmt;

/// A signing algorithm of FusionAuth's Key Master, as named in a JWT's `alg`.
///
/// These are exactly the algorithms FusionAuth offers; any other `alg`
/// (including `none` and the RSASSA-PSS family) is refused.
#[allow(clippy::upper_case_acronyms)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Algorithm {
    /// HMAC with SHA-256.
    HS256,
    /// HMAC with SHA-384.
    HS384,
    /// HMAC with SHA-512.
    HS512,
    /// RSASSA-PKCS1-v1_5 with SHA-256.
    RS256,
    /// RSASSA-PKCS1-v1_5 with SHA-384.
    RS384,
    /// RSASSA-PKCS1-v1_5 with SHA-512.
    RS512,
    /// ECDSA on P-256 with SHA-256.
    ES256,
    /// ECDSA on P-384 with SHA-384.
    ES384,
    /// ECDSA on P-521 with SHA-512.
    ES512,
    /// EdDSA on Ed25519. FusionAuth writes its `alg` as `Ed25519`; the
    /// standard name `EdDSA` is accepted too.
    Ed25519,
}

/// The kind of key an algorithm needs; a key serves only its own family.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Family {
    Hmac,
    Rsa,
    Ec,
    Ed25519,
}

impl Algorithm {
    /// Every algorithm, in the order FusionAuth's Key Master lists them.
    pub const ALL: [Algorithm; 10] = [
        Algorithm::HS256,
        Algorithm::HS384,
        Algorithm::HS512,
        Algorithm::RS256,
        Algorithm::RS384,
        Algorithm::RS512,
        Algorithm::ES256,
        Algorithm::ES384,
        Algorithm::ES512,
        Algorithm::Ed25519,
    ];

    /// The `alg` FusionAuth writes for this algorithm (`Ed25519` for Ed25519).
    pub fn name(self) -> &'static str {
        match self {
            Algorithm::HS256 => "HS256",
            Algorithm::HS384 => "HS384",
            Algorithm::HS512 => "HS512",
            Algorithm::RS256 => "RS256",
            Algorithm::RS384 => "RS384",
            Algorithm::RS512 => "RS512",
            Algorithm::ES256 => "ES256",
            Algorithm::ES384 => "ES384",
            Algorithm::ES512 => "ES512",
            Algorithm::Ed25519 => "Ed25519",
        }
    }

    /// The algorithm an `alg` value names, if it is one FusionAuth uses.
    ///
    /// Exact and case-sensitive; both `Ed25519` and `EdDSA` give
    /// [`Algorithm::Ed25519`].
    ///
    /// ```
    /// use fusionauth_webhooks::signature::Algorithm;
    ///
    /// assert_eq!(Algorithm::from_name("EdDSA"), Some(Algorithm::Ed25519));
    /// assert_eq!(Algorithm::from_name("none"), None);
    /// ```
    pub fn from_name(name: &str) -> Option<Algorithm> {
        match name {
            "EdDSA" => Some(Algorithm::Ed25519),
            _ => Algorithm::ALL.into_iter().find(|alg| alg.name() == name),
        }
    }

    pub(crate) fn family(self) -> Family {
        match self {
            Algorithm::HS256 | Algorithm::HS384 | Algorithm::HS512 => Family::Hmac,
            Algorithm::RS256 | Algorithm::RS384 | Algorithm::RS512 => Family::Rsa,
            Algorithm::ES256 | Algorithm::ES384 | Algorithm::ES512 => Family::Ec,
            Algorithm::Ed25519 => Family::Ed25519,
        }
    }

    /// The same algorithm in `jsonwebtoken`, which lacks ES512.
    pub(crate) fn to_jwt(self) -> Option<jsonwebtoken::Algorithm> {
        Some(match self {
            Algorithm::HS256 => jsonwebtoken::Algorithm::HS256,
            Algorithm::HS384 => jsonwebtoken::Algorithm::HS384,
            Algorithm::HS512 => jsonwebtoken::Algorithm::HS512,
            Algorithm::RS256 => jsonwebtoken::Algorithm::RS256,
            Algorithm::RS384 => jsonwebtoken::Algorithm::RS384,
            Algorithm::RS512 => jsonwebtoken::Algorithm::RS512,
            Algorithm::ES256 => jsonwebtoken::Algorithm::ES256,
            Algorithm::ES384 => jsonwebtoken::Algorithm::ES384,
            Algorithm::ES512 => return None,
            Algorithm::Ed25519 => jsonwebtoken::Algorithm::EdDSA,
        })
    }
}

impl fmt::Display for Algorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_reads_back() {
        for alg in Algorithm::ALL {
            assert_eq!(Algorithm::from_name(alg.name()), Some(alg));
        }
    }

    #[test]
    fn names_are_case_sensitive_and_none_is_refused() {
        for name in ["none", "None", "hs256", "PS256", "ES256K", "Ed448", ""] {
            assert_eq!(Algorithm::from_name(name), None, "{name}");
        }
    }
}
