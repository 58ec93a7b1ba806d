//! Loading the reference vectors shared by the `sre` family.
#![allow(dead_code, clippy::float_cmp)]

use serde_json::Value;

pub use sre_reference::load;

/// A number written as a JSON number, a decimal string or a rational string `"p/q"`.
pub fn num(v: &Value) -> f64 {
    match v {
        Value::Number(n) => n.as_f64().expect("finite number"),
        Value::String(s) => match s.split_once('/') {
            Some((p, q)) => p.trim().parse::<f64>().unwrap() / q.trim().parse::<f64>().unwrap(),
            None => s
                .parse()
                .unwrap_or_else(|e| panic!("not a number: {s:?}: {e}")),
        },
        other => panic!("not a number: {other}"),
    }
}

/// Asserts `got` is within `rel` of `want` relatively (exactly, when `want` is 0).
#[track_caller]
pub fn close(got: f64, want: f64, rel: f64, what: &str) {
    let ok = if want == 0.0 {
        got == 0.0
    } else {
        (got - want).abs() <= rel * want.abs()
    };
    assert!(
        ok,
        "{what}: got {got:e}, want {want:e} (relative error {:e})",
        ((got - want) / want).abs()
    );
}
