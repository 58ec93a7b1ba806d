//! [`MaxOf`]: several policies, the largest answer wins (any may scale out, all must
//! agree to scale in).

use crate::policy::commit_own;
use crate::{Decision, Error, Observation, Policy};
use sre_core::Timestamp;

/// Two policies; the decision with the larger `desired` wins. Nest for more
/// (`MaxOf::new(a, MaxOf::new(b, c))`).
///
/// Taking the maximum means any policy may scale out, and the count only goes down when
/// every policy wants it down (and then only as far as the most cautious allows). The
/// winner's decision is returned (its `inputs` say which metric won); `next_change` is
/// the earlier of the two. On commit each policy records its own decision.
///
/// ```
/// use sre_core::Timestamp;
/// use sre_scaling::{MaxOf, Metric, Observation, Policy, TargetTracking, Thresholds};
///
/// let p = MaxOf::new(Thresholds::cpu_above_70_below_30(), TargetTracking::new(Metric::Rps, 1000.0)?);
/// let s = p.initial_state();
/// // CPU says scale in (20 % < 30 %), RPS says hold at 3: hold.
/// let obs = Observation::new(3).with_cpu(20.0).with_rps(2500.0);
/// assert_eq!(p.decide(Timestamp::ZERO, &obs, &s)?.desired, 3);
/// # Ok::<(), sre_scaling::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct MaxOf<A, B> {
    a: A,
    b: B,
}

impl<A, B> MaxOf<A, B> {
    /// The larger of `a` and `b`.
    pub const fn new(a: A, b: B) -> Self {
        Self { a, b }
    }
}

/// The state of a [`MaxOf`]: both policies' states.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct MaxOfState<SA, SB> {
    /// The first policy's state.
    pub a: SA,
    /// The second policy's state.
    pub b: SB,
}

impl<A: Policy, B: Policy> Policy for MaxOf<A, B> {
    type State = MaxOfState<A::State, B::State>;

    fn initial_state(&self) -> Self::State {
        MaxOfState {
            a: self.a.initial_state(),
            b: self.b.initial_state(),
        }
    }

    fn decide(
        &self,
        now: Timestamp,
        obs: &Observation<'_>,
        state: &Self::State,
    ) -> Result<Decision, Error> {
        let da = self.a.decide(now, obs, &state.a)?;
        let db = self.b.decide(now, obs, &state.b)?;
        let (mut win, lose) = if db.desired > da.desired {
            (db, da)
        } else {
            (da, db)
        };
        win.change_no_later_than(lose.next_change);
        Ok(win)
    }

    fn commit(
        &self,
        state: &mut Self::State,
        now: Timestamp,
        obs: &Observation<'_>,
        decision: &Decision,
        applied: u32,
    ) {
        // Each policy commits its own decision; its history must hold its own
        // recommendation, not the winner's.
        commit_own(&self.a, &mut state.a, now, obs, decision, applied);
        commit_own(&self.b, &mut state.b, now, obs, decision, applied);
    }
}
