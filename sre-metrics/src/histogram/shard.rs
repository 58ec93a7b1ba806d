//! One shard: a full set of counters that, in the common case, only one thread writes.
//!
//! A thread picks its shard from a per-thread number handed out round-robin at the
//! thread's first record ([`thread_slot`]), so up to `shards` threads record without
//! sharing a cache line. With more threads than shards, threads share shards; the counters
//! are atomic read-modify-writes, so sharing costs cache traffic, never counts.

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

/// This thread's slot number: assigned round-robin from a global counter at the thread's
/// first call, then a plain thread-local read. A histogram with `n` (a power of two) shards
/// uses shard `thread_slot() & (n - 1)`.
#[cfg(not(sre_loom))]
#[inline(always)]
pub(crate) fn thread_slot() -> usize {
    use core::cell::Cell;
    use std::sync::atomic::AtomicUsize;

    static NEXT: AtomicUsize = AtomicUsize::new(0);
    std::thread_local! {
        static SLOT: Cell<usize> = const { Cell::new(usize::MAX) };
    }
    // `try_with` fails only while this thread's thread-locals are being destroyed; any
    // shard is correct then (all counters are atomic), so use shard 0.
    SLOT.try_with(|s| {
        let slot = s.get();
        if slot != usize::MAX {
            return slot;
        }
        let slot = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed) & (usize::MAX >> 1);
        s.set(slot);
        slot
    })
    .unwrap_or(0)
}

/// Under loom each model thread is a fresh thread; a loom thread-local gives each its
/// own round-robin slot, the same scheme as the real one.
#[cfg(sre_loom)]
pub(crate) fn thread_slot() -> usize {
    use core::cell::Cell;
    loom::lazy_static! {
        static ref NEXT: sre_core::sync::AtomicUsize = sre_core::sync::AtomicUsize::new(0);
    }
    loom::thread_local! {
        static SLOT: Cell<usize> = Cell::new(usize::MAX);
    }
    SLOT.with(|s| {
        if s.get() == usize::MAX {
            s.set(NEXT.fetch_add(1, Ordering::Relaxed));
        }
        s.get()
    })
}
