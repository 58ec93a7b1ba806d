//! [`ClassicHistogram`]: a Prometheus classic histogram (cumulative `le` buckets, `_sum`,
//! `_count`), built from a histogram [`Snapshot`] at bounds the user chooses.

use crate::{Error, Snapshot};
use core::time::Duration;

/// A classic Prometheus histogram: cumulative counts at increasing upper bounds (`le`),
/// plus `+Inf` (= the count), the sum and the count of observations.
///
/// ```
/// use core::time::Duration;
/// use sre_metrics::exposition::ClassicHistogram;
/// use sre_metrics::{Histogram, HistogramConfig};
///
/// let h = Histogram::new(HistogramConfig::new(1_000, 60_000_000_000, 3)?);
/// for ms in [3, 40, 40, 700] { h.record_duration(Duration::from_millis(ms)); }
/// let ms = Duration::from_millis;
/// let c = ClassicHistogram::from_latency_snapshot(&h.snapshot(), &[ms(5), ms(50), ms(500)])?;
/// assert_eq!(c.buckets().collect::<Vec<_>>(), [(0.005, 1), (0.05, 3), (0.5, 3)]);
/// assert_eq!(c.count(), 4);
/// # Ok::<(), sre_metrics::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct ClassicHistogram {
    bounds: Vec<f64>,
    cumulative: Vec<u64>,
    count: u64,
    sum: f64,
}

impl ClassicHistogram {
    /// A histogram from its parts: finite, strictly increasing `bounds` (the `+Inf`
    /// bucket is implied), `cumulative[i]` = observations `≤ bounds[i]` (non-decreasing,
    /// at most `count`), the `count` and `sum` of all observations.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidBuckets`] saying which rule was broken.
    pub fn new(bounds: &[f64], cumulative: &[u64], count: u64, sum: f64) -> Result<Self, Error> {
        check_bounds(bounds)?;
        if cumulative.len() != bounds.len() {
            return Err(Error::InvalidBuckets {
                reason: "there must be one cumulative count per bound",
            });
        }
        if cumulative.windows(2).any(|w| w[0] > w[1]) || cumulative.last() > Some(&count) {
            return Err(Error::InvalidBuckets {
                reason: "cumulative counts must not decrease and must not exceed the count",
            });
        }
        if sum.is_nan() {
            return Err(Error::InvalidBuckets {
                reason: "the sum of observations is NaN",
            });
        }
        Ok(Self {
            bounds: bounds.to_vec(),
            cumulative: cumulative.to_vec(),
            count,
            sum,
        })
    }

    /// From a snapshot, at `bounds` in the snapshot's unit, with every value (bounds and
    /// sum) multiplied by `scale` in the output (`1e-9` turns nanoseconds into seconds).
    ///
    /// `le = b` counts [`Snapshot::count_at_or_below`]`(b)`: whole histogram buckets, so
    /// values up to [`HistogramConfig::highest_equivalent`](crate::HistogramConfig::highest_equivalent)`(b)`
    /// (within the histogram's precision; exact when `b` is the top of its bucket). The
    /// sum is [`Snapshot::sum`] (each value taken as the middle of its bucket, so within
    /// the histogram's precision); use [`with_sum`](Self::with_sum) when an exact sum is
    /// tracked.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidBuckets`] for bounds that are not strictly increasing, or a scale
    /// that is not finite and positive.
    pub fn from_snapshot(snapshot: &Snapshot, bounds: &[u64], scale: f64) -> Result<Self, Error> {
        if !(scale.is_finite() && scale > 0.0) {
            return Err(Error::InvalidBuckets {
                reason: "the scale must be finite and greater than 0",
            });
        }
        if bounds.windows(2).any(|w| w[0] >= w[1]) {
            return Err(Error::InvalidBuckets {
                reason: "bounds must be strictly increasing",
            });
        }
        let count = snapshot.count();
        let scaled: Vec<f64> = bounds.iter().map(|&b| b as f64 * scale).collect();
        let cumulative: Vec<u64> = bounds
            .iter()
            .map(|&b| snapshot.count_at_or_below(b).min(count))
            .collect();
        let sum = snapshot.sum() as f64 * scale;
        Self::new(&scaled, &cumulative, count, sum)
    }

    /// From a snapshot of latencies in nanoseconds, at `bounds` given as durations; the
    /// output is in seconds, Prometheus' base unit (see [`from_snapshot`](Self::from_snapshot)).
    ///
    /// # Errors
    ///
    /// As [`from_snapshot`](Self::from_snapshot).
    pub fn from_latency_snapshot(snapshot: &Snapshot, bounds: &[Duration]) -> Result<Self, Error> {
        let nanos: Vec<u64> = bounds
            .iter()
            .map(|&d| sre_core::duration_to_nanos_saturating(d))
            .collect();
        Self::from_snapshot(snapshot, &nanos, 1e-9)
    }

    /// Replaces the sum of observations (for callers that track it exactly).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidBuckets`] for a NaN sum.
    pub fn with_sum(mut self, sum: f64) -> Result<Self, Error> {
        if sum.is_nan() {
            return Err(Error::InvalidBuckets {
                reason: "the sum of observations is NaN",
            });
        }
        self.sum = sum;
        Ok(self)
    }

    /// `(le, cumulative count)` for each finite bound, in increasing order.
    pub fn buckets(&self) -> impl Iterator<Item = (f64, u64)> + '_ {
        self.bounds
            .iter()
            .copied()
            .zip(self.cumulative.iter().copied())
    }

    /// The number of observations (the `+Inf` bucket and `_count`).
    #[must_use]
    pub fn count(&self) -> u64 {
        self.count
    }

    /// The sum of observations (`_sum`).
    #[must_use]
    pub fn sum(&self) -> f64 {
        self.sum
    }
}

fn check_bounds(bounds: &[f64]) -> Result<(), Error> {
    if bounds.iter().any(|b| !b.is_finite()) {
        return Err(Error::InvalidBuckets {
            reason: "bounds must be finite (the +Inf bucket is added for you)",
        });
    }
    if bounds.windows(2).any(|w| w[0] >= w[1]) {
        return Err(Error::InvalidBuckets {
            reason: "bounds must be strictly increasing",
        });
    }
    Ok(())
}

#[cfg(all(test, not(sre_loom)))]
mod tests {
    use super::*;
    use crate::{Histogram, HistogramConfig};
    use proptest::prelude::*;

    proptest! {
        /// Cumulative counts at bounds that are tops of buckets equal an exact count of the
        /// recorded values; +Inf is the total.
        #[test]
        fn buckets_count_exactly_at_bucket_tops(
            values in proptest::collection::vec(1u64..1_000_000, 0..300),
            raw in proptest::collection::btree_set(1u64..1_000_000, 1..8),
        ) {
            let config = HistogramConfig::new(1, 10_000_000, 3).unwrap();
            let h = Histogram::new(config);
            for &v in &values { h.record(v); }
            let mut tops: Vec<u64> = raw.iter().map(|&b| config.highest_equivalent(b)).collect();
            tops.dedup();
            let c = ClassicHistogram::from_snapshot(&h.snapshot(), &tops, 1.0).unwrap();
            prop_assert_eq!(c.count(), values.len() as u64);
            for ((le, n), &b) in c.buckets().zip(&tops) {
                #[allow(clippy::float_cmp)] // integers below 2^53 scale by 1.0 exactly
                { prop_assert_eq!(le, b as f64); }
                prop_assert_eq!(n, values.iter().filter(|&&v| v <= b).count() as u64);
            }
            // The estimated sum is within the histogram's relative precision.
            let exact: u64 = values.iter().sum();
            prop_assert!((c.sum() - exact as f64).abs() <= 1e-3 * exact as f64 + 1e-9);
        }
    }

    #[test]
    #[allow(clippy::float_cmp)] // 0 and 2.5 are stored, not computed
    fn bad_buckets_are_typed_errors() {
        let bad = |r: Result<ClassicHistogram, Error>| {
            assert!(matches!(r, Err(Error::InvalidBuckets { .. })), "{r:?}");
        };
        bad(ClassicHistogram::new(&[1.0, 1.0], &[0, 0], 0, 0.0));
        bad(ClassicHistogram::new(
            &[1.0, f64::INFINITY],
            &[0, 0],
            0,
            0.0,
        ));
        bad(ClassicHistogram::new(&[1.0, 2.0], &[2, 1], 3, 0.0));
        bad(ClassicHistogram::new(&[1.0, 2.0], &[1, 4], 3, 0.0));
        bad(ClassicHistogram::new(&[1.0], &[1, 4], 3, 0.0));
        bad(ClassicHistogram::new(&[1.0], &[1], 3, f64::NAN));
        let snap = Histogram::new(HistogramConfig::new(1, 1000, 2).unwrap()).snapshot();
        bad(ClassicHistogram::from_snapshot(&snap, &[5, 3], 1.0));
        bad(ClassicHistogram::from_snapshot(&snap, &[5], 0.0));
        let empty = ClassicHistogram::from_snapshot(&snap, &[5], 1.0).unwrap();
        assert_eq!((empty.count(), empty.sum()), (0, 0.0));
        assert!(empty.clone().with_sum(f64::NAN).is_err());
        assert_eq!(empty.with_sum(2.5).unwrap().sum(), 2.5);
    }
}
