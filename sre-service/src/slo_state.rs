//! The live state of one SLO inside a registry: its SLI window, its evaluator and the
//! report the last evaluation published.

use crate::checkpoint::CounterBase;
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
    /// Subtracted from the SLI totals in the exposed counters (see `checkpoint`).
    pub(crate) counter_base: CounterBase,
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
            counter_base: CounterBase::default(),
        })
    }

    /// The last published report (an `Arc` clone under a lock held for no longer).
    pub(crate) fn report(&self) -> Arc<SloReport> {
        Arc::clone(&self.report.lock().unwrap_or_else(PoisonError::into_inner))
    }

    /// The exposed counters: the SLI totals less the base.
    pub(crate) fn exposed_counts(&self) -> (u64, u64) {
        let t = self.sli.totals();
        (
            t.good.saturating_sub(self.counter_base.good),
            t.bad().saturating_sub(self.counter_base.bad),
        )
    }

    pub(crate) fn publish(&self, report: SloReport) {
        *self.report.lock().unwrap_or_else(PoisonError::into_inner) = Arc::new(report);
    }
}
