//! FusionAuth's instants: milliseconds since the Unix epoch.

use std::fmt;
use std::num::NonZeroU64;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A point in time as FusionAuth sends it: milliseconds since the Unix epoch,
/// UTC, as a JSON number.
///
/// An `Option<Instant>` takes 8 bytes, as an `Instant` does: the model has
/// many optional instants, and a user's registrations can number in the
/// thousands. The one `i64` it cannot hold, `i64::MIN` (292 million years
/// before the epoch), is read as the next one up.
///
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// use fusionauth_webhooks::Instant;
///
/// let instant = Instant::from_millis(1_595_361_142_909);
/// assert_eq!(instant.to_system_time(), Some(UNIX_EPOCH + Duration::from_millis(1_595_361_142_909)));
/// assert_eq!(serde_json::to_string(&instant).unwrap(), "1595361142909");
/// assert_eq!(size_of::<Option<Instant>>(), 8);
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Instant(
    /// The milliseconds with the sign bit flipped: zero only for `i64::MIN`,
    /// which leaves `Option` a niche, and in the same order as the `i64`s.
    NonZeroU64,
);

impl Instant {
    /// An instant from milliseconds since the Unix epoch (`i64::MIN` is
    /// taken as `i64::MIN + 1`).
    pub const fn from_millis(millis: i64) -> Instant {
        let millis = if millis == i64::MIN {
            i64::MIN + 1
        } else {
            millis
        };
        match NonZeroU64::new(millis.cast_unsigned() ^ (1 << 63)) {
            Some(flipped) => Instant(flipped),
            None => unreachable!(),
        }
    }

    /// Milliseconds since the Unix epoch, as sent.
    pub const fn as_millis(self) -> i64 {
        (self.0.get() ^ (1 << 63)).cast_signed()
    }

    /// The instant as a [`SystemTime`]; `None` only if it is outside the range
    /// the platform's clock can represent.
    pub fn to_system_time(self) -> Option<SystemTime> {
        let millis = self.as_millis();
        let magnitude = Duration::from_millis(millis.unsigned_abs());
        if millis >= 0 {
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
        Some(Instant::from_millis(millis))
    }
}

impl From<i64> for Instant {
    fn from(millis: i64) -> Self {
        Instant::from_millis(millis)
    }
}

impl fmt::Debug for Instant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Instant").field(&self.as_millis()).finish()
    }
}

impl Serialize for Instant {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_i64(self.as_millis())
    }
}

impl<'de> Deserialize<'de> for Instant {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        i64::deserialize(deserializer).map(Instant::from_millis)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn millis_round_trip_and_keep_their_order() {
        let all = [
            i64::MIN + 1,
            -86_400_000,
            -1,
            0,
            1,
            1_595_361_142_909,
            i64::MAX,
        ];
        for pair in all.windows(2) {
            assert!(Instant::from_millis(pair[0]) < Instant::from_millis(pair[1]));
        }
        for millis in all {
            assert_eq!(Instant::from_millis(millis).as_millis(), millis);
        }
        assert_eq!(Instant::from_millis(i64::MIN).as_millis(), i64::MIN + 1);
    }

    #[test]
    fn system_time_round_trips_through_millis() {
        for millis in [0, 1, 1_595_361_142_909, -86_400_000] {
            let instant = Instant::from_millis(millis);
            let time = instant.to_system_time().unwrap();
            assert_eq!(Instant::from_system_time(time), Some(instant));
        }
    }
}
