//! Properties of snapshot arithmetic, against snapshots built directly from the
//! multisets involved: `(A + B).delta(A) == B`, `A.merge(B) == A + B`, and `delta`
//! refuses a pair that is not earlier/later; an `IntervalReader`'s intervals are the
//! multisets recorded between its reads.

use proptest::prelude::*;
use sre_metrics::histogram::IntervalReader;
use sre_metrics::{Error, Histogram, HistogramConfig, Snapshot};

fn config() -> HistogramConfig {
    HistogramConfig::new(1, 10_000_000, 2).unwrap()
}

fn snapshot_of(values: &[u64]) -> Snapshot {
    let h = Histogram::with_shards(config(), 1).unwrap();
    for &v in values {
        h.record(v);
    }
    h.snapshot()
}

fn values() -> impl Strategy<Value = Vec<u64>> {
    // Log-uniform up to 2^25 (> the highest, so some saturate).
    prop::collection::vec(
        (0_u32..25, any::<u64>()).prop_map(|(b, x)| x % (2_u64 << b)),
        0..200,
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn delta_and_merge_are_multiset_difference_and_sum(a in values(), b in values()) {
        let (sa, sb) = (snapshot_of(&a), snapshot_of(&b));
        let both: Vec<u64> = a.iter().chain(&b).copied().collect();
        let sab = snapshot_of(&both);
        prop_assert_eq!(sab.delta(&sa).unwrap(), sb.clone());
        prop_assert_eq!(sab.delta(&sab).unwrap(), Snapshot::empty(config()));
        let mut merged = sa.clone();
        merged.merge(&sb).unwrap();
        prop_assert_eq!(&merged, &sab);
        prop_assert_eq!(merged.count(), both.len() as u64);
        prop_assert_eq!(merged.saturated(), both.iter().filter(|&&v| v > 10_000_000).count() as u64);
        // A later snapshot never is "earlier" unless nothing happened in between.
        if !b.is_empty() {
            let refused = matches!(sa.delta(&sab), Err(Error::NotEarlier { .. }));
            prop_assert!(refused);
        }
    }

    #[test]
    fn iteration_and_counts_agree(a in values()) {
        let s = snapshot_of(&a);
        let mut running = 0;
        for bucket in &s {
            prop_assert!(bucket.count > 0 && bucket.low <= bucket.high);
            running += bucket.count;
            prop_assert_eq!(s.count_at_or_below(bucket.high), running);
            prop_assert_eq!(s.count_at_or_below(bucket.low), running);
        }
        prop_assert_eq!(running, s.count());
        prop_assert_eq!(s.iter().len(), s.iter().count());
    }

    #[test]
    fn intervals_are_the_batches_recorded_between_reads(
        batches in prop::collection::vec(values(), 1..6),
        shards in prop::sample::select(vec![1_usize, 2, 4]),
    ) {
        let h = Histogram::with_shards(config(), shards).unwrap();
        let mut reader = IntervalReader::new(&h);
        let mut all = Vec::new();
        for batch in &batches {
            // Some batches from another thread: another slot, maybe the shared shard.
            if batch.len() % 2 == 1 {
                std::thread::scope(|s| {
                    s.spawn(|| batch.iter().for_each(|&v| h.record(v)));
                });
            } else {
                batch.iter().for_each(|&v| h.record(v));
            }
            prop_assert_eq!(reader.next_interval(), snapshot_of(batch));
            all.extend_from_slice(batch);
            prop_assert_eq!(reader.cumulative(), snapshot_of(&all));
        }
        prop_assert!(reader.next_interval().is_empty());
        prop_assert_eq!(h.snapshot(), snapshot_of(&all));
    }

    /// Several threads, alive at once (so each holds its own slot), record a batch each
    /// between two reads: one to several shards changed in one interval, owned and shared
    /// (the reader's one-pass cases for one, two and three shards and its block-wise case
    /// beyond), and shards left unchanged by some rounds.
    #[test]
    fn intervals_are_exact_when_several_shards_change_at_once(
        rounds in prop::collection::vec(prop::collection::vec(values(), 0..7), 1..5),
        shards in prop::sample::select(vec![1_usize, 2, 4, 8]),
    ) {
        let h = Histogram::with_shards(config(), shards).unwrap();
        let mut reader = IntervalReader::new(&h);
        let mut all = Vec::new();
        for batches in &rounds {
            let together = std::sync::Barrier::new(batches.len());
            std::thread::scope(|s| {
                for batch in batches {
                    let (h, together) = (&h, &together);
                    s.spawn(move || {
                        together.wait();
                        batch.iter().for_each(|&v| h.record(v));
                        together.wait();
                    });
                }
            });
            let round: Vec<u64> = batches.iter().flatten().copied().collect();
            prop_assert_eq!(reader.next_interval(), snapshot_of(&round));
            all.extend_from_slice(&round);
            prop_assert_eq!(reader.cumulative(), snapshot_of(&all));
        }
        prop_assert!(reader.next_interval().is_empty());
        prop_assert_eq!(h.snapshot(), snapshot_of(&all));
    }
}
