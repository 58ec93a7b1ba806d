//! [`Bounds`] and the [`Bounded`] combinator: keep every decision in `[min, max]`.

use crate::{Decision, Error, LimitKind, Observation, Policy};
use sre_core::Timestamp;

/// Replica bounds `[min, max]`, checked: `min <= max`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Bounds {
    min: u32,
    max: u32,
}

// Deserializing runs `Bounds::new`, so a config file gets the same checks as code.
#[cfg(feature = "serde")]
sre_core::deserialize_via!(Bounds { min: u32, max: u32 } => Bounds::new(min, max));

impl Bounds {
    /// `[min, max]`.
    ///
    /// # Errors
    /// [`Error::BoundsInverted`] if `min > max`.
    pub const fn new(min: u32, max: u32) -> Result<Self, Error> {
        if min > max {
            Err(Error::BoundsInverted { min, max })
        } else {
            Ok(Self { min, max })
        }
    }

    /// The lower bound.
    #[must_use]
    pub const fn min(self) -> u32 {
        self.min
    }

    /// The upper bound.
    #[must_use]
    pub const fn max(self) -> u32 {
        self.max
    }

    /// Clamps `d.desired` into the bounds, recording the limit.
    pub fn apply(self, d: &mut Decision) {
        if d.desired < self.min {
            d.limit(LimitKind::MinBound, self.min, None);
        } else if d.desired > self.max {
            d.limit(LimitKind::MaxBound, self.max, None);
        }
    }
}

/// Wraps a policy so every decision lands in `[min, max]`; put it outermost.
///
/// ```
/// use sre_core::Timestamp;
/// use sre_scaling::{Bounded, Bounds, Observation, Policy, TargetTracking, Metric};
///
/// let p = Bounded::new(TargetTracking::new(Metric::Rps, 1000.0)?, Bounds::new(2, 10)?);
/// let s = p.initial_state();
/// let d = p.decide(Timestamp::ZERO, &Observation::new(4).with_rps(0.0), &s)?;
/// assert_eq!((d.recommended, d.desired), (0, 2));
/// # Ok::<(), sre_scaling::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Bounded<P> {
    inner: P,
    bounds: Bounds,
}

impl<P> Bounded<P> {
    /// `inner`, clamped to `bounds`.
    pub const fn new(inner: P, bounds: Bounds) -> Self {
        Self { inner, bounds }
    }

    /// The bounds.
    pub const fn bounds(&self) -> Bounds {
        self.bounds
    }
}

impl<P: Policy> Policy for Bounded<P> {
    type State = P::State;

    fn initial_state(&self) -> Self::State {
        self.inner.initial_state()
    }

    fn decide(
        &self,
        now: Timestamp,
        obs: &Observation<'_>,
        state: &Self::State,
    ) -> Result<Decision, Error> {
        let mut d = self.inner.decide(now, obs, state)?;
        self.bounds.apply(&mut d);
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
        self.inner.commit(state, now, obs, decision, applied);
    }
}
