//! A lock-free, sharded latency histogram with HdrHistogram's bucket layout.
//!
//! ```
//! use sre_metrics::{Histogram, HistogramConfig};
//!
//! let h = Histogram::new(HistogramConfig::new(1, 3_600_000_000_000, 3)?);
//! let start = h.snapshot();
//! for v in 1..=1000 {
//!     h.record(v * 1_000); // 1 µs ..= 1 ms, in nanoseconds
//! }
//! let interval = h.snapshot().delta(&start)?;
//! assert_eq!(interval.count(), 1000);
//! assert_eq!(interval.quantile(0.99)?, 990_207); // 990 µs, to 3 significant digits
//! assert_eq!(interval.count_at_or_below(500_000), 500); // the latency SLI
//! # Ok::<(), sre_metrics::Error>(())
//! ```
//!
//! # How it works
//!
//! A [`Histogram`] is a small array of *shards*; each shard is a full array of
//! `AtomicU64` counters in HdrHistogram's layout ([`HistogramConfig`]). Recording computes
//! the counter index (a leading-zero count, two shifts and an add) and adds to the shard of
//! the calling thread. Each thread holds a *slot* (a small number it takes at its first
//! record, lowest free first, and gives back when it exits; no two live threads hold the
//! same one). A histogram built with `n` shards gives slots `0..n` a shard each, which only
//! that slot's thread writes, so it adds with a plain relaxed load and store: no atomic
//! read-modify-write, no `lock` prefix, no cache line shared with another writer. Threads
//! beyond the first `n` slots add to one more, *shared* shard with a relaxed `fetch_add`
//! (correct under any contention, slower). When a thread exits, its slot and shard pass
//! to the next thread that takes the slot; the hand-over is a release/acquire pair, so
//! the next owner continues from the last count. There is no total counter and no min/max
//! on the record path: a [`Snapshot`] derives them from the counters, exactly as
//! `hdrhistogram` reports them (min and max are bucket-equivalent values there too).
//! Values above the highest trackable value are clamped to it and counted in
//! [`Snapshot::saturated`].
//!
//! [`Histogram::snapshot`] sums the shards into a sparse, cumulative [`Snapshot`]; it never
//! resets the live counters, so any number of readers can take snapshots, and an interval
//! is `later.delta(&earlier)`. A reporting loop reads intervals faster with an
//! [`IntervalReader`] ([`Histogram::intervals`]): it keeps a copy of the counters, and
//! each owned shard carries *clean bits*, one a reader, that its thread clears after
//! every record, so the reader skips every shard nobody recorded into since its last
//! interval and reads the others once. Every counter only grows, so every recorded value
//! appears in exactly one interval of a sequence of snapshots (taken one after the other,
//! e.g. by one thread): no value is lost, none counted twice, and writers never wait for
//! readers (no phaser, no lock). The loom models in `histogram/loom.rs` check this for
//! writers on shards of their own, writers racing on the shared shard, a slot handed from
//! an exited thread to a new one, a reader taking snapshots and intervals meanwhile, and a
//! reader skipping shards still marked clean.
//!
//! **What a snapshot is not: an atomic cut across buckets.** A snapshot reads the counters
//! one at a time while writers go on; a value recorded during the snapshot may or may not
//! be in it, and of two values recorded one after the other during a snapshot, the second
//! may be in it while the first is not. The value is then in the next interval. Totals over
//! consecutive intervals are exact; a single snapshot is exact for everything recorded
//! before it began (happens-before) and for nothing recorded after it ended.
//!
//! # Memory and shards
//!
//! Sizes on 64-bit targets for 1 ns – 1 h at 3 significant digits (they follow from the
//! layout, and the `memory_table` test asserts them):
//!
//! | | counters | bytes |
//! |---|---:|---:|
//! | `hdrhistogram::Histogram<u64>` (counters + 96-byte struct) | 33 792 | 270 432 |
//! | one shard here (counters + saturation count + clean bits + padding to 128-byte units) | 33 421 | 267 520 (0.99×) |
//! | a histogram with 1 shard (+ the shared shard + 120-byte header) | 66 842 | 535 160 |
//! | a histogram with 2 shards (the default on 2 CPUs) | 100 263 | 802 680 |
//! | a histogram with 8 shards (the most by default) | 300 789 | 2 407 800 |
//! | an [`IntervalReader`]'s copy of a 2-shard histogram's counters (shared shard included) | 100 263 | 802 104 |
//!
//! A shard stops at the highest trackable value's counter, where `hdrhistogram` keeps the
//! rest of its last power-of-two bucket. The default shard count is the number of CPUs
//! rounded up to a power of two, at most 8: more recording threads than CPUs cannot all
//! run at once, and each shard costs a full counter array and a full pass in every
//! snapshot (the shared shard is skipped until a thread first writes it). It is the
//! crate's one rule for per-thread copies: an [`SliWindow`](crate::SliWindow) picks its
//! stripe count the same way. Choose another count with [`Histogram::with_shards`].
//!
//! # Cost
//!
//! Recording one value into a shard of its own: the counter index (a leading-zero count,
//! two shifts and an add), one plain load and one plain store of that counter, and one
//! constant store of the shard's clean bits. No read-modify-write, no lock, no
//! allocation, no total or min/max. A thread without a shard does one relaxed
//! `fetch_add` on the shared shard instead. `record_n` and `record_corrected` add one
//! compare of the counter's previous value (see [Limits](crate#limits)).
//!
//! [`Histogram::snapshot`] reads every counter of every readable shard once
//! (O(shards × counters)) and allocates the snapshot. An [`IntervalReader`] reads only
//! the shards written since its last interval, and of those compares each group of 8
//! counters with its copy, taking the changed groups only. Quantiles are binary searches
//! over the non-empty buckets. Measured figures, and the commands that produce them, are
//! in `benches/README.md`.
//!
//! # Agreement with `hdrhistogram`
//!
//! For the same configuration and values (values above the highest trackable one clamped
//! first), [`Snapshot::quantile`] equals `Histogram::value_at_quantile`, and
//! [`Snapshot::min`], [`Snapshot::max`], [`Snapshot::mean`] and [`Snapshot::stdev`] equal
//! `min`, `max`, `mean` and `stdev` (`tests/histogram_hdr.rs` checks it with proptest).
//! Quantiles binary-search the non-empty buckets instead of scanning every counter.
//! [`Snapshot::to_hdrhistogram`] and [`Snapshot::from_hdrhistogram`] convert, for
//! HdrHistogram's V2 serialization and interval logs.

mod config;
mod hdr;
mod interval;
mod layout;
mod shard;
mod snapshot;

#[cfg(all(test, sre_loom))]
mod loom;

pub use config::HistogramConfig;
pub use interval::IntervalReader;
pub use snapshot::{Bucket, Iter, Snapshot};

use snapshot::Builder;

use crate::error::Error;
use crate::thread_slot::{MAX_DEFAULT_SLOTS, current_slot, default_slots};
use core::time::Duration;
use shard::Shards;

/// The most shards [`Histogram::with_shards`] accepts.
pub const MAX_SHARDS: usize = 256;

/// The most shards [`Histogram::new`] picks.
pub const MAX_DEFAULT_SHARDS: usize = MAX_DEFAULT_SLOTS;

/// A concurrent latency histogram: record from any thread through `&self`, read through
/// [`Histogram::snapshot`]. See the [module docs](self).
#[derive(Debug)]
pub struct Histogram {
    config: HistogramConfig,
    shards: Shards,
}

impl Histogram {
    /// A histogram with one shard per CPU (rounded up to a power of two, at most
    /// [`MAX_DEFAULT_SHARDS`]), plus the shared shard.
    #[must_use]
    pub fn new(config: HistogramConfig) -> Self {
        Self::build(config, default_slots())
    }

    /// A histogram with `shards` shards, a power of two from 1 to [`MAX_SHARDS`], for the
    /// threads holding slots `0..shards`, plus the shared shard every other thread adds
    /// to (see the [module docs](self)).
    ///
    /// # Errors
    ///
    /// [`Error::ShardCount`] for any other count.
    pub fn with_shards(config: HistogramConfig, shards: usize) -> Result<Self, Error> {
        if !shards.is_power_of_two() || shards > MAX_SHARDS {
            return Err(Error::ShardCount { shards });
        }
        Ok(Self::build(config, shards))
    }

    fn build(config: HistogramConfig, shards: usize) -> Self {
        let len = config.counters();
        Self {
            config,
            shards: Shards::new(shards, len),
        }
    }

    /// The configuration.
    #[must_use]
    pub fn config(&self) -> &HistogramConfig {
        &self.config
    }

    /// The number of shards threads own (the shared shard not counted).
    #[must_use]
    pub fn shards(&self) -> usize {
        self.shards.owned()
    }

    /// Bytes of memory this histogram holds: its own header plus every shard, the shared
    /// one included.
    #[must_use]
    pub fn memory_bytes(&self) -> usize {
        core::mem::size_of::<Self>()
            + (self.shards.owned() + 1) * Shards::bytes_per_shard(self.config.counters())
    }

    /// Bytes of memory one shard holds for `config`.
    #[must_use]
    pub fn shard_bytes(config: &HistogramConfig) -> usize {
        Shards::bytes_per_shard(config.counters())
    }

    /// Records one value (nanoseconds, by convention). Values above the highest trackable
    /// value are clamped to it and counted as saturated.
    #[inline]
    pub fn record(&self, value: u64) {
        self.record_in(current_slot(), value, 1);
    }

    /// Records a [`Duration`] as nanoseconds (saturating at `u64::MAX`, then clamped).
    #[inline]
    pub fn record_duration(&self, duration: Duration) {
        self.record(sre_core::duration_to_nanos_saturating(duration));
    }

    /// Records `count` occurrences of `value`.
    ///
    /// Counters are `u64`. A bulk add that takes a counter to 2^63 or past marks the
    /// histogram overflowed: every later snapshot says so
    /// ([`Snapshot::is_overflowed`]) and refuses quantiles, rather than answer from
    /// counts that may wrap (see [Limits](crate#limits)).
    #[inline]
    pub fn record_n(&self, value: u64, count: u64) {
        let old = self.record_in(current_slot(), value, count);
        self.shards.check_bulk(old, count);
    }

    /// Adds `count` at `value`'s counter; returns the counter's previous value.
    #[inline(always)]
    fn record_in(&self, slot: usize, value: u64, count: u64) -> u64 {
        if value <= self.config.highest_trackable() {
            self.shards
                .add(slot, self.config.layout().index_of(value), count)
        } else {
            self.record_saturated(slot, count)
        }
    }

    #[cold]
    #[inline(never)]
    fn record_saturated(&self, slot: usize, count: u64) -> u64 {
        self.shards.add_saturated(slot, count);
        self.shards.add(slot, self.config.counters() - 1, count)
    }

    /// Records `value` corrected for coordinated omission, with HdrHistogram's semantics
    /// (`record_correct`): when `value` exceeds the `expected_interval` between samples,
    /// also records `value − I`, `value − 2I`, … down to and including the last one that
    /// is at least `I`. An interval of 0 records `value` alone.
    ///
    /// The synthetic values are counted a bucket at a time (one `fetch_add` per bucket they
    /// touch, computed by division), so the cost is bounded by the number of counters
    /// whatever `value / I` is; the counts are exactly those the value-by-value loop of
    /// `hdrhistogram` produces. Synthetic values above the highest trackable value are
    /// clamped and counted as saturated, like recorded ones.
    pub fn record_corrected(&self, value: u64, expected_interval: u64) {
        let slot = current_slot();
        self.record_in(slot, value, 1);
        let step = expected_interval;
        if step == 0 || value <= step {
            return;
        }
        // The synthetic values are x, x − I, …, down to the last one ≥ I: x / I of them.
        let mut x = value - step;
        let mut remaining = x / step;
        let highest = self.config.highest_trackable();
        let layout = *self.config.layout();
        if remaining > 0 && x > highest {
            // Those above the highest value: x − k·I > highest for k = 0 ..= (x − highest − 1) / I.
            let above = ((x - highest - 1) / step + 1).min(remaining);
            let old = self.record_saturated(slot, above);
            self.shards.check_bulk(old, above);
            remaining -= above;
            x -= above * step; // above·I ≤ x: above ≤ x / I
        }
        while remaining > 0 {
            let index = layout.index_of(x);
            // x, x − I, … ≥ lowest value of x's bucket: (x − lowest) / I + 1 of them.
            let n = ((x - layout.lowest_of_index(index)) / step + 1).min(remaining);
            let old = self.shards.add(slot, index, n);
            self.shards.check_bulk(old, n);
            remaining -= n;
            if remaining == 0 {
                break;
            }
            x -= n * step; // still ≥ I: `remaining` more values follow
        }
    }

    /// A reader of this histogram's intervals, one after another: the fast way to report
    /// every few seconds (see [`IntervalReader`]).
    #[must_use]
    pub fn intervals(&self) -> IntervalReader<&Self> {
        IntervalReader::new(self)
    }

    /// A cumulative snapshot of everything recorded so far. Never resets the counters; an
    /// interval is `later.delta(&earlier)`. Not an atomic cut (see the module docs).
    ///
    /// Reads every counter of every shard once: O(shards × counters), allocating only the
    /// snapshot itself, and never blocks writers. For a sequence of intervals an
    /// [`IntervalReader`] is faster.
    #[must_use]
    pub fn snapshot(&self) -> Snapshot {
        let mut builder = Builder::with_capacity(256);
        let carry = self
            .shards
            .for_each_block_sum(|start, sums| builder.extend_dense(start, sums));
        let mut s = builder.finish(self.config, self.shards.saturated());
        if carry || self.shards.overflowed() {
            s.mark_overflowed();
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> HistogramConfig {
        HistogramConfig::new(1, 1_000_000, 3).unwrap()
    }

    #[test]
    fn histogram_is_send_and_sync() {
        fn check<T: Send + Sync>() {}
        check::<Histogram>();
        check::<Snapshot>();
    }

    #[test]
    fn shard_counts_must_be_powers_of_two_up_to_256() {
        for shards in [0, 3, 6, 512] {
            assert_eq!(
                Histogram::with_shards(config(), shards).unwrap_err(),
                Error::ShardCount { shards }
            );
        }
        for shards in [1, 2, 4, 256] {
            assert_eq!(
                Histogram::with_shards(config(), shards).unwrap().shards(),
                shards
            );
        }
        let default = Histogram::new(config()).shards();
        assert!(default.is_power_of_two() && default <= MAX_DEFAULT_SHARDS);
    }

    #[test]
    fn values_above_the_highest_are_clamped_and_counted() {
        let h = Histogram::new(config());
        h.record(1_000_000);
        h.record(1_000_001);
        h.record_n(u64::MAX, 5);
        h.record_duration(Duration::from_secs(u64::MAX));
        let s = h.snapshot();
        assert_eq!((s.count(), s.saturated()), (8, 7));
        assert_eq!(s.count_at_or_below(999_000), 0);
        assert_eq!(s.iter().count(), 1, "all in the highest value's bucket");
        assert_eq!(s.max(), Some(config().highest_equivalent(1_000_000)));
    }

    #[test]
    fn sum_is_the_sum_of_bucket_middles() {
        let h = Histogram::new(config());
        h.record_n(100, 3); // unit buckets below 2048: the middle is the value
        h.record(4097); // bucket 4096..=4099 (width 4), middle 4096 + 2
        let s = h.snapshot();
        assert_eq!(s.sum(), 300 + 4098);
        assert_eq!(Snapshot::empty(config()).sum(), 0);
    }

    #[test]
    fn durations_are_recorded_as_nanoseconds() {
        let h = Histogram::new(config());
        h.record_duration(Duration::from_micros(7));
        let s = h.snapshot();
        assert_eq!(s.quantile(1.0), Ok(config().highest_equivalent(7000)));
        assert_eq!(s.quantile(0.0), Ok(7000));
    }

    #[test]
    fn snapshots_are_cumulative_and_deltas_are_intervals() {
        let h = Histogram::with_shards(config(), 4).unwrap();
        let s0 = h.snapshot();
        h.record_n(10, 3);
        let s1 = h.snapshot();
        h.record(20);
        h.record(10);
        let s2 = h.snapshot();
        assert_eq!((s0.count(), s1.count(), s2.count()), (0, 3, 5));
        let i = s2.delta(&s1).unwrap();
        assert_eq!(
            i.iter().map(|b| (b.low, b.count)).collect::<Vec<_>>(),
            [(10, 1), (20, 1)]
        );
        assert_eq!(s2.delta(&s0).unwrap(), s2);
        let mut sum = s1.delta(&s0).unwrap();
        sum.merge(&i).unwrap();
        assert_eq!(sum, s2);
    }

    #[test]
    fn delta_refuses_snapshots_in_the_wrong_order_or_of_other_histograms() {
        let h = Histogram::new(config());
        h.record(10);
        let early = h.snapshot();
        h.record(10);
        h.record(3000);
        let late = h.snapshot();
        assert_eq!(
            early.delta(&late).unwrap_err(),
            Error::NotEarlier {
                value: 10,
                later: 1,
                earlier: 2
            }
        );
        let other = Histogram::new(config());
        other.record(500);
        assert_eq!(
            late.delta(&other.snapshot()).unwrap_err(),
            Error::NotEarlier {
                value: 500,
                later: 0,
                earlier: 1
            }
        );
        let coarse = Histogram::new(HistogramConfig::new(1, 1_000_000, 2).unwrap()).snapshot();
        assert!(matches!(
            late.delta(&coarse),
            Err(Error::ConfigMismatch { .. })
        ));
    }

    #[test]
    fn merge_adds_and_refuses_mismatched_configurations() {
        let a = Histogram::new(config());
        let b = Histogram::new(config());
        a.record_n(5, 2);
        b.record_n(5, 1);
        b.record(900_000);
        b.record(2_000_000);
        let mut s = a.snapshot();
        s.merge(&b.snapshot()).unwrap();
        assert_eq!((s.count(), s.saturated()), (5, 1));
        assert_eq!(s.count_at_or_below(5), 3);
        let other = HistogramConfig::new(1, 2_000_000, 3).unwrap();
        let before = s.clone();
        let err = s.merge(&Snapshot::empty(other)).unwrap_err();
        assert_eq!(
            err,
            Error::ConfigMismatch {
                left: Box::new(config()),
                right: Box::new(other)
            }
        );
        assert_eq!(s, before, "unchanged on error");
        assert_eq!(
            err.to_string(),
            "histogram configurations differ (values 1..=1000000 at 3 significant digits vs \
             values 1..=2000000 at 3 significant digits); merge or subtract only snapshots of \
             histograms built with the same configuration"
        );
    }

    #[test]
    #[allow(clippy::float_cmp)] // the error carries the rejected quantile unchanged
    fn bad_quantiles_and_empty_snapshots_get_typed_errors() {
        let h = Histogram::new(config());
        assert_eq!(h.snapshot().quantile(0.5), Err(Error::EmptySnapshot));
        h.record(1);
        let s = h.snapshot();
        for q in [f64::NAN, -0.1, 1.000_001, f64::INFINITY, f64::NEG_INFINITY] {
            match s.quantile(q) {
                Err(Error::Quantile { value }) => assert!(value.is_nan() || value == q),
                other => panic!("{q}: {other:?}"),
            }
        }
        assert!(matches!(
            s.quantiles(&[0.5, f64::NAN]),
            Err(Error::Quantile { .. })
        ));
        assert_eq!(s.quantiles(&[0.0, -0.0, 1.0]), Ok(vec![1, 1, 1]));
        let empty = Snapshot::empty(config());
        assert_eq!(
            (empty.min(), empty.max(), empty.mean(), empty.stdev()),
            (None, None, None, None)
        );
        assert_eq!(empty.count_at_or_below(u64::MAX), 0);
    }

    #[test]
    fn record_corrected_fills_in_the_missing_samples() {
        // HdrHistogram's example: 10 ms expected interval, one 100 ms stall -> 100, 90, ..., 10.
        let h = Histogram::new(config());
        h.record_corrected(100, 10);
        let s = h.snapshot();
        assert_eq!(
            s.iter().map(|b| b.low).collect::<Vec<_>>(),
            (1..=10).map(|k| k * 10).collect::<Vec<_>>()
        );
        // No interval, or a value within it: the value alone.
        h.record_corrected(7, 0);
        h.record_corrected(7, 7);
        assert_eq!(h.snapshot().count(), 12);
    }

    #[test]
    fn record_corrected_is_bounded_for_huge_ratios_and_clamps_synthetic_values() {
        // u64::MAX / 1 synthetic values: counted a bucket at a time, not one by one.
        let h = Histogram::new(config());
        h.record_corrected(u64::MAX, 1);
        let s = h.snapshot();
        assert_eq!(s.count(), u64::MAX); // 1 + (u64::MAX - 1) synthetic values
        // All values from 1 to 1_000_000 once each, the rest clamped.
        let top = config().lowest_equivalent(1_000_000);
        assert_eq!(s.count_at_or_below(top - 1), top - 1);
        assert_eq!(s.saturated(), u64::MAX - 1_000_000);
    }

    #[test]
    fn memory_table() {
        // The numbers in the module docs' table.
        let c = HistogramConfig::new(1, 3_600_000_000_000, 3).unwrap();
        assert_eq!(c.hdrhistogram_counters(), 33_792);
        assert_eq!(c.counters(), 33_421);
        // Counters + the saturation count + the clean bits, rounded up to 128 bytes,
        // + 128 bytes of padding.
        let shard = Histogram::shard_bytes(&c);
        assert_eq!(shard, (33_421_usize + 2).div_ceil(16) * 128 + 128);
        assert_eq!(shard, 267_520);
        let hdr = 33_792 * 8;
        assert!(shard <= hdr, "{shard} > {hdr}");
        let one = Histogram::with_shards(c, 1).unwrap().memory_bytes();
        assert_eq!(
            one,
            core::mem::size_of::<Histogram>() + 2 * shard,
            "owned + shared"
        );
        for (n, bytes) in [(1, 535_160), (2, 802_680), (8, 2_407_800)] {
            assert_eq!(
                Histogram::with_shards(c, n).unwrap().memory_bytes(),
                bytes,
                "{n} shards"
            );
        }
        // An interval reader copies every shard's counters (the shared one's too).
        let two = Histogram::with_shards(c, 2).unwrap();
        let copy =
            two.intervals().memory_bytes() - core::mem::size_of::<IntervalReader<&Histogram>>();
        assert_eq!(copy, 3 * 33_421 * 8);
        assert_eq!(copy, 802_104);
    }
}
