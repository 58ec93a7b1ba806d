//! [`Stabilization`]: the HPA's recommendation history as sliding windows, so each
//! decision costs amortized O(1) in the history's length.
//!
//! The controller keeps a list of recommendations and scans all of it per decision
//! ([`behavior::stabilize`](super::behavior::stabilize), the reference). Only the entries
//! inside a window matter, so here each window keeps its entries in time order (for the
//! next expiry) and a monotonic deque of them (for the minimum of the scale-up window,
//! the maximum of the scale-down one): each entry is pushed and popped once per window,
//! and a decision skips at most the entries that left the window since the last commit.
//! The answers are the reference's for non-decreasing times, the [`Policy`](crate::Policy)
//! protocol's order.

use super::behavior::Recommendation;
use core::time::Duration;
use sre_core::Timestamp;
use std::collections::VecDeque;

/// Whether an entry at `t` is still inside a window of `w` ending at `now`: `t > now − w`
/// (`strict`, the behavior path) or `t ≥ now − w` (the legacy path); everything counts
/// when the window reaches before the epoch.
fn inside(t: Timestamp, now: Timestamp, w: Duration, strict: bool) -> bool {
    match now.checked_sub(w) {
        Some(cutoff) if strict => t > cutoff,
        Some(cutoff) => t >= cutoff,
        None => true,
    }
}

/// One stabilization window: its entries in time order and, among them, the candidates
/// for the extreme (the minimum when `MIN`, else the maximum).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub(super) struct Window<const MIN: bool> {
    by_time: VecDeque<Recommendation>,
    /// Time order, and strictly monotonic in `replicas` (increasing when `MIN`): an entry
    /// that a later one at least as extreme outlives can never be the answer.
    extreme: VecDeque<Recommendation>,
}

impl<const MIN: bool> Window<MIN> {
    fn beats(a: u32, b: u32) -> bool {
        if MIN { a <= b } else { a >= b }
    }

    /// Adds `r` (not earlier than any entry: the caller sorts).
    pub(super) fn push(&mut self, r: Recommendation) {
        while self
            .extreme
            .back()
            .is_some_and(|b| Self::beats(r.replicas, b.replicas))
        {
            self.extreme.pop_back();
        }
        self.extreme.push_back(r);
        self.by_time.push_back(r);
    }

    /// Drops the entries outside the window at `now`.
    pub(super) fn prune(&mut self, now: Timestamp, w: Duration, strict: bool) {
        while self
            .by_time
            .front()
            .is_some_and(|r| !inside(r.at, now, w, strict))
        {
            self.by_time.pop_front();
        }
        while self
            .extreme
            .front()
            .is_some_and(|r| !inside(r.at, now, w, strict))
        {
            self.extreme.pop_front();
        }
    }

    /// The extreme of the entries inside the window at `now`.
    pub(super) fn extreme(&self, now: Timestamp, w: Duration, strict: bool) -> Option<u32> {
        self.extreme
            .iter()
            .find(|r| inside(r.at, now, w, strict))
            .map(|r| r.replicas)
    }

    /// The oldest entry inside the window at `now`.
    pub(super) fn oldest(&self, now: Timestamp, w: Duration, strict: bool) -> Option<Timestamp> {
        self.by_time
            .iter()
            .find(|r| inside(r.at, now, w, strict))
            .map(|r| r.at)
    }

    pub(super) fn len(&self) -> usize {
        self.by_time.len()
    }

    pub(super) fn entries(&self) -> &VecDeque<Recommendation> {
        &self.by_time
    }
}
