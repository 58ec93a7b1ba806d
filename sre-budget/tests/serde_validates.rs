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
