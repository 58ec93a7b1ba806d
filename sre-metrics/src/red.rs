//! RED / golden signals: the one type a request handler records into.
//!
//! [`Red`] bundles **r**ate and **e**rrors (an [`SliWindow`] of successes and failures),
//! **d**uration (a [`Histogram`]) and saturation (requests in flight, and a queue depth
//! the caller sets). Recording a request costs an add to the thread's histogram shard (a
//! plain load and store when the thread owns one) and a relaxed `fetch_add` on its SLI
//! stripe, memory the thread does not share, plus two `fetch_add`s for the in-flight gauge
//! when [`Red::start`] is used.
//!
//! ```
//! use core::time::Duration;
//! use sre_core::Timestamp;
//! use sre_metrics::HistogramConfig;
//! use sre_metrics::red::Red;
//!
//! let red = Red::new(Duration::from_secs(3600), HistogramConfig::new(1_000, 60_000_000_000, 3)?)?;
//! let t0 = red.snapshot(Timestamp::from_secs(0));
//! for i in 0..100u64 {
//!     let now = Timestamp::from_millis((i + 1) * 100);
//!     let request = red.start(); // in flight until finished
//!     request.finish(now, Duration::from_millis(20 + i), i % 10 != 0);
//! }
//! let t1 = red.snapshot(Timestamp::from_secs(10));
//! let interval = t1.since(&t0)?;
//! assert_eq!(interval.rate(), Some(10.0)); // requests per second
//! assert_eq!(interval.error_ratio(), Some(0.1));
//! assert_eq!(interval.latency_quantile(0.5)?.as_millis(), 69);
//! assert_eq!(red.in_flight(), 0);
//! let last_minute = red.rolling(Timestamp::from_secs(10), Duration::from_secs(60))?;
//! assert_eq!(last_minute.counts.total, 100);
//! # Ok::<(), sre_metrics::Error>(())
//! ```

use crate::exposition::{ClassicHistogram, Exposition};
use crate::thread_slot::{default_slots, thread_slot};
use crate::{Error, Histogram, HistogramConfig, SliWindow, Snapshot, WindowCounts};
use core::time::Duration;
use sre_core::Timestamp;
use sre_core::sync::{AtomicI64, AtomicU64, Ordering};

#[derive(Debug, Default)]
#[repr(align(128))]
struct GaugeCell(AtomicI64);

/// Rate, errors, duration and saturation of one kind of request.
#[derive(Debug)]
pub struct Red {
    requests: SliWindow,
    latency: Histogram,
    in_flight: Box<[GaugeCell]>,
    queue_depth: AtomicU64,
}

/// A request in flight; see [`Red::start`]. Dropping it without
/// [`finish`](Self::finish) (a cancelled request) takes it out of flight and records
/// nothing.
#[derive(Debug)]
#[must_use = "a request stays in flight until finished or dropped"]
pub struct InFlight<'a> {
    red: &'a Red,
}

/// Cumulative counts of a [`Red`] at one time; two of them give an interval.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct RedSnapshot {
    /// When it was taken.
    pub at: Timestamp,
    /// Requests recorded since construction.
    pub requests: u64,
    /// Failed requests since construction.
    pub errors: u64,
    /// Durations recorded since construction (nanoseconds).
    pub latency: Snapshot,
    /// Requests in flight when it was taken.
    pub in_flight: i64,
    /// The queue depth last set.
    pub queue_depth: u64,
}

/// What happened between two [`RedSnapshot`]s.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct RedInterval {
    /// Time between the snapshots.
    pub elapsed: Duration,
    /// Requests recorded in between.
    pub requests: u64,
    /// Failed requests in between.
    pub errors: u64,
    /// Durations recorded in between (nanoseconds).
    pub latency: Snapshot,
    /// Requests in flight at the end.
    pub in_flight: i64,
    /// Queue depth at the end.
    pub queue_depth: u64,
}

/// Rate, errors and saturation over a rolling window; see [`Red::rolling`].
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct RedWindow {
    /// Good (successful) and total requests in the window.
    pub counts: WindowCounts,
    /// The window's length.
    pub window: Duration,
    /// Requests in flight now.
    pub in_flight: i64,
    /// The queue depth last set.
    pub queue_depth: u64,
}

impl RedWindow {
    /// Requests per second over the window.
    #[must_use]
    pub fn rate(&self) -> f64 {
        self.counts.total as f64 / self.window.as_secs_f64()
    }

    /// Failed / total, `None` without requests (see [`WindowCounts::error_ratio`]).
    #[must_use]
    pub fn error_ratio(&self) -> Option<f64> {
        self.counts.error_ratio()
    }
}

impl Red {
    /// Signals keeping `horizon` of per-minute request counts (see [`SliWindow::new`]) and
    /// durations in a histogram of `latency` (values in nanoseconds).
    ///
    /// # Errors
    ///
    /// As [`SliWindow::new`].
    pub fn new(horizon: Duration, latency: HistogramConfig) -> Result<Self, Error> {
        Ok(Self {
            requests: SliWindow::new(horizon)?,
            latency: Histogram::new(latency),
            // As many padded cells as the window has stripes (the crate's one rule, see
            // `thread_slot`): a power of two, so a slot picks one with a mask.
            in_flight: (0..default_slots()).map(|_| GaugeCell::default()).collect(),
            queue_depth: AtomicU64::new(0),
        })
    }

    /// Records a request completed at `now` after `duration`, successful or not.
    #[inline]
    pub fn record(&self, now: Timestamp, duration: Duration, ok: bool) {
        self.latency.record_duration(duration);
        self.requests.record(now, ok);
    }

    /// Marks a request as in flight until the returned guard is finished or dropped.
    #[inline]
    pub fn start(&self) -> InFlight<'_> {
        self.gauge_add(1);
        InFlight { red: self }
    }

    /// Sets the queue depth (the other saturation signal).
    #[inline]
    pub fn set_queue_depth(&self, depth: u64) {
        self.queue_depth.store(depth, Ordering::Relaxed);
    }

    /// Requests in flight now (started, neither finished nor dropped).
    #[must_use]
    pub fn in_flight(&self) -> i64 {
        self.in_flight
            .iter()
            .fold(0i64, |s, c| s.wrapping_add(c.0.load(Ordering::Relaxed)))
    }

    /// The queue depth last set.
    #[must_use]
    pub fn queue_depth(&self) -> u64 {
        self.queue_depth.load(Ordering::Relaxed)
    }

    /// The request counts (good = successful).
    #[must_use]
    pub fn requests(&self) -> &SliWindow {
        &self.requests
    }

    /// The duration histogram (nanoseconds).
    #[must_use]
    pub fn latency(&self) -> &Histogram {
        &self.latency
    }

    /// Rate and errors over the `window` ending at `now`, and saturation now.
    ///
    /// # Errors
    ///
    /// As [`SliWindow::counts`].
    pub fn rolling(&self, now: Timestamp, window: Duration) -> Result<RedWindow, Error> {
        Ok(RedWindow {
            counts: self.requests.counts(now, window)?,
            window,
            in_flight: self.in_flight(),
            queue_depth: self.queue_depth(),
        })
    }

    /// Cumulative counts now; `later.since(&earlier)` is an interval with duration
    /// quantiles. Not an atomic cut: a request being recorded may show in the counts and
    /// not yet in the histogram, or the other way round.
    #[must_use]
    pub fn snapshot(&self, now: Timestamp) -> RedSnapshot {
        let totals = self.requests.totals();
        RedSnapshot {
            at: now,
            requests: totals.total,
            errors: totals.bad(),
            latency: self.latency.snapshot(),
            in_flight: self.in_flight(),
            queue_depth: self.queue_depth(),
        }
    }

    /// Writes the signals to `e` as `<prefix>_requests_total`,
    /// `<prefix>_request_errors_total`, `<prefix>_request_duration_seconds` (a classic
    /// histogram at `bounds`), `<prefix>_requests_in_flight` and `<prefix>_queue_depth`,
    /// each with `labels`.
    ///
    /// # Errors
    ///
    /// The exposition's errors (a bad prefix or label, a name declared twice, bad bounds).
    pub fn expose(
        &self,
        e: &mut Exposition,
        prefix: &str,
        labels: &[(&str, &str)],
        bounds: &[Duration],
    ) -> Result<(), Error> {
        let totals = self.requests.totals();
        let latency = ClassicHistogram::from_latency_snapshot(&self.latency.snapshot(), bounds)?;
        e.counter(&format!("{prefix}_requests_total"), "Requests completed.")?
            .sample(labels, totals.total)?;
        e.counter(
            &format!("{prefix}_request_errors_total"),
            "Requests that failed.",
        )?
        .sample(labels, totals.bad())?;
        e.histogram(
            &format!("{prefix}_request_duration_seconds"),
            "Time to complete a request.",
        )?
        .sample(labels, &latency)?;
        e.gauge(
            &format!("{prefix}_requests_in_flight"),
            "Requests started and not yet completed.",
        )?
        .sample(labels, self.in_flight())?;
        e.gauge(
            &format!("{prefix}_queue_depth"),
            "Requests waiting in the queue.",
        )?
        .sample(labels, self.queue_depth())?;
        Ok(())
    }

    #[inline]
    fn gauge_add(&self, d: i64) {
        // The length is a power of two, so the masked slot is always in bounds.
        let cell = &self.in_flight[thread_slot() & (self.in_flight.len() - 1)];
        cell.0.fetch_add(d, Ordering::Relaxed);
    }
}

impl InFlight<'_> {
    /// Records the request as completed at `now` after `duration`, and takes it out of
    /// flight.
    #[inline]
    pub fn finish(self, now: Timestamp, duration: Duration, ok: bool) {
        self.red.record(now, duration, ok);
        // Drop takes it out of flight.
    }
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.red.gauge_add(-1);
    }
}

impl RedSnapshot {
    /// The interval from `earlier` to `self`.
    ///
    /// # Errors
    ///
    /// [`Error::SnapshotsOutOfOrder`] when `earlier` holds more requests or errors or was
    /// taken later; the histogram's [`Snapshot::delta`] errors.
    pub fn since(&self, earlier: &RedSnapshot) -> Result<RedInterval, Error> {
        if earlier.at > self.at || earlier.requests > self.requests || earlier.errors > self.errors
        {
            return Err(Error::SnapshotsOutOfOrder);
        }
        Ok(RedInterval {
            elapsed: self.at - earlier.at,
            requests: self.requests - earlier.requests,
            errors: self.errors - earlier.errors,
            latency: self.latency.delta(&earlier.latency)?,
            in_flight: self.in_flight,
            queue_depth: self.queue_depth,
        })
    }
}

impl RedInterval {
    /// Requests per second, `None` for an interval of zero length.
    #[must_use]
    pub fn rate(&self) -> Option<f64> {
        let s = self.elapsed.as_secs_f64();
        (s > 0.0).then(|| self.requests as f64 / s)
    }

    /// Failed / total, `None` without requests ("no data", not "healthy").
    #[must_use]
    pub fn error_ratio(&self) -> Option<f64> {
        (self.requests != 0).then(|| self.errors as f64 / self.requests as f64)
    }

    /// The duration at quantile `q` of the interval's requests (see
    /// [`Snapshot::quantile`]).
    ///
    /// # Errors
    ///
    /// As [`Snapshot::quantile`] (bad `q`, no requests).
    pub fn latency_quantile(&self, q: f64) -> Result<Duration, Error> {
        self.latency.quantile(q).map(Duration::from_nanos)
    }
}

#[cfg(all(test, not(sre_loom)))]
mod tests {
    use super::*;

    fn red() -> Red {
        Red::new(
            Duration::from_secs(3600),
            HistogramConfig::new(1_000, 60_000_000_000, 3).unwrap(),
        )
        .unwrap()
    }

    #[test]
    #[allow(clippy::float_cmp)] // 0.5 and 0.25 are exact; 3/30 is computed the same way on both sides
    fn signals_match_what_was_recorded() {
        let red = red();
        let t0 = red.snapshot(Timestamp::ZERO);
        let mut lat: Vec<u64> = Vec::new();
        for i in 0..30u64 {
            let d = Duration::from_micros(1_000 + 997 * i);
            lat.push(u64::try_from(d.as_nanos()).unwrap());
            red.record(Timestamp::from_secs(2 * i), d, i % 10 != 3);
        }
        let t1 = red.snapshot(Timestamp::from_secs(60));
        let iv = t1.since(&t0).unwrap();
        assert_eq!((iv.requests, iv.errors), (30, 3));
        assert_eq!(iv.rate(), Some(0.5));
        assert_eq!(iv.error_ratio(), Some(3.0 / 30.0));
        // Quantiles agree with the histogram's own (checked against hdrhistogram there)
        // and lie within 0.1 % of the exact order statistic.
        lat.sort_unstable();
        let p90 = iv.latency_quantile(0.9).unwrap().as_nanos() as f64;
        let exact = lat[26] as f64; // ceil(0.9 × 30) = 27th value
        assert!((p90 - exact).abs() <= exact * 1e-3, "{p90} vs {exact}");
        // Minute 1 is (0 s, 60 s]: the request at t = 0 belongs to minute 0.
        let at = Timestamp::from_secs(60);
        let w = red.rolling(at, Duration::from_secs(60)).unwrap();
        assert_eq!((w.counts.total, w.counts.bad()), (29, 3));
        let w = red.rolling(at, Duration::from_secs(120)).unwrap();
        assert_eq!((w.counts.total, w.counts.bad()), (30, 3));
        assert_eq!(w.rate(), 0.25);
        assert_eq!(w.error_ratio(), Some(0.1));
        assert_eq!(t1.since(&t1).unwrap().rate(), None);
        assert_eq!(t0.since(&t1).unwrap_err(), Error::SnapshotsOutOfOrder);
    }

    #[test]
    fn in_flight_counts_started_and_unfinished_requests_across_threads() {
        let red = red();
        red.set_queue_depth(12);
        let a = red.start();
        let b = red.start();
        assert_eq!(red.in_flight(), 2);
        std::thread::scope(|s| {
            s.spawn(|| {
                let c = red.start();
                c.finish(Timestamp::from_secs(1), Duration::from_millis(3), true);
            });
        });
        a.finish(Timestamp::from_secs(1), Duration::from_millis(5), false);
        assert_eq!(red.in_flight(), 1);
        drop(b); // cancelled: out of flight, not recorded
        assert_eq!(red.in_flight(), 0);
        let s = red.snapshot(Timestamp::from_secs(1));
        assert_eq!((s.requests, s.errors, s.latency.count()), (2, 1, 2));
        assert_eq!((s.in_flight, s.queue_depth), (0, 12));
    }
}
