//! Who may deliver events: the credentials and the signature, as one check
//! of the request head and one of the body.
//!
//! Everything that can be checked without the body is checked before it is
//! read: the required headers and basic auth, and, with a signature, the
//! token's form, `alg`, `kid`, key and signature over its header and claims.
//! Only the body's hash is left for after the read, so in every
//! configuration no body of an unauthenticated request is ever read.

mod credentials;

use std::fmt;

use http::HeaderMap;

pub(crate) use credentials::{AuthFailure, Credentials};

/// The credentials and signature a request must present.
#[derive(Clone, Debug, Default)]
pub(crate) struct Authenticator {
    pub(crate) credentials: Credentials,
    #[cfg(feature = "signature")]
    pub(crate) signature: Option<crate::signature::SignatureVerifier>,
}

/// Why a request was refused with 401. Kept as is, and formatted only if the
/// log line is wanted, so that refusing a flood of forgeries allocates nothing.
#[derive(Debug)]
pub(crate) enum Unauthorized {
    Credentials(AuthFailure),
    #[cfg(feature = "signature")]
    Signature(crate::signature::SignatureError),
}

impl fmt::Display for Unauthorized {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Unauthorized::Credentials(failure) => failure.fmt(f),
            #[cfg(feature = "signature")]
            Unauthorized::Signature(error) => write!(f, "signature: {error}"),
        }
    }
}

/// What remains to check once the body is read: the hash the signature
/// vouches for, if a signature is required.
#[derive(Debug)]
pub(crate) struct BodyCheck {
    #[cfg(feature = "signature")]
    signed_hash: Option<crate::signature::SignedBodyHash>,
}

impl Authenticator {
    /// Whether anything at all is required.
    pub(crate) fn requires_anything(&self) -> bool {
        #[cfg(feature = "signature")]
        let signed = self.signature.is_some();
        #[cfg(not(feature = "signature"))]
        let signed = false;
        !self.credentials.is_empty() || signed
    }

    /// Whether a 401 should carry a basic-auth challenge.
    pub(crate) fn uses_basic(&self) -> bool {
        self.credentials.uses_basic()
    }

    /// Checks everything the head carries; the body is not read yet.
    pub(crate) async fn check_head(&self, headers: &HeaderMap) -> Result<BodyCheck, Unauthorized> {
        self.credentials
            .check(headers)
            .map_err(Unauthorized::Credentials)?;
        #[cfg(feature = "signature")]
        let signed_hash = match &self.signature {
            None => None,
            Some(verifier) => Some(
                verifier
                    .verify_head(headers)
                    .await
                    .map_err(Unauthorized::Signature)?,
            ),
        };
        Ok(BodyCheck {
            #[cfg(feature = "signature")]
            signed_hash,
        })
    }
}

impl BodyCheck {
    /// Checks the exact bytes read against the signed hash.
    pub(crate) fn check(&self, body: &[u8]) -> Result<(), Unauthorized> {
        #[cfg(feature = "signature")]
        if let Some(signed) = &self.signed_hash {
            signed.check(body).map_err(Unauthorized::Signature)?;
        }
        #[cfg(not(feature = "signature"))]
        let _ = body;
        Ok(())
    }
}
