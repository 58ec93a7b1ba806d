//! Joining the point files of one grid, from any number of shard folders, into one table.

use super::files::{
    MANIFEST_FORMAT, Manifest, POINT_FORMAT, PointFileIn, is_point_file_name, list,
    read_bytes_bounded,
};
use super::table::{Metrics, Row, SweepTable};
use super::{MAX_FILE_BYTES, MAX_POINT_FILE_BYTES, MAX_POINTS, point_name};
use crate::Error;
use std::path::{Path, PathBuf};

/// The most missing points an error lists by name.
const LIST_MISSING: usize = 10;

/// Reads every point file (`DIR/points/p*.json`) and manifest in `dirs` and joins them
/// into one [`SweepTable`], rows by index.
///
/// The same point may appear in several folders if its files are byte-identical (a
/// shard run twice). The result depends only on the set of point files, not on which
/// folder held which or on the order of `dirs`.
///
/// Errors: [`Error::Merge`] naming the file and field when a folder holds no sweep
/// output, a file is not a point file or manifest of this format, two files come from
/// different grids (their `grid_hash` differs), two files of one point differ, or points
/// are missing (the first ten named, and how many); [`Error::Io`] if a file
/// cannot be read.
pub fn merge<P: AsRef<Path>>(dirs: &[P]) -> Result<SweepTable, Error> {
    let mut state = State::default();
    if dirs.is_empty() {
        return Err(Error::merge("DIR", "no folder given"));
    }
    for dir in dirs {
        let dir = dir.as_ref();
        let manifests = list(dir, Manifest::is_file_name)?;
        let points = list(&dir.join("points"), is_point_file_name)?;
        if manifests.is_empty() && points.is_empty() {
            return Err(Error::merge(
                dir.display().to_string(),
                "holds no manifest and no points/p*.json: not a sweep's output",
            ));
        }
        for path in manifests {
            state.manifest(&path)?;
        }
        for path in points {
            state.point(&path)?;
        }
    }
    state.finish()
}

#[derive(Default)]
struct State {
    /// The grid's hash and the file it was first seen in.
    grid: Option<(String, PathBuf)>,
    total: usize,
    rows: Vec<Option<(Row, PathBuf)>>,
    /// The axes of the first point file read.
    axes: Option<Vec<String>>,
}

impl State {
    fn same_grid(&mut self, hash: &str, total: usize, path: &Path) -> Result<(), Error> {
        let here = path.display().to_string();
        if total == 0 || total > MAX_POINTS {
            return Err(Error::merge(
                format!("{here}: points_total"),
                format!("is {total}; a grid has 1 to {MAX_POINTS} points"),
            ));
        }
        match &self.grid {
            None => {
                self.grid = Some((hash.to_owned(), path.to_path_buf()));
                self.total = total;
                self.rows = vec![None; total];
            }
            Some((h, first)) if h != hash => {
                return Err(Error::merge(
                    format!("{here}: grid_hash"),
                    format!(
                        "is {hash}, but {} is of grid {h}: these are different grids",
                        first.display()
                    ),
                ));
            }
            Some((_, first)) if total != self.total => {
                return Err(Error::merge(
                    format!("{here}: points_total"),
                    format!("is {total}, but {} says {}", first.display(), self.total),
                ));
            }
            Some(_) => {}
        }
        Ok(())
    }

    fn manifest(&mut self, path: &Path) -> Result<(), Error> {
        let bytes = read_bytes_bounded(path, MAX_FILE_BYTES as u64)?;
        let m: Manifest = serde_json::from_slice(&bytes).map_err(|e| {
            Error::merge(
                path.display().to_string(),
                format!("is not a manifest: {e}"),
            )
        })?;
        if m.format != MANIFEST_FORMAT {
            return Err(Error::merge(
                format!("{}: format", path.display()),
                format!("is `{}`; this merge reads `{MANIFEST_FORMAT}`", m.format),
            ));
        }
        self.same_grid(&m.grid_hash, m.points_total, path)
    }

    fn point(&mut self, path: &Path) -> Result<(), Error> {
        let here = path.display().to_string();
        let bytes = read_bytes_bounded(path, MAX_POINT_FILE_BYTES)?;
        let f: PointFileIn = serde_json::from_slice(&bytes)
            .map_err(|e| Error::merge(here.clone(), format!("is not a point file: {e}")))?;
        if f.format != POINT_FORMAT {
            return Err(Error::merge(
                format!("{here}: format"),
                format!("is `{}`; this merge reads `{POINT_FORMAT}`", f.format),
            ));
        }
        self.same_grid(&f.grid_hash, f.points_total, path)?;
        if f.index >= self.total || f.name != point_name(f.index) {
            return Err(Error::merge(
                format!("{here}: index"),
                format!(
                    "is {} named `{}`; a grid of {} points has p00000 to {}",
                    f.index,
                    f.name,
                    self.total,
                    point_name(self.total - 1)
                ),
            ));
        }
        let axes: Vec<String> = f.params.iter().map(|p| p.axis.clone()).collect();
        match &self.axes {
            None => self.axes = Some(axes),
            Some(seen) if *seen != axes => {
                return Err(Error::merge(
                    format!("{here}: params"),
                    format!("has axes {axes:?}, other points {seen:?}"),
                ));
            }
            Some(_) => {}
        }
        if let Some((_, first)) = &self.rows[f.index] {
            let earlier = read_bytes_bounded(first, MAX_POINT_FILE_BYTES)?;
            if earlier != bytes {
                return Err(Error::merge(
                    here,
                    format!(
                        "holds point {} as {} does, with different content; \
                         remove the stale one",
                        f.name,
                        first.display()
                    ),
                ));
            }
            return Ok(());
        }
        let metrics = Metrics::of(&f.report, &here)?;
        let row = Row {
            point: f.name,
            index: f.index,
            params: f.params,
            metrics,
        };
        self.rows[f.index] = Some((row, path.to_path_buf()));
        Ok(())
    }

    fn finish(self) -> Result<SweepTable, Error> {
        let Some((grid_hash, first)) = self.grid else {
            return Err(Error::merge("DIR", "no sweep output found"));
        };
        let missing: Vec<usize> = (0..self.total)
            .filter(|&i| self.rows[i].is_none())
            .collect();
        if !missing.is_empty() {
            let names: Vec<String> = missing
                .iter()
                .take(LIST_MISSING)
                .map(|&i| point_name(i))
                .collect();
            let more = missing.len().saturating_sub(LIST_MISSING);
            return Err(Error::merge(
                "points",
                format!(
                    "{} of the {} points of grid {grid_hash} (first seen in {}) are missing: {}{}; \
                     run the shards that hold them",
                    missing.len(),
                    self.total,
                    first.display(),
                    names.join(", "),
                    if more > 0 {
                        format!(" and {more} more")
                    } else {
                        String::new()
                    }
                ),
            ));
        }
        Ok(SweepTable {
            format: "sre-sim sweep table v1",
            grid_hash,
            axes: self.axes.unwrap_or_default(),
            rows: self.rows.into_iter().flatten().map(|(r, _)| r).collect(),
        })
    }
}
