//! [`SignatureVerifierBuilder`]: the keys a verifier trusts, checked once at
//! build.

use std::fmt;
use std::path::Path;

use super::key::Key;
use super::{SignatureConfigError, SignatureVerifier};

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
        Ok(SignatureVerifier::with_keys(
            self.keys,
            self.allow_keys_without_kid,
        ))
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
