//! [`Cooldown`]: a combinator that holds the count for a while after scaling.

use crate::{Decision, Error, LimitKind, Observation, Policy};
use core::time::Duration;
use sre_core::Timestamp;

/// Wraps a policy with cooldowns (course text: 3 minutes after a scale-up, 10 minutes
/// before a scale-down).
///
/// - A scale-up is refused until `up` has passed since the last scale-up.
/// - A scale-down is refused until `down` has passed since the last scaling action of
///   either direction.
/// - A scale-down cooldown never blocks a scale-up.
///
/// The decision's `next_change` is when the blocking cooldown ends.
///
/// ```
/// use core::time::Duration;
/// use sre_core::Timestamp;
/// use sre_scaling::{Cooldown, Observation, Policy, Thresholds};
///
/// let p = Cooldown::up_3m_down_10m(Thresholds::cpu_above_70_below_30()); // 3 min up, 10 min down
/// let mut s = p.initial_state();
/// let t0 = Timestamp::from_secs(0);
/// assert_eq!(p.step(t0, &Observation::new(4).with_cpu(80.0), &mut s)?.desired, 5);
/// // One minute later, still hot: held by the 3-minute scale-up cooldown.
/// let d = p.step(Timestamp::from_secs(60), &Observation::new(5).with_cpu(80.0), &mut s)?;
/// assert_eq!((d.recommended, d.desired), (6, 5));
/// assert_eq!(d.next_change, Some(Timestamp::from_secs(180)));
/// # Ok::<(), sre_scaling::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Cooldown<P> {
    inner: P,
    up: Duration,
    down: Duration,
}

/// The state of a [`Cooldown`]: the inner policy's state and the last scaling times.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct CooldownState<S> {
    /// The wrapped policy's state.
    pub inner: S,
    /// When the count last went up.
    pub last_scale_up: Option<Timestamp>,
    /// When the count last changed in either direction.
    pub last_scale: Option<Timestamp>,
}

impl<P> Cooldown<P> {
    /// `inner` with a scale-up cooldown `up` and a scale-down cooldown `down` (either may be zero).
    pub const fn new(inner: P, up: Duration, down: Duration) -> Self {
        Self { inner, up, down }
    }

    /// The course text's cooldowns: 3 minutes after a scale-up, 10 minutes before a scale-down.
    pub const fn up_3m_down_10m(inner: P) -> Self {
        Self::new(inner, Duration::from_secs(180), Duration::from_secs(600))
    }

    /// The wrapped policy.
    pub const fn inner(&self) -> &P {
        &self.inner
    }
}

impl<P: Policy> Policy for Cooldown<P> {
    type State = CooldownState<P::State>;

    fn initial_state(&self) -> Self::State {
        CooldownState {
            inner: self.inner.initial_state(),
            last_scale_up: None,
            last_scale: None,
        }
    }

    fn decide(
        &self,
        now: Timestamp,
        obs: &Observation<'_>,
        state: &Self::State,
    ) -> Result<Decision, Error> {
        let mut d = self.inner.decide(now, obs, &state.inner)?;
        let blocked_until = if d.desired > d.current {
            state.last_scale_up.map(|t| t + self.up)
        } else if d.desired < d.current {
            state.last_scale.map(|t| t + self.down)
        } else {
            None
        };
        if let Some(until) = blocked_until.filter(|&u| now < u) {
            d.limit(LimitKind::Cooldown, d.current, Some(until));
            d.change_no_later_than(Some(until));
        }
        Ok(d)
    }

    fn commit(
        &self,
        state: &mut Self::State,
        now: Timestamp,
        obs: &Observation<'_>,
        decision: &Decision,
        applied: u32,
    ) {
        self.inner
            .commit(&mut state.inner, now, obs, decision, applied);
        if applied > decision.current {
            state.last_scale_up = Some(now);
        }
        if applied != decision.current {
            state.last_scale = Some(now);
        }
    }
}
