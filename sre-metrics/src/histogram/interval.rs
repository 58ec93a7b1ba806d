//! [`IntervalReader`]: a histogram's intervals one after another, for a reporting loop.

use super::snapshot::{Builder, Snapshot};
use super::{Histogram, HistogramConfig};
use core::ops::Deref;
use sre_core::sync::{AtomicU64, Ordering::Relaxed};

/// Reads a [`Histogram`]'s intervals one after another: each
/// [`next_interval`](IntervalReader::next_interval) returns what was recorded since the
/// previous one (the first: since the histogram was built), and
/// [`cumulative`](IntervalReader::cumulative) the running total through the last one.
///
/// The same result as taking a [`Histogram::snapshot`] each time and subtracting the
/// previous one with [`Snapshot::delta`], at a fraction of the cost:
///
/// - The reader keeps a copy of every shard's counters as of its last interval (as much
///   memory as the histogram's counters, allocated once by [`IntervalReader::new`]) and
///   one bit of every owned shard's *clean bits*, which the shard's thread clears after
///   every record (one plain store of a constant) and the reader sets when it reads.
/// - A shard whose bit is still set at the next interval was not written since, and is
///   not read at all: an idle thread's shard, or every shard of an idle histogram, costs
///   one atomic `or`. Up to 64 readers of a histogram have a bit each; any more read every
///   shard every time (the same results, at the cost of a full pass).
/// - A shard that has moved is read once against the copy, a cache line of counters (8)
///   with one test, and only the counters that changed go into the interval, written
///   without a branch per counter.
///
/// `hdrhistogram`'s `SyncHistogram::refresh` does the same job. Like a snapshot, an
/// interval never blocks writers and is not an atomic cut (see the [module docs](super)).
/// Every recorded value is in exactly one interval, and a value recorded before the call
/// (in happens-before order) is in this interval or an earlier one.
///
/// The reader holds anything that dereferences to the histogram: a `&Histogram`
/// ([`Histogram::intervals`]) or an `Arc<Histogram>` shared with the recording threads.
///
/// ```
/// use sre_metrics::{Histogram, HistogramConfig};
/// use sre_metrics::histogram::IntervalReader;
/// use std::sync::Arc;
///
/// let h = Arc::new(Histogram::new(HistogramConfig::new(1, 60_000_000_000, 3)?));
/// let mut reader = IntervalReader::new(Arc::clone(&h));
/// h.record(1_000);
/// h.record(2_000);
/// assert_eq!(reader.next_interval().count(), 2);
/// h.record(5_000);
/// let second = reader.next_interval();
/// assert_eq!((second.count(), second.min()), (1, Some(5_000)));
/// assert_eq!(reader.cumulative().count(), 3);
/// assert!(reader.next_interval().is_empty());
/// # Ok::<(), sre_metrics::Error>(())
/// ```
#[derive(Debug)]
pub struct IntervalReader<H: Deref<Target = Histogram>> {
    histogram: H,
    /// Counters per shard.
    len: usize,
    /// Every shard's counters (the owned ones, then the shared one) as of the last
    /// interval, `len` apiece.
    seen: Box<[u64]>,
    /// This reader's bit of the shards' clean bits (`None`: every shard is read).
    bit: Option<u32>,
    /// Whether an interval was read: the first reads every shard.
    started: bool,
    saturated: u64,
    /// Non-empty buckets of the last interval: the next one's starting capacity.
    hint: usize,
}

impl<H: Deref<Target = Histogram>> IntervalReader<H> {
    /// A reader whose first interval holds everything recorded before it.
    pub fn new(histogram: H) -> Self {
        let len = histogram.config().counters();
        let owned = histogram.shards.owned();
        Self {
            len,
            seen: vec![0; len * (owned + 1)].into_boxed_slice(),
            bit: histogram.shards.claim_reader(),
            started: false,
            histogram,
            saturated: 0,
            hint: 64,
        }
    }

    /// The histogram read.
    pub fn histogram(&self) -> &Histogram {
        &self.histogram
    }

    /// Bytes of memory this reader holds: its copy of every shard's counters (the shared
    /// shard's included) and itself.
    #[must_use]
    pub fn memory_bytes(&self) -> usize {
        core::mem::size_of::<Self>() + core::mem::size_of_val(&*self.seen)
    }

    /// What was recorded since the previous call (the first call: since the histogram
    /// was built), as a snapshot of the interval.
    pub fn next_interval(&mut self) -> Snapshot {
        let histogram = &*self.histogram;
        let shards = &histogram.shards;
        let readable = shards.readable();
        let (bit, started) = (self.bit, self.started);
        self.started = true;
        // The shards to read: those written since this reader's last interval (their
        // clean bits tested before their counters are read), the shared one whenever any
        // thread has written it, every readable one the first time.
        let mut changed = self
            .seen
            .chunks_exact_mut(self.len)
            .enumerate()
            .filter(|&(s, _)| {
                // Test (and set) the bit even the first time, so the next call can skip.
                let clean = bit.is_some_and(|bit| shards.clean_since_last_read(s, bit));
                s < readable && !(started && clean)
            })
            .map(|(s, seen)| (shards.counts(s), seen));
        let mut found = Changes::with_capacity(self.hint);
        // The usual one to three shards in one pass; blocks through a stack buffer beyond.
        match (
            changed.next(),
            changed.next(),
            changed.next(),
            changed.next(),
        ) {
            (None, ..) => {}
            (Some(a), None, ..) => changes([a], &mut found),
            (Some(a), Some(b), None, _) => changes([a, b], &mut found),
            (Some(a), Some(b), Some(c), None) => changes([a, b, c], &mut found),
            (Some(a), Some(b), Some(c), Some(d)) => {
                let mut all = vec![a, b, c, d];
                all.extend(changed);
                changes_by_block(&mut all, &mut found);
            }
        }
        let saturated = shards.saturated();
        let interval_saturated = saturated.wrapping_sub(self.saturated);
        self.saturated = saturated;
        let mut interval = found.finish(*histogram.config(), interval_saturated);
        if shards.overflowed() {
            interval.mark_overflowed();
        }
        self.hint = interval.iter().len().max(64);
        interval
    }

    /// The running total through the last [`next_interval`](Self::next_interval): the
    /// sum of every interval read so far (empty before the first).
    #[must_use]
    pub fn cumulative(&self) -> Snapshot {
        let mut builder = Builder::with_capacity(self.hint);
        let mut carry = self.histogram.shards.overflowed();
        let mut sums = [0_u64; BLOCK];
        for start in (0..self.len).step_by(BLOCK) {
            let end = (start + BLOCK).min(self.len);
            let sums = &mut sums[..end - start];
            sums.fill(0);
            for seen in self.seen.chunks_exact(self.len) {
                let seen = seen.get(start..end).unwrap_or_default();
                for (sum, &c) in sums.iter_mut().zip(seen) {
                    let (s, over) = sum.overflowing_add(c);
                    *sum = s;
                    carry |= over;
                }
            }
            builder.extend_dense(start, sums);
        }
        let mut s = builder.finish(*self.histogram.config(), self.saturated);
        if carry {
            s.mark_overflowed();
        }
        s
    }
}

impl<H: Deref<Target = Histogram>> Drop for IntervalReader<H> {
    /// Gives the reader's bit of the clean bits back, for the next reader.
    fn drop(&mut self) {
        if let Some(bit) = self.bit {
            self.histogram.shards.release_reader(bit);
        }
    }
}

/// A shard to read: its live counters, and the reader's copy of them as of the last
/// interval.
type Pair<'a> = (&'a [AtomicU64], &'a mut [u64]);

/// Counters per group of the change scan: one cache line of each shard.
const GROUP: usize = 8;

/// Counters per block of the general case's stack buffer.
const BLOCK: usize = 256;

/// Reads `N` shards against the reader's copies, a [`GROUP`] of counters (one cache
/// line of each) at a time, and appends to `found` the counters whose sum over the shards
/// moved, by how much; the copies take the new counts.
///
/// A group in which nothing changed (most of a histogram) costs its loads, a few
/// instructions and one branch ([`moved`]); only a changed group is taken
/// ([`take_group`]).
#[inline(never)]
fn changes<const N: usize>(shards: [Pair<'_>; N], found: &mut Changes) {
    let len = shards
        .iter()
        .map(|(live, seen)| live.len().min(seen.len()))
        .min()
        .unwrap_or(0);
    let live = shards
        .each_ref()
        .map(|(live, _)| live.get(..len).unwrap_or_default().as_chunks::<GROUP>());
    let mut seen = shards.map(|(_, seen)| {
        seen.get_mut(..len)
            .unwrap_or_default()
            .as_chunks_mut::<GROUP>()
    });
    let groups = len / GROUP;
    for g in 0..groups {
        if moved(&live, &seen, g) {
            take_group(&live, &mut seen, g, found);
        }
    }
    // The last few counters, fewer than a group.
    for (k, i) in (groups * GROUP..len).enumerate() {
        let mut count = 0_u64;
        for ((_, live), (_, seen)) in live.iter().zip(seen.iter_mut()) {
            if let (Some(c), Some(was)) = (live.get(k), seen.get_mut(k)) {
                let now = c.load(Relaxed);
                let (sum, over) = count.overflowing_add(now.wrapping_sub(*was));
                count = sum;
                found.carry |= over;
                *was = now;
            }
        }
        found.push(i, count);
    }
}

/// A shard's counters in groups, and the few left over.
type Groups<'a> = (&'a [[AtomicU64; GROUP]], &'a [AtomicU64]);

/// The reader's copy of a shard's counters in groups, and the few left over.
type SeenGroups<'a> = (&'a mut [[u64; GROUP]], &'a mut [u64]);

/// Whether any counter of group `g` differs from the reader's copy: the loads and one
/// test for the group (no early exit, so no branch per counter). Nothing else, so the
/// loop over unchanged groups stays a handful of instructions.
#[inline(always)]
fn moved<const N: usize>(live: &[Groups<'_>; N], seen: &[SeenGroups<'_>; N], g: usize) -> bool {
    let mut diff = 0;
    for ((live, _), (seen, _)) in live.iter().zip(seen) {
        if let (Some(live), Some(seen)) = (live.get(g), seen.get(g)) {
            diff = live
                .iter()
                .zip(seen)
                .fold(diff, |d, (c, &s)| d | (c.load(Relaxed) ^ s));
        }
    }
    // Through `black_box` so that the compiler keeps the one test: without it, it splits
    // the test into a compare and branch per counter, which needs every load hoisted and
    // spills them.
    core::hint::black_box(diff) != 0
}

/// Takes group `g` into the interval: reads its counters again (the line is in cache
/// now; a count newer than the one [`moved`] saw is just as right), appends the changes
/// summed over the shards, and updates the copies.
#[inline(never)]
fn take_group<const N: usize>(
    live: &[Groups<'_>; N],
    seen: &mut [SeenGroups<'_>; N],
    g: usize,
    found: &mut Changes,
) {
    let mut counts = [0_u64; GROUP];
    let mut carry = false;
    for ((live, _), (seen, _)) in live.iter().zip(seen.iter_mut()) {
        if let (Some(live), Some(seen)) = (live.get(g), seen.get_mut(g)) {
            for ((count, c), was) in counts.iter_mut().zip(live).zip(seen) {
                let now = c.load(Relaxed);
                let (sum, over) = count.overflowing_add(now.wrapping_sub(*was));
                *count = sum;
                carry |= over;
                *was = now;
            }
        }
    }
    found.carry |= carry;
    found.group(g * GROUP, &counts);
}

/// The general case: sums the shards' changes a block at a time into a stack buffer,
/// then appends the counters that moved.
fn changes_by_block(shards: &mut [Pair<'_>], found: &mut Changes) {
    let len = shards
        .iter()
        .map(|(counts, seen)| counts.len().min(seen.len()))
        .min()
        .unwrap_or(0);
    let mut counts = [0_u64; BLOCK];
    for start in (0..len).step_by(BLOCK) {
        let end = (start + BLOCK).min(len);
        let counts = &mut counts[..end - start];
        counts.fill(0);
        for (live, seen) in shards.iter_mut() {
            let live = live.get(start..end).unwrap_or_default();
            let seen = seen.get_mut(start..end).unwrap_or_default();
            for ((count, c), was) in counts.iter_mut().zip(live).zip(seen) {
                let now = c.load(Relaxed);
                let (sum, over) = count.overflowing_add(now.wrapping_sub(*was));
                *count = sum;
                found.carry |= over;
                *was = now;
            }
        }
        let mut groups = counts.chunks_exact(GROUP);
        for (g, group) in (&mut groups).enumerate() {
            if let Ok(group) = <&[u64; GROUP]>::try_from(group) {
                found.group(start + g * GROUP, group);
            }
        }
        let rest = groups.remainder();
        for (k, &count) in rest.iter().enumerate() {
            found.push(end - rest.len() + k, count);
        }
    }
}

/// An interval's non-empty buckets as the scan finds them: ascending counter indices and
/// running totals, written a group at a time without a branch per counter.
///
/// The two vectors are zero-filled past `len` (at least a group's worth), so a group is
/// written in place: each counter's entry goes to the next free slot, and the slot
/// advances only if the count is not zero.
struct Changes {
    indices: Vec<u32>,
    cumulative: Vec<u64>,
    /// Entries written.
    len: usize,
    total: u64,
    /// A counter's change summed over the shards passed `u64::MAX`.
    carry: bool,
}

impl Changes {
    fn with_capacity(n: usize) -> Self {
        let n = n.max(GROUP);
        Self {
            indices: vec![0; n],
            cumulative: vec![0; n],
            len: 0,
            total: 0,
            carry: false,
        }
    }

    /// Room for at least `n` more entries.
    #[inline]
    fn reserve(&mut self, n: usize) {
        if self.indices.len() - self.len < n {
            self.grow(n);
        }
    }

    #[cold]
    #[inline(never)]
    fn grow(&mut self, n: usize) {
        let size = (self.indices.len() * 2).max(self.len + n);
        self.indices.resize(size, 0);
        self.cumulative.resize(size, 0);
    }

    /// Appends the non-zero `counts` of counters `start ..= start + 7` (above every index
    /// appended so far).
    #[inline(always)]
    fn group(&mut self, start: usize, counts: &[u64; GROUP]) {
        self.reserve(GROUP);
        let at = self.len;
        let (Some(indices), Some(cumulative)) = (
            self.indices.get_mut(at..at + GROUP),
            self.cumulative.get_mut(at..at + GROUP),
        ) else {
            return;
        };
        // Counter indices are below (64 + 1) × 2^17: they fit in u32.
        let first = u32::try_from(start).unwrap_or(u32::MAX);
        let mut total = self.total;
        let mut m = 0;
        for (index, &count) in (first..).zip(counts) {
            total = total.wrapping_add(count);
            // `m` ≤ the position in the group, < GROUP: the mask only tells the compiler.
            indices[m % GROUP] = index;
            cumulative[m % GROUP] = total;
            m += usize::from(count != 0);
        }
        self.total = total;
        self.len = at + m;
    }

    /// Appends `count` of counter `index` (above every index appended so far) unless it
    /// is zero.
    fn push(&mut self, index: usize, count: u64) {
        if count == 0 {
            return;
        }
        self.reserve(1);
        self.total = self.total.wrapping_add(count);
        if let (Some(i), Some(c)) = (
            self.indices.get_mut(self.len),
            self.cumulative.get_mut(self.len),
        ) {
            *i = u32::try_from(index).unwrap_or(u32::MAX);
            *c = self.total;
            self.len += 1;
        }
    }

    /// The entries as the interval's snapshot.
    fn finish(mut self, config: HistogramConfig, saturated: u64) -> Snapshot {
        self.indices.truncate(self.len);
        self.cumulative.truncate(self.len);
        let mut s = Snapshot::from_parts(config, self.indices, self.cumulative, saturated);
        if self.carry {
            s.mark_overflowed();
        }
        s
    }
}
