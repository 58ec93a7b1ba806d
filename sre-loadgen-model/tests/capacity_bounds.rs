//! `CapacityModel::plan` refuses horizons past its bound and walks each month once; the
//! cover-until-next rule gives the plan of the former month-by-month scan (a slow
//! reference here) on random decision months.

use proptest::prelude::*;
use sre_loadgen_model::Error;
use sre_loadgen_model::capacity::{CapacityModel, Growth, MAX_HORIZON_MONTHS, ProvisioningRule};

/// The former rule: in a decision month, enough for every month until the month before
/// the next decision month (scanning the list), demand capped at the horizon.
fn reference_fleets(m: &CapacityModel, g: Growth, horizon: u32, decisions: &[u32]) -> Vec<u32> {
    let demand = |k: u32| g.demand(m.current_rps(), k.min(horizon));
    let mut fleet = m.instances();
    let mut out = Vec::new();
    for month in 0..=horizon {
        if decisions.contains(&month) {
            let next = decisions
                .iter()
                .copied()
                .filter(|&x| x > month)
                .min()
                .map_or(month, |x| x - 1);
            // (Past the horizon the demand is the horizon's: the scan stops a little after it.)
            let want = (month..=next.min(month + 3 * horizon + 3))
                .map(|k| m.instances_for(demand(k)).unwrap())
                .max()
                .unwrap();
            fleet = fleet.max(want);
        }
        out.push(fleet);
    }
    out
}

#[test]
fn horizons_past_the_bound_are_refused_at_once() {
    let m = CapacityModel::from_percent(10_000.0, 20, 40.0, 60.0).unwrap();
    let g = Growth::monthly(0.1).unwrap();
    let e = m
        .plan(g, u32::MAX, &ProvisioningRule::SameMonth)
        .unwrap_err();
    assert!(
        matches!(e, Error::TooLarge { value, max, .. } if value == u64::from(u32::MAX) && max == u64::from(MAX_HORIZON_MONTHS)),
        "{e}"
    );
    assert!(e.to_string().contains("horizon"));
    assert!(
        m.plan(g, MAX_HORIZON_MONTHS, &ProvisioningRule::SameMonth)
            .is_ok()
    );
    // A decision month at the end of u32 no longer walks 4 × 10^9 months: the plan
    // comes back within a bound that walk cannot meet.
    let rule = ProvisioningRule::CoverUntilNext {
        decision_months: vec![0, u32::MAX],
    };
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || tx.send(m.plan(g, 24, &rule)));
    let plan = rx
        .recv_timeout(std::time::Duration::from_secs(5))
        .expect("the plan within 5 s")
        .unwrap();
    let want = reference_fleets(&m, g, 24, &[0, u32::MAX]);
    let got: Vec<u32> = plan.months().iter().map(|p| p.fleet).collect();
    assert_eq!(got, want);
}

proptest! {
    #[test]
    fn cover_until_next_matches_the_scan(
        horizon in 0u32..60,
        decisions in proptest::collection::vec(prop_oneof![0u32..80, Just(u32::MAX)], 1..8),
        rate in 0.0f64..0.3,
    ) {
        let m = CapacityModel::from_percent(10_000.0, 20, 40.0, 60.0).unwrap();
        let g = Growth::monthly(rate).unwrap();
        let rule = ProvisioningRule::CoverUntilNext { decision_months: decisions.clone() };
        let plan = m.plan(g, horizon, &rule).unwrap();
        let got: Vec<u32> = plan.months().iter().map(|p| p.fleet).collect();
        prop_assert_eq!(got, reference_fleets(&m, g, horizon, &decisions));
    }
}
