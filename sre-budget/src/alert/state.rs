//! [`EvaluatorState`]: an [`Evaluator`]'s alert state as plain data, saved before a
//! restart and restored after it.

use super::{AlertState, Evaluator, PairStatus};
use crate::Error;
use core::time::Duration;
use sre_core::{Objective, Timestamp};

/// Saving and restoring the alert state: see [`EvaluatorState`].
impl Evaluator {
    /// The alert state every later evaluation depends on, as plain data: per pair its
    /// state, `active_at` and `keep_firing_since` (what Prometheus keeps, and restores
    /// from its `ALERTS_FOR_STATE` series), with the objective, the period and each
    /// pair's name, windows and burn rate, so it is restored only into an evaluator of
    /// the same policy. The readings and the budget of the last evaluation are not kept:
    /// the next evaluation computes them afresh.
    #[must_use]
    pub fn state(&self) -> EvaluatorState {
        EvaluatorState {
            objective: self.objective,
            period: self.policy.period(),
            pairs: self
                .policy
                .pairs()
                .iter()
                .zip(&self.status)
                .map(|(p, st)| PairState {
                    name: p.name().to_owned(),
                    long_window: p.long_window(),
                    short_window: p.short_window(),
                    burn_rate: p.burn_rate(),
                    state: st.state,
                    active_at: st.active_at,
                    keep_firing_since: st.keep_firing_since,
                })
                .collect(),
        }
    }

    /// Takes up a saved [`state`](Self::state): each pair continues as if this evaluator
    /// had made the saved evaluations (a pending alert keeps its `active_at`, so `for`
    /// counts from the first true evaluation before the save; a firing alert kept by
    /// `keep_firing_for` keeps its `keep_firing_since`). The last evaluation's readings
    /// and budget are cleared until the next [`evaluate`](Self::evaluate). The
    /// configuration (`for`, `keep_firing_for`, the guard) is this evaluator's: it may
    /// differ from the saving one's, as a changed Prometheus rule keeps its alerts.
    ///
    /// # Errors
    ///
    /// [`Error::StateMismatch`] if the state was saved for another objective, period or
    /// policy (pair count, or a pair's name, windows or burn rate), naming what differs;
    /// [`Error::BadAlertState`] for a pair state Prometheus' state machine cannot reach.
    /// On error, nothing is changed.
    pub fn restore(&mut self, state: &EvaluatorState) -> Result<(), Error> {
        let mismatch = |what: String, saved: String, current: String| {
            Err(Error::StateMismatch {
                what,
                saved,
                current,
            })
        };
        if state.objective.get().to_bits() != self.objective.get().to_bits() {
            return mismatch(
                "objective".into(),
                state.objective.get().to_string(),
                self.objective.get().to_string(),
            );
        }
        if state.period != self.policy.period() {
            return mismatch(
                "period".into(),
                format!("{:?}", state.period),
                format!("{:?}", self.policy.period()),
            );
        }
        let pairs = self.policy.pairs();
        if state.pairs.len() != pairs.len() {
            return mismatch(
                "number of alert pairs".into(),
                state.pairs.len().to_string(),
                pairs.len().to_string(),
            );
        }
        for (i, (saved, pair)) in state.pairs.iter().zip(pairs).enumerate() {
            if saved.name != pair.name() {
                return mismatch(
                    format!("name of alert pair {i}"),
                    saved.name.clone(),
                    pair.name().to_owned(),
                );
            }
            let field = |what: &str| format!("{what} of alert pair {}", pair.name());
            if saved.long_window != pair.long_window() {
                return mismatch(
                    field("long window"),
                    format!("{:?}", saved.long_window),
                    format!("{:?}", pair.long_window()),
                );
            }
            if saved.short_window != pair.short_window() {
                return mismatch(
                    field("short window"),
                    format!("{:?}", saved.short_window),
                    format!("{:?}", pair.short_window()),
                );
            }
            if saved.burn_rate.to_bits() != pair.burn_rate().to_bits() {
                return mismatch(
                    field("burn rate"),
                    saved.burn_rate.to_string(),
                    pair.burn_rate().to_string(),
                );
            }
            saved.check()?;
        }
        for (st, saved) in self.status.iter_mut().zip(&state.pairs) {
            *st = PairStatus {
                state: saved.state,
                active_at: saved.active_at,
                keep_firing_since: saved.keep_firing_since,
                ..PairStatus::default()
            };
        }
        self.events.clear();
        self.last_budget = None;
        Ok(())
    }
}

/// An [`Evaluator`]'s alert state as plain data, to carry across a restart: taken with
/// [`Evaluator::state`], taken up with [`Evaluator::restore`].
///
/// With feature `serde` it is `Serialize` and `Deserialize`; deserializing checks that
/// each pair's state is one Prometheus' state machine can reach (see
/// [`PairState`]), and [`Evaluator::restore`] checks that it belongs to the evaluator's
/// objective and policy.
///
/// ```
/// use core::time::Duration;
/// use sre_budget::{AlertConfig, AlertPolicy, AlertState, Evaluator, MinuteSeries};
/// use sre_core::{Objective, Timestamp};
///
/// let month = Duration::from_secs(30 * 86_400);
/// let make = || Evaluator::new(Objective::new(0.999).unwrap(), AlertPolicy::workbook(month).unwrap(), AlertConfig::default());
/// let mut ev = make()?;
/// let mut sli = MinuteSeries::new(month)?;
/// sli.push(0, 100); // a bad minute: every pair fires
/// ev.evaluate(Timestamp::from_mins(1), &sli)?;
///
/// let saved = ev.state();
/// let mut after_restart = make()?;
/// after_restart.restore(&saved)?;
/// assert_eq!(after_restart.status()[0].state, AlertState::Firing);
/// assert_eq!(after_restart.status()[0].active_at, Some(Timestamp::from_mins(1)));
///
/// // A state of another objective is refused.
/// let mut other = Evaluator::new(Objective::new(0.99)?, AlertPolicy::workbook(month)?, AlertConfig::default())?;
/// assert!(other.restore(&saved).is_err());
/// # Ok::<(), sre_budget::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct EvaluatorState {
    objective: Objective,
    period: Duration,
    pairs: Vec<PairState>,
}

impl EvaluatorState {
    /// The objective of the evaluator it was taken of.
    #[must_use]
    pub fn objective(&self) -> Objective {
        self.objective
    }

    /// The policy's period.
    #[must_use]
    pub fn period(&self) -> Duration {
        self.period
    }

    /// Each pair's state, in policy order.
    #[must_use]
    pub fn pairs(&self) -> &[PairState] {
        &self.pairs
    }
}

/// One pair's saved alert state, with the pair's identity (name, windows, burn rate).
///
/// Always one Prometheus' state machine can reach: inactive with neither time, pending
/// with `active_at` and no `keep_firing_since`, or firing with `active_at` and, if
/// kept by `keep_firing_for`, a `keep_firing_since` not before `active_at`.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct PairState {
    name: String,
    long_window: Duration,
    short_window: Duration,
    burn_rate: f64,
    state: AlertState,
    active_at: Option<Timestamp>,
    keep_firing_since: Option<Timestamp>,
}

// Deserializing checks that the state is reachable.
#[cfg(feature = "serde")]
sre_core::deserialize_via!(PairState {
    name: String,
    long_window: Duration,
    short_window: Duration,
    burn_rate: f64,
    state: AlertState,
    active_at: Option<Timestamp>,
    keep_firing_since: Option<Timestamp>,
} => {
    let p = PairState { name, long_window, short_window, burn_rate, state, active_at, keep_firing_since };
    p.check().map(|()| p)
});

impl PairState {
    /// The pair's name.
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The alert's state.
    #[must_use]
    pub fn state(&self) -> AlertState {
        self.state
    }

    /// When the alert became active (pending), if it is.
    #[must_use]
    pub fn active_at(&self) -> Option<Timestamp> {
        self.active_at
    }

    /// When the condition last turned false while firing under `keep_firing_for`.
    #[must_use]
    pub fn keep_firing_since(&self) -> Option<Timestamp> {
        self.keep_firing_since
    }

    /// Whether Prometheus' state machine can reach this state.
    fn check(&self) -> Result<(), Error> {
        let reason = match (self.state, self.active_at, self.keep_firing_since) {
            (AlertState::Inactive, None, None)
            | (AlertState::Pending | AlertState::Firing, Some(_), None) => return Ok(()),
            (AlertState::Firing, Some(a), Some(k)) if k >= a => return Ok(()),
            (AlertState::Inactive, _, _) => {
                "an inactive alert has neither `active_at` nor `keep_firing_since`"
            }
            (AlertState::Pending, None, _) => "a pending alert has an `active_at`",
            (AlertState::Pending, Some(_), Some(_)) => {
                "a pending alert has no `keep_firing_since` (only a firing one is kept)"
            }
            (AlertState::Firing, None, _) => "a firing alert has an `active_at`",
            (AlertState::Firing, Some(_), Some(_)) => "`keep_firing_since` comes after `active_at`",
        };
        Err(Error::BadAlertState {
            pair: self.name.clone(),
            state: self.state,
            reason,
        })
    }
}
