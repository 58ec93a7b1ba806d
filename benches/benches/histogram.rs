//! `histogram_*`: `sre-metrics`' histogram beside `hdrhistogram` and a bare atomic add.
//!
//! Every group uses the same 1M pre-generated log-normal latencies in [1 µs, 10 s]
//! (median 1 ms, σ = 2 in log space, seeded) and the range 1 ns – 1 h at 3 significant
//! digits.
//!
//! - `histogram_record/*`: record all 1M values. `sre` (`Histogram::record`, `&self`,
//!   lock-free); `hdrhistogram` (`Histogram<u64>::record`, `&mut self`, single-threaded);
//!   `hdrhistogram_sync` (a `SyncHistogram` `Recorder`); `atomic_fetch_add` (one relaxed
//!   `fetch_add` per value on one `AtomicU64`: the floor for any concurrent recorder).
//! - `histogram_record_2threads/*`: two threads record the 1M values each at once.
//! - `histogram_quantile/*`: the 0.99 quantile of the filled histogram.
//! - `histogram_snapshot/*`: read an interval while a second thread records. `sre`:
//!   `IntervalReader::next_interval` (skips the shards nobody wrote since the last call,
//!   reads the others against its copy, returns the interval); `sre_snapshot_delta`:
//!   `snapshot()` + `delta(&previous)`, the same interval from two cumulative snapshots;
//!   `hdrhistogram`: `SyncHistogram::refresh` (which phases the recorder and merges its
//!   interval histogram into the cumulative one).

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use hdrhistogram::{Histogram as Hdr, SyncHistogram};
use rand_xoshiro::Xoshiro256PlusPlus;
use rand_xoshiro::rand_core::{Rng, SeedableRng};
use sre_metrics::{Histogram, HistogramConfig};
use std::hint::black_box;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

const N: usize = 1_000_000;
const LOW: u64 = 1;
const HIGH: u64 = 3_600_000_000_000;
const DIGITS: u8 = 3;

/// 1M log-normal latencies in nanoseconds, clamped to [1 µs, 10 s].
fn latencies() -> Vec<u64> {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(0x5EED);
    let mut unit = move || ((rng.next_u64() >> 11) as f64 + 0.5) / (1_u64 << 53) as f64;
    (0..N)
        .map(|_| {
            // Box–Muller: a standard normal from two uniforms in (0, 1).
            let z = (-2.0 * unit().ln()).sqrt() * (core::f64::consts::TAU * unit()).cos();
            let ns = (1e6_f64.ln() + 2.0 * z).exp().clamp(1e3, 1e10);
            sre_core::f64_to_u64_saturating(ns)
        })
        .collect()
}

fn config() -> HistogramConfig {
    HistogramConfig::new(LOW, HIGH, DIGITS).unwrap()
}

fn hdr() -> Hdr<u64> {
    Hdr::new_with_bounds(LOW, HIGH, DIGITS).unwrap()
}

fn histogram_record(c: &mut Criterion) {
    let values = latencies();
    let mut g = c.benchmark_group("histogram_record");
    g.throughput(Throughput::Elements(N as u64));
    let ours = Histogram::new(config());
    g.bench_function("sre", |b| {
        b.iter(|| {
            for &v in black_box(&values) {
                ours.record(v);
            }
        })
    });
    let mut theirs = hdr();
    g.bench_function("hdrhistogram", |b| {
        b.iter(|| {
            for &v in black_box(&values) {
                let _ = theirs.record(v);
            }
        })
    });
    let sync: SyncHistogram<u64> = hdr().into();
    let mut recorder = sync.recorder();
    g.bench_function("hdrhistogram_sync", |b| {
        b.iter(|| {
            for &v in black_box(&values) {
                let _ = recorder.record(v);
            }
        })
    });
    drop(recorder);
    let counter = AtomicU64::new(0);
    g.bench_function("atomic_fetch_add", |b| {
        b.iter(|| {
            for &v in black_box(&values) {
                counter.fetch_add(v, Ordering::Relaxed);
            }
        })
    });
    // Not a target, a diagnosis: the same relaxed `fetch_add`, on the counter each value
    // lands in (indices computed beforehand) of an array as large as one shard. The gap
    // between this and `atomic_fetch_add` is the cost of touching ~23k counters spread
    // over 267 KB instead of one hot line; the gap between `sre` and this is our index
    // arithmetic and shard choice.
    let config = config();
    let indices: Vec<usize> = values
        .iter()
        .map(|&v| {
            // HdrHistogram's index for unit 1 and 2048 sub-buckets (this configuration):
            // bucket = 53 - leading_zeros(v | 2047), index = bucket × 1024 + (v >> bucket).
            let bucket = 53 - (v | 2047).leading_zeros();
            usize::try_from((u64::from(bucket) << 10) + (v >> bucket)).unwrap()
        })
        .collect();
    let counters: Vec<AtomicU64> = (0..config.counters()).map(|_| AtomicU64::new(0)).collect();
    g.bench_function("atomic_fetch_add_indexed", |b| {
        b.iter(|| {
            for &i in black_box(&indices) {
                counters[i].fetch_add(1, Ordering::Relaxed);
            }
        })
    });
    black_box((
        ours.snapshot().count(),
        theirs.len(),
        counter.load(Ordering::Relaxed),
    ));
    g.finish();
}

fn histogram_record_2threads(c: &mut Criterion) {
    let values = latencies();
    let mut g = c.benchmark_group("histogram_record_2threads");
    g.throughput(Throughput::Elements(2 * N as u64));
    let ours = Histogram::new(config());
    g.bench_function(
        BenchmarkId::new("sre", format!("{}_shards", ours.shards())),
        |b| {
            b.iter(|| {
                std::thread::scope(|s| {
                    for _ in 0..2 {
                        s.spawn(|| {
                            for &v in black_box(&values) {
                                ours.record(v);
                            }
                        });
                    }
                })
            })
        },
    );
    let sync: SyncHistogram<u64> = hdr().into();
    let mut recorders = [sync.recorder(), sync.recorder()];
    g.bench_function("hdrhistogram_sync", |b| {
        b.iter(|| {
            std::thread::scope(|s| {
                for r in &mut recorders {
                    let values = &values;
                    s.spawn(move || {
                        for &v in black_box(values) {
                            let _ = r.record(v);
                        }
                    });
                }
            })
        })
    });
    drop(recorders);
    let counter = AtomicU64::new(0);
    g.bench_function("atomic_fetch_add", |b| {
        b.iter(|| {
            std::thread::scope(|s| {
                for _ in 0..2 {
                    s.spawn(|| {
                        for &v in black_box(&values) {
                            counter.fetch_add(v, Ordering::Relaxed);
                        }
                    });
                }
            })
        })
    });
    g.finish();
}

fn histogram_quantile(c: &mut Criterion) {
    let values = latencies();
    let mut g = c.benchmark_group("histogram_quantile");
    let ours = Histogram::new(config());
    let mut theirs = hdr();
    for &v in &values {
        ours.record(v);
        theirs.record(v).unwrap();
    }
    let snapshot = ours.snapshot();
    assert_eq!(
        snapshot.quantile(0.99).unwrap(),
        theirs.value_at_quantile(0.99)
    );
    g.bench_function("sre", |b| {
        b.iter(|| black_box(&snapshot).quantile(black_box(0.99)))
    });
    g.bench_function("hdrhistogram", |b| {
        b.iter(|| black_box(&theirs).value_at_quantile(black_box(0.99)))
    });
    g.finish();
}

fn histogram_snapshot(c: &mut Criterion) {
    let values = Arc::new(latencies());
    let mut g = c.benchmark_group("histogram_snapshot");
    let stop = Arc::new(AtomicBool::new(false));

    let ours = Arc::new(Histogram::new(config()));
    for &v in values.iter() {
        ours.record(v);
    }
    let writer = {
        let (ours, values, stop) = (Arc::clone(&ours), Arc::clone(&values), Arc::clone(&stop));
        std::thread::spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                for &v in values.iter().take(10_000) {
                    ours.record(v);
                }
            }
        })
    };
    let mut reader = ours.intervals();
    reader.next_interval();
    g.bench_function("sre", |b| b.iter(|| black_box(reader.next_interval())));
    let mut previous = ours.snapshot();
    g.bench_function("sre_snapshot_delta", |b| {
        b.iter(|| {
            let now = ours.snapshot();
            let interval = now.delta(&previous).unwrap();
            previous = now;
            black_box(interval)
        })
    });
    stop.store(true, Ordering::Relaxed);
    writer.join().unwrap();

    stop.store(false, Ordering::Relaxed);
    let mut filled = hdr();
    for &v in values.iter() {
        filled.record(v).unwrap();
    }
    let mut sync: SyncHistogram<u64> = filled.into();
    let writer = {
        let mut recorder = sync.recorder();
        let (values, stop) = (Arc::clone(&values), Arc::clone(&stop));
        std::thread::spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                for &v in values.iter().take(10_000) {
                    let _ = recorder.record(v);
                }
            }
        })
    };
    g.bench_function("hdrhistogram", |b| {
        b.iter(|| {
            sync.refresh();
            black_box(sync.len())
        })
    });
    stop.store(true, Ordering::Relaxed);
    writer.join().unwrap();
    g.finish();
}

criterion_group!(
    benches,
    histogram_record,
    histogram_record_2threads,
    histogram_quantile,
    histogram_snapshot
);
criterion_main!(benches);
