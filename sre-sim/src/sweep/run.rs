//! Running one shard of a grid on a pool of threads, writing a file per point.

use super::files::{Manifest, POINT_FORMAT, ParamValue, PointFileOut, list, write_atomic};
use super::{Grid, MAX_JOBS, Shard};
use crate::Error;
use core::num::NonZeroUsize;
use rayon::prelude::*;
use std::path::Path;

/// What [`run_shard`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShardRun {
    /// The shard run.
    pub shard: Shard,
    /// The points it ran and wrote, in index order.
    pub points: Vec<String>,
    /// The manifest's path.
    pub manifest: std::path::PathBuf,
}

/// Runs shard `shard` of `grid` into `out`.
///
/// First builds every point of the grid (not only this shard's) as
/// [`Simulation::new`](crate::Simulation::new) would, so a grid with an invalid point is
/// refused by every shard alike, before any run. Then runs this shard's points, `jobs` at
/// a time on a thread pool of its own (`None`: one thread per core, or
/// `RAYON_NUM_THREADS`; 1: in order on the calling thread), and writes
/// `out/points/<name>.json` for each (the grid's hash, the point's parameters and its
/// [`Report`](crate::Report)) and last `out/<`[`Manifest::file_name`]`>`. Every file is
/// written atomically, and a point's file depends only on the grid and the point: a
/// shard run again, with any `jobs`, writes the same bytes.
///
/// Errors: [`Error::Grid`] (field `--jobs`) past [`MAX_JOBS`]; [`Error::Merge`] if `out`
/// holds a manifest of another grid; [`Error::Point`] for the first invalid point (by
/// index) or a run that failed; [`Error::Io`] if a file cannot be written.
pub fn run_shard(
    grid: &Grid,
    shard: Shard,
    jobs: Option<NonZeroUsize>,
    out: &Path,
) -> Result<ShardRun, Error> {
    if let Some(j) = jobs.filter(|j| j.get() > MAX_JOBS) {
        return Err(Error::grid(
            "--jobs",
            format!("is {j}; give 1 to {MAX_JOBS} threads"),
        ));
    }
    check_out(grid, out)?;
    let points_dir = out.join("points");
    std::fs::create_dir_all(&points_dir).map_err(|source| Error::Io {
        path: points_dir.clone(),
        source,
    })?;
    let all: Vec<usize> = (0..grid.len()).collect();
    let mine: Vec<usize> = all.iter().copied().filter(|&i| shard.contains(i)).collect();
    let check = |i: usize| grid.point(i).map_or(Ok(()), |p| p.simulation().map(drop));
    let write = |i: usize| run_point(grid, i, &points_dir);
    if jobs.is_some_and(|j| j.get() == 1) {
        all.iter().try_for_each(|&i| check(i))?;
        mine.iter().try_for_each(|&i| write(i))?;
    } else {
        let mut builder = rayon::ThreadPoolBuilder::new();
        if let Some(j) = jobs {
            builder = builder.num_threads(j.get());
        }
        let pool = builder
            .build()
            .map_err(|e| Error::grid("--jobs", format!("no thread pool: {e}")))?;
        // Every result is kept and the first by index reported, so the error does not
        // depend on which thread finished first.
        pool.install(|| all.par_iter().map(|&i| check(i)).collect::<Vec<_>>())
            .into_iter()
            .collect::<Result<(), _>>()?;
        pool.install(|| mine.par_iter().map(|&i| write(i)).collect::<Vec<_>>())
            .into_iter()
            .collect::<Result<(), _>>()?;
    }
    let names: Vec<String> = mine.iter().map(|&i| super::point_name(i)).collect();
    let manifest = Manifest::new(grid, shard, names.clone());
    let path = out.join(Manifest::file_name(shard));
    let json = serde_json::to_string_pretty(&manifest)? + "\n";
    write_atomic(&path, json.as_bytes())?;
    Ok(ShardRun {
        shard,
        points: names,
        manifest: path,
    })
}

fn run_point(grid: &Grid, index: usize, dir: &Path) -> Result<(), Error> {
    let Some(point) = grid.point(index) else {
        return Ok(());
    };
    let report = point.run()?;
    let file = PointFileOut {
        format: POINT_FORMAT,
        grid_hash: grid.hash(),
        points_total: grid.len(),
        index,
        name: point.name(),
        params: ParamValue::of_point(&point),
        report: &report,
    };
    let json = serde_json::to_string_pretty(&file)? + "\n";
    write_atomic(&dir.join(format!("{}.json", point.name())), json.as_bytes())
}

/// Refuses an output folder that already holds another grid's manifest.
fn check_out(grid: &Grid, out: &Path) -> Result<(), Error> {
    for path in list(out, Manifest::is_file_name)? {
        let bytes = super::files::read_bytes_bounded(&path, super::MAX_FILE_BYTES as u64)?;
        let other: Manifest = serde_json::from_slice(&bytes).map_err(|e| {
            Error::merge(
                path.display().to_string(),
                format!("is not a manifest: {e}"),
            )
        })?;
        if other.grid_hash != grid.hash() {
            return Err(Error::merge(
                format!("{}: grid_hash", path.display()),
                format!(
                    "is {}, another grid than this one ({}); give --out a fresh folder",
                    other.grid_hash,
                    grid.hash()
                ),
            ));
        }
    }
    Ok(())
}
