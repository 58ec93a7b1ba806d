//! [`Grid`]: a base scenario and the axes whose product a sweep runs.

use super::canonical::{fingerprint, inline};
use super::point::{Point, set_path};
use super::{MAX_AXES, MAX_FILE_BYTES, MAX_LABEL_CHARS, MAX_PATH_DEPTH, MAX_POINTS};
use crate::{Error, Scenario};
use std::path::Path;
use toml::{Table, Value};

/// One parameter of a grid: a dotted path into the scenario and the values it takes.
#[derive(Debug, Clone, PartialEq)]
pub struct Axis {
    /// The dotted path into the scenario TOML, e.g. `autoscaler.policy` or `seed`.
    pub path: String,
    /// The values tried, in the order written; each is inserted whole at `path`.
    pub values: Vec<Value>,
    /// Optional names of the values for tables (one per value).
    pub labels: Option<Vec<String>>,
}

impl Axis {
    /// An axis with no labels.
    #[must_use]
    pub fn new(path: impl Into<String>, values: Vec<Value>) -> Self {
        Self {
            path: path.into(),
            values,
            labels: None,
        }
    }

    /// The same axis with a label for each value.
    #[must_use]
    pub fn with_labels(mut self, labels: Vec<String>) -> Self {
        self.labels = Some(labels);
        self
    }

    /// The path's segments.
    pub(crate) fn segments(&self) -> impl Iterator<Item = &str> {
        self.path.split('.')
    }
}

/// A base scenario and the axes of a sweep: the points are the Cartesian product of the
/// axes' values.
///
/// Always true of a built `Grid`:
/// - its axes are sorted by path (byte order), whatever order they were written in;
/// - it has between 1 and [`MAX_POINTS`] points; point `i` takes, on each axis, the value
///   at the digit of `i` written in the mixed radix of the axis lengths, the first axis
///   the most significant (nested loops, the last axis innermost);
/// - no axis path is empty, deeper than [`MAX_PATH_DEPTH`] segments, or a prefix of
///   another (`autoscaler` and `autoscaler.policy` would overwrite each other);
/// - [`hash`](Self::hash) is a function of the base's content and the axes only (not of
///   key order, comments or formatting in the file).
///
/// The points' scenarios are not checked by construction: [`validate`](Self::validate)
/// builds each one.
#[derive(Debug, Clone, PartialEq)]
pub struct Grid {
    base: Table,
    axes: Vec<Axis>,
    len: usize,
    hash: String,
}

impl Grid {
    /// A grid over `base` (a scenario as a TOML table) along `axes`.
    ///
    /// Errors: [`Error::Grid`] naming the field when there are more than [`MAX_AXES`]
    /// axes, an axis is empty, a path is malformed or repeated, labels do not match their
    /// values, or the product exceeds [`MAX_POINTS`].
    pub fn new(base: Table, mut axes: Vec<Axis>) -> Result<Self, Error> {
        if axes.len() > MAX_AXES {
            return Err(Error::grid(
                "grid",
                format!("has {} axes; at most {MAX_AXES} are allowed", axes.len()),
            ));
        }
        axes.sort_by(|a, b| a.path.cmp(&b.path));
        let mut len: usize = 1;
        for axis in &axes {
            check_axis(axis)?;
            len = len
                .checked_mul(axis.values.len())
                .filter(|&n| n <= MAX_POINTS)
                .ok_or_else(|| {
                    Error::grid(
                        format!("grid.\"{}\"", axis.path),
                        format!(
                            "brings the product of the axes' lengths past {MAX_POINTS} points \
                             (the most one grid may hold); split the sweep into several grids"
                        ),
                    )
                })?;
        }
        for pair in axes.windows(2) {
            let (a, b) = (&pair[0].path, &pair[1].path);
            if a == b {
                return Err(Error::grid(format!("grid.\"{a}\""), "appears twice"));
            }
        }
        for a in &axes {
            for b in &axes {
                if b.path.len() > a.path.len()
                    && b.path.starts_with(&a.path)
                    && b.path.as_bytes()[a.path.len()] == b'.'
                {
                    return Err(Error::grid(
                        format!("grid.\"{}\"", b.path),
                        format!(
                            "lies inside axis `{}`; one would overwrite the other",
                            a.path
                        ),
                    ));
                }
            }
        }
        let hash = fingerprint(canonical_text(&base, &axes).as_bytes());
        Ok(Self {
            base,
            axes,
            len,
            hash,
        })
    }

    /// A grid over a [`Scenario`] built in code.
    ///
    /// Errors: those of [`new`](Self::new), and [`Error::Grid`] if the scenario cannot be
    /// written as TOML.
    pub fn from_scenario(base: &Scenario, axes: Vec<Axis>) -> Result<Self, Error> {
        let table = Table::try_from(base)
            .map_err(|e| Error::grid("base", format!("cannot be written as TOML: {e}")))?;
        Self::new(table, axes)
    }

    /// Parses a grid file's text. `dir` is the folder a `base = "file.toml"` is relative
    /// to (the grid file's folder); `None` accepts only an inline `[base]` table.
    ///
    /// The file has three top-level keys: `base` (a path, or a table holding a scenario),
    /// `[grid]` (dotted path = list of values; absent or empty: the base alone), and
    /// optionally `[labels]` (dotted path = list of strings, one per value).
    ///
    /// Errors: [`Error::Toml`] for malformed TOML, [`Error::Grid`] naming the field for
    /// anything else (unknown keys, a base file that cannot be read or is larger than
    /// [`MAX_FILE_BYTES`], a value that is not a list, and the checks of
    /// [`new`](Self::new)).
    pub fn from_toml(text: &str, dir: Option<&Path>) -> Result<Self, Error> {
        check_size("grid file", text.len())?;
        let mut doc: Table = toml::from_str(text)?;
        if let Some(key) = doc
            .keys()
            .find(|k| !matches!(k.as_str(), "base" | "grid" | "labels"))
        {
            return Err(Error::grid(
                key.clone(),
                "is not a grid key; a grid file has `base`, `[grid]` and `[labels]`",
            ));
        }
        let base = match doc.remove("base") {
            Some(Value::Table(t)) => t,
            Some(Value::String(file)) => {
                let dir = dir.ok_or_else(|| {
                    Error::grid(
                        "base",
                        format!("names the file `{file}` but no folder was given to find it in; use Grid::from_file"),
                    )
                })?;
                read_base(&dir.join(&file), &file)?
            }
            Some(other) => {
                return Err(Error::grid(
                    "base",
                    format!(
                        "is a {}; give a file path (\"flash_sale.toml\") or a [base] table",
                        other.type_str()
                    ),
                ));
            }
            None => {
                return Err(Error::grid(
                    "base",
                    "is missing; give a file path (\"flash_sale.toml\") or a [base] table",
                ));
            }
        };
        let grid = table_of(doc.remove("grid"), "grid")?;
        let mut labels = table_of(doc.remove("labels"), "labels")?;
        let mut axes = Vec::with_capacity(grid.len().min(MAX_AXES + 1));
        for (path, values) in grid {
            let Value::Array(values) = values else {
                return Err(Error::grid(
                    format!("grid.\"{path}\""),
                    format!(
                        "is a {}; give the list of values to try, e.g. [1, 2]",
                        values.type_str()
                    ),
                ));
            };
            let mut axis = Axis::new(path.clone(), values);
            if let Some(l) = labels.remove(&path) {
                axis.labels = Some(label_list(&path, l)?);
            }
            axes.push(axis);
        }
        if let Some(path) = labels.keys().next() {
            return Err(Error::grid(
                format!("labels.\"{path}\""),
                "names no axis of [grid]",
            ));
        }
        Self::new(base, axes)
    }

    /// Reads and parses a grid file; a `base = "file.toml"` is relative to its folder.
    ///
    /// Errors: [`Error::Io`] if the file cannot be read, and those of
    /// [`from_toml`](Self::from_toml).
    pub fn from_file(path: &Path) -> Result<Self, Error> {
        let text = read_bounded(path)?;
        Self::from_toml(&text, Some(path.parent().unwrap_or(Path::new("."))))
    }

    /// The axes, sorted by path.
    #[must_use]
    pub fn axes(&self) -> &[Axis] {
        &self.axes
    }

    /// The base scenario as a TOML table.
    #[must_use]
    pub fn base(&self) -> &Table {
        &self.base
    }

    /// The number of points (the product of the axes' lengths; 1 with no axes).
    #[must_use]
    pub fn len(&self) -> usize {
        self.len
    }

    /// Always false: a grid has at least one point.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The grid's fingerprint: 32 hex digits over a canonical text of the base and the
    /// axes (sorted keys, one float format), equal for equal grids whatever their files'
    /// layout. Point files and tables carry it so a merge can refuse mixed grids.
    #[must_use]
    pub fn hash(&self) -> &str {
        &self.hash
    }

    /// Point `index`, or `None` past the end.
    #[must_use]
    pub fn point(&self, index: usize) -> Option<Point<'_>> {
        if index >= self.len {
            return None;
        }
        let mut rest = index;
        let mut choice = vec![0; self.axes.len()];
        for (slot, axis) in choice.iter_mut().zip(&self.axes).rev() {
            *slot = rest % axis.values.len();
            rest /= axis.values.len();
        }
        Some(Point::new(self, index, choice))
    }

    /// Every point, in index order.
    pub fn points(&self) -> impl ExactSizeIterator<Item = Point<'_>> + '_ {
        (0..self.len).map(|i| self.point(i).expect("index below len"))
    }

    /// Builds every point's scenario and checks it as [`Simulation::new`](crate::Simulation::new)
    /// does, in index order, stopping at the first invalid one.
    ///
    /// Errors: [`Error::Point`] naming the point, its parameters and the scenario field.
    pub fn validate(&self) -> Result<(), Error> {
        self.points().try_for_each(|p| p.simulation().map(drop))
    }

    /// The base with the axis values of `choice` inserted.
    pub(crate) fn scenario_table(&self, choice: &[usize]) -> Result<Table, Error> {
        let mut table = self.base.clone();
        for (axis, &i) in self.axes.iter().zip(choice) {
            set_path(&mut table, axis, axis.values[i].clone())?;
        }
        Ok(table)
    }
}

/// The text the hash is taken over: a version line, the base, then each axis.
fn canonical_text(base: &Table, axes: &[Axis]) -> String {
    let mut text = String::from("sre-sim grid v1\nbase = ");
    text.push_str(&inline(&Value::Table(base.clone())));
    for axis in axes {
        text.push('\n');
        text.push_str(&inline(&Value::String(axis.path.clone())));
        text.push_str(" = ");
        text.push_str(&inline(&Value::Array(axis.values.clone())));
        if let Some(labels) = &axis.labels {
            text.push_str(" labels ");
            let labels = labels.iter().cloned().map(Value::String).collect();
            text.push_str(&inline(&Value::Array(labels)));
        }
    }
    text
}

fn check_axis(axis: &Axis) -> Result<(), Error> {
    let field = format!("grid.\"{}\"", axis.path);
    let depth = axis.segments().count();
    if axis.segments().any(str::is_empty) {
        return Err(Error::grid(
            field,
            "is not a dotted path: a segment is empty (write `autoscaler.policy`)",
        ));
    }
    if depth > MAX_PATH_DEPTH {
        return Err(Error::grid(
            field,
            format!("has {depth} segments; at most {MAX_PATH_DEPTH} are allowed"),
        ));
    }
    if axis.values.is_empty() {
        return Err(Error::grid(
            field,
            "is an empty list; an axis needs at least one value",
        ));
    }
    if let Some(labels) = &axis.labels {
        if labels.len() != axis.values.len() {
            return Err(Error::grid(
                format!("labels.\"{}\"", axis.path),
                format!(
                    "has {} labels for {} values; give one label per value",
                    labels.len(),
                    axis.values.len()
                ),
            ));
        }
        if let Some(l) = labels.iter().find(|l| l.chars().count() > MAX_LABEL_CHARS) {
            return Err(Error::grid(
                format!("labels.\"{}\"", axis.path),
                format!(
                    "holds a label of {} characters; at most {MAX_LABEL_CHARS} are allowed",
                    l.chars().count()
                ),
            ));
        }
    }
    Ok(())
}

fn table_of(value: Option<Value>, field: &str) -> Result<Table, Error> {
    match value {
        None => Ok(Table::new()),
        Some(Value::Table(t)) => Ok(t),
        Some(other) => Err(Error::grid(
            field,
            format!("is a {}; it must be a table", other.type_str()),
        )),
    }
}

fn label_list(path: &str, value: Value) -> Result<Vec<String>, Error> {
    let field = format!("labels.\"{path}\"");
    let Value::Array(items) = value else {
        return Err(Error::grid(field, "must be a list of strings"));
    };
    items
        .into_iter()
        .map(|v| match v {
            Value::String(s) => Ok(s),
            other => Err(Error::grid(
                field.clone(),
                format!("holds a {}; labels are strings", other.type_str()),
            )),
        })
        .collect()
}

fn check_size(what: &str, len: usize) -> Result<(), Error> {
    if len > MAX_FILE_BYTES {
        return Err(Error::grid(
            what,
            format!("is {len} bytes; at most {MAX_FILE_BYTES} are allowed"),
        ));
    }
    Ok(())
}

/// A file's text, refused past [`MAX_FILE_BYTES`] before it is read.
pub(crate) fn read_bounded(path: &Path) -> Result<String, Error> {
    let io = |source| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    let len = std::fs::metadata(path).map_err(io)?.len();
    check_size(
        &path.display().to_string(),
        usize::try_from(len).unwrap_or(usize::MAX),
    )?;
    std::fs::read_to_string(path).map_err(io)
}

fn read_base(path: &Path, written: &str) -> Result<Table, Error> {
    let text = read_bounded(path)?;
    toml::from_str(&text).map_err(|e| {
        Error::grid(
            "base",
            format!("`{written}` is not a TOML table: {}", Error::Toml(e)),
        )
    })
}
