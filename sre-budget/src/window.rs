//! Where the evaluator reads event counts: the [`EventCounts`] trait (answering in
//! `sre-metrics`' [`WindowCounts`]), and
//! [`MinuteSeries`], an exact per-minute counter series.
//!
//! The evaluator asks for the good and total events in a window ending at `now`. Any
//! source can answer: [`SliWindow`] (a service's live SLI) implements the trait, and so does [`MinuteSeries`], which keeps a cumulative good/total pair at every
//! minute boundary, exactly as Prometheus keeps a scraped counter, so a window is the
//! difference of two entries (O(1)) and a replay of per-minute counts is exact.
//!
//! **Span observed.** A source may say since when it has data
//! ([`EventCounts::observed`]): a window longer than that holds only that span's events,
//! and budget figures over the SLO period are then figures over the span
//! ([`BudgetStatus::observed`](crate::BudgetStatus::observed)).
//!
//! **Window convention.** Minute `k` holds the events completed in `((k−1) min, k min]`.
//! A `W`-minute window asked for at `now` covers minutes `T−W+1 ..= T`, where `T` is the
//! last whole minute at or before `now`; minutes before the first recorded one count as
//! empty.
//!
//! ```
//! use core::time::Duration;
//! use sre_budget::{EventCounts, MinuteSeries};
//! use sre_core::Timestamp;
//!
//! let mut s = MinuteSeries::new(Duration::from_secs(3600))?;
//! s.push(99, 1); // minute 1: 99 good, 1 bad
//! s.push(50, 0); // minute 2
//! let c = s.counts(Timestamp::from_mins(2), Duration::from_secs(120))?;
//! assert_eq!((c.good, c.total, c.bad()), (149, 150, 1));
//! let last = s.counts(Timestamp::from_mins(2), Duration::from_secs(60))?;
//! assert_eq!(last.error_ratio(), Some(0.0));
//! # Ok::<(), sre_budget::Error>(())
//! ```

use crate::Error;
use core::time::Duration;
use sre_core::{NANOS_PER_MINUTE, SECS_PER_MINUTE, Timestamp};
use sre_metrics::sli::{SliWindow, WindowCounts};

/// A source of good/total counts over a window ending at `now`.
pub trait EventCounts {
    /// The counts in the `window` ending at `now`.
    fn counts(&self, now: Timestamp, window: Duration) -> Result<WindowCounts, Error>;

    /// The counts of several windows ending at `now`, into `out` (same length). The
    /// default asks [`counts`](Self::counts) once per window; a source that can read all
    /// windows at once (one consistent read of live counters) overrides it.
    fn counts_into(
        &self,
        now: Timestamp,
        windows: &[Duration],
        out: &mut [WindowCounts],
    ) -> Result<(), Error> {
        for (w, o) in windows.iter().zip(out.iter_mut()) {
            *o = self.counts(now, *w)?;
        }
        Ok(())
    }

    /// How much time before `now` the source has data for: the span from its first
    /// minute of data to `now`, or `None` when it does not know (the default). A window
    /// longer than the span holds only the span's events, so figures over it (an error
    /// budget over a 30-day period, read by a process started 5 minutes ago) are figures
    /// over the span; [`ErrorBudget::status_at`](crate::ErrorBudget::status_at) and the
    /// [`Evaluator`](crate::Evaluator) report it as
    /// [`BudgetStatus::observed`](crate::BudgetStatus::observed).
    fn observed(&self, now: Timestamp) -> Option<Duration> {
        let _ = now;
        None
    }
}

/// `EventCounts` for pointers to a source (`&T`, `Arc<T>`, `Box<T>`): each forwards every
/// method, so a source's batched `counts_into` is kept behind the pointer.
macro_rules! forward_event_counts {
    ($($ptr:ty),+) => {$(
        impl<T: EventCounts + ?Sized> EventCounts for $ptr {
            fn counts(&self, now: Timestamp, window: Duration) -> Result<WindowCounts, Error> {
                (**self).counts(now, window)
            }

            fn counts_into(
                &self,
                now: Timestamp,
                windows: &[Duration],
                out: &mut [WindowCounts],
            ) -> Result<(), Error> {
                (**self).counts_into(now, windows, out)
            }

            fn observed(&self, now: Timestamp) -> Option<Duration> {
                (**self).observed(now)
            }
        }
    )+};
}
forward_event_counts!(&T, std::sync::Arc<T>, Box<T>);

/// A service's live SLI window. Windows must be whole minutes within its horizon; the
/// minutes covered are the same as [`MinuteSeries`]' (see `SliWindow`'s docs).
/// Windows longer than 3 days (the budget's period) are interpolated inside one coarse
/// bucket by `SliWindow`; alert windows up to 3 days are exact.
impl EventCounts for SliWindow {
    fn counts(&self, now: Timestamp, window: Duration) -> Result<WindowCounts, Error> {
        Ok(SliWindow::counts(self, now, window)?)
    }

    /// Reads up to 8 windows per consistent read of the live counters.
    fn counts_into(
        &self,
        now: Timestamp,
        windows: &[Duration],
        out: &mut [WindowCounts],
    ) -> Result<(), Error> {
        const N: usize = 8;
        for (ws, os) in windows.chunks(N).zip(out.chunks_mut(N)) {
            let mut batch = [ws[0]; N];
            batch[..ws.len()].copy_from_slice(ws);
            let got = self.counts_many(now, batch)?;
            // Only the windows asked for: an `out` longer than `windows` keeps its tail
            // rather than receiving the batch's padding.
            let n = os.len().min(ws.len());
            os[..n].copy_from_slice(&got[..n]);
        }
        Ok(())
    }

    /// [`SliWindow::observed`]: from the window's first minute of data (kept through
    /// `SliWindow::state` and `from_state`, so a restarted process's span includes its
    /// downtime, as minutes without events) to the minute of `now`.
    fn observed(&self, now: Timestamp) -> Option<Duration> {
        SliWindow::observed(self, now)
    }
}

/// Exact per-minute counts: cumulative good/total at each minute boundary in a ring.
///
/// Single-writer (`push` takes `&mut self`); built for replays, simulations and tests.
/// A service records into `sre_metrics::sli::SliWindow` instead. Memory: 16 bytes a
/// minute of horizon (690 KB for 30 days; the horizon is at most
/// [`sre_core::MAX_PERIOD`]). Pushing and querying never allocate.
///
/// **Saturation.** Counts are kept as running totals in `u64`. Once the total of all
/// events pushed passes `u64::MAX`, the running totals saturate, and every window that
/// ends at or after that minute is answered with [`Error::CountsSaturated`] instead of
/// a wrong count; [`saturated_at`](Self::saturated_at) says from which minute.
#[derive(Debug, Clone)]
pub struct MinuteSeries {
    /// `cum[m % len]` = (good, total) summed over minutes `1..=m`.
    cum: Vec<(u64, u64)>,
    /// The last minute pushed (0 before any).
    last: u64,
    /// The first minute whose running total saturated.
    saturated_at: Option<u64>,
}

impl MinuteSeries {
    /// A series keeping windows up to `horizon` (whole minutes, rounded up): longer
    /// than zero and at most [`sre_core::MAX_PERIOD`] (else
    /// [`sre_core::Error::ZeroDuration`] or [`sre_core::Error::PeriodTooLong`]).
    pub fn new(horizon: Duration) -> Result<Self, Error> {
        sre_core::check_period("series horizon", horizon)?;
        let minutes = horizon.as_secs().div_ceil(SECS_PER_MINUTE).max(1);
        // At most MAX_PERIOD_MINUTES + 1 entries: fits a usize on every target.
        let len = usize::try_from(minutes + 1).map_err(|_| sre_core::Error::PeriodTooLong {
            what: "series horizon",
            value: horizon,
            max: sre_core::MAX_PERIOD,
        })?;
        Ok(Self {
            cum: vec![(0, 0); len],
            last: 0,
            saturated_at: None,
        })
    }

    /// The first minute at which the running total of events passed `u64::MAX`, if it
    /// has; windows ending at or after it are refused with [`Error::CountsSaturated`].
    #[must_use]
    pub fn saturated_at(&self) -> Option<u64> {
        self.saturated_at
    }

    /// The longest window this series answers.
    #[must_use]
    pub fn horizon(&self) -> Duration {
        Duration::from_secs(SECS_PER_MINUTE * (self.cum.len() as u64 - 1))
    }

    /// The last minute pushed (0 before the first push).
    #[must_use]
    pub fn last_minute(&self) -> u64 {
        self.last
    }

    /// Appends the next minute's counts (`good` and `bad` events completed in it).
    /// Never fails: running totals saturate at `u64::MAX` rather than wrap, and the
    /// series remembers the minute (see [`saturated_at`](Self::saturated_at)).
    pub fn push(&mut self, good: u64, bad: u64) {
        let (g, t) = self.at(self.last);
        self.last = self.last.saturating_add(1);
        let len = self.cum.len() as u64;
        let slot = usize::try_from(self.last % len).unwrap_or(0);
        // good ≤ total and g ≤ t: if the total fits, so does the good count.
        let total = good.checked_add(bad).and_then(|n| t.checked_add(n));
        if total.is_none() && self.saturated_at.is_none() {
            self.saturated_at = Some(self.last);
        }
        self.cum[slot] = (
            g.saturating_add(good),
            t.saturating_add(good.saturating_add(bad)),
        );
    }

    /// Cumulative (good, total) through minute `m` (`m ≤ last`, within the ring).
    fn at(&self, m: u64) -> (u64, u64) {
        if m == 0 {
            return (0, 0);
        }
        let len = self.cum.len() as u64;
        self.cum[usize::try_from(m % len).unwrap_or(0)]
    }
}

impl EventCounts for MinuteSeries {
    fn counts(&self, now: Timestamp, window: Duration) -> Result<WindowCounts, Error> {
        let w = window.as_secs().div_ceil(SECS_PER_MINUTE);
        let horizon = self.cum.len() as u64 - 1;
        if w > horizon {
            return Err(Error::BeyondHorizon {
                window,
                horizon: self.horizon(),
            });
        }
        let t = (now.as_nanos() / NANOS_PER_MINUTE).min(self.last);
        let start = (now.as_nanos() / NANOS_PER_MINUTE).saturating_sub(w);
        if start >= t {
            return Ok(WindowCounts::default());
        }
        // A `now` behind the last push can reach minutes the ring has overwritten.
        if start < self.last.saturating_sub(horizon) {
            return Err(Error::BeyondHorizon {
                window: Duration::from_secs(SECS_PER_MINUTE * (self.last - start)),
                horizon: self.horizon(),
            });
        }
        if let Some(minute) = self.saturated_at.filter(|m| *m <= t) {
            return Err(Error::CountsSaturated { minute });
        }
        let (g1, t1) = self.at(t);
        let (g0, t0) = self.at(start);
        Ok(WindowCounts {
            good: g1 - g0,
            total: t1 - t0,
        })
    }

    /// Minutes 1 to the last whole minute at or before `now`: a series starts at minute
    /// 1 (its first [`push`](MinuteSeries::push)) and, like its windows, reads minutes
    /// not pushed yet as empty.
    fn observed(&self, now: Timestamp) -> Option<Duration> {
        Some(sre_core::MINUTE.saturating_mul(
            u32::try_from(now.as_nanos() / sre_core::NANOS_PER_MINUTE).unwrap_or(u32::MAX),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Against a slow exact model: re-sum the raw minutes of the window.
        #[test]
        fn windows_equal_a_resum(rows in proptest::collection::vec((0u64..50, 0u64..5), 0..200),
                                 w in 1u64..60, ahead in 0u64..3) {
            let mut s = MinuteSeries::new(Duration::from_secs(60 * 60)).unwrap();
            for &(g, b) in &rows { s.push(g, b); }
            let now_min = rows.len() as u64 + ahead;
            let c = s.counts(Timestamp::from_mins(now_min), Duration::from_secs(60 * w)).unwrap();
            let lo = now_min.saturating_sub(w); // minutes lo+1 ..= now_min
            let (mut g, mut t) = (0, 0);
            for (i, &(gg, bb)) in rows.iter().enumerate() {
                let m = i as u64 + 1;
                if m > lo && m <= now_min { g += gg; t += gg + bb; }
            }
            prop_assert_eq!(c, WindowCounts { good: g, total: t });
        }
    }

    #[test]
    fn shared_sources_answer_like_the_source() {
        let sli = std::sync::Arc::new(SliWindow::new(Duration::from_secs(3600)).unwrap());
        sli.record_counts(Timestamp::from_mins(1), 3, 1);
        let d = Duration::from_secs(300);
        let via_arc = EventCounts::counts(&sli, Timestamp::from_mins(1), d).unwrap();
        assert_eq!(via_arc, WindowCounts { good: 3, total: 4 });
        let mut out = [WindowCounts::default(); 9];
        let ws = [d; 9];
        sli.counts_into(Timestamp::from_mins(1), &ws, &mut out)
            .unwrap();
        assert!(out.iter().all(|c| *c == via_arc));
        // Through a Box, and with an `out` longer than the windows: the tail is untouched.
        let boxed: Box<dyn EventCounts> = Box::new(std::sync::Arc::clone(&sli));
        let mut longer = [WindowCounts::default(); 4];
        boxed
            .counts_into(Timestamp::from_mins(1), &ws[..2], &mut longer)
            .unwrap();
        assert_eq!(longer[..2], [via_arc; 2]);
        assert_eq!(longer[2..], [WindowCounts::default(); 2]);
    }

    #[test]
    fn refuses_windows_past_the_horizon() {
        let s = MinuteSeries::new(Duration::from_secs(600)).unwrap();
        assert!(matches!(
            s.counts(Timestamp::ZERO, Duration::from_secs(601)),
            Err(Error::BeyondHorizon { .. })
        ));
        assert_eq!(
            s.counts(Timestamp::ZERO, Duration::from_secs(600)).unwrap(),
            WindowCounts::default()
        );
        assert_eq!(WindowCounts::default().error_ratio(), None);
        assert!(MinuteSeries::new(Duration::ZERO).is_err());
    }
}
