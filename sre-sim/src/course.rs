//! The course's capacity-planning numbers as ready scenarios (seed text, "Capacity
//! Planning" and "Autoscaling"), for the flagship examples and for experiments.
//!
//! 10,000 RPS on 20 instances at 40 % CPU with a 60 % CPU target (so 1,250 RPS per
//! instance at 100 %); Black Friday is 3× normal traffic for 48 hours, capacity pre-scaled
//! a week before and released 30 % an hour afterwards; autoscaling cooldowns of 3 minutes
//! after a scale-up and 10 minutes before a scale-down. The plan comes from
//! `sre-loadgen-model`'s [`CapacityModel::event_plan`].
//!
//! **Scale.** One simulated request stands for [`BlackFriday::scale`] real ones (200 by
//! default) and an instance is one server serving 1/scale of the course's 1,250 RPS at
//! 100 % CPU, so utilizations, instance counts and the plan are the course's while a
//! run stays near 10^8 requests.

use crate::scenario::{
    Autoscaler, AutoscalerPolicy, Floor, Scenario, Servers, Service, Slo, Span, Traffic,
    TrafficEvent,
};
use crate::units::secs_saturating;
use crate::{Error, ServiceTime};
use core::time::Duration;
use sre_loadgen_model::capacity::{CapacityModel, EventBuffer, EventPlan, ScaleDown};

const DAY: u64 = 86_400;

fn course_err(e: sre_loadgen_model::Error) -> Error {
    Error::field("(course model)", e.to_string())
}
const HOUR: u64 = 3_600;

/// The course's Black Friday as a simulation; see the [module docs](self).
#[derive(Debug, Clone)]
pub struct BlackFriday {
    /// Real requests per simulated request.
    pub scale: f64,
    /// Diurnal swing, fraction of the mean (peak at 20:00).
    pub amplitude: f64,
    /// Days of normal traffic before the event starts.
    pub days_before: u64,
    /// Days simulated after the event ends.
    pub days_after: u64,
    /// The course's capacity model (10,000 RPS, 20 instances, 40 % → 60 % CPU).
    pub model: CapacityModel,
    /// The event (3× for 48 h, a week's lead, −30 % of the fleet an hour after).
    pub buffer: EventBuffer,
}

impl BlackFriday {
    /// The course's numbers at 1:200, ±30 % diurnal traffic, 8 days before the event
    /// (so the week-ahead pre-scale happens on day 1) and 1 day after.
    pub fn seed_at_1_to_200() -> Result<Self, Error> {
        Ok(Self {
            scale: 200.0,
            amplitude: 0.3,
            days_before: 8,
            days_after: 1,
            model: CapacityModel::from_percent(10_000.0, 20, 40.0, 60.0).map_err(course_err)?,
            buffer: EventBuffer::black_friday(ScaleDown::FractionOfCurrentPerHour(0.3))
                .map_err(course_err)?,
        })
    }

    /// The daily peak in real RPS.
    #[must_use]
    pub fn peak_rps(&self) -> f64 {
        self.model.current_rps() * (1.0 + self.amplitude)
    }

    /// The normal fleet: the course's 20, or more if the daily peak needs it at 60 % CPU.
    ///
    /// # Errors
    /// A daily peak that is not a finite, non-negative RPS (e.g. a NaN `amplitude`).
    pub fn baseline_instances(&self) -> Result<u32, Error> {
        let n = self
            .model
            .instances_for(self.peak_rps())
            .map_err(course_err)?;
        Ok(self.model.instances().max(n))
    }

    /// The event plan from the capacity model, sized for the daily peak × 3.
    ///
    /// # Errors
    /// As [`baseline_instances`](Self::baseline_instances).
    pub fn plan(&self) -> Result<EventPlan, Error> {
        self.model
            .event_plan(&self.buffer, self.peak_rps(), self.baseline_instances()?)
            .map_err(course_err)
    }

    /// When the event starts, seconds since the start of the run.
    #[must_use]
    pub fn event_start_s(&self) -> u64 {
        self.days_before * DAY
    }

    /// When the event ends.
    #[must_use]
    pub fn event_end_s(&self) -> u64 {
        self.event_start_s() + self.buffer.duration().as_secs()
    }

    /// The mean service time of one simulated request (saturating: zero for a `scale`
    /// that is not positive; [`scenario`](Self::scenario) refuses such a scale).
    #[must_use]
    pub fn mean_service(&self) -> Duration {
        secs_saturating(self.scale / self.model.rps_per_instance_at_full())
    }

    /// The planned floors: the baseline fleet from the start, the event fleet from a week
    /// before the event, then the hourly scale-down after it.
    ///
    /// # Errors
    /// As [`baseline_instances`](Self::baseline_instances).
    pub fn schedule(&self) -> Result<Vec<Floor>, Error> {
        let plan = self.plan()?;
        let prescale = self
            .event_start_s()
            .saturating_sub(self.buffer.lead_time().as_secs());
        let mut floors = vec![
            Floor {
                at: Span::secs(0),
                servers: u64::from(self.baseline_instances()?),
                label: "baseline fleet, sized for 60 % CPU at the daily peak".into(),
            },
            Floor {
                at: Span::secs(prescale),
                servers: u64::from(plan.event_instances),
                label: "pre-scaled a week ahead for 3× traffic".into(),
            },
        ];
        for (h, n) in plan.scale_down.iter().enumerate().skip(1) {
            floors.push(Floor {
                at: Span::secs(self.event_end_s() + h as u64 * HOUR),
                servers: u64::from(*n),
                label: "after the event: −30 % an hour".into(),
            });
        }
        Ok(floors)
    }

    /// The scenario: the planned floors under target tracking at 60 % CPU with the
    /// course's cooldowns, a 3-minute warm-up, a 10 s client timeout, and an SLO of 99.9 %
    /// of requests within 1 s (at 1:200; the threshold scales with the service time).
    ///
    /// # Errors
    /// A `scale` that is not a positive number (`BlackFriday::scale`), an `amplitude` the
    /// scenario refuses (`traffic.diurnal_amplitude`), or as
    /// [`baseline_instances`](Self::baseline_instances).
    pub fn scenario(&self) -> Result<Scenario, Error> {
        if !(self.scale.is_finite() && self.scale > 0.0) {
            return Err(Error::field(
                "BlackFriday::scale",
                format!(
                    "is {}; give real requests per simulated one, e.g. 200",
                    self.scale
                ),
            ));
        }
        let mean = self.mean_service();
        let sigma = 0.5;
        let median = mean.div_f64((sigma * sigma / 2.0f64).exp());
        let mut service = Service::of(ServiceTime::log_normal(median, sigma)?);
        // Latency targets scale with the service time: 10 s and 1 s at 1:200.
        let at_scale = |secs: f64| Span(secs_saturating(secs * self.scale / 200.0));
        service.timeout = Some(at_scale(10.0));
        let s = Scenario {
            name: "Black Friday: the course's plan (pre-scaled) + target tracking".into(),
            seed: 2026,
            duration: Span::secs(self.event_end_s() + self.days_after * DAY),
            report_interval: Span::secs(300),
            traffic: Traffic {
                mean_rps: self.model.current_rps() / self.scale,
                diurnal_amplitude: self.amplitude,
                peak_at: Span::secs(20 * HOUR),
                events: vec![TrafficEvent {
                    name: "Black Friday: 3× for 48 h".into(),
                    start: Span::secs(self.event_start_s()),
                    duration: Span(self.buffer.duration()),
                    multiplier: self.buffer.multiplier(),
                }],
            },
            service,
            servers: Servers {
                initial: u64::from(self.baseline_instances()?),
                warmup: Span::secs(180),
                min: 1,
                max: 500,
                target_utilization: 60.0,
                zones: 1,
                regions: 1,
            },
            slo: Slo {
                objective: 99.9,
                latency_threshold: at_scale(1.0),
                period: Span::secs(30 * DAY),
                evaluation_interval: Span::secs(60),
            },
            autoscaler: Some(Autoscaler::with_defaults(AutoscalerPolicy::TargetTracking)),
            schedule: self.schedule()?,
            rollout: None,
            responders: None,
            faults: Vec::new(),
            experiment: None,
        };
        s.validate()?;
        Ok(s)
    }

    /// The same traffic with no plan: only the baseline floor, `policy` alone.
    pub fn reactive(&self, policy: AutoscalerPolicy) -> Result<Scenario, Error> {
        let mut s = self.scenario()?;
        s.name = format!("Black Friday: {} alone (no pre-scale)", policy.name());
        s.schedule.truncate(1);
        s.autoscaler = Some(Autoscaler::with_defaults(policy));
        Ok(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `capacity_seed.json` → `black_friday`: the plan's arithmetic at the daily peak.
    #[test]
    fn the_plan_is_the_courses() {
        let bf = BlackFriday::seed_at_1_to_200().unwrap();
        assert_eq!(bf.baseline_instances().unwrap(), 20);
        let plan = bf.plan().unwrap();
        // 13,000 RPS × 3 = 39,000 at 750 RPS per instance (60 % of 1,250): 52 instances.
        assert_eq!(plan.event_instances, 52);
        // −30 % of the current fleet an hour, rounding the kept fleet up: 52, 37, 26, 20.
        assert_eq!(plan.scale_down, vec![52, 37, 26, 20]);
        let s = bf.scenario().unwrap();
        let floors: Vec<(u64, u64)> = s
            .schedule
            .iter()
            .map(|f| (f.at.0.as_secs() / 3600, f.servers))
            .collect();
        assert_eq!(
            floors,
            vec![(0, 20), (24, 52), (241, 37), (242, 26), (243, 20)]
        );
        assert_eq!(bf.mean_service(), Duration::from_millis(160));
        assert_eq!(s.slo.latency_threshold.0, Duration::from_secs(1));
        assert_eq!(s.service.timeout.unwrap().0, Duration::from_secs(10));
    }

    #[test]
    fn a_bad_scale_is_an_error_not_a_panic() {
        for scale in [-1.0, 0.0, f64::NAN, f64::INFINITY] {
            let bf = BlackFriday {
                scale,
                ..BlackFriday::seed_at_1_to_200().unwrap()
            };
            let e = bf.scenario().unwrap_err().to_string();
            assert!(e.contains("BlackFriday::scale"), "{scale}: {e}");
        }
    }
}
