//! Unknown `kid`s, each with its own backoff: a flood of made-up ones costs
//! each one lookup, and none of them holds back a `kid` seen for the first time.

use std::collections::HashMap;
use std::hash::{BuildHasher, RandomState};
use std::time::Duration;

use tokio::time::Instant;

/// How many unknown `kid`s are remembered; past that the expired ones go,
/// then all (each then costs one more lookup, still one per refresh interval).
const CAPACITY: usize = 4096;

/// The longest a `kid` waits between two lookups.
const MAX_BACKOFF: Duration = Duration::from_secs(600);

/// `kid`s looked up in FusionAuth and not found, by fingerprint (a token's
/// `kid` is chosen by the sender; only a hash of it is kept).
#[derive(Debug, Default)]
pub(super) struct UnknownKids {
    hasher: RandomState,
    kids: HashMap<u64, Backoff>,
}

#[derive(Debug, Clone, Copy)]
struct Backoff {
    retry_at: Instant,
    delay: Duration,
}

impl UnknownKids {
    pub(super) fn fingerprint(&self, kid: &str) -> u64 {
        self.hasher.hash_one(kid)
    }

    /// Whether the `kid` may not be looked up again yet.
    pub(super) fn waiting(&self, kid: u64, now: Instant) -> bool {
        self.kids
            .get(&kid)
            .is_some_and(|backoff| now < backoff.retry_at)
    }

    /// A lookup did not find the `kid`: wait `first` before the next one,
    /// twice as long after each further miss, up to ten minutes.
    pub(super) fn missed(&mut self, kid: u64, now: Instant, first: Duration) {
        if self.kids.len() >= CAPACITY && !self.kids.contains_key(&kid) {
            self.kids.retain(|_, backoff| now < backoff.retry_at);
            if self.kids.len() >= CAPACITY {
                self.kids.clear();
            }
        }
        let delay = match self.kids.get(&kid) {
            Some(backoff) => (backoff.delay * 2).min(MAX_BACKOFF),
            None => first.min(MAX_BACKOFF),
        };
        self.kids.insert(
            kid,
            Backoff {
                retry_at: now + delay,
                delay,
            },
        );
    }

    /// The keys changed (the webhook signs with another key): every `kid`
    /// may be worth a lookup again.
    pub(super) fn clear(&mut self) {
        self.kids.clear();
    }

    /// The `kid` was found: forget its misses.
    pub(super) fn found(&mut self, kid: u64) {
        self.kids.remove(&kid);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kid_backs_off_on_its_own_doubling_up_to_ten_minutes() {
        let mut unknown = UnknownKids::default();
        let now = Instant::now();
        let (bogus, fresh) = (unknown.fingerprint("bogus"), unknown.fingerprint("fresh"));
        unknown.missed(bogus, now, Duration::from_secs(5));
        assert!(unknown.waiting(bogus, now + Duration::from_secs(4)));
        assert!(!unknown.waiting(bogus, now + Duration::from_secs(5)));
        assert!(!unknown.waiting(fresh, now), "another kid is not held back");
        unknown.missed(bogus, now, Duration::from_secs(5));
        assert!(unknown.waiting(bogus, now + Duration::from_secs(9)));
        for _ in 0..20 {
            unknown.missed(bogus, now, Duration::from_secs(5));
        }
        assert!(!unknown.waiting(bogus, now + MAX_BACKOFF));
        unknown.found(bogus);
        assert!(!unknown.waiting(bogus, now));
    }

    #[test]
    fn a_flood_of_kids_never_holds_more_than_the_capacity() {
        let mut unknown = UnknownKids::default();
        let now = Instant::now();
        for n in 0..3 * CAPACITY {
            let kid = unknown.fingerprint(&n.to_string());
            unknown.missed(kid, now, Duration::from_secs(5));
            assert!(unknown.kids.len() <= CAPACITY);
        }
    }
}
