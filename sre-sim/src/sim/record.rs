//! Where outcomes go during a run ([`Recorder`]) and how decisions read in a report.

use super::plan::Plan;
use crate::Error;
use crate::report::RequestCounts;
use crate::station::Outcomes;
use sre_core::Timestamp;
use sre_metrics::{Histogram, SliWindow};

/// Where each request's outcome goes: the histogram (every latency), the SLI window and
/// exact counters.
///
/// Latencies are gathered in a fixed buffer (allocated once) and recorded into the
/// histogram a batch at a time: when the buffer is full and at every boundary, before
/// anything reads the histogram. Recording back to back keeps the histogram's memory apart
/// from the event loop's heap work. Whenever the histogram is read it holds exactly what
/// per-event recording gives it (`tests/report_latency.rs` checks the report against
/// per-event recording).
///
/// SLI events are counted here (the exact counters) and handed to the window with one
/// `record_counts` of the difference since the last hand-over at each boundary (every
/// boundary is at or before the next minute's end, so each batch falls in one of the
/// window's minutes): the window holds exactly what per-event `record` calls would give
/// it, for one atomic add a batch instead of one an event.
#[derive(Debug)]
pub(super) struct Recorder {
    pub(super) hist: Histogram,
    /// Latencies not yet in `hist`; never longer than [`LATENCY_BATCH`].
    pub(super) latencies: Vec<u64>,
    pub(super) sli: SliWindow,
    pub(super) threshold_ns: u64,
    pub(super) counts: RequestCounts,
    pub(super) served_latency_ns: u128,
    /// Good and bad events already handed to `sli`.
    pub(super) flushed_good: u64,
    pub(super) flushed_bad: u64,
}

/// Latencies buffered between histogram batches (8 KiB).
pub(super) const LATENCY_BATCH: usize = 1024;

impl Outcomes for Recorder {
    #[inline]
    fn served(&mut self, _now_ns: u64, latency_ns: u64) {
        self.record_latency(latency_ns);
        self.counts.served += 1;
        if latency_ns <= self.threshold_ns {
            self.counts.good += 1;
        } else {
            self.counts.slow += 1;
        }
        self.served_latency_ns += u128::from(latency_ns);
    }
    #[inline]
    fn timed_out(&mut self, _now_ns: u64, latency_ns: u64) {
        self.record_latency(latency_ns);
        self.counts.timed_out += 1;
    }
    #[inline]
    fn dropped(&mut self, _now_ns: u64) {
        self.counts.dropped += 1;
    }
    #[inline]
    fn failed(&mut self, _now_ns: u64) {
        self.counts.failed += 1;
    }
}

impl Recorder {
    /// An empty recorder for `plan`, handing SLI events to `sli`.
    pub(super) fn new(plan: &Plan, sli: SliWindow) -> Result<Self, Error> {
        Ok(Self {
            hist: Histogram::with_shards(plan.hist_config, 1)
                .map_err(|e| Error::Internal(format!("the latency histogram: {e}")))?,
            latencies: Vec::with_capacity(LATENCY_BATCH),
            sli,
            threshold_ns: plan.threshold_ns,
            counts: RequestCounts::default(),
            served_latency_ns: 0,
            flushed_good: 0,
            flushed_bad: 0,
        })
    }

    #[inline]
    fn record_latency(&mut self, latency_ns: u64) {
        if self.latencies.len() >= LATENCY_BATCH {
            self.flush_latencies();
        }
        self.latencies.push(latency_ns);
    }

    /// Records the buffered latencies into the histogram.
    #[inline(never)]
    pub(super) fn flush_latencies(&mut self) {
        for &l in &self.latencies {
            self.hist.record(l);
        }
        self.latencies.clear();
    }

    /// Hands the events counted since the last boundary to the SLI window, at `now_ns`.
    pub(super) fn flush(&mut self, now_ns: u64) {
        self.flush_latencies();
        let (good, bad) = (self.counts.good, self.bad());
        if good + bad > self.flushed_good + self.flushed_bad {
            self.sli.record_counts(
                Timestamp::from_nanos(now_ns),
                good - self.flushed_good,
                bad - self.flushed_bad,
            );
            self.flushed_good = good;
            self.flushed_bad = bad;
        }
    }

    pub(super) fn bad(&self) -> u64 {
        self.counts.bad()
    }
}

/// A decision's why, without the time (the action carries it): the policy's reason, its
/// input against its target, the raw recommendation and each limit that moved it.
pub(super) fn explain(d: &sre_scaling::Decision) -> String {
    use core::fmt::Write as _;
    let mut s = d.reason.to_string();
    if let Some(m) = d.inputs.metric {
        let _ = write!(
            s,
            ": {} {:.1} vs target {:.1}",
            m.name(),
            d.inputs.value,
            d.inputs.target
        );
    }
    let _ = write!(s, "; recommended {}", d.recommended);
    for l in d.limits.iter() {
        let _ = write!(s, ", {:?} {} → {}", l.kind, l.before, l.after);
    }
    s
}

pub(super) fn ms(ns: u64) -> f64 {
    ns as f64 / 1e6
}
