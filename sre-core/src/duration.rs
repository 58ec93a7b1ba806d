//! The family's one duration grammar: [`parse_duration`] and [`format_duration`].
//!
//! # Grammar
//!
//! A duration is one or more *terms*, each a number and a unit, with units going from
//! largest to smallest, each at most once. Whitespace around the text, between terms
//! and between a number and its unit is allowed.
//!
//! | unit | meaning |
//! |---|---|
//! | `y` | 365 days (Prometheus' year) |
//! | `w` | 7 days |
//! | `d` | 24 hours |
//! | `h` | 60 minutes |
//! | `m`, `min` | 60 seconds |
//! | `s` | second |
//! | `ms` | millisecond |
//! | `us`, `µs` | microsecond |
//! | `ns` | nanosecond |
//!
//! A number is whole (`30`) or decimal (`1.5`, `.5`, `5.`); only the last term may
//! carry a fraction, so `1.5h` and `1h30.5m` are read and `1.5h30m` is refused. The
//! value is computed exactly in integers; a remainder finer than a nanosecond is
//! dropped (`0.5ns` is zero). Prometheus' compound form (`1h30m`, `30d`, `250ms`, its
//! `model.ParseDuration`) and the decimal single-unit form (`1.5h`, `0.5s`) are both
//! sentences of this grammar, and two spellings of one length parse to the same
//! [`Duration`]: `1.5h` == `1h30m` == `90m` == `5400s`.
//!
//! A duration longer than [`Duration::MAX`] is refused, never wrapped or saturated. Each
//! consumer checks its own bound on top (an SLO period: [`MAX_PERIOD`](crate::MAX_PERIOD)).
//!
//! # Formatting
//!
//! [`format_duration`] writes Prometheus' compound form (`model.Duration.String`):
//! largest unit first, zero terms left out, years and weeks only when what is left is a
//! whole number of them (`90d`, not `12w6d`); parts below a millisecond are dropped, as
//! Prometheus durations have none. For every whole number of milliseconds `d`,
//! `parse_duration(&format_duration(d)) == Ok(d)`.
//!
//! ```
//! use core::time::Duration;
//! use sre_core::duration::{format_duration, parse_duration};
//!
//! assert_eq!(parse_duration("1h30m")?, Duration::from_secs(5400));
//! assert_eq!(parse_duration("1.5h")?, parse_duration("1h30m")?);
//! assert_eq!(parse_duration("250ms")?, Duration::from_millis(250));
//! assert_eq!(format_duration(Duration::from_secs(3 * 86_400)), "3d");
//! assert_eq!(format_duration(Duration::from_secs(90)), "1m30s");
//! let err = parse_duration("30 days").unwrap_err();
//! assert!(err.to_string().contains("unknown unit"), "{err}");
//! # Ok::<(), sre_core::Error>(())
//! ```

use crate::Error;
use crate::error::excerpt;
use core::fmt;
use core::time::Duration;

/// What is wrong with a duration's text (the `reason` of
/// [`Error::BadDuration`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum DurationProblem {
    /// The text is empty or only whitespace.
    Empty,
    /// A term does not start with a digit or a decimal point (e.g. `ms`, `-5s`).
    ExpectedNumber,
    /// A number has a second decimal point or no digits (e.g. `1.2.3s`, `.s`).
    MalformedNumber,
    /// A number is not followed by a unit (e.g. `10`, `1h30`).
    MissingUnit,
    /// The unit is not one of `y w d h m min s ms us µs ns`.
    UnknownUnit,
    /// A unit is not smaller than the one before it (e.g. `1m1h`, `1h1h`).
    UnitOrder,
    /// A term other than the last has a fraction (e.g. `1.5h30m`).
    FractionNotLast,
    /// The duration is longer than [`Duration::MAX`].
    TooLong,
}

impl fmt::Display for DurationProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Empty => "it is empty; expected a number and a unit",
            Self::ExpectedNumber => "expected a number where a term starts",
            Self::MalformedNumber => "a number is malformed (no digit, or two decimal points)",
            Self::MissingUnit => "a number has no unit",
            Self::UnknownUnit => "unknown unit",
            Self::UnitOrder => "units must go from largest to smallest, each once",
            Self::FractionNotLast => "only the last term may have a fraction",
            Self::TooLong => "it is longer than the longest representable duration",
        })
    }
}

/// The units, largest first, in nanoseconds; aliases share a size.
const UNITS: [(&str, u128); 11] = [
    ("y", 365 * NS_DAY),
    ("w", 7 * NS_DAY),
    ("d", NS_DAY),
    ("h", NS_HOUR),
    ("m", NS_MINUTE),
    ("min", NS_MINUTE),
    ("s", NS_SEC),
    ("ms", 1_000_000),
    ("us", 1_000),
    ("µs", 1_000),
    ("ns", 1),
];
const NS_SEC: u128 = crate::time::NANOS_PER_SEC as u128;
const NS_MINUTE: u128 = crate::time::NANOS_PER_MINUTE as u128;
const NS_HOUR: u128 = crate::time::NANOS_PER_HOUR as u128;
const NS_DAY: u128 = crate::time::NANOS_PER_DAY as u128;

/// Fraction digits read; later ones are below a nanosecond of the largest unit.
const FRACTION_DIGITS: u32 = 20;

/// Parses a duration in the family's grammar (see the [module docs](self)).
///
/// The error, [`Error::BadDuration`], quotes at most the first 64 characters of `text`
/// and says what is wrong. Cost: one pass over `text`, no allocation unless it fails.
pub fn parse_duration(text: &str) -> Result<Duration, Error> {
    let trimmed = text.trim();
    let bad = |reason| Error::BadDuration {
        text: excerpt(trimmed),
        reason,
    };
    let mut rest = trimmed;
    if rest.is_empty() {
        return Err(bad(DurationProblem::Empty));
    }
    let max = Duration::MAX.as_nanos();
    let mut total: u128 = 0;
    let mut last_unit = u128::MAX;
    let mut had_fraction = false;
    while !rest.is_empty() {
        if had_fraction {
            return Err(bad(DurationProblem::FractionNotLast));
        }
        let len = rest
            .bytes()
            .take_while(|b| b.is_ascii_digit() || *b == b'.')
            .count();
        if len == 0 {
            return Err(bad(DurationProblem::ExpectedNumber));
        }
        let (number, tail) = rest.split_at(len);
        let (whole, fraction) = match number.split_once('.') {
            Some((w, f)) => (w, Some(f)),
            None => (number, None),
        };
        if fraction.is_some_and(|f| f.contains('.'))
            || whole.len() + fraction.map_or(0, str::len) == 0
        {
            return Err(bad(DurationProblem::MalformedNumber));
        }
        let tail = tail.trim_start();
        let unit_len = tail
            .char_indices()
            .find(|(_, c)| !(c.is_alphabetic()))
            .map_or(tail.len(), |(i, _)| i);
        if unit_len == 0 {
            return Err(bad(DurationProblem::MissingUnit));
        }
        let (unit, tail) = tail.split_at(unit_len);
        let size = UNITS
            .iter()
            .find(|(u, _)| *u == unit)
            .map(|(_, size)| *size)
            .ok_or_else(|| bad(DurationProblem::UnknownUnit))?;
        if size >= last_unit {
            return Err(bad(DurationProblem::UnitOrder));
        }
        last_unit = size;
        let mut term: u128 = 0;
        for b in whole.bytes() {
            term = term
                .checked_mul(10)
                .and_then(|t| t.checked_add(u128::from(b - b'0')))
                .filter(|t| *t <= max)
                .ok_or_else(|| bad(DurationProblem::TooLong))?;
        }
        term = term
            .checked_mul(size)
            .ok_or_else(|| bad(DurationProblem::TooLong))?;
        if let Some(f) = fraction.filter(|f| !f.is_empty()) {
            had_fraction = true;
            let (mut num, mut den) = (0u128, 1u128);
            for b in f.bytes().take(FRACTION_DIGITS as usize) {
                num = num * 10 + u128::from(b - b'0');
                den *= 10;
            }
            // num < 10^20 and size < 2^55: the product fits in u128.
            term += num * size / den;
        }
        total = total
            .checked_add(term)
            .filter(|t| *t <= max)
            .ok_or_else(|| bad(DurationProblem::TooLong))?;
        rest = tail.trim_start();
    }
    let secs = u64::try_from(total / NS_SEC).map_err(|_| bad(DurationProblem::TooLong))?;
    let nanos = u32::try_from(total % NS_SEC).map_err(|_| bad(DurationProblem::TooLong))?;
    Ok(Duration::new(secs, nanos))
}

/// Formats a duration in Prometheus' compound form: `3d`, `1h30m`, `2w`, `1y`, `250ms`,
/// `0s`. Parts below a millisecond are dropped.
#[must_use]
pub fn format_duration(d: Duration) -> String {
    const MS: u128 = 1_000_000;
    let mut ms = d.as_nanos() / MS;
    if ms == 0 {
        return "0s".to_owned();
    }
    let mut out = String::new();
    for (unit, size) in UNITS {
        if matches!(unit, "min" | "us" | "µs" | "ns") {
            continue;
        }
        let size = size / MS;
        if matches!(unit, "y" | "w") && !ms.is_multiple_of(size) {
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

    fn secs(s: u64) -> Duration {
        Duration::from_secs(s)
    }

    /// Prometheus' spellings (`model.ParseDuration` test table) and sre-sim's.
    #[test]
    fn reads_both_spellings() {
        for (text, d) in [
            ("30d", secs(30 * 86_400)),
            ("28d", secs(28 * 86_400)),
            ("4w", secs(28 * 86_400)),
            ("1y", secs(365 * 86_400)),
            ("1y1d", secs(366 * 86_400)),
            ("6h", secs(21_600)),
            ("5m", secs(300)),
            ("1h30m", secs(5_400)),
            ("90s", secs(90)),
            ("250ms", Duration::from_millis(250)),
            ("1h2m3s4ms", Duration::from_millis(3_723_004)),
            ("5ns", Duration::from_nanos(5)),
            ("5us", Duration::from_micros(5)),
            ("5µs", Duration::from_micros(5)),
            ("5min", secs(300)),
            ("1.5h", secs(5_400)),
            (" 0.5s ", Duration::from_millis(500)),
            (".5s", Duration::from_millis(500)),
            ("5.s", secs(5)),
            ("5 m", secs(300)),
            ("2h 30m", secs(9_000)),
            ("1h30.5m", secs(5_430)),
            ("0.1s", Duration::from_millis(100)),
            ("1.000000001s", Duration::new(1, 1)),
            ("0.5ns", Duration::ZERO),
            ("0s", Duration::ZERO),
        ] {
            assert_eq!(parse_duration(text), Ok(d), "{text}");
        }
    }

    #[test]
    fn refuses_with_a_reason() {
        use DurationProblem as P;
        for (text, reason) in [
            ("", P::Empty),
            ("  ", P::Empty),
            ("30", P::MissingUnit),
            ("1h30", P::MissingUnit),
            ("d", P::ExpectedNumber),
            ("-5s", P::ExpectedNumber),
            ("1.2.3s", P::MalformedNumber),
            (".s", P::MalformedNumber),
            ("1m1h", P::UnitOrder),
            ("1h1h", P::UnitOrder),
            ("1m1min", P::UnitOrder),
            ("1x", P::UnknownUnit),
            ("30 days", P::UnknownUnit),
            ("1.5h30m", P::FractionNotLast),
            ("99999999999999999999999999999999999999999999d", P::TooLong),
            ("584942417356y", P::TooLong),
            ("18446744073709551615s1000ms", P::TooLong),
        ] {
            let e = parse_duration(text).unwrap_err();
            assert_eq!(
                e,
                Error::BadDuration {
                    text: text.trim().to_owned(),
                    reason
                },
                "{text}"
            );
            assert!(e.to_string().contains("e.g. 30d"), "{e}");
        }
        // The longest representable duration is read; one nanosecond more is not.
        assert_eq!(
            parse_duration("18446744073709551615.999999999s"),
            Ok(Duration::MAX)
        );
    }

    #[test]
    fn errors_quote_a_bounded_excerpt() {
        let long = "9".repeat(200_000) + "parsecs";
        let msg = parse_duration(&long).unwrap_err().to_string();
        assert!(msg.len() < 400, "{} bytes", msg.len());
        assert!(msg.contains('…'), "{msg}");
    }

    #[test]
    fn formats_largest_first() {
        let days = |n: u64| secs(n * 86_400);
        for (d, text) in [
            (secs(3600), "1h"),
            (days(7), "1w"),
            (days(30), "30d"),
            (secs(86_400 + 7200), "1d2h"),
            (Duration::ZERO, "0s"),
            (Duration::from_micros(999), "0s"),
            (days(365), "1y"),
            (days(730), "2y"),
            (days(366), "366d"),
            (days(90), "90d"),
            (days(14), "2w"),
            (Duration::from_millis(90_250), "1m30s250ms"),
        ] {
            assert_eq!(format_duration(d), text, "{d:?}");
        }
        // Duration::MAX has more milliseconds than u64 holds: still exact.
        let max_ms = Duration::MAX.as_nanos() / 1_000_000;
        let back = parse_duration(&format_duration(Duration::MAX)).unwrap();
        assert_eq!(back.as_nanos(), max_ms * 1_000_000);
    }

    proptest! {
        /// format∘parse is the identity on whole milliseconds, up to Duration::MAX.
        #[test]
        fn format_then_parse_round_trips(ms in 0u64..=u64::MAX, scale in 0u32..4) {
            // Spread over the range: sub-day, sub-year, and the full u64 of milliseconds.
            let ms = match scale { 0 => ms % 86_400_000, 1 => ms % 31_536_000_000_000, _ => ms };
            let d = Duration::from_millis(ms);
            prop_assert_eq!(parse_duration(&format_duration(d)), Ok(d));
        }

        /// A decimal single-unit spelling and the compound spelling of the same length
        /// agree: `x.yU` == `xU` + the compound spelling of `0.y U`.
        #[test]
        fn decimal_and_compound_spellings_agree(whole in 0u64..1_000, tenths in 0u64..10,
                                                unit in 0usize..5) {
            let (u, sub, ratio) = [("y", "d", 365u64), ("w", "d", 7), ("d", "h", 24), ("h", "m", 60), ("m", "s", 60)][unit];
            // tenths/10 of a unit is an exact number of sub-units when ratio*tenths % 10 == 0;
            // otherwise compare in the sub-unit's decimal form.
            let decimal = parse_duration(&format!("{whole}.{tenths}{u}")).unwrap();
            let sub_tenths = ratio * tenths; // in tenths of a sub-unit
            let compound = parse_duration(&format!("{whole}{u}{}.{}{sub}", sub_tenths / 10, sub_tenths % 10)).unwrap();
            prop_assert_eq!(decimal, compound);
        }

        /// Never panics, on any text; an error never quotes more than 64 characters.
        #[test]
        fn any_text_is_read_or_refused(text in "[0-9.µa-z ]{0,40}") {
            if let Err(Error::BadDuration { text: quoted, .. }) = parse_duration(&text) {
                prop_assert!(quoted.chars().count() <= 65);
            }
        }
    }
}
