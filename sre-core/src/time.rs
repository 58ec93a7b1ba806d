//! [`Timestamp`]: a point in time as u64 nanoseconds from an arbitrary epoch.

use core::fmt;
use core::ops::{Add, Sub};
use core::time::Duration;

/// A point in time: nanoseconds since an epoch the [`Clock`](crate::Clock) chooses.
///
/// A `u64` of nanoseconds covers 584 years, is cheap to keep in an atomic, and is trivial
/// to build in a simulation (`Timestamp::from_secs(3600)` is one hour after the epoch).
/// Timestamps from different clocks are not comparable; the type does not try to stop you.
///
/// # Arithmetic never wraps
///
/// | operation | on overflow / underflow |
/// |---|---|
/// | [`checked_add`](Self::checked_add), [`checked_sub`](Self::checked_sub) | `None` |
/// | [`saturating_add`](Self::saturating_add), `t + d` | [`Timestamp::MAX`] |
/// | [`saturating_sub`](Self::saturating_sub), `t - d` | [`Timestamp::ZERO`] |
/// | [`duration_since`](Self::duration_since) | `None` if `earlier` is later |
/// | `later - earlier` | [`Duration::ZERO`] if `earlier` is later |
///
/// A [`Duration`] longer than 584 years saturates to `u64::MAX` nanoseconds first.
///
/// ```
/// use core::time::Duration;
/// use sre_core::Timestamp;
///
/// let t = Timestamp::from_secs(60);
/// assert_eq!(t + Duration::from_secs(30), Timestamp::from_secs(90));
/// assert_eq!(Timestamp::from_secs(90) - t, Duration::from_secs(30));
/// assert_eq!(t.checked_sub(Duration::from_secs(61)), None);
/// assert_eq!(t - Duration::from_secs(61), Timestamp::ZERO); // saturates
/// assert_eq!(t.to_string(), "60.000000000s");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(transparent))]
pub struct Timestamp(u64);

/// Nanoseconds in a second.
pub const NANOS_PER_SEC: u64 = 1_000_000_000;
/// Nanoseconds in a minute: the unit of every SLI bucket and replay row.
pub const NANOS_PER_MINUTE: u64 = 60 * NANOS_PER_SEC;
/// Nanoseconds in an hour.
pub const NANOS_PER_HOUR: u64 = 60 * NANOS_PER_MINUTE;
/// Nanoseconds in a day (24 hours; the family keeps no calendar, so no leap seconds).
pub const NANOS_PER_DAY: u64 = 24 * NANOS_PER_HOUR;
/// Seconds in a minute.
pub const SECS_PER_MINUTE: u64 = 60;
/// Seconds in an hour.
pub const SECS_PER_HOUR: u64 = 3_600;
/// Seconds in a day.
pub const SECS_PER_DAY: u64 = 86_400;
/// Minutes in a day.
pub const MINUTES_PER_DAY: u64 = 1_440;
/// One minute.
pub const MINUTE: Duration = Duration::from_secs(SECS_PER_MINUTE);
/// One hour.
pub const HOUR: Duration = Duration::from_secs(SECS_PER_HOUR);
/// One day (24 hours).
pub const DAY: Duration = Duration::from_secs(SECS_PER_DAY);

/// The longest period or horizon any SLO, budget, alert policy, SLI window or replay of
/// the family accepts: 366 days, a leap year. It bounds what a period allocates (a
/// per-minute series of 366 days is 527,040 entries, 8.4 MB) and what a replay iterates.
pub const MAX_PERIOD: Duration = Duration::from_secs(366 * SECS_PER_DAY);
/// [`MAX_PERIOD`] in minutes.
pub const MAX_PERIOD_MINUTES: u64 = 366 * MINUTES_PER_DAY;

/// Checks a period or horizon against the family's bounds: longer than zero
/// ([`Error::ZeroDuration`](crate::Error::ZeroDuration)) and at most [`MAX_PERIOD`]
/// ([`Error::PeriodTooLong`](crate::Error::PeriodTooLong)). `what` names it in the error.
///
/// ```
/// use core::time::Duration;
/// use sre_core::{MAX_PERIOD, check_period};
/// assert!(check_period("SLO period", MAX_PERIOD).is_ok());
/// let e = check_period("SLO period", Duration::from_secs(400 * 86_400)).unwrap_err();
/// assert_eq!(e.to_string(), "SLO period is 400d, longer than the longest supported 366d; use a shorter one");
/// ```
pub fn check_period(what: &'static str, period: Duration) -> Result<Duration, crate::Error> {
    if period.is_zero() {
        return Err(crate::Error::ZeroDuration { what });
    }
    if period > MAX_PERIOD {
        return Err(crate::Error::PeriodTooLong {
            what,
            value: period,
            max: MAX_PERIOD,
        });
    }
    Ok(period)
}

/// A [`Duration`] as u64 nanoseconds, saturating at `u64::MAX` (584 years).
#[inline]
#[must_use]
pub fn duration_to_nanos_saturating(d: Duration) -> u64 {
    u64::try_from(d.as_nanos()).unwrap_or(u64::MAX)
}

impl Timestamp {
    /// The epoch.
    pub const ZERO: Self = Self(0);
    /// The latest representable instant, `u64::MAX` nanoseconds after the epoch.
    pub const MAX: Self = Self(u64::MAX);

    /// `nanos` nanoseconds after the epoch.
    #[inline]
    #[must_use]
    pub const fn from_nanos(nanos: u64) -> Self {
        Self(nanos)
    }

    /// `micros` microseconds after the epoch, saturating at [`Timestamp::MAX`].
    #[inline]
    #[must_use]
    pub const fn from_micros(micros: u64) -> Self {
        Self(micros.saturating_mul(1_000))
    }

    /// `millis` milliseconds after the epoch, saturating at [`Timestamp::MAX`].
    #[inline]
    #[must_use]
    pub const fn from_millis(millis: u64) -> Self {
        Self(millis.saturating_mul(1_000_000))
    }

    /// `secs` seconds after the epoch, saturating at [`Timestamp::MAX`].
    #[inline]
    #[must_use]
    pub const fn from_secs(secs: u64) -> Self {
        Self(secs.saturating_mul(NANOS_PER_SEC))
    }

    /// `mins` minutes after the epoch, saturating at [`Timestamp::MAX`].
    #[inline]
    #[must_use]
    pub const fn from_mins(mins: u64) -> Self {
        Self(mins.saturating_mul(NANOS_PER_MINUTE))
    }

    /// The time `d` after the epoch, saturating at [`Timestamp::MAX`].
    #[inline]
    #[must_use]
    pub fn from_duration(d: Duration) -> Self {
        Self(duration_to_nanos_saturating(d))
    }

    /// Nanoseconds since the epoch.
    #[inline]
    #[must_use]
    pub const fn as_nanos(self) -> u64 {
        self.0
    }

    /// Whole seconds since the epoch (truncated).
    #[inline]
    #[must_use]
    pub const fn as_secs(self) -> u64 {
        self.0 / NANOS_PER_SEC
    }

    /// Seconds since the epoch as a float (loses precision below a nanosecond after
    /// about 104 days; fine for reports and plots, not for bucketing).
    #[inline]
    #[must_use]
    pub fn as_secs_f64(self) -> f64 {
        self.0 as f64 / 1e9
    }

    /// Time since the epoch as a [`Duration`].
    #[inline]
    #[must_use]
    pub const fn as_duration(self) -> Duration {
        Duration::from_nanos(self.0)
    }

    /// `self + d`, or `None` past [`Timestamp::MAX`].
    #[inline]
    #[must_use]
    pub fn checked_add(self, d: Duration) -> Option<Self> {
        let n = u64::try_from(d.as_nanos()).ok()?;
        self.0.checked_add(n).map(Self)
    }

    /// `self - d`, or `None` before [`Timestamp::ZERO`].
    #[inline]
    #[must_use]
    pub fn checked_sub(self, d: Duration) -> Option<Self> {
        let n = u64::try_from(d.as_nanos()).ok()?;
        self.0.checked_sub(n).map(Self)
    }

    /// `self + d`, clamped to [`Timestamp::MAX`].
    #[inline]
    #[must_use]
    pub fn saturating_add(self, d: Duration) -> Self {
        Self(self.0.saturating_add(duration_to_nanos_saturating(d)))
    }

    /// `self - d`, clamped to [`Timestamp::ZERO`].
    #[inline]
    #[must_use]
    pub fn saturating_sub(self, d: Duration) -> Self {
        Self(self.0.saturating_sub(duration_to_nanos_saturating(d)))
    }

    /// The time from `earlier` to `self`, or `None` if `earlier` is after `self`.
    #[inline]
    #[must_use]
    pub const fn duration_since(self, earlier: Self) -> Option<Duration> {
        match self.0.checked_sub(earlier.0) {
            Some(n) => Some(Duration::from_nanos(n)),
            None => None,
        }
    }

    /// The time from `earlier` to `self`, or [`Duration::ZERO`] if `earlier` is after `self`.
    #[inline]
    #[must_use]
    pub const fn saturating_duration_since(self, earlier: Self) -> Duration {
        Duration::from_nanos(self.0.saturating_sub(earlier.0))
    }
}

/// Saturating: `Timestamp::MAX` rather than wrapping.
impl Add<Duration> for Timestamp {
    type Output = Self;
    #[inline]
    fn add(self, d: Duration) -> Self {
        self.saturating_add(d)
    }
}

/// Saturating: `Timestamp::ZERO` rather than wrapping.
impl Sub<Duration> for Timestamp {
    type Output = Self;
    #[inline]
    fn sub(self, d: Duration) -> Self {
        self.saturating_sub(d)
    }
}

/// Saturating: `Duration::ZERO` if the right side is later.
impl Sub<Timestamp> for Timestamp {
    type Output = Duration;
    #[inline]
    fn sub(self, earlier: Timestamp) -> Duration {
        self.saturating_duration_since(earlier)
    }
}

impl From<Duration> for Timestamp {
    /// Saturating, like [`Timestamp::from_duration`].
    fn from(d: Duration) -> Self {
        Self::from_duration(d)
    }
}

/// Seconds since the epoch with all nine nanosecond digits: `90.000000001s`.
impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}.{:09}s",
            self.0 / NANOS_PER_SEC,
            self.0 % NANOS_PER_SEC
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn constructors_agree() {
        assert_eq!(Timestamp::from_mins(2), Timestamp::from_secs(120));
        assert_eq!(Timestamp::from_secs(1), Timestamp::from_millis(1_000));
        assert_eq!(Timestamp::from_millis(1), Timestamp::from_micros(1_000));
        assert_eq!(Timestamp::from_micros(1), Timestamp::from_nanos(1_000));
        assert_eq!(Timestamp::from_secs(u64::MAX), Timestamp::MAX);
        assert_eq!(Timestamp::from_duration(Duration::MAX), Timestamp::MAX);
        assert_eq!(
            Timestamp::from_secs(7).as_duration(),
            Duration::from_secs(7)
        );
        assert_eq!(Timestamp::from_millis(7_500).as_secs(), 7);
    }

    #[test]
    fn edges_saturate_or_refuse() {
        let d = Duration::from_nanos(1);
        assert_eq!(Timestamp::MAX.checked_add(d), None);
        assert_eq!(Timestamp::MAX + d, Timestamp::MAX);
        assert_eq!(Timestamp::ZERO.checked_sub(d), None);
        assert_eq!(Timestamp::ZERO - d, Timestamp::ZERO);
        assert_eq!(Timestamp::ZERO.checked_add(Duration::MAX), None);
        assert_eq!(Timestamp::ZERO.duration_since(Timestamp::MAX), None);
        assert_eq!(Timestamp::ZERO - Timestamp::MAX, Duration::ZERO);
    }

    #[test]
    fn display_shows_all_nanos() {
        assert_eq!(
            Timestamp::from_nanos(90_000_000_001).to_string(),
            "90.000000001s"
        );
        assert_eq!(Timestamp::ZERO.to_string(), "0.000000000s");
        assert_eq!(Timestamp::MAX.to_string(), "18446744073.709551615s");
    }

    proptest! {
        #[test]
        fn arithmetic_never_panics_and_matches_u128(t in any::<u64>(), secs in any::<u64>(), nanos in 0u32..1_000_000_000) {
            let ts = Timestamp::from_nanos(t);
            let d = Duration::new(secs, nanos);
            let exact_add = u128::from(t) + d.as_nanos();
            let exact_sub = i128::from(t) - i128::try_from(d.as_nanos()).unwrap();
            let add = ts.checked_add(d);
            prop_assert_eq!(add.map(|x| u128::from(x.as_nanos())), (exact_add <= u128::from(u64::MAX)).then_some(exact_add));
            prop_assert_eq!(u128::from((ts + d).as_nanos()), exact_add.min(u128::from(u64::MAX)));
            let sub = ts.checked_sub(d);
            prop_assert_eq!(sub.map(|x| i128::from(x.as_nanos())), (exact_sub >= 0).then_some(exact_sub));
            prop_assert_eq!(i128::from((ts - d).as_nanos()), exact_sub.max(0));
        }

        #[test]
        fn difference_round_trips(a in any::<u64>(), b in any::<u64>()) {
            let (a, b) = (Timestamp::from_nanos(a), Timestamp::from_nanos(b));
            let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
            prop_assert_eq!(lo + (hi - lo), hi);
            prop_assert_eq!(hi.duration_since(lo), Some(hi - lo));
            prop_assert_eq!(lo - hi, Duration::ZERO);
        }
    }
}
