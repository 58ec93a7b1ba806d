//! [`LatencySli`]: "good = served within a latency threshold", from recorded latencies or
//! from histogram snapshots.

use super::{SliWindow, WindowCounts};
use crate::{Error, Snapshot};
use core::time::Duration;
use sre_core::Timestamp;

/// A latency SLI: an event is good when its latency is at or below `threshold`.
///
/// Feed it either latencies one by one ([`record`](Self::record), exact comparison) or
/// interval snapshots of a [`Histogram`](crate::Histogram)
/// ([`record_interval`](Self::record_interval), good = [`Snapshot::count_at_or_below`]),
/// and query it like the [`SliWindow`] it wraps.
///
/// ```
/// use core::time::Duration;
/// use sre_core::Timestamp;
/// use sre_metrics::sli::LatencySli;
/// use sre_metrics::{Histogram, HistogramConfig};
///
/// let ms = Duration::from_millis;
/// let sli = LatencySli::new(Duration::from_secs(3600), ms(300))?;
/// let now = Timestamp::from_secs(60);
/// sli.record(now, ms(120));
/// sli.record(now, ms(300)); // at the threshold: good
/// sli.record(now, ms(301));
/// let c = sli.counts(now, Duration::from_secs(300))?;
/// assert_eq!((c.good, c.total), (2, 3));
///
/// // From a histogram: feed the interval since the last feed.
/// let h = Histogram::new(HistogramConfig::new(1_000, 60_000_000_000, 3)?);
/// let before = h.snapshot();
/// h.record_duration(ms(250));
/// h.record_duration(ms(900));
/// let after = h.snapshot();
/// sli.record_interval(Timestamp::from_secs(120), &after.delta(&before)?);
/// assert_eq!(sli.counts(Timestamp::from_secs(120), Duration::from_secs(60))?.bad(), 1);
/// # Ok::<(), sre_metrics::Error>(())
/// ```
#[derive(Debug)]
pub struct LatencySli {
    window: SliWindow,
    threshold: Duration,
    threshold_nanos: u64,
}

impl LatencySli {
    /// A latency SLI keeping `horizon` of history (see [`SliWindow::new`]).
    ///
    /// # Errors
    ///
    /// As [`SliWindow::new`]; a zero `threshold` is
    /// [`sre_core::Error::ZeroDuration`].
    pub fn new(horizon: Duration, threshold: Duration) -> Result<Self, Error> {
        if threshold.is_zero() {
            return Err(sre_core::Error::ZeroDuration {
                what: "latency threshold",
            }
            .into());
        }
        Ok(Self {
            window: SliWindow::new(horizon)?,
            threshold,
            threshold_nanos: sre_core::duration_to_nanos_saturating(threshold),
        })
    }

    /// The threshold: latencies at or below it are good.
    #[must_use]
    pub fn threshold(&self) -> Duration {
        self.threshold
    }

    /// The window the good/total counts go to.
    #[must_use]
    pub fn window(&self) -> &SliWindow {
        &self.window
    }

    /// Records one request completed at `now` after `latency`.
    #[inline]
    pub fn record(&self, now: Timestamp, latency: Duration) {
        self.window.record(now, latency <= self.threshold);
    }

    /// Records one request completed at `now` after `nanos` nanoseconds.
    #[inline]
    pub fn record_nanos(&self, now: Timestamp, nanos: u64) {
        self.window.record(now, nanos <= self.threshold_nanos);
    }

    /// Records the values of an *interval* snapshot (`later.delta(&earlier)`) as
    /// completed at `now`: good = values at or below the threshold, bad = the rest.
    ///
    /// A histogram counts whole buckets, so "at or below" includes every value in the
    /// threshold's bucket, i.e. up to
    /// [`HistogramConfig::highest_equivalent`](crate::HistogramConfig::highest_equivalent)
    /// of the threshold (within the histogram's precision, 0.1 % at 3 digits; exact when
    /// the threshold is the highest value of its bucket). Pass each interval once:
    /// a cumulative snapshot passed twice counts its values twice.
    pub fn record_interval(&self, now: Timestamp, interval: &Snapshot) {
        let c = counts_from_snapshot(interval, self.threshold_nanos);
        self.window.record_counts(now, c.good, c.bad());
    }

    /// Good and total requests over `window` ending at `now` (see [`SliWindow::counts`]).
    ///
    /// # Errors
    ///
    /// As [`SliWindow::counts`].
    pub fn counts(&self, now: Timestamp, window: Duration) -> Result<WindowCounts, Error> {
        self.window.counts(now, window)
    }
}

/// Good = values at or below `threshold` (whole buckets, see
/// [`Snapshot::count_at_or_below`]), total = every value of `snapshot`.
///
/// ```
/// use sre_metrics::{Histogram, HistogramConfig, sli};
///
/// let h = Histogram::new(HistogramConfig::new(1, 1_000_000, 3)?);
/// for v in [100, 200, 5_000] { h.record(v); }
/// let c = sli::counts_from_snapshot(&h.snapshot(), 1_000);
/// assert_eq!((c.good, c.total), (2, 3));
/// # Ok::<(), sre_metrics::Error>(())
/// ```
#[must_use]
pub fn counts_from_snapshot(snapshot: &Snapshot, threshold: u64) -> WindowCounts {
    let total = snapshot.count();
    WindowCounts {
        good: snapshot.count_at_or_below(threshold).min(total),
        total,
    }
}

#[cfg(all(test, not(sre_loom)))]
mod tests {
    use super::*;
    use crate::{Histogram, HistogramConfig};
    use proptest::prelude::*;

    proptest! {
        /// Fed from interval snapshots or latency by latency, the SLI counts what an exact
        /// filter over the recorded latencies counts, when the threshold is the top of
        /// its bucket; and never more than one bucket's worth off otherwise.
        #[test]
        fn snapshots_and_direct_records_agree_with_exact_counts(
            lat in proptest::collection::vec((0u64..5, 1u64..10_000_000), 1..200),
            threshold in 1u64..10_000_000,
        ) {
            let config = HistogramConfig::new(1, 100_000_000, 3).unwrap();
            let h = Histogram::new(config);
            let direct = LatencySli::new(Duration::from_secs(600), Duration::from_nanos(threshold)).unwrap();
            let fed = LatencySli::new(Duration::from_secs(600), Duration::from_nanos(threshold)).unwrap();
            let top = config.highest_equivalent(threshold);
            let fed_top = LatencySli::new(Duration::from_secs(600), Duration::from_nanos(top)).unwrap();
            let mut prev = h.snapshot();
            for minute in 0..5u64 {
                let now = Timestamp::from_mins(minute + 1);
                for &(_, v) in lat.iter().filter(|(m, _)| *m == minute) {
                    h.record(v);
                    direct.record_nanos(now, v);
                }
                let snap = h.snapshot();
                let interval = snap.delta(&prev).unwrap();
                fed.record_interval(now, &interval);
                fed_top.record_interval(now, &interval);
                prev = snap;
            }
            let now = Timestamp::from_mins(5);
            for w in 1..=5u64 {
                let win = Duration::from_secs(60 * w);
                let in_window = |m: u64| m + w >= 5; // minute m+1 in 6-w..=5
                let exact = |t: u64| lat.iter().filter(|(m, v)| in_window(*m) && *v <= t).count() as u64;
                let total = lat.iter().filter(|(m, _)| in_window(*m)).count() as u64;
                let d = direct.counts(now, win).unwrap();
                prop_assert_eq!((d.good, d.total), (exact(threshold), total));
                let f = fed_top.counts(now, win).unwrap();
                prop_assert_eq!((f.good, f.total), (exact(top), total));
                let f = fed.counts(now, win).unwrap();
                prop_assert_eq!(f.total, total);
                prop_assert!(f.good >= exact(threshold) && f.good <= exact(top));
            }
        }
    }

    #[test]
    fn zero_threshold_is_a_typed_error() {
        assert_eq!(
            LatencySli::new(Duration::from_secs(60), Duration::ZERO).unwrap_err(),
            Error::Core(sre_core::Error::ZeroDuration {
                what: "latency threshold"
            })
        );
        let s = LatencySli::new(Duration::from_secs(60), Duration::from_millis(5)).unwrap();
        assert_eq!(s.threshold(), Duration::from_millis(5));
        assert_eq!(s.window().horizon(), Duration::from_secs(60));
    }
}
