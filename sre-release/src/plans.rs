//! Flagger's weight ladder and canary loop, and Argo Rollouts' canary steps.

use crate::analysis::AnalysisPhase;
use crate::error::Error;

/// The most steps or ticks a plan may describe.
pub const MAX_PLAN_STEPS: usize = 10_000;

/// Flagger's traffic settings (`analysis.stepWeight`, `stepWeights`, `maxWeight`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct FlaggerWeights {
    /// A fixed step (percent), when set.
    pub step_weight: Option<u32>,
    /// Explicit weights in order (empty = unset).
    pub step_weights: Vec<u32>,
    /// The weight at which the canary is promoted (default 100).
    pub max_weight: Option<u32>,
}

impl FlaggerWeights {
    /// The effective `maxWeight`: `min(100, last of step_weights)` when step weights are
    /// set, else `max_weight` or 100.
    #[must_use]
    pub fn max_weight_effective(&self) -> u32 {
        match self.step_weights.last() {
            Some(&last) => last.min(100),
            None => self.max_weight.unwrap_or(100),
        }
    }

    /// The weight after the `advances`-th advance (0-based) from `current`: `+step_weight`,
    /// or the next listed weight (capped at 100). Flagger advances while the canary is
    /// below `maxWeight`, so a fixed step may overshoot it (20 / 50 → 20, 40, 60).
    #[must_use]
    pub fn next_weight(&self, current: u32, advances: usize) -> u32 {
        if let Some(step) = self.step_weight {
            return current.saturating_add(step).min(100);
        }
        match self.step_weights.get(advances) {
            Some(&w) => {
                current
                    + w.saturating_sub(current)
                        .min(100u32.saturating_sub(current))
            }
            None => current,
        }
    }

    /// The whole ladder from 0 up to promotion: canary weights (primary is 100 − canary).
    ///
    /// ```
    /// use sre_release::FlaggerWeights;
    ///
    /// let w = FlaggerWeights { step_weight: Some(20), max_weight: Some(50), ..Default::default() };
    /// assert_eq!(w.ladder(), [0, 20, 40, 60]); // Flagger overshoots maxWeight
    /// ```
    #[must_use]
    pub fn ladder(&self) -> Vec<u32> {
        let max = self.max_weight_effective();
        let mut out = vec![0];
        let mut w = 0;
        while w < max && out.len() <= MAX_PLAN_STEPS {
            let next = self.next_weight(w, out.len() - 1);
            if next == w {
                break;
            }
            w = next;
            out.push(w);
        }
        out
    }
}

/// One Flagger metric check: the value must be within `[min, max]` (either bound
/// optional; equality passes; no value fails).
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct FlaggerMetric {
    /// The metric's name.
    pub name: String,
    /// Lowest passing value.
    pub min: Option<f64>,
    /// Highest passing value.
    pub max: Option<f64>,
}

/// What a Flagger tick did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum FlaggerAction {
    /// Shifted more traffic to the canary.
    Advance,
    /// A check failed: stay.
    Hold,
    /// Too many failed checks: all traffic back to the primary.
    Rollback,
    /// Promoted the canary.
    Promote,
}

/// One tick of a [`FlaggerCanary`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct FlaggerStep {
    /// When, seconds (tick k is at k × interval).
    pub t_s: u64,
    /// What was done.
    pub action: FlaggerAction,
    /// Canary weight after it.
    pub canary_weight: u32,
    /// Failed checks so far (never reset by a passing check).
    pub failed_checks: u32,
    /// The first metric that failed at this tick, as an index into the metrics.
    pub failed_metric: Option<usize>,
}

/// Flagger's canary loop (`scheduler.go` `advanceCanary`), one tick per interval:
/// roll back once failed checks reach the threshold (unset or ≤ 0: 1); tick 0 runs no
/// metric check; later ticks check the metrics in order and the first failure holds (and
/// counts; failed checks are never reset); otherwise advance below `maxWeight`, else
/// promote.
#[derive(Debug, Clone, PartialEq)]
pub struct FlaggerCanary {
    weights: FlaggerWeights,
    threshold: u32,
    interval_s: u64,
    metrics: Vec<FlaggerMetric>,
    tick: u64,
    advances: usize,
    canary_weight: u32,
    failed_checks: u32,
    done: bool,
}

impl FlaggerCanary {
    /// A canary analysis.
    ///
    /// # Errors
    ///
    /// [`Error::OutOfRange`] for a zero interval or a weight above 100;
    /// [`Error::TooMany`] past [`MAX_PLAN_STEPS`] weights or metrics.
    pub fn new(
        weights: FlaggerWeights,
        threshold: Option<i64>,
        interval_s: u64,
        metrics: Vec<FlaggerMetric>,
    ) -> Result<Self, Error> {
        if interval_s == 0 {
            return Err(Error::OutOfRange {
                field: "interval_s",
                value: 0.0,
                bound: "at least 1 s",
            });
        }
        for (field, n) in [
            ("step_weights", weights.step_weights.len()),
            ("metrics", metrics.len()),
        ] {
            if n > MAX_PLAN_STEPS {
                return Err(Error::TooMany {
                    field,
                    count: n as u64,
                    bound: MAX_PLAN_STEPS as u64,
                });
            }
        }
        let threshold = threshold
            .filter(|&t| t > 0)
            .map_or(1, |t| u32::try_from(t).unwrap_or(u32::MAX));
        Ok(Self {
            weights,
            threshold,
            interval_s,
            metrics,
            tick: 0,
            advances: 0,
            canary_weight: 0,
            failed_checks: 0,
            done: false,
        })
    }

    /// Whether the canary was promoted or rolled back.
    #[must_use]
    pub fn is_done(&self) -> bool {
        self.done
    }

    /// When the next tick is due, seconds.
    #[must_use]
    pub fn next_tick_s(&self) -> u64 {
        self.tick.saturating_mul(self.interval_s)
    }

    /// Whether the next tick needs an observation (every tick but the first, unless it
    /// rolls back first).
    #[must_use]
    pub fn needs_observation(&self) -> bool {
        !self.done && self.tick > 0 && self.failed_checks < self.threshold
    }

    /// The next tick, with the metric values observed for it (one per metric, in order;
    /// `None` = no values found). Returns `None` once done.
    pub fn tick(&mut self, observation: &[Option<f64>]) -> Option<FlaggerStep> {
        if self.done {
            return None;
        }
        let t_s = self.tick.saturating_mul(self.interval_s);
        self.tick += 1;
        let step = |s: &Self, action, failed_metric| FlaggerStep {
            t_s,
            action,
            canary_weight: s.canary_weight,
            failed_checks: s.failed_checks,
            failed_metric,
        };
        if self.failed_checks >= self.threshold {
            self.done = true;
            self.canary_weight = 0;
            return Some(step(self, FlaggerAction::Rollback, None));
        }
        if t_s > 0 {
            let failed = self.metrics.iter().enumerate().find_map(|(i, m)| {
                let ok = observation.get(i).copied().flatten().is_some_and(|v| {
                    m.min.is_none_or(|lo| v >= lo) && m.max.is_none_or(|hi| v <= hi)
                });
                (!ok).then_some(i)
            });
            if let Some(i) = failed {
                self.failed_checks += 1;
                return Some(step(self, FlaggerAction::Hold, Some(i)));
            }
        }
        if self.canary_weight < self.weights.max_weight_effective() {
            self.canary_weight = self.weights.next_weight(self.canary_weight, self.advances);
            self.advances += 1;
            Some(step(self, FlaggerAction::Advance, None))
        } else {
            self.done = true;
            Some(step(self, FlaggerAction::Promote, None))
        }
    }
}

/// One Argo Rollouts canary step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum ArgoStep {
    /// Set the canary weight at once.
    SetWeight(u8),
    /// Wait this many seconds; `None` waits for a manual promote.
    Pause(Option<u64>),
    /// Run an inline analysis for this many seconds; it ends in this phase.
    Analysis {
        /// How long it runs, seconds.
        duration_s: u64,
        /// The phase it ends in.
        phase: AnalysisPhase,
    },
}

/// An Argo step event: what happened, when, at which step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ArgoEvent {
    /// When, seconds from the start.
    pub t_s: u64,
    /// Advance (setWeight), Hold (paused), Rollback (aborted) or Promote.
    pub action: crate::rollout::StepAction,
    /// The canary weight after it.
    pub weight: u8,
    /// The step's index (the number of steps for the promote).
    pub step_index: usize,
}

/// Runs Argo canary steps with traffic routing: `setWeight` moves traffic at once; a
/// timed pause waits; an indefinite pause holds (paused); an analysis ending Successful
/// goes on, Failed or Error aborts (weight 0), anything else holds (paused). After the
/// last step: promote to 100. Returns the events; the last is the outcome.
///
/// # Errors
///
/// [`Error::TooMany`] past [`MAX_PLAN_STEPS`] steps; [`Error::OutOfRange`] for a weight
/// above 100.
pub fn run_argo_steps(steps: &[ArgoStep]) -> Result<Vec<ArgoEvent>, Error> {
    use crate::rollout::StepAction;
    if steps.len() > MAX_PLAN_STEPS {
        return Err(Error::TooMany {
            field: "steps",
            count: steps.len() as u64,
            bound: MAX_PLAN_STEPS as u64,
        });
    }
    let mut events = Vec::new();
    let (mut t_s, mut weight) = (0u64, 0u8);
    for (i, step) in steps.iter().enumerate() {
        let event = |action, weight| ArgoEvent {
            t_s,
            action,
            weight,
            step_index: i,
        };
        match *step {
            ArgoStep::SetWeight(w) => {
                if w > 100 {
                    return Err(Error::OutOfRange {
                        field: "setWeight",
                        value: f64::from(w),
                        bound: "[0, 100]",
                    });
                }
                weight = w;
                events.push(event(StepAction::Advance, weight));
            }
            ArgoStep::Pause(Some(s)) => t_s = t_s.saturating_add(s),
            ArgoStep::Pause(None) => {
                events.push(event(StepAction::Hold, weight));
                return Ok(events);
            }
            ArgoStep::Analysis { duration_s, phase } => {
                t_s = t_s.saturating_add(duration_s);
                let event = |action, weight| ArgoEvent {
                    t_s,
                    action,
                    weight,
                    step_index: i,
                };
                match phase {
                    AnalysisPhase::Successful => {}
                    AnalysisPhase::Failed | AnalysisPhase::Error => {
                        events.push(event(StepAction::Rollback, 0));
                        return Ok(events);
                    }
                    _ => {
                        events.push(event(StepAction::Hold, weight));
                        return Ok(events);
                    }
                }
            }
        }
    }
    events.push(ArgoEvent {
        t_s,
        action: StepAction::Promote,
        weight: 100,
        step_index: steps.len(),
    });
    Ok(events)
}

/// Blue-green: the active version takes all traffic, a preview is tested beside it, and
/// on promotion the old active version is kept as a standby so a rollback is one switch.
///
/// ```
/// use sre_release::BlueGreen;
///
/// let mut bg = BlueGreen::new("v1");
/// bg.deploy_preview("v2");
/// assert_eq!(bg.promote(), Some("v2"));
/// assert_eq!((bg.active(), bg.standby()), (&"v2", Some(&"v1")));
/// assert_eq!(bg.rollback(), Some("v1")); // the standby takes the traffic back
/// assert_eq!((bg.active(), bg.standby()), (&"v1", Some(&"v2")));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlueGreen<V> {
    active: V,
    preview: Option<V>,
    standby: Option<V>,
}

impl<V: Clone> BlueGreen<V> {
    /// `active` serving all traffic, nothing beside it.
    pub fn new(active: V) -> Self {
        Self {
            active,
            preview: None,
            standby: None,
        }
    }

    /// The version serving traffic.
    pub fn active(&self) -> &V {
        &self.active
    }

    /// The version under test, if any (it serves no production traffic).
    pub fn preview(&self) -> Option<&V> {
        self.preview.as_ref()
    }

    /// The previous active version kept for rollback, if any.
    pub fn standby(&self) -> Option<&V> {
        self.standby.as_ref()
    }

    /// Deploys `v` as the preview (replacing any earlier preview).
    pub fn deploy_preview(&mut self, v: V) {
        self.preview = Some(v);
    }

    /// Switches all traffic to the preview; the old active becomes the standby. Returns
    /// the new active version, or `None` (and changes nothing) without a preview.
    pub fn promote(&mut self) -> Option<V> {
        let next = self.preview.take()?;
        let old = core::mem::replace(&mut self.active, next);
        self.standby = Some(old);
        Some(self.active.clone())
    }

    /// Switches all traffic back to the standby; the rolled-back version becomes the
    /// standby. Returns the new active version, or `None` without a standby.
    pub fn rollback(&mut self) -> Option<V> {
        let back = self.standby.take()?;
        let bad = core::mem::replace(&mut self.active, back);
        self.standby = Some(bad);
        Some(self.active.clone())
    }
}
