//! [`Kpa`]: the Knative Pod Autoscaler's decider, exactly.
//!
//! Follows `pkg/autoscaler/scaling/autoscaler.go` of knative/serving:
//!
//! - desired pods from the stable and panic windows: `ceil(observed / target)`, clamped to
//!   `[floor(ready / max_scale_down_rate), ceil(max_scale_up_rate × ready)]` (ready pods
//!   counted as at least 1; no scale-down bound when the revision is unreachable);
//! - panic starts (or is extended) while `ceil(panic / target) / ready ≥ panic_threshold`,
//!   and ends once not over the threshold and a stable window has passed since it was
//!   last extended; in panic the count never goes down (the maximum of the panic episode);
//! - the autoscaler starts in panic if it is created with more than one ready pod;
//! - a scale-down delay keeps the maximum desired count over `(now − delay, now]`;
//! - `activation_scale` is the smallest non-zero count.
//!
//! A [`Policy`] reads the total [`Metric::Concurrency`] (or [`Metric::Rps`]) from each
//! observation and averages the samples over the stable and panic windows itself; callers
//! that already have windowed values use [`Kpa::decide_windowed`] and
//! [`Kpa::commit_windowed`]. An optional scale-to-zero grace (Knative's reconciler default
//! is 30 s; [`KpaSpec::new`] uses 0, the decider alone) holds one pod until the decider has
//! wanted zero for that long.
//!
//! ```
//! use sre_core::Timestamp;
//! use sre_scaling::kpa::{Kpa, KpaSpec};
//!
//! // Target 10 per pod; 1 ready pod sees 50 in the stable window, 100 in the panic window:
//! // 100 / 10 = 10 pods is 10× the ready count, over the 2× panic threshold: panic, 10 pods.
//! let kpa = Kpa::new(KpaSpec::new(10.0)?)?;
//! let mut s = kpa.state_at_creation(Timestamp::ZERO, 1);
//! let d = kpa.decide_windowed(Timestamp::ZERO, 1, 50.0, 100.0, &s)?;
//! assert_eq!(d.desired, 10);
//! kpa.commit_windowed(&mut s, Timestamp::ZERO, 1, 50.0, 100.0);
//! assert!(s.panic_since.is_some());
//! # Ok::<(), sre_scaling::Error>(())
//! ```

use crate::decision::{Decision, Inputs, LimitKind, Reason};
use crate::error::{Error, finite, non_negative, positive_target};
use crate::observation::{Metric, Observation};
use crate::policy::Policy;
use core::time::Duration;
use sre_core::{Timestamp, f64_to_u64_saturating};

/// The decider's parameters (Knative's `DeciderSpec`).
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct KpaSpec {
    /// The metric read from observations: [`Metric::Concurrency`] or [`Metric::Rps`].
    pub metric: Metric,
    /// Target value per pod (`TargetValue`).
    pub target: f64,
    /// Panic when the panic-window count is this many times the ready pods (default 2.0, i.e. 200 %).
    pub panic_threshold: f64,
    /// At most this many times the ready pods per decision (default 1000).
    pub max_scale_up_rate: f64,
    /// At least ready pods divided by this per decision (default 2).
    pub max_scale_down_rate: f64,
    /// The stable window (default 60 s).
    pub stable_window: Duration,
    /// The panic window (default 6 s, 10 % of the stable window).
    pub panic_window: Duration,
    /// Keep the maximum decision over this long before scaling down (default 0: off).
    pub scale_down_delay: Duration,
    /// The smallest non-zero count (default 1).
    pub activation_scale: u32,
    /// Whether the revision is routable; an unreachable one may scale down without bound.
    pub reachable: bool,
    /// Hold one pod until zero has been wanted this long (default 0: off).
    pub scale_to_zero_grace: Duration,
}

impl KpaSpec {
    /// Knative's defaults with `target` per pod (concurrency).
    ///
    /// # Errors
    /// A target that is not finite and positive.
    pub fn new(target: f64) -> Result<Self, Error> {
        Ok(Self {
            metric: Metric::Concurrency,
            target: positive_target("KPA target per pod", target)?,
            panic_threshold: 2.0,
            max_scale_up_rate: 1000.0,
            max_scale_down_rate: 2.0,
            stable_window: Duration::from_secs(60),
            panic_window: Duration::from_secs(6),
            scale_down_delay: Duration::ZERO,
            activation_scale: 1,
            reachable: true,
            scale_to_zero_grace: Duration::ZERO,
        })
    }
}

/// The decider's memory: panic mode, the delay window, and the metric samples.
#[derive(Debug, Clone, PartialEq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct KpaState {
    /// When panic mode was entered or last extended; `None` when stable.
    pub panic_since: Option<Timestamp>,
    /// The highest count of the current panic episode.
    pub max_panic_pods: u32,
    /// Recent decisions `(time, count)` for the scale-down delay.
    pub delay_window: Vec<(Timestamp, u32)>,
    /// Recent metric samples `(time, value)` for the windows.
    pub samples: Vec<(Timestamp, f64)>,
    /// Since when the decider has wanted zero pods.
    pub zero_since: Option<Timestamp>,
}

/// The Knative KPA decider as a [`Policy`]. See the [module docs](self).
#[derive(Debug, Clone, PartialEq)]
pub struct Kpa {
    spec: KpaSpec,
}

struct Eval {
    decision: Decision,
    panic_since: Option<Timestamp>,
    max_panic_pods: u32,
    /// The count before the delay window (what the window records).
    pre_delay: u32,
    /// The count before the grace (what zero tracking looks at).
    pre_grace: u32,
}

fn to_u32(x: f64) -> u32 {
    u32::try_from(f64_to_u64_saturating(x)).unwrap_or(u32::MAX)
}

impl Kpa {
    /// A decider for `spec`.
    ///
    /// # Errors
    /// A non-positive target or rate, a panic threshold ≤ 0, a zero stable or panic window,
    /// a panic window longer than the stable window, or a metric other than concurrency or
    /// RPS.
    pub fn new(spec: KpaSpec) -> Result<Self, Error> {
        positive_target("KPA target per pod", spec.target)?;
        positive_target("panic threshold", spec.panic_threshold)?;
        positive_target("max scale-up rate", spec.max_scale_up_rate)?;
        positive_target("max scale-down rate", spec.max_scale_down_rate)?;
        if spec.stable_window.is_zero() {
            return Err(crate::error::zero_window("stable window"));
        }
        if spec.panic_window.is_zero() {
            return Err(crate::error::zero_window("panic window"));
        }
        // Knative sets the panic window as a percentage (1–100) of the stable window.
        if spec.panic_window > spec.stable_window {
            return Err(crate::error::out_of_range(
                "panic window in seconds",
                spec.panic_window.as_secs_f64(),
                "(0, stable window]: Knative's panic-window-percentage is at most 100",
            ));
        }
        if !matches!(spec.metric, Metric::Concurrency | Metric::Rps) {
            return Err(Error::MissingMetric {
                what: "concurrency or rps (the KPA scales on one of these)",
            });
        }
        Ok(Self { spec })
    }

    /// The spec.
    #[must_use]
    pub fn spec(&self) -> &KpaSpec {
        &self.spec
    }

    /// The state of a decider created at `now` for a revision with `ready` pods: in panic
    /// (holding `ready`) if `ready > 1`, so a restart does not scale down before it has data.
    #[must_use]
    pub fn state_at_creation(&self, now: Timestamp, ready: u32) -> KpaState {
        KpaState {
            panic_since: (ready > 1).then_some(now),
            max_panic_pods: ready,
            ..KpaState::default()
        }
    }

    fn evaluate(
        &self,
        now: Timestamp,
        ready: u32,
        stable: f64,
        panic: f64,
        state: &KpaState,
    ) -> Result<Eval, Error> {
        let sp = &self.spec;
        let stable = non_negative("stable-window value", stable)?;
        let panic = non_negative("panic-window value", panic)?;
        let ready_f = f64::from(ready.max(1));
        let max_up = (sp.max_scale_up_rate * ready_f).ceil();
        let max_down = if sp.reachable {
            (ready_f / sp.max_scale_down_rate).floor()
        } else {
            0.0
        };
        let dspc = (stable / sp.target).ceil();
        let dppc = (panic / sp.target).ceil();
        let mut stable_pods = to_u32(dspc.max(max_down).min(max_up));
        let mut panic_pods = to_u32(dppc.max(max_down).min(max_up));
        if sp.activation_scale > 1 {
            if dspc > 0.0 && sp.activation_scale > stable_pods {
                stable_pods = sp.activation_scale;
            }
            if dppc > 0.0 && sp.activation_scale > panic_pods {
                panic_pods = sp.activation_scale;
            }
        }
        let over = dppc / ready_f >= sp.panic_threshold;
        let (mut panic_since, mut max_panic) = (state.panic_since, state.max_panic_pods);
        if over {
            panic_since = Some(now);
        } else if panic_since.is_some_and(|p| p + sp.stable_window < now) {
            panic_since = None;
            max_panic = 0;
        }
        let panicking = panic_since.is_some();
        let raw = if panicking { dspc.max(dppc) } else { dspc };
        let inputs = Inputs {
            metric: Some(sp.metric),
            value: if panicking { panic } else { stable },
            target: sp.target,
            instances: ready,
        };
        let reason = if panicking {
            Reason::Panic
        } else {
            Reason::TargetTracking
        };
        let mut d = Decision::new(now, ready, to_u32(raw), inputs, reason);
        let rate_limited = if panicking {
            stable_pods.max(panic_pods)
        } else {
            stable_pods
        };
        d.limit(LimitKind::RatePolicy, rate_limited, None);
        if let Some(p) = panic_since {
            max_panic = max_panic.max(d.desired);
            d.limit(LimitKind::PanicHold, max_panic, None);
            d.change_no_later_than(Some(p + sp.stable_window + Duration::from_nanos(1)));
        }
        let pre_delay = d.desired;
        if !sp.scale_down_delay.is_zero() {
            let mut held = d.desired;
            for &(t, n) in &state.delay_window {
                if t + sp.scale_down_delay > now {
                    held = held.max(n);
                    if n > pre_delay {
                        d.change_no_later_than(Some(t + sp.scale_down_delay));
                    }
                }
            }
            d.limit(LimitKind::ScaleDownDelay, held, None);
        }
        let pre_grace = d.desired;
        if d.desired == 0 && !sp.scale_to_zero_grace.is_zero() {
            let since = state.zero_since.unwrap_or(now);
            let until = since + sp.scale_to_zero_grace;
            if now < until {
                d.limit(LimitKind::ScaleToZeroGrace, 1, Some(until));
                d.change_no_later_than(Some(until));
            }
        }
        Ok(Eval {
            decision: d,
            panic_since,
            max_panic_pods: max_panic,
            pre_delay,
            pre_grace,
        })
    }

    /// The decision from windowed values: `stable` and `panic` are the total observed
    /// concurrency (or RPS) averaged over the stable and panic windows; `ready` the ready pods.
    /// The decision's `current` is `ready`.
    ///
    /// # Errors
    /// NaN, infinite or negative windowed values.
    pub fn decide_windowed(
        &self,
        now: Timestamp,
        ready: u32,
        stable: f64,
        panic: f64,
        state: &KpaState,
    ) -> Result<Decision, Error> {
        self.evaluate(now, ready, stable, panic, state)
            .map(|e| e.decision)
    }

    /// Records the mode change and delay-window entry of the decision
    /// [`decide_windowed`](Self::decide_windowed) gave for the same inputs (Knative updates
    /// these whether or not the rescale succeeds). Invalid inputs change nothing.
    pub fn commit_windowed(
        &self,
        state: &mut KpaState,
        now: Timestamp,
        ready: u32,
        stable: f64,
        panic: f64,
    ) {
        let Ok(e) = self.evaluate(now, ready, stable, panic, state) else {
            return;
        };
        state.panic_since = e.panic_since;
        state.max_panic_pods = e.max_panic_pods;
        if !self.spec.scale_down_delay.is_zero() {
            let delay = self.spec.scale_down_delay;
            state.delay_window.retain(|&(t, _)| t + delay > now);
            state.delay_window.push((now, e.pre_delay));
        }
        state.zero_since = if e.pre_grace == 0 {
            state.zero_since.or(Some(now))
        } else {
            None
        };
    }

    /// The stable- and panic-window averages of the recorded samples plus `value` at `now`.
    fn windows(&self, now: Timestamp, value: f64, state: &KpaState) -> (f64, f64) {
        let (mut s_sum, mut s_n, mut p_sum, mut p_n) = (value, 1.0, value, 1.0);
        for &(t, v) in &state.samples {
            if t >= now {
                continue;
            }
            if t + self.spec.stable_window > now {
                s_sum += v;
                s_n += 1.0;
            }
            if t + self.spec.panic_window > now {
                p_sum += v;
                p_n += 1.0;
            }
        }
        (s_sum / s_n, p_sum / p_n)
    }
}

impl Policy for Kpa {
    type State = KpaState;

    /// A decider created with no ready pods (not in panic); use
    /// [`Kpa::state_at_creation`] for a revision that already has pods.
    fn initial_state(&self) -> KpaState {
        KpaState::default()
    }

    fn decide(
        &self,
        now: Timestamp,
        obs: &Observation<'_>,
        state: &KpaState,
    ) -> Result<Decision, Error> {
        let v = obs.metric(self.spec.metric)?;
        let (stable, panic) = self.windows(now, v, state);
        let mut d = self.decide_windowed(now, obs.ready_or_current(), stable, panic, state)?;
        d.current = obs.current;
        // A sample leaving either window changes the averages.
        for &(t, _) in &state.samples {
            for w in [self.spec.stable_window, self.spec.panic_window] {
                let out = t + w;
                if out > now {
                    d.change_no_later_than(Some(out));
                }
            }
        }
        Ok(d)
    }

    fn commit(
        &self,
        state: &mut KpaState,
        now: Timestamp,
        obs: &Observation<'_>,
        _: &Decision,
        _: u32,
    ) {
        let Ok(v) = obs.metric(self.spec.metric) else {
            return;
        };
        let (stable, panic) = self.windows(now, v, state);
        self.commit_windowed(state, now, obs.ready_or_current(), stable, panic);
        let w = self.spec.stable_window;
        state.samples.retain(|&(t, _)| t + w > now && t < now);
        state
            .samples
            .push((now, finite("sample", v).unwrap_or(0.0)));
    }
}
