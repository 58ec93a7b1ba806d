//! `alert_eval/*`: precision and recall of the workbook's paging policy (1 h / 5 m × 14.4,
//! 6 h / 30 m × 6, 99.9 % over 30 days) over 1,000 rectangular incidents (error ratio
//! log-uniform in [0.001, 1], duration log-uniform in [1, 1440] minutes, 1,000 requests a
//! minute, seeded), each alone on a healthy history.
//!
//! - `closed_form`: `sre_budget::evaluation::closed_form::per_minute` per incident.
//! - `replay`: the same figures by running `sre_budget::Evaluator` over every minute of
//!   each incident (6 h of history, the incident, and the windows clearing).

use core::time::Duration;
use criterion::{Criterion, criterion_group, criterion_main};
use sre_budget::evaluation::{EvalPolicy, Method, RectIncident, quality};
use sre_core::Objective;
use std::hint::black_box;

/// 1,000 incidents from a fixed SplitMix64 stream.
fn incidents() -> Vec<RectIncident> {
    let mut s: u64 = 18;
    let mut unit = || {
        s = s.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = s;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        (z ^ (z >> 31)) as f64 / u64::MAX as f64
    };
    (0..1000)
        .map(|_| {
            let e = (10f64.powf(-3.0 + 3.0 * unit()) * 1000.0).round().max(1.0) / 1000.0;
            let d = 10f64.powf(3.16 * unit()).round().clamp(1.0, 1440.0);
            let mins = sre_core::num::f64_to_u64_saturating(d);
            RectIncident::new(e, Some(Duration::from_secs(60 * mins)))
                .and_then(|i| i.with_traffic(1000))
                .expect("valid incident")
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let policy = EvalPolicy::workbook_page(
        Objective::new(0.999).expect("objective"),
        Duration::from_secs(30 * 86_400),
    )
    .expect("policy");
    let incidents = incidents();
    let closed = quality::isolated(&policy, &incidents, 0.02, Method::ClosedForm).expect("closed");
    let replayed = quality::isolated(&policy, &incidents, 0.02, Method::Replay).expect("replay");
    assert_eq!(closed, replayed, "closed form and replay disagree");
    let mut g = c.benchmark_group("alert_eval");
    g.sample_size(10);
    g.bench_function("closed_form", |b| {
        b.iter(|| quality::isolated(&policy, black_box(&incidents), 0.02, Method::ClosedForm))
    });
    g.bench_function("replay", |b| {
        b.iter(|| quality::isolated(&policy, black_box(&incidents), 0.02, Method::Replay))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
