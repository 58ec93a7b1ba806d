//! [`RolloutSpec`]: the scenario's `[rollout]` table — the new version and its plan.

use crate::Error;
use crate::scenario::Span;
use core::time::Duration;
use sre_release::{Stage, StagePlan, TriggerThresholds};

/// Most stages a rollout plan may hold in a scenario.
pub const MAX_ROLLOUT_STAGES: usize = 100;
/// Most checks a rollout may make over a run.
pub const MAX_ROLLOUT_CHECKS: u64 = 1_000_000;

/// One stage of a scenario's plan: a canary weight held for a duration (before scaling).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct RolloutStage {
    /// Share of traffic on the new version, percent (0..=100).
    pub weight_pct: u8,
    /// How long the stage is held, before `time_scale`.
    pub duration: Span,
}

/// The new version and how it is rolled out; see the [module docs](super).
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct RolloutSpec {
    /// The new version's service time is the baseline's draw times this (> 0, finite).
    #[cfg_attr(feature = "serde", serde(default = "one"))]
    pub latency_multiplier: f64,
    /// Added to each of the new version's service times.
    #[cfg_attr(feature = "serde", serde(default))]
    pub added_latency: Span,
    /// Probability that a request to the new version fails, in [0, 1].
    #[cfg_attr(feature = "serde", serde(default))]
    pub error_rate: f64,
    /// Probability that a request to the baseline fails, in [0, 1].
    #[cfg_attr(feature = "serde", serde(default))]
    pub baseline_error_rate: f64,
    /// The plan; empty: the course's (1 % for 1 h, 5 % for 2 h, 25 % for 4 h, 50 % for
    /// 8 h, then 100 %).
    #[cfg_attr(feature = "serde", serde(default))]
    pub stages: Vec<RolloutStage>,
    /// Weight after the last stage, percent.
    #[cfg_attr(feature = "serde", serde(default = "hundred"))]
    pub final_weight_pct: u8,
    /// Every stage's duration is multiplied by this (> 0, finite), then rounded to whole
    /// seconds, at least 1.
    #[cfg_attr(feature = "serde", serde(default = "one"))]
    pub time_scale: f64,
    /// When the rollout starts, from the start of the run.
    #[cfg_attr(feature = "serde", serde(default))]
    pub start: Span,
    /// Time between checks (whole seconds, at least 1 s).
    #[cfg_attr(feature = "serde", serde(default = "one_minute"))]
    pub check_interval: Span,
    /// The new version's memory use as a fraction of its limit (not simulated; the memory
    /// trigger reads this).
    #[cfg_attr(feature = "serde", serde(default = "half"))]
    pub memory_fraction: f64,
    /// The judge's smallest mean-latency ratio (canary / baseline) that may be High.
    #[cfg_attr(feature = "serde", serde(default = "judge_ratio"))]
    pub judge_allowed_increase: f64,
}

#[cfg(feature = "serde")]
fn one() -> f64 {
    1.0
}
#[cfg(feature = "serde")]
fn hundred() -> u8 {
    100
}
#[cfg(feature = "serde")]
fn half() -> f64 {
    0.5
}
#[cfg(feature = "serde")]
fn judge_ratio() -> f64 {
    1.1
}
#[cfg(feature = "serde")]
fn one_minute() -> Span {
    Span::secs(60)
}

impl Default for RolloutSpec {
    /// The same version as the baseline on the course's plan at full length, checked
    /// every minute.
    fn default() -> Self {
        Self {
            latency_multiplier: 1.0,
            added_latency: Span::default(),
            error_rate: 0.0,
            baseline_error_rate: 0.0,
            stages: Vec::new(),
            final_weight_pct: 100,
            time_scale: 1.0,
            start: Span::default(),
            check_interval: Span::secs(60),
            memory_fraction: 0.5,
            judge_allowed_increase: 1.1,
        }
    }
}

fn bad(field: &str, problem: String) -> Error {
    Error::field(format!("rollout.{field}"), problem)
}

impl RolloutSpec {
    /// Checks every number against `duration`, the run's length.
    ///
    /// # Errors
    ///
    /// [`Error::Scenario`] naming the `rollout.*` field, its value and the bound.
    pub fn validate(&self, duration: Duration) -> Result<(), Error> {
        let positive = |field: &str, v: f64| {
            if v.is_finite() && v > 0.0 {
                Ok(())
            } else {
                Err(bad(field, format!("is {v}; give a finite number above 0")))
            }
        };
        positive("latency_multiplier", self.latency_multiplier)?;
        positive("time_scale", self.time_scale)?;
        positive("judge_allowed_increase", self.judge_allowed_increase)?;
        for (field, v) in [
            ("error_rate", self.error_rate),
            ("baseline_error_rate", self.baseline_error_rate),
        ] {
            if !(0.0..=1.0).contains(&v) {
                return Err(bad(field, format!("is {v}; give a probability in [0, 1]")));
            }
        }
        if !(self.memory_fraction.is_finite() && (0.0..=1.0).contains(&self.memory_fraction)) {
            return Err(bad(
                "memory_fraction",
                format!("is {}; give a fraction in [0, 1]", self.memory_fraction),
            ));
        }
        if self.stages.len() > MAX_ROLLOUT_STAGES {
            return Err(bad(
                "stages",
                format!(
                    "has {} stages; at most {MAX_ROLLOUT_STAGES}",
                    self.stages.len()
                ),
            ));
        }
        for s in &self.stages {
            if s.weight_pct > 100 {
                return Err(bad(
                    "stages.weight_pct",
                    format!("is {}; give a percentage in [0, 100]", s.weight_pct),
                ));
            }
            if s.duration.0.is_zero() {
                return Err(bad("stages.duration", "is 0; give at least 1s".into()));
            }
        }
        if self.final_weight_pct > 100 {
            return Err(bad(
                "final_weight_pct",
                format!(
                    "is {}; give a percentage in [0, 100]",
                    self.final_weight_pct
                ),
            ));
        }
        let every = self.check_interval.0;
        if every < Duration::from_secs(1) || every.subsec_nanos() != 0 {
            return Err(bad(
                "check_interval",
                format!("is {every:?}; give whole seconds, at least 1s"),
            ));
        }
        let checks = duration.as_secs() / every.as_secs();
        if checks > MAX_ROLLOUT_CHECKS {
            return Err(bad(
                "check_interval",
                format!("is {every:?}: {checks} checks over the run, beyond {MAX_ROLLOUT_CHECKS}"),
            ));
        }
        if self.start.0 >= duration {
            return Err(bad(
                "start",
                format!(
                    "is {:?}, not before the end of the run ({duration:?})",
                    self.start.0
                ),
            ));
        }
        Ok(())
    }

    /// The plan with every duration scaled by `time_scale` (whole seconds, at least 1).
    ///
    /// # Errors
    ///
    /// [`Error::Scenario`] if `sre-release` refuses the plan.
    pub fn plan(&self) -> Result<StagePlan, Error> {
        let (stages, final_pct) = if self.stages.is_empty() {
            let course = StagePlan::doubling_1_5_25_50();
            (course.stages().to_vec(), course.final_weight_pct())
        } else {
            let stages = self
                .stages
                .iter()
                .map(|s| Stage {
                    weight_pct: s.weight_pct,
                    duration_s: s.duration.0.as_secs().max(1),
                })
                .collect();
            (stages, self.final_weight_pct)
        };
        let scaled = stages
            .into_iter()
            .map(|s| Stage {
                duration_s: sre_core::f64_to_u64_saturating(
                    (s.duration_s as f64 * self.time_scale).round(),
                )
                .max(1),
                ..s
            })
            .collect();
        StagePlan::new(scaled, final_pct).map_err(|e| bad("stages", e.to_string()))
    }

    /// The course's rollback thresholds (`sre_release::TriggerThresholds::default`).
    #[must_use]
    pub fn thresholds(&self) -> TriggerThresholds {
        TriggerThresholds::default()
    }
}
