//! Run it all on a simulated clock: a deterministic discrete-event simulator of arrivals, servers, SLIs, burn-rate alerts and autoscaling.
//!
//! **Not built yet.** This crate is a documented skeleton: it compiles and holds no
//! working code. What will live here:
//!
//! - a scenario (arrivals, service times, servers, SLO, autoscaler) run to a report;
//! - reports as JSON and SVG pictures of load, capacity, latency and budget over time;
//! - the flagship examples `black_friday` and `compare_autoscalers`.
//!
//! See `DESIGN.md` (the sre family's design) for the semantics these will follow.
#![forbid(unsafe_code)]
