//! Deserializing an [`ErrorBudget`] runs its constructor: a period under one minute is
//! rejected as `ErrorBudget::new` rejects it (a zero period would divide by zero).
#![cfg(feature = "serde")]

use core::time::Duration;
use sre_budget::ErrorBudget;
use sre_core::Objective;

#[test]
fn error_budget_deserializes_through_its_constructor() {
    let b = ErrorBudget::new(
        Objective::new(0.999).unwrap(),
        Duration::from_secs(30 * 86_400),
    )
    .unwrap();
    let json = serde_json::to_string(&b).unwrap();
    assert_eq!(serde_json::from_str::<ErrorBudget>(&json).unwrap(), b);
    let zero = json.replace("2592000", "0");
    assert_ne!(zero, json);
    let err = serde_json::from_str::<ErrorBudget>(&zero)
        .unwrap_err()
        .to_string();
    assert!(err.contains("shorter than one minute"), "{err}");
}

/// An objective is read as a fraction or a percentage, as `Objective` reads it; both
/// spellings give the same SLO.
#[test]
fn target_reads_fraction_or_percent() {
    use sre_budget::Slo;
    let spec = |target: &str, window: &str| {
        format!(
            r#"{{"name": "a", "target": {target}, "timeWindow": {{"duration": "{window}", "isRolling": true}}, "indicator": {{"ratioMetric": {{"good": "g", "total": "t"}}}}}}"#
        )
    };
    let fraction = Slo::from_json(&spec("0.999", "30d")).unwrap();
    let percent = Slo::from_json(&spec("99.9", "30d")).unwrap();
    assert_eq!(fraction, percent);
    assert_eq!(
        percent.objective(),
        sre_core::Objective::from_percent(99.9).unwrap()
    );
    // Both duration spellings, too.
    let decimal = Slo::from_json(&spec("0.999", "1.5d")).unwrap();
    let compound = Slo::from_json(&spec("0.999", "1d12h")).unwrap();
    assert_eq!(decimal, compound);
    for bad in ["1", "100", "0", "-5"] {
        assert!(Slo::from_json(&spec(bad, "30d")).is_err(), "{bad}");
    }
    let toml = "name = \"a\"\ntarget = 99.5\ntimeWindow = { duration = \"28d\", isRolling = true }\n[indicator.ratioMetric]\ngood = \"g\"\ntotal = \"t\"\n";
    assert_eq!(
        Slo::from_toml(toml).unwrap().objective(),
        sre_core::Objective::new(0.995).unwrap()
    );
}
