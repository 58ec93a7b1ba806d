//! [`Observations`]: one side of a comparison as distinct values with counts.

use crate::error::Error;
use sre_metrics::Snapshot;

/// The most observations one side may hold: ranks and their sums are exact in `f64` up to
/// 2⁵³, and the rank statistic needs them exact.
pub const MAX_OBSERVATIONS: u64 = 1 << 50;

/// One side of a canary comparison (baseline or canary): its distinct values, ascending,
/// each with how many times it was observed. A bucket of count `k` is `k` tied values.
///
/// Every statistic of the judge is a function of this form, so the judge costs
/// O(distinct values) per rank evaluation whether the values came from raw samples or from
/// a histogram. Values are finite or NaN-free by construction: NaN is handled by the
/// [`NanStrategy`](crate::NanStrategy) before this form is built.
///
/// ```
/// use sre_release::Observations;
///
/// let a = Observations::from_samples(&[3.0, 1.0, 3.0])?;
/// let b = Observations::from_buckets([(3.0, 2), (1.0, 1), (7.0, 0)])?;
/// assert_eq!(a, b);
/// assert_eq!(a.len(), 3);
/// assert_eq!(a.distinct(), 2);
/// assert!(Observations::from_samples(&[f64::INFINITY]).is_err());
/// # Ok::<(), sre_release::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Observations {
    values: Vec<f64>,
    counts: Vec<u64>,
    total: u64,
}

impl Observations {
    /// From raw samples (any order). NaN samples are dropped; apply a
    /// [`NanStrategy`](crate::NanStrategy) first to replace them instead. O(n log n).
    ///
    /// # Errors
    ///
    /// [`Error::TooMany`] past [`MAX_OBSERVATIONS`] samples; [`Error::OutOfRange`] for an
    /// infinite sample.
    pub fn from_samples(samples: &[f64]) -> Result<Self, Error> {
        check_total(samples.len() as u64)?;
        if let Some(&v) = samples.iter().find(|v| v.is_infinite()) {
            return Err(not_finite(v));
        }
        let mut sorted: Vec<f64> = samples.iter().copied().filter(|v| !v.is_nan()).collect();
        sorted.sort_unstable_by(f64::total_cmp);
        let mut out = Self::default();
        for v in sorted {
            out.push_ascending(v, 1);
        }
        Ok(out)
    }

    /// From `(value, count)` buckets in any order; equal values are joined, zero counts
    /// and NaN values dropped. O(b log b) for `b` buckets, O(b) when already ascending.
    ///
    /// # Errors
    ///
    /// [`Error::TooMany`] when the counts add up past [`MAX_OBSERVATIONS`];
    /// [`Error::OutOfRange`] for an infinite value.
    pub fn from_buckets(buckets: impl IntoIterator<Item = (f64, u64)>) -> Result<Self, Error> {
        let mut pairs: Vec<(f64, u64)> = buckets
            .into_iter()
            .filter(|&(v, c)| c > 0 && !v.is_nan())
            .collect();
        if !pairs.windows(2).all(|w| w[0].0 <= w[1].0) {
            pairs.sort_unstable_by(|a, b| a.0.total_cmp(&b.0));
        }
        if let Some(&(v, _)) = pairs.iter().find(|(v, _)| v.is_infinite()) {
            return Err(not_finite(v));
        }
        let mut total: u64 = 0;
        let mut out = Self::default();
        for (v, c) in pairs {
            total = total.saturating_add(c);
            check_total(total)?;
            out.push_ascending(v, c);
        }
        Ok(out)
    }

    /// From a histogram snapshot: each non-empty bucket is `count` values at the bucket's
    /// middle (`low + width/2`, the value `Snapshot::mean` and `hdrhistogram` use). O(b).
    ///
    /// # Errors
    ///
    /// [`Error::TooMany`] past [`MAX_OBSERVATIONS`] recorded values.
    pub fn from_snapshot(snapshot: &Snapshot) -> Result<Self, Error> {
        check_total(snapshot.count())?;
        let mut out = Self {
            values: Vec::with_capacity(snapshot.iter().len()),
            counts: Vec::with_capacity(snapshot.iter().len()),
            total: 0,
        };
        for b in snapshot {
            let width = b.high - b.low + 1;
            let middle = b.low.saturating_add(width >> 1);
            out.push_ascending(middle as f64, b.count);
        }
        Ok(out)
    }

    /// Appends a value not below the last one; equal values (exactly) are joined.
    #[allow(clippy::float_cmp)]
    fn push_ascending(&mut self, v: f64, c: u64) {
        // -0.0 and 0.0 are one value, as `==` (and Kayenta's ranking) says.
        let v = if v == 0.0 { 0.0 } else { v };
        if let Some(last) = self.values.last()
            && *last == v
        {
            if let Some(count) = self.counts.last_mut() {
                *count += c;
            }
        } else {
            self.values.push(v);
            self.counts.push(c);
        }
        self.total += c;
    }

    /// How many observations (the sum of the counts).
    #[must_use]
    pub fn len(&self) -> u64 {
        self.total
    }

    /// Whether there are no observations.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.total == 0
    }

    /// How many distinct values.
    #[must_use]
    pub fn distinct(&self) -> usize {
        self.values.len()
    }

    /// The distinct values, ascending, with their counts.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = (f64, u64)> + '_ {
        self.values.iter().copied().zip(self.counts.iter().copied())
    }

    /// The smallest value.
    #[must_use]
    pub fn min(&self) -> Option<f64> {
        self.values.first().copied()
    }

    /// The largest value.
    #[must_use]
    pub fn max(&self) -> Option<f64> {
        self.values.last().copied()
    }

    /// The mean, as commons-math `StatUtils.mean` computes it (the sum over n, then the
    /// mean of the deviations from it added as a correction); NaN when empty.
    #[must_use]
    pub fn mean(&self) -> f64 {
        let n = self.total as f64;
        let first = self.iter().fold(0.0, |s, (v, c)| s + v * c as f64) / n;
        let correction = self
            .iter()
            .fold(0.0, |s, (v, c)| s + (v - first) * c as f64);
        first + correction / n
    }

    /// The R-7 percentile `p` in `(0, 100]` (commons-math `Percentile` with
    /// `EstimationType.R_7`): position `1 + (n − 1)·p/100`, linear interpolation between
    /// the order statistics around it; NaN when empty. O(distinct values).
    #[must_use]
    pub fn percentile_r7(&self, p: f64) -> f64 {
        if self.total == 0 {
            return f64::NAN;
        }
        let n = self.total as f64;
        let pos = if p >= 100.0 {
            n
        } else {
            1.0 + (n - 1.0) * (p / 100.0)
        };
        if pos < 1.0 {
            return self.values[0];
        }
        if pos >= n {
            return self.values[self.values.len() - 1];
        }
        let floor = pos.floor();
        let dif = pos - floor;
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let k = floor as u64; // 1 <= k < n: exact, as n <= 2^50
        let lower = self.order_statistic(k);
        let upper = self.order_statistic(k + 1);
        lower + dif * (upper - lower)
    }

    /// The `k`-th smallest observation, 1-based (`1 ≤ k ≤ len`).
    fn order_statistic(&self, k: u64) -> f64 {
        let mut seen = 0;
        for (v, c) in self.iter() {
            seen += c;
            if seen >= k {
                return v;
            }
        }
        f64::NAN
    }

    /// The observations within `[lower, upper]`.
    #[must_use]
    pub(crate) fn retain_within(&self, lower: f64, upper: f64) -> Self {
        let mut out = Self::default();
        for (v, c) in self.iter() {
            if !(v > upper || v < lower) {
                out.push_ascending(v, c);
            }
        }
        out
    }

    /// The values shifted down by `mu` (each `v − mu`, still ascending; values that
    /// become equal after rounding are joined on ranking).
    pub(crate) fn shifted_values(&self, mu: f64) -> impl Iterator<Item = (f64, u64)> + '_ {
        self.iter().map(move |(v, c)| (v - mu, c))
    }
}

fn not_finite(value: f64) -> Error {
    Error::OutOfRange {
        field: "observations",
        value,
        bound: "finite (NaN is handled by the NaN strategy)",
    }
}

fn check_total(total: u64) -> Result<(), Error> {
    if total > MAX_OBSERVATIONS {
        return Err(Error::TooMany {
            field: "observations",
            count: total,
            bound: MAX_OBSERVATIONS,
        });
    }
    Ok(())
}
