//! Time, clocks and validated numbers: what every crate of the `sre` family shares.
//!
//! Every decision in the family is a pure function of `now: Timestamp` and state, so the
//! same code runs in a service on real time and in a simulator a million times faster.
//!
//! ```
//! use core::time::Duration;
//! use sre_core::{Clock, ManualClock, Objective, Timestamp};
//!
//! // An SLO of 99.9 % allows 0.1 % of events to fail: 43.2 minutes of a 30-day month.
//! let slo = Objective::from_percent(99.9)?;
//! let month = Duration::from_secs(30 * 24 * 3600);
//! let allowed = month.mul_f64(slo.error_budget());
//! assert_eq!(allowed.as_secs_f64().round(), 43.2 * 60.0);
//!
//! // A simulation drives its own clock; the code under test only ever sees `now`.
//! let clock = ManualClock::new(Timestamp::ZERO);
//! clock.advance(Duration::from_secs(300));
//! assert_eq!(clock.now(), Timestamp::from_mins(5));
//! # Ok::<(), sre_core::Error>(())
//! ```
//!
//! # Modules
//!
//! - [`time`]: [`Timestamp`], u64 nanoseconds, arithmetic that never wraps; the time
//!   constants ([`MINUTE`], [`NANOS_PER_MINUTE`], …) and the period bound [`MAX_PERIOD`].
//! - [`duration`]: the one duration grammar (`30d`, `1h30m`, `1.5h`, `250ms`).
//! - [`clock`]: the [`Clock`] trait, [`MonotonicClock`], [`SystemClock`] (Unix epoch)
//!   and [`ManualClock`].
//! - [`num`]: validated numbers: [`Objective`], [`Fraction`], [`Rate`], [`Positive`].
//! - [`error`]: the crate's [`Error`].
//! - [`sync`]: the atomics shim that lets loom models and shipped code share one source.
//! - [`deserialize_via!`]: `Deserialize` through a validating constructor, for the
//!   family's types with private fields.
//!
//! # Limits
//!
//! | input | bound | beyond it |
//! |---|---|---|
//! | a period or horizon anywhere in the family | longer than 0, at most [`MAX_PERIOD`] (366 days), checked by [`check_period`] | [`Error::ZeroDuration`], [`Error::PeriodTooLong`] |
//! | duration text ([`duration::parse_duration`]) | the grammar, at most [`Duration::MAX`](core::time::Duration::MAX) | [`Error::BadDuration`] with a [`duration::DurationProblem`] |
//! | [`Timestamp`] | `u64::MAX` nanoseconds (584 years) | arithmetic saturates or returns `None` (see [`Timestamp`]) |
//! | [`Objective`] | a fraction in (0, 1), a percentage in (0, 100), or either by [`Objective::from_fraction_or_percent`] | [`Error::OutOfRange`], [`Error::NotANumber`], [`Error::Infinite`] |
//! | input quoted in an error | [`error::EXCERPT_CHARS`] characters ([`error::excerpt`]) | cut, with `…` |
//!
//! # Features
//!
//! - `serde`: `Serialize`/`Deserialize` for every type here; validation runs on input.
#![forbid(unsafe_code)]

pub mod clock;
mod de;
pub mod duration;
pub mod error;
pub mod num;
pub mod sync;
pub mod time;

pub use clock::{Clock, ManualClock, MonotonicClock, SystemClock};
pub use error::Error;
pub use num::{Fraction, Objective, Positive, Rate, f64_to_u64_saturating};
pub use time::{
    DAY, HOUR, MAX_PERIOD, MAX_PERIOD_MINUTES, MINUTE, MINUTES_PER_DAY, NANOS_PER_DAY,
    NANOS_PER_HOUR, NANOS_PER_MINUTE, NANOS_PER_SEC, SECS_PER_DAY, SECS_PER_HOUR, SECS_PER_MINUTE,
    Timestamp, check_period, duration_to_nanos_saturating,
};
