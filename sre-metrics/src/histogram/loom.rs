//! Loom models: writers and a reader taking snapshots and intervals. Under every
//! interleaving (up to the preemption bound), every recorded value appears in exactly one
//! interval, whether writers add to shards of their own (plain loads and stores), to the
//! shared shard (atomic adds), or to a shard whose slot an exited thread handed over, and
//! when the reader skips shards still marked clean.
//!
//! In the clean-bits models the reader runs on a thread of its own: with the model's main
//! thread as the reader, loom 0.7 explored a single execution of such a model (the
//! writers after the reader). With the reader on a spawned thread it explores both
//! orders, and it finds the lost count when the bits are cleared before the count is
//! stored, or without release and acquire.
//!
//! `RUSTFLAGS="--cfg sre_loom" CARGO_TARGET_DIR=target/loom cargo test --release -p sre-metrics --lib loom`

use super::{Histogram, HistogramConfig, IntervalReader, Snapshot};
use crate::thread_slot::Registry;
use loom::sync::Arc;
use loom::thread;

/// The smallest layout: values 0..=2 in 3 counters; 3 is clamped to 2.
fn config() -> HistogramConfig {
    HistogramConfig::new(1, 2, 1).unwrap()
}

/// `shards` owned shards; with `reader_owns_one`, the reader records a 0 first, taking
/// slot 0, so with one shard both writers add to the shared shard and race on its atomics.
fn model(shards: usize, reader_owns_one: bool) {
    let mut builder = loom::model::Builder::new();
    builder.preemption_bound = Some(2);
    builder.check(move || {
        let h = Arc::new(Histogram::with_shards(config(), shards).unwrap());
        let zero = u64::from(reader_owns_one);
        if reader_owns_one {
            h.record(0);
        }
        // Both writers hit the counter of 1, the last counter and the saturation count.
        // With one owned shard, the second writer to take a slot adds to the shared one.
        let writer = |big: u64| {
            let h = Arc::clone(&h);
            thread::spawn(move || {
                h.record(1);
                h.record(big); // clamped to 2: saturated
            })
        };
        let a = writer(3);
        let b = writer(4);
        let mut reader = IntervalReader::new(Arc::clone(&h));
        let start = Snapshot::empty(config());
        let s1 = h.snapshot();
        let i1 = reader.next_interval();
        let s2 = h.snapshot();
        a.join().unwrap();
        b.join().unwrap();
        let end = h.snapshot();
        let i2 = reader.next_interval();

        let mut sum = s1.delta(&start).expect("counters only grow");
        sum.merge(&s2.delta(&s1).expect("counters only grow"))
            .unwrap();
        sum.merge(&end.delta(&s2).expect("counters only grow"))
            .unwrap();
        assert_eq!(sum, end);
        assert_eq!((end.count(), end.saturated()), (4 + zero, 2));
        assert_eq!(end.count_at_or_below(1), 2 + zero);

        let mut intervals = i1;
        intervals.merge(&i2).unwrap();
        assert_eq!(intervals, end);
        assert_eq!(reader.cumulative(), end);
    });
}

#[test]
fn loom_two_writers_on_their_own_shards_and_a_reader() {
    model(2, false);
}

#[test]
fn loom_two_writers_sharing_the_shared_shard_and_a_reader() {
    model(1, true);
}

#[test]
fn loom_two_writers_one_owned_one_shared_shard_and_a_reader() {
    model(1, false);
}

/// The clean bits: a reader skips a shard whose bit is still set since its last
/// interval, so a cleared bit must never be seen ahead of the count it stands for. One
/// writer records twice on its own shard while a reader thread takes an interval; once
/// both are joined, a second interval must hold everything the first did not. (Were the
/// bits cleared before the count is stored, or without release and acquire, the first
/// interval could see them cleared and still read an old count, set its bit, and the
/// second would skip the shard and lose the count.)
#[test]
fn loom_a_reader_skipping_unchanged_shards_loses_nothing() {
    clean_bits_model(1, 3);
}

/// As above with two writers on two shards: the reader may skip either, both or none.
#[test]
fn loom_a_reader_skipping_one_of_two_changed_shards_loses_nothing() {
    clean_bits_model(2, 2);
}

/// `writers` threads record a 0 and a 1 each on shards of their own, while a reader
/// thread takes an interval; with everything joined, a second interval holds the rest.
fn clean_bits_model(writers: usize, preemptions: usize) {
    let mut builder = loom::model::Builder::new();
    builder.preemption_bound = Some(preemptions);
    builder.check(move || {
        let h = Arc::new(Histogram::with_shards(config(), writers).unwrap());
        let writers: Vec<_> = (0..writers)
            .map(|_| {
                let h = Arc::clone(&h);
                thread::spawn(move || {
                    h.record(0);
                    h.record(1);
                })
            })
            .collect();
        let reader = {
            let h = Arc::clone(&h);
            thread::spawn(move || {
                let mut reader = IntervalReader::new(h);
                let first = reader.next_interval();
                (reader, first)
            })
        };
        let n = u64::try_from(writers.len()).unwrap();
        for writer in writers {
            writer.join().unwrap();
        }
        let (mut reader, mut all) = reader.join().unwrap();
        all.merge(&reader.next_interval()).unwrap();
        assert_eq!((all.count(), all.count_at_or_below(0)), (2 * n, n));
        assert_eq!(all, h.snapshot());
        assert!(reader.next_interval().is_empty());
    });
}

/// A writer gives its slot back while another takes one: the next may take the first
/// one's slot, and with it the shard the first wrote with plain stores. Its adds continue
/// from the first one's counts (the slot's release/acquire hand-over), so nothing is lost.
/// The registry is driven directly, as a thread's first record and its exit do.
#[test]
fn loom_a_slot_handed_over_between_threads_loses_nothing() {
    let mut builder = loom::model::Builder::new();
    builder.preemption_bound = Some(2);
    builder.check(|| {
        let registry = Arc::new(Registry::new());
        let h = Arc::new(Histogram::with_shards(config(), 1).unwrap());
        let writer = || {
            let (h, registry) = (Arc::clone(&h), Arc::clone(&registry));
            thread::spawn(move || {
                let slot = registry.take();
                h.record_in(slot, 1, 1);
                registry.give_back(slot);
            })
        };
        let first = writer();
        let second = writer();
        let mut reader = IntervalReader::new(Arc::clone(&h));
        let early = reader.next_interval();
        first.join().unwrap();
        // Takes the first writer's slot (and its owned shard) unless the second has.
        let third = writer();
        second.join().unwrap();
        third.join().unwrap();
        let mut all = early;
        all.merge(&reader.next_interval()).unwrap();
        assert_eq!(all.count_at_or_below(1), 3);
        assert_eq!(h.snapshot(), all);
    });
}
