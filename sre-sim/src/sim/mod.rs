//! [`Simulation`]: a [`Scenario`] run end to end, to a [`Report`].
//!
//! The loop, all on simulated time (u64 nanoseconds, no wall clock):
//!
//! 1. Requests arrive at the intended send times of an `sre-loadgen-model`
//!    [`Poisson`] schedule over the scenario's [`RateProfile`] (diurnal, with event
//!    multipliers), each with a service time from the seeded [`ServiceSampler`](crate::ServiceSampler).
//! 2. The [`Station`] queues and serves them; every outcome is recorded into an
//!    `sre-metrics` [`Histogram`] (latency) and [`SliWindow`] (good = served within the
//!    SLO's latency threshold; slow, timed-out and dropped requests are bad).
//! 3. Every evaluation interval an `sre-budget` [`Evaluator`] runs the workbook's
//!    multi-window, multi-burn-rate alerts on the SLI window and tracks the budget.
//! 4. Every control interval the autoscaler ([`Controller`]) decides from the observed
//!    CPU utilization, request rate and queue; the pool is set to its answer, raised to any
//!    planned floor of the schedule; new servers warm up, removed ones drain.
//! 5. Every report interval a timeline point: rate, servers, latency quantiles of the
//!    interval (a histogram snapshot delta), budget remaining.
//!
//! Boundaries (evaluation, control, report, and every whole minute) that fall on the same
//! instant run in that order: evaluation, control, report. At each boundary the station
//! settles every outcome up to it, so each request lands in the histogram interval and
//! the SLI minute in which it completed. Requests still in service at the end finish
//! (and are counted) after it, but capacity is integrated up to the end only.
//!
//! Throughput: about half the speed of the bare FCFS recursion over the same requests
//! with all the bookkeeping (`benches/benches/sim.rs`, `sim_throughput/*`).

use crate::control::{self, Controller};
use crate::report::{
    AlertEvent, Capacity, Interval, Latency, Queueing, Report, RequestCounts, ScalingAction,
    SloSummary,
};
use crate::scenario::{Floor, Scenario};
use crate::station::{QueueLimits, Station, Usage};
use crate::svg::Band;
use crate::{Error, ServiceTime};
use core::time::Duration;
use sre_budget::{AlertConfig, AlertPolicy, Evaluator, Transition};
use sre_core::{Objective, Timestamp};
use sre_loadgen_model::{Interpolation, Poisson, RateProfile};
use sre_metrics::{Histogram, HistogramConfig, SliWindow, Snapshot};
use sre_scaling::{Observation, PodSample};

mod record;

use record::{Recorder, explain, ms};

const MINUTE_NS: u64 = 60_000_000_000;
/// Latencies are tracked from 1 µs to 1 hour at 3 significant digits (0.1 % resolution).
const HIST_LOWEST_NS: u64 = 1_000;
const HIST_HIGHEST_NS: u64 = 3_600_000_000_000;

/// A scenario ready to run; see the [module docs](self).
#[derive(Debug)]
pub struct Simulation {
    scenario: Scenario,
    service: ServiceTime,
    controller: Option<Box<dyn Controller>>,
}

/// Everything that changes during a run besides the station and the recorder.
struct Run<'a> {
    sim: &'a Simulation,
    controller: Option<Box<dyn Controller>>,
    evaluator: Evaluator,
    alerts: Vec<AlertEvent>,
    actions: Vec<ScalingAction>,
    timeline: Vec<Interval>,
    capacity: Capacity,
    bad_minutes: u64,
    budget_fraction: f64,
    period_ns: u64,
    // Boundaries, ns.
    end: u64,
    eval_every: u64,
    control_every: u64,
    report_every: u64,
    next_eval: u64,
    next_control: u64,
    next_report: u64,
    next_minute: u64,
    /// When the evaluator last ran (its budget reading is as of then).
    last_eval: u64,
    // State carried between boundaries.
    floor_ix: usize,
    pods: Vec<PodSample>,
    last_control: Usage,
    last_report: Usage,
    last_report_bad: u64,
    last_snapshot: Snapshot,
    mean_service_secs: f64,
    target_utilization: f64,
}

impl Simulation {
    /// Validates `scenario` and builds its autoscaler.
    pub fn new(scenario: Scenario) -> Result<Self, Error> {
        scenario.validate()?;
        // The SLO's window and alerts must fit its period: refuse now, naming the field.
        slo_parts(&scenario)?;
        let service = scenario.service_time()?;
        let controller = match &scenario.autoscaler {
            Some(a) => control::from_scenario(a, &scenario.servers, service.mean_secs())?,
            None => None,
        };
        Ok(Self {
            scenario,
            service,
            controller,
        })
    }

    /// Replaces the scenario's autoscaler with `controller` (any `sre-scaling` policy
    /// through [`PolicyController`](crate::control::PolicyController)).
    #[must_use]
    pub fn with_controller(mut self, controller: Box<dyn Controller>) -> Self {
        self.controller = Some(controller);
        self
    }

    /// The scenario.
    #[must_use]
    pub fn scenario(&self) -> &Scenario {
        &self.scenario
    }

    /// The service-time distribution.
    #[must_use]
    pub fn service_time(&self) -> ServiceTime {
        self.service
    }

    /// The traffic as an `sre-loadgen-model` rate profile: constant, or diurnal over the
    /// run, times each event's multiplier.
    ///
    /// A diurnal profile is `RateProfile::diurnal` sampled every 15 minutes and replayed
    /// piecewise linearly (`RateProfile::replay`): the linear pieces invert in closed form
    /// where the sine needs an iterative solve per arrival, which would otherwise cost
    /// more than the rest of the simulation together. At ±30 % the two differ by at most
    /// (2π/96)²/8 × 30 % ≈ 0.016 % of the mean rate.
    pub fn rate_profile(&self) -> Result<RateProfile, Error> {
        const KNOT: f64 = 900.0;
        let t = &self.scenario.traffic;
        let d = self.scenario.duration.0;
        let lg = |field: &str, e: sre_loadgen_model::Error| Error::field(field, e.to_string());
        let mut p = if t.diurnal_amplitude > 0.0 {
            let sine =
                RateProfile::diurnal(t.mean_rps, t.mean_rps * t.diurnal_amplitude, t.peak_at.0, d)
                    .map_err(|e| lg("traffic", e))?;
            let end = d.as_secs_f64();
            let knots = sre_core::f64_to_u64_saturating((end / KNOT).ceil());
            let samples: Vec<(Duration, f64)> = (0..=knots)
                .map(|k| {
                    let at = (k as f64 * KNOT).min(end);
                    // The profile's rate is 0 at its end (past it); sample just before.
                    (Duration::from_secs_f64(at), sine.rate(at.min(end - 1e-3)))
                })
                .collect();
            RateProfile::replay(&samples, 1.0, Interpolation::Linear)
                .map_err(|e| lg("traffic", e))?
        } else {
            RateProfile::constant(t.mean_rps, d).map_err(|e| lg("traffic.mean_rps", e))?
        };
        for (i, e) in t.events.iter().enumerate() {
            p = p
                .with_multiplier(e.start.0, e.duration.0, e.multiplier)
                .map_err(|err| lg(&format!("traffic.events[{i}]"), err))?;
        }
        Ok(p)
    }

    /// The scenario's traffic events as shaded bands for [`render_svg`](crate::svg::render_svg).
    #[must_use]
    pub fn bands(&self) -> Vec<Band> {
        self.scenario
            .traffic
            .events
            .iter()
            .map(|e| Band {
                start_s: e.start.0.as_secs_f64(),
                end_s: e.start.0.saturating_add(e.duration.0).as_secs_f64(),
                label: e.name.clone(),
            })
            .collect()
    }

    /// Runs the scenario: Poisson arrivals over [`rate_profile`](Self::rate_profile)
    /// seeded with the scenario's seed, service times from a second stream of the same seed.
    pub fn run(self) -> Result<Report, Error> {
        let profile = self.rate_profile()?;
        let seed = self.scenario.seed;
        let arrivals = Poisson::new(profile, seed, Timestamp::ZERO);
        // An independent stream for service times (SplitMix64's increment keeps it apart).
        let mut services = self.service.sampler(seed ^ 0x9E37_79B9_7F4A_7C15);
        self.run_requests(arrivals.map(move |t| (t.as_nanos(), services.next_ns())))
    }

    /// Runs caller-supplied requests: `(intended send time, service time)` in nanoseconds
    /// since the start, send times non-decreasing. Requests sent at or after the end of the
    /// run are ignored.
    pub fn run_requests<I>(mut self, requests: I) -> Result<Report, Error>
    where
        I: IntoIterator<Item = (u64, u64)>,
    {
        let sc = &self.scenario;
        let (objective, sli, evaluator) = slo_parts(sc)?;
        let period = sc.slo.period.0;
        let hist_config = HistogramConfig::new(HIST_LOWEST_NS, HIST_HIGHEST_NS, 3)
            .map_err(|e| Error::field("(histogram)", e.to_string()))?;
        let hist = Histogram::with_shards(hist_config, 1)
            .map_err(|e| Error::field("(histogram)", e.to_string()))?;
        let mut rec = Recorder {
            hist,
            sli,
            threshold_ns: sc.slo.latency_threshold.nanos(),
            counts: RequestCounts::default(),
            served_latency_ns: 0,
            pending_good: 0,
            pending_bad: 0,
        };
        let limits = QueueLimits {
            max_queue: sc.service.max_queue,
            timeout_ns: sc.service.timeout.map(|t| t.nanos()),
        };
        let mut station = Station::new(0, sc.servers.initial, sc.servers.warmup.nanos(), limits);
        let control_every = sc
            .autoscaler
            .as_ref()
            .map_or(MINUTE_NS, |a| a.control_interval.nanos());
        let controller = self.controller.take();
        let mut run = Run {
            sim: &self,
            controller,
            evaluator,
            alerts: Vec::new(),
            actions: Vec::new(),
            timeline: Vec::new(),
            capacity: Capacity {
                min_instances: sc.servers.initial,
                max_instances: sc.servers.initial,
                ..Capacity::default()
            },
            bad_minutes: 0,
            budget_fraction: objective.error_budget(),
            period_ns: sre_core::duration_to_nanos_saturating(period),
            end: sc.duration.nanos(),
            eval_every: sc.slo.evaluation_interval.nanos(),
            control_every,
            report_every: sc.report_interval.nanos(),
            next_eval: sc.slo.evaluation_interval.nanos(),
            next_control: 0,
            next_report: sc.report_interval.nanos(),
            next_minute: MINUTE_NS,
            last_eval: 0,
            floor_ix: 0,
            pods: Vec::new(),
            last_control: Usage::default(),
            last_report: Usage::default(),
            last_report_bad: 0,
            last_snapshot: Snapshot::empty(hist_config),
            mean_service_secs: self.service.mean_secs(),
            target_utilization: sc.servers.target_utilization / 100.0,
        };
        // At 0 only the schedule acts (a policy has nothing to observe yet), so a plan's
        // first floor holds from the start.
        run.control(&mut station, &mut rec, 0, false)?;
        run.next_control = control_every;

        let mut next = run.next_boundary();
        for (t, service_ns) in requests {
            if t >= run.end {
                break;
            }
            while t >= next {
                run.boundary(&mut station, &mut rec, next)?;
                next = run.next_boundary();
            }
            station.arrive(t, service_ns, &mut rec);
        }
        while next <= run.end {
            run.boundary(&mut station, &mut rec, next)?;
            next = run.next_boundary();
        }
        station.advance(run.end, &mut rec);
        rec.flush(run.end);
        let usage = station.usage();
        run.finish_capacity(&usage);
        station.drain(&mut rec);
        // Requests that finish after the end land in the window's last minutes as one batch.
        rec.flush(station.now_ns());
        rec.counts.sent = usage.arrivals;
        rec.counts.stranded = station.queue_len();
        let (alerts, actions, timeline, capacity, bad_minutes) = (
            run.alerts,
            run.actions,
            run.timeline,
            run.capacity,
            run.bad_minutes,
        );
        // The last evaluation's view (requests finishing after the end are not in it).
        let burn_rate = run.evaluator.budget().map_or(0.0, |b| b.consumed);
        let budget_spent = period_share(burn_rate, run.last_eval, run.period_ns);

        let snap = rec.hist.snapshot();
        let q = |p: f64| snap.quantile(p).map(ms).unwrap_or(0.0);
        let latency = Latency {
            count: snap.count(),
            mean_ms: snap.mean().unwrap_or(0.0) / 1e6,
            p50_ms: q(0.5),
            p90_ms: q(0.9),
            p99_ms: q(0.99),
            p999_ms: q(0.999),
            max_ms: snap.max().map_or(0.0, ms),
        };
        let elapsed = sc.duration.0.as_secs_f64();
        let queueing = Queueing {
            mean_wait_ms: if usage.started > 0 {
                usage.wait_secs * 1e3 / usage.started as f64
            } else {
                0.0
            },
            mean_response_ms: if rec.counts.served > 0 {
                rec.served_latency_ns as f64 / 1e6 / rec.counts.served as f64
            } else {
                0.0
            },
            mean_queue_len: usage.queued_request_secs / elapsed,
            mean_busy: usage.busy_server_secs / elapsed,
            arrival_rate: usage.arrivals as f64 / elapsed,
        };
        let events = rec.counts.good + rec.bad();
        let compliance = (events > 0).then(|| rec.counts.good as f64 / events as f64);
        let slo = SloSummary {
            objective: objective.get(),
            latency_threshold_ms: ms(sc.slo.latency_threshold.nanos()),
            period_s: period.as_secs_f64(),
            compliance,
            met: compliance.is_none_or(|c| c >= objective.get()),
            burn_rate,
            budget_spent,
            budget_remaining: 1.0 - budget_spent,
            bad_minutes,
        };
        Ok(Report {
            scenario: sc.name.clone(),
            seed: sc.seed,
            duration_s: elapsed,
            interval_s: sc.report_interval.0.as_secs_f64(),
            requests: rec.counts,
            latency,
            queueing,
            slo,
            alerts,
            scaling: actions,
            capacity,
            timeline,
        })
    }
}

/// The scenario's SLO machinery: the objective, an `sre-metrics` SLI window over the
/// period and an `sre-budget` evaluator of the workbook's alerts, errors naming the field.
fn slo_parts(sc: &Scenario) -> Result<(Objective, SliWindow, Evaluator), Error> {
    let period = |e: &dyn core::fmt::Display| Error::field("slo.period", e.to_string());
    let objective = Objective::from_percent(sc.slo.objective)
        .map_err(|e| Error::field("slo.objective", e.to_string()))?;
    let sli = SliWindow::with_stripes(sc.slo.period.0, 1).map_err(|e| period(&e))?;
    let policy = AlertPolicy::workbook(sc.slo.period.0).map_err(|e| period(&e))?;
    let evaluator =
        Evaluator::new(objective, policy, AlertConfig::default()).map_err(|e| period(&e))?;
    Ok((objective, sli, evaluator))
}

/// The share of one full SLO period's error budget spent, from `sre-budget`'s `consumed`
/// (bad ÷ allowed bad for the events seen in the last period, i.e. the mean burn rate)
/// after `elapsed_ns` of simulated time: `consumed × min(elapsed, period) / period`.
///
/// `sre-budget` allows `(1 − objective) × events seen so far`, so after 4 days of a
/// 30-day period it compares the bad events against 4 days' allowance: burn rate 2 reads
/// "200 % spent" although, at an even traffic rate, a full period's budget would be
/// 4 × 2 / 30 ≈ 27 % spent. This is that second reading: it assumes the period's traffic
/// runs at the rate seen so far and that the rest of the period is clean.
fn period_share(consumed: f64, elapsed_ns: u64, period_ns: u64) -> f64 {
    if period_ns == 0 {
        return consumed;
    }
    consumed * (elapsed_ns.min(period_ns) as f64 / period_ns as f64)
}

impl Run<'_> {
    fn next_boundary(&self) -> u64 {
        self.next_eval
            .min(self.next_control)
            .min(self.next_report)
            .min(self.next_minute)
    }

    /// Handles every boundary due at `t`, in the documented order.
    fn boundary(&mut self, station: &mut Station, rec: &mut Recorder, t: u64) -> Result<(), Error> {
        station.advance(t, rec);
        rec.flush(t);
        if self.next_eval == t {
            self.evaluate(rec, t)?;
            self.last_eval = t;
            self.next_eval = t.saturating_add(self.eval_every);
        }
        if self.next_control == t {
            self.control(station, rec, t, true)?;
            self.next_control = t.saturating_add(self.control_every);
        }
        if self.next_report == t {
            self.report(station, rec, t)?;
            self.next_report = t.saturating_add(self.report_every);
        }
        if self.next_minute == t {
            let c = rec
                .sli
                .counts(Timestamp::from_nanos(t), Duration::from_secs(60))
                .map_err(|e| Error::field("(sli window)", e.to_string()))?;
            if c.total > 0 && (c.total - c.good) as f64 > self.budget_fraction * c.total as f64 {
                self.bad_minutes += 1;
            }
            self.next_minute = t.saturating_add(MINUTE_NS);
        }
        Ok(())
    }

    fn evaluate(&mut self, rec: &Recorder, t: u64) -> Result<(), Error> {
        let now = Timestamp::from_nanos(t);
        let events = self.evaluator.evaluate(now, &rec.sli)?.to_vec();
        for e in events {
            let state = match e.transition {
                Transition::Firing => "firing",
                Transition::Resolved => "resolved",
                _ => continue,
            };
            self.alerts.push(AlertEvent {
                at_s: now.as_secs_f64(),
                alert: self.evaluator.pair(e.pair).name().to_owned(),
                severity: e.severity.as_str().to_owned(),
                state: state.to_owned(),
                long_ratio: e.long.error_ratio,
                short_ratio: e.short.error_ratio,
                budget_spent: period_share(e.budget_consumed.unwrap_or(0.0), t, self.period_ns),
            });
        }
        Ok(())
    }

    /// The planned floor in force at `t`, if any.
    fn floor(&mut self, t: u64) -> Option<&Floor> {
        let schedule = &self.sim.scenario.schedule;
        while self.floor_ix < schedule.len() && schedule[self.floor_ix].at.nanos() <= t {
            self.floor_ix += 1;
        }
        self.floor_ix.checked_sub(1).map(|i| &schedule[i])
    }

    fn control(
        &mut self,
        station: &mut Station,
        rec: &mut Recorder,
        t: u64,
        policy: bool,
    ) -> Result<(), Error> {
        let usage = station.usage();
        let ready_secs = usage.ready_server_secs - self.last_control.ready_server_secs;
        let busy_secs = usage.busy_server_secs - self.last_control.busy_server_secs;
        let cpu = if ready_secs > 0.0 {
            (100.0 * busy_secs / ready_secs).clamp(0.0, 100.0)
        } else {
            0.0
        };
        let interval = (self.control_every as f64 / 1e9).max(1e-9);
        let rps = (usage.arrivals - self.last_control.arrivals) as f64 / interval;
        self.last_control = usage;
        let current = station.desired();
        let current32 = u32::try_from(current).unwrap_or(u32::MAX);
        let ready = u32::try_from(station.ready() - station.draining()).unwrap_or(u32::MAX);
        let floor = self.floor(t).map(|f| (f.servers, f.label.clone()));
        // Per-pod samples for Kubernetes-style policies: every ready server at the pool's
        // mean utilization (CPU request 1 core), warming ones not ready, draining ones deleting.
        let usage_milli =
            i64::try_from(sre_core::f64_to_u64_saturating((cpu * 10.0).round())).unwrap_or(0);
        self.pods.clear();
        let serving = station.ready() - station.draining();
        for (n, pod) in [
            (serving, PodSample::cpu(1000, usage_milli)),
            (
                station.warming(),
                PodSample {
                    ready: false,
                    ..PodSample::cpu(1000, 0)
                },
            ),
            (
                station.draining(),
                PodSample {
                    deleting: true,
                    ..PodSample::cpu(1000, usage_milli)
                },
            ),
        ] {
            self.pods
                .extend(core::iter::repeat_n(pod, usize::try_from(n).unwrap_or(0)));
        }
        let obs = Observation::new(current32)
            .with_ready(ready)
            .with_cpu(cpu)
            .with_rps(rps)
            .with_queue_depth(station.queue_len() as f64)
            .with_pods(&self.pods);
        let now = Timestamp::from_nanos(t);
        let (target, by, reason) = match self.controller.as_mut().filter(|_| policy) {
            Some(c) => {
                let d = c.decide(now, &obs)?;
                let mut target = u64::from(d.desired);
                let mut by = c.name().to_owned();
                let mut reason = explain(&d);
                if let Some((f, label)) = floor
                    && f > target
                {
                    target = f;
                    by = "schedule".to_owned();
                    reason = format!("planned floor {f}: {label} (policy wanted {})", d.desired);
                }
                c.commit(now, &obs, &d, u32::try_from(target).unwrap_or(u32::MAX));
                (target, by, reason)
            }
            None => match floor {
                Some((f, label)) => (f, "schedule".to_owned(), format!("planned {f}: {label}")),
                None => (current, String::new(), String::new()),
            },
        };
        if target != current {
            station.scale_to(target, rec);
            self.actions.push(ScalingAction {
                at_s: now.as_secs_f64(),
                from: current,
                to: target,
                by,
                reason,
            });
            self.capacity.min_instances = self.capacity.min_instances.min(target);
            self.capacity.max_instances = self.capacity.max_instances.max(target);
        }
        Ok(())
    }

    fn report(&mut self, station: &Station, rec: &Recorder, t: u64) -> Result<(), Error> {
        let snap = rec.hist.snapshot();
        let delta = snap
            .delta(&self.last_snapshot)
            .map_err(|e| Error::field("(histogram)", e.to_string()))?;
        self.last_snapshot = snap;
        let quantile = |q: f64| {
            (!delta.is_empty())
                .then(|| delta.quantile(q).ok().map(ms))
                .flatten()
        };
        let usage = station.usage();
        let dt = self.report_every as f64 / 1e9;
        let ready_secs = usage.ready_server_secs - self.last_report.ready_server_secs;
        let busy_secs = usage.busy_server_secs - self.last_report.busy_server_secs;
        let rps = (usage.arrivals - self.last_report.arrivals) as f64 / dt;
        self.last_report = usage;
        let ready = ready_secs / dt;
        let needed = sre_core::f64_to_u64_saturating(
            (rps * self.mean_service_secs / self.target_utilization).ceil(),
        );
        let supply = ready;
        let demand = needed as f64;
        if supply < demand {
            self.capacity.under_provisioned_s += dt;
            self.capacity.under_instance_hours += (demand - supply) * dt / 3600.0;
        } else if supply > demand {
            self.capacity.over_provisioned_s += dt;
            self.capacity.over_instance_hours += (supply - demand) * dt / 3600.0;
        }
        let bad = rec.bad();
        self.timeline.push(Interval {
            t_s: t as f64 / 1e9,
            rps,
            instances: station.provisioned(),
            ready,
            needed,
            utilization: if ready_secs > 0.0 {
                busy_secs / ready_secs
            } else {
                0.0
            },
            queue: station.queue_len(),
            p50_ms: quantile(0.5),
            p99_ms: quantile(0.99),
            bad: bad - self.last_report_bad,
            budget_remaining: 1.0
                - period_share(
                    self.evaluator.budget().map_or(0.0, |b| b.consumed),
                    self.last_eval,
                    self.period_ns,
                ),
        });
        self.last_report_bad = bad;
        Ok(())
    }

    fn finish_capacity(&mut self, usage: &Usage) {
        let c = &mut self.capacity;
        c.instance_hours = usage.provisioned_server_secs / 3600.0;
        c.ready_instance_hours = usage.ready_server_secs / 3600.0;
        c.busy_hours = usage.busy_server_secs / 3600.0;
        c.mean_utilization = if usage.ready_server_secs > 0.0 {
            usage.busy_server_secs / usage.ready_server_secs
        } else {
            0.0
        };
    }
}
