//! [`SloReport`]: what the evaluator runner publishes for scrapes after every evaluation.

use crate::SloSpec;
use core::time::Duration;
use sre_budget::{AlertPolicy, AlertState, BudgetStatus, Evaluator, PairStatus, Severity};
use sre_core::Timestamp;
use sre_metrics::WindowCounts;

/// One SLO at its last evaluation.
#[derive(Debug, Clone, PartialEq)]
pub struct SloReport {
    /// The SLO's name.
    pub slo: String,
    /// Its objective, a fraction.
    pub objective: f64,
    /// When it was last evaluated (`None` before the first evaluation).
    pub evaluated_at: Option<Timestamp>,
    /// Every alert pair's state, in policy order.
    pub alerts: Vec<AlertReport>,
    /// Every distinct window the pairs read, shortest first, each once (a window that two
    /// pairs share, such as the workbook's 6 h, is one entry).
    pub windows: Vec<WindowReport>,
    /// The budget over the data observed, if the evaluator tracks it.
    pub budget: Option<BudgetStatus>,
}

/// One alert pair at the last evaluation.
#[derive(Debug, Clone, PartialEq)]
pub struct AlertReport {
    /// The pair's name (the Prometheus alert name).
    pub name: String,
    /// Page or ticket.
    pub severity: Severity,
    /// Its state, condition and window readings.
    pub status: PairStatus,
}

/// One window at the last evaluation.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WindowReport {
    /// The window's length.
    pub window: Duration,
    /// Good and total events in it.
    pub counts: WindowCounts,
    /// `bad / total`, `None` without events ("no data", never healthy).
    pub error_ratio: Option<f64>,
    /// `error_ratio / (1 − objective)`: how fast the window spends the budget.
    pub burn_rate: Option<f64>,
}

impl SloReport {
    /// The report of an SLO not evaluated yet.
    pub(crate) fn empty(spec: &SloSpec, policy: &AlertPolicy) -> Self {
        Self {
            slo: spec.name().to_owned(),
            objective: spec.objective().get(),
            evaluated_at: None,
            alerts: policy
                .pairs()
                .iter()
                .map(|p| AlertReport {
                    name: p.name().to_owned(),
                    severity: p.severity(),
                    status: PairStatus::default(),
                })
                .collect(),
            windows: Vec::new(),
            budget: None,
        }
    }

    /// The report of `evaluator` just after it evaluated at `at`.
    pub(crate) fn of(spec: &SloSpec, evaluator: &Evaluator, at: Timestamp) -> Self {
        let budget_share = 1.0 - spec.objective().get();
        let mut windows: Vec<WindowReport> = Vec::new();
        let mut alerts = Vec::with_capacity(evaluator.status().len());
        for (i, st) in evaluator.status().iter().enumerate() {
            let pair = evaluator.pair(i);
            alerts.push(AlertReport {
                name: pair.name().to_owned(),
                severity: pair.severity(),
                status: *st,
            });
            for r in [st.long, st.short] {
                if !windows.iter().any(|w| w.window == r.window) {
                    windows.push(WindowReport {
                        window: r.window,
                        counts: r.counts,
                        error_ratio: r.error_ratio,
                        burn_rate: r.error_ratio.map(|e| e / budget_share),
                    });
                }
            }
        }
        windows.sort_by_key(|w| w.window);
        Self {
            slo: spec.name().to_owned(),
            objective: spec.objective().get(),
            evaluated_at: Some(at),
            alerts,
            windows,
            budget: evaluator.budget(),
        }
    }

    /// Whether any alert of `severity` is firing.
    #[must_use]
    pub fn firing(&self, severity: Severity) -> bool {
        self.alerts
            .iter()
            .any(|a| a.severity == severity && a.status.state == AlertState::Firing)
    }
}
