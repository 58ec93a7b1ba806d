//! Loading the reference vectors shared by the `sre` family.
#![allow(dead_code, clippy::float_cmp)]

use serde_json::Value;
use std::path::PathBuf;

/// The reference directory: `SRE_REFERENCE_DIR`, else `shared/reference` beside the
/// workspace (a fresh clone), else beside the worktree folder (the development layout).
pub fn reference_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("SRE_REFERENCE_DIR") {
        return PathBuf::from(dir);
    }
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let beside_workspace = manifest.join("../../shared/reference");
    if beside_workspace.is_dir() {
        return beside_workspace;
    }
    let beside_worktrees = manifest.join("../../../shared/reference");
    if beside_worktrees.is_dir() {
        return beside_worktrees;
    }
    panic!(
        "reference vectors not found at {}: set SRE_REFERENCE_DIR to the folder holding erlang_c.json",
        beside_workspace.display()
    )
}

/// A reference file, parsed.
pub fn load(name: &str) -> Value {
    let path = reference_dir().join(name);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

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
