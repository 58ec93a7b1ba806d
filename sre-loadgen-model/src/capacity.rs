//! Capacity plans: per-instance capacity from today's numbers, headroom, compound growth,
//! a provisioning plan whose rule is a parameter, and an event buffer.
//!
//! The course's worked example (10,000 RPS on 20 instances at 40 % CPU, target 60 %,
//! growing 10 % a month) comes out as the course says: 500 RPS per instance now, 750 at
//! target, 15,000 RPS maximum on today's fleet, 17,716 RPS at month 6, 31,384 at month 12,
//! months 1–4 covered by today's fleet, 42 instances at month 12.
//!
//! ```
//! use sre_loadgen_model::capacity::{CapacityModel, Growth, ProvisioningRule};
//!
//! let m = CapacityModel::from_percent(10_000.0, 20, 40.0, 60.0)?;
//! assert_eq!(m.rps_per_instance(), 500.0);
//! assert_eq!(m.max_rps(), 15_000.0);
//! let g = Growth::monthly(0.10)?;
//! assert_eq!(g.demand(m.current_rps(), 6).round(), 17_716.0);
//! let plan = m.plan(g, 12, &ProvisioningRule::SameMonth)?;
//! assert!(plan.months()[1..=4].iter().all(|p| p.added == 0));
//! assert_eq!(plan.months()[12].fleet, 42);
//! # Ok::<(), sre_loadgen_model::Error>(())
//! ```
//!
//! # The course's 25 (month 5) and 32 (month 8)
//!
//! The course also says "month 5: 25 instances, month 8: 32". No single rule gives those
//! together with 42 at month 12 (see `capacity_seed.json`; the tests check each claim):
//!
//! | rule | month 5 | month 8 | month 12 |
//! |---|---|---|---|
//! | [`SameMonth`](ProvisioningRule::SameMonth) (⌈D/750⌉) | 22 | 29 | 42 |
//! | [`LookAhead`](ProvisioningRule::LookAhead) 1 month | 24 | 32 | 42 |
//! | [`LookAhead`](ProvisioningRule::LookAhead) 2 months | 26 | 35 | 42 |
//! | [`CoverUntilNext`](ProvisioningRule::CoverUntilNext) {5, 8, 12} | 26 | 39 | 42 |
//! | [`TriggerAt`](ProvisioningRule::TriggerAt) 60 % | 22 | 29 | 42 |
//! | the course | 25 | 32 | 42 |
//!
//! Read as ⌈D_m / c⌉ for one per-instance capacity c, 25 at month 5 needs c in
//! (644, 671], while 42 at month 12 needs c in (747, 765]: they do not overlap. So the rule
//! is a parameter here, and the model is not bent to reproduce 25 and 32.

use crate::Error;
use crate::error::{non_negative, positive};

/// The longest plan [`CapacityModel::plan`] makes: 1,200 months (100 years), a
/// `PlanMonth` each.
pub const MAX_HORIZON_MONTHS: u32 = 1200;
use core::time::Duration;
use sre_core::f64_to_u64_saturating;

/// ⌈x⌉, except that a value within 1e-9 (relative) of a whole number counts as that
/// number: 40 × 0.7 is 28.000000000000004 in binary floating point, and 28 instances are
/// meant, not 29.
#[must_use]
pub fn ceil_count(x: f64) -> u64 {
    let r = x.round();
    if (x - r).abs() <= 1e-9 * r.abs().max(1.0) {
        f64_to_u64_saturating(r)
    } else {
        f64_to_u64_saturating(x.ceil())
    }
}

/// ⌊x⌋ with the same snapping as [`ceil_count`].
#[must_use]
pub fn floor_count(x: f64) -> u64 {
    let r = x.round();
    if (x - r).abs() <= 1e-9 * r.abs().max(1.0) {
        f64_to_u64_saturating(r)
    } else {
        f64_to_u64_saturating(x.floor())
    }
}

fn u32_count(x: f64) -> u32 {
    u32::try_from(ceil_count(x)).unwrap_or(u32::MAX)
}

/// How headroom is expressed. The course's "20 % headroom" is the first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Headroom {
    /// Target utilization minus current, in percentage points (60 % − 40 % = 20).
    UtilizationPoints,
    /// Traffic growth the fleet absorbs before reaching target, in percent
    /// (15,000 / 10,000 − 1 = 50 %).
    TrafficGrowth,
    /// Unused share of the maximum, in percent (1 − 10,000 / 15,000 = 33.3 %).
    FractionOfMax,
}

/// Today's load and fleet: the basis of every plan. Utilization is assumed to grow
/// linearly with RPS (CPU-bound instances).
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct CapacityModel {
    current_rps: f64,
    instances: u32,
    utilization: f64,
    target_utilization: f64,
}

// Deserializing runs `CapacityModel::new`, so a config file gets the same checks as code.
#[cfg(feature = "serde")]
sre_core::deserialize_via!(CapacityModel { current_rps: f64, instances: u32, utilization: f64, target_utilization: f64 } => CapacityModel::new(current_rps, instances, utilization, target_utilization));

impl CapacityModel {
    /// From today's RPS, instance count, utilization and target utilization (fractions
    /// in (0, 1]).
    pub fn new(
        current_rps: f64,
        instances: u32,
        utilization: f64,
        target_utilization: f64,
    ) -> Result<Self, Error> {
        let current_rps = positive("current RPS", current_rps)?;
        if instances == 0 {
            return Err(Error::NoServers);
        }
        let unit = |what, v: f64| {
            let v = positive(what, v)?;
            if v <= 1.0 {
                Ok(v)
            } else {
                Err(Error::domain(
                    what,
                    v,
                    "(0, 1] as a fraction; for percentages use CapacityModel::from_percent",
                ))
            }
        };
        Ok(Self {
            current_rps,
            instances,
            utilization: unit("utilization", utilization)?,
            target_utilization: unit("target utilization", target_utilization)?,
        })
    }

    /// The same with utilizations in percent (40.0 for 40 %).
    pub fn from_percent(
        current_rps: f64,
        instances: u32,
        utilization_pct: f64,
        target_pct: f64,
    ) -> Result<Self, Error> {
        Self::new(
            current_rps,
            instances,
            utilization_pct / 100.0,
            target_pct / 100.0,
        )
    }

    /// Today's RPS.
    #[must_use]
    pub fn current_rps(&self) -> f64 {
        self.current_rps
    }

    /// Today's instance count.
    #[must_use]
    pub fn instances(&self) -> u32 {
        self.instances
    }

    /// Target utilization as a fraction.
    #[must_use]
    pub fn target_utilization(&self) -> f64 {
        self.target_utilization
    }

    /// RPS each instance serves today (10,000 / 20 = 500).
    #[must_use]
    pub fn rps_per_instance(&self) -> f64 {
        self.current_rps / f64::from(self.instances)
    }

    /// RPS one instance would serve at 100 % (500 / 0.4 = 1250).
    #[must_use]
    pub fn rps_per_instance_at_full(&self) -> f64 {
        self.current_rps / (f64::from(self.instances) * self.utilization)
    }

    /// RPS one instance serves at the target (1250 × 0.6 = 750).
    #[must_use]
    pub fn rps_per_instance_at_target(&self) -> f64 {
        self.current_rps * self.target_utilization / (f64::from(self.instances) * self.utilization)
    }

    /// The most today's fleet serves at target (15,000).
    #[must_use]
    pub fn max_rps(&self) -> f64 {
        self.current_rps * self.target_utilization / self.utilization
    }

    /// Headroom in the chosen convention (percentage points or percent).
    #[must_use]
    pub fn headroom(&self, convention: Headroom) -> f64 {
        match convention {
            Headroom::UtilizationPoints => (self.target_utilization - self.utilization) * 100.0,
            Headroom::TrafficGrowth => (self.max_rps() / self.current_rps - 1.0) * 100.0,
            Headroom::FractionOfMax => (1.0 - self.current_rps / self.max_rps()) * 100.0,
        }
    }

    /// Months until compound `growth` reaches today's maximum: ln(max/current) / ln(1 + g)
    /// (4.25 for the course). Infinite with no growth.
    #[must_use]
    pub fn runway_months(&self, growth: Growth) -> f64 {
        if growth.rate == 0.0 {
            return f64::INFINITY;
        }
        (self.max_rps() / self.current_rps).ln() / growth.rate.ln_1p()
    }

    /// Fewest instances serving `rps` at target: ⌈rps / RPS per instance at target⌉.
    ///
    /// # Errors
    /// An `rps` that is NaN, infinite or negative (it would otherwise read as 0 instances).
    pub fn instances_for(&self, rps: f64) -> Result<u32, Error> {
        Ok(self.instances_for_valid(non_negative("RPS", rps)?))
    }

    /// [`instances_for`](Self::instances_for) of an RPS already known finite and ≥ 0.
    fn instances_for_valid(&self, rps: f64) -> u32 {
        u32_count(rps / self.rps_per_instance_at_target())
    }

    /// Utilization (fraction) of `instances` serving `rps`.
    ///
    /// # Errors
    /// An `rps` that is NaN, infinite or negative; zero instances (no utilization to speak of).
    pub fn utilization_at(&self, rps: f64, instances: u32) -> Result<f64, Error> {
        let rps = non_negative("RPS", rps)?;
        if instances == 0 {
            return Err(Error::domain("instances", 0.0, "1 or more"));
        }
        Ok(self.utilization_at_valid(rps, instances))
    }

    /// [`utilization_at`](Self::utilization_at) of a finite RPS ≥ 0 on 1 or more instances.
    fn utilization_at_valid(&self, rps: f64, instances: u32) -> f64 {
        rps / (f64::from(instances) * self.rps_per_instance_at_full())
    }

    /// A month-by-month plan over `horizon` months starting from today's fleet. The
    /// fleet never shrinks; `rule` decides when and how far it grows. O(horizon + d log d)
    /// for d decision months.
    ///
    /// # Errors
    /// A `horizon` past [`MAX_HORIZON_MONTHS`] ([`Error::TooLarge`]); a trigger threshold
    /// outside (0, 1]; an empty list of decision months.
    pub fn plan(
        &self,
        growth: Growth,
        horizon: u32,
        rule: &ProvisioningRule,
    ) -> Result<ProvisioningPlan, Error> {
        if horizon > MAX_HORIZON_MONTHS {
            return Err(Error::TooLarge {
                what: "plan horizon (months)",
                value: u64::from(horizon),
                max: u64::from(MAX_HORIZON_MONTHS),
            });
        }
        match rule {
            ProvisioningRule::TriggerAt { utilization } => {
                let u = positive("trigger utilization", *utilization)?;
                if u > 1.0 {
                    return Err(Error::domain(
                        "trigger utilization",
                        u,
                        "(0, 1] as a fraction",
                    ));
                }
            }
            ProvisioningRule::CoverUntilNext { decision_months } if decision_months.is_empty() => {
                return Err(Error::Empty {
                    what: "decision months",
                    item: "month",
                });
            }
            _ => {}
        }
        let demand = |m: u32| growth.demand(self.current_rps, m.min(horizon));
        // The decision months within the horizon, sorted once (months past it change nothing
        // but where the last decision's cover ends, which the horizon caps anyway).
        let mut decisions: Vec<u32> = match rule {
            ProvisioningRule::CoverUntilNext { decision_months } => decision_months.clone(),
            _ => Vec::new(),
        };
        decisions.sort_unstable();
        decisions.dedup();
        let mut next_decision = 0;
        let mut months = Vec::with_capacity(usize::try_from(horizon).unwrap_or(0) + 1);
        let mut fleet = self.instances;
        for m in 0..=horizon {
            let d = demand(m);
            let needed = self.instances_for_valid(d);
            let before = fleet;
            let want = match rule {
                ProvisioningRule::SameMonth => needed,
                ProvisioningRule::LookAhead { months } => {
                    self.instances_for_valid(demand(m.saturating_add(*months)))
                }
                ProvisioningRule::TriggerAt { utilization } => {
                    if self.utilization_at_valid(d, fleet) > *utilization {
                        needed
                    } else {
                        fleet
                    }
                }
                ProvisioningRule::CoverUntilNext { .. } => {
                    while decisions.get(next_decision).is_some_and(|&x| x < m) {
                        next_decision += 1;
                    }
                    if decisions.get(next_decision) == Some(&m) {
                        next_decision += 1;
                        // Cover until the month before the next decision; demand past the
                        // horizon is the horizon's, so the walk stops there.
                        let next = decisions
                            .get(next_decision)
                            .map_or(m, |&x| x - 1)
                            .min(horizon.max(m));
                        (m..=next)
                            .map(|k| self.instances_for_valid(demand(k)))
                            .max()
                            .unwrap_or(needed)
                    } else {
                        fleet
                    }
                }
            };
            fleet = fleet.max(want);
            months.push(PlanMonth {
                month: m,
                demand_rps: d,
                needed,
                fleet,
                added: fleet - before,
                utilization: self.utilization_at_valid(d, fleet),
            });
        }
        Ok(ProvisioningPlan { months })
    }

    /// The fleet plan for an event at `baseline_rps` served today by
    /// `baseline_instances`.
    ///
    /// # Errors
    /// A `baseline_rps` that is NaN, infinite or negative, or whose event traffic
    /// (× the buffer's multiplier) is infinite.
    pub fn event_plan(
        &self,
        buffer: &EventBuffer,
        baseline_rps: f64,
        baseline_instances: u32,
    ) -> Result<EventPlan, Error> {
        let baseline_rps = non_negative("baseline RPS", baseline_rps)?;
        let event_rps = non_negative("event RPS", baseline_rps * buffer.multiplier)?;
        let event_instances = self.instances_for_valid(event_rps).max(baseline_instances);
        let hold = buffer.lead_time.saturating_add(buffer.duration);
        let hold_hours = hold.as_secs_f64() / 3600.0;
        let surge = event_instances - baseline_instances;
        let mut steps = vec![event_instances];
        let mut current = event_instances;
        while current > baseline_instances {
            let next = match buffer.scale_down {
                ScaleDown::FractionOfCurrentPerHour(f) => u32_count(f64::from(current) * (1.0 - f)),
                ScaleDown::FractionOfSurgePerHour(f) => {
                    let step =
                        u32::try_from(floor_count(f64::from(surge) * f).max(1)).unwrap_or(u32::MAX);
                    current.saturating_sub(step)
                }
            };
            // At least one instance an hour, never below the baseline.
            current = next.min(current - 1).max(baseline_instances);
            steps.push(current);
        }
        Ok(EventPlan {
            baseline_rps,
            event_rps,
            baseline_instances,
            event_instances,
            hold,
            surplus_instance_hours: f64::from(surge) * hold_hours,
            scale_down: steps,
        })
    }
}

/// Compound monthly growth.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Growth {
    rate: f64,
}

// Deserializing runs `Growth::monthly`, so a config file gets the same checks as code.
#[cfg(feature = "serde")]
sre_core::deserialize_via!(Growth { rate: f64 } => Growth::monthly(rate));

impl Growth {
    /// `rate` per month (0.10 for 10 %).
    pub fn monthly(rate: f64) -> Result<Self, Error> {
        Ok(Self {
            rate: non_negative("monthly growth rate", rate)?,
        })
    }

    /// Demand `months` from now: `current · (1 + rate)^months`.
    #[must_use]
    pub fn demand(self, current: f64, months: u32) -> f64 {
        current * (1.0 + self.rate).powi(i32::try_from(months).unwrap_or(i32::MAX))
    }
}

/// When a plan adds instances, and how many. See the module docs for why this is a
/// parameter.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum ProvisioningRule {
    /// Each month, enough for that month's demand at target.
    SameMonth,
    /// Each month, enough for the demand `months` ahead (capped at the horizon).
    LookAhead {
        /// How far ahead.
        months: u32,
    },
    /// Only when the fleet's utilization would exceed `utilization` (a fraction), grow to
    /// what that month needs at target.
    TriggerAt {
        /// Trigger threshold as a fraction (0.6 for 60 %).
        utilization: f64,
    },
    /// Only in the decision months, enough for every month until the next decision.
    CoverUntilNext {
        /// Months in which to decide.
        decision_months: Vec<u32>,
    },
}

/// One month of a [`ProvisioningPlan`].
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct PlanMonth {
    /// Months from now.
    pub month: u32,
    /// Projected demand.
    pub demand_rps: f64,
    /// Fewest instances for that demand at target.
    pub needed: u32,
    /// Fleet after this month's decision.
    pub fleet: u32,
    /// Instances added this month.
    pub added: u32,
    /// The fleet's utilization at that demand (fraction).
    pub utilization: f64,
}

/// A month-by-month fleet plan.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ProvisioningPlan {
    months: Vec<PlanMonth>,
}

impl ProvisioningPlan {
    /// Month 0 (today) to the horizon.
    #[must_use]
    pub fn months(&self) -> &[PlanMonth] {
        &self.months
    }

    /// The fleet in `month`, if within the horizon.
    #[must_use]
    pub fn fleet_at(&self, month: u32) -> Option<u32> {
        self.months
            .iter()
            .find(|p| p.month == month)
            .map(|p| p.fleet)
    }
}

/// How an event's extra fleet is released afterwards, hour by hour.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum ScaleDown {
    /// Remove this fraction of the current fleet each hour (rounding the kept fleet up).
    FractionOfCurrentPerHour(f64),
    /// Remove this fraction of the surge (event − baseline) each hour (rounded down, at
    /// least one).
    FractionOfSurgePerHour(f64),
}

/// A planned surge: the course's Black Friday is 3× for 48 h, pre-scaled a week ahead,
/// released 30 % an hour afterwards.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct EventBuffer {
    multiplier: f64,
    duration: Duration,
    lead_time: Duration,
    scale_down: ScaleDown,
}

// Deserializing runs `EventBuffer::new`, so a config file gets the same checks as code.
#[cfg(feature = "serde")]
sre_core::deserialize_via!(EventBuffer { multiplier: f64, duration: Duration, lead_time: Duration, scale_down: ScaleDown } => EventBuffer::new(multiplier, duration, lead_time, scale_down));

impl EventBuffer {
    /// Traffic × `multiplier` (≥ 1) for `duration`, with capacity in place `lead_time`
    /// before, released by `scale_down` (fraction in (0, 1]) after.
    pub fn new(
        multiplier: f64,
        duration: Duration,
        lead_time: Duration,
        scale_down: ScaleDown,
    ) -> Result<Self, Error> {
        let multiplier = positive("event multiplier", multiplier)?;
        if multiplier < 1.0 {
            return Err(Error::domain(
                "event multiplier",
                multiplier,
                "1 or more (an event adds traffic)",
            ));
        }
        let (ScaleDown::FractionOfCurrentPerHour(f) | ScaleDown::FractionOfSurgePerHour(f)) =
            scale_down;
        let f = positive("scale-down fraction per hour", f)?;
        if f > 1.0 {
            return Err(Error::domain("scale-down fraction per hour", f, "(0, 1]"));
        }
        Ok(Self {
            multiplier,
            duration,
            lead_time,
            scale_down,
        })
    }

    /// The course's Black Friday: 3× for 48 hours, pre-scaled one week before, then
    /// `scale_down`.
    pub fn black_friday(scale_down: ScaleDown) -> Result<Self, Error> {
        Self::new(
            3.0,
            Duration::from_secs(48 * 3600),
            Duration::from_secs(7 * 24 * 3600),
            scale_down,
        )
    }

    /// The traffic multiplier.
    #[must_use]
    pub fn multiplier(&self) -> f64 {
        self.multiplier
    }

    /// How long the event lasts.
    #[must_use]
    pub fn duration(&self) -> Duration {
        self.duration
    }

    /// How long before the event the capacity is in place.
    #[must_use]
    pub fn lead_time(&self) -> Duration {
        self.lead_time
    }
}

/// What an [`EventBuffer`] costs and how the fleet moves.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct EventPlan {
    /// Normal traffic.
    pub baseline_rps: f64,
    /// Traffic during the event.
    pub event_rps: f64,
    /// Normal fleet.
    pub baseline_instances: u32,
    /// Fleet during the event (at target utilization).
    pub event_instances: u32,
    /// Lead time plus event: how long the surge fleet is held.
    pub hold: Duration,
    /// Extra instance-hours over the hold.
    pub surplus_instance_hours: f64,
    /// Hourly fleet sizes after the event, from the event fleet down to the baseline.
    pub scale_down: Vec<u32>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_snap_float_noise_but_not_real_fractions() {
        assert_eq!(ceil_count(40.0 * 0.7), 28);
        assert_eq!(ceil_count(28.000_001), 29);
        assert_eq!(ceil_count(19.6), 20);
        assert_eq!(floor_count(0.3 * 20.0), 6);
        assert_eq!(floor_count(25.2), 25);
    }

    #[test]
    fn bad_inputs_are_typed_errors() {
        assert!(matches!(
            CapacityModel::new(1.0, 0, 0.4, 0.6),
            Err(Error::NoServers)
        ));
        let msg = CapacityModel::new(1.0, 1, 40.0, 0.6)
            .unwrap_err()
            .to_string();
        assert!(msg.contains("from_percent"), "{msg}");
        assert!(CapacityModel::new(-1.0, 1, 0.4, 0.6).is_err());
        assert!(Growth::monthly(-0.1).is_err());
        let m = CapacityModel::new(1.0, 1, 0.4, 0.6).unwrap();
        let g = Growth::monthly(0.1).unwrap();
        for bad in [0.0, 1.5, f64::NAN] {
            assert!(
                m.plan(g, 3, &ProvisioningRule::TriggerAt { utilization: bad })
                    .is_err()
            );
        }
        assert!(matches!(
            m.plan(
                g,
                3,
                &ProvisioningRule::CoverUntilNext {
                    decision_months: vec![]
                }
            ),
            Err(Error::Empty { .. })
        ));
        assert!(m.runway_months(Growth::monthly(0.0).unwrap()).is_infinite());
    }
}
