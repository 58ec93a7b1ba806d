//! The user-share selector is stable, nested and close to its share (binomial bound);
//! the seeded choice picks distinct targets uniformly.

use proptest::prelude::*;
use sre_chaos::blast::{UserShare, choose};

/// Users `user-0` … `user-{n-1}`.
fn keys(n: usize) -> Vec<String> {
    (0..n).map(|u| format!("user-{u}")).collect()
}

#[test]
fn share_is_close_to_target_within_binomial_bounds() {
    let users = keys(200_000);
    for share in [0.001, 0.01, 0.05, 0.25, 0.5, 0.9] {
        for salt in [0_u64, 1, 0xDEAD_BEEF] {
            let s = UserShare::new(share, salt).unwrap();
            let picked = users.iter().filter(|k| s.contains(k.as_bytes())).count();
            let n = users.len() as f64;
            let sigma = (share * (1.0 - share) / n).sqrt();
            let got = picked as f64 / n;
            // 5 sigma: a false alarm once in ~3.5 million runs of a fair hash.
            assert!(
                (got - share).abs() <= 5.0 * sigma,
                "share {share} salt {salt}: {got}"
            );
        }
    }
}

#[test]
fn edges_select_nobody_and_everybody() {
    let none = UserShare::new(0.0, 7).unwrap();
    let all = UserShare::new(1.0, 7).unwrap();
    assert!(
        keys(10_000)
            .iter()
            .all(|k| !none.contains(k.as_bytes()) && all.contains(k.as_bytes()))
    );
    assert!(UserShare::new(1.01, 0).is_err() && UserShare::new(f64::NAN, 0).is_err());
}

#[test]
fn different_salts_pick_nearly_independent_sets() {
    // Independent 10 % shares overlap on 1 % of users.
    let users = keys(100_000);
    let a = UserShare::new(0.1, 1).unwrap();
    let b = UserShare::new(0.1, 2).unwrap();
    let both = users
        .iter()
        .filter(|k| a.contains(k.as_bytes()) && b.contains(k.as_bytes()))
        .count();
    let sigma = (0.01_f64 * 0.99 / 100_000.0).sqrt() * 100_000.0;
    assert!(
        (both as f64 - 1_000.0).abs() <= 5.0 * sigma,
        "overlap {both}"
    );
}

proptest! {
    #[test]
    fn stable_and_nested(key in proptest::collection::vec(any::<u8>(), 0..64), salt: u64,
                         lo in 0.0_f64..=1.0, hi in 0.0_f64..=1.0) {
        let (lo, hi) = if lo <= hi { (lo, hi) } else { (hi, lo) };
        let small = UserShare::new(lo, salt).unwrap();
        let large = UserShare::new(hi, salt).unwrap();
        // A pure function of (salt, key): the same answer from a fresh selector.
        prop_assert_eq!(small.contains(&key), UserShare::new(lo, salt).unwrap().contains(&key));
        // Growing the share keeps everyone already in.
        prop_assert!(!small.contains(&key) || large.contains(&key));
    }

    #[test]
    fn choose_picks_distinct_in_range(total in 0_usize..200, count in 0_usize..250, seed: u64) {
        let picked = choose(total, count, seed);
        prop_assert_eq!(picked.len(), count.min(total));
        let mut sorted = picked.clone();
        sorted.sort_unstable();
        sorted.dedup();
        prop_assert_eq!(sorted.len(), picked.len());
        prop_assert!(picked.iter().all(|i| *i < total));
        prop_assert_eq!(picked, choose(total, count, seed));
    }
}

#[test]
fn choose_is_uniform() {
    // Each of 10 targets is picked with probability 3/10; 20,000 seeds.
    let mut hits = [0_u32; 10];
    for seed in 0..20_000_u64 {
        for i in choose(10, 3, seed) {
            hits[i] += 1;
        }
    }
    let (n, p) = (20_000.0_f64, 0.3_f64);
    let sigma = (n * p * (1.0 - p)).sqrt();
    for h in hits {
        assert!((f64::from(h) - n * p).abs() <= 5.0 * sigma, "{hits:?}");
    }
}
