//! Size a service: autoscaling policies as pure functions of time, observation and state, each decision explaining itself.
//!
//! **Not built yet.** This crate is a documented skeleton: it compiles and holds no
//! working code. What will live here:
//!
//! - threshold, target-tracking, queue-depth, step and predictive policies from the course text;
//! - Kubernetes HPA (tolerance, readiness, stabilization, behavior policies), exactly;
//! - Knative KPA (stable and panic windows, rate limits, scale to zero);
//! - combinators: bounds, cooldown, max-of-policies.
//!
//! See `DESIGN.md` (the sre family's design) for the semantics these will follow.
#![forbid(unsafe_code)]
