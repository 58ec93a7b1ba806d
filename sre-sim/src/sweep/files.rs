//! What a shard writes and a merge reads: the point file, the manifest, and the atomic
//! write that keeps a killed shard from leaving half a file.

use super::canonical::{cell, to_json};
use super::{Grid, Point, Shard};
use crate::{Error, Report};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The `format` field of a point file.
pub(crate) const POINT_FORMAT: &str = "sre-sim sweep point v1";
/// The `format` field of a manifest.
pub(crate) const MANIFEST_FORMAT: &str = "sre-sim sweep manifest v1";

/// One axis value as files and tables carry it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ParamValue {
    /// The axis' dotted path.
    pub axis: String,
    /// The value, as JSON (a TOML datetime as its text).
    pub value: serde_json::Value,
    /// The value as a table cell shows it: a string's bare text, anything else inline TOML.
    pub text: String,
    /// The value's label, if the axis has labels.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
}

impl ParamValue {
    pub(crate) fn of_point(point: &Point<'_>) -> Vec<Self> {
        point
            .params()
            .map(|p| Self {
                axis: p.axis.to_owned(),
                value: to_json(p.value),
                text: cell(p.value),
                label: p.label.map(str::to_owned),
            })
            .collect()
    }
}

/// `DIR/points/<name>.json` as written.
#[derive(Serialize)]
pub(crate) struct PointFileOut<'a> {
    pub format: &'static str,
    pub grid_hash: &'a str,
    pub points_total: usize,
    pub index: usize,
    pub name: String,
    pub params: Vec<ParamValue>,
    pub report: &'a Report,
}

/// `DIR/points/<name>.json` as a merge reads it: the report's fields a table needs (the
/// rest is skipped unread into memory).
#[derive(Deserialize)]
pub(crate) struct PointFileIn {
    pub format: String,
    pub grid_hash: String,
    pub points_total: usize,
    pub index: usize,
    pub name: String,
    pub params: Vec<ParamValue>,
    pub report: ReportView,
}

#[derive(Deserialize)]
pub(crate) struct ReportView {
    pub requests: RequestsView,
    pub latency: LatencyView,
    pub slo: SloView,
    pub alerts: Vec<AlertView>,
    pub scaling: Vec<serde::de::IgnoredAny>,
    pub capacity: CapacityView,
}

#[derive(Deserialize)]
pub(crate) struct RequestsView {
    pub sent: u64,
    pub good: u64,
    /// Injected failures, in reports that count them.
    #[serde(default)]
    pub failed: Option<u64>,
}

#[derive(Deserialize)]
pub(crate) struct LatencyView {
    pub p50_ms: f64,
    pub p99_ms: f64,
}

#[derive(Deserialize)]
pub(crate) struct SloView {
    pub compliance: Option<f64>,
    pub budget_spent: f64,
}

#[derive(Deserialize)]
pub(crate) struct AlertView {
    pub state: String,
}

#[derive(Deserialize)]
pub(crate) struct CapacityView {
    pub instance_hours: f64,
    pub mean_utilization: f64,
}

/// `DIR/manifest-K-of-N.json`: which grid a shard ran and which points it wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// Always `sre-sim sweep manifest v1`.
    pub format: String,
    /// The grid's [`hash`](Grid::hash).
    pub grid_hash: String,
    /// Points in the whole grid.
    pub points_total: usize,
    /// The shard, `K/N`.
    pub shard: String,
    /// The names of the points this shard wrote, in index order.
    pub points: Vec<String>,
}

impl Manifest {
    pub(crate) fn new(grid: &Grid, shard: Shard, points: Vec<String>) -> Self {
        Self {
            format: MANIFEST_FORMAT.to_owned(),
            grid_hash: grid.hash().to_owned(),
            points_total: grid.len(),
            shard: shard.to_string(),
            points,
        }
    }

    /// The manifest's file name for `shard`: `manifest-K-of-N.json`, so shards may share
    /// an output folder.
    #[must_use]
    pub fn file_name(shard: Shard) -> String {
        format!("manifest-{}-of-{}.json", shard.k(), shard.n())
    }

    /// Whether `name` is a manifest's file name.
    pub(crate) fn is_file_name(name: &str) -> bool {
        name.starts_with("manifest-") && name.ends_with(".json")
    }
}

/// Whether `name` is a point file's name (`p` + digits + `.json`).
pub(crate) fn is_point_file_name(name: &str) -> bool {
    name.strip_prefix('p')
        .and_then(|r| r.strip_suffix(".json"))
        .is_some_and(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()))
}

/// Writes `bytes` to `path` through a temporary file in the same folder and a rename, so
/// `path` holds either its old content or all of the new, never part of it.
pub(crate) fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map_or_else(|| "out".into(), |n| n.to_string_lossy().into_owned());
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let io = |p: &Path| {
        let p = p.to_path_buf();
        move |source| Error::Io { path: p, source }
    };
    if let Err(e) = std::fs::write(&tmp, bytes).map_err(io(&tmp)) {
        let _ = std::fs::remove_file(&tmp);
        return Err(e);
    }
    std::fs::rename(&tmp, path).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        io(path)(e)
    })
}

/// The file's bytes, refused past `max` bytes before they are read.
pub(crate) fn read_bytes_bounded(path: &Path, max: u64) -> Result<Vec<u8>, Error> {
    let io = |source| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    let len = std::fs::metadata(path).map_err(io)?.len();
    if len > max {
        return Err(Error::merge(
            path.display().to_string(),
            format!("is {len} bytes; a sweep file is at most {max}"),
        ));
    }
    std::fs::read(path).map_err(io)
}

/// The names in `dir` that `keep` accepts, sorted; none if `dir` does not exist.
pub(crate) fn list(dir: &Path, keep: fn(&str) -> bool) -> Result<Vec<PathBuf>, Error> {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(source) => {
            return Err(Error::Io {
                path: dir.to_path_buf(),
                source,
            });
        }
    };
    let mut out = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|source| Error::Io {
            path: dir.to_path_buf(),
            source,
        })?;
        if entry.file_name().to_str().is_some_and(keep) {
            out.push(entry.path());
        }
    }
    out.sort();
    Ok(out)
}
