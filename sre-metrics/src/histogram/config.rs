//! [`HistogramConfig`]: the validated range and precision of a histogram.

use super::layout::Layout;
use crate::error::Error;
use core::fmt;

/// The range and precision of a [`Histogram`](super::Histogram): lowest discernible
/// value, highest trackable value and significant decimal digits, exactly as in
/// HdrHistogram, so a value lands in the same bucket here and in `hdrhistogram` built with
/// the same three numbers.
///
/// Every recorded value `v` is counted in a bucket whose width is at most
/// `v / 10^digits` (and at most `2^floor(log2(lowest))`, the unit), so a quantile is
/// within a relative error of `10^-digits` of the exact one.
///
/// ```
/// use sre_metrics::HistogramConfig;
///
/// // Nanoseconds, from 1 ns to 1 hour, 3 significant digits (0.1 % error).
/// let config = HistogramConfig::new(1, 3_600_000_000_000, 3)?;
/// assert_eq!(config.highest_equivalent(1_000_000), 1_000_447); // 1 ms ± 0.05 %
/// assert!(HistogramConfig::new(0, 100, 3).is_err());
/// # Ok::<(), sre_metrics::Error>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "ConfigRepr", into = "ConfigRepr"))]
pub struct HistogramConfig {
    lowest: u64,
    highest: u64,
    digits: u8,
    layout: Layout,
}

impl HistogramConfig {
    /// A configuration tracking values from `lowest_discernible` (≥ 1) to
    /// `highest_trackable` (≥ 2 × lowest) with `significant_digits` (1 to 5) decimal
    /// digits of precision.
    ///
    /// # Errors
    ///
    /// [`Error::LowestDiscernibleZero`], [`Error::HighestBelowTwiceLowest`] (also for
    /// inverted bounds), [`Error::SignificantDigits`], or [`Error::LowestTooLarge`] when the
    /// lowest value and digits together need more than 64 bits.
    pub fn new(
        lowest_discernible: u64,
        highest_trackable: u64,
        significant_digits: u8,
    ) -> Result<Self, Error> {
        let layout = Layout::new(lowest_discernible, highest_trackable, significant_digits)?;
        Ok(Self {
            lowest: lowest_discernible,
            highest: highest_trackable,
            digits: significant_digits,
            layout,
        })
    }

    /// The lowest discernible value, as given.
    #[must_use]
    pub fn lowest_discernible(&self) -> u64 {
        self.lowest
    }

    /// The highest trackable value, as given; larger values are clamped to it.
    #[must_use]
    pub fn highest_trackable(&self) -> u64 {
        self.highest
    }

    /// The significant decimal digits, as given.
    #[must_use]
    pub fn significant_digits(&self) -> u8 {
        self.digits
    }

    /// How many counters one shard holds (each an 8-byte atomic).
    #[must_use]
    pub fn counters(&self) -> usize {
        self.layout.len
    }

    /// How many counters `hdrhistogram` allocates for the same configuration; it keeps the
    /// whole last bucket, this crate stops at the highest trackable value's counter.
    #[must_use]
    pub fn hdrhistogram_counters(&self) -> usize {
        self.layout.hdr_len
    }

    /// The lowest value counted together with `value` (after clamping `value` to the
    /// highest trackable value).
    #[must_use]
    pub fn lowest_equivalent(&self, value: u64) -> u64 {
        self.layout.lowest_of_index(self.index_of(value))
    }

    /// The highest value counted together with `value` (after clamping `value` to the
    /// highest trackable value).
    #[must_use]
    pub fn highest_equivalent(&self, value: u64) -> u64 {
        self.layout.highest_of_index(self.index_of(value))
    }

    /// Whether two values are counted in the same bucket.
    #[must_use]
    pub fn equivalent(&self, a: u64, b: u64) -> bool {
        self.index_of(a) == self.index_of(b)
    }

    /// The counter index of a value, clamped to the highest trackable value.
    #[inline]
    pub(crate) fn index_of(&self, value: u64) -> usize {
        self.layout.index_of(value.min(self.highest))
    }

    pub(crate) fn layout(&self) -> &Layout {
        &self.layout
    }
}

impl fmt::Debug for HistogramConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HistogramConfig")
            .field("lowest_discernible", &self.lowest)
            .field("highest_trackable", &self.highest)
            .field("significant_digits", &self.digits)
            .finish()
    }
}

impl fmt::Display for HistogramConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "values {}..={} at {} significant digits",
            self.lowest, self.highest, self.digits
        )
    }
}

/// The serialized form: the three numbers a user gives; validated on input.
#[cfg(feature = "serde")]
#[derive(serde::Serialize, serde::Deserialize)]
struct ConfigRepr {
    lowest_discernible: u64,
    highest_trackable: u64,
    significant_digits: u8,
}

#[cfg(feature = "serde")]
impl TryFrom<ConfigRepr> for HistogramConfig {
    type Error = Error;
    fn try_from(r: ConfigRepr) -> Result<Self, Error> {
        Self::new(
            r.lowest_discernible,
            r.highest_trackable,
            r.significant_digits,
        )
    }
}

#[cfg(feature = "serde")]
impl From<HistogramConfig> for ConfigRepr {
    fn from(c: HistogramConfig) -> Self {
        Self {
            lowest_discernible: c.lowest,
            highest_trackable: c.highest,
            significant_digits: c.digits,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_bad_configuration_has_its_typed_error() {
        assert_eq!(
            HistogramConfig::new(0, 100, 3),
            Err(Error::LowestDiscernibleZero)
        );
        assert_eq!(
            HistogramConfig::new(100, 10, 3),
            Err(Error::HighestBelowTwiceLowest {
                lowest: 100,
                highest: 10
            })
        );
        assert_eq!(
            HistogramConfig::new(100, 199, 3),
            Err(Error::HighestBelowTwiceLowest {
                lowest: 100,
                highest: 199
            })
        );
        assert!(HistogramConfig::new(100, 200, 3).is_ok());
        for digits in [0, 6, 255] {
            assert_eq!(
                HistogramConfig::new(1, 100, digits),
                Err(Error::SignificantDigits { digits })
            );
        }
        assert_eq!(
            HistogramConfig::new(1 << 50, u64::MAX, 5),
            Err(Error::LowestTooLarge {
                lowest: 1 << 50,
                digits: 5
            })
        );
        assert_eq!(
            HistogramConfig::new(u64::MAX, u64::MAX, 1),
            Err(Error::LowestTooLarge {
                lowest: u64::MAX,
                digits: 1
            })
        );
    }

    #[test]
    fn messages_say_what_to_fix() {
        let e = HistogramConfig::new(1, 100, 6).unwrap_err();
        assert_eq!(
            e.to_string(),
            "significant digits is 6; pass 1 to 5 (3 keeps 0.1 % relative error)"
        );
    }

    #[test]
    fn values_above_the_range_are_equivalent_to_the_highest() {
        let c = HistogramConfig::new(1, 1000, 2).unwrap();
        assert!(c.equivalent(5000, 1000));
        assert_eq!(c.highest_equivalent(u64::MAX), c.highest_equivalent(1000));
    }
}
