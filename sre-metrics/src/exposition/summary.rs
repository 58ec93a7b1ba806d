//! [`Summary`]: a Prometheus summary (values at quantiles, `_sum`, `_count`), built from a
//! histogram [`Snapshot`] at the quantiles the user chooses.

use super::number;
use crate::{Error, Snapshot};

/// A summary: the values at chosen quantiles, the sum and the count of observations.
///
/// Rendered by [`Exposition::summary`](super::Exposition::summary) as
/// `name{quantile="0.99"} v`, `name_sum`, `name_count`.
///
/// ```
/// use core::time::Duration;
/// use sre_metrics::exposition::Summary;
/// use sre_metrics::{Histogram, HistogramConfig};
///
/// let h = Histogram::new(HistogramConfig::new(1, 3_600_000_000_000, 3)?);
/// for ms in 1..=100 { h.record_duration(Duration::from_millis(ms)); }
/// let s = Summary::from_latency_snapshot(&h.snapshot(), &[0.5, 0.99])?;
/// // The top of the bucket holding each quantile, 3 significant digits, in seconds:
/// assert_eq!(s.quantiles(), [(0.5, 0.050_003_967), (0.99, 0.099_024_895)]);
/// assert_eq!(s.count(), 100);
/// # Ok::<(), sre_metrics::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    quantiles: Vec<(f64, f64)>,
    sum: f64,
    count: u64,
}

impl Summary {
    /// A summary from its parts: `(quantile, value)` pairs with quantiles in `[0, 1]` and
    /// strictly increasing, the `sum` (not NaN) and the `count` of observations. A value
    /// may be NaN (no observations, as client_golang writes an empty summary).
    ///
    /// # Errors
    ///
    /// [`Error::Quantile`] for a quantile outside `[0, 1]`; [`Error::InvalidSummary`] for
    /// quantiles not strictly increasing or a NaN sum.
    pub fn new(quantiles: &[(f64, f64)], sum: f64, count: u64) -> Result<Self, Error> {
        check_quantiles(quantiles.iter().map(|&(q, _)| q))?;
        check_sum(sum)?;
        Ok(Self {
            quantiles: quantiles.to_vec(),
            sum,
            count,
        })
    }

    /// From a snapshot of latencies in nanoseconds, in seconds: the value at each of
    /// `quantiles` is [`Snapshot::quantile`] (exact to the histogram's precision, as
    /// `hdrhistogram` defines it) through [`nanos_to_seconds`](number::nanos_to_seconds);
    /// the sum is [`Snapshot::sum`] in seconds (each value taken as the middle of its
    /// bucket; [`with_sum`](Self::with_sum) replaces it when an exact sum is tracked).
    /// An empty snapshot gives NaN at every quantile, a sum and count of 0.
    ///
    /// # Errors
    ///
    /// As [`new`](Self::new).
    pub fn from_latency_snapshot(snapshot: &Snapshot, quantiles: &[f64]) -> Result<Self, Error> {
        check_quantiles(quantiles.iter().copied())?;
        let values: Vec<f64> = if snapshot.is_empty() {
            vec![f64::NAN; quantiles.len()]
        } else {
            snapshot
                .quantiles(quantiles)?
                .into_iter()
                .map(number::nanos_to_seconds)
                .collect()
        };
        Ok(Self {
            quantiles: quantiles.iter().copied().zip(values).collect(),
            sum: sum_seconds(snapshot.sum()),
            count: snapshot.count(),
        })
    }

    /// Replaces the sum of observations (for callers that track it exactly).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidSummary`] for a NaN sum.
    pub fn with_sum(mut self, sum: f64) -> Result<Self, Error> {
        check_sum(sum)?;
        self.sum = sum;
        Ok(self)
    }

    /// The `(quantile, value)` pairs, quantiles increasing.
    #[must_use]
    pub fn quantiles(&self) -> &[(f64, f64)] {
        &self.quantiles
    }

    /// The sum of observations (`_sum`).
    #[must_use]
    pub fn sum(&self) -> f64 {
        self.sum
    }

    /// The number of observations (`_count`).
    #[must_use]
    pub fn count(&self) -> u64 {
        self.count
    }
}

/// A sum of nanoseconds in seconds, correctly rounded (saturating beyond `u64::MAX` s).
pub(crate) fn sum_seconds(nanos: u128) -> f64 {
    let secs = u64::try_from(nanos / 1_000_000_000).unwrap_or(u64::MAX);
    let frac = u32::try_from(nanos % 1_000_000_000).unwrap_or(0);
    number::seconds_of(secs, frac)
}

fn check_quantiles(qs: impl Iterator<Item = f64>) -> Result<(), Error> {
    let mut previous: Option<f64> = None;
    for q in qs {
        if !(0.0..=1.0).contains(&q) {
            return Err(Error::Quantile { value: q });
        }
        if previous.is_some_and(|p| p >= q) {
            return Err(Error::InvalidSummary {
                reason: "quantiles must be strictly increasing",
            });
        }
        previous = Some(q);
    }
    Ok(())
}

fn check_sum(sum: f64) -> Result<(), Error> {
    if sum.is_nan() {
        Err(Error::InvalidSummary {
            reason: "the sum of observations is NaN",
        })
    } else {
        Ok(())
    }
}

#[cfg(all(test, not(sre_loom)))]
mod tests {
    use super::*;
    use crate::{Histogram, HistogramConfig};

    #[test]
    #[allow(clippy::float_cmp)] // exact conversions of exact quantiles
    fn quantiles_are_the_snapshot_s_in_seconds() {
        let h = Histogram::new(HistogramConfig::new(1, 3_600_000_000_000, 3).unwrap());
        let empty = Summary::from_latency_snapshot(&h.snapshot(), &[0.5]).unwrap();
        assert!(empty.quantiles()[0].1.is_nan() && empty.count() == 0 && empty.sum() == 0.0);
        for v in [300_000_000_u64, 75_000_000, 1, 12_345_678_901] {
            h.record(v);
        }
        let snap = h.snapshot();
        let qs = [0.0, 0.25, 0.5, 0.99, 1.0];
        let s = Summary::from_latency_snapshot(&snap, &qs).unwrap();
        for (&(q, v), &want) in s.quantiles().iter().zip(&snap.quantiles(&qs).unwrap()) {
            assert_eq!(v, number::nanos_to_seconds(want), "{q}");
        }
        assert_eq!(s.sum(), sum_seconds(snap.sum()));
        assert!(matches!(
            Summary::from_latency_snapshot(&snap, &[0.9, 0.5]),
            Err(Error::InvalidSummary { .. })
        ));
        assert!(matches!(
            Summary::new(&[(1.5, 1.0)], 0.0, 0),
            Err(Error::Quantile { .. })
        ));
        assert!(Summary::new(&[], f64::NAN, 0).is_err());
        assert!(s.with_sum(f64::NAN).is_err());
    }
}
