//! Running something at most once per event id, across retries and replicas.

use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use uuid::Uuid;

use super::LOG_TARGET;
use super::store::{Claim, ClaimToken, DedupStore, StoreError};

/// The default lease of a claim: how long a delivery may run before another
/// one may take over (keep it above the handler deadline).
pub const DEFAULT_LEASE: Duration = Duration::from_secs(60);
/// The default time a done mark is kept: FusionAuth's retries come back to back,
/// a day covers replays from its event log too.
pub const DEFAULT_RETENTION: Duration = Duration::from_secs(24 * 60 * 60);
/// The default bound on how long a duplicate waits for a running first delivery.
pub const DEFAULT_DUPLICATE_WAIT: Duration = Duration::from_secs(2);
const POLL_INTERVAL: Duration = Duration::from_millis(20);

/// Claims an event id in a [`DedupStore`], runs the work only with the claim,
/// and then completes (success) or releases (failure) the claim.
///
/// A duplicate that finds the first delivery still running waits for it up to
/// a bound ([`wait_for_first`](Deduplicator::wait_for_first)), polling the
/// store: a done event answers [`Deduplicated::Duplicate`]; a claim the first
/// delivery released (it failed) or whose lease expired is taken over and the
/// work runs here; still running at the bound answers
/// [`Deduplicated::StillRunning`] (503, so that FusionAuth asks again later:
/// running the handlers concurrently could do their effect twice, and a 2xx
/// would promise an effect that may still fail).
///
/// # Example
///
/// ```
/// use fusionauth_webhooks::delivery::{Deduplicated, Deduplicator, MemoryStore};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let dedup = Deduplicator::new(MemoryStore::new());
/// let id = uuid::Uuid::from_u128(42);
/// let first = dedup.run(id, || async { "sent the welcome email" }, |_| true).await;
/// assert!(matches!(first, Deduplicated::Ran("sent the welcome email")));
/// let again = dedup.run(id, || async { "sent it twice" }, |_| true).await;
/// assert!(matches!(again, Deduplicated::Duplicate));
/// # }
/// ```
#[derive(Clone)]
pub struct Deduplicator {
    store: Arc<dyn DedupStore>,
    lease: Duration,
    retention: Duration,
    wait: Duration,
}

/// What [`Deduplicator::run`] did.
#[derive(Debug)]
#[non_exhaustive]
pub enum Deduplicated<T> {
    /// This delivery held the claim and ran the work; its result.
    Ran(T),
    /// The event was already handled: nothing ran (acknowledge with 2xx).
    Duplicate,
    /// Another delivery was still running at the wait bound: nothing ran (503).
    StillRunning,
    /// The store could not be asked: nothing ran (503).
    Unavailable(StoreError),
}

impl Deduplicator {
    /// A deduplicator on `store` with the default lease, retention and wait.
    /// (An `Arc` of a store is a store, to share one with other parts of the app.)
    pub fn new(store: impl DedupStore) -> Deduplicator {
        Deduplicator {
            store: Arc::new(store),
            lease: DEFAULT_LEASE,
            retention: DEFAULT_RETENTION,
            wait: DEFAULT_DUPLICATE_WAIT,
        }
    }

    /// How long a claim holds before another delivery may take over
    /// ([`DEFAULT_LEASE`]); keep it above the handler deadline.
    pub fn lease(mut self, lease: Duration) -> Deduplicator {
        self.lease = lease;
        self
    }

    /// How long a handled event is remembered ([`DEFAULT_RETENTION`]).
    pub fn retention(mut self, retention: Duration) -> Deduplicator {
        self.retention = retention;
        self
    }

    /// How long a duplicate waits for a running first delivery
    /// ([`DEFAULT_DUPLICATE_WAIT`]); keep it below FusionAuth's `readTimeout`.
    pub fn wait_for_first(mut self, wait: Duration) -> Deduplicator {
        self.wait = wait;
        self
    }

    /// The lease of a claim.
    pub fn lease_duration(&self) -> Duration {
        self.lease
    }

    /// Runs `work` if this delivery claims `id`; completes the claim when
    /// `succeeded(&result)`, releases it otherwise.
    ///
    /// If the future is dropped while `work` runs, the claim stays until its
    /// lease expires (a later delivery then runs the work again).
    pub async fn run<T, Fut>(
        &self,
        id: Uuid,
        work: impl FnOnce() -> Fut,
        succeeded: impl FnOnce(&T) -> bool,
    ) -> Deduplicated<T>
    where
        Fut: Future<Output = T>,
    {
        let token = match self.claim_or_wait(id).await {
            Ok(token) => token,
            Err(answer) => return answer,
        };
        let result = work().await;
        if succeeded(&result) {
            match self.store.complete(id, &token, self.retention).await {
                Ok(true) => {}
                Ok(false) => tracing::warn!(
                    target: LOG_TARGET, event_id = %id,
                    "the claim expired while the handlers ran: raise the lease above the handler deadline"
                ),
                // The effect happened: answering 503 would make FusionAuth's retry
                // run it again once the lease expires, so the success stands.
                Err(error) => tracing::warn!(
                    target: LOG_TARGET, event_id = %id, %error,
                    "the handled event could not be marked done"
                ),
            }
        } else if let Err(error) = self.store.release(id, &token).await {
            tracing::warn!(
                target: LOG_TARGET, event_id = %id, %error,
                "a failed event's claim could not be released; it is retried after its lease"
            );
        }
        Deduplicated::Ran(result)
    }

    async fn claim_or_wait<T>(&self, id: Uuid) -> Result<ClaimToken, Deduplicated<T>> {
        let started = tokio::time::Instant::now();
        loop {
            match self.store.claim(id, self.lease).await {
                Ok(Claim::Claimed(token)) => return Ok(token),
                Ok(Claim::Done) => return Err(Deduplicated::Duplicate),
                Ok(Claim::InProgress) if started.elapsed() >= self.wait => {
                    return Err(Deduplicated::StillRunning);
                }
                Ok(Claim::InProgress) => tokio::time::sleep(POLL_INTERVAL).await,
                Err(error) => return Err(Deduplicated::Unavailable(error)),
            }
        }
    }
}

/// Any store, with the default settings: `.deduplicate(MemoryStore::new())`.
impl<S: DedupStore> From<S> for Deduplicator {
    fn from(store: S) -> Deduplicator {
        Deduplicator::new(store)
    }
}

impl fmt::Debug for Deduplicator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Deduplicator")
            .field("lease", &self.lease)
            .field("retention", &self.retention)
            .field("wait", &self.wait)
            .finish_non_exhaustive()
    }
}
