//! Which stripe of a route's counters the calling thread writes.
//!
//! Each thread takes a number at its first record (round-robin from a process-wide
//! counter, never given back) and writes stripe `number & (stripes − 1)`: live threads
//! up to the stripe count mostly write distinct cache lines; beyond that they share,
//! which costs cache traffic, never a count.

use sre_core::sync::{AtomicUsize, Ordering};

static NEXT: AtomicUsize = AtomicUsize::new(0);

std::thread_local! {
    static SLOT: usize = NEXT.fetch_add(1, Ordering::Relaxed);
}

/// This thread's number.
#[inline]
pub(crate) fn thread_slot() -> usize {
    SLOT.try_with(|s| *s).unwrap_or(0)
}

/// Stripes per route: the CPUs this process may use, rounded up to a power of two, at
/// most 8 (the rule `sre-metrics` uses for its shards and stripes).
pub(crate) fn default_stripes() -> usize {
    std::thread::available_parallelism()
        .map_or(1, core::num::NonZero::get)
        .next_power_of_two()
        .min(8)
}
