//! [`SloSpec`]: one SLO of a service, the single definition from which the registry builds
//! the in-process evaluator *and* the Prometheus rules.

use crate::Error;
use crate::names;
use core::fmt;
use core::time::Duration;
use sre_budget::{AlertConfig, AlertPolicy, Indicator, Slo, TimeWindow};
use sre_core::Objective;
use std::sync::Arc;

/// How one finished request is judged: its status code, how long it took, and the SLO's
/// latency threshold (if the SLO has one).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Outcome {
    /// The response's status code.
    pub status: u16,
    /// From the request's arrival at the layer to its response.
    pub elapsed: Duration,
    /// The SLO's latency threshold, `None` for an availability-only SLO.
    pub threshold: Option<Duration>,
}

impl Outcome {
    /// The default judgement: good when the status is not 5xx and, if the SLO has a
    /// latency threshold, the request took at most that long.
    #[must_use]
    pub fn is_good_by_default(&self) -> bool {
        self.status < 500 && self.threshold.is_none_or(|t| self.elapsed <= t)
    }
}

/// A replaceable judgement of a request, see [`SloSpec::judge`].
pub type Judge = Arc<dyn Fn(&Outcome) -> bool + Send + Sync>;

/// One service level objective of the service.
///
/// ```
/// use core::time::Duration;
/// use sre_core::Objective;
/// use sre_service::SloSpec;
///
/// // 99.9 % of /work requests answered without a 5xx within 300 ms, over 30 days.
/// let spec = SloSpec::latency("work", Objective::from_percent(99.9)?, Duration::from_secs(30 * 86_400),
///     Duration::from_millis(300)).routes(["/work"]);
/// assert_eq!(spec.name(), "work");
/// // The SLI the generated rules read: the counters the registry exposes.
/// let slo = spec.to_slo()?;
/// assert_eq!(
///     slo.indicator().selectors().0,
///     r#"sre_slo_events_total{slo="work",outcome="good"}"#
/// );
/// # Ok::<(), sre_service::Error>(())
/// ```
#[derive(Clone)]
pub struct SloSpec {
    name: String,
    objective: Objective,
    period: Duration,
    threshold: Option<Duration>,
    routes: Vec<String>,
    policy: Option<AlertPolicy>,
    alerts: AlertConfig,
    judge: Option<Judge>,
}

impl fmt::Debug for SloSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SloSpec")
            .field("name", &self.name)
            .field("objective", &self.objective)
            .field("period", &self.period)
            .field("threshold", &self.threshold)
            .field("routes", &self.routes)
            .field("policy", &self.policy)
            .field("alerts", &self.alerts)
            .field("judge", &self.judge.as_ref().map(|_| "custom"))
            .finish()
    }
}

impl SloSpec {
    /// An SLO whose good requests are answered without a 5xx within `threshold`, over a
    /// rolling `period`.
    #[must_use]
    pub fn latency(
        name: impl Into<String>,
        objective: Objective,
        period: Duration,
        threshold: Duration,
    ) -> Self {
        Self {
            threshold: Some(threshold),
            ..Self::availability(name, objective, period)
        }
    }

    /// An SLO whose good requests are answered without a 5xx, over a rolling `period`.
    #[must_use]
    pub fn availability(name: impl Into<String>, objective: Objective, period: Duration) -> Self {
        Self {
            name: name.into(),
            objective,
            period,
            threshold: None,
            routes: Vec::new(),
            policy: None,
            alerts: AlertConfig::service_default(),
            judge: None,
        }
    }

    /// Judges only requests of these routes (the route labels the layer gives them); the
    /// registry gives them their series first, so they never fall into `_other`. Without
    /// this, every route's requests, `/metrics` scrapes and unmatched requests included.
    #[must_use]
    pub fn routes<I, S>(mut self, routes: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.routes = routes.into_iter().map(Into::into).collect();
        self
    }

    /// The alert policy; by default the SRE Workbook's pairs for the period
    /// ([`AlertPolicy::workbook`]).
    #[must_use]
    pub fn policy(mut self, policy: AlertPolicy) -> Self {
        self.policy = Some(policy);
        self
    }

    /// `for`, `keep_firing_for` and the low-traffic guard, for the evaluator and the
    /// generated rules alike. The default is [`AlertConfig::service_default`]: a
    /// low-traffic guard of 10 bad events in the long window.
    #[must_use]
    pub fn alert_config(mut self, config: AlertConfig) -> Self {
        self.alerts = config;
        self
    }

    /// Replaces the judgement of a request (default: [`Outcome::is_good_by_default`]).
    #[must_use]
    pub fn judge(mut self, judge: impl Fn(&Outcome) -> bool + Send + Sync + 'static) -> Self {
        self.judge = Some(Arc::new(judge));
        self
    }

    /// The name (the `slo` label).
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The objective.
    #[must_use]
    pub fn objective(&self) -> Objective {
        self.objective
    }

    /// The period.
    #[must_use]
    pub fn period(&self) -> Duration {
        self.period
    }

    /// The latency threshold, if any.
    #[must_use]
    pub fn threshold(&self) -> Option<Duration> {
        self.threshold
    }

    /// The routes judged (empty: all).
    #[must_use]
    pub fn judged_routes(&self) -> &[String] {
        &self.routes
    }

    /// The `for` / `keep_firing_for` / guard settings.
    #[must_use]
    pub fn alerts(&self) -> AlertConfig {
        self.alerts
    }

    /// Whether requests of `route` count towards this SLO.
    #[must_use]
    pub fn covers(&self, route: &str) -> bool {
        self.routes.is_empty() || self.routes.iter().any(|r| r == route)
    }

    /// Judges one request.
    #[must_use]
    pub fn is_good(&self, status: u16, elapsed: Duration) -> bool {
        let outcome = Outcome {
            status,
            elapsed,
            threshold: self.threshold,
        };
        match &self.judge {
            Some(j) => j(&outcome),
            None => outcome.is_good_by_default(),
        }
    }

    /// The alert policy in force.
    ///
    /// # Errors
    ///
    /// As [`AlertPolicy::workbook`] when no policy was set (periods under 3 days).
    pub fn alert_policy(&self) -> Result<AlertPolicy, Error> {
        match &self.policy {
            Some(p) => Ok(p.clone()),
            None => Ok(AlertPolicy::workbook(self.period)?),
        }
    }

    /// The `sre-budget` SLO: its SLI is the pair of counters the registry exposes,
    /// `sre_slo_events_total{slo="…",outcome="good"}` over `sre_slo_events_total{slo="…"}`,
    /// so the generated rules read exactly what the in-process evaluator reads.
    ///
    /// # Errors
    ///
    /// As [`Slo::new`]: a name that is not a Prometheus-safe identifier, a period under a
    /// minute, a zero latency threshold.
    pub fn to_slo(&self) -> Result<Slo, Error> {
        if self.threshold.is_some_and(|t| t.is_zero()) {
            return Err(Error::OutOfBounds {
                field: "SLO latency threshold",
                value: "0s".into(),
                bound: "greater than zero",
            });
        }
        let good = format!(
            "{}{{slo=\"{}\",outcome=\"good\"}}",
            names::SLO_EVENTS,
            self.name
        );
        let total = format!("{}{{slo=\"{}\"}}", names::SLO_EVENTS, self.name);
        Ok(Slo::new(
            self.name.clone(),
            self.objective,
            TimeWindow::Rolling(self.period),
            Indicator::RatioMetric { good, total },
        )?)
    }
}
