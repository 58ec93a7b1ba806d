//! Judge a service: SLOs, error budgets, multi-window multi-burn-rate alerts and budget policy, with the same timing as Prometheus.
//!
//! **Not built yet.** This crate is a documented skeleton: it compiles and holds no
//! working code. What will live here:
//!
//! - `slo`: an SLO spec shaped like OpenSLO v1 (objective, rolling or calendar window, SLI).
//! - `budget`: allowed bad fraction and downtime, consumption, burn rate, time to exhaustion.
//! - `alert`: the SRE Workbook's multi-window multi-burn-rate policy evaluated on a
//!   caller-driven clock, with `for` and `keep_firing_for`.
//! - `policy`: the release decision by remaining budget (deploy, slow down, freeze).
//! - `rules`: the equivalent Prometheus recording and alerting rules.
//!
//! See `DESIGN.md` (the sre family's design) for the semantics these will follow.
#![forbid(unsafe_code)]
