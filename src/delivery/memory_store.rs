//! The deduplication store of one process.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use async_trait::async_trait;
use uuid::Uuid;

use super::store::{Claim, ClaimToken, DedupStore, StoreError};

/// The default bound on the entries a [`MemoryStore`] keeps.
pub const DEFAULT_MEMORY_STORE_CAPACITY: usize = 100_000;

/// A [`DedupStore`] in this process's memory: the default for a single
/// replica. Bounded in time (claims expire with their lease, done marks with
/// their retention) and in entries: when full, expired entries go first, then
/// the done marks closest to expiry; running claims are never evicted (a claim
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
    entries: Mutex<HashMap<Uuid, Entry>>,
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
            entries: Mutex::new(HashMap::new()),
        }
    }

    /// How many entries (running claims and done marks, expired or not) it holds.
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    /// Whether it holds no entry.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Uuid, Entry>> {
        // A panic while holding the lock cannot leave a map half-updated
        // (every update is one insert or remove), so a poisoned lock is usable.
        self.entries
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn make_room(
        &self,
        entries: &mut HashMap<Uuid, Entry>,
        now: Instant,
    ) -> Result<(), StoreError> {
        if entries.len() < self.capacity {
            return Ok(());
        }
        entries.retain(|_, entry| entry.is_live(now));
        while entries.len() >= self.capacity {
            let oldest_done = entries
                .iter()
                .filter(|(_, entry)| entry.running.is_none())
                .min_by_key(|(_, entry)| entry.expires)
                .map(|(id, _)| *id);
            match oldest_done {
                Some(id) => entries.remove(&id),
                None => return Err(StoreError::Full(entries.len())),
            };
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
        if let Some(entry) = entries.get(&id).filter(|entry| entry.is_live(now)) {
            return Ok(match entry.running {
                Some(_) => Claim::InProgress,
                None => Claim::Done,
            });
        }
        entries.remove(&id);
        self.make_room(&mut entries, now)?;
        let token = ClaimToken::random();
        entries.insert(
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
        match entries.get_mut(&id) {
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
        match entries.get(&id) {
            Some(entry) if entry.running.as_ref() == Some(token) && entry.is_live(now) => {
                entries.remove(&id);
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
