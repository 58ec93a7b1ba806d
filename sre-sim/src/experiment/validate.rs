//! [`compile`]: an [`ExperimentSpec`] checked against its scenario (every error names its
//! field) and turned into the [`Program`] a run follows.

use super::spec::{AbortCondition, Above, ExperimentSpec, Signal, SteadyStateProbe};
use crate::Error;
use crate::limits::MAX_TICKS;
use crate::scenario::{Scenario, Span};
use core::time::Duration;
use sre_chaos::guard::{Condition, Guard, MAX_CONDITIONS};
use sre_chaos::{Activity, Experiment, HypothesisProbe, Mode, RollbackStrategy, Tolerance};
use sre_core::{Objective, Timestamp};

/// The most steady-state probes an experiment holds.
pub const MAX_PROBES: usize = 64;
/// The longest `title` or `hypothesis`, in characters.
pub const MAX_TEXT: usize = 1024;
/// The longest name (a probe's, a condition's, a method entry), in characters.
pub const MAX_NAME: usize = 256;
/// The longest tolerance, in characters of its JSON text.
pub const MAX_TOLERANCE_CHARS: usize = 4096;
/// The guard's interval when `tick` is absent.
pub const DEFAULT_TICK: Duration = Duration::from_secs(10);
/// The time from the method's end to the after steady state when `settle` is absent.
pub const DEFAULT_SETTLE: Duration = Duration::from_secs(60);

const MINUTE_NS: u64 = 60_000_000_000;

/// A steady-state probe, ready to read.
#[derive(Debug, Clone)]
pub(crate) struct ProbePlan {
    pub(crate) name: String,
    pub(crate) signal: Signal,
    pub(crate) window: Duration,
    pub(crate) q: f64,
    pub(crate) per_secs: f64,
    pub(crate) tolerance: serde_json::Value,
}

/// What the journal says about an abort condition.
#[derive(Debug, Clone)]
pub(crate) struct ConditionInfo {
    pub(crate) window: Option<Duration>,
    /// Seconds in the rate's unit (rate conditions), else 1.
    pub(crate) per_secs: f64,
}

/// An experiment checked against its scenario: what the run does, and when.
#[derive(Debug, Clone)]
pub(crate) struct Program {
    pub(crate) title: String,
    pub(crate) hypothesis: String,
    /// The Chaos Toolkit experiment replayed by `sre_chaos::run`: the probes, one method
    /// activity and one rollback per method fault.
    pub(crate) chaos: Experiment,
    /// The method's faults (indices into the scenario's faults), in start order.
    pub(crate) method: Vec<usize>,
    /// Each method fault's scheduled start and end, ns.
    pub(crate) schedule: Vec<(u64, u64)>,
    /// The method's first start and last scheduled end.
    pub(crate) start_ns: u64,
    pub(crate) end_ns: u64,
    /// The before and after steady-state checks (whole minutes).
    pub(crate) before_ns: u64,
    pub(crate) after_ns: u64,
    pub(crate) tick_ns: u64,
    pub(crate) abort_at_ns: Option<u64>,
    pub(crate) probes: Vec<ProbePlan>,
    pub(crate) conditions: Vec<Condition>,
    pub(crate) condition_info: Vec<ConditionInfo>,
    pub(crate) objective: Objective,
}

fn err(field: impl Into<String>, problem: impl Into<String>) -> Error {
    Error::field(field, problem)
}

fn text(field: &str, s: &str, max: usize) -> Result<(), Error> {
    let n = s.chars().count();
    if n > max {
        return Err(err(
            field,
            format!("has {n} characters; give at most {max}"),
        ));
    }
    Ok(())
}

fn nanos(d: Duration) -> u64 {
    sre_core::duration_to_nanos_saturating(d)
}

/// A window of the SLI: whole minutes, above zero, at most the SLO period.
fn window(field: &str, w: Span, period: Duration) -> Result<Duration, Error> {
    let ns = w.0.as_nanos();
    if ns == 0 || !ns.is_multiple_of(u128::from(MINUTE_NS)) {
        return Err(err(
            field,
            format!(
                "is {:?}; give whole minutes (the SLI window's resolution), e.g. \"1m\"",
                w.0
            ),
        ));
    }
    if w.0 > period {
        return Err(err(
            field,
            format!(
                "is {:?}, longer than slo.period ({period:?}), the SLI window's horizon",
                w.0
            ),
        ));
    }
    Ok(w.0)
}

fn per(field: &str, p: Option<Span>) -> Result<f64, Error> {
    match p {
        None => Ok(1.0),
        Some(p) if p.0.is_zero() => Err(err(field, "is zero; give a unit of time, e.g. \"1m\"")),
        Some(p) => Ok(p.0.as_secs_f64()),
    }
}

fn quantile(field: &str, q: Option<f64>) -> Result<f64, Error> {
    let q = q.ok_or_else(|| err(field, "is missing; a `quantile` signal needs it, e.g. 0.99"))?;
    if q.is_finite() && (0.0..=1.0).contains(&q) {
        Ok(q)
    } else {
        Err(err(
            field,
            format!("is {q}; give a quantile in [0, 1], e.g. 0.99"),
        ))
    }
}

fn forbid(field: String, set: bool, what: &str) -> Result<(), Error> {
    if set {
        Err(err(
            field,
            format!("is set, but {what} does not use it; remove it"),
        ))
    } else {
        Ok(())
    }
}

fn probe(
    i: usize,
    p: &SteadyStateProbe,
    period: Duration,
    before_ns: u64,
) -> Result<(ProbePlan, HypothesisProbe), Error> {
    let f = |s: &str| format!("experiment.steady_state[{i}].{s}");
    text(&f("name"), &p.name, MAX_NAME)?;
    let w = window(&f("window"), p.window, period)?;
    if nanos(w) > before_ns {
        return Err(err(
            f("window"),
            format!(
                "is {w:?}, but the before check at {:?} (the whole minute at or before the \
                 method's first fault) has only that much of the run behind it; shorten the \
                 window or start the method later",
                Duration::from_nanos(before_ns)
            ),
        ));
    }
    let what = format!("a `{}` probe", p.signal.name());
    forbid(f("q"), p.q.is_some() && p.signal != Signal::Quantile, &what)?;
    forbid(f("per"), p.per.is_some() && p.signal != Signal::Rate, &what)?;
    let q = if p.signal == Signal::Quantile {
        quantile(&f("q"), p.q)?
    } else {
        0.0
    };
    let per_secs = per(&f("per"), p.per)?;
    let json = p.tolerance.to_string();
    if json.chars().count() > MAX_TOLERANCE_CHARS {
        return Err(err(
            f("tolerance"),
            format!(
                "has {} characters as JSON; give at most {MAX_TOLERANCE_CHARS}",
                json.chars().count()
            ),
        ));
    }
    let tolerance = Tolerance::from_json(&p.tolerance)
        .map_err(|e| err(f("tolerance"), format!("is {json}: {e}")))?;
    numeric_tolerance(&p.tolerance)
        .map_err(|why| err(f("tolerance"), format!("is {json}: {why}")))?;
    let name = if p.name.is_empty() {
        p.signal.name().to_owned()
    } else {
        p.name.clone()
    };
    Ok((
        ProbePlan {
            name: name.clone(),
            signal: p.signal,
            window: w,
            q,
            per_secs,
            tolerance: p.tolerance.clone(),
        },
        HypothesisProbe { name, tolerance },
    ))
}

fn condition(
    i: usize,
    c: &AbortCondition,
    period: Duration,
    run: Duration,
    objective: Objective,
) -> Result<(Condition, ConditionInfo), Error> {
    let f = |s: &str| format!("experiment.abort[{i}].{s}");
    text(&f("name"), &c.name, MAX_NAME)?;
    let number = |field: &str| match c.above {
        Some(Above::Number(x)) if x.is_finite() && x >= 0.0 => Ok(x),
        Some(Above::Number(x)) => Err(err(f(field), format!("is {x}; give a finite number >= 0"))),
        Some(Above::Duration(d)) => Err(err(
            f(field),
            format!(
                "is {:?}, a duration; this signal takes a number, e.g. 0.05",
                d.0
            ),
        )),
        None => Err(err(f(field), "is missing; give the threshold, e.g. 0.05")),
    };
    match (c.signal, c.deadline) {
        (Some(_), Some(_)) => Err(err(
            f("deadline"),
            "is set with `signal`; a condition is either a signal or a deadline",
        )),
        (None, None) => Err(err(
            format!("experiment.abort[{i}]"),
            "has neither `signal` nor `deadline`; give one",
        )),
        (None, Some(d)) => {
            let what = "a deadline";
            forbid(f("window"), c.window.is_some(), what)?;
            forbid(f("above"), c.above.is_some(), what)?;
            forbid(f("q"), c.q.is_some(), what)?;
            forbid(f("min_count"), c.min_count.is_some(), what)?;
            forbid(f("expected"), c.expected.is_some(), what)?;
            forbid(f("tolerance"), c.tolerance.is_some(), what)?;
            forbid(f("per"), c.per.is_some(), what)?;
            if d.0.is_zero() || d.0 > run {
                return Err(err(
                    f("deadline"),
                    format!(
                        "is {:?}; give a duration above zero and at most the run's ({run:?})",
                        d.0
                    ),
                ));
            }
            let name = if c.name.is_empty() {
                "deadline".to_owned()
            } else {
                c.name.clone()
            };
            Ok((
                Condition::Deadline { name, within: d.0 },
                ConditionInfo {
                    window: None,
                    per_secs: 1.0,
                },
            ))
        }
        (Some(signal), None) => {
            let what = format!("a `{}` condition", signal.name());
            let sliding = signal != Signal::Quantile;
            forbid(f("q"), c.q.is_some() && sliding, &what)?;
            forbid(f("min_count"), c.min_count.is_some() && sliding, &what)?;
            forbid(f("window"), c.window.is_some() && !sliding, &what)?;
            let rate = signal == Signal::Rate;
            forbid(f("expected"), c.expected.is_some() && !rate, &what)?;
            forbid(f("tolerance"), c.tolerance.is_some() && !rate, &what)?;
            forbid(f("per"), c.per.is_some() && !rate, &what)?;
            forbid(f("above"), c.above.is_some() && rate, &what)?;
            let w = match c.window {
                Some(w) => Some(window(&f("window"), w, period)?),
                None if sliding => {
                    return Err(err(
                        f("window"),
                        format!("is missing; {what} needs it, e.g. \"1m\""),
                    ));
                }
                None => None,
            };
            let per_secs = per(&f("per"), c.per)?;
            let info = ConditionInfo {
                window: w,
                per_secs,
            };
            let w = w.unwrap_or_default();
            let cond = match signal {
                Signal::ErrorRatio => Condition::ErrorRatioAbove {
                    window: w,
                    threshold: number("above")?,
                },
                Signal::BurnRate => Condition::BurnRateAbove {
                    window: w,
                    objective,
                    burn: number("above")?,
                },
                Signal::Quantile => {
                    let limit = match c.above {
                        Some(Above::Duration(d)) if !d.0.is_zero() => d.nanos(),
                        Some(Above::Duration(_)) => {
                            return Err(err(f("above"), "is zero; give a latency, e.g. \"500ms\""));
                        }
                        Some(Above::Number(x)) => {
                            return Err(err(
                                f("above"),
                                format!(
                                    "is {x}; a `quantile` condition takes a duration, e.g. \"500ms\""
                                ),
                            ));
                        }
                        None => {
                            return Err(err(
                                f("above"),
                                "is missing; give the latency, e.g. \"500ms\"",
                            ));
                        }
                    };
                    Condition::QuantileAbove {
                        q: quantile(&f("q"), c.q)?,
                        limit,
                        min_count: c.min_count.unwrap_or(1).max(1),
                    }
                }
                Signal::Rate => {
                    let expected = c.expected.ok_or_else(|| {
                        err(
                            f("expected"),
                            "is missing; give the expected rate per `per`",
                        )
                    })?;
                    if !(expected.is_finite() && expected > 0.0) {
                        return Err(err(
                            f("expected"),
                            format!("is {expected}; give a finite rate above 0"),
                        ));
                    }
                    let tolerance = c.tolerance.ok_or_else(|| {
                        err(
                            f("tolerance"),
                            "is missing; give the relative deviation, e.g. 0.5",
                        )
                    })?;
                    if !(tolerance.is_finite() && tolerance >= 0.0) {
                        return Err(err(
                            f("tolerance"),
                            format!("is {tolerance}; give a finite fraction >= 0, e.g. 0.5"),
                        ));
                    }
                    Condition::RateOutside {
                        window: w,
                        expected: expected / per_secs,
                        tolerance,
                    }
                }
            };
            Ok((cond, info))
        }
    }
}

/// Checks `spec` against `scenario` (whose faults are already valid) and builds what the
/// run follows.
pub(crate) fn compile(spec: &ExperimentSpec, scenario: &Scenario) -> Result<Program, Error> {
    text("experiment.title", &spec.title, MAX_TEXT)?;
    text("experiment.hypothesis", &spec.hypothesis, MAX_TEXT)?;
    let faults = &scenario.faults;
    let run = scenario.duration.0;
    let period = scenario.slo.period.0;
    let objective = scenario.slo.objective()?;

    // The method.
    if spec.method.len() > crate::limits::MAX_FAULTS {
        return Err(err(
            "experiment.method",
            format!(
                "has {} entries; give at most {}",
                spec.method.len(),
                crate::limits::MAX_FAULTS
            ),
        ));
    }
    let mut method: Vec<usize> = if spec.method.is_empty() {
        (0..faults.len()).collect()
    } else {
        let mut m = Vec::new();
        for (j, name) in spec.method.iter().enumerate() {
            let field = format!("experiment.method[{j}]");
            text(&field, name, MAX_NAME)?;
            if spec.method[..j].contains(name) {
                return Err(err(
                    field,
                    format!("repeats {name:?}; name each fault once"),
                ));
            }
            let before = m.len();
            m.extend((0..faults.len()).filter(|&i| faults[i].label() == name));
            if m.len() == before {
                let known: Vec<&str> = faults.iter().take(10).map(|f| f.label()).collect();
                return Err(err(
                    field,
                    format!(
                        "is {name:?}, which names no fault; the faults are named {known:?} \
                         (a fault's `name`, or its kind)"
                    ),
                ));
            }
        }
        m
    };
    if method.is_empty() {
        return Err(err(
            "experiment.method",
            "selects no fault: the scenario has no [[faults]]; an experiment's method is its faults",
        ));
    }
    method.sort_by_key(|&i| (faults[i].at, i));
    method.dedup();
    let schedule: Vec<(u64, u64)> = method
        .iter()
        .map(|&i| {
            let f = &faults[i];
            let at = f.at.nanos();
            (at, at.saturating_add(f.duration.map_or(0, Span::nanos)))
        })
        .collect();
    let start_ns = schedule.iter().map(|s| s.0).min().unwrap_or(0);
    let end_ns = schedule.iter().map(|s| s.1).max().unwrap_or(0);
    let before_ns = start_ns / MINUTE_NS * MINUTE_NS;
    let settle = spec.settle.map_or(DEFAULT_SETTLE, |s| s.0);
    let after_ns = end_ns
        .saturating_add(nanos(settle))
        .div_ceil(MINUTE_NS)
        .saturating_mul(MINUTE_NS);
    if after_ns > nanos(run) {
        return Err(err(
            "experiment.settle",
            format!(
                "is {settle:?}: the method ends at {:?} and its after check at {:?} (the next \
                 whole minute), past the run's end ({run:?}); lengthen `duration` or shorten `settle`",
                Duration::from_nanos(end_ns),
                Duration::from_nanos(after_ns)
            ),
        ));
    }

    // The guard's clock.
    let tick = spec.tick.map_or(DEFAULT_TICK, |t| t.0);
    if tick.is_zero() {
        return Err(err(
            "experiment.tick",
            "is zero; give an interval, e.g. \"10s\"",
        ));
    }
    if run.as_nanos() / tick.as_nanos() > u128::from(MAX_TICKS) {
        return Err(err(
            "experiment.tick",
            format!("is {tick:?}, more than {MAX_TICKS} ticks over `duration`; give a longer one"),
        ));
    }
    let abort_at_ns = match spec.abort_at {
        None => None,
        Some(a) if a.nanos() < start_ns || a.0 >= run => {
            return Err(err(
                "experiment.abort_at",
                format!(
                    "is {:?}; give a time from the method's start ({:?}) to the run's end ({run:?})",
                    a.0,
                    Duration::from_nanos(start_ns)
                ),
            ));
        }
        Some(a) => Some(a.nanos()),
    };

    // Mode and rollback strategy.
    let mode = match spec.mode.as_deref() {
        None | Some("compatible") => Mode::Compatible,
        Some("strict") => Mode::Strict,
        Some(other) => {
            return Err(err(
                "experiment.mode",
                format!("is {other:?}; give \"compatible\" or \"strict\""),
            ));
        }
    };
    let rollback = match spec.rollback_strategy.as_deref() {
        None => RollbackStrategy::Always,
        Some(s) => RollbackStrategy::parse(s)
            .map_err(|e| err("experiment.rollback_strategy", e.to_string()))?,
    };

    // The probes and the conditions.
    if spec.steady_state.len() > MAX_PROBES {
        return Err(err(
            "experiment.steady_state",
            format!(
                "has {} probes; give at most {MAX_PROBES}",
                spec.steady_state.len()
            ),
        ));
    }
    let mut probes = Vec::with_capacity(spec.steady_state.len());
    let mut hypothesis = Vec::with_capacity(spec.steady_state.len());
    for (i, p) in spec.steady_state.iter().enumerate() {
        let (plan, h) = probe(i, p, period, before_ns)?;
        probes.push(plan);
        hypothesis.push(h);
    }
    if spec.abort.len() > MAX_CONDITIONS {
        return Err(err(
            "experiment.abort",
            format!(
                "has {} conditions; give at most {MAX_CONDITIONS}",
                spec.abort.len()
            ),
        ));
    }
    let mut conditions = Vec::with_capacity(spec.abort.len());
    let mut condition_info = Vec::with_capacity(spec.abort.len());
    for (i, c) in spec.abort.iter().enumerate() {
        let (cond, info) = condition(i, c, period, run, objective)?;
        conditions.push(cond);
        condition_info.push(info);
    }
    Guard::new(Timestamp::ZERO, conditions.clone())
        .map_err(|e| err("experiment.abort", e.to_string()))?;

    let label = |i: usize| faults[i].label().to_owned();
    let chaos = Experiment::new(
        hypothesis,
        method.iter().map(|&i| Activity::action(label(i))).collect(),
        method
            .iter()
            .map(|&i| Activity::action(format!("end {}", label(i))))
            .collect(),
    )
    .map_err(|e| err("experiment", e.to_string()))?
    .with_mode(mode)
    .with_rollback_strategy(rollback);

    Ok(Program {
        title: spec.title.clone(),
        hypothesis: spec.hypothesis.clone(),
        chaos,
        method,
        schedule,
        start_ns,
        end_ns,
        before_ns,
        after_ns,
        tick_ns: nanos(tick),
        abort_at_ns,
        probes,
        conditions,
        condition_info,
        objective,
    })
}

/// A probe's value is a number: its tolerance must be able to match one — an exact
/// number, a list of finite numbers (two of them an inclusive range, lower first), or a
/// `range` (or comparator) object over finite numbers. Anything else would never hold and
/// silently skip the method.
fn numeric_tolerance(t: &serde_json::Value) -> Result<(), String> {
    use serde_json::Value;
    let finite = |v: &Value| v.as_f64().is_some_and(f64::is_finite);
    let range = |a: &[Value]| {
        if !a.iter().all(finite) {
            return Err("every bound must be a finite number".to_owned());
        }
        if let [lo, hi] = a
            && lo.as_f64() > hi.as_f64()
        {
            return Err(
                "the range's lower bound is above its upper bound; write [lower, upper]".to_owned(),
            );
        }
        Ok(())
    };
    match t {
        Value::Number(_) => Ok(()),
        Value::Array(a) if !a.is_empty() => range(a),
        Value::Object(o) => match (o.get("type").and_then(Value::as_str), o.get("range")) {
            (Some("range"), Some(Value::Array(a))) => range(a),
            (Some("range"), _) => Err("a range needs `range = [lower, upper]`".to_owned()),
            (Some("probe"), _) => Ok(()),
            _ => Err(
                "a probe's value is a number: give a number, [lower, upper] or a `range`"
                    .to_owned(),
            ),
        },
        _ => Err(
            "a probe's value is a number: give a number, [lower, upper] or a `range`".to_owned(),
        ),
    }
}
