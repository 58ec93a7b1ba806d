//! Validated numbers: [`Objective`], [`Fraction`], [`Rate`], [`Positive`].
//!
//! Each wraps an `f64` that has passed its constructor's checks, so code that takes one
//! never re-checks, and a bad number is rejected where it enters, with an [`Error`] that
//! names the quantity and the value. With the `serde` feature they deserialize through
//! the same checks.

use crate::Error;
use core::fmt;

/// `value` if it is finite, else [`Error::NotANumber`] or [`Error::Infinite`] naming `what`.
///
/// For quantities that may take any sign (a threshold, a bound); the types below add
/// their range checks on top of it.
///
/// ```
/// use sre_core::{Error, num::finite};
/// assert_eq!(finite("threshold", -3.5), Ok(-3.5));
/// assert_eq!(finite("threshold", f64::NAN), Err(Error::NotANumber { what: "threshold" }));
/// assert!(matches!(finite("bound", f64::NEG_INFINITY), Err(Error::Infinite { .. })));
/// ```
pub fn finite(what: &'static str, value: f64) -> Result<f64, Error> {
    if value.is_nan() {
        Err(Error::NotANumber { what })
    } else if value.is_infinite() {
        Err(Error::Infinite { what, value })
    } else {
        Ok(value)
    }
}

fn non_negative(what: &'static str, value: f64) -> Result<f64, Error> {
    let v = finite(what, value)?;
    if v < 0.0 {
        Err(Error::Negative { what, value })
    } else {
        Ok(v)
    }
}

macro_rules! validated_f64 {
    ($ty:ident, $what:literal) => {
        impl $ty {
            /// The validated value.
            #[inline]
            #[must_use]
            pub const fn get(self) -> f64 {
                self.0
            }
        }

        impl TryFrom<f64> for $ty {
            type Error = Error;
            fn try_from(value: f64) -> Result<Self, Error> {
                Self::new(value)
            }
        }

        impl From<$ty> for f64 {
            fn from(v: $ty) -> f64 {
                v.0
            }
        }

        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Display::fmt(&self.0, f)
            }
        }
    };
}

/// An SLO objective: the fraction of events that must be good, in the open interval (0, 1).
///
/// 0 promises nothing and 1 leaves no error budget, so both are rejected, as are NaN,
/// infinities and anything outside. Build it from a fraction or a percentage:
///
/// ```
/// use sre_core::{Error, Objective};
///
/// let slo = Objective::from_percent(99.9)?;
/// assert_eq!(slo, Objective::new(0.999)?);
/// assert!((slo.error_budget() - 0.001).abs() < 1e-15);
/// assert!(matches!(Objective::new(1.0), Err(Error::OutOfRange { value, .. }) if value == 1.0));
/// assert!(matches!(Objective::from_percent(100.0), Err(Error::OutOfRange { value, .. }) if value == 100.0));
/// assert!(matches!(Objective::new(f64::NAN), Err(Error::NotANumber { .. })));
/// # Ok::<(), Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "f64", into = "f64"))]
pub struct Objective(f64);

impl Objective {
    /// From a fraction in (0, 1), e.g. `0.999`.
    pub fn new(fraction: f64) -> Result<Self, Error> {
        const WHAT: &str = "objective";
        let v = finite(WHAT, fraction)?;
        if v > 0.0 && v < 1.0 {
            Ok(Self(v))
        } else {
            Err(Error::OutOfRange {
                what: WHAT,
                value: fraction,
                expected: "the open interval (0, 1), e.g. 0.999; for a percentage use Objective::from_percent",
            })
        }
    }

    /// From a percentage in (0, 100), e.g. `99.9`. The error names the percentage given.
    pub fn from_percent(percent: f64) -> Result<Self, Error> {
        const WHAT: &str = "objective percentage";
        let v = finite(WHAT, percent)?;
        if v > 0.0 && v < 100.0 {
            Ok(Self(percent_to_fraction(v)))
        } else {
            Err(Error::OutOfRange {
                what: WHAT,
                value: percent,
                expected: "the open interval (0, 100), e.g. 99.9",
            })
        }
    }

    /// From either spelling, as a file or a flag gives it: a number in (0, 1) is a
    /// fraction (`0.999`), a number in (1, 100) a percentage (`99.9`). Exactly 1 is
    /// refused: as a fraction it leaves no budget, and reading it as 1 % would turn a
    /// mistyped "100 %" into a promise of almost nothing.
    ///
    /// ```
    /// use sre_core::Objective;
    /// assert_eq!(Objective::from_fraction_or_percent(0.999)?, Objective::new(0.999)?);
    /// assert_eq!(Objective::from_fraction_or_percent(99.9)?, Objective::new(0.999)?);
    /// assert!(Objective::from_fraction_or_percent(1.0).is_err());
    /// assert!(Objective::from_fraction_or_percent(100.0).is_err());
    /// # Ok::<(), sre_core::Error>(())
    /// ```
    pub fn from_fraction_or_percent(value: f64) -> Result<Self, Error> {
        const WHAT: &str = "objective";
        let v = finite(WHAT, value)?;
        if v > 0.0 && v < 1.0 {
            Ok(Self(v))
        } else if v > 1.0 && v < 100.0 {
            Ok(Self(percent_to_fraction(v)))
        } else {
            Err(Error::OutOfRange {
                what: WHAT,
                value,
                expected: "a fraction in (0, 1) such as 0.999 or a percentage in (1, 100) such as 99.9 (1 itself is ambiguous)",
            })
        }
    }

    /// The objective as a percentage (`99.9` for `0.999`).
    #[must_use]
    pub fn as_percent(self) -> f64 {
        self.0 * 100.0
    }

    /// The error budget: the fraction of events allowed to be bad, `1 − objective`.
    #[must_use]
    pub fn error_budget(self) -> f64 {
        1.0 - self.0
    }
}
validated_f64!(Objective, "objective");

/// `p / 100` with decimal semantics: the shortest decimal that round-trips `p` is shifted
/// two places and parsed, so `99.9` gives exactly the `f64` nearest 0.999 (plain division
/// gives 0.9990000000000001).
fn percent_to_fraction(p: f64) -> f64 {
    let sci = format!("{p:e}");
    let shifted = sci.split_once('e').and_then(|(mantissa, exp)| {
        let exp: i32 = exp.parse().ok()?;
        format!("{mantissa}e{}", exp - 2).parse::<f64>().ok()
    });
    shifted.unwrap_or(p / 100.0)
}

/// A fraction in the closed interval [0, 1]: a quantile, a utilization, a share.
///
/// ```
/// use sre_core::Fraction;
/// assert_eq!(Fraction::new(0.99).unwrap().get(), 0.99);
/// assert!(Fraction::new(1.5).is_err());
/// assert!(Fraction::new(-0.0).is_ok());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "f64", into = "f64"))]
pub struct Fraction(f64);

impl Fraction {
    /// Zero.
    pub const ZERO: Self = Self(0.0);
    /// One.
    pub const ONE: Self = Self(1.0);

    /// From a value in [0, 1].
    pub fn new(value: f64) -> Result<Self, Error> {
        Self::named("fraction", value)
    }

    /// From a value in [0, 1], naming the quantity in the error (`"quantile"`, `"target utilization"`).
    pub fn named(what: &'static str, value: f64) -> Result<Self, Error> {
        let v = non_negative(what, value)?;
        if v <= 1.0 {
            Ok(Self(v))
        } else {
            Err(Error::OutOfRange {
                what,
                value,
                expected: "the closed interval [0, 1]",
            })
        }
    }
}
validated_f64!(Fraction, "fraction");

/// A finite, non-negative rate or amount: requests per second, a utilization in
/// percent, a queue length as a float.
///
/// ```
/// use sre_core::{Error, Rate};
/// assert_eq!(Rate::new(3000.0).unwrap().get(), 3000.0);
/// assert!(matches!(Rate::new(-1.0), Err(Error::Negative { value, .. }) if value == -1.0));
/// assert!(matches!(Rate::new(f64::INFINITY), Err(Error::Infinite { .. })));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "f64", into = "f64"))]
pub struct Rate(f64);

impl Rate {
    /// Zero.
    pub const ZERO: Self = Self(0.0);

    /// From a finite value ≥ 0.
    pub fn new(value: f64) -> Result<Self, Error> {
        Self::named("rate", value)
    }

    /// From a finite value ≥ 0, naming the quantity in the error.
    pub fn named(what: &'static str, value: f64) -> Result<Self, Error> {
        non_negative(what, value).map(Self)
    }
}
validated_f64!(Rate, "rate");

/// A finite, strictly positive number: a target per instance, a service rate μ, a scale.
///
/// ```
/// use sre_core::{Error, Positive};
/// assert_eq!(Positive::new(1000.0).unwrap().get(), 1000.0);
/// assert!(matches!(Positive::new(0.0), Err(Error::Zero { .. })));
/// assert!(matches!(Positive::named("target", -5.0), Err(Error::Negative { what: "target", .. })));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "f64", into = "f64"))]
pub struct Positive(f64);

impl Positive {
    /// From a finite value > 0.
    pub fn new(value: f64) -> Result<Self, Error> {
        Self::named("value", value)
    }

    /// From a finite value > 0, naming the quantity in the error.
    pub fn named(what: &'static str, value: f64) -> Result<Self, Error> {
        let v = non_negative(what, value)?;
        if v == 0.0 {
            Err(Error::Zero { what })
        } else {
            Ok(Self(v))
        }
    }
}
validated_f64!(Positive, "positive number");

/// Converts a float to `u64`, rounding toward zero; NaN and negatives give 0, values past
/// `u64::MAX` give `u64::MAX`. The one place the family does this cast, so each call site
/// need not argue about it again.
#[inline]
#[must_use]
#[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
pub fn f64_to_u64_saturating(x: f64) -> u64 {
    // `as` from f64 to u64 is saturating and maps NaN to 0 (Rust reference, "Numeric cast").
    x as u64
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn every_bad_class_has_its_own_error() {
        assert_eq!(
            Objective::new(f64::NAN),
            Err(Error::NotANumber { what: "objective" })
        );
        assert!(matches!(
            Objective::new(f64::INFINITY),
            Err(Error::Infinite { .. })
        ));
        assert!(matches!(
            Objective::new(f64::NEG_INFINITY),
            Err(Error::Infinite { .. })
        ));
        for bad in [0.0, 1.0, -0.5, 1.5] {
            assert!(
                matches!(Objective::new(bad), Err(Error::OutOfRange { value, .. }) if value.to_bits() == bad.to_bits())
            );
        }
        for bad in [0.0, 100.0, 150.0, -1.0] {
            assert!(
                matches!(Objective::from_percent(bad), Err(Error::OutOfRange { value, .. }) if value.to_bits() == bad.to_bits())
            );
        }
        assert!(matches!(Rate::new(-0.1), Err(Error::Negative { .. })));
        assert_eq!(Rate::new(f64::NAN), Err(Error::NotANumber { what: "rate" }));
        assert_eq!(Positive::named("mu", 0.0), Err(Error::Zero { what: "mu" }));
        assert!(matches!(
            Fraction::named("quantile", 1.000_001),
            Err(Error::OutOfRange {
                what: "quantile",
                ..
            })
        ));
    }

    #[test]
    fn messages_say_what_to_fix() {
        let msg = Objective::new(99.9).unwrap_err().to_string();
        assert!(
            msg.contains("99.9") && msg.contains("from_percent"),
            "{msg}"
        );
        let msg = Positive::named("target", -2.0).unwrap_err().to_string();
        assert!(msg.contains("target") && msg.contains("-2"), "{msg}");
    }

    #[test]
    fn percent_and_fraction_agree() {
        let a = Objective::from_percent(99.9).unwrap();
        let b = Objective::new(0.999).unwrap();
        assert_eq!(a, b);
        for (pct, frac) in [
            (99.0_f64, 0.99_f64),
            (99.5, 0.995),
            (99.95, 0.9995),
            (99.99, 0.9999),
            (12.5, 0.125),
        ] {
            assert_eq!(
                Objective::from_percent(pct).unwrap().get().to_bits(),
                frac.to_bits(),
                "{pct}"
            );
        }
        assert!((a.as_percent() - 99.9).abs() < 1e-12);
    }

    #[test]
    fn saturating_cast() {
        assert_eq!(f64_to_u64_saturating(f64::NAN), 0);
        assert_eq!(f64_to_u64_saturating(-3.0), 0);
        assert_eq!(f64_to_u64_saturating(2.9), 2);
        assert_eq!(f64_to_u64_saturating(1e30), u64::MAX);
    }

    #[cfg(feature = "serde")]
    #[test]
    fn serde_validates_on_input() {
        let o: Objective = serde_json::from_str("0.995").unwrap();
        assert!((o.get() - 0.995).abs() < 1e-15);
        assert!(serde_json::from_str::<Objective>("1.0").is_err());
        assert!(serde_json::from_str::<Rate>("-3").is_err());
        assert_eq!(
            serde_json::to_string(&Rate::new(2.5).unwrap()).unwrap(),
            "2.5"
        );
    }

    proptest! {
        #[test]
        fn objective_accepts_exactly_the_open_unit_interval(x in any::<f64>()) {
            let ok = x.is_finite() && x > 0.0 && x < 1.0;
            prop_assert_eq!(Objective::new(x).is_ok(), ok);
            if let Ok(o) = Objective::new(x) {
                // 1 − x rounds to 1.0 for x below 2^-53: the budget is in (0, 1].
                prop_assert!(o.error_budget() > 0.0 && o.error_budget() <= 1.0);
            }
        }

        #[test]
        fn fraction_rate_positive_accept_exactly_their_sets(x in any::<f64>()) {
            prop_assert_eq!(Fraction::new(x).is_ok(), x.is_finite() && (0.0..=1.0).contains(&x));
            prop_assert_eq!(Rate::new(x).is_ok(), x.is_finite() && x >= 0.0);
            prop_assert_eq!(Positive::new(x).is_ok(), x.is_finite() && x > 0.0);
        }
    }
}
