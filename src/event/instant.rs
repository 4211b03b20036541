//! FusionAuth's instants: milliseconds since the Unix epoch.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

/// A point in time as FusionAuth sends it: milliseconds since the Unix epoch,
/// UTC, as a JSON number.
///
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// use fusionauth_webhooks::Instant;
///
/// let instant = Instant::from_millis(1_595_361_142_909);
/// assert_eq!(instant.to_system_time(), Some(UNIX_EPOCH + Duration::from_millis(1_595_361_142_909)));
/// assert_eq!(serde_json::to_string(&instant).unwrap(), "1595361142909");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Instant(i64);

impl Instant {
    /// An instant from milliseconds since the Unix epoch.
    pub const fn from_millis(millis: i64) -> Instant {
        Instant(millis)
    }

    /// Milliseconds since the Unix epoch, as sent.
    pub const fn as_millis(self) -> i64 {
        self.0
    }

    /// The instant as a [`SystemTime`]; `None` only if it is outside the range
    /// the platform's clock can represent.
    pub fn to_system_time(self) -> Option<SystemTime> {
        let magnitude = Duration::from_millis(self.0.unsigned_abs());
        if self.0 >= 0 {
            UNIX_EPOCH.checked_add(magnitude)
        } else {
            UNIX_EPOCH.checked_sub(magnitude)
        }
    }

    /// The instant of a [`SystemTime`], truncated to the millisecond; `None`
    /// if it does not fit FusionAuth's range (an `i64` of milliseconds).
    pub fn from_system_time(time: SystemTime) -> Option<Instant> {
        let millis = match time.duration_since(UNIX_EPOCH) {
            Ok(after) => i64::try_from(after.as_millis()).ok()?,
            Err(before) => i64::try_from(before.duration().as_millis())
                .ok()?
                .checked_neg()?,
        };
        Some(Instant(millis))
    }
}

impl From<i64> for Instant {
    fn from(millis: i64) -> Self {
        Instant(millis)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn system_time_round_trips_through_millis() {
        for millis in [0, 1, 1_595_361_142_909, -86_400_000] {
            let instant = Instant::from_millis(millis);
            let time = instant.to_system_time().unwrap();
            assert_eq!(Instant::from_system_time(time), Some(instant));
        }
    }
}
