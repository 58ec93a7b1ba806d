//! [`IntervalReader`]: a histogram's intervals one after another, for a reporting loop.

use super::Histogram;
use super::snapshot::{Builder, Snapshot};
use core::ops::Deref;
use sre_core::sync::{AtomicU64, Ordering::Relaxed};

/// Reads a [`Histogram`]'s intervals one after another: each
/// [`next_interval`](IntervalReader::next_interval) returns what was recorded since the
/// previous one (the first: since the histogram was built), and
/// [`cumulative`](IntervalReader::cumulative) the running total through the last one.
///
/// The same result as taking a [`Histogram::snapshot`] each time and subtracting the
/// previous one with [`Snapshot::delta`], in one pass instead of three: the reader keeps
/// the running totals dense, one `u64` per counter (the size of one shard's counters,
/// allocated once), so each interval reads every live counter once, compares it with its
/// running total, and builds a snapshot of the changed buckets only. This is what a loop
/// that reports every few seconds wants; `hdrhistogram`'s `SyncHistogram::refresh` does
/// the same job. Like a snapshot, an interval never blocks writers and is not an atomic
/// cut (see the [module docs](super)); every recorded value is in exactly one interval.
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
    /// The running total of every counter through the last interval.
    totals: Box<[u64]>,
    saturated: u64,
    /// Non-empty buckets of the last interval: the next one's starting capacity.
    hint: usize,
}

impl<H: Deref<Target = Histogram>> IntervalReader<H> {
    /// A reader whose first interval holds everything recorded before it.
    pub fn new(histogram: H) -> Self {
        let len = histogram.config().counters();
        Self {
            histogram,
            totals: vec![0; len].into_boxed_slice(),
            saturated: 0,
            hint: 64,
        }
    }

    /// The histogram read.
    pub fn histogram(&self) -> &Histogram {
        &self.histogram
    }

    /// What was recorded since the previous call (the first call: since the histogram
    /// was built), as a snapshot of the interval.
    pub fn next_interval(&mut self) -> Snapshot {
        let histogram = &*self.histogram;
        let mut builder = Builder::with_capacity(self.hint);
        let totals = &mut self.totals[..];
        let mut shards = histogram.shards.iter();
        // One pass over the counters for the usual one to three readable shards (the
        // owned ones of a 1- or 2-CPU machine, and the shared one once written); blocks
        // through a stack buffer beyond.
        let done = match (shards.next(), shards.next(), shards.next(), shards.next()) {
            (Some(a), None, _, _) => changes([a], totals, &mut builder),
            (Some(a), Some(b), None, _) => changes([a, b], totals, &mut builder),
            (Some(a), Some(b), Some(c), None) => changes([a, b, c], totals, &mut builder),
            _ => false,
        };
        if !done {
            changes_by_block(histogram, totals, &mut builder);
        }
        let saturated = histogram.shards.saturated();
        let interval_saturated = saturated.wrapping_sub(self.saturated);
        self.saturated = saturated;
        let interval = builder.finish(*histogram.config(), interval_saturated);
        self.hint = interval.iter().len().max(64);
        interval
    }

    /// The running total through the last [`next_interval`](Self::next_interval): the
    /// sum of every interval read so far (empty before the first).
    #[must_use]
    pub fn cumulative(&self) -> Snapshot {
        let mut builder = Builder::with_capacity(self.hint);
        builder.extend_dense(0, &self.totals);
        builder.finish(*self.histogram.config(), self.saturated)
    }
}

/// Counters per group of the change scan: one cache line of each shard.
const GROUP: usize = 8;

/// Sums `N` shards counter by counter and records the changes against `totals`; `false`
/// (having done nothing) if a shard is shorter than `totals`, which never happens.
///
/// A [`GROUP`] of counters (one cache line of each shard) at a time: the group's sums go
/// to a small array and are compared with the running totals in one test, so a group in
/// which nothing changed (most of a histogram) costs its loads, a few instructions and
/// one branch; only a changed group is walked counter by counter.
fn changes<const N: usize>(
    shards: [&[AtomicU64]; N],
    totals: &mut [u64],
    builder: &mut Builder,
) -> bool {
    let len = totals.len();
    if shards.iter().any(|s| s.len() < len) {
        return false;
    }
    let mut groups = totals.chunks_exact_mut(GROUP);
    for (g, totals) in (&mut groups).enumerate() {
        let start = g * GROUP;
        let mut sums = [0_u64; GROUP];
        for shard in &shards {
            let counts = shard.get(start..start + GROUP).unwrap_or_default();
            for (sum, c) in sums.iter_mut().zip(counts) {
                *sum = sum.wrapping_add(c.load(Relaxed));
            }
        }
        // One test for the group (no early exit, so the compiler need not branch per
        // counter).
        let diff = sums
            .iter()
            .zip(totals.iter())
            .fold(0, |d, (s, t)| d | (s ^ t));
        if diff != 0 {
            for (k, (&sum, total)) in sums.iter().zip(totals.iter_mut()).enumerate() {
                if sum != *total {
                    builder.push_change(start + k, sum, total);
                }
            }
        }
    }
    let start = len - groups.into_remainder().len();
    for (i, total) in totals.iter_mut().enumerate().skip(start) {
        let sum = shards.iter().fold(0_u64, |sum, s| {
            sum.wrapping_add(s.get(i).map_or(0, |c| c.load(Relaxed)))
        });
        if sum != *total {
            builder.push_change(i, sum, total);
        }
    }
    true
}

/// The general case: sums the shards a block at a time, then records the changes against
/// `totals`.
fn changes_by_block(histogram: &Histogram, totals: &mut [u64], builder: &mut Builder) {
    histogram.shards.for_each_block_sum(|start, sums| {
        let totals = totals
            .get_mut(start..start + sums.len())
            .unwrap_or_default();
        for (k, (&sum, total)) in sums.iter().zip(totals).enumerate() {
            if sum != *total {
                builder.push_change(start + k, sum, total);
            }
        }
    });
}
