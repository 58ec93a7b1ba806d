//! The live state of one SLO inside a registry: its SLI window, its evaluator and the
//! report the last evaluation published.

use crate::report::SloReport;
use crate::{Error, SloSpec};
use sre_budget::{AlertPolicy, Evaluator, Slo};
use sre_metrics::SliWindow;
use std::sync::{Arc, Mutex, PoisonError};

#[derive(Debug)]
pub(crate) struct SloState {
    pub(crate) spec: SloSpec,
    pub(crate) slo: Slo,
    pub(crate) policy: AlertPolicy,
    pub(crate) sli: SliWindow,
    pub(crate) evaluator: Mutex<Evaluator>,
    report: Mutex<Arc<SloReport>>,
}

impl SloState {
    pub(crate) fn new(spec: SloSpec, sli: Option<SliWindow>) -> Result<Self, Error> {
        let slo = spec.to_slo()?;
        let policy = spec.alert_policy()?;
        let evaluator = Evaluator::new(spec.objective(), policy.clone(), spec.alerts())?;
        let sli = match sli {
            Some(sli) => sli,
            None => SliWindow::new(spec.period())?,
        };
        let report = Arc::new(SloReport::empty(&spec, &policy));
        Ok(Self {
            spec,
            slo,
            policy,
            sli,
            evaluator: Mutex::new(evaluator),
            report: Mutex::new(report),
        })
    }

    /// The last published report (an `Arc` clone under a lock held for no longer).
    pub(crate) fn report(&self) -> Arc<SloReport> {
        Arc::clone(&self.report.lock().unwrap_or_else(PoisonError::into_inner))
    }

    pub(crate) fn publish(&self, report: SloReport) {
        *self.report.lock().unwrap_or_else(PoisonError::into_inner) = Arc::new(report);
    }
}
