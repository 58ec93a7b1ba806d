//! Minute arithmetic: which 1-minute bucket a timestamp falls in, and durations as minutes.
//!
//! Minute `k` holds the events completed in the half-open interval
//! `((k − 1) min, k min]`, so an event at exactly `k min` belongs to minute `k` and one
//! a nanosecond later to minute `k + 1`. That is what a Prometheus counter sampled on
//! minute boundaries shows: the sample taken at `k min` already includes the event
//! stamped `k min`.

use crate::Error;
use core::time::Duration;
use sre_core::Timestamp;

/// Nanoseconds in one minute.
pub(crate) const NANOS_PER_MINUTE: u64 = 60_000_000_000;

/// The minute `k` with `t ∈ ((k − 1) min, k min]`: `⌈t / 1 min⌉`.
#[inline]
pub(crate) fn minute_of(t: Timestamp) -> u64 {
    t.as_nanos().div_ceil(NANOS_PER_MINUTE)
}

/// `d` as a whole, non-zero number of minutes, or the error that says what to fix.
#[inline]
pub(crate) fn whole_minutes(d: Duration, what: &'static str) -> Result<u64, Error> {
    if d.is_zero() {
        return Err(sre_core::Error::ZeroDuration { what }.into());
    }
    if d.subsec_nanos() != 0 || !d.as_secs().is_multiple_of(60) {
        return Err(Error::NotWholeMinutes { what, value: d });
    }
    Ok(d.as_secs() / 60)
}

/// `m` minutes as a [`Duration`].
#[inline]
pub(crate) fn minutes(m: u64) -> Duration {
    Duration::from_secs(m.saturating_mul(60))
}

#[cfg(all(test, not(sre_loom)))]
mod tests {
    use super::*;

    #[test]
    fn a_minute_is_closed_on_the_right() {
        assert_eq!(minute_of(Timestamp::ZERO), 0);
        assert_eq!(minute_of(Timestamp::from_nanos(1)), 1);
        assert_eq!(minute_of(Timestamp::from_secs(60)), 1);
        assert_eq!(minute_of(Timestamp::from_nanos(60_000_000_001)), 2);
        assert_eq!(minute_of(Timestamp::from_mins(7)), 7);
        assert_eq!(minute_of(Timestamp::MAX), u64::MAX / NANOS_PER_MINUTE + 1);
    }

    #[test]
    fn durations_must_be_whole_minutes() {
        assert_eq!(whole_minutes(Duration::from_secs(300), "w"), Ok(5));
        assert_eq!(
            whole_minutes(Duration::ZERO, "w"),
            Err(Error::Core(sre_core::Error::ZeroDuration { what: "w" }))
        );
        let odd = Duration::from_millis(60_500);
        assert_eq!(
            whole_minutes(odd, "w"),
            Err(Error::NotWholeMinutes {
                what: "w",
                value: odd
            })
        );
        assert!(whole_minutes(Duration::from_secs(90), "w").is_err());
        assert_eq!(minutes(3), Duration::from_secs(180));
    }
}
