//! The list of bad input: each is a typed error whose message says what to fix.

use core::time::Duration;
use sre_budget::replay::parse_minutes;
use sre_budget::{AlertPair, AlertPolicy, Error, Severity};
use sre_core::Objective;

const H: Duration = Duration::from_secs(3600);
const M5: Duration = Duration::from_secs(300);

#[test]
fn objectives_0_1_above_1_and_nan() {
    for bad in [0.0, 1.0, 1.5, f64::NAN] {
        let e: Error = Objective::new(bad).unwrap_err().into();
        let msg = e.to_string();
        assert!(matches!(e, Error::Core(_)), "{bad}: {e:?}");
        assert!(msg.contains("objective"), "{msg}");
        assert!(
            msg.contains("(0, 1)") || msg.contains("finite number"),
            "{msg}"
        );
    }
}

#[test]
fn window_longer_than_the_period() {
    let pair = AlertPair::new("slow", Severity::Ticket, 3 * 24 * H, 6 * H, 1.0).unwrap();
    let e = AlertPolicy::new(2 * 24 * H, vec![pair]).unwrap_err();
    assert!(matches!(
        e,
        Error::WindowLongerThanPeriod { which: "long", .. }
    ));
    assert!(e.to_string().contains("no longer than the period"), "{e}");
}

#[test]
fn short_window_longer_than_long_window() {
    let e = AlertPair::new("page", Severity::Page, M5, H, 14.4).unwrap_err();
    assert!(matches!(e, Error::ShortNotShorter { .. }));
    assert!(e.to_string().contains("swap them"), "{e}");
}

#[test]
fn empty_policy() {
    let e = AlertPolicy::new(30 * 24 * H, Vec::new()).unwrap_err();
    assert_eq!(e, Error::EmptyPolicy);
    assert!(e.to_string().contains("AlertPolicy::workbook"), "{e}");
}

#[cfg(feature = "serde")]
#[test]
fn malformed_spec_files() {
    use sre_budget::Slo;
    for (json, needle) in [
        ("{\"name\": \"a\"", "EOF"),
        (
            "{\"name\": \"a\", \"target\": 100, \"timeWindow\": {\"duration\": \"30d\", \"isRolling\": true}, \"indicator\": {\"ratioMetric\": {\"good\": \"g\", \"total\": \"t\"}}}",
            "a fraction in (0, 1) such as 0.999 or a percentage in (1, 100)",
        ),
        (
            "{\"name\": \"a\", \"target\": 0.99, \"timeWindow\": {\"duration\": \"30 days\", \"isRolling\": true}, \"indicator\": {\"ratioMetric\": {\"good\": \"g\", \"total\": \"t\"}}}",
            "e.g. 30d",
        ),
        (
            "{\"name\": \"a\", \"target\": 0.99, \"timeWindow\": {\"duration\": \"30d\", \"isRolling\": true}}",
            "indicator",
        ),
    ] {
        let e = Slo::from_json(json).unwrap_err();
        assert!(
            matches!(e, Error::MalformedSpec { format: "JSON", .. }),
            "{e:?}"
        );
        assert!(e.to_string().contains(needle), "{e} lacks {needle}");
    }
    let e = Slo::from_toml("name = \"a\"\ntarget = 0.99\ntimeWindow = 3").unwrap_err();
    assert!(e.to_string().starts_with("malformed TOML SLO spec"), "{e}");
    assert!(e.to_string().contains("line 3"), "{e}");
}

#[test]
fn replay_line_errors_name_the_line() {
    let e = parse_minutes("minute,good,bad\n1,10,0\n2,10\n").unwrap_err();
    assert!(matches!(e, Error::MalformedLine { line: 3, .. }));
    assert!(
        e.to_string().starts_with("line 3: 2 fields instead of 3"),
        "{e}"
    );
}

/// A spec with a 200 KB line: the error says where, and stays short (toml's own message
/// quoted the whole line).
#[cfg(feature = "serde")]
#[test]
fn spec_errors_never_echo_a_long_line() {
    use sre_budget::Slo;
    let long = "x".repeat(200_000);
    let toml = format!("name = \"a\"\ntarget = 0.99\ntimeWindow = {long}\n");
    let e = Slo::from_toml(&toml).unwrap_err().to_string();
    assert!(e.len() < 500, "{} bytes", e.len());
    assert!(e.contains("line 3"), "{e}");
    let json = format!("{{\"name\": \"a\", \"{long}\": 1}}");
    let e = Slo::from_json(&json).unwrap_err().to_string();
    assert!(e.len() < 500, "{} bytes", e.len());
    let json = format!(
        "{{\"name\": \"a\", \"target\": 0.99, \"timeWindow\": {{\"duration\": \"{long}\", \"isRolling\": true}}, \"indicator\": {{\"ratioMetric\": {{\"good\": \"g\", \"total\": \"t\"}}}}}}"
    );
    let e = Slo::from_json(&json).unwrap_err().to_string();
    assert!(e.len() < 500, "{} bytes", e.len());
    let json = json.replace("true", "false");
    let e = Slo::from_json(&json).unwrap_err().to_string();
    assert!(e.len() < 500, "{} bytes", e.len());
}
