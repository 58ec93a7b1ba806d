//! Every number in `capacity_seed.json`: the course's capacity model, growth, each
//! provisioning rule's plan, the seed's inconsistent 25/32, and both event plans.
// Exact equality is the point where these compare floats: whole numbers (counts,
// rounded RPS, the file's integer constants) that are exact in binary.
#![allow(clippy::float_cmp)]

mod common;
use common::{close, load, num};
use core::time::Duration;
use serde_json::Value;
use sre_loadgen_model::capacity::{
    CapacityModel, EventBuffer, Growth, Headroom, ProvisioningRule, ScaleDown,
};

fn course() -> (CapacityModel, Growth, Value) {
    let doc = load("capacity_seed.json");
    let i = &doc["inputs"];
    let m = CapacityModel::from_percent(
        num(&i["current_rps"]),
        u32::try_from(i["instances"].as_u64().unwrap()).unwrap(),
        num(&i["cpu_pct"]),
        num(&i["target_cpu_pct"]),
    )
    .unwrap();
    let g = Growth::monthly(num(&i["growth_per_month"])).unwrap();
    (m, g, doc)
}

fn u(v: &Value) -> u32 {
    u32::try_from(v.as_u64().unwrap()).unwrap()
}

#[test]
fn derived_numbers() {
    let (m, g, doc) = course();
    let d = &doc["derived"];
    close(
        m.rps_per_instance(),
        num(&d["rps_per_instance_now"]),
        1e-15,
        "per instance now",
    );
    close(
        m.rps_per_instance_at_full(),
        num(&d["rps_per_instance_at_100pct_linear"]),
        1e-15,
        "at 100%",
    );
    close(
        m.rps_per_instance_at_target(),
        num(&d["rps_per_instance_at_target"]),
        1e-15,
        "at target",
    );
    close(
        m.max_rps(),
        num(&d["max_rps_current_fleet_at_target"]),
        1e-15,
        "max",
    );
    close(
        m.headroom(Headroom::UtilizationPoints),
        num(&d["headroom_cpu_points"]),
        1e-12,
        "headroom points",
    );
    close(
        m.headroom(Headroom::TrafficGrowth),
        num(&d["headroom_as_traffic_growth_pct"]),
        1e-12,
        "headroom growth",
    );
    close(
        m.headroom(Headroom::FractionOfMax),
        num(&d["headroom_as_fraction_of_max_pct"]),
        1e-12,
        "headroom of max",
    );
    close(
        m.runway_months(g),
        num(&d["runway_months_ln1.5_over_ln1.1"]),
        1e-12,
        "runway",
    );
    close(
        g.demand(m.current_rps(), 6),
        num(&d["demand_m6"]),
        1e-12,
        "m6",
    );
    close(
        g.demand(m.current_rps(), 12),
        num(&d["demand_m12"]),
        1e-12,
        "m12",
    );
    assert_eq!(
        g.demand(m.current_rps(), 6).round(),
        num(&d["demand_m6_rounded"])
    );
    assert_eq!(
        g.demand(m.current_rps(), 12).round(),
        num(&d["demand_m12_rounded"])
    );
}

#[test]
fn every_month() {
    let (m, g, doc) = course();
    let months = doc["monthly"].as_array().unwrap();
    assert!(!months.is_empty(), "capacity_seed.json has no months");
    let horizon = months.iter().map(|r| u(&r["month"])).max().unwrap();
    let plan = m.plan(g, horizon, &ProvisioningRule::SameMonth).unwrap();
    for row in months {
        let k = u(&row["month"]);
        let p = plan.months()[usize::try_from(k).unwrap()];
        close(
            p.demand_rps,
            num(&row["demand_rps_exact"]),
            1e-12,
            &format!("month {k} demand"),
        );
        close(
            p.demand_rps,
            num(&row["demand_rps"]),
            1e-12,
            &format!("month {k} demand"),
        );
        assert_eq!(
            p.needed,
            u(&row["min_instances_at_60pct"]),
            "month {k} needed"
        );
        let seed = u(&row["seed_fleet"]);
        close(
            m.utilization_at(p.demand_rps, seed).unwrap() * 100.0,
            num(&row["seed_fleet_cpu_pct"]),
            1e-12,
            &format!("month {k} seed cpu"),
        );
        assert_eq!(
            m.utilization_at(p.demand_rps, seed).unwrap() <= 0.6,
            row["seed_fleet_meets_60pct"].as_bool().unwrap(),
            "month {k}"
        );
    }
    // "Month 1-4: current capacity sufficient": today's 20 serve months 0..=4 at target.
    for p in &plan.months()[0..=4] {
        assert!(p.needed <= 20 && p.added == 0 && p.fleet == 20, "{p:?}");
    }
    assert!(plan.months()[5].needed > 20);
    assert_eq!(plan.fleet_at(12), Some(42));
}

#[test]
fn every_rule() {
    let (m, g, doc) = course();
    let rules = &doc["rules"];
    let check = |rule: ProvisioningRule, key: &str| {
        let plan = m.plan(g, 12, &rule).unwrap();
        for (month, want) in rules[key].as_object().unwrap() {
            let month: u32 = month.parse().unwrap();
            assert_eq!(plan.fleet_at(month), Some(u(want)), "{key} month {month}");
        }
        plan
    };
    check(ProvisioningRule::SameMonth, "same_month_ceil(D/750)");
    check(
        ProvisioningRule::LookAhead { months: 1 },
        "lookahead_1_month_truncated_at_horizon",
    );
    check(ProvisioningRule::LookAhead { months: 2 }, "lookahead_2");
    check(
        ProvisioningRule::CoverUntilNext {
            decision_months: vec![5, 8, 12],
        },
        "cover_until_next_decision",
    );
    let trig = m
        .plan(g, 12, &ProvisioningRule::TriggerAt { utilization: 0.6 })
        .unwrap();
    for row in rules["trigger_at_60pct_then_ceil(D/750)"]
        .as_array()
        .unwrap()
    {
        let month = u(&row[0]);
        let p = trig.months()[usize::try_from(month).unwrap()];
        assert_eq!(
            (p.fleet, p.added),
            (u(&row[1]), u(&row[2])),
            "trigger month {month}"
        );
    }
    // The seed's 25 / 32 / 42 is none of these rules (the documented inconsistency)...
    let seed: Vec<u32> = ["5", "8", "12"]
        .iter()
        .map(|k| u(&rules["seed"][*k]))
        .collect();
    assert_eq!(seed, [25, 32, 42]);
    for rule in [
        ProvisioningRule::SameMonth,
        ProvisioningRule::LookAhead { months: 1 },
        ProvisioningRule::LookAhead { months: 2 },
        ProvisioningRule::LookAhead { months: 3 },
        ProvisioningRule::TriggerAt { utilization: 0.6 },
        ProvisioningRule::CoverUntilNext {
            decision_months: vec![5, 8, 12],
        },
    ] {
        let plan = m.plan(g, 12, &rule).unwrap();
        let got: Vec<u32> = [5, 8, 12]
            .iter()
            .map(|&k| plan.fleet_at(k).unwrap())
            .collect();
        assert_ne!(got, seed, "{rule:?}");
    }
    // ...nor ⌈D/c⌉ for any single per-instance capacity c: the intervals do not overlap.
    let intervals = &doc["implied_rps_per_instance_intervals"];
    let mut lo_all = f64::MIN;
    let mut hi_all = f64::MAX;
    for (key, month, count) in [
        ("ceil(D5/c)=25", 5, 25.0),
        ("ceil(D8/c)=32", 8, 32.0),
        ("ceil(D12/c)=42", 12, 42.0),
    ] {
        let d = g.demand(m.current_rps(), month);
        let (lo, hi) = (d / count, d / (count - 1.0));
        close(lo, num(&intervals[key][0]), 1e-12, key);
        close(hi, num(&intervals[key][1]), 1e-12, key);
        lo_all = lo_all.max(lo);
        hi_all = hi_all.min(hi);
    }
    assert!(
        lo_all >= hi_all,
        "a single capacity would reproduce the seed"
    );
    for (month, want) in doc["implied_utilization_of_seed_additions_pct"]
        .as_object()
        .unwrap()
    {
        let month: u32 = month.parse().unwrap();
        let fleet = u(&rules["seed"][month.to_string().as_str()]);
        close(
            m.utilization_at(g.demand(m.current_rps(), month), fleet)
                .unwrap()
                * 100.0,
            num(want),
            1e-12,
            "implied utilization",
        );
    }
}

#[test]
fn black_friday_plans() {
    let (m, g, doc) = course();
    for (key, month) in [("at_month0", 0u32), ("at_month12", 12)] {
        let want = &doc["black_friday"][key];
        let baseline_rps = g.demand(m.current_rps(), month);
        close(baseline_rps, num(&want["baseline_rps"]), 1e-12, key);
        let baseline_instances = u(&want["baseline_instances"]);
        for (rule, field) in [
            (
                ScaleDown::FractionOfCurrentPerHour(0.3),
                "scale_down_geometric_30pct_of_current_per_hour",
            ),
            (
                ScaleDown::FractionOfSurgePerHour(0.3),
                "scale_down_linear_30pct_of_surge_per_hour",
            ),
        ] {
            let buffer = EventBuffer::black_friday(rule).unwrap();
            assert_eq!(buffer.multiplier(), 3.0);
            assert_eq!(buffer.duration(), Duration::from_secs(48 * 3600));
            let plan = m
                .event_plan(&buffer, baseline_rps, baseline_instances)
                .unwrap();
            close(plan.event_rps, num(&want["event_rps"]), 1e-12, key);
            assert_eq!(plan.event_instances, u(&want["event_instances"]), "{key}");
            assert_eq!(
                plan.hold.as_secs() / 3600,
                want["hold_hours_prescale_plus_event"].as_u64().unwrap()
            );
            close(
                plan.surplus_instance_hours,
                num(&want["surplus_instance_hours_hold"]),
                1e-12,
                key,
            );
            let steps: Vec<u32> = want[field].as_array().unwrap().iter().map(u).collect();
            assert_eq!(plan.scale_down, steps, "{key} {field}");
        }
    }
    assert!(
        EventBuffer::new(
            0.5,
            Duration::ZERO,
            Duration::ZERO,
            ScaleDown::FractionOfSurgePerHour(0.3)
        )
        .is_err()
    );
    assert!(EventBuffer::black_friday(ScaleDown::FractionOfCurrentPerHour(1.5)).is_err());
}

/// RPS and fleet sizes from the caller are checked: NaN used to read as 0 instances and
/// zero instances as an infinite utilization.
#[test]
fn bad_rps_and_empty_fleets_are_typed_errors() {
    let m = CapacityModel::from_percent(10_000.0, 20, 40.0, 60.0).unwrap();
    assert_eq!(m.instances_for(15_000.0), Ok(20));
    assert_eq!(m.instances_for(15_001.0), Ok(21));
    for bad in [f64::NAN, -1.0, f64::INFINITY] {
        assert!(m.instances_for(bad).is_err(), "{bad}");
        assert!(m.utilization_at(bad, 20).is_err(), "{bad}");
    }
    let err = m.utilization_at(10_000.0, 0).unwrap_err();
    assert!(err.to_string().contains("instances"), "{err}");
    let buffer = EventBuffer::black_friday(ScaleDown::FractionOfCurrentPerHour(0.3)).unwrap();
    let err = m.event_plan(&buffer, f64::NAN, 20).unwrap_err();
    assert!(err.to_string().contains("baseline RPS"), "{err}");
    assert!(m.event_plan(&buffer, f64::MAX, 20).is_err());
}

/// Durations are the caller's: lead time plus event length saturates, never panics.
#[test]
fn huge_event_durations_saturate() {
    let m = CapacityModel::from_percent(10_000.0, 20, 40.0, 60.0).unwrap();
    let buffer = EventBuffer::new(
        3.0,
        Duration::MAX,
        Duration::MAX,
        ScaleDown::FractionOfSurgePerHour(0.3),
    )
    .unwrap();
    let plan = m.event_plan(&buffer, 10_000.0, 20).unwrap();
    assert_eq!(plan.hold, Duration::MAX);
    assert_eq!(plan.event_instances, 40);
}
