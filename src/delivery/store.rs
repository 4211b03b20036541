//! The deduplication store contract: claim, complete, release, fenced by a token.

use std::fmt;
use std::time::Duration;

use async_trait::async_trait;
use uuid::Uuid;

/// Shared memory of which events were handled, so a redelivered event (a
/// FusionAuth retry, or the same event reaching another replica) runs its
/// handlers once.
///
/// The protocol, for one event id:
///
/// 1. [`claim`](DedupStore::claim) with a lease: the first caller gets
///    [`Claim::Claimed`] with a fresh [`ClaimToken`]; later callers get
///    [`Claim::InProgress`] while the lease lasts, or [`Claim::Done`] once the
///    event was completed. A lease that expires (the process died while its
///    handlers ran) makes the id claimable again.
/// 2. [`complete`](DedupStore::complete) after the handlers succeeded marks the
///    id done for `retention`; [`release`](DedupStore::release) after they
///    failed forgets the claim, so the next delivery runs them again.
///
/// Both take the token and do nothing unless the claim is still the one the
/// token names (fencing): a worker whose lease expired cannot overwrite the
/// claim of the delivery that took over. They return whether the claim was
/// still held.
///
/// Implementations: [`MemoryStore`](super::MemoryStore) for one process,
/// `RedisStore` in the crate `fusionauth-webhooks-redis` and `SqlStore` in
/// `fusionauth-webhooks-sqlx` for several replicas.
/// Every implementation should pass
/// [`testing::dedup_store_suite`](crate::testing::dedup_store_suite).
///
/// # Example
///
/// ```
/// use std::time::Duration;
/// use fusionauth_webhooks::delivery::{Claim, DedupStore, MemoryStore};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let store = MemoryStore::new();
/// let id = uuid::Uuid::from_u128(7);
/// let Claim::Claimed(token) = store.claim(id, Duration::from_secs(30)).await? else {
///     panic!("the first claim wins");
/// };
/// assert_eq!(store.claim(id, Duration::from_secs(30)).await?, Claim::InProgress);
/// assert!(store.complete(id, &token, Duration::from_secs(3600)).await?);
/// assert_eq!(store.claim(id, Duration::from_secs(30)).await?, Claim::Done);
/// # Ok(())
/// # }
/// ```
#[async_trait]
pub trait DedupStore: Send + Sync + 'static {
    /// Claims `id` for `lease`, unless it is done or claimed by someone else.
    async fn claim(&self, id: Uuid, lease: Duration) -> Result<Claim, StoreError>;

    /// Marks `id` done for `retention`, if `token` still holds its claim.
    async fn complete(
        &self,
        id: Uuid,
        token: &ClaimToken,
        retention: Duration,
    ) -> Result<bool, StoreError>;

    /// Forgets the claim on `id`, if `token` still holds it.
    async fn release(&self, id: Uuid, token: &ClaimToken) -> Result<bool, StoreError>;
}

/// A shared store is a store: one `Arc` can serve a webhook and a worker.
#[async_trait]
impl<S: DedupStore + ?Sized> DedupStore for std::sync::Arc<S> {
    async fn claim(&self, id: Uuid, lease: Duration) -> Result<Claim, StoreError> {
        (**self).claim(id, lease).await
    }

    async fn complete(
        &self,
        id: Uuid,
        token: &ClaimToken,
        retention: Duration,
    ) -> Result<bool, StoreError> {
        (**self).complete(id, token, retention).await
    }

    async fn release(&self, id: Uuid, token: &ClaimToken) -> Result<bool, StoreError> {
        (**self).release(id, token).await
    }
}

/// The answer to [`DedupStore::claim`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Claim {
    /// The caller holds the claim and runs the handlers.
    Claimed(ClaimToken),
    /// Another delivery holds an unexpired claim: its handlers are running.
    InProgress,
    /// The event was handled: acknowledge the duplicate without running anything.
    Done,
}

/// The proof of one claim, unique per claim (a random UUID).
///
/// ```
/// use fusionauth_webhooks::delivery::ClaimToken;
///
/// assert_ne!(ClaimToken::random(), ClaimToken::random());
/// assert_eq!(ClaimToken::from("abc").as_str(), "abc");
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct ClaimToken(String);

impl ClaimToken {
    /// A new random token.
    pub fn random() -> ClaimToken {
        ClaimToken(Uuid::new_v4().simple().to_string())
    }

    /// The token as stored.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl From<&str> for ClaimToken {
    fn from(token: &str) -> ClaimToken {
        ClaimToken(token.to_owned())
    }
}

impl From<String> for ClaimToken {
    fn from(token: String) -> ClaimToken {
        ClaimToken(token)
    }
}

impl fmt::Debug for ClaimToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("ClaimToken").field(&self.0).finish()
    }
}

/// A store could not answer; the delivery is refused with 503 so that
/// FusionAuth retries it, and no handler runs without a claim.
///
/// ```
/// use fusionauth_webhooks::delivery::StoreError;
///
/// let error = StoreError::unavailable("connection refused");
/// assert_eq!(error.to_string(), "deduplication store unavailable: connection refused");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The store did not answer (network, server down, timeout).
    #[error("deduplication store unavailable: {0}")]
    Unavailable(String),
    /// The in-memory store holds its maximum of running claims.
    #[error("deduplication store full: {0} claims are running")]
    Full(usize),
}

impl StoreError {
    /// An [`Unavailable`](StoreError::Unavailable) error from any displayable cause.
    pub fn unavailable(cause: impl fmt::Display) -> StoreError {
        StoreError::Unavailable(cause.to_string())
    }
}
