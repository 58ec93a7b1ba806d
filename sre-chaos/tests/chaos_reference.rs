//! Every vector of `chaos_vectors.json`: Chaos Toolkit tolerances and runs (labelled by
//! running chaostoolkit-lib 1.44), Litmus target counts, attempts and verdicts (litmus-go
//! run via Go), AWS FIS selection. Fails on a category it does not know.

use core::time::Duration;
use serde_json::Value;
use sre_chaos::blast::{
    EmptyTargetResolution, FisOutcome, FisSelection, LitmusKind, fis_targets, litmus_targets,
};
use sre_chaos::litmus::{
    AttemptStep, Attempts, ProbeMode, ProbeObservation, RunProperties, TryFailure, litmus_result,
};
use sre_chaos::{
    Activities, Activity, ActivityFailed, During, Experiment, HypothesisProbe, Interruption,
    Journal, Outcome, Phase, Probes, RollbackStrategy, Schedule, SteadyState, Strategy, Tolerance,
    run,
};
use sre_core::{ManualClock, Timestamp};
use std::collections::BTreeMap;

fn load() -> Value {
    sre_reference::load("chaos_vectors.json")
}

fn u(v: &Value) -> u64 {
    v.as_u64()
        .unwrap_or_else(|| panic!("not an unsigned integer: {v}"))
}

fn tolerance_case(input: &Value, want: &Value) -> Result<(), String> {
    let parsed = Tolerance::from_json(&input["tolerance"]);
    let valid = parsed.is_ok();
    if valid != want["valid"].as_bool().unwrap() {
        return Err(format!("valid {valid}, want {}: {parsed:?}", want["valid"]));
    }
    let Ok(t) = parsed else { return Ok(()) };
    let got = t.check(&input["value"]);
    let raises = got.is_err();
    if raises != want["raises"].as_bool().unwrap() {
        return Err(format!("raises {raises}, want {}", want["raises"]));
    }
    let within = got.ok();
    if within != want["within"].as_bool() {
        return Err(format!("within {within:?}, want {}", want["within"]));
    }
    Ok(())
}

struct VectorProbes<'a> {
    outputs: &'a [Value],
}

impl Probes for VectorProbes<'_> {
    fn probe(
        &mut self,
        phase: Phase,
        index: usize,
        _: &HypothesisProbe,
    ) -> Result<Value, ActivityFailed> {
        let o = &self.outputs[index]["outputs"];
        let out = match phase {
            Phase::Before => &o["before"],
            Phase::After => &o["after"],
            Phase::During { iteration } => {
                let list = o["during"].as_array().unwrap();
                let k = usize::try_from(iteration).unwrap().min(list.len());
                &list[k - 1]
            }
            other => panic!("unexpected phase {other:?}"),
        };
        if out["raises"].as_bool().unwrap() {
            Err(ActivityFailed("probe raised".into()))
        } else {
            Ok(out["value"].clone())
        }
    }
}

struct VectorActivities<'a> {
    method: &'a [Value],
    rollbacks: &'a [Value],
    clock: &'a ManualClock,
    step: Duration,
}

impl Activities for VectorActivities<'_> {
    fn run(&mut self, index: usize, _: &Activity, _: &mut During<'_>) -> Outcome {
        // One continuous iteration per activity: the activity lasts one `frequency`.
        self.clock.advance(self.step);
        match self.method[index]["outcome"].as_str().unwrap() {
            "ok" => Outcome::Succeeded,
            "raise" => Outcome::Failed("raised".into()),
            // chaoslib's SIGTERM handler raises inside the Python activity: a failure.
            "sigterm" => Outcome::Failed("SIGTERM".into()),
            "sigint" | "sigusr1" => Outcome::Interrupted(Interruption::Graceful),
            "sigusr2" => Outcome::Interrupted(Interruption::WithoutRollbacks),
            other => panic!("unknown outcome {other}"),
        }
    }
    fn rollback(&mut self, index: usize, _: &Activity) -> Result<(), ActivityFailed> {
        match self.rollbacks[index]["outcome"].as_str().unwrap() {
            "ok" => Ok(()),
            "raise" => Err(ActivityFailed("raised".into())),
            other => panic!("unknown rollback outcome {other}"),
        }
    }
}

fn ss_json(s: &SteadyState) -> Value {
    let probes: Vec<Value> = s
        .probes
        .iter()
        .map(|p| serde_json::json!({"name": p.name, "status": p.status.as_str(), "tolerance_met": p.tolerance_met}))
        .collect();
    serde_json::json!({"met": s.met, "probes": probes})
}

fn journal_json(j: &Journal) -> Value {
    let runs = |r: &[sre_chaos::ActivityRun]| -> Vec<Value> {
        r.iter()
            .map(|a| serde_json::json!({"name": a.name, "status": a.status.map(|s| s.as_str())}))
            .collect()
    };
    serde_json::json!({
        "status": j.status.as_str(),
        "deviated": j.deviated,
        "cli_exit_code": j.exit_code(),
        "steady_state_before": j.steady_state_before.as_ref().map(ss_json),
        "steady_state_during": j.steady_state_during.iter().map(ss_json).collect::<Vec<_>>(),
        "steady_state_after": j.steady_state_after.as_ref().map(ss_json),
        "method_runs": runs(&j.method_runs),
        "rollbacks_played": j.rollbacks_played,
        "rollback_runs": runs(&j.rollback_runs),
    })
}

fn run_case(input: &Value, want: &Value) -> Result<(), String> {
    let empty = Vec::new();
    let hyp = input
        .get("hypothesis")
        .and_then(Value::as_array)
        .unwrap_or(&empty);
    let hypothesis = hyp
        .iter()
        .map(|h| {
            Ok(HypothesisProbe {
                name: h["name"].as_str().unwrap().to_string(),
                tolerance: Tolerance::from_json(&h["tolerance"]).map_err(|e| e.to_string())?,
            })
        })
        .collect::<Result<Vec<_>, String>>()?;
    let method_v = input["method"].as_array().unwrap();
    let rollbacks_v = input["rollbacks"].as_array().unwrap();
    let method = method_v
        .iter()
        .map(|m| match m["type"].as_str().unwrap() {
            "action" => Activity::action(m["name"].as_str().unwrap()),
            "probe" => Activity::probe(m["name"].as_str().unwrap()),
            other => panic!("unknown activity type {other}"),
        })
        .collect();
    let rollbacks = rollbacks_v
        .iter()
        .map(|m| Activity::action(m["name"].as_str().unwrap()))
        .collect();
    let frequency = Duration::from_secs(10);
    let schedule = Schedule::new(
        frequency,
        input["fail_fast"].as_bool().unwrap(),
        input["fail_fast_ratio"].as_f64().unwrap(),
    )
    .map_err(|e| e.to_string())?;
    let experiment = Experiment::new(hypothesis, method, rollbacks)
        .map_err(|e| e.to_string())?
        .with_strategy(
            Strategy::parse(input["strategy"].as_str().unwrap()).map_err(|e| e.to_string())?,
        )
        .with_rollback_strategy(
            RollbackStrategy::parse(input["rollback_strategy"].as_str().unwrap())
                .map_err(|e| e.to_string())?,
        )
        .with_schedule(schedule);
    let clock = ManualClock::new(Timestamp::from_secs(1_000));
    let mut probes = VectorProbes { outputs: hyp };
    let mut acts = VectorActivities {
        method: method_v,
        rollbacks: rollbacks_v,
        clock: &clock,
        step: frequency,
    };
    let journal = run(&experiment, &mut probes, &mut acts, &clock);
    let got = journal_json(&journal);
    let want_obj = want.as_object().unwrap();
    let mut diffs = BTreeMap::new();
    for (k, w) in want_obj {
        let g = got
            .get(k)
            .unwrap_or_else(|| panic!("expected field {k} is not produced"));
        if g != w {
            diffs.insert(k.clone(), format!("got {g}, want {w}"));
        }
    }
    if diffs.is_empty() {
        Ok(())
    } else {
        Err(format!("{diffs:#?}"))
    }
}

fn litmus_targets_case(input: &Value, want: &Value) -> Result<(), String> {
    let kind = match input["kind"].as_str().unwrap() {
        "pods" => LitmusKind::Pods,
        "nodes" => LitmusKind::Nodes,
        other => panic!("unknown kind {other}"),
    };
    let got = litmus_targets(
        kind,
        u(&input["total"]),
        u32::try_from(u(&input["affected_perc"])).unwrap(),
    )
    .map_err(|e| e.to_string())?;
    if got == u(&want["targets"]) {
        Ok(())
    } else {
        Err(format!("got {got}, want {}", want["targets"]))
    }
}

fn litmus_attempts_case(input: &Value, want: &Value) -> Result<(), String> {
    let ms = |v: &Value| Duration::from_millis(u(v));
    let props = RunProperties {
        attempt: u32::try_from(u(&input["attempt"])).unwrap(),
        retry: u32::try_from(u(&input["retry"])).unwrap(),
        probe_timeout: ms(&input["probe_timeout_ms"]),
        interval: ms(&input["interval_ms"]),
        stop_on_failure: false,
    };
    let tries = input["tries"].as_array().unwrap();
    let mut a = Attempts::new(props);
    let mut i = 0;
    let result = loop {
        let t = &tries[i.min(tries.len() - 1)];
        i += 1;
        match a.record(t["ok"].as_bool().unwrap(), ms(&t["duration_ms"])) {
            AttemptStep::RetryAfter(_) => {}
            AttemptStep::Done(_, r) => break r,
            other => panic!("unexpected step {other:?}"),
        }
        assert!(i <= 10_000, "no end");
    };
    let failure = result.failure.map(|f| match f {
        TryFailure::CheckFailed => "check_failed",
        TryFailure::Timeout => "timeout",
        other => panic!("unexpected failure {other:?}"),
    });
    let got = serde_json::json!({
        "attempts_allowed": result.attempts_allowed,
        "passed": result.passed,
        "tries_used": result.tries_used,
        "elapsed_ms": u64::try_from(result.elapsed.as_millis()).unwrap(),
        "failure": failure,
    });
    if &got == want {
        Ok(())
    } else {
        Err(format!("got {got}, want {want}"))
    }
}

fn litmus_result_case(input: &Value, want: &Value) -> Result<(), String> {
    let obs: Vec<ProbeObservation> = input["probes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| ProbeObservation {
            mode: ProbeMode::parse(p["mode"].as_str().unwrap()).unwrap(),
            pre: p["pre"].as_bool(),
            during: p["during"].as_bool(),
            post: p["post"].as_bool(),
        })
        .collect();
    let r = litmus_result(&obs);
    let got = serde_json::json!({
        "probe_verdicts": r.probe_verdicts.iter().map(|p| if *p { "Passed" } else { "Failed" }).collect::<Vec<_>>(),
        "passed_probe_count": r.passed_probe_count,
        "verdict": if r.pass { "Pass" } else { "Fail" },
        "phase": r.phase(),
        "probe_success_percentage": r.probe_success_percentage.to_string(),
    });
    if &got == want {
        Ok(())
    } else {
        Err(format!("got {got}, want {want}"))
    }
}

fn fis_case(input: &Value, want: &Value) -> Result<(), String> {
    let sel = FisSelection::parse(input["selection_mode"].as_str().unwrap())
        .map_err(|e| e.to_string())?;
    let empty = match input["empty_target_resolution_mode"].as_str().unwrap() {
        "fail" => EmptyTargetResolution::Fail,
        "skip" => EmptyTargetResolution::Skip,
        other => panic!("unknown mode {other}"),
    };
    let (targets, outcome) = match fis_targets(sel, u(&input["identified"]), empty) {
        FisOutcome::Run(n) => (Value::from(n), "run"),
        FisOutcome::Skip => (Value::from(0), "skip"),
        FisOutcome::Fail => (Value::Null, "fail"),
        other => panic!("unexpected outcome {other:?}"),
    };
    if targets == want["targets"] && outcome == want["outcome"] {
        Ok(())
    } else {
        Err(format!(
            "got {targets} {outcome}, want {} {}",
            want["targets"], want["outcome"]
        ))
    }
}

#[test]
fn every_vector() {
    let doc = load();
    let known: Vec<&str> = doc["schema"]["categories"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    let mut passed: BTreeMap<String, usize> = BTreeMap::new();
    let mut failures = Vec::new();
    for v in doc["vectors"].as_array().unwrap() {
        let id = v["id"].as_str().unwrap();
        let cat = v["category"].as_str().unwrap();
        let (input, want) = (&v["input"], &v["expected"]);
        let result = match cat {
            "ctk_tolerance" => tolerance_case(input, want),
            "ctk_run" => run_case(input, want),
            "litmus_targets" => litmus_targets_case(input, want),
            "litmus_attempts" => litmus_attempts_case(input, want),
            "litmus_result" => litmus_result_case(input, want),
            "fis_targets" => fis_case(input, want),
            other => panic!("unknown category {other} in vector {id} (schema lists {known:?})"),
        };
        match result {
            Ok(()) => *passed.entry(cat.to_string()).or_default() += 1,
            Err(e) => failures.push(format!("{id} ({cat}): {e}")),
        }
    }
    println!("passed per category: {passed:?}");
    assert!(
        failures.is_empty(),
        "{} failing vectors:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(!passed.is_empty(), "no vector ran");
}

/// 400 generated experiments (strategies without a continuous hypothesis) whose
/// journals chaostoolkit-lib 1.44.0's own Runner recorded (`tests/data/gen_ctk_run.py`).
#[test]
fn runs_agree_with_chaostoolkit_lib_runner() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/ctk_run_differential.json"
    );
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let vectors = doc["vectors"].as_array().unwrap();
    let failures: Vec<String> = vectors
        .iter()
        .filter_map(|v| {
            run_case(&v["input"], &v["expected"])
                .err()
                .map(|e| format!("{}: {e}", v["id"]))
        })
        .collect();
    assert!(!vectors.is_empty());
    assert!(
        failures.is_empty(),
        "{} of {} differ:\n{}",
        failures.len(),
        vectors.len(),
        failures.join("\n")
    );
}
