//! `clock_now/*`: reading the time through the family's clocks vs `Instant::now`.

use criterion::{Criterion, criterion_group, criterion_main};
use sre_core::{Clock, ManualClock, MonotonicClock, Timestamp};
use std::hint::black_box;

fn clock_now(c: &mut Criterion) {
    let mut g = c.benchmark_group("clock_now");
    let mono = MonotonicClock::new();
    let manual = ManualClock::new(Timestamp::from_secs(1));
    let dynamic: &dyn Clock = &manual;
    g.bench_function("instant_now", |b| {
        b.iter(|| black_box(std::time::Instant::now()))
    });
    g.bench_function("monotonic", |b| b.iter(|| black_box(mono.now())));
    g.bench_function("manual", |b| b.iter(|| black_box(manual.now())));
    g.bench_function("manual_dyn", |b| b.iter(|| black_box(dynamic.now())));
    g.finish();
}

criterion_group!(benches, clock_now);
criterion_main!(benches);
