//! [`Policy`]: the trait every autoscaling policy implements, pure `decide` then `commit`.

use crate::{Decision, Error, Observation};
use core::fmt;
use sre_core::Timestamp;

/// An autoscaling policy: a pure function of `(now, observation, state)`, then a commit.
///
/// Each control interval the caller
///
/// 1. calls [`decide`](Policy::decide): it reads the state, never changes it, and returns
///    a [`Decision`] (the same inputs always give the same decision);
/// 2. applies `decision.desired` (a rescale can fail or be partial);
/// 3. calls [`commit`](Policy::commit) with the count it actually reached, which records
///    the recommendation, the scale event and any mode change into the state.
///
/// [`step`](Policy::step) does 1–3 for callers whose rescale always succeeds (a simulator).
/// The state is plain data (`serde` with the `serde` feature), so a restarted controller
/// resumes where it was.
pub trait Policy {
    /// What the policy remembers between intervals.
    type State: Clone + fmt::Debug + PartialEq;

    /// The state of a policy that has seen nothing yet.
    fn initial_state(&self) -> Self::State;

    /// The decision for `obs` at `now`. Pure: the state is only read.
    ///
    /// # Errors
    /// A missing, NaN, infinite or negative metric the policy needs.
    fn decide(
        &self,
        now: Timestamp,
        obs: &Observation<'_>,
        state: &Self::State,
    ) -> Result<Decision, Error>;

    /// Records that `applied` instances were reached after `decision` (made by `decide`
    /// at `now` for `obs`). Pass `decision.current` if the rescale failed.
    fn commit(
        &self,
        state: &mut Self::State,
        now: Timestamp,
        obs: &Observation<'_>,
        decision: &Decision,
        applied: u32,
    );

    /// `decide`, then `commit` of `desired` as applied; for callers whose rescale always succeeds.
    ///
    /// # Errors
    /// As [`decide`](Policy::decide); the state is untouched on error.
    fn step(
        &self,
        now: Timestamp,
        obs: &Observation<'_>,
        state: &mut Self::State,
    ) -> Result<Decision, Error> {
        let d = self.decide(now, obs, state)?;
        self.commit(state, now, obs, &d, d.desired);
        Ok(d)
    }
}

/// Commits to a wrapped policy the decision it made itself: re-decides for `obs` at `now`
/// (pure, so the same answer its `decide` gave) and commits that with `applied`, so its
/// history holds its own recommendation, not the wrapper's. If it cannot decide (the
/// caller committed for other inputs), `outer` is committed instead, so the scale event
/// is still recorded.
pub(crate) fn commit_own<P: Policy + ?Sized>(
    policy: &P,
    state: &mut P::State,
    now: Timestamp,
    obs: &Observation<'_>,
    outer: &Decision,
    applied: u32,
) {
    match policy.decide(now, obs, state) {
        Ok(own) => policy.commit(state, now, obs, &own, applied),
        Err(_) => policy.commit(state, now, obs, outer, applied),
    }
}

impl<P: Policy + ?Sized> Policy for &P {
    type State = P::State;
    fn initial_state(&self) -> Self::State {
        (**self).initial_state()
    }
    fn decide(
        &self,
        now: Timestamp,
        obs: &Observation<'_>,
        state: &Self::State,
    ) -> Result<Decision, Error> {
        (**self).decide(now, obs, state)
    }
    fn commit(
        &self,
        state: &mut Self::State,
        now: Timestamp,
        obs: &Observation<'_>,
        decision: &Decision,
        applied: u32,
    ) {
        (**self).commit(state, now, obs, decision, applied);
    }
}
