//! Durations written the way Prometheus writes them: `30d`, `6h`, `1h30m`, `90s`.
//!
//! Used by the SLO spec, the `replay` example's flags and the generated rules, so one
//! spelling round-trips through all three.
//!
//! ```
//! use core::time::Duration;
//! use sre_budget::duration::{format_duration, parse_duration};
//!
//! assert_eq!(parse_duration("1h30m")?, Duration::from_secs(5400));
//! assert_eq!(format_duration(Duration::from_secs(3 * 86_400)), "3d");
//! assert_eq!(format_duration(Duration::from_secs(90)), "1m30s");
//! assert!(parse_duration("30 days").is_err());
//! # Ok::<(), sre_budget::Error>(())
//! ```

use crate::Error;
use core::time::Duration;

/// Prometheus' units (`model.ParseDuration`), largest first, in milliseconds; a year is
/// 365 days.
const UNITS: [(&str, u64); 7] = [
    ("y", 365 * 86_400_000),
    ("w", 7 * 86_400_000),
    ("d", 86_400_000),
    ("h", 3_600_000),
    ("m", 60_000),
    ("s", 1_000),
    ("ms", 1),
];

/// Parses a Prometheus-style duration: one or more `<whole number><unit>` terms, units
/// `y` (365 d), `w`, `d`, `h`, `m`, `s`, `ms`, largest first (`1d12h`, `5m`, `250ms`).
pub fn parse_duration(text: &str) -> Result<Duration, Error> {
    let bad = |reason| Error::BadDuration {
        text: text.to_owned(),
        reason,
    };
    if text.is_empty() {
        return Err(bad("it is empty"));
    }
    let mut rest = text;
    let mut total_ms: u64 = 0;
    let mut last_unit = u64::MAX;
    while !rest.is_empty() {
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return Err(bad("expected a digit"));
        }
        let n: u64 = rest[..digits]
            .parse()
            .map_err(|_| bad("the number is too large"))?;
        rest = &rest[digits..];
        let letters = rest.bytes().take_while(u8::is_ascii_alphabetic).count();
        let unit = &rest[..letters];
        rest = &rest[letters..];
        let (_, ms) = UNITS
            .iter()
            .find(|(u, _)| *u == unit)
            .ok_or_else(|| bad("unknown or missing unit"))?;
        if *ms >= last_unit {
            return Err(bad("units must go from largest to smallest, each once"));
        }
        last_unit = *ms;
        total_ms = n
            .checked_mul(*ms)
            .and_then(|x| x.checked_add(total_ms))
            .ok_or_else(|| bad("the duration is too long"))?;
    }
    Ok(Duration::from_millis(total_ms))
}

/// Formats a duration the way Prometheus does (largest units first, zero terms left out):
/// `3d`, `1h30m`, `0s`. Sub-millisecond parts are dropped.
#[must_use]
pub fn format_duration(d: Duration) -> String {
    let mut ms = u64::try_from(d.as_millis()).unwrap_or(u64::MAX);
    if ms == 0 {
        return "0s".to_owned();
    }
    let mut out = String::new();
    // Prometheus (`model.Duration.String`) prints years and weeks only when what is left
    // is a whole number of them ("90d", not "12w6d"); days and smaller always.
    for (unit, size) in UNITS {
        if matches!(unit, "y" | "w") && ms % size != 0 {
            continue;
        }
        let n = ms / size;
        if n > 0 {
            out.push_str(&n.to_string());
            out.push_str(unit);
            ms -= n * size;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn reads_prometheus_spellings() {
        for (text, secs) in [
            ("30d", 30 * 86_400),
            ("28d", 28 * 86_400),
            ("4w", 28 * 86_400),
            ("1y", 365 * 86_400),
            ("1y1d", 366 * 86_400),
            ("6h", 21_600),
            ("5m", 300),
            ("1h30m", 5_400),
            ("90s", 90),
        ] {
            assert_eq!(
                parse_duration(text).unwrap(),
                Duration::from_secs(secs),
                "{text}"
            );
        }
        assert_eq!(parse_duration("250ms").unwrap(), Duration::from_millis(250));
    }

    #[test]
    fn rejects_with_a_reason() {
        for text in [
            "",
            "30",
            "d",
            "5 m",
            "1m1h",
            "1x",
            "3.5h",
            "99999999999999999999d",
        ] {
            let e = parse_duration(text).unwrap_err();
            assert!(matches!(e, Error::BadDuration { .. }), "{text}");
            assert!(e.to_string().contains("e.g. 30d"), "{e}");
        }
    }

    #[test]
    fn formats_largest_first() {
        assert_eq!(format_duration(Duration::from_secs(3600)), "1h");
        assert_eq!(format_duration(Duration::from_secs(7 * 86_400)), "1w");
        assert_eq!(format_duration(Duration::from_secs(30 * 86_400)), "30d");
        assert_eq!(format_duration(Duration::from_secs(86_400 + 7200)), "1d2h");
        assert_eq!(format_duration(Duration::ZERO), "0s");
        // Years and weeks only when whole (Prometheus' `model.Duration.String`).
        let days = |n: u64| Duration::from_secs(n * 86_400);
        assert_eq!(format_duration(days(365)), "1y");
        assert_eq!(format_duration(days(730)), "2y");
        assert_eq!(format_duration(days(366)), "366d");
        assert_eq!(format_duration(days(90)), "90d");
        assert_eq!(format_duration(days(14)), "2w");
    }

    proptest! {
        #[test]
        fn format_then_parse_round_trips(ms in 1u64..10_000_000_000_000) {
            let d = Duration::from_millis(ms);
            prop_assert_eq!(parse_duration(&format_duration(d)).unwrap(), d);
        }
    }
}
