//! [`bare_fcfs`]: the Kiefer–Wolfowitz recursion for a first-come-first-served queue with
//! `c` servers — the floor the simulator is measured against and an exact model it is
//! tested against.
//!
//! Each request starts at `max(arrival, earliest time a server is free)` and occupies that
//! server for its service time (Kiefer & Wolfowitz, "On the theory of queues with many
//! servers", 1955). No recording, no pool changes, no limits: one heap operation per request.

use core::cmp::Reverse;
use std::collections::BinaryHeap;

/// Totals of a [`bare_fcfs`] run, nanoseconds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FcfsTotals {
    /// Requests run.
    pub requests: u64,
    /// Sum of waiting times (start − arrival).
    pub wait_ns: u128,
    /// Sum of response times (completion − arrival).
    pub response_ns: u128,
    /// The latest completion.
    pub last_completion_ns: u64,
}

/// Runs `(arrival_ns, service_ns)` pairs (arrivals non-decreasing) through `c ≥ 1`
/// FCFS servers and sums the waits and response times; `c = 0` runs nothing.
///
/// ```
/// use sre_sim::baseline::bare_fcfs;
/// // Two servers, four requests of 10 ns sent at 0, 1, 2, 3: waits 0, 0, 8, 8.
/// let t = bare_fcfs([(0, 10), (1, 10), (2, 10), (3, 10)], 2);
/// assert_eq!((t.wait_ns, t.response_ns, t.last_completion_ns), (16, 56, 21));
/// ```
pub fn bare_fcfs<I>(requests: I, c: usize) -> FcfsTotals
where
    I: IntoIterator<Item = (u64, u64)>,
{
    let mut totals = FcfsTotals::default();
    if c == 0 {
        return totals;
    }
    let mut free: BinaryHeap<Reverse<u64>> = (0..c).map(|_| Reverse(0)).collect();
    for (arrival, service) in requests {
        if let Some(mut top) = free.peek_mut() {
            let start = top.0.max(arrival);
            let done = start.saturating_add(service);
            top.0 = done;
            totals.requests += 1;
            totals.wait_ns += u128::from(start - arrival);
            totals.response_ns += u128::from(done - arrival);
            totals.last_completion_ns = totals.last_completion_ns.max(done);
        }
    }
    totals
}
