//! The bounds on every scenario input that drives allocation or iteration, in one place.
//!
//! A scenario beyond any of them is refused by [`Scenario::validate`](crate::Scenario::validate)
//! or [`Simulation::new`](crate::Simulation::new) with [`Error::Scenario`](crate::Error::Scenario),
//! naming the field, its value and the bound, before anything is allocated. Within them a
//! run's work is linear in what the scenario asks for: requests, boundaries (evaluations,
//! decisions, report points, minutes) and servers.
//!
//! | input | bound | why |
//! |---|---|---|
//! | `duration` | ≤ [`MAX_DURATION`] (10^7 minutes, about 19 years) | the run checks the SLI every minute |
//! | expected requests (∫ rate over `duration`, events included) | ≤ [`MAX_EXPECTED_REQUESTS`] | each request is an event processed |
//! | `service.max_queue` | ≤ [`MAX_QUEUE`]; absent: [`DEFAULT_MAX_QUEUE`] | the queue's memory (16 bytes a waiting request) |
//! | `servers.max` | ≤ [`MAX_SERVERS`] | a slot per server, a pod sample per server per decision |
//! | `duration / report_interval` | ≤ [`MAX_REPORT_POINTS`] | timeline points |
//! | `duration / slo.evaluation_interval` | ≤ [`MAX_TICKS`] | burn-rate evaluations |
//! | `duration / autoscaler.control_interval` | ≤ [`MAX_TICKS`] | scaling decisions |
//! | `traffic.events` | ≤ [`MAX_LIST`] entries | rate-profile knots |
//! | `schedule` | ≤ [`MAX_LIST`] entries | planned floors |
//! | `faults` | ≤ [`MAX_FAULTS`] entries; a `latency` fault's `add` ≤ [`MAX_FAULT_DELAY`] | fault boundaries; requests held at once |
//! | `experiment` | at most [`MAX_PROBES`](crate::experiment::MAX_PROBES) probes and `sre-chaos`' `MAX_CONDITIONS` abort conditions; `duration / experiment.tick` ≤ [`MAX_TICKS`] | SLI reads per check and per tick |
//! | `slo.period` | `sre-metrics`' SLI window bound (366 days) | the window's buckets |
//! | the predictive autoscaler's history | one sample (16 bytes) a decision over a day plus `lead` | its seasonal forecast |
//!
//! Completion times past the clock's end saturate to `u64::MAX` ns (the end of
//! simulated time) and are still reported once: the station has no "no event" time.

/// The longest run: 10^7 minutes (about 19 years). Every minute is a boundary (the SLI's
/// bad-minute check), and a diurnal profile has a knot every 15 minutes.
pub const MAX_DURATION: core::time::Duration = core::time::Duration::from_secs(600_000_000);

/// The most requests a run may expect: ∫ rate dt over the run, with every event's
/// multiplier. About a minute of simulation in a release build.
pub const MAX_EXPECTED_REQUESTS: f64 = 1e9;

/// The queue limit when `service.max_queue` is absent: arrivals beyond this many waiting
/// are dropped (about 16 MB of queue).
pub const DEFAULT_MAX_QUEUE: u64 = 1_000_000;

/// The largest `service.max_queue` (about 160 MB of queue when full).
pub const MAX_QUEUE: u64 = 10_000_000;

/// The largest pool (`servers.max`): the station keeps a slot per server, and a policy
/// observes one pod sample per server.
pub const MAX_SERVERS: u64 = 1_000_000;

/// The most timeline points a report may hold (`duration / report_interval`).
pub const MAX_REPORT_POINTS: u64 = 1_000_000;

/// The most evaluations or control decisions a run may make (`duration / interval`).
pub const MAX_TICKS: u64 = 10_000_000;

/// The most entries of `traffic.events` and of `schedule`.
pub const MAX_LIST: usize = 100_000;

/// The most entries of `faults`.
pub const MAX_FAULTS: usize = 10_000;

/// The longest delay a `latency` fault adds (an hour: the latency histogram's top).
pub const MAX_FAULT_DELAY: core::time::Duration = core::time::Duration::from_secs(3600);
