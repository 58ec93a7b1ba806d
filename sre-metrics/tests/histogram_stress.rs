//! Several threads record a known multiset while another takes snapshots and intervals:
//! the intervals add up to exactly what was recorded, none is refused by `delta`, and
//! every cumulative snapshot is a sub-multiset of the final one. Each writer records from
//! a chain of short-lived threads, so slots (and with them owned shards) change hands
//! while the reader reads; with more writers than shards some record into the shared one.

use sre_metrics::histogram::IntervalReader;
use sre_metrics::{Histogram, HistogramConfig, Snapshot};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Barrier};

const WRITERS: usize = 4;
const PER_WRITER: u64 = 100_000;
/// Each writer's values are recorded by this many threads, one after the other.
const GENERATIONS: u64 = 10;

/// Writer `w`'s `i`-th value: spread over six decades, some above the highest (saturated).
fn value(w: usize, i: u64) -> u64 {
    let x = (w as u64 * PER_WRITER + i).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 20;
    if i.is_multiple_of(997) {
        u64::MAX - i
    } else {
        1000 + x % 2_000_000_000
    }
}

#[test]
fn intervals_sum_exactly_to_what_was_recorded() {
    let config = HistogramConfig::new(1, 1_000_000_000, 3).unwrap();
    for shards in [1, 2, 8] {
        let h = Arc::new(Histogram::with_shards(config, shards).unwrap());
        let done = Arc::new(AtomicBool::new(false));
        // The writers start once the reader has its first snapshot.
        let start = Arc::new(Barrier::new(WRITERS + 1));
        let writers: Vec<_> = (0..WRITERS)
            .map(|w| {
                let h = Arc::clone(&h);
                let start = Arc::clone(&start);
                std::thread::spawn(move || {
                    start.wait();
                    let per_thread = PER_WRITER / GENERATIONS;
                    for g in 0..GENERATIONS {
                        let h = Arc::clone(&h);
                        std::thread::spawn(move || {
                            for i in g * per_thread..(g + 1) * per_thread {
                                if i.is_multiple_of(5_000) {
                                    std::thread::yield_now();
                                }
                                match i % 3 {
                                    0 => h.record(value(w, i)),
                                    1 => h.record_n(value(w, i), 1),
                                    _ => h.record_duration(std::time::Duration::from_nanos(value(
                                        w, i,
                                    ))),
                                }
                            }
                        })
                        .join()
                        .unwrap();
                    }
                })
            })
            .collect();
        let reader = {
            let h = Arc::clone(&h);
            let done = Arc::clone(&done);
            let start = Arc::clone(&start);
            std::thread::spawn(move || {
                let mut sum = Snapshot::empty(*h.config());
                let mut intervals = IntervalReader::new(Arc::clone(&h));
                let mut interval_sum = intervals.next_interval();
                let mut last = h.snapshot();
                start.wait();
                sum.merge(&last).unwrap();
                let mut snapshots = 1;
                loop {
                    let finished = done.load(Ordering::Acquire);
                    let now = h.snapshot();
                    let interval = now.delta(&last).expect("counters only grow");
                    sum.merge(&interval).unwrap();
                    last = now;
                    interval_sum.merge(&intervals.next_interval()).unwrap();
                    snapshots += 1;
                    if finished {
                        assert_eq!(intervals.cumulative(), interval_sum);
                        return (sum, interval_sum, last, snapshots);
                    }
                }
            })
        };
        for w in writers {
            w.join().unwrap();
        }
        done.store(true, Ordering::Release);
        let (sum, interval_sum, last, snapshots) = reader.join().unwrap();
        assert!(snapshots > 2, "the reader ran during the writes");

        // The exact model: the same multiset recorded by one thread into one shard.
        let model = Histogram::with_shards(config, 1).unwrap();
        for w in 0..WRITERS {
            for i in 0..PER_WRITER {
                model.record(value(w, i));
            }
        }
        let model = model.snapshot();
        assert_eq!(model.count(), WRITERS as u64 * PER_WRITER);
        assert!(model.saturated() > 0);
        assert_eq!(
            sum, model,
            "{shards} shards: intervals sum to the recorded multiset"
        );
        assert_eq!(
            interval_sum, model,
            "{shards} shards: IntervalReader's intervals sum to the recorded multiset"
        );
        assert_eq!(last, model);
        assert_eq!(h.snapshot(), model);
    }
}
