//! [`Plan`]: what a run needs from its [`Scenario`], checked and converted once (times in
//! nanoseconds, the objective, the queue's limits, the planned floors).

use super::{HIST_HIGHEST_NS, HIST_LOWEST_NS, MINUTE_NS};
use crate::limits::DEFAULT_MAX_QUEUE;
use crate::scenario::Scenario;
use crate::station::QueueLimits;
use crate::{Error, ServiceTime};
use sre_core::Objective;
use sre_metrics::HistogramConfig;

/// A planned floor: from `at_ns` on, at least `servers`, for `label`.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct PlannedFloor {
    pub(super) at_ns: u64,
    pub(super) servers: u64,
    pub(super) label: String,
}

/// The run's parameters, built once by [`Plan::new`] from a validated scenario.
#[derive(Debug, Clone)]
pub(super) struct Plan {
    pub(super) objective: Objective,
    pub(super) threshold_ns: u64,
    pub(super) period_ns: u64,
    pub(super) end_ns: u64,
    pub(super) eval_every: u64,
    pub(super) control_every: u64,
    pub(super) report_every: u64,
    pub(super) limits: QueueLimits,
    pub(super) initial: u64,
    pub(super) warmup_ns: u64,
    pub(super) min: u64,
    pub(super) max: u64,
    pub(super) floors: Vec<PlannedFloor>,
    pub(super) mean_service_secs: f64,
    /// The utilization a server is planned for, a fraction.
    pub(super) target_utilization: f64,
    pub(super) hist_config: HistogramConfig,
    /// The scenario's seed.
    pub(super) seed: u64,
    /// The faults, validated.
    pub(super) faults: Vec<crate::faults::Fault>,
    /// Zones and regions the servers are spread over.
    pub(super) zones: u64,
    pub(super) regions: u64,
    /// The experiment, checked against the scenario.
    pub(super) experiment: Option<crate::experiment::Program>,
}

impl Plan {
    /// The plan of `sc` (already validated) served with `service`.
    pub(super) fn new(sc: &Scenario, service: ServiceTime) -> Result<Self, Error> {
        Ok(Self {
            objective: sc.slo.objective()?,
            threshold_ns: sc.slo.latency_threshold.nanos(),
            period_ns: sc.slo.period.nanos(),
            end_ns: sc.duration.nanos(),
            eval_every: sc.slo.evaluation_interval.nanos(),
            control_every: sc
                .autoscaler
                .as_ref()
                .map_or(MINUTE_NS, |a| a.control_interval.nanos()),
            report_every: sc.report_interval.nanos(),
            limits: QueueLimits {
                max_queue: Some(sc.service.max_queue.unwrap_or(DEFAULT_MAX_QUEUE)),
                timeout_ns: sc.service.timeout.map(|t| t.nanos()),
            },
            initial: sc.servers.initial,
            warmup_ns: sc.servers.warmup.nanos(),
            min: sc.servers.min,
            max: sc.servers.max,
            floors: sc
                .schedule
                .iter()
                .map(|f| PlannedFloor {
                    at_ns: f.at.nanos(),
                    servers: f.servers,
                    label: f.label.clone(),
                })
                .collect(),
            mean_service_secs: service.mean_secs(),
            target_utilization: sc.servers.target_utilization / 100.0,
            hist_config: HistogramConfig::new(HIST_LOWEST_NS, HIST_HIGHEST_NS, 3)
                .map_err(|e| Error::Internal(format!("the latency histogram: {e}")))?,
            seed: sc.seed,
            faults: sc.faults.clone(),
            zones: sc.servers.zones,
            regions: sc.servers.regions,
            experiment: sc
                .experiment
                .as_ref()
                .map(|e| crate::experiment::compile(e, sc))
                .transpose()?,
        })
    }
}
