//! The text format's lexical rules: names, escaping, number formatting.
//!
//! From the Prometheus exposition format 0.0.4 ("Text-based format" in the Prometheus
//! docs): metric names match `[a-zA-Z_:][a-zA-Z0-9_:]*`, label names
//! `[a-zA-Z_][a-zA-Z0-9_]*` with names starting `__` reserved; in label values `\`, `"`
//! and newline are escaped as `\\`, `\"` and `\n`; in HELP text `\` and newline are.
//! Sample values are Go floats: `+Inf`, `-Inf` and `NaN` are spelled so. OpenMetrics 1.0
//! escapes HELP text as label values (`\\`, `\"`, newline) and reads the same numbers.

use crate::Error;
use core::fmt::Write;

/// Whether `name` is a valid metric name.
pub(crate) fn is_metric_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == ':')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':')
}

/// Whether `name` is a valid label name (reserved `__` names excluded).
pub(crate) fn is_label_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !name.starts_with("__")
}

/// Checks a metric name.
pub(crate) fn metric_name(name: &str) -> Result<(), Error> {
    if is_metric_name(name) {
        Ok(())
    } else {
        Err(Error::InvalidMetricName {
            name: name.to_owned(),
        })
    }
}

/// Appends `value` escaped for a label value.
pub(crate) fn escape_label_value(out: &mut String, value: &str) {
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
}

/// Appends `help` escaped for a HELP line.
pub(crate) fn escape_help(out: &mut String, help: &str) {
    for c in help.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
}

/// Appends `help` escaped for an OpenMetrics HELP line (`\\`, `\"` and newline).
pub(crate) fn escape_help_openmetrics(out: &mut String, help: &str) {
    escape_label_value(out, help);
}

/// Appends `v` as the text format spells a float: integers without a fraction
/// (`1`, not `1.0`, as Go's `strconv.FormatFloat(v, 'g', -1, 64)` writes them up to
/// 2^53), `+Inf`, `-Inf`, `NaN`, shortest round-trip digits otherwise.
pub(crate) fn push_float(out: &mut String, v: f64) {
    if v.is_nan() {
        out.push_str("NaN");
    } else if v.is_infinite() {
        out.push_str(if v > 0.0 { "+Inf" } else { "-Inf" });
    } else if v.fract() == 0.0 && v.abs() < 9_007_199_254_740_992.0 {
        // Exact: an integral float below 2^53 converts without loss.
        let _ = write!(out, "{}", sre_core::f64_to_u64_saturating(v.abs()));
        if v < 0.0 {
            // Put the sign in front of the digits just written.
            let digits = out
                .rfind(|c: char| !c.is_ascii_digit())
                .map_or(0, |i| i + 1);
            out.insert(digits, '-');
        }
    } else if (1e-4..1e15).contains(&v.abs()) {
        let _ = write!(out, "{v}");
    } else {
        let _ = write!(out, "{v:e}");
    }
}

#[cfg(all(test, not(sre_loom)))]
mod tests {
    use super::*;

    #[test]
    fn names_follow_the_format() {
        for ok in ["a", "_x", "http_requests_total", "ns:rule:rate5m", "A9"] {
            assert!(is_metric_name(ok), "{ok}");
        }
        for bad in ["", "9a", "a-b", "a b", "é", "a.b"] {
            assert!(!is_metric_name(bad), "{bad}");
        }
        for ok in ["code", "_x", "le", "A_1"] {
            assert!(is_label_name(ok), "{ok}");
        }
        for bad in ["", "__name__", "__x", "a:b", "1a", "a-b"] {
            assert!(!is_label_name(bad), "{bad}");
        }
    }

    #[test]
    fn escaping_and_floats() {
        let mut s = String::new();
        escape_label_value(&mut s, "a\\b\"c\nd");
        assert_eq!(s, r#"a\\b\"c\nd"#);
        let mut s = String::new();
        escape_help(&mut s, "a\\b\"c\nd");
        assert_eq!(s, r#"a\\b"c\nd"#);
        let f = |v: f64| {
            let mut s = String::from("x ");
            push_float(&mut s, v);
            s
        };
        assert_eq!(f(1.0), "x 1");
        assert_eq!(f(-3.0), "x -3");
        assert_eq!(f(0.005), "x 0.005");
        assert_eq!(f(-0.25), "x -0.25");
        assert_eq!(f(f64::INFINITY), "x +Inf");
        assert_eq!(f(f64::NEG_INFINITY), "x -Inf");
        assert_eq!(f(f64::NAN), "x NaN");
        assert_eq!(f(1e-9), "x 1e-9");
        assert_eq!(f(1e300), "x 1e300");
        assert_eq!(f(0.0), "x 0");
    }
}
