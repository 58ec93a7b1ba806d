//! Loading the reference vectors shared by the `sre` family.
#![allow(dead_code)]

use serde_json::Value;

pub use sre_reference::load;

/// A JSON number, or NaN for null.
pub fn num(v: &Value) -> f64 {
    match v {
        Value::Null => f64::NAN,
        Value::Number(n) => n.as_f64().expect("finite number"),
        other => panic!("not a number: {other}"),
    }
}

/// An array of numbers (null as NaN).
pub fn nums(v: &Value) -> Vec<f64> {
    v.as_array()
        .unwrap_or_else(|| panic!("not an array: {v}"))
        .iter()
        .map(num)
        .collect()
}

/// `|got − want| ≤ rel·|want| + abs`.
pub fn within(got: f64, want: f64, rel: f64, abs: f64) -> bool {
    (got - want).abs() <= rel * want.abs() + abs
}
