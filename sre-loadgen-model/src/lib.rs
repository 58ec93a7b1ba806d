//! Model load and capacity: rate profiles, arrival schedules, capacity plans, queueing theory and the Universal Scalability Law.
//!
//! **Not built yet.** This crate is a documented skeleton: it compiles and holds no
//! working code. What will live here:
//!
//! - rate profiles (constant, ramps, steps, spike, soak, diurnal, trace replay);
//! - seeded arrival schedules reproducing k6, Gatling, Vegeta and wrk2 timing;
//! - capacity plans with growth projection and event buffers;
//! - Erlang B/C, M/M/c percentiles, M/G/1, Little's law; USL and Amdahl with a bounded fit.
//!
//! See `DESIGN.md` (the sre family's design) for the semantics these will follow.
#![forbid(unsafe_code)]
