//! [`BudgetPolicy`]: what the remaining budget means for releases.
//!
//! From the course text ("Error budgets in practice"): more than 50 % left, deploy
//! normally; 10–50 %, slow down and add review; under 10 %, feature freeze, reliability
//! fixes only; exhausted, no deploys until the budget is restored. Each decision carries
//! its reason.
//!
//! ```
//! use core::time::Duration;
//! use sre_budget::{BudgetPolicy, WindowCounts, ErrorBudget, ReleaseAction};
//! use sre_core::Objective;
//!
//! let budget = ErrorBudget::new(Objective::new(0.99)?, Duration::from_secs(30 * 86_400))?;
//! let status = budget.status(WindowCounts { good: 9_930, total: 10_000 }); // 70 of 100 spent
//! let decision = BudgetPolicy::default().decide(&status);
//! assert_eq!(decision.action, ReleaseAction::SlowDown);
//! assert!(decision.to_string().contains("30.0 % of the error budget left"));
//! # Ok::<(), sre_budget::Error>(())
//! ```

use crate::BudgetStatus;
use core::fmt;

/// What releases may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum ReleaseAction {
    /// Deploy normally.
    DeployNormally,
    /// Slow down: smaller, rarer releases with extra review.
    SlowDown,
    /// Feature freeze: reliability fixes only.
    FeatureFreeze,
    /// No deploys until the budget is restored.
    NoDeploys,
}

/// A release decision and why.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ReleaseDecision {
    /// The action.
    pub action: ReleaseAction,
    /// The remaining budget the decision was made on (fraction; negative if overspent).
    pub remaining: f64,
    /// The rule that applied, in words.
    pub reason: &'static str,
}

impl fmt::Display for ReleaseDecision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:?}: {:.1} % of the error budget left; {}",
            self.action,
            self.remaining * 100.0,
            self.reason
        )
    }
}

/// Thresholds on the remaining budget, as fractions. The default is the course's
/// 50 % / 10 % / exhausted.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct BudgetPolicy {
    /// Above this remaining fraction, deploy normally (default 0.5).
    pub normal_above: f64,
    /// At or above this (and up to `normal_above`), slow down; below, freeze (default 0.1).
    pub slow_down_from: f64,
}

impl Default for BudgetPolicy {
    fn default() -> Self {
        Self {
            normal_above: 0.5,
            slow_down_from: 0.1,
        }
    }
}

impl BudgetPolicy {
    /// The release decision for a budget status.
    #[must_use]
    pub fn decide(&self, status: &BudgetStatus) -> ReleaseDecision {
        let r = status.remaining;
        let (action, reason) = if r <= 0.0 {
            (
                ReleaseAction::NoDeploys,
                "the budget is exhausted: no deploys until it is restored",
            )
        } else if r < self.slow_down_from {
            (
                ReleaseAction::FeatureFreeze,
                "under 10 % left: feature freeze, reliability fixes only",
            )
        } else if r <= self.normal_above {
            (
                ReleaseAction::SlowDown,
                "10-50 % left: slow down releases and add review",
            )
        } else {
            (
                ReleaseAction::DeployNormally,
                "over 50 % left: deploy normally",
            )
        };
        ReleaseDecision {
            action,
            remaining: r,
            reason,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ErrorBudget, WindowCounts};
    use core::time::Duration;
    use sre_core::Objective;

    #[test]
    fn the_four_bands_and_their_edges() {
        let b =
            ErrorBudget::new(Objective::new(0.99).unwrap(), Duration::from_secs(86_400)).unwrap();
        let p = BudgetPolicy::default();
        // 10,000 events allow 100 bad (0.99 is inexact, so 99.99…; margins keep clear of it).
        for (bad, want) in [
            (0, ReleaseAction::DeployNormally),
            (49, ReleaseAction::DeployNormally),
            (51, ReleaseAction::SlowDown),
            (89, ReleaseAction::SlowDown),
            (91, ReleaseAction::FeatureFreeze),
            (99, ReleaseAction::FeatureFreeze),
            (101, ReleaseAction::NoDeploys),
            (10_000, ReleaseAction::NoDeploys),
        ] {
            let s = b.status(WindowCounts {
                good: 10_000 - bad,
                total: 10_000,
            });
            assert_eq!(p.decide(&s).action, want, "{bad} bad");
        }
        // No traffic spends nothing.
        assert_eq!(
            p.decide(&b.status(WindowCounts::default())).action,
            ReleaseAction::DeployNormally
        );
    }
}
