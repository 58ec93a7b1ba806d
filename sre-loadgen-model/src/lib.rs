//! Model load and capacity: rate profiles, arrival schedules, test types, capacity plans,
//! queueing theory and the Universal Scalability Law.
//!
//! ```
//! use core::time::Duration;
//! use sre_core::Timestamp;
//! use sre_loadgen_model::{queueing::MMc, Poisson, RateProfile};
//!
//! // 1000 RPS for a minute, tripled for 10 s from t = 30 s (an event).
//! let profile = RateProfile::constant(1000.0, Duration::from_secs(60))?
//!     .with_multiplier(Duration::from_secs(30), Duration::from_secs(10), 3.0)?;
//! assert_eq!(profile.total(), 80_000.0);
//!
//! // Seeded Poisson arrivals: intended send times, reproducible from the seed.
//! let sends: Vec<Timestamp> = Poisson::new(profile, 42, Timestamp::ZERO).collect();
//! assert!((sends.len() as f64 - 80_000.0).abs() < 6.0 * 80_000f64.sqrt());
//!
//! // How long do requests queue on 20 servers of 750 RPS each at 10,000 RPS?
//! let q = MMc::new(10_000.0, 750.0, 20)?;
//! assert!(q.p_wait() < 0.07 && q.response_quantile(0.99)? < 0.007);
//! # Ok::<(), sre_loadgen_model::Error>(())
//! ```
//!
//! # Modules
//!
//! - [`profile`]: [`RateProfile`], offered load over time (constant, stages, steps, spike,
//!   sine/diurnal, Heaviside peak, trace replay, event multipliers); [`segment`] its pieces.
//! - [`arrivals`]: seeded schedules of intended send times: [`Deterministic`] with a
//!   phase, non-homogeneous [`Poisson`], [`FixedCount`].
//! - [`closed`]: the closed-loop model: virtual users with think time, exact MVA.
//! - [`testtype`]: the course's load, stress (with its stop rule), soak and spike tests.
//! - [`tools`]: k6, Gatling, Vegeta and wrk2 timing reproduced exactly.
//! - [`rng`]: the named generator (Xoshiro256++ seeded by SplitMix64) and a portable `ln`.
//! - [`capacity`]: capacity model, headroom, growth, provisioning plans (rule as a
//!   parameter), event buffers.
//! - [`usl`]: the Universal Scalability Law and Amdahl, with a bounded fit.
//! - [`queueing`]: Erlang B/C, M/M/c waits and percentiles, M/G/1, Little's law, staffing.
//! - [`error`]: the crate's [`Error`].
//!
//! # Bounds
//!
//! Every input that drives allocation or iteration, and what bounds it (each refusal is
//! a typed [`Error`] naming the quantity, the value and the bound):
//!
//! | input | bound | cost |
//! |---|---|---|
//! | [`CapacityModel::plan`](capacity::CapacityModel::plan) horizon | ≤ [`MAX_HORIZON_MONTHS`](capacity::MAX_HORIZON_MONTHS) ([`Error::TooLarge`]) | O(horizon + d log d), d decision months |
//! | multiplier windows ([`RateProfile::with_multipliers`]) | as many as given, no overlaps | O((k + n) log (k + n)) |
//! | servers `c` (Erlang B/C, [`MMc`](queueing::MMc), `servers_for`) | `u32` | O(c) |
//! | USL concurrency N | finite, ≥ 0 | O(1) |
//! | arrival schedules ([`Poisson`], [`Deterministic`], …) | lazy iterators over the profile | O(1) an arrival |
//! | profiles from samples (`replay`, `stages`, `steps`) | as many as given | linear |
//!
//! # Features
//!
//! - `serde`: `Serialize`/`Deserialize` for the crate's data types.
#![forbid(unsafe_code)]

pub mod arrivals;
pub mod capacity;
pub mod closed;
pub mod error;
pub mod profile;
pub mod queueing;
pub mod rng;
pub mod segment;
mod special;
pub mod testtype;
pub mod tools;
pub mod usl;

pub use arrivals::{Alignment, Deterministic, FixedCount, Poisson};
pub use error::Error;
pub use profile::{Interpolation, RateProfile};
pub use segment::{Segment, Shape};
