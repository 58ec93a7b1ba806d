//! The counters of every shard in one allocation, and how a thread adds to its shard.
//!
//! A histogram with `n` shards has `n + 1` runs of counters in one array: shard `s < n`
//! belongs to the thread holding slot `s` ([`thread_slot`](crate::thread_slot::thread_slot):
//! no two live threads hold the same slot), which adds to it with a plain relaxed load and
//! store, no atomic read-modify-write, no `lock` prefix; shard `n` is shared by every other
//! thread, which adds with `fetch_add`. Readers only ever load. A single writer per owned
//! shard makes the plain add exact; a slot's hand-over from an exiting thread to a new one
//! is a release/acquire pair, so the new owner continues from the old one's last count.
//!
//! Shard `s` is the run `s × stride .. (s + 1) × stride` of one array: its *clean bits*,
//! its `len` counters, its saturation count, then padding. One array rather than a
//! box per shard keeps the record path to one dependent load (the array's address), and
//! lets readers take every shard as plain runs of one slice. The padding leaves at least
//! 128 bytes (two cache lines, the unit of the adjacent-line prefetcher) between one
//! shard's last word and the next one's first, so two shards never share a line.
//!
//! An owned shard's *clean bits* tell each [`IntervalReader`](super::IntervalReader)
//! whether the shard was written since it last read it. A reader holds one bit of the
//! word (up to 64 readers a histogram; see [`Shards::claim_reader`]). After every add the
//! owner stores 0 (release): a constant, so the record path gains one plain store and no
//! load. A reader sets its bit with `fetch_or` (acquire and release) before it reads the
//! shard: found set, nothing was stored since its last read and it skips the shard; found
//! clear, it reads the shard and sees every add before the store it found. The store it
//! did not see yet clears the bit again, so the next read catches up.

use crate::thread_slot::{UNASSIGNED, thread_slot};
use sre_core::sync::{AtomicBool, AtomicU64, Ordering};

/// Clears a shard's clean bits after an add (release: a reader that finds them clear
/// sees the add).
#[cfg(not(sre_loom))]
#[inline(always)]
fn clear(clean: &AtomicU64) {
    clean.store(0, Ordering::Release);
}

/// Under loom, the same clear as an atomic swap. Loom 0.7 lets a plain store fall between
/// the read and the write of another thread's read-modify-write (tokio-rs/loom#254, an
/// open bug), which no C11 execution does, and reports counts lost that cannot be. A swap
/// that writes the same 0 has the same effect here and is modelled correctly.
#[cfg(sre_loom)]
fn clear(clean: &AtomicU64) {
    clean.swap(0, Ordering::Release);
}

/// Words per 128 bytes.
const LINE_PAIR: usize = 128 / core::mem::size_of::<u64>();

/// The counters and saturation counts of `owned + 1` shards of `len` counters.
#[derive(Debug)]
pub(crate) struct Shards {
    /// Shards owned by slots `0..owned`; shard `owned` is shared.
    owned: usize,
    /// Words from one shard's first counter to the next one's.
    stride: usize,
    /// Counters per shard.
    len: usize,
    /// Every shard's words: 1 word of clean bits, `len` counters, 1 saturation count,
    /// padding.
    words: Box<[AtomicU64]>,
    /// Whether any thread has added to the shared shard: until one has, readers skip it.
    shared_used: AtomicBool,
    /// Set (never cleared) when a bulk add took a counter to 2^63 or past (see
    /// [`Shards::flag_overflow`]).
    overflow: AtomicBool,
    /// The reader bits held (see [`Shards::claim_reader`]).
    readers: AtomicU64,
}

impl Shards {
    /// `owned` shards for slots `0..owned` plus one shared shard, of `len` (≥ 1) counters.
    pub(crate) fn new(owned: usize, len: usize) -> Self {
        let stride = Self::stride(len);
        Self {
            owned,
            stride,
            len,
            words: (0..(owned + 1) * stride)
                .map(|_| AtomicU64::new(0))
                .collect(),
            shared_used: AtomicBool::new(false),
            overflow: AtomicBool::new(false),
            readers: AtomicU64::new(0),
        }
    }

    /// A shard's words (clean bits, counters, saturation count) rounded up to whole
    /// 128-byte units, plus one unit of padding.
    fn stride(len: usize) -> usize {
        (len + 2).div_ceil(LINE_PAIR) * LINE_PAIR + LINE_PAIR
    }

    /// The number of owned shards (the shared one not counted).
    pub(crate) fn owned(&self) -> usize {
        self.owned
    }

    /// Adds `n` to counter `index` (below `len`: the layout maps every value, clamped
    /// ones included, below it) for the thread holding slot `slot`: a plain add to the
    /// slot's own shard when it has one, an atomic add to the shared shard otherwise.
    /// Returns the counter's value before the add (the load or `fetch_add` already gives
    /// it; a caller that ignores it pays nothing).
    #[inline(always)]
    pub(crate) fn add(&self, slot: usize, index: usize, n: u64) -> u64 {
        debug_assert!(index < self.len);
        if slot < self.owned {
            // The shard's clean bits first, then its counters.
            let (clean, c) = (
                self.words.get(slot * self.stride),
                self.words.get(slot * self.stride + 1 + index),
            );
            if let (Some(clean), Some(c)) = (clean, c) {
                // The only writer of this shard: no read-modify-write needed. The clean
                // bits are cleared after the count, with release: a reader that sees them
                // clear sees the count.
                let old = c.load(Ordering::Relaxed);
                c.store(old.wrapping_add(n), Ordering::Relaxed);
                clear(clean);
                return old;
            }
            0
        } else {
            self.add_other(slot, index, n)
        }
    }

    /// The add of a thread without a slot yet (it takes one and adds to its own shard if
    /// the slot owns one) or without a shard of its own (an atomic add to the shared one).
    #[inline(never)]
    fn add_other(&self, slot: usize, index: usize, n: u64) -> u64 {
        let slot = if slot == UNASSIGNED {
            thread_slot()
        } else {
            slot
        };
        let index = index.min(self.len.saturating_sub(1));
        if slot < self.owned {
            self.add(slot, index, n)
        } else if let Some(c) = self.words.get(self.owned * self.stride + 1 + index) {
            self.mark_shared_used();
            c.fetch_add(n, Ordering::Relaxed)
        } else {
            0
        }
    }

    /// Flags the counters as possibly wrapped, if a bulk add of `n` to a counter that
    /// held `old` took it to 2^63 or past. From 2^63 a counter is still exact, but only
    /// 2^63 single records (292 years at one a nanosecond) stand between it and a wrap
    /// no reader could see; below it, single records cannot wrap it. So the record path
    /// of one value never checks, and bulk adds (`record_n`, `record_corrected`) do.
    #[inline]
    pub(crate) fn check_bulk(&self, old: u64, n: u64) {
        if old.checked_add(n).is_none_or(|new| new >> 63 != 0) {
            self.overflow.store(true, Ordering::Relaxed);
        }
    }

    /// Whether [`check_bulk`](Self::check_bulk) has flagged a counter.
    pub(crate) fn overflowed(&self) -> bool {
        self.overflow.load(Ordering::Relaxed)
    }

    /// Flags the shared shard as written, before the first add to it. A reader that sees
    /// the flag unset skips the shard and so misses only adds that did not happen before
    /// its read: they are in its next read, like any add racing a snapshot.
    fn mark_shared_used(&self) {
        if !self.shared_used.load(Ordering::Relaxed) {
            self.shared_used.store(true, Ordering::Relaxed);
        }
    }

    /// Counts `n` values clamped to the highest trackable value, for slot `slot` (the
    /// value itself is added with [`Shards::add`]).
    pub(crate) fn add_saturated(&self, slot: usize, n: u64) {
        let slot = if slot == UNASSIGNED {
            thread_slot()
        } else {
            slot
        };
        let owned = slot < self.owned;
        let shard = if owned { slot } else { self.owned };
        if !owned {
            self.mark_shared_used();
        }
        if let Some(c) = self.words.get(shard * self.stride + 1 + self.len) {
            let old = if owned {
                let old = c.load(Ordering::Relaxed);
                c.store(old.wrapping_add(n), Ordering::Relaxed);
                old
            } else {
                c.fetch_add(n, Ordering::Relaxed)
            };
            self.check_bulk(old, n);
        }
    }

    /// How many shards a reader must read: the owned ones, and the shared one if any
    /// thread has written it.
    pub(crate) fn readable(&self) -> usize {
        self.owned + usize::from(self.shared_used.load(Ordering::Relaxed))
    }

    /// Takes a reader bit of the clean-bits words, the lowest free one; `None` when all
    /// 64 are held (that reader then reads every shard every time).
    pub(crate) fn claim_reader(&self) -> Option<u32> {
        let taken = self
            .readers
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |held| {
                (held != u64::MAX).then(|| held | (held + 1))
            })
            .ok()?;
        Some((!taken).trailing_zeros())
    }

    /// Gives a reader bit back.
    pub(crate) fn release_reader(&self, bit: u32) {
        self.readers.fetch_and(!(1_u64 << bit), Ordering::Relaxed);
    }

    /// Whether owned shard `shard` is unchanged since the holder of reader bit `bit` last
    /// called this for it: sets the bit and says whether it was set. A shard found
    /// changed must then be read (its adds before the clearing store are visible).
    /// `false` for the shared shard, which is always read.
    pub(crate) fn clean_since_last_read(&self, shard: usize, bit: u32) -> bool {
        if shard >= self.owned {
            return false;
        }
        let Some(word) = self.words.get(shard * self.stride) else {
            return false;
        };
        let mask = 1_u64 << bit;
        word.fetch_or(mask, Ordering::AcqRel) & mask != 0
    }

    /// The live counters of shard `shard`.
    pub(crate) fn counts(&self, shard: usize) -> &[AtomicU64] {
        let base = shard * self.stride + 1;
        self.words.get(base..base + self.len).unwrap_or_default()
    }

    /// The live counters of every shard a reader must read, in shard order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &[AtomicU64]> + '_ {
        (0..self.readable()).map(|s| self.counts(s))
    }

    /// Sums the readable shards a block of counters at a time into a stack buffer (no
    /// allocation, each shard read sequentially) and hands each block's sums, with the
    /// index of its first counter, to `f`, in counter order. Returns whether a sum
    /// over the shards passed `u64::MAX` (its block then holds the wrapped sum).
    pub(crate) fn for_each_block_sum(&self, mut f: impl FnMut(usize, &[u64])) -> bool {
        let mut carry = false;
        const BLOCK: usize = 256;
        let mut sums = [0_u64; BLOCK];
        let mut start = 0;
        while start < self.len {
            let end = (start + BLOCK).min(self.len);
            let sums = &mut sums[..end - start];
            sums.fill(0);
            for shard in self.iter() {
                let counts = shard.get(start..end).unwrap_or_default();
                for (sum, c) in sums.iter_mut().zip(counts) {
                    let (s, over) = sum.overflowing_add(c.load(Ordering::Relaxed));
                    *sum = s;
                    carry |= over;
                }
            }
            f(start, sums);
            start = end;
        }
        carry
    }

    /// The live saturation count, summed over the shards.
    pub(crate) fn saturated(&self) -> u64 {
        (0..=self.owned).fold(0_u64, |sum, s| {
            let c = self.words.get(s * self.stride + 1 + self.len);
            sum.wrapping_add(c.map_or(0, |c| c.load(Ordering::Relaxed)))
        })
    }

    /// Bytes one shard of `len` counters occupies: its counters, saturation count and
    /// padding.
    pub(crate) fn bytes_per_shard(len: usize) -> usize {
        Self::stride(len) * core::mem::size_of::<AtomicU64>()
    }
}
