//! [`WindowCounts`]: good and total events over one window, and the ratios they give.

/// Good and total events over one window, as returned by
/// [`SliWindow::counts`](super::SliWindow::counts).
///
/// `total` counts every event, good or bad, so `good <= total` always holds for counts a
/// [`SliWindow`](super::SliWindow) returns. A window with no events (`total == 0`) has no
/// error ratio: [`error_ratio`](Self::error_ratio) returns `None`, which is "no data",
/// never "healthy" (Prometheus would return no sample for `0 / 0`).
///
/// ```
/// use sre_metrics::sli::WindowCounts;
///
/// let c = WindowCounts { good: 997, total: 1000 };
/// assert_eq!(c.bad(), 3);
/// assert_eq!(c.error_ratio(), Some(0.003));
/// assert_eq!(WindowCounts::default().error_ratio(), None);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct WindowCounts {
    /// Events that met the SLI (a successful request, a fast enough response).
    pub good: u64,
    /// All events, good and bad.
    pub total: u64,
}

impl WindowCounts {
    /// Events that did not meet the SLI: `total − good` (0 if `good > total`).
    #[inline]
    #[must_use]
    pub const fn bad(&self) -> u64 {
        self.total.saturating_sub(self.good)
    }

    /// `true` when the window holds no events at all.
    #[inline]
    #[must_use]
    pub const fn is_empty(&self) -> bool {
        self.total == 0
    }

    /// `bad / total`, or `None` when the window holds no events ("no data").
    #[inline]
    #[must_use]
    pub fn error_ratio(&self) -> Option<f64> {
        (self.total != 0).then(|| ratio(self.bad(), self.total))
    }

    /// `good / total`, or `None` when the window holds no events ("no data").
    #[inline]
    #[must_use]
    pub fn success_ratio(&self) -> Option<f64> {
        (self.total != 0).then(|| ratio(self.good.min(self.total), self.total))
    }
}

/// `part / whole` for `part <= whole`: the nearest `f64` to each count, divided.
///
/// Counts below 2^63 (every real one) convert as signed integers, one instruction on
/// x86-64 where the unsigned conversion is a sequence of five or more; the values, and so
/// the quotient, are the same. One test covers both: `part <= whole` (both callers pass
/// `total − good` or `min(good, total)` as `part`).
#[inline]
fn ratio(part: u64, whole: u64) -> f64 {
    debug_assert!(part <= whole);
    if let Ok(w) = i64::try_from(whole) {
        // No wrap: `part <= whole <= i64::MAX`.
        #[allow(clippy::cast_possible_wrap)]
        let p = part as i64;
        p as f64 / w as f64
    } else {
        to_f64(part) / to_f64(whole)
    }
}

/// `x as f64`, written so the compiler cannot merge it with the signed arm of [`ratio`]
/// (it would, and lose the fast conversion): `hi · 2^32` is exact, so the one rounding of
/// the sum gives the nearest `f64` to `x`, as `x as f64` does.
#[inline]
fn to_f64(x: u64) -> f64 {
    let hi = u32::try_from(x >> 32).unwrap_or(u32::MAX);
    let lo = u32::try_from(x & u64::from(u32::MAX)).unwrap_or(u32::MAX);
    f64::from(hi) * 4_294_967_296.0 + f64::from(lo)
}

#[cfg(all(test, not(sre_loom)))]
mod tests {
    use super::*;

    #[test]
    #[allow(clippy::float_cmp)] // exact: 1/4 and 3/4 are representable
    fn ratios_and_no_data() {
        let c = WindowCounts { good: 3, total: 4 };
        assert_eq!(c.bad(), 1);
        assert_eq!(c.error_ratio(), Some(0.25));
        assert_eq!(c.success_ratio(), Some(0.75));
        assert!(!c.is_empty());
        let none = WindowCounts::default();
        assert!(none.is_empty());
        assert_eq!(none.error_ratio(), None);
        assert_eq!(none.success_ratio(), None);
        // Counts past 2^63 take the unsigned conversion, with the same rounding.
        let big = WindowCounts {
            good: 1 << 62,
            total: u64::MAX,
        };
        assert_eq!(big.error_ratio(), Some(big.bad() as f64 / u64::MAX as f64));
        assert_eq!(big.success_ratio(), Some(0.25));
        assert_eq!(
            WindowCounts {
                good: 3,
                total: 1 << 63
            }
            .error_ratio(),
            Some(1.0)
        );
        // The exact conversion of counts past 2^63 is `as f64`'s.
        for x in [
            u64::MAX,
            1 << 63,
            (1 << 63) + 1,
            (1 << 63) + 1025,
            u64::MAX - 1024,
            123_456_789_012_345_678,
        ] {
            assert_eq!(to_f64(x), x as f64, "{x}");
        }
        // A hand-built inconsistent value does not underflow.
        assert_eq!(WindowCounts { good: 5, total: 2 }.bad(), 0);
    }

    proptest::proptest! {
        /// The signed fast path and the split conversion both give `as f64`'s quotient.
        #[test]
        #[allow(clippy::float_cmp)] // exact: the same quotient of the same two values
        fn ratios_are_the_unsigned_quotient(a in proptest::prelude::any::<u64>(), b in proptest::prelude::any::<u64>()) {
            let (part, whole) = (a.min(b), a.max(b).max(1));
            proptest::prop_assert_eq!(to_f64(a), a as f64);
            proptest::prop_assert_eq!(ratio(part, whole), part as f64 / whole as f64);
            let c = WindowCounts { good: part, total: whole };
            proptest::prop_assert_eq!(c.success_ratio(), Some(part as f64 / whole as f64));
        }
    }

    #[cfg(feature = "serde")]
    #[test]
    fn serde_round_trip() {
        let c = WindowCounts { good: 7, total: 9 };
        let json = serde_json::to_string(&c).unwrap();
        assert_eq!(json, r#"{"good":7,"total":9}"#);
        assert_eq!(serde_json::from_str::<WindowCounts>(&json).unwrap(), c);
    }
}
