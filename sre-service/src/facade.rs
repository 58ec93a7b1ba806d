//! [`Recorder`]: a `metrics` 0.24 recorder backed by the registry, so existing
//! `counter!`, `gauge!` and `histogram!` calls land in the same exposition, histograms in
//! HdrHistogram-exact `sre-metrics` histograms.
//!
//! # How facade series are exposed
//!
//! - **Names.** Characters a Prometheus name cannot hold become `_` (`http.requests` →
//!   `http_requests`); a counter's name gets `_total` unless it has it.
//! - **Counters** are exact `u64`s; **gauges** are `f64`s (increments and decrements by
//!   compare-and-swap).
//! - **Histograms** keep an exact count and an exact `f64` sum of the values recorded
//!   (added in recording order, as `metrics_util`'s debugging recorder adds them) and an
//!   HdrHistogram of them for quantiles and buckets. A name ending in `_seconds` is taken
//!   to hold seconds and kept in nanoseconds from 1 µs to 1 h (3 significant digits);
//!   any other in thousandths from 0.001 to 10^12. Values below the range (and negative
//!   or NaN values) count in the lowest bucket, above it in the highest. They are
//!   exposed as a classic histogram at the registry's buckets (seconds) or at
//!   Prometheus' default buckets (`.005` to `10`) and as a summary of exact quantiles.
//! - **Bounds.** At most [`MAX_FACADE_SERIES`] series; a registration past it gets a
//!   handle that counts into `sre_service_facade_series_refused_total` instead.
//!
//! ```
//! use sre_service::{Recorder, Registry};
//!
//! let registry = Registry::builder().build()?;
//! let recorder = Recorder::new(&registry);
//! metrics::with_local_recorder(&recorder, || {
//!     metrics::counter!("jobs_done", "queue" => "mail").increment(3);
//!     metrics::histogram!("job_duration_seconds").record(0.25);
//! });
//! let page = registry.render_text();
//! assert!(page.body.contains(r#"jobs_done_total{queue="mail"} 3"#));
//! assert!(page.body.contains("job_duration_seconds_count 1"));
//! # Ok::<(), sre_service::Error>(())
//! ```

use crate::Registry;
use metrics::{Counter, Gauge, Histogram, Key, KeyName, Metadata, SharedString, Unit};
use sre_core::sync::{AtomicU64, Ordering};
use sre_metrics::HistogramConfig;
use sre_metrics::exposition::{ClassicHistogram, Exposition};
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, PoisonError, RwLock};

/// The most series the facade keeps (counters, gauges and histograms together).
pub const MAX_FACADE_SERIES: usize = 10_000;

/// Prometheus' default histogram buckets (client_golang `DefBuckets`).
const DEFAULT_BUCKETS: [f64; 11] = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// A facade counter.
#[derive(Debug, Default)]
struct FacadeCounter(AtomicU64);

impl metrics::CounterFn for FacadeCounter {
    fn increment(&self, value: u64) {
        self.0.fetch_add(value, Ordering::Relaxed);
    }
    fn absolute(&self, value: u64) {
        self.0.fetch_max(value, Ordering::Relaxed);
    }
}

/// A facade gauge: `f64` bits.
#[derive(Debug, Default)]
struct FacadeGauge(AtomicU64);

impl FacadeGauge {
    fn update(&self, f: impl Fn(f64) -> f64) {
        let _ = self
            .0
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |b| {
                Some(f(f64::from_bits(b)).to_bits())
            });
    }
    fn get(&self) -> f64 {
        f64::from_bits(self.0.load(Ordering::Relaxed))
    }
}

impl metrics::GaugeFn for FacadeGauge {
    fn increment(&self, value: f64) {
        self.update(|v| v + value);
    }
    fn decrement(&self, value: f64) {
        self.update(|v| v - value);
    }
    fn set(&self, value: f64) {
        self.0.store(value.to_bits(), Ordering::Relaxed);
    }
}

/// A facade histogram: an exact sum beside an `sre-metrics` histogram.
#[derive(Debug)]
struct FacadeHistogram {
    hist: sre_metrics::Histogram,
    /// Recorded values are multiplied by this before they are recorded as integers.
    scale: f64,
    sum: AtomicU64,
}

impl FacadeHistogram {
    fn new(name: &str, configs: &Configs) -> Self {
        let (scale, config) = if name.ends_with("_seconds") {
            (1e9, configs.seconds)
        } else {
            (1e3, configs.other)
        };
        Self {
            hist: sre_metrics::Histogram::new(config),
            scale,
            sum: AtomicU64::new(0f64.to_bits()),
        }
    }

    fn sum(&self) -> f64 {
        f64::from_bits(self.sum.load(Ordering::Relaxed))
    }
}

/// The histogram layouts of facade histograms.
#[derive(Debug, Clone, Copy)]
struct Configs {
    /// Names ending in `_seconds`: nanoseconds from 1 µs to 1 h.
    seconds: HistogramConfig,
    /// Others: thousandths from 0.001 to 10^12.
    other: HistogramConfig,
}

impl metrics::HistogramFn for FacadeHistogram {
    fn record(&self, value: f64) {
        self.record_many(value, 1);
    }

    fn record_many(&self, value: f64, count: usize) {
        let scaled = sre_core::f64_to_u64_saturating(value * self.scale);
        let n = u64::try_from(count).unwrap_or(u64::MAX);
        self.hist.record_n(scaled, n);
        let add = value * n as f64;
        let _ = self
            .sum
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |b| {
                Some((f64::from_bits(b) + add).to_bits())
            });
    }
}

/// The facade series of a registry.
#[derive(Debug)]
pub(crate) struct Store {
    configs: Configs,
    counters: RwLock<HashMap<Key, Arc<FacadeCounter>>>,
    gauges: RwLock<HashMap<Key, Arc<FacadeGauge>>>,
    histograms: RwLock<HashMap<Key, Arc<FacadeHistogram>>>,
    help: RwLock<HashMap<String, String>>,
    series: AtomicU64,
    refused: Arc<FacadeCounter>,
}

impl Store {
    pub(crate) fn new() -> Result<Self, crate::Error> {
        Ok(Self {
            configs: Configs {
                seconds: HistogramConfig::new(1_000, 3_600_000_000_000, 3)?,
                other: HistogramConfig::new(1, 1_000_000_000_000_000, 3)?,
            },
            counters: RwLock::default(),
            gauges: RwLock::default(),
            histograms: RwLock::default(),
            help: RwLock::default(),
            series: AtomicU64::new(0),
            refused: Arc::default(),
        })
    }

    /// Gets or creates the series of `key` in `map`.
    fn get<T>(
        &self,
        map: &RwLock<HashMap<Key, Arc<T>>>,
        key: &Key,
        make: impl FnOnce() -> T,
    ) -> Option<Arc<T>> {
        if let Some(v) = map.read().unwrap_or_else(PoisonError::into_inner).get(key) {
            return Some(Arc::clone(v));
        }
        let mut m = map.write().unwrap_or_else(PoisonError::into_inner);
        if let Some(v) = m.get(key) {
            return Some(Arc::clone(v));
        }
        let taken = self.series.fetch_add(1, Ordering::Relaxed);
        if taken >= MAX_FACADE_SERIES as u64 {
            self.series.fetch_sub(1, Ordering::Relaxed);
            metrics::CounterFn::increment(&*self.refused, 1);
            return None;
        }
        let v = Arc::new(make());
        m.insert(key.clone(), Arc::clone(&v));
        Some(v)
    }

    fn describe(&self, name: &KeyName, unit: Option<Unit>, description: &SharedString) {
        let mut text = description.to_string();
        if let Some(u) = unit {
            text.push_str(&format!(" ({})", u.as_str()));
        }
        self.help
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(name.as_str().to_owned(), text);
    }

    fn help(&self, name: &str) -> String {
        self.help
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(name)
            .cloned()
            .filter(|h| !h.trim().is_empty())
            .unwrap_or_else(|| format!("{name} (recorded through the metrics facade)"))
    }
}

/// A `metrics` 0.24 recorder backed by a [`Registry`]; see the [module docs](self).
/// Install it with `metrics::set_global_recorder`, or for a scope with
/// `metrics::with_local_recorder`.
#[derive(Debug, Clone)]
pub struct Recorder {
    registry: Registry,
}

impl Recorder {
    /// A recorder writing into `registry`'s facade series.
    #[must_use]
    pub fn new(registry: &Registry) -> Self {
        Self {
            registry: registry.clone(),
        }
    }

    fn store(&self) -> &Store {
        &self.registry.inner.facade
    }

    /// Every facade series' values now, sorted by key.
    #[must_use]
    pub fn snapshot(&self) -> FacadeSnapshot {
        let s = self.store();
        let mut out = FacadeSnapshot::default();
        for (k, v) in s
            .counters
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
        {
            out.counters.push((k.clone(), v.0.load(Ordering::Relaxed)));
        }
        for (k, v) in s
            .gauges
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
        {
            out.gauges.push((k.clone(), v.get()));
        }
        for (k, v) in s
            .histograms
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
        {
            let snap = v.hist.snapshot();
            out.histograms.push((
                k.clone(),
                FacadeHistogramValues {
                    count: snap.count(),
                    sum: v.sum(),
                    scale: v.scale,
                    snapshot: snap,
                },
            ));
        }
        out.counters.sort_by(|a, b| a.0.cmp(&b.0));
        out.gauges.sort_by(|a, b| a.0.cmp(&b.0));
        out.histograms.sort_by(|a, b| a.0.cmp(&b.0));
        out
    }
}

/// The facade series' values at one time; see [`Recorder::snapshot`].
#[derive(Debug, Clone, Default)]
pub struct FacadeSnapshot {
    /// Counters.
    pub counters: Vec<(Key, u64)>,
    /// Gauges.
    pub gauges: Vec<(Key, f64)>,
    /// Histograms.
    pub histograms: Vec<(Key, FacadeHistogramValues)>,
}

/// One facade histogram's values.
#[derive(Debug, Clone)]
pub struct FacadeHistogramValues {
    /// Values recorded.
    pub count: u64,
    /// Their exact sum.
    pub sum: f64,
    /// The factor values were multiplied by before recording into `snapshot`.
    pub scale: f64,
    /// The histogram of the scaled values.
    pub snapshot: sre_metrics::Snapshot,
}

impl metrics::Recorder for Recorder {
    fn describe_counter(&self, key: KeyName, unit: Option<Unit>, description: SharedString) {
        self.store().describe(&key, unit, &description);
    }

    fn describe_gauge(&self, key: KeyName, unit: Option<Unit>, description: SharedString) {
        self.store().describe(&key, unit, &description);
    }

    fn describe_histogram(&self, key: KeyName, unit: Option<Unit>, description: SharedString) {
        self.store().describe(&key, unit, &description);
    }

    fn register_counter(&self, key: &Key, _metadata: &Metadata<'_>) -> Counter {
        let s = self.store();
        match s.get(&s.counters, key, FacadeCounter::default) {
            Some(c) => Counter::from_arc(c),
            None => Counter::noop(),
        }
    }

    fn register_gauge(&self, key: &Key, _metadata: &Metadata<'_>) -> Gauge {
        let s = self.store();
        match s.get(&s.gauges, key, FacadeGauge::default) {
            Some(g) => Gauge::from_arc(g),
            None => Gauge::noop(),
        }
    }

    fn register_histogram(&self, key: &Key, _metadata: &Metadata<'_>) -> Histogram {
        let s = self.store();
        let name = sanitize(key.name(), true);
        match s.get(&s.histograms, key, || {
            FacadeHistogram::new(&name, &s.configs)
        }) {
            Some(h) => Histogram::from_arc(h),
            None => Histogram::noop(),
        }
    }
}

/// A Prometheus-safe metric (`metric = true`) or label name.
fn sanitize(name: &str, metric: bool) -> String {
    let mut s: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || (metric && c == ':') {
                c
            } else {
                '_'
            }
        })
        .collect();
    if s.is_empty() || s.starts_with(|c: char| c.is_ascii_digit()) {
        s.insert(0, '_');
    }
    if !metric && s.starts_with("__") {
        s.insert(0, 'x');
    }
    s
}

fn labels_of(key: &Key) -> Vec<(String, String)> {
    key.labels()
        .map(|l| (sanitize(l.key(), false), l.value().to_owned()))
        .collect()
}

type Problems = Vec<String>;

/// Writes every facade family into `e`; families that cannot be written are named in
/// `problems`.
pub(crate) fn render(store: &Store, e: &mut Exposition, problems: &mut Problems) {
    let mut keep = |r: Result<(), sre_metrics::Error>| {
        if let Err(err) = r {
            problems.push(err.to_string());
        }
    };
    let counters = group(&store.counters, |n| {
        if n.ends_with("_total") {
            n.to_owned()
        } else {
            format!("{n}_total")
        }
    });
    for (name, (raw, series)) in &counters {
        keep((|| {
            let mut f = e.counter(name, &store.help(raw))?;
            for (labels, c) in series {
                f.sample(&borrow(labels), c.0.load(Ordering::Relaxed))?;
            }
            Ok(())
        })());
    }
    let gauges = group(&store.gauges, str::to_owned);
    for (name, (raw, series)) in &gauges {
        keep((|| {
            let mut f = e.gauge(name, &store.help(raw))?;
            for (labels, g) in series {
                f.sample(&borrow(labels), g.get())?;
            }
            Ok(())
        })());
    }
    let histograms = group(&store.histograms, str::to_owned);
    for (name, (raw, series)) in &histograms {
        keep((|| {
            let mut f = e.histogram(name, &store.help(raw))?;
            for (labels, h) in series {
                let snap = h.hist.snapshot();
                let bounds: Vec<u64> = DEFAULT_BUCKETS
                    .iter()
                    .map(|b| sre_core::f64_to_u64_saturating(b * h.scale))
                    .collect();
                let c = ClassicHistogram::from_snapshot(&snap, &bounds, 1.0 / h.scale)?
                    .with_sum(h.sum())?;
                f.sample(&borrow(labels), &c)?;
            }
            Ok(())
        })());
    }
    let refused = store.refused.0.load(Ordering::Relaxed);
    if refused > 0 {
        keep((|| {
            e.counter(
                "sre_service_facade_series_refused_total",
                "metrics facade registrations refused past the series limit.",
            )?
            .sample(&[], refused)?;
            Ok(())
        })());
    }
}

/// Series by exposed name: (the name as registered, [(labels, handle)]).
type Grouped<T> = BTreeMap<String, (String, Vec<(Vec<(String, String)>, Arc<T>)>)>;

fn group<T>(map: &RwLock<HashMap<Key, Arc<T>>>, name: impl Fn(&str) -> String) -> Grouped<T> {
    let mut out: Grouped<T> = BTreeMap::new();
    for (k, v) in map.read().unwrap_or_else(PoisonError::into_inner).iter() {
        let exposed = name(&sanitize(k.name(), true));
        out.entry(exposed)
            .or_insert_with(|| (k.name().to_owned(), Vec::new()))
            .1
            .push((labels_of(k), Arc::clone(v)));
    }
    for (_, series) in out.values_mut() {
        series.sort_by(|a, b| a.0.cmp(&b.0));
    }
    out
}

fn borrow(labels: &[(String, String)]) -> Vec<(&str, &str)> {
    labels
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect()
}
