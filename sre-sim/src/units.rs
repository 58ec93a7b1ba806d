//! Durations as people write them in scenario files: `"80ms"`, `"3m"`, `"48h"`, `"7d"`.

use core::time::Duration;

/// Parses a duration in the family's one grammar ([`sre_core::duration`]): a number
/// and a unit, or several from the largest unit down (`"1.5h"`, `"1h30m"`, `"250ms"`,
/// `"7d"`; units `y w d h m min s ms us µs ns`). A bare number is refused, so a unit is
/// never guessed. The error is the message of [`sre_core::Error::BadDuration`].
///
/// ```
/// use core::time::Duration;
/// use sre_sim::units::parse_duration;
/// assert_eq!(parse_duration("90s"), Ok(Duration::from_secs(90)));
/// assert_eq!(parse_duration("1.5h"), Ok(Duration::from_secs(5400)));
/// assert_eq!(parse_duration("1h30m"), Ok(Duration::from_secs(5400)));
/// assert_eq!(parse_duration("250ms"), Ok(Duration::from_millis(250)));
/// assert!(parse_duration("10").unwrap_err().contains("unit"));
/// ```
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    sre_core::duration::parse_duration(text).map_err(|e| e.to_string())
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
