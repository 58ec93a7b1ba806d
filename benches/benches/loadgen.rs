//! `arrivals/*`: the cost of one Poisson arrival against its floor, one RNG draw and one
//! logarithm; `erlang_c/*`: Erlang C and a response-time percentile at c = 5000.

use core::time::Duration;
use criterion::{Criterion, criterion_group, criterion_main};
use rand_xoshiro::rand_core::{Rng, SeedableRng};
use sre_core::Timestamp;
use sre_loadgen_model::queueing::MMc;
use sre_loadgen_model::rng::{Xoshiro256PlusPlus, ln};
use sre_loadgen_model::{Alignment, Deterministic, Poisson, RateProfile, Segment};
use std::hint::black_box;

/// The arrival as plain nanoseconds: `black_box` of a 16-byte `Option` costs a
/// store-forwarding stall that is the harness's, not the generator's.
#[inline(always)]
fn nanos(t: Option<Timestamp>) -> u64 {
    t.map_or(u64::MAX, Timestamp::as_nanos)
}

/// Long enough never to run out inside a benchmark.
const FOREVER: Duration = Duration::from_secs(1 << 40);

fn arrivals(c: &mut Criterion) {
    let mut g = c.benchmark_group("arrivals");

    // The floor: one uniform draw and one logarithm (what every exponential variate needs).
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(1);
    g.bench_function("rng_baseline", |b| {
        b.iter(|| black_box(ln(rng.next_f64_open_closed())))
    });
    // The same with libm's ln, and with the peer crate's generator.
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(1);
    g.bench_function("rng_baseline_std_ln", |b| {
        b.iter(|| black_box(rng.next_f64_open_closed().ln()))
    });
    let mut peer = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(1);
    g.bench_function("rng_baseline_rand_xoshiro", |b| {
        b.iter(|| {
            let u = ((peer.next_u64() >> 11) + 1) as f64 * (1.0 / 9_007_199_254_740_992.0);
            black_box(u.ln())
        })
    });

    // One Poisson arrival at a constant rate: draw, ln, inverse cumulative, to Timestamp.
    let constant = RateProfile::constant(1000.0, FOREVER).unwrap();
    let mut it = Poisson::new(constant.clone(), 1, Timestamp::ZERO);
    g.bench_function("poisson", |b| b.iter(|| black_box(nanos(it.next()))));

    // Over a piecewise profile with a multiplier window (ramps, steps, an event).
    let day = 86_400.0;
    let piecewise = RateProfile::from_segments([
        Segment::linear(Duration::from_secs_f64(day), 100.0, 1000.0).unwrap(),
        Segment::constant(Duration::from_secs_f64(day), 1000.0).unwrap(),
        Segment::linear(FOREVER, 1000.0, 1000.0).unwrap(),
    ])
    .unwrap()
    .with_multiplier(
        Duration::from_secs(3600),
        Duration::from_secs(48 * 3600),
        3.0,
    )
    .unwrap();
    let mut it = Poisson::new(piecewise, 1, Timestamp::ZERO);
    g.bench_function("poisson_piecewise_event", |b| {
        b.iter(|| black_box(nanos(it.next())))
    });

    let diurnal =
        RateProfile::diurnal(1000.0, 500.0, Duration::from_secs(14 * 3600), FOREVER).unwrap();
    let mut it = Poisson::new(diurnal, 1, Timestamp::ZERO);
    g.bench_function("poisson_diurnal", |b| {
        b.iter(|| black_box(nanos(it.next())))
    });

    let mut it = Deterministic::new(constant, Alignment::LEFT, Timestamp::ZERO);
    g.bench_function("deterministic", |b| b.iter(|| black_box(nanos(it.next()))));
    g.finish();
}

fn erlang(c: &mut Criterion) {
    let mut g = c.benchmark_group("erlang_c");
    g.bench_function("c5000", |b| {
        b.iter(|| {
            black_box(
                MMc::new(black_box(4950.0), 1.0, black_box(5000))
                    .unwrap()
                    .p_wait(),
            )
        })
    });
    let q = MMc::new(4950.0, 1.0, 5000).unwrap();
    g.bench_function("c5000_response_p99", |b| {
        b.iter(|| black_box(q.response_quantile(black_box(0.99)).unwrap()))
    });
    g.finish();
}

criterion_group!(benches, arrivals, erlang);
criterion_main!(benches);
