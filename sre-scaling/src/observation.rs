//! [`Observation`]: what a controller sees each control interval, and the [`Metric`]s in it.

use crate::Error;
use crate::error::non_negative;

/// A scalar signal a policy can read from an [`Observation`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum Metric {
    /// Average CPU utilization across instances, in percent (70.0 is 70 %).
    Cpu,
    /// Total requests per second across the service.
    Rps,
    /// Messages waiting in the work queue.
    QueueDepth,
    /// Total in-flight requests across the service (Knative's default signal).
    Concurrency,
}

impl Metric {
    /// The metric's name in messages.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Metric::Cpu => "cpu",
            Metric::Rps => "rps",
            Metric::QueueDepth => "queue_depth",
            Metric::Concurrency => "concurrency",
        }
    }

    /// Whether the value is an average per instance (CPU) rather than a service total.
    #[must_use]
    pub const fn is_per_instance_average(self) -> bool {
        matches!(self, Metric::Cpu)
    }
}

/// Lifecycle phase of a pod, as Kubernetes reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum PodPhase {
    /// Not yet running (scheduling, pulling images).
    Pending,
    /// Running.
    #[default]
    Running,
    /// Exited successfully.
    Succeeded,
    /// Exited with a failure.
    Failed,
}

/// One pod's state and metrics, for the Kubernetes HPA's per-pod arithmetic.
///
/// Values are in milli-units (Kubernetes `Quantity.MilliValue`): 500 is half a CPU core.
/// `None` means the metric is missing for this pod.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct PodSample {
    /// The pod's phase.
    pub phase: PodPhase,
    /// The pod's `Ready` condition.
    pub ready: bool,
    /// Whether the pod has a deletion timestamp (it is being deleted).
    pub deleting: bool,
    /// The resource request (for `Utilization` targets), in milli-units.
    pub request_milli: Option<i64>,
    /// The resource usage (for `Resource` metrics), in milli-units.
    pub usage_milli: Option<i64>,
    /// A custom per-pod metric value (for `Pods` metrics), in milli-units.
    pub value_milli: Option<i64>,
}

impl PodSample {
    /// A running, ready pod with a CPU request and usage (milli-cores).
    #[must_use]
    pub const fn cpu(request_milli: i64, usage_milli: i64) -> Self {
        Self {
            phase: PodPhase::Running,
            ready: true,
            deleting: false,
            request_milli: Some(request_milli),
            usage_milli: Some(usage_milli),
            value_milli: None,
        }
    }
}

/// What the controller sees at one control interval.
///
/// Build it with [`Observation::new`] and the `with_*` methods; a policy reads only the
/// fields it needs and returns [`Error::MissingMetric`] when one it needs is absent.
/// Values are checked when read: NaN, infinite or negative metrics are errors.
///
/// ```
/// use sre_scaling::{Metric, Observation};
/// let obs = Observation::new(2).with_rps(3000.0).with_cpu(65.0);
/// assert_eq!(obs.metric(Metric::Rps)?, 3000.0);
/// assert!(obs.metric(Metric::QueueDepth).is_err());
/// # Ok::<(), sre_scaling::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Observation<'a> {
    /// Instances the service has now (the scale target's replica count).
    pub current: u32,
    /// Instances ready to serve; `None` means "same as `current`".
    pub ready: Option<u32>,
    /// Average CPU utilization in percent.
    pub cpu_utilization: Option<f64>,
    /// Total requests per second.
    pub rps: Option<f64>,
    /// Work-queue depth.
    pub queue_depth: Option<f64>,
    /// Total in-flight requests.
    pub concurrency: Option<f64>,
    /// Per-pod samples, for the HPA's per-pod metrics.
    pub pods: &'a [PodSample],
}

impl<'a> Observation<'a> {
    /// An observation of `current` instances and no metrics yet.
    #[must_use]
    pub const fn new(current: u32) -> Self {
        Self {
            current,
            ready: None,
            cpu_utilization: None,
            rps: None,
            queue_depth: None,
            concurrency: None,
            pods: &[],
        }
    }

    /// Sets the ready-instance count.
    #[must_use]
    pub const fn with_ready(mut self, ready: u32) -> Self {
        self.ready = Some(ready);
        self
    }

    /// Sets the average CPU utilization, in percent.
    #[must_use]
    pub const fn with_cpu(mut self, percent: f64) -> Self {
        self.cpu_utilization = Some(percent);
        self
    }

    /// Sets the total requests per second.
    #[must_use]
    pub const fn with_rps(mut self, rps: f64) -> Self {
        self.rps = Some(rps);
        self
    }

    /// Sets the queue depth.
    #[must_use]
    pub const fn with_queue_depth(mut self, depth: f64) -> Self {
        self.queue_depth = Some(depth);
        self
    }

    /// Sets the total in-flight requests.
    #[must_use]
    pub const fn with_concurrency(mut self, concurrency: f64) -> Self {
        self.concurrency = Some(concurrency);
        self
    }

    /// Sets the per-pod samples.
    #[must_use]
    pub const fn with_pods(mut self, pods: &'a [PodSample]) -> Self {
        self.pods = pods;
        self
    }

    /// Ready instances: `ready` if set, else `current`.
    #[must_use]
    pub fn ready_or_current(&self) -> u32 {
        self.ready.unwrap_or(self.current)
    }

    /// A metric's value, checked: missing, NaN, infinite and negative values are errors.
    pub fn metric(&self, metric: Metric) -> Result<f64, Error> {
        let v = match metric {
            Metric::Cpu => self.cpu_utilization,
            Metric::Rps => self.rps,
            Metric::QueueDepth => self.queue_depth,
            Metric::Concurrency => self.concurrency,
        };
        let what = metric.name();
        non_negative(what, v.ok_or(Error::MissingMetric { what })?)
    }
}
