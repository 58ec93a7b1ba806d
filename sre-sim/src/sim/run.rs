//! [`Run`]: the state of one run between boundaries, and what happens at each boundary
//! (evaluation, control, report, the minute's SLI check), in the order the
//! [module docs](super) give.

use super::MINUTE_NS;
use super::plan::{Plan, PlannedFloor};
use super::record::{Recorder, explain, ms};
use crate::Error;
use crate::control::Controller;
use crate::experiment::live::{Live, Observed};
use crate::faults::active::{Faults, PoolChange};
use crate::report::{AlertTransition, Capacity, Interval, ScalingAction};
use crate::station::{Station, Usage};
use core::time::Duration;
use sre_budget::{Evaluator, Transition};
use sre_core::Timestamp;
use sre_metrics::Snapshot;
use sre_scaling::{Observation, PodSample};

/// Everything that changes during a run besides the station and the recorder.
pub(super) struct Run<'a> {
    pub(super) plan: &'a Plan,
    pub(super) controller: Option<Box<dyn Controller>>,
    pub(super) evaluator: Evaluator,
    pub(super) alerts: Vec<AlertTransition>,
    pub(super) actions: Vec<ScalingAction>,
    pub(super) timeline: Vec<Interval>,
    pub(super) capacity: Capacity,
    pub(super) bad_minutes: u64,
    /// Pages and bad minutes becoming incidents.
    pub(super) incidents: crate::incidents::Tracker,
    pub(super) budget_fraction: f64,
    pub(super) period_ns: u64,
    // Boundaries, ns.
    pub(super) end: u64,
    pub(super) eval_every: u64,
    pub(super) control_every: u64,
    pub(super) report_every: u64,
    pub(super) next_eval: u64,
    pub(super) next_control: u64,
    pub(super) next_report: u64,
    pub(super) next_minute: u64,
    /// When the evaluator last ran (its budget reading is as of then).
    pub(super) last_eval: u64,
    // State carried between boundaries.
    pub(super) floor_ix: usize,
    pub(super) pods: Vec<PodSample>,
    pub(super) last_control: Usage,
    pub(super) last_report: Usage,
    pub(super) last_report_bad: u64,
    pub(super) last_snapshot: Snapshot,
    pub(super) mean_service_secs: f64,
    pub(super) target_utilization: f64,
    /// The scenario's faults as the run goes.
    pub(super) faults: Faults,
    /// The experiment on some of the faults, if the scenario has one.
    pub(super) experiment: Option<Live>,
}

impl Observed for Recorder {
    fn sli(&self) -> &sre_metrics::SliWindow {
        &self.sli
    }
    fn latency(&self) -> &sre_metrics::Histogram {
        &self.hist
    }
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
pub(super) fn period_share(consumed: f64, elapsed_ns: u64, period_ns: u64) -> f64 {
    if period_ns == 0 {
        return consumed;
    }
    consumed * (elapsed_ns.min(period_ns) as f64 / period_ns as f64)
}

impl<'a> Run<'a> {
    /// The state at the start of a run of `plan`.
    pub(super) fn new(
        plan: &'a Plan,
        controller: Option<Box<dyn Controller>>,
        evaluator: Evaluator,
    ) -> Self {
        Self {
            plan,
            controller,
            evaluator,
            alerts: Vec::new(),
            actions: Vec::new(),
            timeline: Vec::new(),
            capacity: Capacity {
                min_instances: plan.initial,
                max_instances: plan.initial,
                ..Capacity::default()
            },
            bad_minutes: 0,
            incidents: crate::incidents::Tracker::default(),
            budget_fraction: plan.objective.error_budget(),
            period_ns: plan.period_ns,
            end: plan.end_ns,
            eval_every: plan.eval_every,
            control_every: plan.control_every,
            report_every: plan.report_every,
            next_eval: plan.eval_every,
            next_control: 0,
            next_report: plan.report_every,
            next_minute: MINUTE_NS,
            last_eval: 0,
            floor_ix: 0,
            pods: Vec::new(),
            last_control: Usage::default(),
            last_report: Usage::default(),
            last_report_bad: 0,
            last_snapshot: Snapshot::empty(plan.hist_config),
            mean_service_secs: plan.mean_service_secs,
            target_utilization: plan.target_utilization,
            faults: Faults::new(
                &plan.faults,
                plan.seed,
                plan.limits.timeout_ns,
                plan.limits
                    .max_queue
                    .unwrap_or(crate::limits::DEFAULT_MAX_QUEUE),
                (plan.zones, plan.regions, plan.max),
            ),
            experiment: plan.experiment.as_ref().map(|p| {
                let labels: Vec<String> =
                    plan.faults.iter().map(|f| f.label().to_owned()).collect();
                Live::new(p, &labels)
            }),
        }
    }

    pub(super) fn next_boundary(&self) -> u64 {
        self.next_eval
            .min(self.next_control)
            .min(self.next_report)
            .min(self.next_minute)
            .min(self.faults.next_event())
            .min(self.experiment.as_ref().map_or(u64::MAX, Live::next_at))
    }

    /// Whether the experiment acts at `t`.
    fn experiment_due(&self, t: u64) -> bool {
        self.experiment.as_ref().is_some_and(|x| x.next_at() <= t)
    }

    /// Handles every boundary due at `t`, in the documented order.
    pub(super) fn boundary(
        &mut self,
        station: &mut Station,
        rec: &mut Recorder,
        t: u64,
    ) -> Result<(), Error> {
        self.faults.release_until(t, station, rec);
        station.advance(t, rec);
        if self.experiment_due(t)
            && let Some(x) = self.experiment.as_mut()
        {
            // The before check sees the run up to `t`, without the faults due at `t`.
            rec.flush(t);
            let changes = x.before_faults(t, &mut self.faults, station, rec);
            self.pool_changed(t, changes);
        }
        if self.faults.next_event() == t {
            let changes = self.faults.apply_due(t, station, rec);
            self.faults.release_until(t, station, rec);
            self.pool_changed(t, changes);
        }
        rec.flush(t);
        if self.experiment_due(t)
            && let Some(x) = self.experiment.as_mut()
        {
            let changes = x.after_faults(t, &mut self.faults, station, rec)?;
            self.pool_changed(t, changes);
            rec.flush(t);
        }
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
                .map_err(|e| Error::Internal(format!("the SLI window: {e}")))?;
            if c.total > 0 && (c.total - c.good) as f64 > self.budget_fraction * c.total as f64 {
                self.bad_minutes += 1;
            }
            self.incidents
                .minute(t, c.total, c.total - c.good, self.budget_fraction);
            self.next_minute = t.saturating_add(MINUTE_NS);
        }
        Ok(())
    }

    /// Records pool changes a fault made at `t` as scaling actions by `fault`.
    pub(super) fn pool_changed(&mut self, t: u64, changes: Vec<PoolChange>) {
        for c in changes {
            self.actions.push(ScalingAction {
                at_s: t as f64 / 1e9,
                from: c.from,
                to: c.to,
                by: "fault".to_owned(),
                reason: c.reason,
            });
            self.capacity.min_instances = self.capacity.min_instances.min(c.to);
            self.capacity.max_instances = self.capacity.max_instances.max(c.to);
        }
    }

    pub(super) fn evaluate(&mut self, rec: &Recorder, t: u64) -> Result<(), Error> {
        let now = Timestamp::from_nanos(t);
        let events = self.evaluator.evaluate(now, &rec.sli)?.to_vec();
        for e in events {
            let state = match e.transition {
                Transition::Firing => "firing",
                Transition::Resolved => "resolved",
                _ => continue,
            };
            let budget_spent = period_share(e.budget_consumed.unwrap_or(0.0), t, self.period_ns);
            if e.severity == sre_budget::Severity::Page {
                self.incidents.page(
                    t,
                    state == "firing",
                    self.evaluator.pair(e.pair).name(),
                    e.long.error_ratio,
                    budget_spent,
                );
            }
            self.alerts.push(AlertTransition {
                at_s: now.as_secs_f64(),
                alert: self.evaluator.pair(e.pair).name().to_owned(),
                severity: e.severity.as_str().to_owned(),
                state: state.to_owned(),
                long_ratio: e.long.error_ratio,
                short_ratio: e.short.error_ratio,
                budget_spent,
            });
        }
        Ok(())
    }

    /// The planned floor in force at `t`, if any.
    pub(super) fn floor(&mut self, t: u64) -> Option<&'a PlannedFloor> {
        let schedule = &self.plan.floors;
        while self.floor_ix < schedule.len() && schedule[self.floor_ix].at_ns <= t {
            self.floor_ix += 1;
        }
        self.floor_ix.checked_sub(1).map(|i| &schedule[i])
    }

    pub(super) fn control(
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
                let mut by = c.name().to_owned();
                let mut reason = explain(&d);
                // A controller given through `with_controller` may ignore the pool's
                // bounds; the pool never leaves `servers.min..=servers.max`.
                let (lo, hi) = (self.plan.min, self.plan.max);
                let mut target = u64::from(d.desired).clamp(lo, hi);
                if target != u64::from(d.desired) {
                    use core::fmt::Write as _;
                    let _ = write!(reason, "; held to servers.min..=max ({lo}..={hi})");
                }
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

    pub(super) fn report(
        &mut self,
        station: &Station,
        rec: &Recorder,
        t: u64,
    ) -> Result<(), Error> {
        let snap = rec.hist.snapshot();
        let delta = snap
            .delta(&self.last_snapshot)
            .map_err(|e| Error::Internal(format!("the latency histogram: {e}")))?;
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

    pub(super) fn finish_capacity(&mut self, usage: &Usage) {
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
