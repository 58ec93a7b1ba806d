//! Size a service: autoscaling policies as pure functions of time, observation and state,
//! each decision explaining itself.
//!
//! A [`Policy`] decides from `(now, observation, state)` without changing anything; the
//! caller applies the answer and then [commits](Policy::commit) what it actually reached.
//! A simulator that always succeeds calls [`Policy::step`] each control interval:
//!
//! ```
//! use core::time::Duration;
//! use sre_core::Timestamp;
//! use sre_scaling::{Bounded, Bounds, Cooldown, LimitKind, Metric, Observation, Policy, TargetTracking};
//!
//! // Course text: 1000 RPS per instance, 3 min after a scale-up, 10 min before a scale-down,
//! // and never outside [2, 20].
//! let policy = Bounded::new(
//!     Cooldown::up_3m_down_10m(TargetTracking::new(Metric::Rps, 1000.0)?),
//!     Bounds::new(2, 20)?,
//! );
//! let mut state = policy.initial_state();
//! let mut replicas = 2;
//! let load = [3000.0, 5000.0, 5000.0, 5000.0, 1000.0, 1000.0];
//! for (minute, rps) in load.into_iter().enumerate() {
//!     let now = Timestamp::from_mins(2 * minute as u64);
//!     let obs = Observation::new(replicas).with_rps(rps);
//!     let d = policy.step(now, &obs, &mut state)?;
//!     replicas = d.desired;
//! }
//! assert_eq!(replicas, 5); // 1000 RPS wants 1 (bounds: 2), but the 10-min cooldown holds 5
//!
//! // Decisions explain themselves: raw recommendation, limits, when it could change.
//! let obs = Observation::new(replicas).with_rps(1000.0);
//! let d = policy.decide(Timestamp::from_mins(12), &obs, &state)?;
//! assert_eq!((d.recommended, d.desired), (1, 5));
//! assert!(d.limits.contains(LimitKind::Cooldown));
//! assert_eq!(d.next_change, Some(Timestamp::from_mins(14))); // 10 min after the 4-min scale-up
//! # Ok::<(), sre_scaling::Error>(())
//! ```
//!
//! # Driving a policy from a simulator
//!
//! Each control interval: build an [`Observation`] (current and ready instances, and
//! whichever of CPU %, RPS, queue depth, concurrency and per-pod samples the policy
//! reads), call [`Policy::decide`], apply `desired` (a rescale can fail or be partial),
//! and call [`Policy::commit`] with the count actually reached; or call [`Policy::step`]
//! when the rescale always succeeds. `decision.next_change` says when the answer could
//! change without a new observation (an event-driven simulator may sleep until then).
//! States are plain data: clone them to fork a run, serialize them (feature `serde`) to
//! resume one. Every policy here allocates nothing once its windows are full.
//!
//! # Reference semantics
//!
//! [`Hpa`] follows the Kubernetes HPA controller exactly (`horizontal.go`,
//! `replica_calculator.go`): with a `behavior` (by default Kubernetes' default behavior:
//! scale-up `Max(4 pods, 100 %)` per 15 s with no stabilization, scale-down 100 % per 15 s
//! with a 300 s window), and, for an HPA without one, the legacy rule (5-minute scale-down
//! stabilization, scale-up at most `max(2 × current, 4)`). [`Kpa`] follows Knative's decider
//! (`autoscaler.go`). Both pass every vector of the reference sets.
//!
//! # Modules
//!
//! - [`policy`]: the [`Policy`] trait.
//! - [`observation`]: [`Observation`], [`Metric`], [`PodSample`].
//! - [`decision`]: [`Decision`], [`Limit`], [`LimitKind`], [`Inputs`], [`Reason`].
//! - [`threshold`]: [`Thresholds`], up above one level and down below another (CPU 70/30).
//! - [`target`]: [`TargetTracking`], a target per instance (1000 RPS each).
//! - [`queue`]: [`QueueDepth`] (up above 1000, down after 5 min empty) and [`Keda`].
//! - [`step`]: [`StepScaling`], AWS step adjustments.
//! - [`predictive`]: [`Predictive`], seasonal or Holt forecast, never scales in on it.
//! - [`cooldown`]: [`Cooldown`], hold after scaling (3 min up, 10 min down).
//! - [`bounds`]: [`Bounds`] and [`Bounded`], `[min, max]`.
//! - [`combine`]: [`MaxOf`], any may scale out, all must agree to scale in.
//! - [`hpa`]: [`Hpa`], the Kubernetes HPA, exact (replica calculator, behavior, legacy).
//! - [`kpa`]: [`Kpa`], the Knative KPA decider, exact (stable/panic windows, delay).
//! - [`error`]: the crate's [`Error`].
//!
//! # Bounds
//!
//! What a policy's state holds, and what a decision costs, in the length of its history
//! (times non-decreasing, the [`Policy`] protocol's order):
//!
//! | policy | state | a decision |
//! |---|---|---|
//! | [`Hpa`] | recommendations within the stabilization windows (each ≤ 1 hour, refused beyond); scale events within the longest rate-policy period | amortized O(1) in the recommendations; O(events in the period) |
//! | [`Predictive`] seasonal | one sample a commit over a season plus the lead | O(log k), k the samples within the lead |
//! | [`Predictive`] Holt, thresholds, target, queue, step, cooldown, bounds | O(1) | O(1) |
//! | [`Kpa`] | samples within the stable window | O(samples in the window) |
//! | [`Decision::limits`](Decision) | at most 8 limits, further ones counted, not stored | O(1) |
//!
//! # Features
//!
//! - `serde`: `Serialize`/`Deserialize` for policies' states and decisions, so a restarted
//!   controller resumes where it was.
#![forbid(unsafe_code)]

pub mod bounds;
pub mod combine;
pub mod cooldown;
pub mod decision;
pub mod error;
pub mod hpa;
pub mod kpa;
pub mod observation;
pub mod policy;
pub mod predictive;
pub mod queue;
pub mod step;
pub mod target;
pub mod threshold;

pub use bounds::{Bounded, Bounds};
pub use combine::{MaxOf, MaxOfState};
pub use cooldown::{Cooldown, CooldownState};
pub use decision::{Decision, Inputs, Limit, LimitKind, Limits, Reason};
pub use error::Error;
pub use hpa::{Hpa, HpaMetric, HpaSpec, HpaState};
pub use kpa::{Kpa, KpaSpec, KpaState};
pub use observation::{Metric, Observation, PodPhase, PodSample};
pub use policy::Policy;
pub use predictive::{Forecaster, Predictive, PredictiveState};
pub use queue::{Keda, KedaState, QueueDepth, QueueState};
pub use step::StepScaling;
pub use target::TargetTracking;
pub use threshold::{ThresholdAction, Thresholds};
