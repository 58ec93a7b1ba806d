//! [`Simulation`]: a [`Scenario`] run end to end, to a [`Report`].
//!
//! The loop, all on simulated time (u64 nanoseconds, no wall clock):
//!
//! 1. Requests arrive at the intended send times of an `sre-loadgen-model`
//!    [`Poisson`] schedule over the scenario's [`RateProfile`] (diurnal, with event
//!    multipliers), each with a service time from the seeded [`ServiceSampler`](crate::ServiceSampler).
//! 2. The [`Station`] queues and serves them; every outcome is recorded into an
//!    `sre-metrics` [`Histogram`](sre_metrics::Histogram) (latency) and [`SliWindow`] (good = served within the
//!    SLO's latency threshold; slow, timed-out, dropped and never-served requests are bad).
//! 3. Every evaluation interval an `sre-budget` [`Evaluator`] runs the workbook's
//!    multi-window, multi-burn-rate alerts on the SLI window and tracks the budget.
//! 4. Every control interval the autoscaler ([`Controller`]) decides from the observed
//!    CPU utilization, request rate and queue; the pool is set to its answer, raised to any
//!    planned floor of the schedule; new servers warm up, removed ones drain.
//! 5. Every report interval a timeline point: rate, servers, latency quantiles of the
//!    interval (a histogram snapshot delta), budget remaining.
//!
//! 6. With an [`experiment`](crate::experiment), at its instants: the steady-state checks,
//!    and every tick while its method runs, its guard (an abort ends the method's faults).
//!
//! Boundaries (evaluation, control, report, and every whole minute) that fall on the same
//! instant run in that order: evaluation, control, report. Faults start and end before
//! them, the experiment's before check before the faults, its guard after them. At each boundary the station
//! settles every outcome up to it, so each request lands in the histogram interval and
//! the SLI minute in which it completed. Requests still in service at the end finish
//! (and are counted) after it, but capacity is integrated up to the end only.
//!
//! Cost: O(log₄ c) a request for c servers (one sift of the station's 4-ary server heap),
//! O(c) a boundary, and nothing quadratic in the run's history; the recorder batches its
//! histogram records. `benches/benches/sim.rs` (`sim_throughput/*`) measures it against
//! the bare FCFS recursion over the same requests.

use crate::control::{self, Controller};
use crate::limits::MAX_EXPECTED_REQUESTS;
use crate::report::{LatencySummary, Queueing, Report, SloSummary};
use crate::scenario::Scenario;
use crate::station::Station;
use crate::svg::Band;
use crate::{Error, ServiceTime};
use core::time::Duration;
use sre_budget::{AlertConfig, AlertPolicy, Evaluator};
use sre_core::{Objective, Timestamp};
use sre_loadgen_model::{Interpolation, Poisson, RateProfile};
use sre_metrics::SliWindow;

mod plan;
mod record;
mod run;

use plan::Plan;
use record::{Recorder, ms};
use run::{Run, period_share};

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
    /// The SLO machinery built (and so validated) by [`new`](Self::new), taken by the run.
    slo: Option<SloParts>,
    /// The traffic, built (and its expected request count checked) by [`new`](Self::new).
    profile: RateProfile,
    /// The run's parameters, checked and converted once.
    plan: Plan,
}

/// The objective, the SLI window over the SLO period, and the burn-rate evaluator.
type SloParts = (Objective, SliWindow, Evaluator);

impl Simulation {
    /// Validates `scenario` and builds its autoscaler.
    pub fn new(scenario: Scenario) -> Result<Self, Error> {
        scenario.validate()?;
        // The SLO's window and alerts must fit its period: refuse now, naming the field
        // (and keep what was built for the run).
        let slo = slo_parts(&scenario)?;
        let service = scenario.service_time()?;
        let plan = Plan::new(&scenario, service)?;
        let profile = rate_profile(&scenario)?;
        let expected = profile.total();
        if expected.is_nan() || expected > MAX_EXPECTED_REQUESTS {
            return Err(Error::field(
                "traffic.mean_rps",
                format!(
                    "is {}: over `duration` ({:?}), with the events' multipliers, the run \
                     expects {expected:.4e} requests, beyond the budget of {MAX_EXPECTED_REQUESTS:e} \
                     a run; shorten the run or scale the rate down (as the course examples do)",
                    scenario.traffic.mean_rps, scenario.duration.0
                ),
            ));
        }
        let controller = match &scenario.autoscaler {
            Some(a) => control::from_scenario(a, &scenario.servers, service.mean_secs())?,
            None => None,
        };
        Ok(Self {
            scenario,
            service,
            controller,
            slo: Some(slo),
            profile,
            plan,
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
        Ok(self.profile.clone())
    }

    /// The scenario's traffic events and faults (as scheduled) as shaded bands for
    /// [`render_svg`](crate::svg::render_svg).
    #[must_use]
    pub fn bands(&self) -> Vec<Band> {
        let events = self.scenario.traffic.events.iter().map(|e| Band {
            start_s: e.start.0.as_secs_f64(),
            end_s: e.start.0.saturating_add(e.duration.0).as_secs_f64(),
            label: e.name.clone(),
        });
        let faults = self.scenario.faults.iter().map(|f| Band {
            start_s: f.at.0.as_secs_f64(),
            end_s: f
                .at
                .0
                .saturating_add(f.duration.map_or(Duration::ZERO, |d| d.0))
                .as_secs_f64(),
            label: f.label().to_owned(),
        });
        events.chain(faults).collect()
    }

    /// Runs the scenario: Poisson arrivals over [`rate_profile`](Self::rate_profile)
    /// seeded with the scenario's seed, service times from a second stream of the same seed.
    pub fn run(self) -> Result<Report, Error> {
        let seed = self.scenario.seed;
        let arrivals = Poisson::new(self.profile.clone(), seed, Timestamp::ZERO);
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
        let (objective, sli, evaluator) = match self.slo.take() {
            Some(parts) => parts,
            None => slo_parts(sc)?,
        };
        let plan = &self.plan;
        let mut rec = Recorder::new(plan, sli)?;
        let mut station = Station::new(0, plan.initial, plan.warmup_ns, plan.limits);
        let mut run = Run::new(plan, self.controller.take(), evaluator);
        // At 0 only the schedule acts (a policy has nothing to observe yet), so a plan's
        // first floor holds from the start.
        run.control(&mut station, &mut rec, 0, false)?;
        run.next_control = plan.control_every;

        let mut next = run.next_boundary();
        for (t, service_ns) in requests {
            if t >= run.end {
                break;
            }
            while t >= next {
                run.boundary(&mut station, &mut rec, next)?;
                next = run.next_boundary();
            }
            // Between faults, one predictable branch a request.
            if run.faults.engaged() {
                run.faults.arrive(t, service_ns, &mut station, &mut rec);
            } else {
                station.arrive(t, service_ns, &mut rec);
            }
        }
        while next <= run.end {
            run.boundary(&mut station, &mut rec, next)?;
            next = run.next_boundary();
        }
        run.faults.release_until(run.end, &mut station, &mut rec);
        station.advance(run.end, &mut rec);
        rec.flush(run.end);
        let usage = station.usage();
        run.finish_capacity(&usage);
        // Requests still held by a fault reach the servers after the end, like those
        // still in service.
        run.faults.finish(run.end, &mut station, &mut rec);
        station.drain(&mut rec);
        // Requests still queued with no server left never get an answer: bad.
        rec.counts.never_served = station.queue_len();
        // Requests that finish after the end land in the window's last minutes as one batch.
        rec.flush(station.now_ns());
        rec.counts.sent = station.usage().arrivals + run.faults.bypassed;
        if !rec.counts.adds_up() {
            return Err(Error::Internal(format!(
                "request counts do not add up: {:?}",
                rec.counts
            )));
        }
        let incidents = core::mem::take(&mut run.incidents)
            .finish(run.end, &sc.responders.unwrap_or_default())?;
        let on_call = crate::incidents::on_call(&incidents, run.end)?;
        let (alerts, actions, timeline, capacity, bad_minutes) = (
            run.alerts,
            run.actions,
            run.timeline,
            run.capacity,
            run.bad_minutes,
        );
        let faults = run.faults.records();
        let experiment = run
            .experiment
            .take()
            .map(|x| x.finish(&faults))
            .transpose()?;
        // The last evaluation's view (requests finishing after the end are not in it).
        let burn_rate = run.evaluator.budget().map_or(0.0, |b| b.consumed);
        let budget_spent = period_share(burn_rate, run.last_eval, run.period_ns);

        let snap = rec.hist.snapshot();
        let q = |p: f64| snap.quantile(p).map(ms).unwrap_or(0.0);
        let latency = LatencySummary {
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
            period_s: sc.slo.period.0.as_secs_f64(),
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
            incidents,
            on_call,
            faults,
            experiment,
        })
    }
}

/// The scenario's SLO machinery: the objective, an `sre-metrics` SLI window over the
/// period and an `sre-budget` evaluator of the workbook's alerts, errors naming the field.
fn slo_parts(sc: &Scenario) -> Result<SloParts, Error> {
    let period = |e: &dyn core::fmt::Display| Error::field("slo.period", e.to_string());
    let objective = sc.slo.objective()?;
    let sli = SliWindow::with_stripes(sc.slo.period.0, 1).map_err(|e| period(&e))?;
    let policy = AlertPolicy::workbook(sc.slo.period.0).map_err(|e| period(&e))?;
    let evaluator =
        Evaluator::new(objective, policy, AlertConfig::default()).map_err(|e| period(&e))?;
    Ok((objective, sli, evaluator))
}

/// [`Simulation::rate_profile`] of `scenario`.
fn rate_profile(scenario: &Scenario) -> Result<RateProfile, Error> {
    const KNOT: f64 = 900.0;
    let t = &scenario.traffic;
    let d = scenario.duration.0;
    let lg = |field: &str, e: sre_loadgen_model::Error| Error::field(field, e.to_string());
    let p = if t.diurnal_amplitude > 0.0 {
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
        RateProfile::replay(&samples, 1.0, Interpolation::Linear).map_err(|e| lg("traffic", e))?
    } else {
        RateProfile::constant(t.mean_rps, d).map_err(|e| lg("traffic.mean_rps", e))?
    };
    // All windows at once: one sort, O(n log n) for n events.
    p.with_multipliers(
        t.events
            .iter()
            .map(|e| (e.start.0, e.duration.0, e.multiplier)),
    )
    .map_err(|err| lg("traffic.events", err))
}
