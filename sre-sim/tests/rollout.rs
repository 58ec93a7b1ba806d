//! Rollouts in the simulator: a good version is promoted, a bad one caught at the first
//! stage, the split follows the weight within a binomial bound, every request ends once,
//! and the report is the same bytes for the same seed.

use core::time::Duration;
use sre_sim::rollout::{RolloutOutcome, RolloutReport, RolloutSpec, run_rollout};
use sre_sim::scenario::Span;
use sre_sim::{Scenario, ServiceTime, Simulation};

/// 100 RPS on 5 servers of 20 ms (ρ = 0.4) for 8 minutes; the course's plan at 1/120
/// of its length (30 s, 1 min, 2 min, 4 min, then 100 % at 450 s), checked every 10 s.
fn scenario(spec: RolloutSpec, seed: u64) -> Scenario {
    sized(spec, seed, 100, 480)
}

fn sized(spec: RolloutSpec, seed: u64, rps: u32, secs: u64) -> Scenario {
    let service = ServiceTime::exponential(Duration::from_millis(20)).unwrap();
    let servers = u64::from(rps.div_ceil(40));
    let mut s = Scenario::fixed_pool(
        "canary",
        f64::from(rps),
        service,
        servers,
        Duration::from_secs(secs),
    );
    s.seed = seed;
    s.rollout = Some(RolloutSpec {
        time_scale: 1.0 / 120.0,
        check_interval: Span::secs(10),
        ..spec
    });
    s
}

fn run(spec: RolloutSpec, seed: u64) -> RolloutReport {
    run_rollout(&scenario(spec, seed)).unwrap()
}

#[test]
fn a_version_identical_to_the_baseline_is_promoted() {
    for seed in [1, 2, 3] {
        let r = run(
            RolloutSpec {
                baseline_error_rate: 0.001,
                error_rate: 0.001,
                ..RolloutSpec::default()
            },
            seed,
        );
        assert_eq!(r.outcome, RolloutOutcome::Promoted, "{:#?}", r.decisions);
        assert!(r.caught.is_none());
        let weights: Vec<u8> = r.decisions.iter().map(|d| d.weight_pct).collect();
        assert_eq!(weights, [1, 5, 25, 50, 100], "{:#?}", r.decisions);
    }
}

#[test]
fn ten_times_the_error_rate_is_rolled_back_at_the_first_stage() {
    for seed in [1, 2, 3] {
        // 500 RPS for a minute: the first stage (1 %, 30 s) sends the canary ~150 requests.
        let spec = RolloutSpec {
            baseline_error_rate: 0.002,
            error_rate: 0.02,
            ..RolloutSpec::default()
        };
        let r = run_rollout(&sized(spec, seed, 500, 60)).unwrap();
        assert_eq!(r.outcome, RolloutOutcome::RolledBack);
        let c = r.caught.expect("caught");
        assert_eq!((c.weight_pct, c.stage), (1, 0), "{:#?}", r.decisions);
        let last = r.decisions.last().unwrap();
        assert_eq!(last.action, "rollback");
        assert!(last.reason.contains("error rate"), "{}", last.reason);
        // Nothing more went to the canary after the rollback.
        assert_eq!(r.canary.counts.sent, c.canary_sent);
    }
}

#[test]
fn a_version_30_ms_slower_is_caught_by_the_judge_below_the_p99_trigger() {
    let r = run(
        RolloutSpec {
            added_latency: Span(Duration::from_millis(30)),
            ..RolloutSpec::default()
        },
        5,
    );
    assert_eq!(r.outcome, RolloutOutcome::RolledBack, "{:#?}", r.decisions);
    let last = r.decisions.last().unwrap();
    assert!(last.reason.contains("judge"), "{}", last.reason);
}

/// The canary's share of each weight setting is Binomial(n, w): within 5 σ (+1) of w·n.
#[test]
fn the_canary_never_gets_more_than_its_weight_plus_a_binomial_bound() {
    for (seed, error_rate) in [(1, 0.0), (7, 0.02)] {
        let r = run(
            RolloutSpec {
                error_rate,
                ..RolloutSpec::default()
            },
            seed,
        );
        let mut total = 0;
        for seg in &r.traffic {
            let (n, w) = (seg.sent as f64, f64::from(seg.weight_pct) / 100.0);
            let bound = w * n + 5.0 * (n * w * (1.0 - w)).sqrt() + 1.0;
            assert!(seg.canary_sent as f64 <= bound, "{seg:?}");
            if seg.weight_pct == 0 {
                assert_eq!(seg.canary_sent, 0, "{seg:?}");
            }
            total += seg.canary_sent;
        }
        assert_eq!(total, r.canary.counts.sent);
    }
}

/// Each version's counts add up, and together they hold every request the scenario sends:
/// the same count as the plain simulation of the same scenario and seed.
#[test]
fn every_request_ends_once() {
    for error_rate in [0.0, 0.02] {
        let spec = RolloutSpec {
            error_rate,
            ..RolloutSpec::default()
        };
        let s = scenario(spec.clone(), 11);
        let r = run_rollout(&s).unwrap();
        for v in [&r.baseline.counts, &r.canary.counts] {
            assert!(v.adds_up(), "{v:?}");
            assert_eq!(v.good + v.bad(), v.sent, "{v:?}");
        }
        let plain = Simulation::new(s).unwrap().run().unwrap();
        assert_eq!(r.sent(), plain.requests.sent);
        let split: u64 = r.traffic.iter().map(|t| t.sent).sum();
        assert_eq!(split, r.sent());
    }
}

#[test]
fn the_same_seed_gives_the_same_bytes() {
    let spec = RolloutSpec {
        error_rate: 0.02,
        baseline_error_rate: 0.002,
        ..RolloutSpec::default()
    };
    let json = |seed| {
        run_rollout(&sized(spec.clone(), seed, 300, 120))
            .unwrap()
            .to_json()
            .unwrap()
    };
    let a = json(9);
    assert_eq!(a, json(9));
    let r = run_rollout(&sized(spec.clone(), 9, 300, 120)).unwrap();
    let svg = sre_sim::rollout::render_rollout_svg(&r, "bad");
    assert!(svg.ends_with("</svg>\n") && svg.contains("error rate"));
    assert_ne!(a, json(10));
}

#[test]
fn a_rollout_table_round_trips_and_bad_fields_are_named() {
    let mut s = scenario(RolloutSpec::default(), 1);
    let text = s.to_toml().unwrap();
    assert_eq!(Scenario::from_toml(&text).unwrap(), s);
    for (spec, field) in [
        (
            RolloutSpec {
                error_rate: 1.5,
                ..RolloutSpec::default()
            },
            "rollout.error_rate",
        ),
        (
            RolloutSpec {
                time_scale: 0.0,
                ..RolloutSpec::default()
            },
            "rollout.time_scale",
        ),
        (
            RolloutSpec {
                check_interval: Span(Duration::from_millis(10)),
                ..RolloutSpec::default()
            },
            "rollout.check_interval",
        ),
    ] {
        s.rollout = Some(spec);
        let e = run_rollout(&s).unwrap_err().to_string();
        assert!(e.contains(field), "{e}");
    }
    s.rollout = None;
    assert!(run_rollout(&s).unwrap_err().to_string().contains("rollout"));
}
