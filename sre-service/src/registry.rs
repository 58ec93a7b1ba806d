//! [`Registry`]: every series of a service (routes, SLOs, `metrics` facade series) in one
//! place, rendered as one exposition document.

use crate::route::Route;
use crate::slo_state::SloState;
use crate::{Error, SloSpec, names};
use core::time::Duration;
use sre_core::{SystemClock, Timestamp};
use sre_metrics::{Histogram, HistogramConfig, SliWindow};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, PoisonError, RwLock};

/// Bucket bounds of `http.server.request.duration` that OpenTelemetry's semantic
/// conventions advise (seconds): 5 ms to 10 s.
pub const DEFAULT_BUCKETS_MS: [u64; 14] = [
    5, 10, 25, 50, 75, 100, 250, 500, 750, 1_000, 2_500, 5_000, 7_500, 10_000,
];

/// At most this many routes by default; requests of further routes are counted under
/// `route="_other"` (see [`RegistryBuilder::max_routes`]).
pub const DEFAULT_MAX_ROUTES: usize = 256;

/// The most routes a registry may be built to hold.
pub const MAX_ROUTES: usize = 65_536;

/// The most classic buckets a registry may be built with.
pub const MAX_BUCKETS: usize = 256;

/// The exact quantiles exposed by default.
pub const DEFAULT_QUANTILES: [f64; 4] = [0.5, 0.9, 0.99, 0.999];

/// The registry of a service: cheap to clone (an `Arc`), shared by the layer, the
/// handlers, the evaluator runner and the `/metrics` handler.
///
/// ```
/// use core::time::Duration;
/// use sre_core::Objective;
/// use sre_service::{Method, Registry, SloSpec};
///
/// let month = Duration::from_secs(30 * 86_400);
/// let registry = Registry::builder()
///     .slo(SloSpec::latency("work", Objective::from_percent(99.9)?, month, Duration::from_millis(300)))
///     .build()?;
/// let route = registry.route("/work");
/// let request = route.start(Method::Get);
/// request.finish(200);
/// let page = registry.render_text();
/// assert!(page.body.contains(r#"http_server_requests_total{route="/work",method="GET",status_class="2xx"} 1"#));
/// assert!(page.body.contains(r#"http_server_request_duration_seconds_bucket{route="/work",le="0.3"} 1"#));
/// assert!(page.body.contains(r#"sre_slo_events_total{slo="work",outcome="good"} 1"#));
/// # Ok::<(), sre_service::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Registry {
    pub(crate) inner: Arc<Inner>,
}

#[derive(Debug)]
pub(crate) struct Inner {
    pub(crate) clock: SystemClock,
    latency: HistogramConfig,
    pub(crate) bounds: Arc<[u64]>,
    pub(crate) quantiles: Box<[f64]>,
    max_routes: usize,
    stripes: usize,
    routes: RwLock<HashMap<Box<str>, Arc<Route>, crate::fnv::Build>>,
    pub(crate) slos: Box<[Arc<SloState>]>,
    pub(crate) checkpoint: Option<PathBuf>,
    /// Held while a checkpoint is written, so two writers never share the temporary file;
    /// it holds when the last one was written and how many failed.
    pub(crate) checkpoint_lock: std::sync::Mutex<(Option<Timestamp>, u64)>,
    pub(crate) restored: Option<Timestamp>,
    #[cfg(feature = "metrics")]
    pub(crate) facade: crate::facade::Store,
}

/// Builds a [`Registry`]; see [`Registry::builder`].
#[derive(Debug, Clone)]
pub struct RegistryBuilder {
    latency: Option<HistogramConfig>,
    buckets: Option<Vec<Duration>>,
    quantiles: Vec<f64>,
    max_routes: usize,
    stripes: Option<usize>,
    slos: Vec<SloSpec>,
    checkpoint: Option<PathBuf>,
}

impl Default for RegistryBuilder {
    fn default() -> Self {
        Self {
            latency: None,
            buckets: None,
            quantiles: DEFAULT_QUANTILES.to_vec(),
            max_routes: DEFAULT_MAX_ROUTES,
            stripes: None,
            slos: Vec::new(),
            checkpoint: None,
        }
    }
}

impl RegistryBuilder {
    /// Adds an SLO.
    #[must_use]
    pub fn slo(mut self, spec: SloSpec) -> Self {
        self.slos.push(spec);
        self
    }

    /// The latency histogram of every route: its range and precision. The default, 1 µs
    /// to 1 h at 2 significant digits (quantiles within 1 %, HdrHistogram's layout),
    /// keeps a route's histogram at 3,410 counters a shard (27 kB). A route holds its
    /// histogram's shards (one per stripe, plus a shared one) and, for scrapes, a copy of
    /// them ([`Route::latency_snapshot`](crate::Route::latency_snapshot)): about 165 kB
    /// a route with two stripes. A scrape reads the shards written since the previous
    /// scrape. Three digits give 0.1 % at 24,205 counters a shard: 7× the memory, and 7×
    /// the scrape time of a busy route. The classic buckets (and so the SLO's latency
    /// bucket) are exact counters whatever the precision.
    #[must_use]
    pub fn latency_histogram(mut self, config: HistogramConfig) -> Self {
        self.latency = Some(config);
        self
    }

    /// The classic buckets' bounds. Without this, [`DEFAULT_BUCKETS_MS`] plus every SLO's
    /// latency threshold; with it, exactly these, and every SLO threshold must be one.
    #[must_use]
    pub fn buckets(mut self, bounds: impl IntoIterator<Item = Duration>) -> Self {
        self.buckets = Some(bounds.into_iter().collect());
        self
    }

    /// The quantiles of the summary (default [`DEFAULT_QUANTILES`]).
    #[must_use]
    pub fn quantiles(mut self, quantiles: &[f64]) -> Self {
        self.quantiles = quantiles.to_vec();
        self
    }

    /// At most `n` routes (default [`DEFAULT_MAX_ROUTES`]); requests of later routes are
    /// counted under `route="_other"`, so the series count stays bounded whatever clients
    /// send.
    #[must_use]
    pub fn max_routes(mut self, n: usize) -> Self {
        self.max_routes = n;
        self
    }

    /// Counter stripes per route (default: the CPU count rounded up to a power of two, at
    /// most 8).
    #[must_use]
    pub fn stripes(mut self, n: usize) -> Self {
        self.stripes = Some(n);
        self
    }

    /// A checkpoint file: [`build`](Self::build) restores the SLI windows and alert
    /// states from it when it exists, and the [`Runner`](crate::Runner) writes it.
    #[must_use]
    pub fn checkpoint(mut self, path: impl AsRef<Path>) -> Self {
        self.checkpoint = Some(path.as_ref().to_owned());
        self
    }

    /// Builds the registry, restoring the checkpoint if one was named and exists.
    ///
    /// # Errors
    ///
    /// An SLO the `sre-budget` crate refuses, two SLOs of one name, bounds out of range
    /// ([`Error::OutOfBounds`]), an explicit bucket list without an SLO's threshold
    /// ([`Error::ThresholdNotABucket`]), and a checkpoint that exists but cannot be read
    /// or does not match these SLOs ([`Error::BadCheckpoint`], [`Error::Io`]; the file is
    /// left in place).
    pub fn build(self) -> Result<Registry, Error> {
        let latency = match self.latency {
            Some(c) => c,
            None => HistogramConfig::new(1_000, 3_600_000_000_000, 2)?,
        };
        if !(1..=MAX_ROUTES).contains(&self.max_routes) {
            return Err(Error::OutOfBounds {
                field: "max_routes",
                value: self.max_routes.to_string(),
                bound: "from 1 to 65,536",
            });
        }
        let stripes = self.stripes.unwrap_or_else(crate::slot::default_stripes);
        if !(1..=256).contains(&stripes) {
            return Err(Error::OutOfBounds {
                field: "stripes",
                value: stripes.to_string(),
                bound: "from 1 to 256",
            });
        }
        for &q in &self.quantiles {
            if !(0.0..=1.0).contains(&q) {
                return Err(Error::OutOfBounds {
                    field: "quantile",
                    value: q.to_string(),
                    bound: "in [0, 1]",
                });
            }
        }
        for (i, s) in self.slos.iter().enumerate() {
            if self.slos[..i].iter().any(|o| o.name() == s.name()) {
                return Err(Error::DuplicateSlo {
                    name: s.name().to_owned(),
                });
            }
            s.to_slo()?;
        }
        let bounds = bucket_bounds(self.buckets.as_deref(), &self.slos)?;
        let restored = match &self.checkpoint {
            Some(path) => crate::checkpoint::read_if_exists(path)?,
            None => None,
        };
        let (slos, restored_at) = match restored {
            Some(cp) => {
                let at = cp.saved_at;
                (
                    cp.into_states(self.slos, self.checkpoint.as_deref())?,
                    Some(at),
                )
            }
            None => (
                self.slos
                    .into_iter()
                    .map(|s| SloState::new(s, None).map(Arc::new))
                    .collect::<Result<Vec<_>, Error>>()?,
                None,
            ),
        };
        let named: Vec<String> = slos
            .iter()
            .flat_map(|s| s.spec.judged_routes().iter().cloned())
            .collect();
        let registry = Registry {
            inner: Arc::new(Inner {
                clock: SystemClock::new(),
                latency,
                bounds: bounds.into(),
                quantiles: self.quantiles.into(),
                max_routes: self.max_routes,
                stripes,
                routes: RwLock::new(HashMap::default()),
                slos: slos.into(),
                checkpoint: self.checkpoint,
                checkpoint_lock: std::sync::Mutex::new((None, 0)),
                restored: restored_at,
                #[cfg(feature = "metrics")]
                facade: crate::facade::Store::new()?,
            }),
        };
        // The routes an SLO names get their series first, so no burst of other routes
        // can push them into `_other`, out of the SLO's sight.
        for r in &named {
            if registry.route(r).name() != r {
                return Err(Error::OutOfBounds {
                    field: "max_routes",
                    value: registry.inner.max_routes.to_string(),
                    bound: "at least the number of routes the SLOs name",
                });
            }
        }
        Ok(registry)
    }
}

/// The classic bounds in nanoseconds: increasing, with every SLO threshold.
fn bucket_bounds(explicit: Option<&[Duration]>, slos: &[SloSpec]) -> Result<Vec<u64>, Error> {
    let nanos = sre_core::duration_to_nanos_saturating;
    let mut bounds: Vec<u64> = match explicit {
        Some(b) => b.iter().map(|&d| nanos(d)).collect(),
        None => DEFAULT_BUCKETS_MS
            .iter()
            .map(|&ms| ms * 1_000_000)
            .chain(slos.iter().filter_map(|s| s.threshold().map(nanos)))
            .collect(),
    };
    bounds.sort_unstable();
    bounds.dedup();
    if bounds.len() > MAX_BUCKETS {
        return Err(Error::OutOfBounds {
            field: "number of latency buckets",
            value: bounds.len().to_string(),
            bound: "at most 256",
        });
    }
    if bounds.first() == Some(&0) {
        return Err(Error::OutOfBounds {
            field: "latency bucket bound",
            value: "0s".into(),
            bound: "greater than zero",
        });
    }
    for s in slos {
        if let Some(t) = s.threshold()
            && bounds.binary_search(&nanos(t)).is_err()
        {
            return Err(Error::ThresholdNotABucket {
                slo: s.name().to_owned(),
                threshold: t,
            });
        }
    }
    Ok(bounds)
}

impl Registry {
    /// A builder with the defaults: no SLO, OpenTelemetry's buckets, 256 routes.
    #[must_use]
    pub fn builder() -> RegistryBuilder {
        RegistryBuilder::default()
    }

    /// Now on the registry's clock: Unix time, monotonic (see [`SystemClock`]).
    #[must_use]
    pub fn now(&self) -> Timestamp {
        sre_core::Clock::now(&self.inner.clock)
    }

    /// The registry's clock.
    #[must_use]
    pub fn clock(&self) -> SystemClock {
        self.inner.clock
    }

    /// When the checkpoint the registry was restored from was saved, if it was.
    #[must_use]
    pub fn restored_from(&self) -> Option<Timestamp> {
        self.inner.restored
    }

    /// The series of `route`, created at its first use. Past the route limit, the
    /// `_other` route's. Hold on to the returned `Arc` where you can: the lookup takes a
    /// read lock and a hash of the name.
    #[must_use]
    pub fn route(&self, route: &str) -> Arc<Route> {
        let routes = &self.inner.routes;
        if let Some(r) = routes
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(route)
        {
            return Arc::clone(r);
        }
        let mut map = routes.write().unwrap_or_else(PoisonError::into_inner);
        let name = if map.len() >= self.inner.max_routes && !map.contains_key(route) {
            names::OTHER_ROUTE
        } else {
            route
        };
        if let Some(r) = map.get(name) {
            return Arc::clone(r);
        }
        let slos: Box<[_]> = self
            .inner
            .slos
            .iter()
            .filter(|s| s.spec.covers(name))
            .cloned()
            .collect();
        let r = Arc::new(Route::new(
            name,
            self.inner.clock,
            Arc::new(Histogram::new(self.inner.latency)),
            self.inner.stripes,
            Arc::clone(&self.inner.bounds),
            slos,
        ));
        map.insert(name.into(), Arc::clone(&r));
        r
    }

    /// Every route created so far, sorted by name.
    #[must_use]
    pub fn routes(&self) -> Vec<Arc<Route>> {
        let map = self
            .inner
            .routes
            .read()
            .unwrap_or_else(PoisonError::into_inner);
        let mut v: Vec<_> = map.values().cloned().collect();
        v.sort_by(|a, b| a.name().cmp(b.name()));
        v
    }

    /// The SLOs' specs, in the order given.
    pub fn slos(&self) -> impl Iterator<Item = &SloSpec> {
        self.inner.slos.iter().map(|s| &s.spec)
    }

    /// The SLI window of the SLO `name`.
    #[must_use]
    pub fn sli(&self, name: &str) -> Option<&SliWindow> {
        self.slo_state(name).map(|s| &s.sli)
    }

    /// The report of the SLO `name`'s last evaluation.
    #[must_use]
    pub fn report(&self, name: &str) -> Option<Arc<crate::SloReport>> {
        self.slo_state(name).map(|s| s.report())
    }

    /// Records an SLI event of the SLO `name` directly (for work that does not pass
    /// through the layer); `false` if there is no such SLO.
    pub fn record_event(&self, name: &str, now: Timestamp, good: bool) -> bool {
        self.slo_state(name)
            .map(|s| s.sli.record(now, good))
            .is_some()
    }

    pub(crate) fn slo_state(&self, name: &str) -> Option<&Arc<SloState>> {
        self.inner.slos.iter().find(|s| s.spec.name() == name)
    }

    /// The Prometheus rules file (YAML) for every SLO, evaluated every
    /// `evaluation_interval`: the same objective, period, alert pairs, `for`,
    /// `keep_firing_for` and low-traffic guard as the in-process evaluator, reading the
    /// `sre_slo_events_total` series this registry exposes.
    ///
    /// # Errors
    ///
    /// As [`SloSpec::to_slo`] and [`SloSpec::alert_policy`].
    pub fn prometheus_rules(&self, evaluation_interval: Duration) -> Result<String, Error> {
        let mut out = String::new();
        for s in self.inner.slos.iter() {
            let opts = sre_budget::rules::RuleOptions {
                evaluation_interval,
                config: s.spec.alerts(),
            };
            let y = sre_budget::rules::prometheus_rules(&s.slo, &s.policy, &opts);
            if out.is_empty() {
                out = y;
            } else {
                // Later SLOs add their group under the first file's `groups:`.
                let groups = y.find("groups:\n").map_or(0, |i| i + "groups:\n".len());
                out.push_str(&y[groups..]);
            }
        }
        if out.is_empty() {
            out.push_str("groups: []\n");
        }
        Ok(out)
    }
}
