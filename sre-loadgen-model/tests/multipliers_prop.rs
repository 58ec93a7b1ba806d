//! `RateProfile::with_multipliers` (all windows at once, one sort) gives the same profile
//! as `with_multiplier` one window at a time, the slow reference, or the same error.

use core::time::Duration;
use proptest::prelude::*;
use sre_loadgen_model::RateProfile;

proptest! {
    #[test]
    fn at_once_equals_one_by_one(
        len in 1u64..10_000,
        windows in proptest::collection::vec((0u64..12_000, 1u64..2_000, 0.0f64..5.0), 0..40),
        scale in 0.1f64..10.0,
    ) {
        let base = RateProfile::stages(5.0, &[(Duration::from_secs(len), 10.0), (Duration::from_secs(len), 30.0)]).unwrap();
        let w: Vec<(Duration, Duration, f64)> = windows
            .iter()
            .map(|&(s, d, f)| (Duration::from_millis(s * 1000), Duration::from_secs(d), f))
            .collect();
        let mut slow = Ok(base.clone());
        for &(s, d, f) in &w {
            slow = slow.and_then(|p: RateProfile| p.with_multiplier(s, d, f));
        }
        let fast = base.with_multipliers(w.iter().copied());
        match (&slow, &fast) {
            (Ok(a), Ok(b)) => {
                prop_assert_eq!(a, b);
                // `scaled` keeps the windows: as if scaled first, then windowed one by one.
                let mut slow_scaled = base.scaled(scale).unwrap();
                for &(s, d, f) in &w {
                    slow_scaled = slow_scaled.with_multiplier(s, d, f).unwrap();
                }
                prop_assert_eq!(&slow_scaled, &b.scaled(scale).unwrap());
            }
            (Err(_), Err(_)) => {}
            _ => prop_assert!(false, "one by one {slow:?}, at once {fast:?}"),
        }
    }
}
