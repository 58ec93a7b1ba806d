//! [`Shard`]: which share of a grid's points one process runs (`--shard K/N`).

use super::MAX_POINTS;
use crate::Error;

/// Shard `K` of `N`, 1-based (`1/1` is the whole grid; `1/3`, `2/3`, `3/3` split it in
/// three). Shard `K/N` runs the points whose index `i` has `i mod N = K − 1`: a fixed
/// rule, so every shard knows its points without talking to the others, and the shards
/// of one `N` cover every point exactly once. With a batch system's 0-based array index
/// (Kubernetes `JOB_COMPLETION_INDEX`, Slurm `SLURM_ARRAY_TASK_ID` from 0) pass
/// `--shard $((INDEX + 1))/N`.
///
/// ```
/// use sre_sim::sweep::Shard;
/// let s: Shard = "2/3".parse()?;
/// assert_eq!((s.k(), s.n()), (2, 3));
/// assert!(s.contains(1) && s.contains(4) && !s.contains(0));
/// assert!("0/3".parse::<Shard>().is_err());
/// # Ok::<(), sre_sim::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Shard {
    k: usize,
    n: usize,
}

impl Shard {
    /// The whole grid: shard 1 of 1.
    pub const ALL: Self = Self { k: 1, n: 1 };

    /// Shard `k` of `n`.
    ///
    /// Errors: [`Error::Grid`] (field `--shard`) unless `1 ≤ k ≤ n ≤` [`MAX_POINTS`].
    pub fn new(k: usize, n: usize) -> Result<Self, Error> {
        if n == 0 || n > MAX_POINTS {
            return Err(Error::grid(
                "--shard",
                format!("N is {n}; give 1 to {MAX_POINTS} shards"),
            ));
        }
        if k == 0 || k > n {
            return Err(Error::grid(
                "--shard",
                format!("K is {k}; shards are numbered 1 to N = {n}"),
            ));
        }
        Ok(Self { k, n })
    }

    /// This shard's number, 1 to [`n`](Self::n).
    #[must_use]
    pub fn k(&self) -> usize {
        self.k
    }

    /// The number of shards.
    #[must_use]
    pub fn n(&self) -> usize {
        self.n
    }

    /// Whether point `index` belongs to this shard.
    #[must_use]
    pub fn contains(&self, index: usize) -> bool {
        index % self.n == self.k - 1
    }
}

impl core::fmt::Display for Shard {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "{}/{}", self.k, self.n)
    }
}

impl core::str::FromStr for Shard {
    type Err = Error;

    /// `K/N` with whole numbers.
    fn from_str(s: &str) -> Result<Self, Error> {
        let bad = || {
            Error::grid(
                "--shard",
                format!(
                    "is `{}`; write K/N with whole numbers, 1 ≤ K ≤ N, e.g. 2/3",
                    s.chars().take(40).collect::<String>()
                ),
            )
        };
        let (k, n) = s.split_once('/').ok_or_else(bad)?;
        let k = k.trim().parse::<usize>().map_err(|_| bad())?;
        let n = n.trim().parse::<usize>().map_err(|_| bad())?;
        Self::new(k, n)
    }
}
