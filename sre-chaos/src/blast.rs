//! Blast radius: how many targets an experiment touches (Litmus, AWS FIS), which ones
//! (seeded), and which users (a stable hash share).

use crate::Error;

/// What a Litmus percentage applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum LitmusKind {
    /// `PODS_AFFECTED_PERC`: clamped to 100 %.
    Pods,
    /// `NODES_AFFECTED_PERC`: not clamped; a count above `total` repeats nodes.
    Nodes,
}

/// Litmus' target count (litmus-go `pkg/utils/common/pods.go`, `nodes.go`):
/// pods `max(1, ⌊min(p, 100) · N / 100⌋)`, nodes `max(1, ⌊p · N / 100⌋)`.
///
/// ```
/// use sre_chaos::blast::{litmus_targets, LitmusKind};
/// assert_eq!(litmus_targets(LitmusKind::Pods, 1000, 5)?, 50); // 5 % of users
/// assert_eq!(litmus_targets(LitmusKind::Pods, 10, 5)?, 1);    // never zero
/// assert_eq!(litmus_targets(LitmusKind::Nodes, 4, 150)?, 6);  // not clamped
/// # Ok::<(), sre_chaos::Error>(())
/// ```
///
/// # Errors
/// [`Error::Invalid`] naming `total` when it is 0 (Litmus finds no target).
pub fn litmus_targets(kind: LitmusKind, total: u64, affected_perc: u32) -> Result<u64, Error> {
    if total == 0 {
        return Err(Error::invalid("total", 0, "at least one candidate target"));
    }
    let p = match kind {
        LitmusKind::Pods => affected_perc.min(100),
        LitmusKind::Nodes => affected_perc,
    };
    let n = u128::from(p) * u128::from(total) / 100;
    Ok(u64::try_from(n).unwrap_or(u64::MAX).max(1))
}

/// AWS FIS `selectionMode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FisSelection {
    /// `ALL`: every identified target.
    All,
    /// `COUNT(n)`: `n` targets at random; all of them when fewer are identified (our
    /// rule: AWS does not document it).
    Count(u64),
    /// `PERCENT(p)`: `max(1, ⌊p · N / 100⌋)` at random (our rounding: AWS does not
    /// document it; it is Litmus' formula and CloudFormation StackSets' rule for
    /// `MaxConcurrentPercentage`).
    Percent(u8),
}

impl FisSelection {
    /// Parses `ALL`, `COUNT(n)` (n ≥ 1), `PERCENT(p)` (p in 1..=100).
    ///
    /// # Errors
    /// [`Error::Invalid`] naming `selection_mode`.
    pub fn parse(s: &str) -> Result<Self, Error> {
        let bad = || {
            Error::invalid(
                "selection_mode",
                s,
                "ALL, COUNT(n) with n >= 1, or PERCENT(p) with p in 1..=100",
            )
        };
        if s == "ALL" {
            return Ok(Self::All);
        }
        let arg = |prefix: &str| {
            s.strip_prefix(prefix)
                .and_then(|r| r.strip_suffix(')'))
                .filter(|r| !r.is_empty() && r.bytes().all(|b| b.is_ascii_digit()))
        };
        if let Some(n) = arg("COUNT(") {
            let n: u64 = n.parse().map_err(|_| bad())?;
            return if n >= 1 {
                Ok(Self::Count(n))
            } else {
                Err(bad())
            };
        }
        if let Some(p) = arg("PERCENT(") {
            let p: u8 = p.parse().map_err(|_| bad())?;
            return if (1..=100).contains(&p) {
                Ok(Self::Percent(p))
            } else {
                Err(bad())
            };
        }
        Err(bad())
    }
}

/// FIS `emptyTargetResolutionMode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum EmptyTargetResolution {
    /// No target: the experiment fails (the default).
    #[default]
    Fail,
    /// No target: the action is skipped.
    Skip,
}

/// What FIS does with a target of `identified` resources.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FisOutcome {
    /// The action runs on this many targets.
    Run(u64),
    /// No target, `skip`: the action is skipped.
    Skip,
    /// No target, `fail`: the experiment fails.
    Fail,
}

/// How many of `identified` targets FIS acts on.
///
/// ```
/// use sre_chaos::blast::{fis_targets, EmptyTargetResolution as E, FisOutcome, FisSelection};
/// assert_eq!(fis_targets(FisSelection::Percent(25), 7, E::Fail), FisOutcome::Run(1));
/// assert_eq!(fis_targets(FisSelection::Count(10), 7, E::Fail), FisOutcome::Run(7));
/// assert_eq!(fis_targets(FisSelection::All, 0, E::Skip), FisOutcome::Skip);
/// ```
pub fn fis_targets(
    selection: FisSelection,
    identified: u64,
    empty: EmptyTargetResolution,
) -> FisOutcome {
    if identified == 0 {
        return match empty {
            EmptyTargetResolution::Fail => FisOutcome::Fail,
            EmptyTargetResolution::Skip => FisOutcome::Skip,
        };
    }
    FisOutcome::Run(match selection {
        FisSelection::All => identified,
        FisSelection::Count(n) => n.min(identified),
        FisSelection::Percent(p) => {
            let n = u128::from(p) * u128::from(identified) / 100;
            u64::try_from(n).unwrap_or(u64::MAX).max(1)
        }
    })
}

/// SplitMix64: a tiny, well-mixed 64-bit generator and finalizer (Steele, Lea, Flood
/// 2014); the same seed gives the same choice on every platform.
fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// `count` distinct indices of `0..total` chosen uniformly with `seed` (a partial
/// Fisher–Yates shuffle), in the order chosen. `count` above `total` gives all of them.
/// Cost: O(total) memory and time.
pub fn choose(total: usize, count: usize, seed: u64) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..total).collect();
    let k = count.min(total);
    let mut state = seed;
    for i in 0..k {
        let span = (total - i) as u64;
        // Lemire's multiply-shift: the high word of r · span is below span.
        let r = u128::from(splitmix64(&mut state)) * u128::from(span);
        let off = usize::try_from(r >> 64).unwrap_or(0);
        idx.swap(i, i + off);
    }
    idx.truncate(k);
    idx
}

/// A stable share of users: a user is in the experiment when the 64-bit hash of
/// (`salt`, user key) is below `share · 2⁶⁴`.
///
/// The hash is FNV-1a 64 over the salt's 8 little-endian bytes then the key's bytes,
/// finished with the SplitMix64 mixer (FNV-1a alone leaves short keys' high bits
/// poorly mixed). It is a pure function: the same user is in or out on every call,
/// every process and every machine; a larger share keeps every user a smaller share
/// had (thresholds are nested); a different salt picks an independent set. Over many
/// users the selected fraction is within a few `sqrt(share·(1−share)/n)` of `share`.
///
/// ```
/// use sre_chaos::blast::UserShare;
/// let five = UserShare::new(0.05, 42)?;
/// let ten = UserShare::new(0.10, 42)?;
/// let picked = (0..100_000).filter(|u| five.contains(format!("user-{u}").as_bytes())).count();
/// assert!((4_800..=5_200).contains(&picked));
/// assert!((0..1000).all(|u| {
///     let k = format!("user-{u}");
///     !five.contains(k.as_bytes()) || ten.contains(k.as_bytes())
/// }));
/// # Ok::<(), sre_chaos::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct UserShare {
    threshold: u64,
    all: bool,
    salt: u64,
}

impl UserShare {
    /// Users whose hash falls under `share` (in [0, 1]); `salt` names the experiment.
    ///
    /// # Errors
    /// [`Error::Invalid`] naming `share` unless it is in [0, 1].
    pub fn new(share: f64, salt: u64) -> Result<Self, Error> {
        if !(0.0..=1.0).contains(&share) {
            return Err(Error::invalid("share", share, "a fraction in [0, 1]"));
        }
        // share · 2^64, floored; share = 1 selects everyone.
        let two_32 = f64::from(u32::MAX) + 1.0;
        let scaled = share * two_32 * two_32;
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        // `scaled` is in [0, 2^64]; `as` saturates 2^64 itself, handled by `all`.
        let threshold = scaled as u64;
        Ok(Self {
            threshold,
            all: share >= 1.0,
            salt,
        })
    }

    /// The user's 64-bit hash.
    pub fn hash(&self, key: &[u8]) -> u64 {
        let mut h: u64 = 0xCBF2_9CE4_8422_2325;
        for b in self.salt.to_le_bytes().iter().chain(key) {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0000_0100_0000_01B3);
        }
        let mut s = h;
        splitmix64(&mut s)
    }

    /// Whether the user is in the experiment. Cost: one pass over the key, no
    /// allocation.
    pub fn contains(&self, key: &[u8]) -> bool {
        self.all || self.hash(key) < self.threshold
    }
}
