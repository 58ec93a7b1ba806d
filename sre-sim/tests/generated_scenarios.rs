//! Scenario files generated across the whole accepted range of every field, and past it
//! (absurd rates, pools, durations, intervals, queues, and `[[faults]]` of every kind
//! with absurd but valid values: a fault as long as the run, a slowdown of 1000, a
//! latency of an hour, a loss of every server, zones and regions past the pool, and
//! fields a kind does not use): each is refused with an error
//! naming a field, or runs to a report whose counts add up, at a cost within the
//! documented bounds ([`sre_sim::limits`]): the expected requests within
//! `MAX_EXPECTED_REQUESTS`, and — for the runs small enough to make here — the requests
//! processed within a Poisson bound of that expectation and the bytes allocated within a
//! linear budget in requests, boundaries and servers.
//!
//! Cases: `SRE_SIM_GENERATED_CASES` (default 48, for CI); e.g. 5000 locally in release:
//! `SRE_SIM_GENERATED_CASES=5000 cargo test --release -p sre-sim --test generated_scenarios`.
//!
//! One test function only: the counting allocator counts every thread.
#![cfg(feature = "serde")]

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use sre_sim::limits::{MAX_EXPECTED_REQUESTS, MAX_SERVERS};
use sre_sim::{Error, Scenario, Simulation};
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};
use std::alloc::System;
use std::panic::AssertUnwindSafe;

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

/// Runs at most this big are made here (expected requests, boundaries, servers); bigger
/// accepted ones are checked for their bound only.
const RUN_REQUESTS: f64 = 10_000.0;
const RUN_BOUNDARIES: f64 = 5_000.0;
const RUN_SERVERS: u64 = 20_000;

/// The allocation budget of a run, counted as bytes allocated over the run (not peak): a
/// fixed part (histogram, SLI window over the period, evaluator), then per request (a
/// queue slot, doubled), per boundary (an action with its reason, alert events), per
/// timeline point (a histogram snapshot and its delta for the interval's quantiles, freed
/// at once) and per server (a heap slot and a pod sample a decision, each at most doubled).
const BASE_BYTES: u64 = 64 << 20;
const BYTES_PER_REQUEST: u64 = 64;
const BYTES_PER_BOUNDARY: u64 = 2048;
const BYTES_PER_REPORT_POINT: u64 = 512 << 10;
const BYTES_PER_SERVER: u64 = 512;
/// A fault's record, its label and its share of the pool changes' reasons.
const BYTES_PER_FAULT: u64 = 1024;

/// A duration in scenario syntax from a nanosecond count spread over 1 ns … 10^21 ns.
fn duration() -> impl Strategy<Value = String> {
    prop_oneof![
        (1u64..1_000_000).prop_map(|n| format!("{n}ns")),
        (1u64..100_000).prop_map(|n| format!("{n}ms")),
        (1u64..100_000).prop_map(|n| format!("{n}s")),
        (1u64..100_000).prop_map(|n| format!("{n}m")),
        (1u64..100_000).prop_map(|n| format!("{n}h")),
        (1u64..100_000_000_000).prop_map(|n| format!("{n}d")),
        (0.0f64..10.0).prop_map(|x| format!("{x:.3}s")),
    ]
}

/// A positive number log-uniform over 10^lo … 10^hi, written in decimal.
fn log_uniform(lo: f64, hi: f64) -> impl Strategy<Value = f64> {
    (lo..hi).prop_map(|e| 10f64.powf(e))
}

fn count() -> impl Strategy<Value = u64> {
    prop_oneof![
        0u64..20,
        1u64..2_000,
        (0u32..64).prop_map(|bits| 1u64 << bits.min(63))
    ]
}

#[derive(Debug, Clone)]
struct Raw {
    duration: String,
    report_interval: String,
    mean_rps: f64,
    amplitude: f64,
    events: Vec<(String, String, f64)>,
    distribution: u8,
    service: String,
    sigma: f64,
    max_queue: Option<u64>,
    timeout: Option<String>,
    servers: (u64, u64, u64),
    warmup: String,
    objective: f64,
    threshold: String,
    period: String,
    evaluation: String,
    policy: Option<(u8, String, String)>,
    schedule: Vec<(String, u64)>,
    zones: (u64, u64),
    faults: Vec<RawFault>,
}

/// One `[[faults]]` entry: every field optional, so a kind may lack what it needs or
/// carry what it does not use.
#[derive(Debug, Clone)]
struct RawFault {
    kind: u8,
    at: String,
    duration: Option<String>,
    servers: Option<u64>,
    add: Option<String>,
    share: Option<f64>,
    probability: Option<f64>,
    factor: Option<f64>,
    effect: Option<u8>,
}

const FAULT_KINDS: [&str; 7] = [
    "instance_loss",
    "zone_loss",
    "region_loss",
    "latency",
    "errors",
    "slowdown",
    "dependency",
];

/// A fault with the fields its kind needs, at plausible values (or their extremes).
fn plausible_fault() -> impl Strategy<Value = RawFault> {
    (
        0u8..7,
        prop_oneof![secs(0, 60), secs(0, 4 * 3600)],
        prop_oneof![secs(1, 900), secs(1, 30), Just("100d".to_owned())],
        prop_oneof![1u64..5, Just(MAX_SERVERS)],
        prop_oneof![
            (1u64..2_000).prop_map(|n| format!("{n}ms")),
            Just("1h".to_owned())
        ],
        prop_oneof![0.001f64..=1.0, Just(1.0)],
        prop_oneof![1.0f64..10.0, Just(1000.0)],
        0u8..2,
        any::<bool>(),
    )
        .prop_map(
            |(kind, at, duration, servers, add, fraction, factor, effect, lasts)| {
                let k = FAULT_KINDS[usize::from(kind)];
                let loses = kind < 3;
                RawFault {
                    kind,
                    at,
                    duration: (!loses || lasts).then_some(duration),
                    servers: (k == "instance_loss").then_some(servers),
                    add: (k == "latency").then_some(add),
                    share: (k == "latency" && lasts).then_some(fraction),
                    probability: (k == "errors").then_some(fraction),
                    factor: (k == "slowdown").then_some(factor),
                    effect: (k == "dependency").then_some(effect),
                }
            },
        )
}

/// A fault with any fields at any values, zero-length windows included.
fn any_fault() -> impl Strategy<Value = RawFault> {
    (
        0u8..7,
        duration(),
        proptest::option::of(prop_oneof![duration(), Just("0s".to_owned())]),
        proptest::option::of(count()),
        proptest::option::of(prop_oneof![duration(), Just("0s".to_owned())]),
        proptest::option::of(-0.5f64..1.5),
        proptest::option::of(-0.5f64..1.5),
        proptest::option::of(prop_oneof![0.0f64..2.0, 0.0f64..2000.0]),
        proptest::option::of(0u8..2),
    )
        .prop_map(
            |(kind, at, duration, servers, add, share, probability, factor, effect)| RawFault {
                kind,
                at,
                duration,
                servers,
                add,
                share,
                probability,
                factor,
                effect,
            },
        )
}

/// Mostly a plausible value (so that many files are accepted and run), sometimes
/// anything at all.
fn mostly<T: core::fmt::Debug + Clone + 'static>(
    plausible: impl Strategy<Value = T> + 'static,
    anything: impl Strategy<Value = T> + 'static,
) -> BoxedStrategy<T> {
    prop_oneof![4 => plausible, 1 => anything].boxed()
}

fn secs(lo: u64, hi: u64) -> impl Strategy<Value = String> {
    (lo..hi).prop_map(|n| format!("{n}s"))
}

fn raw() -> impl Strategy<Value = Raw> {
    (
        (
            mostly(secs(60, 4 * 3600), duration()),
            mostly(secs(1, 600), duration()),
            mostly(log_uniform(-2.0, 1.5), log_uniform(-6.0, 15.0)),
            mostly(0.0f64..0.9, -0.5f64..1.5),
        ),
        mostly(
            proptest::collection::vec((secs(0, 3600), secs(1, 3600), log_uniform(-1.0, 1.0)), 0..3),
            proptest::collection::vec((duration(), duration(), log_uniform(-3.0, 12.0)), 0..4),
        ),
        (
            0u8..3,
            mostly((1u64..500).prop_map(|n| format!("{n}ms")), duration()),
            mostly(0.0f64..1.5, 0.0f64..8.0),
            mostly(
                proptest::option::of(0u64..1000),
                proptest::option::of(count()),
            ),
            mostly(
                proptest::option::of(secs(1, 30)),
                proptest::option::of(duration()),
            ),
        ),
        (
            mostly(
                (1u64..4, 0u64..4, 0u64..40).prop_map(|(min, i, w)| (min + i, min, min + i + w)),
                (count(), count(), count()),
            ),
            mostly(secs(0, 300), duration()),
        ),
        (
            prop_oneof![90.0f64..99.999, 0.5f64..100.5],
            mostly(secs(1, 20), duration()),
            mostly((3u64..60).prop_map(|n| format!("{n}d")), duration()),
            mostly(secs(10, 600), duration()),
        ),
        proptest::option::of((
            0u8..6,
            mostly(secs(5, 600), duration()),
            mostly(secs(1, 1200), duration()),
        )),
        mostly(
            proptest::collection::vec((secs(0, 7200), 1u64..10), 0..3),
            proptest::collection::vec((duration(), count()), 0..3),
        ),
        (
            mostly(
                (1u64..4, 0u64..4).prop_map(|(r, z)| (r + z, r)),
                (count(), count()),
            ),
            mostly(
                proptest::collection::vec(plausible_fault(), 0..5),
                proptest::collection::vec(any_fault(), 0..6),
            ),
        ),
    )
        .prop_map(
            |(
                (duration, report_interval, mean_rps, amplitude),
                events,
                (distribution, service, sigma, max_queue, timeout),
                (servers, warmup),
                (objective, threshold, period, evaluation),
                policy,
                schedule,
                (zones, faults),
            )| Raw {
                duration,
                report_interval,
                mean_rps,
                amplitude,
                events,
                distribution,
                service,
                sigma,
                max_queue,
                timeout,
                servers,
                warmup,
                objective,
                threshold,
                period,
                evaluation,
                policy,
                schedule,
                zones,
                faults,
            },
        )
}

fn toml(r: &Raw) -> String {
    use core::fmt::Write as _;
    let mut t = String::new();
    let _ = writeln!(t, "name = \"generated\"\nseed = 3");
    let _ = writeln!(
        t,
        "duration = \"{}\"\nreport_interval = \"{}\"",
        r.duration, r.report_interval
    );
    let _ = writeln!(
        t,
        "[traffic]\nmean_rps = {:?}\ndiurnal_amplitude = {:?}",
        r.mean_rps, r.amplitude
    );
    for (start, d, m) in &r.events {
        let _ = writeln!(
            t,
            "[[traffic.events]]\nstart = \"{start}\"\nduration = \"{d}\"\nmultiplier = {m:?}"
        );
    }
    let (dist, key) = [
        ("exponential", "mean"),
        ("log_normal", "median"),
        ("fixed", "time"),
    ][usize::from(r.distribution)];
    let _ = writeln!(
        t,
        "[service]\ndistribution = \"{dist}\"\n{key} = \"{}\"",
        r.service
    );
    if dist == "log_normal" {
        let _ = writeln!(t, "sigma = {:?}", r.sigma);
    }
    if let Some(q) = r.max_queue {
        let _ = writeln!(t, "max_queue = {q}");
    }
    if let Some(to) = &r.timeout {
        let _ = writeln!(t, "timeout = \"{to}\"");
    }
    let (initial, min, max) = r.servers;
    let _ = writeln!(
        t,
        "[servers]\ninitial = {initial}\nmin = {min}\nmax = {max}\nwarmup = \"{}\"\nzones = {}\nregions = {}",
        r.warmup, r.zones.0, r.zones.1
    );
    let _ = writeln!(
        t,
        "[slo]\nobjective = {:?}\nlatency_threshold = \"{}\"\nperiod = \"{}\"\nevaluation_interval = \"{}\"",
        r.objective, r.threshold, r.period, r.evaluation
    );
    if let Some((p, every, lead)) = &r.policy {
        let name = [
            "none",
            "cpu_threshold",
            "target_tracking",
            "queue",
            "predictive",
            "hpa",
        ][usize::from(*p)];
        let _ = writeln!(
            t,
            "[autoscaler]\npolicy = \"{name}\"\ncontrol_interval = \"{every}\"\nlead = \"{lead}\""
        );
    }
    for (at, n) in &r.schedule {
        let _ = writeln!(t, "[[schedule]]\nat = \"{at}\"\nservers = {n}");
    }
    for f in &r.faults {
        let _ = writeln!(
            t,
            "[[faults]]\nkind = \"{}\"\nat = \"{}\"",
            FAULT_KINDS[usize::from(f.kind)],
            f.at
        );
        let quoted = [("duration", &f.duration), ("add", &f.add)];
        for (key, v) in quoted {
            if let Some(v) = v {
                let _ = writeln!(t, "{key} = \"{v}\"");
            }
        }
        if let Some(n) = f.servers {
            let _ = writeln!(t, "servers = {n}");
        }
        for (key, v) in [
            ("share", f.share),
            ("probability", f.probability),
            ("factor", f.factor),
        ] {
            if let Some(v) = v {
                let _ = writeln!(t, "{key} = {v:?}");
            }
        }
        if let Some(e) = f.effect {
            let _ = writeln!(t, "effect = \"{}\"", ["fail", "wait"][usize::from(e)]);
        }
    }
    t
}

/// What one generated file came to.
enum Outcome {
    Refused,
    TooBigToRunHere,
    Ran,
}

fn check(text: &str) -> Result<Outcome, String> {
    let sim = match Scenario::from_toml(text).and_then(Simulation::new) {
        Ok(sim) => sim,
        Err(Error::Scenario { field, problem }) => {
            return if field.is_empty() || problem.is_empty() {
                Err(format!(
                    "an error without a field or a problem: {field:?} {problem:?}"
                ))
            } else {
                Ok(Outcome::Refused)
            };
        }
        Err(Error::Toml(e)) => {
            let m = e.to_string();
            return if m.is_empty() {
                Err("an empty TOML error".into())
            } else {
                Ok(Outcome::Refused)
            };
        }
        Err(e) => return Err(format!("refused without naming a field: {e}")),
    };
    let sc = sim.scenario().clone();
    let expected = sim.rate_profile().map_err(|e| e.to_string())?.total();
    if expected.is_nan() || expected > MAX_EXPECTED_REQUESTS {
        return Err(format!(
            "accepted {expected} expected requests, past the budget"
        ));
    }
    if sc.servers.max > MAX_SERVERS {
        return Err(format!("accepted servers.max = {}", sc.servers.max));
    }
    let d = sc.duration.0.as_secs_f64();
    let per = |s: sre_sim::scenario::Span| d / s.0.as_secs_f64();
    let boundaries = per(sc.report_interval)
        + per(sc.slo.evaluation_interval)
        + sc.autoscaler
            .as_ref()
            .map_or(d / 60.0, |a| per(a.control_interval))
        + d / 60.0
        + 1.0;
    if expected > RUN_REQUESTS || boundaries > RUN_BOUNDARIES || sc.servers.max > RUN_SERVERS {
        return Ok(Outcome::TooBigToRunHere);
    }
    let region = Region::new(GLOBAL);
    let report = sim.run().map_err(|e| format!("run failed: {e}"))?;
    let bytes = region.change().bytes_allocated as u64;
    let c = report.requests;
    if !c.adds_up() {
        return Err(format!("counts do not add up: {c:?}"));
    }
    if report.faults.len() != sc.faults.len() {
        return Err(format!(
            "{} fault records for {} faults",
            report.faults.len(),
            sc.faults.len()
        ));
    }
    for (f, rec) in sc.faults.iter().zip(&report.faults) {
        // Every fault starts inside the run, so each has ended by its end, no later.
        let end = rec.end_s.unwrap_or(f64::INFINITY);
        if rec.ended_by.is_empty() || end < rec.at_s || end > d + 1e-9 {
            return Err(format!("fault record {rec:?} for {f:?}"));
        }
        if rec.servers_lost > sc.servers.max.max(sc.servers.initial) {
            return Err(format!("lost more servers than there were: {rec:?}"));
        }
    }
    let failed_by_faults: u64 = report.faults.iter().map(|f| f.requests).sum();
    if sc.faults.is_empty() && c.failed != 0 {
        return Err(format!("{} failed with no fault", c.failed));
    }
    if c.failed > failed_by_faults {
        return Err(format!(
            "{} failed, but the faults touched {failed_by_faults}",
            c.failed
        ));
    }
    let sent_bound = expected + 10.0 * expected.sqrt() + 50.0;
    if c.sent as f64 > sent_bound {
        return Err(format!("{} requests sent, {expected} expected", c.sent));
    }
    let budget = BASE_BYTES
        + BYTES_PER_REQUEST * c.sent
        + BYTES_PER_BOUNDARY * sre_core::f64_to_u64_saturating(boundaries.ceil())
        + BYTES_PER_REPORT_POINT * report.timeline.len() as u64
        + BYTES_PER_SERVER * sc.servers.max
        + BYTES_PER_FAULT * sc.faults.len() as u64;
    if bytes > budget {
        return Err(format!("allocated {bytes} bytes, budget {budget}"));
    }
    Ok(Outcome::Ran)
}

#[test]
fn generated_scenarios_are_refused_or_run_within_their_bounds() {
    let cases = std::env::var("SRE_SIM_GENERATED_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(48);
    let mut runner = TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    });
    let tally = std::cell::RefCell::new([0u32; 3]);
    let result = runner.run(&raw(), |r| {
        let text = toml(&r);
        let out = std::panic::catch_unwind(AssertUnwindSafe(|| check(&text)))
            .map_err(|_| TestCaseError::fail(format!("panicked on:\n{text}")))?
            .map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        tally.borrow_mut()[match out {
            Outcome::Refused => 0,
            Outcome::TooBigToRunHere => 1,
            Outcome::Ran => 2,
        }] += 1;
        Ok(())
    });
    let [refused, big, ran] = *tally.borrow();
    println!("{cases} cases: {refused} refused, {big} accepted but too big to run here, {ran} ran");
    if let Err(e) = result {
        panic!("{e}");
    }
}
