//! Every vector of `rollout_vectors.json`: Flagger's ladder and loop, Argo's canary
//! steps, the course's triggers and its staged rollout.

mod common;
use common::{load, num};
use serde_json::Value;
use sre_release::{
    AnalysisPhase, ArgoStep, FlaggerAction, FlaggerCanary, FlaggerMetric, FlaggerWeights, Rollout,
    RolloutState, Signals, Stage, StagePlan, StepAction, Trigger, TriggerDecision, TriggerSet,
    TriggerThresholds, check_triggers, run_argo_steps,
};

fn s(v: &Value) -> &str {
    v.as_str().unwrap_or_else(|| panic!("not a string: {v}"))
}

fn u(v: &Value) -> u64 {
    v.as_u64().unwrap_or_else(|| panic!("not a count: {v}"))
}

fn u8_(v: &Value) -> u8 {
    u8::try_from(u(v)).unwrap()
}

fn u32s(v: &Value) -> Vec<u32> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| u32::try_from(u(x)).unwrap())
        .collect()
}

fn weights(c: &Value) -> FlaggerWeights {
    FlaggerWeights {
        step_weight: c["step_weight"].as_u64().map(|w| u32::try_from(w).unwrap()),
        step_weights: u32s(&c["step_weights"]),
        max_weight: c["max_weight"].as_u64().map(|w| u32::try_from(w).unwrap()),
    }
}

fn thresholds(t: &Value) -> TriggerThresholds {
    TriggerThresholds {
        error_rate_delta_pct: num(&t["error_rate_delta_pct"]),
        p99_delta_ms: num(&t["p99_delta_ms"]),
        memory_fraction: num(&t["memory_fraction"]),
        crash_restarts: u32::try_from(u(&t["crash_restarts"])).unwrap(),
        crash_window_s: u(&t["crash_window_s"]),
        missing_data_limit: u32::try_from(u(&t["missing_data_limit"])).unwrap(),
    }
}

fn signals(c: &Value) -> Signals {
    Signals {
        baseline_error_rate_pct: c["baseline"]["error_rate_pct"].as_f64(),
        baseline_p99_ms: c["baseline"]["p99_ms"].as_f64(),
        canary_error_rate_pct: c["canary"]["error_rate_pct"].as_f64(),
        canary_p99_ms: c["canary"]["p99_ms"].as_f64(),
        canary_memory_fraction: c["canary"]["memory_fraction"].as_f64(),
    }
}

fn trigger_names(set: TriggerSet) -> Vec<&'static str> {
    set.iter()
        .map(|t| match t {
            Trigger::ErrorRate => "error_rate",
            Trigger::P99Latency => "p99_latency",
            Trigger::Memory => "memory",
            Trigger::CrashLoop => "crash_loop",
            Trigger::NoData => "no_data",
        })
        .collect()
}

fn strs(v: &Value) -> Vec<&str> {
    v.as_array().unwrap().iter().map(s).collect()
}

fn action_name(a: StepAction) -> &'static str {
    match a {
        StepAction::Advance => "advance",
        StepAction::Hold => "hold",
        StepAction::Rollback => "rollback",
        StepAction::Promote => "promote",
        StepAction::Continue => "continue",
    }
}

fn run(v: &Value) -> Result<(), String> {
    let id = s(&v["id"]);
    let input = &v["input"];
    let want = &v["expected"];
    let fail = |got: String| Err(format!("{id}: got {got}, want {want}"));
    match s(&v["category"]) {
        "flagger_weights" => {
            let w = weights(input);
            let ladder = w.ladder();
            let primary: Vec<u32> = ladder.iter().map(|c| 100 - c).collect();
            if ladder == u32s(&want["canary_weights"])
                && primary == u32s(&want["primary_weights"])
                && ladder.len() as u64 - 1 == u(&want["advances_to_promotion"])
                && u64::from(w.max_weight_effective()) == u(&want["max_weight_effective"])
            {
                Ok(())
            } else {
                fail(format!("{ladder:?}"))
            }
        }
        "flagger_run" => {
            let c = &input["config"];
            let metrics: Vec<FlaggerMetric> = c["metrics"]
                .as_array()
                .unwrap()
                .iter()
                .map(|m| FlaggerMetric {
                    name: s(&m["name"]).to_owned(),
                    min: m["min"].as_f64(),
                    max: m["max"].as_f64(),
                })
                .collect();
            let names: Vec<String> = metrics.iter().map(|m| m.name.clone()).collect();
            let mut canary = FlaggerCanary::new(
                weights(c),
                c["threshold"].as_i64(),
                u(&c["interval_s"]),
                metrics,
            )
            .map_err(|e| format!("{id}: {e}"))?;
            let mut observations = input["observations"].as_array().unwrap().iter();
            let mut steps = Vec::new();
            let mut last_t = 0;
            while !canary.is_done() {
                let row: Vec<Option<f64>> = if canary.needs_observation() {
                    match observations.next() {
                        Some(r) => r.as_array().unwrap().iter().map(Value::as_f64).collect(),
                        None => {
                            last_t = canary.next_tick_s(); // the tick that found no data
                            break;
                        }
                    }
                } else {
                    Vec::new()
                };
                let step = canary.tick(&row).unwrap();
                last_t = step.t_s;
                steps.push(step);
            }
            let final_ = match steps.last().map(|s| s.action) {
                _ if !canary.is_done() => "in_progress",
                Some(FlaggerAction::Promote) => "promoted",
                Some(FlaggerAction::Rollback) => "rolled_back",
                _ => "in_progress",
            };
            let want_steps = want["steps"].as_array().unwrap();
            let ok = steps.len() == want_steps.len()
                && steps.iter().zip(want_steps).all(|(g, w)| {
                    let action = match g.action {
                        FlaggerAction::Advance => "advance",
                        FlaggerAction::Hold => "hold",
                        FlaggerAction::Rollback => "rollback",
                        FlaggerAction::Promote => "promote",
                    };
                    g.t_s == u(&w["t_s"])
                        && action == s(&w["action"])
                        && u64::from(g.canary_weight) == u(&w["canary_weight"])
                        && u64::from(g.failed_checks) == u(&w["failed_checks"])
                        && g.failed_metric.map(|i| names[i].as_str()) == w["failed_metric"].as_str()
                });
            let o = &want["outcome"];
            let weight = steps.last().map_or(0, |s| s.canary_weight);
            if ok
                && final_ == s(&o["final"])
                && last_t == u(&o["t_s"])
                && u64::from(weight) == u(&o["canary_weight"])
            {
                Ok(())
            } else {
                fail(format!("{steps:?} {final_} at {last_t}"))
            }
        }
        "argo_canary_steps" => {
            let steps: Vec<ArgoStep> = input["steps"]
                .as_array()
                .unwrap()
                .iter()
                .map(|st| match s(&st["kind"]) {
                    "setWeight" => ArgoStep::SetWeight(u8_(&st["value"])),
                    "pause" => ArgoStep::Pause(st["value"].as_u64()),
                    "analysis" => ArgoStep::Analysis {
                        duration_s: u(&st["value"]),
                        phase: match s(&st["phase"]) {
                            "Successful" => AnalysisPhase::Successful,
                            "Failed" => AnalysisPhase::Failed,
                            "Error" => AnalysisPhase::Error,
                            "Inconclusive" => AnalysisPhase::Inconclusive,
                            other => panic!("unknown phase {other}"),
                        },
                    },
                    other => panic!("{id}: unknown step kind {other}"),
                })
                .collect();
            let events = run_argo_steps(&steps).map_err(|e| format!("{id}: {e}"))?;
            let want_events = want["events"].as_array().unwrap();
            let ok = events.len() == want_events.len()
                && events.iter().zip(want_events).all(|(g, w)| {
                    g.t_s == u(&w["t_s"])
                        && action_name(g.action) == s(&w["action"])
                        && u64::from(g.weight) == u(&w["weight"])
                        && g.step_index as u64 == u(&w["step_index"])
                });
            let last = events.last().unwrap();
            let final_ = match last.action {
                StepAction::Promote => "promoted",
                StepAction::Rollback => "aborted",
                _ => "paused",
            };
            let o = &want["outcome"];
            if ok
                && final_ == s(&o["final"])
                && last.t_s == u(&o["t_s"])
                && u64::from(last.weight) == u(&o["weight"])
            {
                Ok(())
            } else {
                fail(format!("{events:?}"))
            }
        }
        "trigger_check" => {
            let c = &input["check"];
            let restarts: Vec<u64> = input["restarts_s"]
                .as_array()
                .unwrap()
                .iter()
                .map(u)
                .collect();
            let r = check_triggers(
                u(&c["t_s"]),
                &signals(c),
                &restarts,
                &thresholds(&input["thresholds"]),
            );
            let decision = match r.decision {
                TriggerDecision::Pass => "pass",
                TriggerDecision::Hold => "hold",
                TriggerDecision::Rollback => "rollback",
            };
            if trigger_names(r.fired) == strs(&want["fired"])
                && trigger_names(r.missing) == strs(&want["missing"])
                && decision == s(&want["decision"])
            {
                Ok(())
            } else {
                fail(format!("{r:?}"))
            }
        }
        "course_rollout" => {
            let stages: Vec<Stage> = input["stages"]
                .as_array()
                .unwrap()
                .iter()
                .map(|st| Stage {
                    weight_pct: u8_(&st["weight_pct"]),
                    duration_s: u(&st["duration_s"]),
                })
                .collect();
            let plan = StagePlan::new(stages, u8_(&input["final_weight_pct"]))
                .map_err(|e| format!("{id}: {e}"))?;
            let mut rollout = Rollout::new(plan, thresholds(&input["thresholds"]))
                .map_err(|e| format!("{id}: {e}"))?;
            let restarts: Vec<u64> = input["restarts_s"]
                .as_array()
                .unwrap()
                .iter()
                .map(u)
                .collect();
            // Evaluation instants: checks and restarts in time order (a check first on a tie).
            let mut instants: Vec<(u64, Option<&Value>)> = input["checks"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| (u(&c["t_s"]), Some(c)))
                .chain(restarts.iter().map(|&r| (r, None)))
                .collect();
            instants.sort_by_key(|(t, c)| (*t, c.is_none()));
            let mut events = vec![rollout.start(0, None)];
            let mut last_t = 0;
            for (t, check) in instants {
                if rollout.state() != RolloutState::InProgress {
                    break;
                }
                let seen: Vec<u64> = restarts.iter().copied().filter(|&r| r <= t).collect();
                let d = match check {
                    Some(c) => rollout.check(t, &signals(c), &seen, None),
                    None => rollout.restart(t, &seen),
                };
                last_t = t;
                if d.action != StepAction::Continue {
                    events.push(d);
                }
            }
            let want_events = want["events"].as_array().unwrap();
            let ok = events.len() == want_events.len()
                && events.iter().zip(want_events).all(|(g, w)| {
                    g.t_s == u(&w["t_s"])
                        && action_name(g.action) == s(&w["action"])
                        && u64::from(g.weight_pct) == u(&w["weight_pct"])
                        && g.stage_index as u64 == u(&w["stage_index"])
                        && trigger_names(g.triggers) == strs(&w["triggers"])
                });
            let final_ = match rollout.state() {
                RolloutState::Promoted => "promoted",
                RolloutState::RolledBack => "rolled_back",
                _ => "in_progress",
            };
            let t_final = events
                .last()
                .filter(|_| rollout.state() != RolloutState::InProgress)
                .map_or(last_t, |e| e.t_s);
            let o = &want["outcome"];
            if ok
                && final_ == s(&o["final"])
                && t_final == u(&o["t_s"])
                && u64::from(rollout.weight_pct()) == u(&o["weight_pct"])
            {
                Ok(())
            } else {
                fail(format!("{events:?} {final_} at {t_final}"))
            }
        }
        other => panic!("{id}: unknown category {other:?}: the conformance test must learn it"),
    }
}

#[test]
fn every_rollout_vector_matches() {
    let doc = load("rollout_vectors.json");
    let vectors = doc["vectors"].as_array().expect("vectors");
    assert!(!vectors.is_empty(), "no vectors");
    let failures: Vec<String> = vectors.iter().filter_map(|v| run(v).err()).collect();
    assert!(
        failures.is_empty(),
        "{} of {} failed:\n{}",
        failures.len(),
        vectors.len(),
        failures.join("\n")
    );
}

proptest::proptest! {
    /// A fixed step climbs 0, s, 2s, … until it reaches maxWeight, overshooting it to the
    /// first multiple of s at or above it (capped at 100), as Flagger's loop does.
    #[test]
    fn fixed_step_ladder_is_the_multiples_of_the_step(step in 1u32..=100, max in 1u32..=100) {
        let w = FlaggerWeights { step_weight: Some(step), max_weight: Some(max), ..Default::default() };
        let advances = max.div_ceil(step);
        let want: Vec<u32> = (0..=advances).map(|k| (k * step).min(100)).collect();
        proptest::prop_assert_eq!(w.ladder(), want);
    }
}
