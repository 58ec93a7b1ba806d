//! Loading the reference vectors shared by the `sre` family.
#![allow(dead_code)]

use serde_json::Value;
use std::path::PathBuf;

/// The reference directory: `SRE_REFERENCE_DIR`, else `shared/reference` beside the
/// workspace (a fresh clone), else beside the worktree folder (the development layout).
pub fn reference_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("SRE_REFERENCE_DIR") {
        return PathBuf::from(dir);
    }
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    for rel in [
        "../shared/reference",
        "../../shared/reference",
        "../../../shared/reference",
    ] {
        let dir = manifest.join(rel);
        if dir.is_dir() {
            return dir;
        }
    }
    panic!(
        "reference vectors not found: set SRE_REFERENCE_DIR to the folder holding canary_vectors.json"
    )
}

/// A reference file, parsed.
pub fn load(name: &str) -> Value {
    let path = reference_dir().join(name);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

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
