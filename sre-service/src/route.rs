//! [`Route`]: the series of one route (requests, in-flight, durations, exemplars) and the
//! SLOs that judge it, recorded into lock-free through `&self`.

use crate::request::{Method, StatusClass};
use crate::slo_state::SloState;
use core::time::Duration;
use sre_core::sync::{AtomicU64, Ordering};
use sre_core::{SystemClock, Timestamp};
use sre_metrics::histogram::IntervalReader;
use sre_metrics::{Histogram, Snapshot};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Instant;

/// Counters per (method, status class), then in-flight starts and ends, then one per
/// classic latency bucket (the last for values above every bound).
const COUNTS: usize = Method::ALL.len() * StatusClass::ALL.len();
const STARTED: usize = COUNTS;
const ENDED: usize = COUNTS + 1;
const BUCKETS: usize = COUNTS + 2;

/// 16 counters: 128 bytes, so two stripes never share a cache line (nor an adjacent-line
/// prefetch pair).
#[derive(Debug)]
#[repr(align(128))]
struct Line([AtomicU64; 16]);

impl Line {
    fn new() -> Self {
        Self(core::array::from_fn(|_| AtomicU64::new(0)))
    }
}

/// The trace a request belonged to, kept as the exemplar of the bucket it landed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TraceRef {
    /// W3C trace id (the 32 hex digits of `traceparent`).
    pub trace_id: u128,
    /// W3C parent id (the 16 hex digits): the span that sent the request.
    pub span_id: u64,
}

/// The latest traced request of one bucket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ExemplarCell {
    pub(crate) trace: TraceRef,
    pub(crate) nanos: u64,
    pub(crate) at: Timestamp,
}

/// The series of one route. Get one from [`Registry::route`](crate::Registry::route).
///
/// Recording ([`record`](Self::record), [`start`](Self::start)) is lock-free and
/// allocation-free: two relaxed `fetch_add`s on this thread's stripe (the request's
/// method and status class, and its classic bucket, found by binary search over the
/// bounds), an add to the latency histogram's shard, one SLI record per SLO judging the
/// route, and, for a traced request, a `try_lock` on its bucket's exemplar (skipped,
/// never waited for, when a scrape or another request holds it). [`start`](Self::start)
/// and the end of an [`InFlight`] add one `fetch_add` each for the in-flight gauge.
///
/// The classic buckets count exactly (`le = 0.3` is every answered request of at most
/// 300 ms, to the nanosecond); the histogram's quantiles are within its precision.
#[derive(Debug)]
pub struct Route {
    pub(crate) name: Box<str>,
    clock: SystemClock,
    latency: Arc<Histogram>,
    /// The scrapes' reader of `latency` and the cumulative snapshot it has built: a scrape
    /// reads only the shards written since the last one.
    reader: Mutex<(IntervalReader<Arc<Histogram>>, Snapshot)>,
    /// `stripes × per_stripe` lines: each stripe is one thread group's copy of the
    /// counters.
    lines: Box<[Line]>,
    per_stripe: usize,
    mask: usize,
    /// Classic bucket bounds in nanoseconds, increasing; `exemplars` has one more (+Inf).
    pub(crate) bounds: Arc<[u64]>,
    pub(crate) exemplars: Box<[Mutex<Option<ExemplarCell>>]>,
    pub(crate) slos: Box<[Arc<SloState>]>,
}

/// Counts read from a route's stripes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RouteCounts {
    /// Requests by `[method][class]`.
    pub(crate) requests: [[u64; StatusClass::ALL.len()]; Method::ALL.len()],
    /// Requests started and not finished.
    pub(crate) in_flight: u64,
    /// Answered requests per classic bucket (not cumulative), the last above every bound.
    pub(crate) buckets: Vec<u64>,
}

impl Route {
    pub(crate) fn new(
        name: &str,
        clock: SystemClock,
        latency: Arc<Histogram>,
        stripes: usize,
        bounds: Arc<[u64]>,
        slos: Box<[Arc<SloState>]>,
    ) -> Self {
        let stripes = stripes.next_power_of_two();
        let per_stripe = (BUCKETS + bounds.len() + 1).div_ceil(16);
        Self {
            name: name.into(),
            clock,
            reader: Mutex::new((
                IntervalReader::new(Arc::clone(&latency)),
                Snapshot::empty(*latency.config()),
            )),
            latency,
            lines: (0..stripes * per_stripe).map(|_| Line::new()).collect(),
            per_stripe,
            mask: stripes - 1,
            exemplars: (0..=bounds.len()).map(|_| Mutex::new(None)).collect(),
            bounds,
            slos,
        }
    }

    /// The `route` label.
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }

    /// A cumulative snapshot of the route's latency histogram (nanoseconds, answered
    /// requests only).
    ///
    /// Built incrementally: each call reads, through an
    /// [`IntervalReader`], only the histogram shards written since the previous call,
    /// and merges what changed into the snapshot it keeps (cost linear in the counters of
    /// the shards written, plus the non-empty buckets when anything changed). Calls from
    /// two threads at once take turns.
    #[must_use]
    pub fn latency_snapshot(&self) -> Snapshot {
        let mut guard = self.reader.lock().unwrap_or_else(PoisonError::into_inner);
        let (reader, cumulative) = &mut *guard;
        let interval = reader.next_interval();
        if !interval.is_empty() {
            // Same histogram, same configuration: the merge cannot fail.
            let _ = cumulative.merge(&interval);
        }
        cumulative.clone()
    }

    /// Counter `i` of this thread's stripe.
    #[inline]
    fn counter(&self, i: usize) -> &AtomicU64 {
        let line = (crate::slot::thread_slot() & self.mask) * self.per_stripe + i / 16;
        &self.lines[line].0[i % 16]
    }

    /// Counter `i` of stripe `s`.
    fn counter_of(&self, s: usize, i: usize) -> u64 {
        self.lines[s * self.per_stripe + i / 16].0[i % 16].load(Ordering::Relaxed)
    }

    /// Marks a request in flight until the returned guard is finished or dropped; it
    /// measures the request's duration from now.
    #[inline]
    pub fn start(self: &Arc<Self>, method: Method) -> InFlight {
        self.counter(STARTED).fetch_add(1, Ordering::Relaxed);
        InFlight {
            route: Some(Arc::clone(self)),
            method,
            start: self.clock.instant(),
            trace: None,
        }
    }

    /// Records a finished request: `status` `None` for one dropped before it answered.
    /// `now` is when it ended, on the registry's clock (Unix time; see
    /// [`Registry::now`](crate::Registry::now)).
    ///
    /// A cancelled request is counted with `status_class="cancelled"`, kept out of the
    /// latency histogram (it has no response time), and counted *bad* by every SLO with a
    /// latency threshold it had already exceeded when dropped; otherwise it is not an SLI
    /// event (the service was not given the chance to answer).
    #[inline]
    pub fn record(
        &self,
        method: Method,
        status: Option<u16>,
        elapsed: Duration,
        now: Timestamp,
        trace: Option<TraceRef>,
    ) {
        let class = status.map_or(StatusClass::Cancelled, StatusClass::of);
        self.counter(method.index() * StatusClass::ALL.len() + class.index())
            .fetch_add(1, Ordering::Relaxed);
        let nanos = sre_core::duration_to_nanos_saturating(elapsed);
        match status {
            Some(status) => {
                let bucket = self.bounds.partition_point(|&b| b < nanos);
                self.counter(BUCKETS + bucket)
                    .fetch_add(1, Ordering::Relaxed);
                self.latency.record(nanos);
                for slo in &self.slos {
                    slo.sli.record(now, slo.spec.is_good(status, elapsed));
                }
                if let Some(trace) = trace
                    && let Some(cell) = self.exemplars.get(bucket)
                    && let Ok(mut cell) = cell.try_lock()
                {
                    *cell = Some(ExemplarCell {
                        trace,
                        nanos,
                        at: now,
                    });
                }
            }
            None => {
                for slo in &self.slos {
                    if slo.spec.threshold().is_some_and(|t| elapsed > t) {
                        slo.sli.record(now, false);
                    }
                }
            }
        }
    }

    pub(crate) fn counts(&self) -> RouteCounts {
        let mut requests = [[0u64; StatusClass::ALL.len()]; Method::ALL.len()];
        let mut buckets = vec![0u64; self.bounds.len() + 1];
        let (mut started, mut ended) = (0u64, 0u64);
        for s in 0..=self.mask {
            for (m, row) in requests.iter_mut().enumerate() {
                for (c, n) in row.iter_mut().enumerate() {
                    *n = n.wrapping_add(self.counter_of(s, m * StatusClass::ALL.len() + c));
                }
            }
            for (b, n) in buckets.iter_mut().enumerate() {
                *n = n.wrapping_add(self.counter_of(s, BUCKETS + b));
            }
            started = started.wrapping_add(self.counter_of(s, STARTED));
            ended = ended.wrapping_add(self.counter_of(s, ENDED));
        }
        RouteCounts {
            requests,
            // Ends are read after starts of the same stripe only; a request that starts on
            // one thread and ends on another may be seen ended and not started.
            in_flight: started.saturating_sub(ended),
            buckets,
        }
    }

    fn end_flight(&self) {
        self.counter(ENDED).fetch_add(1, Ordering::Relaxed);
    }
}

/// A request in flight on a [`Route`]; see [`Route::start`]. Finish it with
/// [`finish`](Self::finish); dropping it unfinished records a cancelled request.
#[derive(Debug)]
#[must_use = "a request is recorded when finished; dropping it records a cancellation"]
pub struct InFlight {
    route: Option<Arc<Route>>,
    method: Method,
    start: Instant,
    trace: Option<TraceRef>,
}

impl InFlight {
    /// Attaches the request's trace, kept as an exemplar of its latency bucket.
    pub fn set_trace(&mut self, trace: TraceRef) {
        self.trace = Some(trace);
    }

    /// When the request started.
    #[must_use]
    pub fn started(&self) -> Instant {
        self.start
    }

    /// Records the request as answered with `status` at `end` (an `Instant` the caller
    /// read; [`finish`](Self::finish) reads it).
    pub fn finish_at(mut self, status: u16, end: Instant) {
        if let Some(route) = self.route.take() {
            let elapsed = end.saturating_duration_since(self.start);
            route.record(
                self.method,
                Some(status),
                elapsed,
                route.clock.at(end),
                self.trace,
            );
            route.end_flight();
        }
    }

    /// Records the request as answered with `status` now.
    pub fn finish(self, status: u16) {
        if let Some(end) = self.route.as_ref().map(|r| r.clock.instant()) {
            self.finish_at(status, end);
        }
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        if let Some(route) = self.route.take() {
            let end = route.clock.instant();
            let elapsed = end.saturating_duration_since(self.start);
            route.record(self.method, None, elapsed, route.clock.at(end), None);
            route.end_flight();
        }
    }
}
