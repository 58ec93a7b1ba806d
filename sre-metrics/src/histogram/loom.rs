//! Loom model: two writers and one snapshotting reader. Under every interleaving (up to
//! the preemption bound), every recorded value appears in exactly one interval.
//!
//! `RUSTFLAGS="--cfg sre_loom" CARGO_TARGET_DIR=target/loom cargo test --release -p sre-metrics --lib loom`

use super::{Histogram, HistogramConfig, Snapshot};
use loom::sync::Arc;
use loom::thread;

fn model(shards: usize) {
    let mut builder = loom::model::Builder::new();
    builder.preemption_bound = Some(2);
    builder.check(move || {
        // The smallest layout: values 0..=2 in 3 counters; 3 is clamped to 2.
        let config = HistogramConfig::new(1, 2, 1).unwrap();
        let h = Arc::new(Histogram::with_shards(config, shards).unwrap());
        // Both writers hit the counter of 1, the last counter and the saturation count,
        // so with one shard they race on the same atomics.
        let writer = |big: u64| {
            let h = Arc::clone(&h);
            thread::spawn(move || {
                h.record(1);
                h.record(big); // clamped to 2: saturated
            })
        };
        let a = writer(3);
        let b = writer(4);
        let start = Snapshot::empty(config);
        let s1 = h.snapshot();
        let s2 = h.snapshot();
        a.join().unwrap();
        b.join().unwrap();
        let end = h.snapshot();

        let mut sum = s1.delta(&start).expect("counters only grow");
        sum.merge(&s2.delta(&s1).expect("counters only grow"))
            .unwrap();
        sum.merge(&end.delta(&s2).expect("counters only grow"))
            .unwrap();

        assert_eq!(sum, end);
        assert_eq!((end.count(), end.saturated()), (4, 2));
        assert_eq!(end.count_at_or_below(1), 2);
    });
}

#[test]
fn loom_two_writers_on_their_own_shards_and_a_reader() {
    model(2);
}

#[test]
fn loom_two_writers_sharing_a_shard_and_a_reader() {
    model(1);
}
