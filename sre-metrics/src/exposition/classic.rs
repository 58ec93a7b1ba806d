//! [`ClassicHistogram`]: a Prometheus classic histogram (cumulative `le` buckets, `_sum`,
//! `_count`), built from a histogram [`Snapshot`] at bounds the user chooses.

use super::{Exemplar, number};
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
    /// Empty, or one slot per bucket (the last for `+Inf`).
    exemplars: Vec<Option<Exemplar>>,
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
            exemplars: Vec::new(),
        })
    }

    /// From a snapshot, at `bounds` in the snapshot's unit, with every value (bounds and
    /// sum) multiplied by `scale` in the output. For latencies in nanoseconds use
    /// [`from_latency_snapshot`](Self::from_latency_snapshot): `b × 1e-9` rounds twice
    /// (300 000 000 × 1e-9 is 0.30000000000000004), division by 10^9 does not.
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
    /// output is in seconds, Prometheus' base unit.
    ///
    /// Each bound is [`duration_to_seconds`](number::duration_to_seconds): the `f64` nearest
    /// to the exact number of seconds, so 300 ms is `le="0.3"`, the spelling a rule built
    /// from the same `Duration` (or from `0.3`) selects. `le = b` counts
    /// [`Snapshot::count_at_or_below`] at `b` in nanoseconds (within the histogram's
    /// precision, as [`from_snapshot`](Self::from_snapshot) says); the sum is
    /// [`Snapshot::sum`] in seconds.
    ///
    /// ```
    /// use core::time::Duration;
    /// use sre_metrics::exposition::ClassicHistogram;
    /// use sre_metrics::{Histogram, HistogramConfig};
    ///
    /// let h = Histogram::new(HistogramConfig::new(1, 60_000_000_000, 3)?);
    /// let ms = Duration::from_millis;
    /// let c = ClassicHistogram::from_latency_snapshot(&h.snapshot(), &[ms(75), ms(300)])?;
    /// assert_eq!(c.buckets().map(|(le, _)| le).collect::<Vec<_>>(), [0.075, 0.3]);
    /// # Ok::<(), sre_metrics::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::InvalidBuckets`] for bounds that are not strictly increasing in seconds.
    pub fn from_latency_snapshot(snapshot: &Snapshot, bounds: &[Duration]) -> Result<Self, Error> {
        let seconds: Vec<f64> = bounds
            .iter()
            .map(|&d| number::duration_to_seconds(d))
            .collect();
        let nanos = bounds
            .iter()
            .map(|&d| Some(sre_core::duration_to_nanos_saturating(d)));
        Self::from_latency_parts(snapshot, &seconds, nanos)
    }

    /// From a snapshot of latencies in nanoseconds, at `bounds` given in seconds: each
    /// bound is written exactly as given (its [`format_label_float`](number::format_label_float)
    /// spelling), so a histogram with a bucket at an SLO threshold of any `f64` seconds
    /// exposes the `le` the SLO's rules select. `le = s` counts the recorded values `v`
    /// with [`nanos_to_seconds`](number::nanos_to_seconds)`(v) ≤ s` (to the histogram's
    /// precision, as [`from_snapshot`](Self::from_snapshot) says); for a whole number of
    /// nanoseconds this is the same histogram [`from_latency_snapshot`](Self::from_latency_snapshot)
    /// builds from the `Duration`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidBuckets`] for bounds that are not finite or not strictly increasing.
    pub fn from_latency_snapshot_seconds(
        snapshot: &Snapshot,
        bounds: &[f64],
    ) -> Result<Self, Error> {
        check_bounds(bounds)?;
        let nanos = bounds.iter().map(|&s| number::nanos_at_or_below(s));
        Self::from_latency_parts(snapshot, bounds, nanos)
    }

    fn from_latency_parts(
        snapshot: &Snapshot,
        seconds: &[f64],
        nanos: impl Iterator<Item = Option<u64>>,
    ) -> Result<Self, Error> {
        let count = snapshot.count();
        let cumulative: Vec<u64> = nanos
            .map(|n| n.map_or(0, |n| snapshot.count_at_or_below(n).min(count)))
            .collect();
        let sum = super::summary::sum_seconds(snapshot.sum());
        Self::new(seconds, &cumulative, count, sum)
    }

    /// The same histogram with `exemplar` on the bucket its value falls in (the first
    /// whose bound is at or above it, else `+Inf`), replacing any exemplar there.
    /// Exemplars are written in OpenMetrics only.
    #[must_use]
    pub fn with_exemplar(mut self, exemplar: Exemplar) -> Self {
        let bucket = self.bounds.partition_point(|&b| b < exemplar.value());
        if self.exemplars.is_empty() {
            self.exemplars = vec![None; self.bounds.len() + 1];
        }
        self.exemplars[bucket] = Some(exemplar);
        self
    }

    /// The exemplar of bucket `index` (`0..bounds`, then the `+Inf` bucket), if any.
    #[must_use]
    pub fn exemplar(&self, index: usize) -> Option<&Exemplar> {
        self.exemplars.get(index).and_then(Option::as_ref)
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
