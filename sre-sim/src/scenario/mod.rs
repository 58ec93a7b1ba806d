//! [`Scenario`]: everything a run needs, as a researcher writes it in a TOML file.
//!
//! ```toml
//! name = "steady day"
//! seed = 7
//! duration = "1d"
//! report_interval = "5m"
//!
//! [traffic]
//! mean_rps = 100.0
//! diurnal_amplitude = 0.3   # ±30 % over the day
//! peak_at = "20h"           # time of day of the peak
//!
//! [service]
//! distribution = "log_normal"   # or "exponential" (mean), "fixed" (time)
//! median = "60ms"
//! sigma = 0.5
//! timeout = "2s"
//!
//! [servers]
//! initial = 12
//! warmup = "2m"
//! min = 2
//! max = 100
//!
//! [slo]
//! objective = 99.9              # percent, or 0.999 as a fraction
//! latency_threshold = "300ms"
//!
//! [autoscaler]
//! policy = "target_tracking"    # none, cpu_threshold, target_tracking, queue, predictive, hpa
//! target_utilization = 60.0
//!
//! [responders]                  # optional: the incidents' responder model (these are the defaults)
//! acknowledge_after = "5m"
//! mitigate_after = "30m"
//!
//! [[faults]]                    # optional: faults injected (see `sre_sim::faults`)
//! kind = "latency"
//! at = "6h"
//! duration = "30m"
//! add = "100ms"
//! share = 0.05
//!
//! [experiment]                  # optional: some faults as a chaos experiment (see `sre_sim::experiment`)
//! title = "slow network"
//! method = ["latency"]
//! [[experiment.steady_state]]
//! signal = "error_ratio"
//! window = "5m"
//! tolerance = [0.0, 0.001]
//! [[experiment.abort]]
//! signal = "error_ratio"
//! window = "1m"
//! above = 0.05
//! ```
//!
//! Durations are strings with a unit (see [`units`](crate::units)). Unknown keys are
//! refused. Every input that drives allocation or iteration is bounded; the bounds are in
//! [`limits`](crate::limits). [`Scenario::validate`] checks what the shape cannot: ranges and consistency,
//! with an [`Error::Scenario`] naming the field.

mod validate;

use validate::nonzero;

#[cfg(feature = "serde")]
use crate::units::parse_duration;
use crate::{Error, ServiceTime};
use core::time::Duration;

/// A duration written with a unit in a scenario file (`"80ms"`, `"48h"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Span(pub Duration);

impl Span {
    /// From seconds.
    #[must_use]
    pub const fn secs(s: u64) -> Self {
        Self(Duration::from_secs(s))
    }
    /// The duration in nanoseconds, saturating.
    #[must_use]
    pub fn nanos(self) -> u64 {
        sre_core::duration_to_nanos_saturating(self.0)
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for Span {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&format!("{}s", self.0.as_secs_f64()))
    }
}

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for Span {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        parse_duration(&text)
            .map(Span)
            .map_err(serde::de::Error::custom)
    }
}

/// A traffic event: the rate multiplied for a while (Black Friday is 3× for 48 hours).
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct TrafficEvent {
    /// A label for the report and the picture.
    #[cfg_attr(feature = "serde", serde(default))]
    pub name: String,
    /// When it starts, from the start of the run.
    pub start: Span,
    /// How long it lasts.
    pub duration: Span,
    /// The factor on the rate while it lasts (> 0).
    pub multiplier: f64,
}

/// How requests arrive: a non-homogeneous Poisson process with this rate.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct Traffic {
    /// Mean requests per second over a day, outside events.
    pub mean_rps: f64,
    /// Diurnal swing as a fraction of the mean, in [0, 1) (0: constant rate).
    #[cfg_attr(feature = "serde", serde(default))]
    pub diurnal_amplitude: f64,
    /// Time of day of the diurnal peak.
    #[cfg_attr(feature = "serde", serde(default = "default_peak"))]
    pub peak_at: Span,
    /// Events multiplying the rate.
    #[cfg_attr(feature = "serde", serde(default))]
    pub events: Vec<TrafficEvent>,
}

#[cfg(feature = "serde")]
fn default_peak() -> Span {
    Span::secs(20 * 3600)
}

/// Service-time distribution names in scenario files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Distribution {
    /// Exponential with `mean`.
    Exponential,
    /// Log-normal with `median` and `sigma`.
    LogNormal,
    /// Always `time`.
    Fixed,
}

impl Distribution {
    /// The name in scenario files (`log_normal`).
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Self::Exponential => "exponential",
            Self::LogNormal => "log_normal",
            Self::Fixed => "fixed",
        }
    }

    /// The distribution in prose with its article: "an exponential", "a log-normal".
    #[must_use]
    pub const fn with_article(self) -> &'static str {
        match self {
            Self::Exponential => "an exponential",
            Self::LogNormal => "a log-normal",
            Self::Fixed => "a fixed",
        }
    }
}

/// How the servers serve.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct Service {
    /// The service-time distribution.
    pub distribution: Distribution,
    /// Mean (exponential).
    #[cfg_attr(feature = "serde", serde(default))]
    pub mean: Option<Span>,
    /// Median (log-normal).
    #[cfg_attr(feature = "serde", serde(default))]
    pub median: Option<Span>,
    /// Log-space standard deviation (log-normal).
    #[cfg_attr(feature = "serde", serde(default))]
    pub sigma: Option<f64>,
    /// The fixed time (fixed).
    #[cfg_attr(feature = "serde", serde(default))]
    pub time: Option<Span>,
    /// Queue capacity; arrivals beyond it are dropped. Absent:
    /// [`DEFAULT_MAX_QUEUE`](crate::limits::DEFAULT_MAX_QUEUE); at most
    /// [`MAX_QUEUE`](crate::limits::MAX_QUEUE).
    #[cfg_attr(feature = "serde", serde(default))]
    pub max_queue: Option<u64>,
    /// Client timeout on the response time.
    #[cfg_attr(feature = "serde", serde(default))]
    pub timeout: Option<Span>,
}

/// The server pool.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct Servers {
    /// Ready servers at the start.
    pub initial: u64,
    /// Time from asking for a server to it taking traffic.
    #[cfg_attr(feature = "serde", serde(default))]
    pub warmup: Span,
    /// Fewest servers the autoscaler may leave (≥ 1).
    #[cfg_attr(feature = "serde", serde(default = "one"))]
    pub min: u64,
    /// Most servers the autoscaler may ask for (at most 1,000,000: the simulator models
    /// every server).
    #[cfg_attr(feature = "serde", serde(default = "thousand"))]
    pub max: u64,
    /// Utilization a server is planned for, percent (the capacity report's "needed").
    #[cfg_attr(feature = "serde", serde(default = "sixty"))]
    pub target_utilization: f64,
    /// Zones the servers are spread over evenly (a `zone_loss` fault loses one zone's
    /// share); at least `regions`.
    #[cfg_attr(feature = "serde", serde(default = "one"))]
    pub zones: u64,
    /// Regions the zones are spread over evenly (a `region_loss` fault loses one region's
    /// share).
    #[cfg_attr(feature = "serde", serde(default = "one"))]
    pub regions: u64,
}

#[cfg(feature = "serde")]
fn one() -> u64 {
    1
}
#[cfg(feature = "serde")]
fn thousand() -> u64 {
    1000
}
#[cfg(feature = "serde")]
fn sixty() -> f64 {
    60.0
}

/// The SLO the run is judged by: a latency SLI (good = served within the threshold).
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct Slo {
    /// Objective, as a percentage (`99.9`) or a fraction (`0.999`): a number below 1 is a
    /// fraction, 1 or more a percentage (so an objective under 1 % cannot be written;
    /// no SLO promises that little). See [`Slo::objective`].
    pub objective: f64,
    /// A request is good when served within this.
    pub latency_threshold: Span,
    /// The SLO period the budget is counted over: whole minutes, and at least as long as
    /// the workbook's longest alert window (3 days).
    #[cfg_attr(feature = "serde", serde(default = "thirty_days"))]
    pub period: Span,
    /// How often the burn-rate alerts are evaluated (at most 10^7 times over the run).
    #[cfg_attr(feature = "serde", serde(default = "one_minute"))]
    pub evaluation_interval: Span,
}

impl Slo {
    /// The objective, read as a fraction when below 1 and as a percentage otherwise
    /// (`0.999` and `99.9` are the same objective); the error names `slo.objective`.
    ///
    /// ```
    /// use sre_sim::scenario::{Slo, Span};
    /// let slo = |objective| Slo { objective, latency_threshold: Span::secs(1), period: Span::secs(30 * 86_400), evaluation_interval: Span::secs(60) };
    /// assert_eq!(slo(99.9).objective()?, slo(0.999).objective()?);
    /// assert!(slo(100.0).objective().is_err() && slo(1.0).objective().is_ok());
    /// # Ok::<(), sre_sim::Error>(())
    /// ```
    pub fn objective(&self) -> Result<sre_core::Objective, Error> {
        let v = self.objective;
        let o = if v < 1.0 {
            sre_core::Objective::new(v)
        } else {
            sre_core::Objective::from_percent(v)
        };
        o.map_err(|e| {
            Error::field(
                "slo.objective",
                format!(
                    "is {v}: {e}; write a percentage (99.9) or a fraction (0.999): below 1 is a fraction"
                ),
            )
        })
    }
}

#[cfg(feature = "serde")]
fn thirty_days() -> Span {
    Span::secs(30 * 86_400)
}
#[cfg(feature = "serde")]
fn one_minute() -> Span {
    Span::secs(60)
}

/// The autoscaling policies a scenario can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum AutoscalerPolicy {
    /// A fixed pool (only the schedule changes it).
    None,
    /// Up above `scale_up_above` % CPU, down below `scale_down_below` %.
    CpuThreshold,
    /// Keep utilization at `target_utilization` (requests per instance, proportional).
    TargetTracking,
    /// Up when the queue exceeds `queue_high`, down after it has been empty a while.
    Queue,
    /// Target tracking on a seasonal forecast `lead` ahead; never scales in on a forecast.
    Predictive,
    /// Kubernetes HPA on CPU utilization, default behavior.
    Hpa,
}

impl AutoscalerPolicy {
    /// The name used in scenario files and reports (`target_tracking`).
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Self::None => "none",
            Self::CpuThreshold => "cpu_threshold",
            Self::TargetTracking => "target_tracking",
            Self::Queue => "queue",
            Self::Predictive => "predictive",
            Self::Hpa => "hpa",
        }
    }
}

/// The autoscaler.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct Autoscaler {
    /// Which policy.
    pub policy: AutoscalerPolicy,
    /// How often it decides (at most 10^7 times over the run).
    #[cfg_attr(feature = "serde", serde(default = "one_minute"))]
    pub control_interval: Span,
    /// Target CPU utilization, percent (target tracking, HPA, predictive).
    #[cfg_attr(feature = "serde", serde(default = "sixty"))]
    pub target_utilization: f64,
    /// Scale up above this CPU %, (CPU threshold).
    #[cfg_attr(feature = "serde", serde(default = "seventy"))]
    pub scale_up_above: f64,
    /// Scale down below this CPU %, (CPU threshold).
    #[cfg_attr(feature = "serde", serde(default = "thirty"))]
    pub scale_down_below: f64,
    /// Queue length that triggers a scale-up (queue policy).
    #[cfg_attr(feature = "serde", serde(default = "thousand"))]
    pub queue_high: u64,
    /// No scale-up within this long after a scale-up.
    #[cfg_attr(feature = "serde", serde(default = "three_minutes"))]
    pub scale_up_cooldown: Span,
    /// No scale-down within this long after any scaling.
    #[cfg_attr(feature = "serde", serde(default = "ten_minutes"))]
    pub scale_down_cooldown: Span,
    /// How far ahead the predictive policy looks.
    #[cfg_attr(feature = "serde", serde(default = "ten_minutes"))]
    pub lead: Span,
}

impl Autoscaler {
    /// `policy` with the settings a scenario file gets when it names only the policy:
    /// decisions every minute, a 60 % target, CPU thresholds 70 / 30 %, a queue of 1000,
    /// cooldowns 3 min after a scale-up and 10 min before a scale-down, a 10-minute
    /// forecast lead.
    #[must_use]
    pub const fn with_defaults(policy: AutoscalerPolicy) -> Self {
        Self {
            policy,
            control_interval: Span::secs(60),
            target_utilization: 60.0,
            scale_up_above: 70.0,
            scale_down_below: 30.0,
            queue_high: 1000,
            scale_up_cooldown: Span::secs(180),
            scale_down_cooldown: Span::secs(600),
            lead: Span::secs(600),
        }
    }
}

#[cfg(feature = "serde")]
fn seventy() -> f64 {
    70.0
}
#[cfg(feature = "serde")]
fn thirty() -> f64 {
    30.0
}
#[cfg(feature = "serde")]
fn three_minutes() -> Span {
    Span::secs(180)
}
#[cfg(feature = "serde")]
fn ten_minutes() -> Span {
    Span::secs(600)
}

/// A planned floor on the pool from a time on (pre-scaling for an event, then the
/// stepped scale-down after it). The autoscaler may go above it, never below.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct Floor {
    /// From when.
    pub at: Span,
    /// At least this many servers.
    pub servers: u64,
    /// Why (shown in the scaling actions).
    #[cfg_attr(feature = "serde", serde(default))]
    pub label: String,
}

/// A whole scenario; see the [module docs](self) for the file format.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct Scenario {
    /// A name for the report.
    pub name: String,
    /// The seed of every random stream in the run.
    #[cfg_attr(feature = "serde", serde(default))]
    pub seed: u64,
    /// Simulated time.
    pub duration: Span,
    /// Time between timeline points in the report (at most 10^6 points over the run).
    #[cfg_attr(feature = "serde", serde(default = "five_minutes"))]
    pub report_interval: Span,
    /// How requests arrive.
    pub traffic: Traffic,
    /// How they are served.
    pub service: Service,
    /// The pool.
    pub servers: Servers,
    /// The SLO.
    pub slo: Slo,
    /// The autoscaler (none: a fixed pool).
    #[cfg_attr(feature = "serde", serde(default))]
    pub autoscaler: Option<Autoscaler>,
    /// Planned floors, in time order.
    #[cfg_attr(feature = "serde", serde(default))]
    pub schedule: Vec<Floor>,
    /// A new version rolled out during the run, read by
    /// [`run_rollout`](crate::rollout::run_rollout) (a plain [`Simulation`](crate::Simulation)
    /// serves every request with the baseline).
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub rollout: Option<crate::rollout::RolloutSpec>,
    /// The responder model of the run's incidents (absent:
    /// [`Responders::default`](crate::incidents::Responders)).
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub responders: Option<crate::incidents::Responders>,
    /// Faults injected during the run (see [`faults`](crate::faults)).
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Vec::is_empty")
    )]
    pub faults: Vec<crate::faults::Fault>,
    /// Some of the faults as a chaos experiment (see [`experiment`](crate::experiment)).
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub experiment: Option<crate::experiment::ExperimentSpec>,
}

#[cfg(feature = "serde")]
fn five_minutes() -> Span {
    Span::secs(300)
}

impl Service {
    /// The `service` table for a service-time distribution, with no queue limit or timeout.
    #[must_use]
    pub fn of(st: ServiceTime) -> Self {
        let span = |ns: u64| Some(Span(Duration::from_nanos(ns)));
        let mut s = Self {
            distribution: Distribution::Fixed,
            mean: None,
            median: None,
            sigma: None,
            time: None,
            max_queue: None,
            timeout: None,
        };
        match st {
            ServiceTime::Exponential { mean_ns } => {
                s.distribution = Distribution::Exponential;
                s.mean = span(mean_ns);
            }
            ServiceTime::LogNormal { median_ns, sigma } => {
                s.distribution = Distribution::LogNormal;
                s.median = span(median_ns);
                s.sigma = Some(sigma);
            }
            ServiceTime::Fixed { ns } => s.time = span(ns),
        }
        s
    }
}

impl Scenario {
    /// A queue with a fixed pool: Poisson arrivals at `rps`, `servers` servers with service
    /// times `service`, for `duration`; SLO 99.9 % within 10 × the mean service time; no
    /// autoscaler. The M/M/c (or M/G/c) of queueing theory, e.g. for an Erlang C check.
    ///
    /// ```
    /// use core::time::Duration;
    /// use sre_sim::{Scenario, ServiceTime, Simulation};
    ///
    /// // M/M/2 at ρ = 0.5 (erlang_c.json "mmc_c2_A1"): P(wait) = 1/3, E[Wq] = 1/3 of a service time.
    /// let service = ServiceTime::exponential(Duration::from_millis(10))?;
    /// let s = Scenario::fixed_pool("mm2", 100.0, service, 2, Duration::from_secs(2_000));
    /// let report = Simulation::new(s)?.run()?;
    /// let wait = report.queueing.mean_wait_ms / 10.0;
    /// assert!((wait - 1.0 / 3.0).abs() < 0.03, "{wait}");
    /// # Ok::<(), sre_sim::Error>(())
    /// ```
    #[must_use]
    pub fn fixed_pool(
        name: &str,
        rps: f64,
        service: ServiceTime,
        servers: u64,
        duration: Duration,
    ) -> Self {
        let mean = service.mean();
        Self {
            name: name.to_owned(),
            seed: 1,
            duration: Span(duration),
            report_interval: Span((duration / 100).max(Duration::from_secs(1)).min(duration)),
            traffic: Traffic {
                mean_rps: rps,
                diurnal_amplitude: 0.0,
                peak_at: Span::secs(0),
                events: Vec::new(),
            },
            service: Service::of(service),
            servers: Servers {
                initial: servers,
                warmup: Span::default(),
                min: servers.max(1),
                max: servers.max(1),
                target_utilization: 60.0,
                zones: 1,
                regions: 1,
            },
            slo: Slo {
                objective: 99.9,
                latency_threshold: Span(mean * 10),
                period: Span::secs(30 * 86_400),
                evaluation_interval: Span::secs(60),
            },
            autoscaler: None,
            schedule: Vec::new(),
            rollout: None,
            responders: None,
            faults: Vec::new(),
            experiment: None,
        }
    }

    /// Parses a TOML scenario and validates it.
    #[cfg(feature = "serde")]
    pub fn from_toml(text: &str) -> Result<Self, Error> {
        let s: Self = toml::from_str(text)?;
        s.validate()?;
        Ok(s)
    }

    /// The scenario as TOML.
    #[cfg(feature = "serde")]
    pub fn to_toml(&self) -> Result<String, Error> {
        toml::to_string(self).map_err(|e| Error::field("(whole scenario)", e.to_string()))
    }

    /// The service-time distribution the `service` table describes.
    pub fn service_time(&self) -> Result<ServiceTime, Error> {
        let s = &self.service;
        let need = |name: &str, v: Option<Span>| {
            v.ok_or_else(|| {
                Error::field(
                    format!("service.{name}"),
                    format!(
                        "is missing; {} distribution needs it",
                        s.distribution.with_article()
                    ),
                )
            })
            .and_then(|v| nonzero(&format!("service.{name}"), v))
        };
        Ok(match s.distribution {
            Distribution::Exponential => ServiceTime::exponential(need("mean", s.mean)?.0)?,
            Distribution::Fixed => ServiceTime::fixed(need("time", s.time)?.0)?,
            Distribution::LogNormal => {
                let median = need("median", s.median)?;
                let sigma = s.sigma.ok_or_else(|| {
                    Error::field(
                        "service.sigma",
                        "is missing; a log-normal needs it, e.g. 0.5",
                    )
                })?;
                if !(sigma.is_finite() && sigma >= 0.0) {
                    return Err(Error::field(
                        "service.sigma",
                        format!("is {sigma}; give a finite number of 0 or more, e.g. 0.5"),
                    ));
                }
                let st = ServiceTime::log_normal(median.0, sigma)?;
                if u64::try_from(st.mean().as_nanos()).is_err() {
                    return Err(Error::field(
                        "service.sigma",
                        format!(
                            "is {sigma}: with median {:?} the mean service time median·exp(σ²/2) \
                             is {:e} s, past the simulated clock; web services have σ near 0.5",
                            median.0,
                            st.mean_secs()
                        ),
                    ));
                }
                st
            }
        })
    }
}
