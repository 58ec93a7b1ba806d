//! Per-thread slots: which shard, stripe or gauge cell the calling thread writes.
//!
//! Every writer-side structure of this crate spreads its writers over `n` padded copies
//! (a [`Histogram`](crate::Histogram)'s shards, an [`SliWindow`](crate::SliWindow)'s
//! stripes, the in-flight gauge of [`Red`](crate::red::Red)), so two threads recording at
//! once do not bounce one cache line. They all pick their copy by the calling thread's
//! *slot* ([`thread_slot`]): a small number the thread takes at its first record and gives
//! back when it exits.
//!
//! Slots are handed out lowest-free-first from [`OWNED_SLOTS`] numbers, and no two live
//! threads ever hold the same one. That is what lets a histogram give each of its first
//! `n` slots a shard of its own, written with plain loads and stores instead of atomic
//! read-modify-writes (see [`Histogram`](crate::Histogram)). A slot's hand-over is
//! synchronised: the exiting thread releases it (`Release`) after its last write, and the
//! next thread to take it acquires it (`Acquire`), so the new owner sees every count the
//! old one stored. While more than [`OWNED_SLOTS`] threads are alive, the extra ones get
//! slots from [`OWNED_SLOTS`] upwards, round-robin, that own nothing.
//!
//! Structures whose copies are atomic (SLI stripes, gauge cells) write copy
//! `slot & (n - 1)` (`n` a power of two): live threads with slots below `n` write distinct
//! copies; beyond that, threads share, which costs cache traffic, never a count.
//!
//! # How many copies by default
//!
//! One rule for all of them ([`default_slots`]): the number of CPUs the process may use,
//! rounded up to a power of two, at most [`MAX_DEFAULT_SLOTS`] (8). More recording threads
//! than CPUs cannot all run at once, so more copies than CPUs buy little, while every copy
//! costs on the read side: a histogram snapshot sums every shard's full counter array, an
//! SLI query and every minute rotation read every stripe's line. On a 2-CPU machine this
//! is 2. Pick another count with
//! [`Histogram::with_shards`](crate::Histogram::with_shards) or
//! [`SliWindow::with_stripes`](crate::SliWindow::with_stripes).

/// The most copies [`default_slots`] picks.
pub(crate) const MAX_DEFAULT_SLOTS: usize = 8;

/// How many slots can be owned: threads alive beyond this many share slots.
pub(crate) const OWNED_SLOTS: usize = 256;

/// The slot of a thread that has given its slot back (its thread-locals are being
/// destroyed): it owns nothing, and `UNOWNED & (n - 1)` is a valid copy for atomic copies.
#[cfg_attr(sre_loom, allow(dead_code))]
pub(crate) const UNOWNED: usize = usize::MAX;

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

use sre_core::sync::{AtomicU64, AtomicUsize, Ordering};

const WORDS: usize = OWNED_SLOTS / 64;

/// Which owned slots are taken (bit `s % 64` of word `s / 64`), and the round-robin
/// counter for threads beyond them.
pub(crate) struct Registry {
    taken: [AtomicU64; WORDS],
    overflow: AtomicUsize,
}

impl Registry {
    pub(crate) fn new() -> Self {
        Self {
            taken: core::array::from_fn(|_| AtomicU64::new(0)),
            overflow: AtomicUsize::new(0),
        }
    }

    /// Takes the lowest free owned slot, or an unowned one above them.
    pub(crate) fn take(&self) -> usize {
        for (w, word) in self.taken.iter().enumerate() {
            let mut bits = word.load(Ordering::Relaxed);
            while bits != u64::MAX {
                let bit = 1_u64 << (!bits).trailing_zeros();
                // `Acquire`: the slot's previous holder released it after its last write.
                let before = word.fetch_or(bit, Ordering::Acquire);
                if before & bit == 0 {
                    return w * 64 + usize::try_from(bit.trailing_zeros()).unwrap_or(0);
                }
                bits = before | bit;
            }
        }
        let n = self.overflow.fetch_add(1, Ordering::Relaxed) % OWNED_SLOTS;
        OWNED_SLOTS + n
    }

    /// Gives an owned slot back (after the thread's last write through it).
    pub(crate) fn give_back(&self, slot: usize) {
        if let Some(word) = self.taken.get(slot / 64) {
            word.fetch_and(!(1_u64 << (slot % 64)), Ordering::Release);
        }
    }
}

/// A thread's slot before its first record (above every owned slot).
pub(crate) const UNASSIGNED: usize = usize::MAX - 1;

/// Gives the thread's slot back when the thread exits. A separate thread-local from the
/// slot itself, so reading the slot on the record path is one plain thread-local load (a
/// thread-local with a destructor needs a liveness check on every access).
#[cfg(not(sre_loom))]
struct Guard;

#[cfg(not(sre_loom))]
fn registry() -> &'static Registry {
    static REGISTRY: std::sync::OnceLock<Registry> = std::sync::OnceLock::new();
    REGISTRY.get_or_init(Registry::new)
}

#[cfg(not(sre_loom))]
std::thread_local! {
    static SLOT: core::cell::Cell<usize> = const { core::cell::Cell::new(UNASSIGNED) };
    static GUARD: Guard = const { Guard };
}

#[cfg(not(sre_loom))]
impl Drop for Guard {
    fn drop(&mut self) {
        // From now on the thread owns nothing, even if a later destructor records.
        registry().give_back(SLOT.with(|s| s.replace(UNOWNED)));
    }
}

/// This thread's slot as it stands: [`UNASSIGNED`] before the thread's first
/// [`thread_slot`]. For the histogram's record path, which treats an unassigned slot like
/// one that owns nothing and takes a slot off its fast path.
#[cfg(not(sre_loom))]
#[inline(always)]
pub(crate) fn current_slot() -> usize {
    SLOT.with(core::cell::Cell::get)
}

/// This thread's slot: taken from the registry at the thread's first call (the lowest free
/// one), then a thread-local read; given back when the thread exits. [`UNOWNED`] once the
/// thread has begun destroying its thread-locals.
#[cfg(not(sre_loom))]
#[inline(always)]
pub(crate) fn thread_slot() -> usize {
    let slot = SLOT.with(core::cell::Cell::get);
    if slot != UNASSIGNED {
        return slot;
    }
    take_slot()
}

#[cfg(not(sre_loom))]
#[cold]
#[inline(never)]
fn take_slot() -> usize {
    // Register the guard first: a thread that can no longer run destructors must not
    // take a slot it could never give back.
    if GUARD.try_with(|_| ()).is_err() {
        return UNOWNED;
    }
    let slot = registry().take();
    SLOT.with(|s| s.set(slot));
    slot
}

#[cfg(sre_loom)]
loom::lazy_static! {
    static ref REGISTRY: Registry = Registry::new();
}

/// Under loom, a thread-local slot taken from a loom registry and never given back: loom
/// runs thread-local destructors after an execution's statics are gone, so the hand-over
/// is modelled directly on a [`Registry`] instead (`histogram/loom.rs`).
#[cfg(sre_loom)]
struct LoomSlot(core::cell::Cell<usize>);

/// As the real one.
#[cfg(sre_loom)]
pub(crate) fn current_slot() -> usize {
    loom_slot(false)
}

/// Under loom each model thread is a fresh thread with a loom thread-local slot, taken
/// from a loom registry: the same lowest-free scheme as the real one, explored.
#[cfg(sre_loom)]
pub(crate) fn thread_slot() -> usize {
    loom_slot(true)
}

#[cfg(sre_loom)]
fn loom_slot(take: bool) -> usize {
    loom::thread_local! {
        static SLOT: LoomSlot = LoomSlot(core::cell::Cell::new(UNASSIGNED));
    }
    SLOT.with(|s| {
        if take && s.0.get() == UNASSIGNED {
            s.0.set(REGISTRY.take());
        }
        s.0.get()
    })
}

#[cfg(all(test, not(sre_loom)))]
mod tests {
    use super::*;

    #[test]
    fn a_thread_keeps_its_slot_and_live_threads_get_distinct_ones() {
        let a = thread_slot();
        assert_eq!(a, thread_slot());
        let barrier = std::sync::Barrier::new(4);
        let mut all: Vec<usize> = std::thread::scope(|s| {
            let threads: Vec<_> = (0..4)
                .map(|_| {
                    s.spawn(|| {
                        let slot = thread_slot();
                        barrier.wait(); // all four alive at once
                        slot
                    })
                })
                .collect();
            threads.into_iter().map(|t| t.join().unwrap()).collect()
        });
        all.push(a);
        all.sort_unstable();
        all.dedup();
        assert_eq!(all.len(), 5, "slots {all:?}");
        assert!(all.iter().all(|&s| s < OWNED_SLOTS));
    }

    #[test]
    fn slots_are_given_back_when_threads_exit() {
        let registry = Registry::new();
        assert_eq!(
            (registry.take(), registry.take(), registry.take()),
            (0, 1, 2)
        );
        registry.give_back(1);
        assert_eq!(registry.take(), 1, "the lowest free slot");
        for _ in 3..OWNED_SLOTS {
            registry.take();
        }
        // All owned slots taken: the rest are unowned, round-robin above them.
        assert_eq!(registry.take(), OWNED_SLOTS);
        assert_eq!(registry.take(), OWNED_SLOTS + 1);
        registry.give_back(OWNED_SLOTS); // not an owned slot: nothing to give back
        registry.give_back(200);
        assert_eq!(registry.take(), 200);
        // A real thread's slot is free again once it has exited.
        let slot = std::thread::spawn(thread_slot).join().unwrap();
        let again = std::thread::spawn(thread_slot).join().unwrap();
        assert!(slot < OWNED_SLOTS && again < OWNED_SLOTS);
    }

    #[test]
    fn default_is_the_cpu_count_as_a_power_of_two_capped() {
        let n = default_slots();
        let cpus = std::thread::available_parallelism().map_or(1, core::num::NonZero::get);
        assert!(n.is_power_of_two() && n <= MAX_DEFAULT_SLOTS);
        assert_eq!(n, cpus.next_power_of_two().min(8));
    }
}
