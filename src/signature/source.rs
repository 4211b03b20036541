//! [`KeySource`]: verification keys that change at run time.

use async_trait::async_trait;

use super::SignatureVerifier;

/// Verification keys that can change while the webhook runs, such as the
/// JWKS and Key Master keys of a FusionAuth instance (the
/// `fusionauth-webhooks-client` crate has such a source).
///
/// A [`SignatureVerifier::from_source`] asks the source for its
/// [`current`](KeySource::current) keys at every request. When a token names
/// a `kid` those keys lack (FusionAuth moved the webhook to a new key), it
/// calls [`refresh`](KeySource::refresh) and checks the token once more with
/// what that returns. Anyone can send a token with a made-up `kid`, so a
/// source must limit how often it really fetches (say once per minute, one
/// fetch at a time), and must keep its good keys when a fetch fails.
///
/// ```
/// use std::sync::RwLock;
/// use async_trait::async_trait;
/// use fusionauth_webhooks::signature::{KeySource, SignatureVerifier};
///
/// /// Keys that an admin task replaces; never fetched on demand.
/// #[derive(Debug)]
/// struct Rotating(RwLock<SignatureVerifier>);
///
/// #[async_trait]
/// impl KeySource for Rotating {
///     fn current(&self) -> SignatureVerifier {
///         self.0.read().unwrap().clone()
///     }
///     async fn refresh(&self, _kid: &str) -> Option<SignatureVerifier> {
///         None
///     }
/// }
///
/// let keys = SignatureVerifier::builder().hmac(Some("kid-1"), "a-long-hmac-secret").build()?;
/// let verifier = SignatureVerifier::from_source(Rotating(RwLock::new(keys)));
/// # let _ = verifier;
/// # Ok::<(), fusionauth_webhooks::SignatureConfigError>(())
/// ```
#[async_trait]
pub trait KeySource: Send + Sync + std::fmt::Debug + 'static {
    /// The keys to verify with now, as a verifier built from them (cheap to
    /// clone). It must be built from keys, not be another source's verifier.
    fn current(&self) -> SignatureVerifier;

    /// Called when a token names a `kid` that [`current`](KeySource::current)
    /// does not have. Refresh if the source allows it now (rate limiting is
    /// the source's job), and return the keys to check the token with again,
    /// or `None` when nothing changed: the request is then refused as an
    /// unknown `kid`.
    async fn refresh(&self, kid: &str) -> Option<SignatureVerifier>;
}
