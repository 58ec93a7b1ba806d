//! Durations in the family's one grammar (`30d`, `6h`, `1h30m`, `1.5h`, `250ms`),
//! re-exported from [`sre_core::duration`].
//!
//! Used by the SLO spec, the `replay` example's flags and the generated rules;
//! [`format_duration`] writes Prometheus' compound form, so one spelling round-trips
//! through all three.
//!
//! ```
//! use core::time::Duration;
//! use sre_budget::duration::{format_duration, parse_duration};
//!
//! assert_eq!(parse_duration("1h30m")?, Duration::from_secs(5400));
//! assert_eq!(parse_duration("1.5h")?, Duration::from_secs(5400));
//! assert_eq!(format_duration(Duration::from_secs(3 * 86_400)), "3d");
//! assert_eq!(format_duration(Duration::from_secs(90)), "1m30s");
//! assert!(parse_duration("30 days").is_err());
//! # Ok::<(), sre_budget::Error>(())
//! ```

pub use sre_core::duration::{DurationProblem, format_duration, parse_duration};
