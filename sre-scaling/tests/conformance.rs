//! Data-driven conformance: every vector of `hpa_vectors.json` and `kpa_vectors.json`
//! (Kubernetes' and Knative's own unit-test cases, in neutral form) must pass.
//!
//! The files are read from `$SRE_REFERENCE_DIR`, else from `shared/reference` beside the
//! workspace (`<workspace>/../shared/reference`), else one level further up (a worktree
//! layout). A missing directory fails the test; it never passes vacuously. Each failing
//! vector is reported by id, and a vector of an unknown category is a failure too, so the
//! same test runs on any vector set of the same format.

use core::time::Duration;
use serde_json::Value;
use sre_core::Timestamp;
use sre_scaling::hpa::{
    self, Behavior, Hpa, HpaMetric, HpaSpec, HpaState, MetricProposal, PolicyKind, Proposal,
    RatePolicy, Recommendation, Resource, ResourceTarget, ScaleEvent, ScalingRules, SelectPolicy,
    Tolerance,
};
use sre_scaling::kpa::{Kpa, KpaSpec};
use sre_scaling::{Error, Observation, PodPhase, PodSample};

use sre_reference::load;

type R<T> = Result<T, String>;

fn at(s: f64) -> Timestamp {
    // Vector times are seconds on a simulated clock; keep them exact in nanoseconds.
    Timestamp::from_nanos(sre_core::f64_to_u64_saturating((s * 1e9).round()))
}

fn secs(v: &Value) -> R<Duration> {
    let s = v
        .as_f64()
        .ok_or_else(|| format!("not a number of seconds: {v}"))?;
    Ok(Duration::from_secs_f64(s))
}

fn u32_of(v: &Value, key: &str) -> R<u32> {
    v.get(key)
        .and_then(Value::as_u64)
        .and_then(|n| u32::try_from(n).ok())
        .ok_or_else(|| format!("missing or bad `{key}`"))
}

fn i64_opt(v: &Value, key: &str) -> Option<i64> {
    v.get(key).and_then(Value::as_i64)
}

/// `true`, or a non-empty string (an error message), marks an expected error.
fn truthy(v: Option<&Value>) -> bool {
    match v {
        Some(Value::Bool(b)) => *b,
        Some(Value::String(s)) => !s.is_empty(),
        Some(Value::Object(_)) => true,
        _ => false,
    }
}

fn f64_of(v: &Value, key: &str) -> R<f64> {
    v.get(key)
        .and_then(Value::as_f64)
        .ok_or_else(|| format!("missing or bad `{key}`"))
}

fn tolerance(input: &Value) -> R<Tolerance> {
    match input.get("tolerance") {
        None | Some(Value::Null) => Ok(Tolerance::default()),
        Some(t) => Tolerance::new(f64_of(t, "scale_down")?, f64_of(t, "scale_up")?)
            .map_err(|e| e.to_string()),
    }
}

fn pods(input: &Value) -> R<Vec<PodSample>> {
    let Some(list) = input.get("pods").and_then(Value::as_array) else {
        return Ok(Vec::new());
    };
    list.iter()
        .map(|p| {
            let phase = match p.get("phase").and_then(Value::as_str).unwrap_or("Running") {
                "Running" => PodPhase::Running,
                "Pending" => PodPhase::Pending,
                "Failed" => PodPhase::Failed,
                "Succeeded" => PodPhase::Succeeded,
                other => return Err(format!("unknown pod phase {other}")),
            };
            Ok(PodSample {
                phase,
                ready: p.get("ready").and_then(Value::as_bool).unwrap_or(true),
                deleting: p.get("deleting").and_then(Value::as_bool).unwrap_or(false),
                request_milli: i64_opt(p, "request_milli"),
                usage_milli: i64_opt(p, "usage_milli"),
                value_milli: i64_opt(p, "value_milli"),
            })
        })
        .collect()
}

/// One metric's proposal, through the crate's replica calculator.
fn replica_calculation(input: &Value) -> R<Result<Proposal, Error>> {
    let current = u32_of(input, "current_replicas")?;
    let tol = tolerance(input)?;
    let pods = pods(input)?;
    let metric = input.get("metric").ok_or("missing `metric`")?;
    let target = metric.get("target").ok_or("missing `metric.target`")?;
    let ttype = target.get("type").and_then(Value::as_str).unwrap_or("");
    let avg_value = || i64_opt(target, "average_value_milli").ok_or("missing average_value_milli");
    let obs = Observation::new(current).with_pods(&pods);
    match metric.get("type").and_then(Value::as_str).unwrap_or("") {
        "Resource" | "ContainerResource" => {
            let resource = match metric.get("resource").and_then(Value::as_str) {
                Some("cpu") | None => Resource::Cpu,
                Some(_) => Resource::Memory,
            };
            let target = match ttype {
                "Utilization" => ResourceTarget::Utilization(
                    i64_opt(target, "average_utilization_pct").ok_or("missing utilization")?,
                ),
                "AverageValue" => ResourceTarget::AverageValue(avg_value()?),
                other => return Err(format!("unknown resource target type {other}")),
            };
            Ok(HpaMetric::Resource { resource, target }.propose(&obs, tol))
        }
        "Pods" => Ok(HpaMetric::Pods {
            target_average_milli: avg_value()?,
        }
        .propose(&obs, tol)),
        "External" | "Object" => {
            let total = i64_opt(input, "observed_total_milli")
                .or_else(|| i64_opt(input, "observed_value_milli"))
                .ok_or("missing observed_total_milli")?;
            match ttype {
                "AverageValue" => Ok(hpa::replica::per_pod_total(
                    current,
                    total,
                    avg_value()?,
                    tol,
                )),
                "Value" => {
                    let ready = if pods.is_empty() {
                        input
                            .get("ready_pods")
                            .and_then(Value::as_u64)
                            .and_then(|n| u32::try_from(n).ok())
                            .unwrap_or(current)
                    } else {
                        hpa::replica::ready_pods(&pods)
                    };
                    let t = i64_opt(target, "value_milli").ok_or("missing value_milli")?;
                    Ok(hpa::replica::value_ratio(current, total, t, tol, ready))
                }
                other => Err(format!("unknown target type {other}")),
            }
        }
        other => Err(format!("unknown metric type {other}")),
    }
}

fn rules(v: Option<&Value>, up: bool) -> R<ScalingRules> {
    let default = if up {
        ScalingRules::default_scale_up()
    } else {
        ScalingRules::default_scale_down()
    };
    let v = match v {
        None | Some(Value::Null) => return Ok(default),
        Some(Value::String(s)) if s == "DEFAULT" => return Ok(default),
        Some(v) => v,
    };
    let window = match v.get("stabilization_window_s") {
        None | Some(Value::Null) => default.stabilization_window,
        Some(w) => secs(w)?,
    };
    let select = match v.get("select_policy").and_then(Value::as_str) {
        None | Some("Max") => SelectPolicy::Max,
        Some("Min") => SelectPolicy::Min,
        Some("Disabled") => SelectPolicy::Disabled,
        Some(other) => return Err(format!("unknown select_policy {other}")),
    };
    let mut policies = Vec::new();
    for p in v
        .get("policies")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let kind = match p.get("type").and_then(Value::as_str) {
            Some("Pods") => PolicyKind::Pods,
            Some("Percent") => PolicyKind::Percent,
            other => return Err(format!("unknown policy type {other:?}")),
        };
        let period = secs(p.get("period_s").ok_or("missing period_s")?)?;
        policies
            .push(RatePolicy::new(kind, u32_of(p, "value")?, period).map_err(|e| e.to_string())?);
    }
    if policies.is_empty() {
        policies = default.policies;
    }
    ScalingRules::new(window, select, policies).map_err(|e| e.to_string())
}

fn behavior(input: &Value) -> R<Option<Behavior>> {
    if let Some(b) = input.get("behavior") {
        return match b {
            Value::Null => Ok(None),
            Value::String(s) if s == "DEFAULT" => Ok(Some(Behavior::default())),
            b => Ok(Some(Behavior {
                scale_up: rules(b.get("scale_up"), true)?,
                scale_down: rules(b.get("scale_down"), false)?,
            })),
        };
    }
    Ok(Some(Behavior {
        scale_up: rules(input.get("scale_up"), true)?,
        scale_down: rules(input.get("scale_down"), false)?,
    }))
}

fn timed<T>(input: &Value, key: &str, f: impl Fn(Timestamp, u32) -> T) -> R<Vec<T>> {
    let mut out = Vec::new();
    for e in input
        .get(key)
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        out.push(f(at(f64_of(e, "t_s")?), u32_of(e, "replicas")?));
    }
    Ok(out)
}

fn history(input: &Value) -> R<Vec<Recommendation>> {
    timed(input, "history", |at, replicas| Recommendation {
        at,
        replicas,
    })
}

fn events(input: &Value, key: &str) -> R<Vec<ScaleEvent>> {
    timed(input, key, |at, change| ScaleEvent {
        at,
        change,
        outdated: false,
    })
}

fn now_of(input: &Value) -> Timestamp {
    at(input.get("now_s").and_then(Value::as_f64).unwrap_or(0.0))
}

/// The same normalization through the [`Hpa`] policy: one metric proposing `raw`, the
/// given behavior, bounds and recorded state. `None` when the controller would not look at
/// metrics (current count outside the bounds).
fn via_policy(
    now: Timestamp,
    current: u32,
    raw: u32,
    (min, max): (u32, u32),
    behavior: Behavior,
    state: &HpaState,
) -> R<Option<u32>> {
    if current < min || current > max || (current == 0 && min > 0) {
        return Ok(None);
    }
    let mut spec = HpaSpec::new(min, max, vec![HpaMetric::cpu_utilization(100)]);
    spec.behavior = Some(behavior);
    let hpa = Hpa::new(spec).map_err(|e| e.to_string())?;
    let d = hpa
        .decide_from_proposals(now, current, [MetricProposal::replicas(raw)], state)
        .map_err(|e| e.to_string())?;
    Ok(Some(d.desired))
}

/// Runs one HPA vector; `Ok(())` if it matches.
fn check_hpa(v: &Value) -> R<()> {
    let input = v.get("input").ok_or("missing input")?;
    let expected = v.get("expected").ok_or("missing expected")?;
    let want = |key: &str| u32_of(expected, key);
    let category = v.get("category").and_then(Value::as_str).unwrap_or("");
    match category {
        "replica_calculation" => {
            let got = replica_calculation(input)?;
            if truthy(expected.get("error")) {
                return match got {
                    Err(_) => Ok(()),
                    Ok(p) => Err(format!("expected an error, got {} replicas", p.replicas)),
                };
            }
            let got = got.map_err(|e| format!("error: {e}"))?;
            let w = want("desired_replicas")?;
            if got.replicas != w {
                return Err(format!(
                    "desired {} != expected {w} ({got:?})",
                    got.replicas
                ));
            }
            if let Some(u) = i64_opt(expected, "utilization").or_else(|| i64_opt(expected, "usage"))
                && got.usage != u
            {
                return Err(format!("usage {} != expected {u}", got.usage));
            }
            Ok(())
        }
        "rate_limit_behavior" => {
            let b = behavior(input)?.unwrap_or_default();
            let (got, why) = hpa::behavior::limit_rate(
                now_of(input),
                u32_of(input, "current_replicas")?,
                u32_of(input, "desired_replicas_after_stabilization")?,
                u32_of(input, "min_replicas")?,
                u32_of(input, "max_replicas")?,
                &b,
                &events(input, "scale_up_events")?,
                &events(input, "scale_down_events")?,
            );
            let w = want("desired_replicas")?;
            if got != w {
                return Err(format!("desired {got} != expected {w} ({})", why.as_str()));
            }
            if let Some(r) = expected.get("condition_reason").and_then(Value::as_str)
                && why.as_str() != r
            {
                return Err(format!("reason {} != expected {r}", why.as_str()));
            }
            // And through the policy (empty history: stabilization changes nothing).
            let state = HpaState::from_history(
                &[],
                events(input, "scale_up_events")?,
                events(input, "scale_down_events")?,
            );
            let bounds = (
                u32_of(input, "min_replicas")?,
                u32_of(input, "max_replicas")?,
            );
            let current = u32_of(input, "current_replicas")?;
            let raw = u32_of(input, "desired_replicas_after_stabilization")?;
            if let Some(p) = via_policy(now_of(input), current, raw, bounds, b, &state)?
                && p != w
            {
                return Err(format!(
                    "through the Hpa policy: desired {p} != expected {w}"
                ));
            }
            Ok(())
        }
        "stabilization_behavior" => {
            let got = hpa::behavior::stabilize(
                now_of(input),
                u32_of(input, "current_replicas")?,
                u32_of(input, "desired_replicas_raw")?,
                secs(
                    input
                        .get("scale_up_stabilization_window_s")
                        .ok_or("missing up window")?,
                )?,
                secs(
                    input
                        .get("scale_down_stabilization_window_s")
                        .ok_or("missing down window")?,
                )?,
                &history(input)?,
            );
            let w = want("stabilized_replicas")?;
            if got != w {
                return Err(format!("stabilized {got} != expected {w}"));
            }
            // And through the policy, with rate policies too wide to bind.
            let wide = |window| {
                ScalingRules::new(
                    window,
                    SelectPolicy::Max,
                    vec![RatePolicy::percent(100_000, Duration::from_secs(15)).expect("valid")],
                )
                .map_err(|e| e.to_string())
            };
            let b = Behavior {
                scale_up: wide(secs(&input["scale_up_stabilization_window_s"])?)?,
                scale_down: wide(secs(&input["scale_down_stabilization_window_s"])?)?,
            };
            let state = HpaState::from_history(&history(input)?, Vec::new(), Vec::new());
            let current = u32_of(input, "current_replicas")?;
            let raw = u32_of(input, "desired_replicas_raw")?;
            match via_policy(now_of(input), current, raw, (0, u32::MAX), b, &state)? {
                Some(p) if p != w => Err(format!("through the Hpa policy: {p} != expected {w}")),
                _ => Ok(()),
            }
        }
        "stabilization_legacy" => {
            let window = input
                .get("downscale_stabilization_window_s")
                .map_or(Ok(Duration::from_secs(300)), secs)?;
            let got = hpa::behavior::stabilize_legacy(
                now_of(input),
                u32_of(input, "desired_replicas_raw")?,
                window,
                &history(input)?,
            );
            let w = want("stabilized_replicas")?;
            (got == w)
                .then_some(())
                .ok_or(format!("stabilized {got} != expected {w}"))
        }
        "controller" => {
            let current = u32_of(input, "current_replicas")?;
            let mut spec = HpaSpec::new(
                u32_of(input, "min_replicas")?,
                u32_of(input, "max_replicas")?,
                vec![HpaMetric::cpu_utilization(100)],
            );
            spec.behavior = behavior(input)?;
            if input.get("behavior").is_none() {
                spec.behavior = None; // the controller tests' HPAs have no behavior
            }
            let policy = Hpa::new(spec).map_err(|e| e.to_string())?;
            let state = HpaState::from_history(
                &history(input)?,
                events(input, "scale_up_events")?,
                events(input, "scale_down_events")?,
            );
            let mut proposals = Vec::new();
            for p in input
                .get("metric_proposals")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                proposals.push(if truthy(p.get("error")) {
                    MetricProposal::failed(Error::NoPodMetrics)
                } else {
                    MetricProposal::replicas(u32_of(p, "replicas")?)
                });
            }
            // An error means "no rescale": the count stays where it is.
            let got = policy
                .decide_from_proposals(now_of(input), current, proposals, &state)
                .map_or(current, |d| d.desired);
            let w = want("desired_replicas")?;
            (got == w)
                .then_some(())
                .ok_or(format!("desired {got} != expected {w}"))
        }
        other => Err(format!("unknown category `{other}`: no check for it")),
    }
}

fn kpa_spec(s: &Value) -> R<KpaSpec> {
    let target = f64_of(s, "target").or_else(|_| f64_of(s, "target_value"))?;
    let mut spec = KpaSpec::new(target).map_err(|e| e.to_string())?;
    if let Ok(x) = f64_of(s, "panic_threshold") {
        spec.panic_threshold = x;
    }
    if let Ok(x) = f64_of(s, "max_scale_up_rate") {
        spec.max_scale_up_rate = x;
    }
    if let Ok(x) = f64_of(s, "max_scale_down_rate") {
        spec.max_scale_down_rate = x;
    }
    if let Some(x) = s.get("stable_window") {
        spec.stable_window = secs(x)?;
    }
    if let Some(x) = s.get("panic_window") {
        spec.panic_window = secs(x)?;
    }
    if let Some(x) = s.get("scale_down_delay") {
        spec.scale_down_delay = secs(x)?;
    }
    if let Some(x) = s.get("activation_scale").and_then(Value::as_u64) {
        spec.activation_scale = u32::try_from(x).map_err(|e| e.to_string())?;
    }
    if let Some(x) = s.get("reachable").and_then(Value::as_bool) {
        spec.reachable = x;
    }
    Ok(spec)
}

fn check_kpa(v: &Value) -> R<()> {
    let kpa =
        Kpa::new(kpa_spec(v.get("spec").ok_or("missing spec")?)?).map_err(|e| e.to_string())?;
    let created = u32_of(v, "ready_at_creation").unwrap_or(0);
    let steps = v
        .get("steps")
        .and_then(Value::as_array)
        .ok_or("missing steps")?;
    let expected = v
        .get("expected_desired")
        .and_then(Value::as_array)
        .ok_or("missing expected_desired")?;
    if steps.len() != expected.len() {
        return Err("steps and expected_desired differ in length".into());
    }
    // The decider is created at the simulated epoch (Knative's tests create it just before
    // the first step).
    let first = steps
        .first()
        .and_then(|s| s.get("t_s"))
        .and_then(Value::as_f64)
        .unwrap_or(0.0);
    let mut state = kpa.state_at_creation(at(first.min(0.0)), created);
    for (i, (s, e)) in steps.iter().zip(expected).enumerate() {
        let now = at(f64_of(s, "t_s")?);
        let ready = u32_of(s, "ready_pods")?;
        let (stable, panic) = (f64_of(s, "stable")?, f64_of(s, "panic")?);
        let d = kpa
            .decide_windowed(now, ready, stable, panic, &state)
            .map_err(|e| format!("step {i}: {e}"))?;
        let w = e.as_u64().ok_or("bad expected value")?;
        if u64::from(d.desired) != w {
            return Err(format!(
                "step {i} (t={now}): desired {} != expected {w} ({d})",
                d.desired
            ));
        }
        kpa.commit_windowed(&mut state, now, ready, stable, panic);
    }
    Ok(())
}

fn run(file: &str, check: fn(&Value) -> R<()>) -> usize {
    let doc = load(file);
    let vectors = doc["vectors"].as_array().expect("`vectors` array");
    assert!(!vectors.is_empty(), "{file} has no vectors");
    let mut failures = Vec::new();
    for v in vectors {
        let id = v.get("id").and_then(Value::as_str).unwrap_or("<no id>");
        if let Err(e) = check(v) {
            failures.push(format!("{id}: {e}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} vectors in {file} failed:\n  {}",
        failures.len(),
        vectors.len(),
        failures.join("\n  ")
    );
    vectors.len()
}

#[test]
fn hpa_vectors_all_pass() {
    let n = run("hpa_vectors.json", check_hpa);
    println!("hpa_vectors.json: {n} vectors passed");
}

#[test]
fn kpa_vectors_all_pass() {
    let n = run("kpa_vectors.json", check_kpa);
    println!("kpa_vectors.json: {n} vectors passed");
}
