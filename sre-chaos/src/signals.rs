//! Probes over live signals: an error ratio and a rate over a window of an
//! [`SliWindow`], a burn rate, and a quantile of a [`Histogram`] over an interval.

use crate::Error;
use core::time::Duration;
use sre_core::{Objective, Timestamp};
use sre_metrics::{Histogram, SliWindow, Snapshot};

/// The error ratio over the `window` ending at `now`: bad / total, `None` when the
/// window holds no event ("no data" is not "healthy").
///
/// # Errors
/// [`Error::Signal`] when the window is zero or beyond the SLI window's horizon.
pub fn error_ratio(
    sli: &SliWindow,
    now: Timestamp,
    window: Duration,
) -> Result<Option<f64>, Error> {
    let c = sli.counts(now, window).map_err(|source| Error::Signal {
        what: "error_ratio",
        source,
    })?;
    Ok(c.error_ratio())
}

/// Events per second over the `window` ending at `now` (every event, good or bad).
///
/// # Errors
/// [`Error::Signal`] as for [`error_ratio`].
pub fn rate(sli: &SliWindow, now: Timestamp, window: Duration) -> Result<f64, Error> {
    let c = sli.counts(now, window).map_err(|source| Error::Signal {
        what: "rate",
        source,
    })?;
    Ok(c.total as f64 / window.as_secs_f64())
}

/// The burn rate over the `window` ending at `now`: the error ratio divided by the
/// error budget `1 − objective` (1 spends the budget exactly over the SLO period);
/// `None` with no data.
///
/// # Errors
/// [`Error::Signal`] as for [`error_ratio`].
pub fn burn_rate(
    sli: &SliWindow,
    now: Timestamp,
    window: Duration,
    objective: Objective,
) -> Result<Option<f64>, Error> {
    Ok(error_ratio(sli, now, window)?.map(|r| r / objective.error_budget()))
}

/// Whether `observed` is within `expected · (1 ± tolerance)` (inclusive): "orders per
/// minute about 1000" is `within_rate(x, 1000.0, 0.1)`. A NaN is never within.
pub fn within_rate(observed: f64, expected: f64, tolerance: f64) -> bool {
    (observed - expected).abs() <= tolerance * expected.abs()
}

/// A quantile of a [`Histogram`] over the interval since the previous reading
/// (snapshots are cumulative; the interval is `now.delta(&previous)`).
///
/// An interval with fewer than `min_count` values gives `None` and keeps the previous
/// baseline, so the next reading covers a longer interval instead of a noisy one.
#[derive(Debug, Clone)]
pub struct IntervalQuantile {
    q: f64,
    min_count: u64,
    previous: Snapshot,
}

impl IntervalQuantile {
    /// Reads quantile `q` (in [0, 1]) of `histogram` from now on.
    ///
    /// # Errors
    /// [`Error::Invalid`] naming `q` unless it is in [0, 1].
    pub fn new(histogram: &Histogram, q: f64, min_count: u64) -> Result<Self, Error> {
        if !(0.0..=1.0).contains(&q) {
            return Err(Error::invalid("q", q, "a quantile in [0, 1]"));
        }
        Ok(Self {
            q,
            min_count: min_count.max(1),
            previous: histogram.snapshot(),
        })
    }

    /// The quantile of the values recorded since the previous reading that returned a
    /// value (or since [`new`](Self::new)).
    ///
    /// # Errors
    /// [`Error::Signal`] when `histogram` is not the one this reader started on (a
    /// different configuration).
    pub fn read(&mut self, histogram: &Histogram) -> Result<Option<u64>, Error> {
        let now = histogram.snapshot();
        let interval = now.delta(&self.previous).map_err(|source| Error::Signal {
            what: "quantile",
            source,
        })?;
        if interval.count() < self.min_count {
            return Ok(None);
        }
        let v = interval.quantile(self.q).map_err(|source| Error::Signal {
            what: "quantile",
            source,
        })?;
        self.previous = now;
        Ok(Some(v))
    }
}
