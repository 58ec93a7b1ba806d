//! Per-thread slots: which shard, stripe or gauge cell the calling thread writes.
//!
//! Every writer-side structure of this crate spreads its writers over `n` padded copies
//! (a [`Histogram`](crate::Histogram)'s shards, an [`SliWindow`](crate::SliWindow)'s
//! stripes, the in-flight gauge of [`Red`](crate::red::Red)), so two threads recording at
//! once do not bounce one cache line. They all pick their copy the same way: a thread
//! takes a number from one global counter at its first record, keeps it in a thread-local
//! ([`thread_slot`]), and writes copy `slot & (n - 1)` (`n` a power of two). Any `n`
//! consecutively numbered threads therefore write distinct copies. With more threads than
//! copies, threads share one; every add is an atomic read-modify-write, so sharing costs
//! cache traffic, never a count.
//!
//! # How many copies by default
//!
//! One rule for all of them ([`default_slots`]): the number of CPUs the process may use,
//! rounded up to a power of two, at most [`MAX_DEFAULT_SLOTS`] (8). More recording threads
//! than CPUs cannot all run at once, so more copies than CPUs buy little, while every copy
//! costs on the read side: a histogram snapshot sums every shard's full counter array, an
//! SLI query and every minute rotation read every stripe's line. On the 2-vCPU machines
//! the benchmarks run on this is 2. Pick another count with
//! [`Histogram::with_shards`](crate::Histogram::with_shards) or
//! [`SliWindow::with_stripes`](crate::SliWindow::with_stripes).

/// The most copies [`default_slots`] picks.
pub(crate) const MAX_DEFAULT_SLOTS: usize = 8;

/// The default number of per-thread copies: the CPU count rounded up to a power of two,
/// at most [`MAX_DEFAULT_SLOTS`] (see the [module docs](self) for why).
pub(crate) fn default_slots() -> usize {
    cpus().next_power_of_two().min(MAX_DEFAULT_SLOTS)
}

/// The CPUs this process may use (1 if unknown), read once.
fn cpus() -> usize {
    static CPUS: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *CPUS.get_or_init(|| std::thread::available_parallelism().map_or(1, core::num::NonZero::get))
}

/// This thread's slot number: assigned round-robin from a global counter at the thread's
/// first call, then a plain thread-local read. A structure with `n` (a power of two)
/// copies uses copy `thread_slot() & (n - 1)`.
#[cfg(not(sre_loom))]
#[inline(always)]
pub(crate) fn thread_slot() -> usize {
    use core::cell::Cell;
    use std::sync::atomic::{AtomicUsize, Ordering};

    static NEXT: AtomicUsize = AtomicUsize::new(0);
    std::thread_local! {
        static SLOT: Cell<usize> = const { Cell::new(usize::MAX) };
    }
    // `try_with` fails only while this thread's thread-locals are being destroyed; any
    // copy is correct then (all counters are atomic), so use copy 0.
    SLOT.try_with(|s| {
        let slot = s.get();
        if slot != usize::MAX {
            return slot;
        }
        // The top bit is cleared so a slot never equals the "unassigned" marker.
        let slot = NEXT.fetch_add(1, Ordering::Relaxed) & (usize::MAX >> 1);
        s.set(slot);
        slot
    })
    .unwrap_or(0)
}

/// Under loom each model thread is a fresh thread; a loom thread-local gives each its
/// own round-robin slot, the same scheme as the real one (and the counter is a loom
/// atomic, so the model explores the hand-out too).
#[cfg(sre_loom)]
pub(crate) fn thread_slot() -> usize {
    use core::cell::Cell;
    use sre_core::sync::{AtomicUsize, Ordering};
    loom::lazy_static! {
        static ref NEXT: AtomicUsize = AtomicUsize::new(0);
    }
    loom::thread_local! {
        static SLOT: Cell<usize> = Cell::new(usize::MAX);
    }
    SLOT.with(|s| {
        if s.get() == usize::MAX {
            s.set(NEXT.fetch_add(1, Ordering::Relaxed) & (usize::MAX >> 1));
        }
        s.get()
    })
}

#[cfg(all(test, not(sre_loom)))]
mod tests {
    use super::*;

    #[test]
    fn a_thread_keeps_its_slot_and_threads_get_distinct_ones() {
        let a = thread_slot();
        assert_eq!(a, thread_slot());
        let others: Vec<usize> = (0..4)
            .map(|_| std::thread::spawn(thread_slot).join().unwrap())
            .collect();
        let mut all = others.clone();
        all.push(a);
        all.sort_unstable();
        all.dedup();
        assert_eq!(all.len(), 5, "slots {a} {others:?}");
    }

    #[test]
    fn default_is_the_cpu_count_as_a_power_of_two_capped() {
        let n = default_slots();
        let cpus = std::thread::available_parallelism().map_or(1, core::num::NonZero::get);
        assert!(n.is_power_of_two() && n <= MAX_DEFAULT_SLOTS);
        assert_eq!(n, cpus.next_power_of_two().min(8));
        // Any `n` consecutive slots land on distinct copies.
        let s = thread_slot();
        let copies: std::collections::HashSet<usize> = (s..s + n).map(|x| x & (n - 1)).collect();
        assert_eq!(copies.len(), n);
    }
}
