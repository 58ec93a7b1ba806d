//! One shard: a full set of counters that, in the common case, only one thread writes.
//!
//! A thread picks its shard by its per-thread slot number
//! ([`thread_slot`](crate::thread_slot::thread_slot), the crate's one scheme for shards,
//! stripes and gauge cells), so up to `shards` threads record without sharing a cache
//! line. With more threads than shards, threads share shards; the counters are atomic
//! read-modify-writes, so sharing costs cache traffic, never counts.

use sre_core::sync::{AtomicU64, Ordering};

/// The counters of one shard plus its saturation count. Aligned to 128 bytes (two cache
/// lines, the unit of the adjacent-line prefetcher) so the `saturated` counters of two
/// shards never share a line with each other or with another shard's header.
#[derive(Debug)]
#[repr(align(128))]
pub(crate) struct Shard {
    counts: Box<[AtomicU64]>,
    saturated: AtomicU64,
}

impl Shard {
    pub(crate) fn new(len: usize) -> Self {
        Self {
            counts: (0..len).map(|_| AtomicU64::new(0)).collect(),
            saturated: AtomicU64::new(0),
        }
    }

    /// Adds `n` to the counter at `index`. An index past the end (impossible for indices
    /// of clamped values) goes to the last counter, so nothing is ever dropped or panics.
    #[inline(always)]
    pub(crate) fn add(&self, index: usize, n: u64) {
        match self.counts.get(index) {
            Some(c) => {
                c.fetch_add(n, Ordering::Relaxed);
            }
            None => self.add_last(n),
        }
    }

    #[cold]
    fn add_last(&self, n: u64) {
        if let Some(c) = self.counts.last() {
            c.fetch_add(n, Ordering::Relaxed);
        }
    }

    /// Counts `n` values that were clamped to the highest trackable value.
    #[inline]
    pub(crate) fn add_saturated(&self, n: u64) {
        self.saturated.fetch_add(n, Ordering::Relaxed);
    }

    /// The live counters, for a snapshot to read.
    pub(crate) fn counts(&self) -> &[AtomicU64] {
        &self.counts
    }

    /// The live saturation count.
    pub(crate) fn saturated(&self) -> u64 {
        self.saturated.load(Ordering::Relaxed)
    }

    /// Bytes this shard occupies: the header (padded) plus its counters.
    pub(crate) fn bytes(len: usize) -> usize {
        core::mem::size_of::<Shard>() + len * core::mem::size_of::<AtomicU64>()
    }
}
