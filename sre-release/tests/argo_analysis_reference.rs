//! Every vector of `argo_analysis_vectors.json`: Argo Rollouts' measurement, metric and
//! run assessment, the Kayenta provider, metric validation and measurement streams.

mod common;
use common::{load, num};
use serde_json::Value;
use sre_release::{
    AnalysisMetric, AnalysisPhase, Measurement, MeasurementStream, MetricCounters, MetricRule,
    RolloutAction, RunMetric, assess_metric, assess_run, kayenta_provider_phase, measurement_phase,
};

fn s(v: &Value) -> &str {
    v.as_str().unwrap_or_else(|| panic!("not a string: {v}"))
}

fn phase(v: &Value) -> AnalysisPhase {
    match s(v) {
        "Pending" => AnalysisPhase::Pending,
        "Running" => AnalysisPhase::Running,
        "Successful" => AnalysisPhase::Successful,
        "Failed" => AnalysisPhase::Failed,
        "Inconclusive" => AnalysisPhase::Inconclusive,
        "Error" => AnalysisPhase::Error,
        other => panic!("unknown phase {other}"),
    }
}

fn action(v: &Value) -> RolloutAction {
    match s(v) {
        "continue" => RolloutAction::Continue,
        "wait" => RolloutAction::Wait,
        "pause" => RolloutAction::Pause,
        "abort" => RolloutAction::Abort,
        other => panic!("unknown rollout_action {other}"),
    }
}

fn rule(v: &Value) -> Option<MetricRule> {
    match v {
        Value::Null => None,
        v => Some(match s(v) {
            "count_below_failure_plus_success_limit" => {
                MetricRule::CountBelowFailurePlusSuccessLimit
            }
            "count_below_inconclusive_limit" => MetricRule::CountBelowInconclusiveLimit,
            "interval_required_when_count_above_one" => MetricRule::IntervalRequiredForCount,
            "failure_limit_below_minus_one" => MetricRule::FailureLimitBelowMinusOne,
            "inconclusive_limit_negative" => MetricRule::InconclusiveLimitNegative,
            "consecutive_error_limit_negative" => MetricRule::ConsecutiveErrorLimitNegative,
            "consecutive_success_limit_negative" => MetricRule::ConsecutiveSuccessLimitNegative,
            other => panic!("unknown rule {other}"),
        }),
    }
}

fn opt_i(v: &Value) -> Option<i64> {
    v.as_i64()
}

fn metric(m: &Value) -> AnalysisMetric {
    AnalysisMetric {
        count: opt_i(&m["count"]),
        interval_s: m["interval_s"].as_u64(),
        failure_limit: opt_i(&m["failure_limit"]),
        inconclusive_limit: opt_i(&m["inconclusive_limit"]),
        consecutive_error_limit: opt_i(&m["consecutive_error_limit"]),
        consecutive_success_limit: opt_i(&m["consecutive_success_limit"]),
        initial_delay_s: m["initial_delay_s"].as_u64(),
        has_success_condition: m["has_success_condition"].as_bool().unwrap_or(false),
        has_failure_condition: m["has_failure_condition"].as_bool().unwrap_or(false),
    }
}

fn measurement(m: &Value) -> Measurement {
    Measurement {
        success: m["success"].as_bool(),
        failure: m["failure"].as_bool(),
        error: m["error"].as_bool().unwrap(),
    }
}

fn u(v: &Value) -> u64 {
    v.as_u64().unwrap_or_else(|| panic!("not a count: {v}"))
}

fn counters(r: &Value) -> MetricCounters {
    MetricCounters {
        successful: u(&r["successful"]),
        failed: u(&r["failed"]),
        inconclusive: u(&r["inconclusive"]),
        error: u(&r["error"]),
        consecutive_error: u(&r["consecutive_error"]),
        consecutive_success: u(&r["consecutive_success"]),
        count: u(&r["count"]),
    }
}

fn run(v: &Value) -> Result<(), String> {
    let id = s(&v["id"]);
    let input = &v["input"];
    let want = &v["expected"];
    let fail = |got: String| Err(format!("{id}: got {got}, want {want}"));
    match s(&v["category"]) {
        "measurement_phase" => {
            let got = measurement_phase(
                input["has_success_condition"].as_bool().unwrap(),
                input["has_failure_condition"].as_bool().unwrap(),
                measurement(&input["measurement"]),
            );
            if got == phase(&want["phase"]) {
                Ok(())
            } else {
                fail(format!("{got:?}"))
            }
        }
        "metric_assessment" => {
            let r = &input["result"];
            let got = assess_metric(
                &metric(&input["metric"]),
                &counters(r),
                r["has_measurements"].as_bool().unwrap(),
                r["last_measurement_completed"].as_bool().unwrap(),
                input["terminating"].as_bool().unwrap(),
            );
            if got == phase(&want["phase"]) {
                Ok(())
            } else {
                fail(format!("{got:?}"))
            }
        }
        "metric_validation" => {
            let got = metric(&input["metric"]).validate();
            let want_rule = rule(&want["rule"]);
            if got.err() == want_rule && got.is_ok() == want["valid"].as_bool().unwrap() {
                Ok(())
            } else {
                fail(format!("{got:?}"))
            }
        }
        "run_assessment" => {
            let metrics: Vec<RunMetric> = input["metrics"]
                .as_array()
                .unwrap()
                .iter()
                .map(|m| RunMetric {
                    dry_run: m["dry_run"].as_bool().unwrap(),
                    previous_phase: (!m["previous_phase"].is_null())
                        .then(|| phase(&m["previous_phase"])),
                    phase: (!m["phase"].is_null()).then(|| phase(&m["phase"])),
                })
                .collect();
            let got = assess_run(&metrics, input["terminate_requested"].as_bool().unwrap());
            if got.phase == phase(&want["phase"])
                && Some(got.terminating) == want["terminating"].as_bool()
                && got.phase.rollout_action() == action(&want["rollout_action"])
            {
                Ok(())
            } else {
                fail(format!("{got:?}"))
            }
        }
        "kayenta_provider" => {
            let (p, t) = kayenta_provider_phase(
                num(&input["score"]),
                input["pass_threshold"].as_i64().unwrap(),
                input["marginal_threshold"].as_i64().unwrap(),
            );
            if p == phase(&want["phase"]) && Some(t) == want["truncated_score"].as_i64() {
                Ok(())
            } else {
                fail(format!("{p:?} {t}"))
            }
        }
        "measurement_stream" => {
            let mut stream = MeasurementStream::new(metric(&input["metric"]))
                .map_err(|e| format!("{id}: {e}"))?;
            let mut steps = Vec::new();
            for m in input["measurements"].as_array().unwrap() {
                if stream.is_done() {
                    break;
                }
                steps.push(stream.record(measurement(m)));
            }
            let final_phase =
                if !stream.is_done() && input["terminate_when_exhausted"].as_bool().unwrap() {
                    stream.terminate()
                } else if stream.taken() == 0 {
                    assess_metric(
                        &metric(&input["metric"]),
                        &MetricCounters::default(),
                        false,
                        true,
                        false,
                    )
                } else {
                    stream.phase()
                };
            let want_steps = want["steps"].as_array().unwrap();
            let steps_ok = steps.len() == want_steps.len()
                && steps.iter().zip(want_steps).all(|(g, w)| {
                    Some(g.t_s) == w["t_s"].as_u64()
                        && g.measurement_phase == phase(&w["measurement_phase"])
                        && g.counters == counters(w)
                        && g.metric_phase == phase(&w["metric_phase"])
                });
            if steps_ok
                && final_phase == phase(&want["final_phase"])
                && Some(stream.taken()) == want["measurements_taken"].as_u64()
                && final_phase.rollout_action() == action(&want["rollout_action"])
            {
                Ok(())
            } else {
                fail(format!("{steps:?} final {final_phase:?}"))
            }
        }
        other => panic!("{id}: unknown category {other:?}: the conformance test must learn it"),
    }
}

#[test]
fn every_argo_analysis_vector_matches_argo() {
    let doc = load("argo_analysis_vectors.json");
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
