//! The deduplication store of one process.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use async_trait::async_trait;
use uuid::Uuid;

use super::store::{Claim, ClaimToken, DedupStore, StoreError};

/// The default bound on the entries a [`MemoryStore`] keeps.
pub const DEFAULT_MEMORY_STORE_CAPACITY: usize = 100_000;

/// A [`DedupStore`] in this process's memory: the default for a single
/// replica. Bounded in time (claims expire with their lease, done marks with
/// their retention) and in entries: when full, the oldest done or expired
/// entries go first, in O(1) per claim; running claims are never evicted (a claim
/// over the bound is refused as [`StoreError::Full`]).
///
/// It deduplicates only what reaches this process: with several replicas use
/// a shared store (`RedisStore` in `fusionauth-webhooks-redis`).
///
/// # Example
///
/// ```
/// use std::time::Duration;
/// use fusionauth_webhooks::delivery::{Claim, DedupStore, MemoryStore};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let store = MemoryStore::with_capacity(1_000);
/// let id = uuid::Uuid::from_u128(1);
/// let Claim::Claimed(token) = store.claim(id, Duration::from_secs(5)).await? else { panic!() };
/// assert!(store.release(id, &token).await?);
/// assert!(matches!(store.claim(id, Duration::from_secs(5)).await?, Claim::Claimed(_)));
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
pub struct MemoryStore {
    capacity: usize,
    entries: Mutex<Entries>,
}

/// The entries, and their ids in insertion order, oldest first, for eviction
/// in O(1) per claim (an id claimed again may appear twice; a stale one is skipped).
#[derive(Debug, Default)]
struct Entries {
    by_id: HashMap<Uuid, Entry>,
    order: VecDeque<Uuid>,
}

#[derive(Debug)]
struct Entry {
    running: Option<ClaimToken>,
    expires: Instant,
}

impl Entry {
    fn is_live(&self, now: Instant) -> bool {
        self.expires > now
    }
}

impl MemoryStore {
    /// A store bounded to [`DEFAULT_MEMORY_STORE_CAPACITY`] entries.
    pub fn new() -> MemoryStore {
        MemoryStore::with_capacity(DEFAULT_MEMORY_STORE_CAPACITY)
    }

    /// A store bounded to `capacity` entries (at least one).
    pub fn with_capacity(capacity: usize) -> MemoryStore {
        MemoryStore {
            capacity: capacity.max(1),
            entries: Mutex::new(Entries::default()),
        }
    }

    /// How many entries (running claims and done marks, expired or not) it holds.
    pub fn len(&self) -> usize {
        self.lock().by_id.len()
    }

    /// Whether it holds no entry.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Entries> {
        // A panic while holding the lock cannot leave a map half-updated
        // (every update is one insert or remove), so a poisoned lock is usable.
        self.entries
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Evicts the oldest entries that are done or expired until one more
    /// fits; running claims are kept (moved to the back).
    fn make_room(&self, entries: &mut Entries, now: Instant) -> Result<(), StoreError> {
        let mut running_seen = 0;
        while entries.by_id.len() >= self.capacity {
            if running_seen >= entries.order.len() {
                return Err(StoreError::Full(entries.by_id.len()));
            }
            let Some(id) = entries.order.pop_front() else {
                return Err(StoreError::Full(entries.by_id.len()));
            };
            match entries.by_id.get(&id) {
                Some(entry) if entry.running.is_some() && entry.is_live(now) => {
                    entries.order.push_back(id);
                    running_seen += 1;
                }
                Some(_) => {
                    entries.by_id.remove(&id);
                }
                None => {}
            }
        }
        // Ids left behind by removals (releases) would grow the order unboundedly.
        if entries.order.len() > 2 * self.capacity {
            let Entries { by_id, order } = entries;
            order.retain(|id| by_id.contains_key(id));
        }
        Ok(())
    }
}

impl Default for MemoryStore {
    fn default() -> MemoryStore {
        MemoryStore::new()
    }
}

#[async_trait]
impl DedupStore for MemoryStore {
    async fn claim(&self, id: Uuid, lease: Duration) -> Result<Claim, StoreError> {
        let now = Instant::now();
        let mut entries = self.lock();
        if let Some(entry) = entries.by_id.get(&id).filter(|entry| entry.is_live(now)) {
            return Ok(match entry.running {
                Some(_) => Claim::InProgress,
                None => Claim::Done,
            });
        }
        let fresh = entries.by_id.remove(&id).is_none();
        self.make_room(&mut entries, now)?;
        let token = ClaimToken::random();
        if fresh {
            entries.order.push_back(id);
        }
        entries.by_id.insert(
            id,
            Entry {
                running: Some(token.clone()),
                expires: now + lease,
            },
        );
        Ok(Claim::Claimed(token))
    }

    async fn complete(
        &self,
        id: Uuid,
        token: &ClaimToken,
        retention: Duration,
    ) -> Result<bool, StoreError> {
        let now = Instant::now();
        let mut entries = self.lock();
        match entries.by_id.get_mut(&id) {
            Some(entry) if entry.running.as_ref() == Some(token) && entry.is_live(now) => {
                entry.running = None;
                entry.expires = now + retention;
                Ok(true)
            }
            _ => Ok(false),
        }
    }

    async fn release(&self, id: Uuid, token: &ClaimToken) -> Result<bool, StoreError> {
        let now = Instant::now();
        let mut entries = self.lock();
        match entries.by_id.get(&id) {
            Some(entry) if entry.running.as_ref() == Some(token) && entry.is_live(now) => {
                entries.by_id.remove(&id);
                Ok(true)
            }
            _ => Ok(false),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LEASE: Duration = Duration::from_secs(60);

    #[tokio::test]
    async fn a_full_store_evicts_done_marks_before_refusing_claims() {
        let store = MemoryStore::with_capacity(2);
        let first = Uuid::from_u128(1);
        let Claim::Claimed(token) = store.claim(first, LEASE).await.unwrap() else {
            panic!("first claim")
        };
        store.complete(first, &token, LEASE).await.unwrap();
        assert!(matches!(
            store.claim(Uuid::from_u128(2), LEASE).await,
            Ok(Claim::Claimed(_))
        ));
        // Full: the done mark of `first` makes room.
        assert!(matches!(
            store.claim(Uuid::from_u128(3), LEASE).await,
            Ok(Claim::Claimed(_))
        ));
        assert_eq!(store.len(), 2);
        // Only running claims left: refused, never evicted.
        assert_eq!(
            store.claim(Uuid::from_u128(4), LEASE).await,
            Err(StoreError::Full(2))
        );
    }
}
