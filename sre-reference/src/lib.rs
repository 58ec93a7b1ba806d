//! Where the reference vectors are, and reading one: the one loader every crate's
//! conformance tests share (a dev-dependency, never published).
//!
//! The folder is `$SRE_REFERENCE_DIR` when set, else `shared/reference` beside the
//! workspace (a fresh clone sits next to `shared/`), else one level further up (a
//! worktree inside a folder beside `shared/`). A test passes a richer folder in
//! `SRE_REFERENCE_DIR` to run more vectors of the same schema.
#![forbid(unsafe_code)]

use serde_json::Value;
use std::path::PathBuf;

/// The reference folder; panics, saying how to set it, when there is none.
#[must_use]
pub fn dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("SRE_REFERENCE_DIR") {
        return PathBuf::from(dir);
    }
    let here = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    for rel in ["../../shared/reference", "../../../shared/reference"] {
        let dir = here.join(rel);
        if dir.is_dir() {
            return dir;
        }
    }
    panic!(
        "reference vectors not found beside the workspace ({}): set SRE_REFERENCE_DIR",
        here.join("../../shared/reference").display()
    )
}

/// The reference file `name` of [`dir`], parsed; panics naming the file when it cannot be
/// read or parsed.
#[must_use]
pub fn load(name: &str) -> Value {
    let path = dir().join(name);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}
