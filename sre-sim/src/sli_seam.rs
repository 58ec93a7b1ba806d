//! TEMPORARY seam until `sre_metrics::sli::SliWindow` lands: the same calls, backed by
//! `sre_budget::MinuteSeries` (exact per-minute counts). Removed at integration.

use core::cell::RefCell;
use core::time::Duration;
use sre_budget::MinuteSeries;
use sre_core::Timestamp;

const MINUTE_NS: u64 = 60_000_000_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct WindowCounts {
    pub good: u64,
    pub total: u64,
}

#[derive(Debug)]
struct Inner {
    series: MinuteSeries,
    /// Minute index of the open minute: events in ((k−1) min, k min].
    open: u64,
    good: u64,
    bad: u64,
}

#[derive(Debug)]
pub(crate) struct SliWindow(RefCell<Inner>);

fn minute_of(now: Timestamp) -> u64 {
    now.as_nanos().div_ceil(MINUTE_NS).max(1)
}

impl Inner {
    fn roll(&mut self, minute: u64) {
        while self.open < minute {
            self.series.push(self.good, self.bad);
            self.good = 0;
            self.bad = 0;
            self.open += 1;
        }
    }
}

impl SliWindow {
    pub(crate) fn with_stripes(
        horizon: Duration,
        _stripes: usize,
    ) -> Result<Self, sre_budget::Error> {
        Ok(Self(RefCell::new(Inner {
            series: MinuteSeries::new(horizon)?,
            open: 1,
            good: 0,
            bad: 0,
        })))
    }

    pub(crate) fn record(&self, now: Timestamp, good: bool) {
        let mut i = self.0.borrow_mut();
        i.roll(minute_of(now));
        if good {
            i.good += 1;
        } else {
            i.bad += 1;
        }
    }

    pub(crate) fn counts(
        &self,
        now: Timestamp,
        window: Duration,
    ) -> Result<WindowCounts, sre_budget::Error> {
        let mut i = self.0.borrow_mut();
        // Close every minute that ended at or before `now`.
        let m = now.as_nanos() / MINUTE_NS;
        i.roll(m + 1);
        let c = sre_budget::EventCounts::counts(
            &i.series,
            Timestamp::from_nanos(m * MINUTE_NS),
            window,
        )?;
        Ok(WindowCounts {
            good: c.good,
            total: c.total,
        })
    }
}
