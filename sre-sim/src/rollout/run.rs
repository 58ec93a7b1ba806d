//! [`run_rollout`]: a scenario's traffic split between two versions' pools, with
//! `sre-release` deciding each step from the two versions' histograms.

use super::report::{
    Caught, CheckPoint, RolloutOutcome, RolloutReport, RolloutStep, StageTraffic, VersionCounts,
    VersionSummary,
};
use crate::limits::DEFAULT_MAX_QUEUE;
use crate::scenario::Scenario;
use crate::station::{Outcomes, QueueLimits, Station};
use crate::{Error, Simulation};
use rand::SeedableRng;
use rand_distr::{Distribution, StandardUniform};
use rand_xoshiro::Xoshiro256PlusPlus;
use sre_core::{Timestamp, f64_to_u64_saturating};
use sre_loadgen_model::Poisson;
use sre_metrics::{Histogram, HistogramConfig, Snapshot};
use sre_release::{
    Classification, Direction, EffectSize, MetricConfig, Rollout, RolloutState, Signals,
    StepAction, TriggerDecision, check_triggers, classify_snapshots,
};

/// The service-time stream's seed offset, as [`Simulation::run`] uses it.
const SERVICE_SEED: u64 = 0x9E37_79B9_7F4A_7C15;
/// The routing stream's seed offset (a third independent stream of the seed).
const ROUTE_SEED: u64 = 0xD1B5_4A32_D192_ED03;
const NS: u64 = 1_000_000_000;

/// One version's outcomes: a latency histogram and exact counters.
#[derive(Debug)]
struct Sink {
    hist: Histogram,
    counts: VersionCounts,
    threshold_ns: u64,
}

impl Outcomes for Sink {
    fn served(&mut self, _now_ns: u64, latency_ns: u64) {
        self.hist.record(latency_ns);
        self.counts.served += 1;
        if latency_ns <= self.threshold_ns {
            self.counts.good += 1;
        } else {
            self.counts.slow += 1;
        }
    }
    fn timed_out(&mut self, _now_ns: u64, latency_ns: u64) {
        self.hist.record(latency_ns);
        self.counts.timed_out += 1;
    }
    fn dropped(&mut self, _now_ns: u64) {
        self.counts.dropped += 1;
    }
    fn failed(&mut self, _now_ns: u64) {
        self.counts.failed += 1;
    }
}

/// One version: its pool, its outcomes, and where its current window began.
#[derive(Debug)]
struct Side {
    station: Station,
    sink: Sink,
    window_snap: Snapshot,
    window_counts: VersionCounts,
}

impl Side {
    fn new(
        servers: u64,
        limits: QueueLimits,
        config: HistogramConfig,
        threshold_ns: u64,
    ) -> Result<Self, Error> {
        let hist = Histogram::with_shards(config, 1)
            .map_err(|e| Error::Internal(format!("a rollout histogram: {e}")))?;
        let window_snap = hist.snapshot();
        Ok(Self {
            station: Station::new(0, servers, 0, limits),
            sink: Sink {
                hist,
                counts: VersionCounts::default(),
                threshold_ns,
            },
            window_snap,
            window_counts: VersionCounts::default(),
        })
    }

    fn reset_window(&mut self) {
        self.window_snap = self.sink.hist.snapshot();
        self.window_counts = self.sink.counts;
    }

    /// The window's latency delta, error rate (percent) and P99 (ms).
    fn window(&self) -> Result<(Snapshot, Option<f64>, Option<f64>), Error> {
        let delta = self
            .sink
            .hist
            .snapshot()
            .delta(&self.window_snap)
            .map_err(|e| Error::Internal(format!("a rollout histogram: {e}")))?;
        let c = &self.sink.counts;
        let w = &self.window_counts;
        let ended = c.ended() - w.ended();
        let errors = c.errors() - w.errors();
        let rate = (ended > 0).then(|| 100.0 * errors as f64 / ended as f64);
        let p99 = if delta.is_empty() {
            None
        } else {
            delta.quantile(0.99).ok().map(|ns| ns as f64 / 1e6)
        };
        Ok((delta, rate, p99))
    }

    fn scale_to(&mut self, servers: u64) {
        if servers != self.station.desired() {
            self.station.scale_to(servers, &mut self.sink);
        }
    }

    fn summary(&self, allowed_bad: f64) -> VersionSummary {
        let snap = self.sink.hist.snapshot();
        let q = |p: f64| {
            (!snap.is_empty())
                .then(|| snap.quantile(p).ok().map(|ns| ns as f64 / 1e6))
                .flatten()
        };
        VersionSummary {
            counts: self.sink.counts,
            p50_ms: q(0.5),
            p99_ms: q(0.99),
            budget_spent: share(self.sink.counts.bad(), allowed_bad),
        }
    }
}

fn share(bad: u64, allowed: f64) -> f64 {
    if allowed > 0.0 {
        bad as f64 / allowed
    } else {
        0.0
    }
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

/// Everything that changes at the rollout's boundaries.
struct Driver {
    rollout: Rollout,
    plan_durations: Vec<u64>,
    thresholds: sre_release::TriggerThresholds,
    judge: MetricConfig,
    memory_fraction: f64,
    servers: u64,
    weight_pct: u8,
    started_s: u64,
    stage_start_s: u64,
    done: bool,
    allowed_bad: f64,
    decisions: Vec<RolloutStep>,
    checks: Vec<CheckPoint>,
    traffic: Vec<StageTraffic>,
    caught: Option<Caught>,
}

impl Driver {
    fn set_weight(&mut self, t_s: u64, weight_pct: u8, base: &mut Side, canary: &mut Side) {
        if let Some(seg) = self.traffic.last_mut() {
            seg.end_s = t_s;
        }
        self.traffic.push(StageTraffic {
            weight_pct,
            start_s: t_s,
            end_s: t_s,
            sent: 0,
            canary_sent: 0,
        });
        // The canary's pool is the baseline's size from the start on (Flagger scales the
        // canary deployment to the primary's replicas): no request waits longer because
        // its version has fewer pods.
        if weight_pct > 0 {
            canary.scale_to(self.servers);
        }
        self.weight_pct = weight_pct;
        base.reset_window();
        canary.reset_window();
    }

    fn record(
        &mut self,
        t_s: u64,
        action: StepAction,
        weight_pct: u8,
        stage: usize,
        reason: String,
    ) {
        self.decisions.push(RolloutStep {
            t_s,
            action: action_name(action).to_owned(),
            weight_pct,
            stage,
            reason,
        });
    }

    fn start(&mut self, t_s: u64, base: &mut Side, canary: &mut Side) {
        let d = self.rollout.start(t_s, None);
        self.started_s = t_s;
        self.stage_start_s = t_s;
        self.record(t_s, d.action, d.weight_pct, d.stage_index, d.to_string());
        self.set_weight(t_s, d.weight_pct, base, canary);
        self.done = self.rollout.state() != RolloutState::InProgress;
    }

    fn check(&mut self, t_s: u64, base: &mut Side, canary: &mut Side) -> Result<(), Error> {
        let (base_delta, base_rate, base_p99) = base.window()?;
        let (canary_delta, canary_rate, canary_p99) = canary.window()?;
        self.checks.push(CheckPoint {
            t_s,
            weight_pct: self.weight_pct,
            baseline_error_pct: base_rate,
            canary_error_pct: canary_rate,
            baseline_p99_ms: base_p99,
            canary_p99_ms: canary_p99,
        });
        let signals = Signals {
            baseline_error_rate_pct: base_rate,
            baseline_p99_ms: base_p99,
            canary_error_rate_pct: canary_rate,
            canary_p99_ms: canary_p99,
            canary_memory_fraction: Some(self.memory_fraction),
        };
        let stage = self.rollout.stage_index();
        let stage_over = self
            .rollout_stage_duration(stage)
            .is_some_and(|d| t_s >= self.stage_start_s.saturating_add(d));
        let weight_before = self.weight_pct;
        let th = self.rollout_thresholds();
        let triggers = check_triggers(t_s, &signals, &[], &th);
        if stage_over && triggers.decision == TriggerDecision::Pass {
            let v = classify_snapshots(&canary_delta, &base_delta, &self.judge)
                .map_err(|e| Error::Internal(format!("the canary judge: {e}")))?;
            if v.classification == Classification::High {
                let reason = format!(
                    "Rollback at t={t_s} s: canary 0 % (stage {stage}); judge: latency High \
                     (mean ratio {}, canary n={}, baseline n={})",
                    v.deviation
                        .map_or_else(|| "undefined".to_owned(), |r| format!("{r:.3}")),
                    v.n_experiment_used,
                    v.n_control_used
                );
                self.record(t_s, StepAction::Rollback, 0, stage, reason);
                self.catch(t_s, weight_before, stage, canary);
                self.set_weight(t_s, 0, base, canary);
                self.done = true;
                return Ok(());
            }
        }
        let d = self.rollout.check(t_s, &signals, &[], None);
        match d.action {
            StepAction::Continue => {}
            StepAction::Hold => {
                self.record(t_s, d.action, d.weight_pct, d.stage_index, d.to_string())
            }
            StepAction::Advance | StepAction::Promote => {
                self.record(t_s, d.action, d.weight_pct, d.stage_index, d.to_string());
                self.stage_start_s = t_s;
                self.set_weight(t_s, d.weight_pct, base, canary);
            }
            StepAction::Rollback => {
                self.record(t_s, d.action, d.weight_pct, d.stage_index, d.to_string());
                self.catch(t_s, weight_before, stage, canary);
                self.set_weight(t_s, 0, base, canary);
            }
        }
        self.done = self.rollout.state() != RolloutState::InProgress;
        Ok(())
    }

    fn catch(&mut self, t_s: u64, weight_pct: u8, stage: usize, canary: &Side) {
        let c = &canary.sink.counts;
        self.caught = Some(Caught {
            t_s,
            after_s: t_s - self.started_s,
            weight_pct,
            stage,
            canary_sent: c.sent,
            canary_bad: c.bad(),
            budget_spent: share(c.bad(), self.allowed_bad),
        });
    }

    fn rollout_stage_duration(&self, stage: usize) -> Option<u64> {
        self.plan_durations.get(stage).copied()
    }

    fn rollout_thresholds(&self) -> sre_release::TriggerThresholds {
        self.thresholds
    }
}

/// Runs `scenario`'s `[rollout]`: see the [module docs](super). O(log c) a request for c
/// servers, O(buckets) a check; the run's traffic is bounded as for
/// [`Simulation::new`].
///
/// ```
/// use core::time::Duration;
/// use sre_sim::rollout::{RolloutOutcome, RolloutSpec, run_rollout};
/// use sre_sim::{Scenario, ServiceTime};
///
/// let service = ServiceTime::exponential(Duration::from_millis(20))?;
/// let mut s = Scenario::fixed_pool("canary", 200.0, service, 10, Duration::from_secs(600));
/// // The course's plan at 1/120 of its length (30 s, 1 min, 2 min, 4 min); 10× errors.
/// s.rollout = Some(RolloutSpec {
///     baseline_error_rate: 0.002,
///     error_rate: 0.02,
///     time_scale: 1.0 / 120.0,
///     check_interval: sre_sim::scenario::Span::secs(10),
///     ..RolloutSpec::default()
/// });
/// let r = run_rollout(&s)?;
/// assert_eq!(r.outcome, RolloutOutcome::RolledBack);
/// assert_eq!(r.caught.unwrap().weight_pct, 1);
/// # Ok::<(), sre_sim::Error>(())
/// ```
///
/// # Errors
///
/// [`Error::Scenario`] when the scenario has no `[rollout]` table or a field is out of
/// range (named); the errors of [`Simulation::new`].
pub fn run_rollout(scenario: &Scenario) -> Result<RolloutReport, Error> {
    let spec = scenario.rollout.clone().ok_or_else(|| {
        Error::field(
            "rollout",
            "is missing; a rollout run needs a `[rollout]` table",
        )
    })?;
    spec.validate(scenario.duration.0)?;
    let sim = Simulation::new(scenario.clone())?;
    let profile = sim.rate_profile()?;
    let service = sim.service_time();
    let plan = spec.plan()?;
    let thresholds = spec.thresholds();
    let rollout = Rollout::new(plan.clone(), thresholds)
        .map_err(|e| Error::field("rollout", e.to_string()))?;
    let seed = scenario.seed;
    let end = scenario.duration.nanos();
    let duration_s = scenario.duration.0.as_secs_f64();
    let objective = scenario.slo.objective()?.get();
    let allowed_bad =
        (1.0 - objective) * (profile.total() / duration_s) * scenario.slo.period.0.as_secs_f64();
    let limits = QueueLimits {
        max_queue: Some(scenario.service.max_queue.unwrap_or(DEFAULT_MAX_QUEUE)),
        timeout_ns: scenario.service.timeout.map(|t| t.nanos()),
    };
    let config = HistogramConfig::new(1_000, 3_600 * NS, 3)
        .map_err(|e| Error::Internal(format!("a rollout histogram: {e}")))?;
    let threshold_ns = scenario.slo.latency_threshold.nanos();
    let servers = scenario.servers.initial.max(1);
    let mut base = Side::new(servers, limits, config, threshold_ns)?;
    let mut canary = Side::new(0, limits, config, threshold_ns)?;
    let mut driver = Driver {
        rollout,
        plan_durations: plan.stages().iter().map(|s| s.duration_s).collect(),
        thresholds,
        judge: MetricConfig {
            direction: Direction::Increase,
            effect_size: EffectSize {
                allowed_increase: spec.judge_allowed_increase,
                ..EffectSize::default()
            },
            ..MetricConfig::default()
        },
        memory_fraction: spec.memory_fraction,
        servers,
        weight_pct: 0,
        started_s: 0,
        stage_start_s: 0,
        done: false,
        allowed_bad,
        decisions: Vec::new(),
        checks: Vec::new(),
        traffic: vec![StageTraffic {
            weight_pct: 0,
            start_s: 0,
            end_s: 0,
            sent: 0,
            canary_sent: 0,
        }],
        caught: None,
    };

    let arrivals = Poisson::new(profile, seed, Timestamp::ZERO);
    let mut services = service.sampler(seed ^ SERVICE_SEED);
    let mut route = Xoshiro256PlusPlus::seed_from_u64(seed ^ ROUTE_SEED);
    let every = spec.check_interval.nanos();
    let multiplier = spec.latency_multiplier;
    let added = spec.added_latency.nanos();
    let mut next = spec.start.nanos();
    let mut started = false;
    let mut boundary =
        |b: u64, base: &mut Side, canary: &mut Side, driver: &mut Driver| -> Result<u64, Error> {
            base.station.advance(b, &mut base.sink);
            canary.station.advance(b, &mut canary.sink);
            let t_s = b / NS;
            if started {
                driver.check(t_s, base, canary)?;
            } else {
                started = true;
                driver.start(t_s, base, canary);
            }
            Ok(if driver.done {
                u64::MAX
            } else {
                b.saturating_add(every)
            })
        };
    for t in arrivals {
        let t = t.as_nanos();
        if t >= end {
            break;
        }
        while t >= next {
            next = boundary(next, &mut base, &mut canary, &mut driver)?;
        }
        let service_ns = services.next_ns();
        let u: f64 = StandardUniform.sample(&mut route);
        let fail: f64 = StandardUniform.sample(&mut route);
        let to_canary = u * 100.0 < f64::from(driver.weight_pct);
        if let Some(seg) = driver.traffic.last_mut() {
            seg.sent += 1;
            seg.canary_sent += u64::from(to_canary);
        }
        let (side, error_rate, service_ns) = if to_canary {
            let s = f64_to_u64_saturating(service_ns as f64 * multiplier + 0.5)
                .saturating_add(added)
                .max(1);
            (&mut canary, spec.error_rate, s)
        } else {
            (&mut base, spec.baseline_error_rate, service_ns)
        };
        side.sink.counts.sent += 1;
        if fail < error_rate {
            side.sink.counts.failed += 1;
        } else {
            side.station.arrive(t, service_ns, &mut side.sink);
        }
    }
    while next <= end {
        next = boundary(next, &mut base, &mut canary, &mut driver)?;
    }
    if let Some(seg) = driver.traffic.last_mut() {
        seg.end_s = end / NS;
    }
    for side in [&mut base, &mut canary] {
        side.station.advance(end, &mut side.sink);
        side.station.drain(&mut side.sink);
        side.sink.counts.never_served = side.station.queue_len();
        if !side.sink.counts.adds_up() {
            return Err(Error::Internal(format!(
                "rollout request counts do not add up: {:?}",
                side.sink.counts
            )));
        }
    }
    let outcome = match driver.rollout.state() {
        RolloutState::Promoted => RolloutOutcome::Promoted,
        RolloutState::RolledBack => RolloutOutcome::RolledBack,
        RolloutState::InProgress | RolloutState::Pending if driver.caught.is_some() => {
            RolloutOutcome::RolledBack
        }
        RolloutState::InProgress | RolloutState::Pending => RolloutOutcome::InProgress,
    };
    Ok(RolloutReport {
        scenario: scenario.name.clone(),
        seed,
        duration_s,
        outcome,
        baseline: base.summary(allowed_bad),
        canary: canary.summary(allowed_bad),
        decisions: driver.decisions,
        caught: driver.caught,
        traffic: driver.traffic,
        checks: driver.checks,
    })
}
