//! The one error type of `sre-sim`.

/// What went wrong building or running a simulation.
///
/// Scenario problems name the field (`service.median`, `autoscaler.target_cpu`) so the
/// message says what to fix in the file. New variants may be added in minor releases.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A shared validation from `sre-core` failed (a NaN, a negative, a zero duration…).
    #[error(transparent)]
    Core(#[from] sre_core::Error),
    /// An autoscaling policy refused its configuration or an observation.
    #[error(transparent)]
    Scaling(#[from] sre_scaling::Error),
    /// The budget or alert configuration was refused.
    #[error(transparent)]
    Budget(#[from] sre_budget::Error),
    /// A scenario field is missing, malformed or inconsistent with another.
    #[error("scenario field `{field}`: {problem}")]
    Scenario {
        /// The field's path in the scenario file, e.g. `servers.initial`.
        field: String,
        /// What is wrong and what would be right.
        problem: String,
    },
    /// The simulator broke one of its own guarantees (e.g. a report whose request counts
    /// do not add up, or a histogram or SLI window refusing what the run built). A bug:
    /// please report it with the scenario.
    #[error("internal error (a bug in sre-sim): {0}")]
    Internal(String),
    /// The scenario file is not valid TOML or does not have the scenario's shape; the
    /// message carries the line, the column and the key.
    /// The message quotes at most [`QUOTE_CHARS`] characters of any line of the file.
    #[cfg(feature = "serde")]
    #[error("scenario file: {}", clip_lines(&.0.to_string()))]
    Toml(#[from] toml::de::Error),
    /// The report could not be written as JSON.
    #[cfg(feature = "serde")]
    #[error("report JSON: {0}")]
    Json(#[from] serde_json::Error),
    /// A sweep's grid file or option is malformed or beyond a bound
    /// ([`sweep`](crate::sweep)); `field` is the key in the grid file (`grid."seed"`,
    /// `labels."seed"`, `base`) or the option (`--shard`, `--jobs`).
    #[error("grid field `{field}`: {problem}")]
    Grid {
        /// The key or option.
        field: String,
        /// What is wrong, with the value and the bound.
        problem: String,
    },
    /// One point of a sweep's grid is not a valid scenario, or its run failed.
    #[error("point {point} ({params}): {source}")]
    Point {
        /// The point's name, e.g. `p00003`.
        point: String,
        /// Its axis values, `path = value, …`.
        params: String,
        /// What the scenario or the run refused.
        source: Box<Error>,
    },
    /// Sweep output cannot be merged: files of different grids, two different files for
    /// one point, missing points, or a file that is not sweep output.
    #[error("merge: `{field}`: {problem}")]
    Merge {
        /// The file (and field in it) or folder concerned.
        field: String,
        /// What is wrong and what would fix it.
        problem: String,
    },
    /// A file or folder could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The path.
        path: std::path::PathBuf,
        /// The operating system's error.
        source: std::io::Error,
    },
}

impl Error {
    /// A scenario error naming `field`.
    pub(crate) fn field(field: impl Into<String>, problem: impl Into<String>) -> Self {
        Self::Scenario {
            field: field.into(),
            problem: problem.into(),
        }
    }

    /// A grid error naming `field`.
    #[cfg(feature = "serde")]
    pub(crate) fn grid(field: impl Into<String>, problem: impl Into<String>) -> Self {
        Self::Grid {
            field: field.into(),
            problem: problem.into(),
        }
    }

    /// A merge error naming `field`.
    #[cfg(feature = "serde")]
    pub(crate) fn merge(field: impl Into<String>, problem: impl Into<String>) -> Self {
        Self::Merge {
            field: field.into(),
            problem: problem.into(),
        }
    }
}

/// The most characters of one line an error message quotes (a scenario file may hold a
/// line of any length).
pub const QUOTE_CHARS: usize = 160;

/// `text` with every line cut to [`QUOTE_CHARS`] characters (marked with `…`).
#[cfg(feature = "serde")]
fn clip_lines(text: &str) -> String {
    let mut out = String::with_capacity(text.len().min(4096));
    for (i, line) in text.lines().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        match line.char_indices().nth(QUOTE_CHARS) {
            Some((cut, _)) => {
                out.push_str(&line[..cut]);
                out.push('…');
            }
            None => out.push_str(line),
        }
    }
    out
}
