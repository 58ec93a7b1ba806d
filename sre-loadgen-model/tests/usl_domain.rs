//! The USL outside its usual range: α = 1 (all contention), N below one worker, N < 0.
#![allow(clippy::float_cmp)] // X(1) = γ · 1 / 1 and X(0) = 0 are exact in floating point

use proptest::prelude::*;
use sre_loadgen_model::usl::Usl;

#[test]
fn all_contention_peaks_at_one_worker() {
    // α = 1: X(N) = γ / (1 + β (N − 1)), largest at N = 1 where it is γ.
    let u = Usl::new(1.0, 1.0, 1.0).unwrap();
    assert_eq!(u.peak_concurrency(), 1.0);
    assert_eq!(u.peak_throughput(), 1.0);
    let u = Usl::new(0.9, 0.5, 3.0).unwrap(); // √(0.1 / 0.5) < 1
    assert_eq!(u.peak_throughput(), 3.0);
}

#[test]
fn concurrency_outside_the_model_is_refused() {
    let u = Usl::new(0.02, 0.02, 1.0).unwrap();
    for n in [-1.0, f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
        assert!(u.throughput(n).is_err(), "{n}");
        assert!(u.speedup(n).is_err(), "{n}");
        assert!(u.latency(n).is_err(), "{n}");
    }
    assert_eq!(u.throughput(0.0).unwrap(), 0.0);
}

proptest! {
    /// The peak is a number and no N ≥ 1 does better.
    #[test]
    fn peak_is_the_maximum(alpha in 0.0f64..=1.0, beta in 1e-6f64..=1.0, gamma in 1e-3f64..1e3, n in 1.0f64..1e4) {
        let u = Usl::new(alpha, beta, gamma).unwrap();
        let peak = u.peak_throughput();
        prop_assert!(peak.is_finite() && peak > 0.0, "{peak}");
        prop_assert!(u.throughput(n).unwrap() <= peak * (1.0 + 1e-12));
    }
}
