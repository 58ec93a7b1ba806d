//! The HPA's stabilization windows and the predictive policy's seasonal history are kept
//! as sliding windows (amortized O(1) a decision). Here the controller's list-scanning
//! implementation (the `behavior` functions, and the predictive policy's former
//! scan-and-retain), kept as a slow reference, must give the same decisions and expiry
//! times on random traces.

use core::time::Duration;
use proptest::prelude::*;
use sre_core::Timestamp;
use sre_scaling::hpa::behavior::{
    self, Behavior, RatePolicy, Recommendation, ScaleEvent, ScalingRules, SelectPolicy,
};
use sre_scaling::hpa::{Hpa, HpaMetric, HpaSpec, HpaState, MetricProposal};
use sre_scaling::predictive::{Forecaster, Predictive};
use sre_scaling::{Metric, Observation, Policy, Reason, TargetTracking};

/// The controller's state, as the reference keeps it.
#[derive(Default)]
struct Reference {
    recs: Vec<Recommendation>,
    up: Vec<ScaleEvent>,
    down: Vec<ScaleEvent>,
}

fn windows(spec: &HpaSpec) -> (Duration, Duration) {
    match &spec.behavior {
        Some(b) => (
            b.scale_up.stabilization_window,
            b.scale_down.stabilization_window,
        ),
        None => (spec.legacy_downscale_window, spec.legacy_downscale_window),
    }
}

impl Reference {
    /// The normalized count and the next expiry, by scanning every list.
    fn decide(
        &self,
        spec: &HpaSpec,
        now: Timestamp,
        cur: u32,
        rec: u32,
    ) -> (u32, Option<Timestamp>) {
        let (min, max) = (spec.min_replicas, spec.max_replicas);
        let (up_w, down_w) = windows(spec);
        let mut next: Option<Timestamp> = None;
        let mut consider = |t: Timestamp| {
            if t > now {
                next = Some(next.map_or(t, |n| n.min(t)));
            }
        };
        let limited = match &spec.behavior {
            Some(b) => {
                let s = behavior::stabilize(now, cur, rec, up_w, down_w, &self.recs);
                for r in &self.recs {
                    consider(r.at + up_w);
                    consider(r.at + down_w);
                }
                for (events, rules) in [
                    (&self.up, &b.scale_up),
                    (&self.down, &b.scale_down),
                    (&self.up, &b.scale_down),
                    (&self.down, &b.scale_up),
                ] {
                    for e in events {
                        for p in &rules.policies {
                            consider(e.at + p.period());
                        }
                    }
                }
                behavior::limit_rate(now, cur, s, min, max, b, &self.up, &self.down).0
            }
            None => {
                let s = behavior::stabilize_legacy(now, rec, down_w, &self.recs);
                for r in &self.recs {
                    consider(r.at + down_w + Duration::from_nanos(1));
                }
                behavior::limit_legacy(cur, s, min, max).0
            }
        };
        (limited, next)
    }

    fn commit(&mut self, spec: &HpaSpec, now: Timestamp, cur: u32, rec: u32, applied: u32) {
        behavior::record_recommendation(&mut self.recs, now, rec, windows(spec));
        if let Some(b) = &spec.behavior {
            if applied > cur {
                behavior::record_event(
                    &mut self.up,
                    now,
                    applied - cur,
                    b.scale_up.longest_period(),
                );
            } else if applied < cur {
                behavior::record_event(
                    &mut self.down,
                    now,
                    cur - applied,
                    b.scale_down.longest_period(),
                );
            }
        }
    }
}

fn rules(window_s: u64, periods: &[(bool, u32, u64)], select: u8) -> ScalingRules {
    let policies = periods
        .iter()
        .map(|&(pods, v, p)| {
            let period = Duration::from_secs(p);
            if pods {
                RatePolicy::pods(v, period)
            } else {
                RatePolicy::percent(v, period)
            }
            .unwrap()
        })
        .collect();
    let select =
        [SelectPolicy::Max, SelectPolicy::Min, SelectPolicy::Disabled][usize::from(select % 3)];
    ScalingRules::new(Duration::from_secs(window_s), select, policies).unwrap()
}

type Policies = Vec<(bool, u32, u64)>;

fn policies() -> impl Strategy<Value = Policies> {
    proptest::collection::vec((any::<bool>(), 1u32..300, 1u64..120), 1..3)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn hpa_decides_as_the_controller_scan(
        legacy in any::<bool>(),
        up_window in prop_oneof![Just(0u64), 1u64..200],
        down_window in 0u64..400,
        (up_p, down_p) in (policies(), policies()),
        (up_sel, down_sel) in (0u8..3, 0u8..3),
        steps in proptest::collection::vec((0u64..40_000, 1u32..60, any::<bool>()), 1..400),
    ) {
        let mut spec = HpaSpec::new(2, 50, vec![HpaMetric::cpu_utilization(100)]);
        spec.behavior = (!legacy).then(|| Behavior {
            scale_up: rules(up_window, &up_p, up_sel),
            scale_down: rules(down_window, &down_p, down_sel),
        });
        spec.legacy_downscale_window = Duration::from_secs(down_window);
        let hpa = Hpa::new(spec.clone()).unwrap();
        let mut state = HpaState::default();
        let mut reference = Reference::default();
        let (mut now, mut cur) = (Timestamp::from_secs(1), 10u32);
        for (gap_ms, raw, applied_ok) in steps {
            now = now + Duration::from_millis(gap_ms);
            let d = hpa
                .decide_from_proposals(now, cur, [MetricProposal::replicas(raw)], &state)
                .unwrap();
            if matches!(d.reason, Reason::ScalingDisabled | Reason::AboveMaxReplicas | Reason::BelowMinReplicas | Reason::MetricError) {
                prop_assert!(false, "bounds hold in this trace: {:?}", d.reason);
            }
            let (want, next) = reference.decide(&spec, now, cur, d.recommended);
            prop_assert_eq!(d.desired, want, "at {:?}", now);
            prop_assert_eq!(d.next_change, next, "at {:?}", now);
            let applied = if applied_ok { d.desired } else { cur };
            hpa.commit(&mut state, now, &Observation::new(cur), &d, applied);
            reference.commit(&spec, now, cur, d.recommended, applied);
            cur = applied;
        }
    }

    #[test]
    fn predictive_forecasts_as_the_full_scan(
        period_s in 1u64..3_000,
        lead_s in 0u64..500,
        steps in proptest::collection::vec((0u64..120, 0.0f64..5_000.0), 1..300),
    ) {
        let period = Duration::from_secs(period_s);
        let lead = Duration::from_secs(lead_s);
        let p = Predictive::new(
            TargetTracking::new(Metric::Rps, 100.0).unwrap(),
            Metric::Rps, 100.0, Forecaster::Seasonal { period }, lead,
        ).unwrap();
        let mut state = p.initial_state();
        // The former state: every sample kept, retained by a scan.
        let mut samples: Vec<(Timestamp, f64)> = Vec::new();
        let mut now = Timestamp::from_secs(1);
        for (gap_s, rps) in steps {
            now = now + Duration::from_secs(gap_s);
            let obs = Observation::new(5).with_rps(rps);
            // The former forecast: the latest sample at or before now + lead − period.
            let want = (now + lead).checked_sub(period).and_then(|at| {
                samples.iter().filter(|(t, _)| *t <= at).max_by_key(|(t, _)| *t).map(|&(_, v)| v)
            });
            prop_assert_eq!(p.forecast(now, &state), want);
            // The former next change: the earliest sample past that point coming into view.
            let at = (now + lead).checked_sub(period);
            let change = samples
                .iter()
                .map(|(t, _)| *t)
                .filter(|t| at.is_none_or(|a| *t > a))
                .min()
                .map(|t| (t + period).saturating_sub(lead))
                .filter(|t| *t > now);
            let reactive = TargetTracking::new(Metric::Rps, 100.0).unwrap()
                .decide(now, &obs, &state.reactive).unwrap();
            let d = p.decide(now, &obs, &state).unwrap();
            let mut want_next = reactive.next_change;
            if let Some(c) = change {
                want_next = Some(want_next.map_or(c, |n: Timestamp| n.min(c)));
            }
            prop_assert_eq!(d.next_change, want_next);
            p.commit(&mut state, now, &obs, &d, d.desired);
            if let Some(h) = now.checked_sub(period.saturating_add(lead)) {
                let newest_old = samples.iter().filter(|(t, _)| *t <= h).map(|(t, _)| *t).max();
                samples.retain(|(t, _)| *t > h || Some(*t) == newest_old);
            }
            samples.push((now, rps));
            prop_assert_eq!(state.samples.iter().copied().collect::<Vec<_>>(), samples.clone());
        }
    }
}

/// A 5-minute window at a 10 ms interval holds 30,000 recommendations; 100,000 decisions
/// over it finish in well under the time one scan per decision (3 × 10^9 entries) needs.
#[test]
fn decisions_do_not_rescan_the_window() {
    let hpa = Hpa::new(HpaSpec::new(1, 100, vec![HpaMetric::cpu_utilization(100)])).unwrap();
    let mut state = HpaState::default();
    let started = std::time::Instant::now();
    let mut cur = 10;
    for i in 0..100_000u64 {
        let now = Timestamp::from_millis(10 * i + 1);
        let raw = u32::try_from(5 + (i * 7919) % 40).unwrap();
        let d = hpa
            .decide_from_proposals(now, cur, [MetricProposal::replicas(raw)], &state)
            .unwrap();
        hpa.commit(&mut state, now, &Observation::new(cur), &d, d.desired);
        cur = d.desired;
    }
    assert!(
        state.recommendations().len() >= 29_000,
        "{}",
        state.recommendations().len()
    );
    let secs = started.elapsed().as_secs_f64();
    assert!(secs < 20.0, "{secs} s");
}
