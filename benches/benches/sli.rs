//! `sli_window_record/*`: recording one SLI event vs one relaxed `fetch_add` (the floor).
//! `sli_window_ratio/*`: error ratios of the seven default alert windows (5m, 30m, 1h, 2h,
//! 6h, 1d, 3d) at one `now` vs re-summing a plain array of 43,200 one-minute buckets:
//! `sre` reads a plan of the windows made once (`SliWindow::error_ratios`),
//! `sre_counts_many` passes the windows each query, `sre_one_at_a_time` one window a call.
//! `red_record/*`: one request into the RED bundle vs two relaxed `fetch_add`s.

use criterion::{Criterion, criterion_group, criterion_main};
use sre_core::Timestamp;
use sre_metrics::red::Red;
use sre_metrics::{HistogramConfig, SliWindow};
use std::hint::black_box;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

const MINUTES: [u64; 7] = [5, 30, 60, 120, 360, 1440, 4320];
const HORIZON_MIN: usize = 43_200;

fn windows() -> [Duration; 7] {
    MINUTES.map(|m| Duration::from_secs(60 * m))
}

fn record(c: &mut Criterion) {
    let mut g = c.benchmark_group("sli_window_record");
    let sli = SliWindow::new(Duration::from_secs(30 * 86_400)).unwrap();
    let now = Timestamp::from_secs(1_000_000);
    sli.record(now, true);
    g.bench_function("sre", |b| {
        b.iter(|| sli.record(black_box(now), black_box(true)));
    });
    let floor = AtomicU64::new(0);
    g.bench_function("atomic_fetch_add", |b| {
        b.iter(|| black_box(&floor).fetch_add(1, Ordering::Relaxed));
    });
    g.finish();
}

/// The baseline: one (good, total) bucket per minute over 30 days, in a ring.
struct Naive {
    buckets: Vec<(u64, u64)>,
    head: usize,
}

impl Naive {
    fn ratios(&self, out: &mut [Option<f64>; 7]) {
        for (o, &w) in out.iter_mut().zip(&MINUTES) {
            let w = usize::try_from(w).unwrap();
            let (good, total) = if w <= self.head + 1 {
                sum(&self.buckets[self.head + 1 - w..=self.head])
            } else {
                let (a, b) = sum(&self.buckets[..=self.head]);
                let (c, d) = sum(&self.buckets[HORIZON_MIN - (w - self.head - 1)..]);
                (a + c, b + d)
            };
            *o = (total != 0).then(|| (total - good) as f64 / total as f64);
        }
    }
}

fn sum(s: &[(u64, u64)]) -> (u64, u64) {
    s.iter().fold((0, 0), |(g, t), &(a, b)| (g + a, t + b))
}

fn ratio(c: &mut Criterion) {
    let mut g = c.benchmark_group("sli_window_ratio");
    let sli = SliWindow::new(Duration::from_secs(30 * 86_400)).unwrap();
    let mut naive = Naive {
        buckets: vec![(0, 0); HORIZON_MIN],
        head: 0,
    };
    // 31 days of traffic, one minute at a time, a little noise in the error rate.
    let end = 31 * 1440u64;
    for m in 1..=end {
        let bad = m % 7;
        sli.record_counts(Timestamp::from_mins(m), 1000 - bad, bad);
        naive.head = usize::try_from(m).unwrap() % HORIZON_MIN;
        naive.buckets[naive.head] = (1000 - bad, 1000);
    }
    let now = Timestamp::from_mins(end);
    let mut expect = [None; 7];
    naive.ratios(&mut expect);
    let got = sli
        .counts_many(now, windows())
        .unwrap()
        .map(|c| c.error_ratio());
    assert_eq!(got, expect, "sre and the baseline agree");

    // The windows are checked once into a plan, as an alert rule holds them, and the plan
    // is passed through `black_box` so nothing about it is known at compile time (the
    // baseline's window lengths are a constant array too).
    let plan = sli.plan(windows()).unwrap();
    assert_eq!(sli.error_ratios(now, &plan).unwrap(), expect);
    g.bench_function("sre", |b| {
        b.iter(|| {
            let ratios = sli.error_ratios(black_box(now), black_box(&plan));
            // Kept in place (the baseline writes its seven into an array too).
            black_box(&ratios);
        });
    });
    let ws = windows();
    g.bench_function("sre_counts_many", |b| {
        b.iter(|| {
            let counts = sli.counts_many(black_box(now), black_box(ws)).unwrap();
            black_box(counts.map(|c| c.error_ratio()))
        });
    });
    g.bench_function("sre_one_at_a_time", |b| {
        b.iter(|| {
            black_box(black_box(ws).map(|w| sli.counts(black_box(now), w).unwrap().error_ratio()))
        });
    });
    g.bench_function("naive_resum", |b| {
        let mut out = [None; 7];
        b.iter(|| {
            black_box(&naive).ratios(&mut out);
            black_box(out)
        });
    });
    g.finish();
}

/// `red_record/*`: one request into the RED bundle (histogram + SLI window) vs the floor of
/// two relaxed `fetch_add`s (one count for the duration, one for the outcome).
fn red_record(c: &mut Criterion) {
    let mut g = c.benchmark_group("red_record");
    let red = Red::new(
        Duration::from_secs(3600),
        HistogramConfig::new(1_000, 60_000_000_000, 3).unwrap(),
    )
    .unwrap();
    let now = Timestamp::from_secs(1_000);
    let d = Duration::from_micros(1_234);
    red.record(now, d, true);
    g.bench_function("sre", |b| {
        b.iter(|| red.record(black_box(now), black_box(d), black_box(true)));
    });
    g.bench_function("sre_start_finish", |b| {
        b.iter(|| {
            red.start()
                .finish(black_box(now), black_box(d), black_box(true))
        });
    });
    let (a, z) = (AtomicU64::new(0), AtomicU64::new(0));
    g.bench_function("two_fetch_add", |b| {
        b.iter(|| {
            black_box(&a).fetch_add(1, Ordering::Relaxed);
            black_box(&z).fetch_add(1, Ordering::Relaxed);
        });
    });
    g.finish();
}

criterion_group!(benches, record, ratio, red_record);
criterion_main!(benches);
