//! Rendering a [`Registry`] as one exposition document: [`Page`].

use crate::names;
use crate::registry::Registry;
use crate::request::{Method, StatusClass};
use crate::route::{Route, RouteCounts};
use sre_budget::AlertState;
use sre_core::duration::format_duration;
use sre_metrics::exposition::{
    ClassicHistogram, Exemplar, Exposition, Format, Summary, nanos_to_seconds,
};
use std::sync::{Arc, PoisonError};

/// A rendered exposition: the body and the `Content-Type` to send it with. Any HTTP
/// framework can return it; with feature `tower` it converts into an
/// `http::Response<String>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    /// The `Content-Type` header value.
    pub content_type: &'static str,
    /// The document.
    pub body: String,
}

type Result = core::result::Result<(), sre_metrics::Error>;

impl Registry {
    /// The registry in the Prometheus text format 0.0.4; see [`render`](Self::render).
    #[must_use]
    pub fn render_text(&self) -> Page {
        self.render(Format::Text)
    }

    /// The exposition in the format an HTTP `Accept` header asks for (OpenMetrics when it
    /// asks for `application/openmetrics-text`, as Prometheus does; text 0.0.4
    /// otherwise, see [`Format::from_accept`]).
    #[must_use]
    pub fn render_for_accept(&self, accept: Option<&str>) -> Page {
        self.render(Format::from_accept(accept))
    }

    /// The registry in `format`. Exemplars (the trace of a request per latency bucket)
    /// are written in OpenMetrics only.
    ///
    /// Rendering never fails and never blocks recorders: counters are read with relaxed
    /// loads, each histogram once, the SLO figures from the report the evaluator runner
    /// last published. A family that cannot be written (a `metrics` facade name that
    /// collides with one of the registry's) is left out, counted in the gauge
    /// `sre_service_exposition_families_left_out` and, with feature `tracing`, logged.
    #[must_use]
    pub fn render(&self, format: Format) -> Page {
        let mut e = Exposition::with_format(format);
        let mut problems = Vec::new();
        let routes = self.routes();
        let mut keep = |r: Result| {
            if let Err(err) = r {
                problems.push(err.to_string());
            }
        };
        let counts: Vec<RouteCounts> = routes.iter().map(|r| r.counts()).collect();
        keep(self.requests(&mut e, &routes, &counts));
        keep(self.durations(&mut e, &routes, &counts));
        keep(self.slo_families(&mut e));
        #[cfg(feature = "metrics")]
        crate::facade::render(&self.inner.facade, &mut e, &mut problems);
        if !problems.is_empty() {
            #[cfg(feature = "tracing")]
            for p in &problems {
                tracing::warn!(problem = %p, "sre-service: a family was left out of the exposition");
            }
            let left_out = problems.len();
            let _ = e
                .gauge(
                    "sre_service_exposition_families_left_out",
                    "Families this exposition left out because they could not be written (see the tracing events).",
                )
                .and_then(|mut f| f.sample(&[], left_out).map(drop));
        }
        Page {
            content_type: format.content_type(),
            body: e.finish(),
        }
    }

    fn requests(
        &self,
        e: &mut Exposition,
        routes: &[Arc<Route>],
        counts: &[RouteCounts],
    ) -> Result {
        let mut f = e.counter(
            names::HTTP_REQUESTS,
            "HTTP requests served, by route, method and status class.",
        )?;
        for (r, c) in routes.iter().zip(counts) {
            for m in Method::ALL {
                for s in StatusClass::ALL {
                    let n = c.requests[m.index()][s.index()];
                    if n > 0 {
                        f.sample(
                            &[
                                ("route", r.name()),
                                ("method", m.as_str()),
                                ("status_class", s.as_str()),
                            ],
                            n,
                        )?;
                    }
                }
            }
        }
        let mut f = e.gauge(names::HTTP_ACTIVE, "HTTP requests being served, by route.")?;
        for (r, c) in routes.iter().zip(counts) {
            f.sample(&[("route", r.name())], c.in_flight)?;
        }
        Ok(())
    }

    fn durations(
        &self,
        e: &mut Exposition,
        routes: &[Arc<Route>],
        counts: &[RouteCounts],
    ) -> Result {
        let bounds: Vec<f64> = self
            .inner
            .bounds
            .iter()
            .map(|&b| nanos_to_seconds(b))
            .collect();
        // Each route's snapshot and the sum of its values (seconds), read once for both
        // families.
        let snapshots: Vec<_> = routes
            .iter()
            .map(|r| {
                let s = r.latency_snapshot();
                let sum = s.sum() as f64 / 1e9;
                (s, sum)
            })
            .collect();
        let mut f = e.histogram(
            names::HTTP_DURATION,
            "Time from a request's arrival to its response, by route (exact counts per bucket).",
        )?;
        for ((r, (_, sum)), c) in routes.iter().zip(&snapshots).zip(counts) {
            let mut cumulative = Vec::with_capacity(c.buckets.len());
            let mut total = 0u64;
            for &n in &c.buckets {
                total = total.wrapping_add(n);
                cumulative.push(total);
            }
            let count = cumulative.pop().unwrap_or(0);
            let mut h = ClassicHistogram::new(&bounds, &cumulative, count, *sum)?;
            for cell in &r.exemplars {
                let kept = *cell.lock().unwrap_or_else(PoisonError::into_inner);
                if let Some(x) = kept {
                    let value = nanos_to_seconds(x.nanos);
                    let at = core::time::Duration::from_nanos(x.at.as_nanos());
                    h = h.with_exemplar(
                        Exemplar::from_trace(x.trace.trace_id, Some(x.trace.span_id), value)?
                            .with_timestamp(at),
                    );
                }
            }
            f.sample(&[("route", r.name())], &h)?;
        }
        let mut f = e.summary(
            names::HTTP_DURATION_QUANTILES,
            "Exact quantiles (HdrHistogram precision) of request durations since the process started, by route.",
        )?;
        let qs = &self.inner.quantiles;
        for (r, (snap, sum)) in routes.iter().zip(&snapshots) {
            let values: Vec<(f64, f64)> = if snap.is_empty() {
                qs.iter().map(|&q| (q, f64::NAN)).collect()
            } else {
                let v = snap.quantiles(qs)?;
                qs.iter()
                    .zip(v)
                    .map(|(&q, v)| (q, nanos_to_seconds(v)))
                    .collect()
            };
            let s = Summary::new(&values, *sum, snap.count())?;
            f.sample(&[("route", r.name())], &s)?;
        }
        Ok(())
    }

    fn slo_families(&self, e: &mut Exposition) -> Result {
        let slos = &self.inner.slos;
        let mut f = e.counter(
            names::SLO_EVENTS,
            "SLI events by SLO and outcome, continued across restarts from the checkpoint.",
        )?;
        for s in slos.iter() {
            let (good, bad) = s.exposed_counts();
            f.sample(&[("slo", s.spec.name()), ("outcome", "good")], good)?;
            f.sample(&[("slo", s.spec.name()), ("outcome", "bad")], bad)?;
        }
        let mut f = e.gauge(
            names::SLO_OBJECTIVE,
            "The objective of each SLO (a fraction).",
        )?;
        for s in slos.iter() {
            f.sample(&[("slo", s.spec.name())], s.spec.objective().get())?;
        }
        let reports: Vec<_> = slos.iter().map(|s| s.report()).collect();
        let mut f = e.gauge(
            names::SLO_ERROR_RATIO,
            "Error ratio of each SLO window at the last evaluation (absent with no data).",
        )?;
        for r in &reports {
            for w in &r.windows {
                if let Some(v) = w.error_ratio {
                    f.sample(
                        &[("slo", &r.slo), ("window", &format_duration(w.window))],
                        v,
                    )?;
                }
            }
        }
        let mut f = e.gauge(
            names::SLO_BURN_RATE,
            "Burn rate of each SLO window at the last evaluation (absent with no data).",
        )?;
        for r in &reports {
            for w in &r.windows {
                if let Some(v) = w.burn_rate {
                    f.sample(
                        &[("slo", &r.slo), ("window", &format_duration(w.window))],
                        v,
                    )?;
                }
            }
        }
        let mut f = e.gauge(
            names::SLO_ALERT_STATE,
            "State of each SLO alert at the last evaluation, one-hot over inactive, pending, firing.",
        )?;
        for r in &reports {
            for a in &r.alerts {
                for (state, label) in [
                    (AlertState::Inactive, "inactive"),
                    (AlertState::Pending, "pending"),
                    (AlertState::Firing, "firing"),
                ] {
                    f.sample(
                        &[
                            ("slo", &r.slo),
                            ("alert", &a.name),
                            ("severity", a.severity.as_str()),
                            ("state", label),
                        ],
                        u64::from(a.status.state == state),
                    )?;
                }
            }
        }
        let mut f = e.gauge(
            names::SLO_BUDGET_CONSUMED,
            "Share of the error budget spent over the data observed (see sre_slo_observed_seconds).",
        )?;
        for r in &reports {
            if let Some(b) = r.budget {
                f.sample(&[("slo", &r.slo)], b.consumed)?;
            }
        }
        let mut f = e.gauge(
            names::SLO_BUDGET_REMAINING,
            "Share of the error budget left over the data observed (negative once overspent).",
        )?;
        for r in &reports {
            if let Some(b) = r.budget {
                f.sample(&[("slo", &r.slo)], b.remaining)?;
            }
        }
        let mut f = e.gauge(
            names::SLO_OBSERVED,
            "How much of the SLO period the budget figures cover (seconds): less than the period while the data is younger.",
        )?;
        for r in &reports {
            if let Some(b) = r.budget {
                f.sample(&[("slo", &r.slo)], b.observed.as_secs_f64())?;
            }
        }
        let mut f = e.gauge(
            names::SLO_PERIOD_EVENTS,
            "SLI events over each SLO's period at the last evaluation, restored across restarts.",
        )?;
        for r in &reports {
            if let Some(b) = r.budget {
                f.sample(&[("slo", &r.slo), ("outcome", "good")], b.counts.good)?;
                f.sample(&[("slo", &r.slo), ("outcome", "bad")], b.counts.bad())?;
            }
        }
        let (last_ok, failures) = self.checkpoint_stats();
        if self.inner.checkpoint.is_some() {
            let mut f = e.gauge(
                names::CHECKPOINT_LAST_SUCCESS,
                "When the last checkpoint was written (Unix seconds; 0 before the first).",
            )?;
            f.sample(&[], last_ok.map_or(0.0, sre_core::Timestamp::as_secs_f64))?;
            let mut f = e.counter(
                names::CHECKPOINT_FAILURES,
                "Checkpoints that could not be written.",
            )?;
            f.sample(&[], failures)?;
        }
        let mut f = e.gauge(
            names::SLO_EVALUATED,
            "When each SLO was last evaluated (Unix seconds).",
        )?;
        for r in &reports {
            if let Some(at) = r.evaluated_at {
                f.sample(&[("slo", &r.slo)], at.as_secs_f64())?;
            }
        }
        Ok(())
    }
}
