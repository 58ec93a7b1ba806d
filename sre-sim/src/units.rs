//! Durations as people write them in scenario files: `"80ms"`, `"3m"`, `"48h"`, `"7d"`.

use core::time::Duration;

/// Parses a duration: a non-negative decimal number followed by one of the units `ns`,
/// `us`, `ms`, `s`, `m`, `h`, `d` (`"1.5h"`, `"250ms"`, `"7d"`). A bare number is refused,
/// so a unit is never guessed.
///
/// ```
/// use core::time::Duration;
/// use sre_sim::units::parse_duration;
/// assert_eq!(parse_duration("90s"), Ok(Duration::from_secs(90)));
/// assert_eq!(parse_duration("1.5h"), Ok(Duration::from_secs(5400)));
/// assert_eq!(parse_duration("250ms"), Ok(Duration::from_millis(250)));
/// assert!(parse_duration("10").unwrap_err().contains("unit"));
/// ```
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let t = text.trim();
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let unit = unit.trim();
    if num.is_empty() {
        return Err(format!(
            "`{text}` does not start with a number; write e.g. \"80ms\""
        ));
    }
    let scale = match unit {
        "ns" => 1e-9,
        "us" | "µs" => 1e-6,
        "ms" => 1e-3,
        "s" => 1.0,
        "m" | "min" => 60.0,
        "h" => 3600.0,
        "d" => 86_400.0,
        "" => {
            return Err(format!(
                "`{text}` has no unit; write e.g. \"80ms\", \"30s\", \"5m\", \"48h\" or \"7d\""
            ));
        }
        other => {
            return Err(format!(
                "`{text}` has the unknown unit `{other}`; use ns, us, ms, s, m, h or d"
            ));
        }
    };
    let value: f64 = num
        .parse()
        .map_err(|_| format!("`{text}` does not start with a number; write e.g. \"80ms\""))?;
    Duration::try_from_secs_f64(value * scale)
        .map_err(|_| format!("`{text}` is too long to represent"))
}

/// Seconds as a [`Duration`], saturating: negative and NaN give zero, values past
/// [`Duration::MAX`] give it (`Duration::from_secs_f64` panics on both).
pub(crate) fn secs_saturating(secs: f64) -> Duration {
    Duration::try_from_secs_f64(secs.max(0.0)).unwrap_or(if secs > 0.0 {
        Duration::MAX
    } else {
        Duration::ZERO
    })
}

/// Formats a duration compactly for summaries: `"250ms"`, `"42s"`, `"3m"`, `"2h 30m"`, `"7d 4h"`.
#[must_use]
pub fn format_duration(d: Duration) -> String {
    let s = d.as_secs();
    if d.is_zero() {
        return "0".into();
    }
    if s == 0 {
        return format!("{}ms", d.as_millis());
    }
    let (days, hours, mins, secs) = (s / 86_400, s / 3600 % 24, s / 60 % 60, s % 60);
    match (days, hours, mins, secs) {
        (0, 0, 0, s) => format!("{s}s"),
        (0, 0, m, 0) => format!("{m}m"),
        (0, 0, m, s) => format!("{m}m {s}s"),
        (0, h, 0, _) => format!("{h}h"),
        (0, h, m, _) => format!("{h}h {m}m"),
        (d, 0, _, _) => format!("{d}d"),
        (d, h, _, _) => format!("{d}d {h}h"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_unit_parses() {
        for (text, ns) in [
            ("5ns", 5u64),
            ("5us", 5_000),
            ("5ms", 5_000_000),
            ("5s", 5_000_000_000),
            ("5m", 300_000_000_000),
            ("2h", 7_200_000_000_000),
            ("1d", 86_400_000_000_000),
            (" 0.5s ", 500_000_000),
        ] {
            assert_eq!(parse_duration(text), Ok(Duration::from_nanos(ns)), "{text}");
        }
    }

    #[test]
    fn bad_text_says_what_to_write() {
        assert!(parse_duration("").unwrap_err().contains("number"));
        assert!(
            parse_duration("5 parsecs")
                .unwrap_err()
                .contains("unknown unit")
        );
        assert!(parse_duration("ms").unwrap_err().contains("number"));
        assert!(parse_duration("-5s").unwrap_err().contains("number"));
        assert!(parse_duration("1.2.3s").unwrap_err().contains("number"));
    }

    #[test]
    fn formats_compactly() {
        assert_eq!(format_duration(Duration::ZERO), "0");
        assert_eq!(format_duration(Duration::from_millis(250)), "250ms");
        assert_eq!(format_duration(Duration::from_secs(42)), "42s");
        assert_eq!(format_duration(Duration::from_secs(180)), "3m");
        assert_eq!(format_duration(Duration::from_secs(9000)), "2h 30m");
        assert_eq!(
            format_duration(Duration::from_secs(7 * 86_400 + 4 * 3600)),
            "7d 4h"
        );
    }
}
