//! Closed forms against the real evaluator: on random policies and rectangular
//! incidents, the per-minute closed form and the replay through `Evaluator` agree on
//! every figure, and the first firing minute is `⌊b·EB·W/e⌋ + 1`.

use core::time::Duration;
use proptest::prelude::*;
use sre_budget::AlertConfig;
use sre_budget::evaluation::{
    Comparison, EvalPolicy, Method, RectIncident, WindowPair, closed_form, quality, replay,
};
use sre_core::Objective;

const LONG: [u64; 6] = [5, 10, 30, 60, 120, 360];

fn pair_strategy() -> impl Strategy<Value = WindowPair> {
    (0usize..LONG.len(), prop::option::of(2u64..=12), 1u64..=400).prop_map(|(l, div, b)| {
        let long = LONG[l];
        let short = div.map(|d| (long / d).max(1)).filter(|&s| s < long);
        WindowPair::minutes(long, short, b as f64 / 10.0).unwrap()
    })
}

fn policy_strategy() -> impl Strategy<Value = EvalPolicy> {
    (
        prop::collection::vec(pair_strategy(), 1..=3),
        prop::sample::select(vec![0.99, 0.999, 0.995, 0.9]),
        any::<bool>(),
        0u64..4,
        0u64..4,
        prop::sample::select(vec![0u64, 0, 10, 500]),
    )
        .prop_map(|(pairs, slo, ge, f, k, guard)| {
            let config = AlertConfig {
                for_duration: Duration::from_secs(60 * f),
                keep_firing_for: Duration::from_secs(60 * k),
                min_bad_events: guard,
            };
            let cmp = if ge {
                Comparison::AtOrAbove
            } else {
                Comparison::Above
            };
            EvalPolicy::new(
                "p",
                Objective::new(slo).unwrap(),
                Duration::from_secs(30 * 86_400),
                pairs,
                cmp,
                config,
            )
            .unwrap()
        })
}

fn incident_strategy() -> impl Strategy<Value = RectIncident> {
    (1u64..=1000, prop::option::of(1u64..=200)).prop_map(|(e, d)| {
        RectIncident::new(e as f64 / 1000.0, d.map(|d| Duration::from_secs(60 * d)))
            .unwrap()
            .with_traffic(1000)
            .unwrap()
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn closed_form_equals_replay(p in policy_strategy(), inc in incident_strategy()) {
        let theory = closed_form::per_minute(&p, &inc);
        let evaluator = replay::rect_incident(&p, &inc).unwrap();
        prop_assert_eq!(theory, evaluator);
    }

    /// One pair with any `for` and `keep_firing_for`, no guard: the continuous model's
    /// detection lies in the minute before the per-minute firing minute, and its reset
    /// in the minute before the per-minute reset.
    #[test]
    fn continuous_lies_within_a_minute_of_per_minute(pair in pair_strategy(), inc in incident_strategy(),
                                                     ge in any::<bool>(), f in 0u64..4, k in 0u64..4) {
        let config = AlertConfig {
            for_duration: Duration::from_secs(60 * f),
            keep_firing_for: Duration::from_secs(60 * k),
            min_bad_events: 0,
        };
        let cmp = if ge { Comparison::AtOrAbove } else { Comparison::Above };
        let p = EvalPolicy::new("p", Objective::new(0.999).unwrap(), Duration::from_secs(30 * 86_400),
            vec![pair], cmp, config).unwrap();
        let m = closed_form::per_minute(&p, &inc);
        let c = closed_form::continuous(&p, &inc);
        if let Some(fm) = m.fire_minute {
            prop_assert!(c.fires);
            let d = c.detection_min.unwrap();
            prop_assert!(d > fm as f64 - 1.0 - 1e-9 && d <= fm as f64 + 1e-9, "{} vs {}", d, fm);
            match (m.reset_min, c.reset_min) {
                (Some(r), Some(cr)) => prop_assert!(cr > r as f64 - 1.0 - 1e-9 && cr <= r as f64 + 1e-9, "{} vs {}", cr, r),
                (None, None) => {}
                other => prop_assert!(false, "{:?}", other),
            }
        }
    }

    /// One pair, no `for`, no guard: the first firing minute is ⌊thr·W/e⌋ + 1 (`>`) and
    /// the continuous t* lies in the minute before it.
    #[test]
    fn first_minute_is_floor_plus_one(pair in pair_strategy(), inc in incident_strategy()) {
        let p = EvalPolicy::new("p", Objective::new(0.999).unwrap(), Duration::from_secs(30 * 86_400),
            vec![pair], Comparison::Above, AlertConfig::default()).unwrap();
        let m = replay::rect_incident(&p, &inc).unwrap();
        let c = closed_form::continuous(&p, &inc);
        let thr = p.threshold(0);
        let e = inc.error_ratio();
        let t_star = thr * pair.long_min() as f64 / e;
        let within = inc.duration_min().is_none_or(|d| sre_core::num::f64_to_u64_saturating(t_star.floor()) < d);
        if e > thr * (1.0 + 1e-9) && within && (t_star - t_star.round()).abs() > 1e-9 {
            prop_assert_eq!(m.fire_minute, Some(sre_core::num::f64_to_u64_saturating(t_star.floor()) + 1));
            prop_assert!(c.fires);
            prop_assert!((c.detection_min.unwrap() - t_star).abs() < 1e-9);
        }
        if e <= thr {
            prop_assert_eq!(m.fire_minute, None);
            prop_assert!(!c.fires);
        }
    }
}

#[test]
fn grid_scores_agree_by_both_methods() {
    let o = Objective::new(0.999).unwrap();
    let month = Duration::from_secs(30 * 86_400);
    let incidents = quality::grid(
        &[0.002, 0.01, 0.02, 0.05, 0.2, 1.0],
        &[1, 5, 30, 120, 360],
        1000,
    )
    .unwrap();
    for p in EvalPolicy::workbook_approaches(o, month).unwrap() {
        if p.pairs().iter().any(|w| w.long_min() > 360) {
            continue; // the 36 h and 3 d windows make a debug-build replay slow
        }
        let a = quality::isolated(&p, &incidents, 0.02, Method::ClosedForm).unwrap();
        let b = quality::isolated(&p, &incidents, 0.02, Method::Replay).unwrap();
        assert_eq!(a, b, "{}", p.name());
    }
}

#[test]
fn the_low_traffic_guard_delays_or_stops_a_page() {
    let o = Objective::new(0.999).unwrap();
    let month = Duration::from_secs(30 * 86_400);
    let guarded = EvalPolicy::new(
        "guarded",
        o,
        month,
        vec![WindowPair::minutes(60, Some(5), 14.4).unwrap()],
        Comparison::Above,
        AlertConfig::service_default(),
    )
    .unwrap();
    // 10 requests a minute, total outage: 1 bad request a minute is enough for the
    // ratio at once, but 10 bad events take 10 minutes... at 10 bad a minute, one.
    let outage = RectIncident::new(0.1, Some(Duration::from_secs(3600)))
        .unwrap()
        .with_traffic(10)
        .unwrap();
    let m = closed_form::per_minute(&guarded, &outage);
    assert_eq!(m.fire_minute, Some(10)); // 10 bad events at 1 a minute
    assert_eq!(m, replay::rect_incident(&guarded, &outage).unwrap());
    let blip = RectIncident::new(0.1, Some(Duration::from_secs(300)))
        .unwrap()
        .with_traffic(10)
        .unwrap();
    assert_eq!(closed_form::per_minute(&guarded, &blip).fire_minute, None);
    assert_eq!(
        replay::rect_incident(&guarded, &blip).unwrap().fire_minute,
        None
    );
}
