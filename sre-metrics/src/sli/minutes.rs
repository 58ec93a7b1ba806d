//! Minute arithmetic: which 1-minute bucket a timestamp falls in, and durations as minutes.
//!
//! Minute `k` holds the events completed in the half-open interval
//! `((k − 1) min, k min]`, so an event at exactly `k min` belongs to minute `k` and one
//! a nanosecond later to minute `k + 1`. That is what a Prometheus counter sampled on
//! minute boundaries shows: the sample taken at `k min` already includes the event
//! stamped `k min`.

use crate::Error;
use core::time::Duration;
use sre_core::{SECS_PER_MINUTE, Timestamp};

pub(crate) use sre_core::NANOS_PER_MINUTE;

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
    if d.subsec_nanos() != 0 || !d.as_secs().is_multiple_of(SECS_PER_MINUTE) {
        return Err(Error::NotWholeMinutes { what, value: d });
    }
    Ok(d.as_secs() / SECS_PER_MINUTE)
}

/// `m` minutes as a [`Duration`].
#[inline]
pub(crate) fn minutes(m: u64) -> Duration {
    Duration::from_secs(m.saturating_mul(SECS_PER_MINUTE))
}

/// `secs / 60` when `secs` is a multiple of 60, else a number above `u64::MAX / 60`
/// (so above any horizon): one multiplication and one rotation, no division.
///
/// `secs = 4 · 15 · q` exactly when `secs · 15⁻¹ (mod 2⁶⁴)` is `4q`, a multiple of 4
/// with `q <= u64::MAX / 60`, which the rotation turns into `q`; for any other `secs`
/// the product is either not a multiple of 4 (its low bits rotate to the top) or larger
/// (the divisibility test by a modular inverse of Granlund and Montgomery, "Division by
/// invariant integers using multiplication", PLDI 1994; Warren, Hacker's Delight, ch. 10,
/// "Test for zero remainder after division by a constant"). Checked against `/` and `%`
/// by the tests below.
#[inline]
pub(crate) fn whole_minutes_or_huge(secs: u64) -> u64 {
    /// The inverse of 15 modulo 2⁶⁴: `15 · INV_15 = 1 (mod 2⁶⁴)`.
    const INV_15: u64 = 0xEEEE_EEEE_EEEE_EEEF;
    secs.wrapping_mul(INV_15).rotate_right(2)
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

    use proptest::prelude::*;

    /// The division-free test against plain division and remainder.
    fn check(secs: u64) {
        let q = whole_minutes_or_huge(secs);
        if secs.is_multiple_of(60) {
            assert_eq!(q, secs / 60, "{secs}");
        } else {
            assert!(q > u64::MAX / 60, "{secs} gave {q}");
        }
    }

    #[test]
    fn whole_minutes_match_division_on_small_and_edge_values() {
        for secs in (0..200_000).chain([
            u64::MAX,
            u64::MAX - 59,
            u64::MAX / 60 * 60,
            u64::MAX / 60 * 60 + 1,
            u64::MAX / 60 * 60 - 60,
            1 << 63,
            (1 << 63) + 60,
        ]) {
            check(secs);
        }
    }

    proptest! {
        #[test]
        fn whole_minutes_match_division(secs in any::<u64>(), m in 0..u64::MAX / 60) {
            check(secs);
            check(m * 60);
        }
    }
}
