//! Properties of every schedule over arbitrary profiles: intended send times never go
//! backwards, stay inside the profile, and their count over [0, t] follows Λ(t), exactly
//! for deterministic schedules and statistically (fixed seeds, so it cannot flake) for
//! Poisson ones.

use core::time::Duration;
use proptest::prelude::*;
use sre_core::Timestamp;
use sre_loadgen_model::{Alignment, Deterministic, FixedCount, Poisson, RateProfile, Segment};

fn secs(x: f64) -> Duration {
    Duration::from_secs_f64(x)
}

fn segment() -> impl Strategy<Value = Segment> {
    prop_oneof![
        (0.1f64..50.0, 0.0f64..200.0, 0.0f64..200.0).prop_map(|(d, a, b)| Segment::linear(
            secs(d),
            a,
            b
        )
        .unwrap()),
        (
            0.1f64..50.0,
            1.0f64..200.0,
            0.0f64..1.0,
            0.5f64..40.0,
            -7.0f64..7.0
        )
            .prop_map(|(d, mean, amp, period, phase)| Segment::sine(
                secs(d),
                mean,
                mean * amp,
                secs(period),
                phase
            )
            .unwrap()),
        (0.1f64..50.0, 0.0f64..2000.0, 0.3f64..3.0).prop_map(|(d, total, k)| Segment::heaviside(
            secs(d),
            total,
            k
        )
        .unwrap()),
    ]
}

fn profile() -> impl Strategy<Value = RateProfile> {
    (
        prop::collection::vec(segment(), 1..5),
        prop::option::of((0.0f64..1.0, 0.0f64..0.5, 0.0f64..4.0)),
    )
        .prop_map(|(segs, window)| {
            let p = RateProfile::from_segments(segs).unwrap();
            match window {
                Some((s, d, f)) => {
                    let len = p.duration_secs();
                    p.with_multiplier(secs(s * len), secs((d * len).max(1e-3)), f)
                        .unwrap()
                }
                None => p,
            }
        })
}

fn alignment() -> impl Strategy<Value = Alignment> {
    prop_oneof![
        Just(Alignment::LEFT),
        Just(Alignment::RIGHT),
        Just(Alignment::CENTER),
        (0.0f64..=1.0, any::<bool>()).prop_map(|(p, e)| Alignment::new(p, e).unwrap()),
    ]
}

/// The highest rate within a nanosecond of `t` (profiles jump at segment ends).
fn local_rate(p: &RateProfile, t: f64) -> f64 {
    p.rate(t).max(p.rate(t - 1e-9)).max(p.rate(t + 1e-9))
}

/// Arrivals at or before `t` seconds.
fn count_upto(times: &[Timestamp], t: f64) -> usize {
    let ns = sre_core::f64_to_u64_saturating((t * 1e9).round());
    times.partition_point(|x| x.as_nanos() <= ns)
}

proptest! {
    // 128 cases in a debug `cargo test`; `.ci/run` runs thousands in release through
    // SRE_LOADGEN_PROPTEST_CASES.
    #![proptest_config(ProptestConfig::with_cases(
        std::env::var("SRE_LOADGEN_PROPTEST_CASES").ok().and_then(|s| s.parse().ok()).unwrap_or(128)
    ))]

    #[test]
    fn deterministic_counts_follow_the_cumulative_exactly(p in profile(), a in alignment()) {
        let times: Vec<Timestamp> = Deterministic::new(p.clone(), a, Timestamp::ZERO).collect();
        prop_assert!(times.windows(2).all(|w| w[0] <= w[1]), "non-decreasing");
        let end = sre_core::f64_to_u64_saturating((p.duration_secs() * 1e9).round());
        prop_assert!(times.iter().all(|t| t.as_nanos() <= end));
        // The whole schedule: every n + phase within Λ(T).
        prop_assert_eq!(times.len() as u64, a.count(p.total()));
        // Each arrival sits where the cumulative reaches its number.
        for (n, t) in times.iter().enumerate() {
            let ts = t.as_secs_f64();
            let lam = p.cumulative(ts);
            let want = n as f64 + a.phase();
            // Rounding to the nanosecond moves Λ by up to the local rate × 0.5 ns.
            let tol = 1e-9 * (1.0 + want) + 1e-9 * local_rate(&p, ts);
            prop_assert!((lam - want).abs() <= tol, "arrival {} at Λ={} want {}", n, lam, want);
        }
        // Prefix counts: #arrivals in [0, t] = #{n : n + phase ≤ Λ(t)}, away from ties.
        for k in 1..8 {
            let t = p.duration_secs() * f64::from(k) / 8.0;
            let lam = p.cumulative(t);
            let x = lam - a.phase();
            if x < 0.0 || (x - x.round()).abs() < 1e-6 + 3e-9 * local_rate(&p, t) {
                continue;
            }
            let want = usize::try_from(sre_core::f64_to_u64_saturating(x.floor())).unwrap() + 1;
            prop_assert_eq!(count_upto(&times, t), want, "t={} Λ={}", t, lam);
        }
    }

    #[test]
    fn poisson_and_fixed_count_are_ordered_and_inside(p in profile(), seed in any::<u64>(), n in 0u64..500) {
        let end = Timestamp::from_nanos(sre_core::f64_to_u64_saturating((p.duration_secs() * 1e9).round()));
        let a: Vec<_> = Poisson::new(p.clone(), seed, Timestamp::ZERO).collect();
        prop_assert!(a.windows(2).all(|w| w[0] <= w[1]));
        prop_assert!(a.iter().all(|t| *t <= end));
        let b: Vec<_> = Poisson::new(p.clone(), seed, Timestamp::ZERO).collect();
        prop_assert_eq!(&a, &b, "same seed, same schedule");
        if p.total() > 0.0 {
            let f: Vec<_> = FixedCount::new(p, n, seed, Timestamp::ZERO).collect();
            prop_assert_eq!(f.len() as u64, n);
            prop_assert!(f.windows(2).all(|w| w[0] <= w[1]));
            prop_assert!(f.iter().all(|t| *t <= end));
        }
    }
}

/// Poisson counts over fixed seeds: in each of 8 slices of a ramp-plus-sine-plus-event
/// profile, 200 seeds' counts sum to within 6 sigma of 200 Λ(slice), and their spread
/// matches the Poisson variance. Fixed seeds: deterministic, cannot flake.
#[test]
fn poisson_counts_match_the_cumulative_statistically() {
    let p = RateProfile::from_segments([
        Segment::linear(secs(10.0), 0.0, 100.0).unwrap(),
        Segment::sine(secs(20.0), 80.0, 60.0, secs(7.0), 0.4).unwrap(),
        Segment::heaviside(secs(5.0), 300.0, 1.5).unwrap(),
    ])
    .unwrap()
    .with_multiplier(secs(12.0), secs(4.0), 3.0)
    .unwrap();
    let seeds = 0u64..200;
    let slices = 8u32;
    let edges: Vec<f64> = (0..=slices)
        .map(|k| p.duration_secs() * f64::from(k) / f64::from(slices))
        .collect();
    let mut sums = vec![0.0f64; usize::try_from(slices).unwrap()];
    let mut sq = vec![0.0f64; usize::try_from(slices).unwrap()];
    for seed in seeds.clone() {
        let times: Vec<_> = Poisson::new(p.clone(), seed, Timestamp::ZERO).collect();
        for k in 0..usize::try_from(slices).unwrap() {
            let c = (count_upto(&times, edges[k + 1]) - count_upto(&times, edges[k])) as f64;
            sums[k] += c;
            sq[k] += c * c;
        }
    }
    let runs = seeds.count() as f64;
    for k in 0..usize::try_from(slices).unwrap() {
        let lam = p.cumulative(edges[k + 1]) - p.cumulative(edges[k]);
        let mean = sums[k] / runs;
        let z = (mean - lam) / (lam / runs).sqrt();
        assert!(z.abs() < 6.0, "slice {k}: mean {mean} vs Λ {lam} (z = {z})");
        // Poisson: variance equals the mean (the sample variance of 200 runs is within
        // ±40 % of it far beyond 6 sigma for these Λ).
        let var = sq[k] / runs - mean * mean;
        assert!(
            (var / lam - 1.0).abs() < 0.4,
            "slice {k}: variance {var} vs Λ {lam}"
        );
    }
}
