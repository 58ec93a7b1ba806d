//! Prometheus text exposition, format 0.0.4 and OpenMetrics 1.0: counters, gauges,
//! classic histograms (with exemplars in OpenMetrics) and summaries with `# HELP` /
//! `# TYPE`, validated names and escaped label values, accepted by `promtool check metrics`
//! and by OpenMetrics parsers. One builder writes either format
//! ([`Exposition::with_format`]); [`Format::from_accept`] picks it for a scrape.
//!
//! ```
//! use sre_metrics::exposition::{ClassicHistogram, Exposition};
//!
//! let mut e = Exposition::new();
//! e.counter("http_requests_total", "Requests handled.")?
//!     .sample(&[("code", "200")], 1027_u64)?
//!     .sample(&[("code", "500")], 3_u64)?;
//! e.gauge("http_requests_in_flight", "Requests being served.")?
//!     .sample(&[], 7_i64)?;
//! let h = ClassicHistogram::new(&[0.1, 0.5], &[8, 9], 10, 2.75)?;
//! e.histogram("http_request_duration_seconds", "Time to serve a request.")?
//!     .sample(&[("path", "/a \"b\"")], &h)?;
//! assert_eq!(e.as_str(), "\
//! ## HELP http_requests_total Requests handled.
//! ## TYPE http_requests_total counter
//! http_requests_total{code=\"200\"} 1027
//! http_requests_total{code=\"500\"} 3
//! ## HELP http_requests_in_flight Requests being served.
//! ## TYPE http_requests_in_flight gauge
//! http_requests_in_flight 7
//! ## HELP http_request_duration_seconds Time to serve a request.
//! ## TYPE http_request_duration_seconds histogram
//! http_request_duration_seconds_bucket{path=\"/a \\\"b\\\"\",le=\"0.1\"} 8
//! http_request_duration_seconds_bucket{path=\"/a \\\"b\\\"\",le=\"0.5\"} 9
//! http_request_duration_seconds_bucket{path=\"/a \\\"b\\\"\",le=\"+Inf\"} 10
//! http_request_duration_seconds_sum{path=\"/a \\\"b\\\"\"} 2.75
//! http_request_duration_seconds_count{path=\"/a \\\"b\\\"\"} 10
//! ");
//! # Ok::<(), sre_metrics::Error>(())
//! ```
//!
//! The same calls in OpenMetrics declare the counter by its name without `_total`
//! (`# TYPE http_requests counter`, samples still `http_requests_total`), escape `"` in
//! HELP, may carry exemplars on histogram buckets and counter samples, and end with
//! `# EOF`:
//!
//! ```
//! use sre_metrics::exposition::{ClassicHistogram, Exposition, Format, TraceParent};
//!
//! let mut e = Exposition::with_format(Format::OpenMetrics);
//! e.counter("http_requests_total", "Requests handled.")?
//!     .sample(&[("code", "200")], 1027_u64)?;
//! let trace = TraceParent::parse("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")?;
//! let h = ClassicHistogram::new(&[0.1, 0.5], &[8, 9], 10, 2.75)?
//!     .with_exemplar(trace.exemplar(0.25)?);
//! e.histogram("http_request_duration_seconds", "Time to serve a request.")?
//!     .sample(&[], &h)?;
//! assert_eq!(e.finish(), "\
//! ## HELP http_requests Requests handled.
//! ## TYPE http_requests counter
//! http_requests_total{code=\"200\"} 1027
//! ## HELP http_request_duration_seconds Time to serve a request.
//! ## TYPE http_request_duration_seconds histogram
//! http_request_duration_seconds_bucket{le=\"0.1\"} 8
//! http_request_duration_seconds_bucket{le=\"0.5\"} 9 # {trace_id=\"4bf92f3577b34da6a3ce929d0e0e4736\",span_id=\"00f067aa0ba902b7\"} 0.25
//! http_request_duration_seconds_bucket{le=\"+Inf\"} 10
//! http_request_duration_seconds_sum 2.75
//! http_request_duration_seconds_count 10
//! ## EOF
//! ");
//! # Ok::<(), sre_metrics::Error>(())
//! ```
//!
//! # Rules enforced
//!
//! Metric names match `[a-zA-Z_:][a-zA-Z0-9_:]*`, label names `[a-zA-Z_][a-zA-Z0-9_]*`
//! and do not start with `__`; histograms do not take an `le` label, summaries no
//! `quantile` (they are theirs); a name, including a histogram's `_bucket`, `_sum` and
//! `_count` series, a summary's `_sum` and `_count`, and a counter's name without
//! `_total`, is declared once (so a document is valid in both formats); a label set
//! appears once per metric; HELP is not empty; counter names end in `_total` and counter
//! values are non-negative numbers (promtool's lint asks for the suffix). Other naming
//! conventions promtool lints (base units such as `_seconds`, `snake_case`) are the
//! caller's to follow.
//!
//! # Numbers
//!
//! Sample values are written as integers when they are integers (below 2^53), otherwise
//! in the shortest digits that read back to the same `f64`. Label values that are
//! numbers (`le`, `quantile`) are spelled by [`format_label_float`] (`0.3`, `1.0`,
//! `1e-09`), the form Prometheus 3 normalizes them to, so rules that select a bucket can
//! spell it the same way; latency bounds become seconds through [`nanos_to_seconds`] /
//! [`duration_to_seconds`], correctly rounded.
//!
//! # Modules
//!
//! - [`Exposition`]: the document; [`Family`], [`HistogramFamily`] and
//!   [`SummaryFamily`] add samples; [`Value`] is a counter or gauge sample.
//! - [`ClassicHistogram`]: `le` buckets from a histogram [`Snapshot`](crate::Snapshot).
//! - [`Summary`]: values at quantiles from a [`Snapshot`](crate::Snapshot).
//! - [`Exemplar`], [`TraceParent`]: a bucket's example observation, from a W3C
//!   `traceparent` header.
//! - [`Format`], [`TEXT_CONTENT_TYPE`], [`OPENMETRICS_CONTENT_TYPE`]: the formats and
//!   content negotiation.
//! - [`format_label_float`], [`nanos_to_seconds`], [`duration_to_seconds`]: exact numbers.

mod classic;
mod exemplar;
mod format;
mod number;
mod summary;
mod text;
mod trace;

pub use classic::ClassicHistogram;
pub use exemplar::{EXEMPLAR_MAX_LABEL_CHARS, Exemplar};
pub use format::{Format, OPENMETRICS_CONTENT_TYPE, TEXT_CONTENT_TYPE};
pub use number::{duration_to_seconds, format_label_float, nanos_to_seconds};
pub use summary::Summary;
pub use trace::TraceParent;

use crate::Error;
use core::fmt::Write as _;
use std::collections::HashSet;

/// A sample value: integers are written exactly, floats as the text format spells them.
///
/// `From` is implemented for every integer type, `f64`, `f32` and `bool` (1 or 0).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Value {
    /// A non-negative integer (counts).
    Unsigned(u64),
    /// A signed integer (gauges such as in-flight requests).
    Signed(i64),
    /// A float; `+Inf`, `-Inf` and `NaN` allowed for gauges.
    Float(f64),
}

macro_rules! value_from {
    ($variant:ident($target:ty): $($t:ty),*) => {$(
        impl From<$t> for Value {
            fn from(v: $t) -> Self {
                Self::$variant(<$target>::from(v))
            }
        }
    )*};
}
value_from!(Unsigned(u64): u8, u16, u32, u64);
value_from!(Signed(i64): i8, i16, i32, i64);
value_from!(Float(f64): f32, f64);

impl From<usize> for Value {
    fn from(v: usize) -> Self {
        // usize is at most 64 bits on every supported target.
        Self::Unsigned(u64::try_from(v).unwrap_or(u64::MAX))
    }
}
impl From<isize> for Value {
    fn from(v: isize) -> Self {
        Self::Signed(i64::try_from(v).unwrap_or(if v < 0 { i64::MIN } else { i64::MAX }))
    }
}
impl From<bool> for Value {
    fn from(v: bool) -> Self {
        Self::Unsigned(u64::from(v))
    }
}

/// A Prometheus exposition being written, in one [`Format`]: a sequence of metric
/// families. The same calls write either format.
#[derive(Debug, Clone, Default)]
pub struct Exposition {
    out: String,
    /// Every name declared so far (a histogram declares four).
    names: HashSet<String>,
    format: Format,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Counter,
    Gauge,
}

/// The samples of one counter or gauge family; see [`Exposition::counter`].
#[derive(Debug)]
pub struct Family<'a> {
    exposition: &'a mut Exposition,
    name: String,
    kind: Kind,
    series: HashSet<String>,
}

/// The samples of one histogram family; see [`Exposition::histogram`].
#[derive(Debug)]
pub struct HistogramFamily<'a> {
    exposition: &'a mut Exposition,
    name: String,
    series: HashSet<String>,
}

/// The samples of one summary family; see [`Exposition::summary`].
#[derive(Debug)]
pub struct SummaryFamily<'a> {
    exposition: &'a mut Exposition,
    name: String,
    series: HashSet<String>,
}

impl Exposition {
    /// An empty exposition in the Prometheus text format 0.0.4.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty exposition in `format`.
    #[must_use]
    pub fn with_format(format: Format) -> Self {
        Self {
            format,
            ..Self::default()
        }
    }

    /// The format being written.
    #[must_use]
    pub fn format(&self) -> Format {
        self.format
    }

    /// Starts a counter family `name` (which must end in `_total`). In OpenMetrics the
    /// family is declared as `name` without `_total`, and its samples are `name`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidMetricName`], [`Error::CounterWithoutTotal`],
    /// [`Error::DuplicateMetric`] (also when the name without `_total` is taken),
    /// [`Error::EmptyHelp`].
    pub fn counter(&mut self, name: &str, help: &str) -> Result<Family<'_>, Error> {
        text::metric_name(name)?;
        let Some(stem) = name.strip_suffix("_total").filter(|s| !s.is_empty()) else {
            return Err(Error::CounterWithoutTotal {
                name: name.to_owned(),
            });
        };
        let declared = match self.format {
            Format::Text => name,
            Format::OpenMetrics => stem,
        };
        self.declare(declared, help, "counter", &[name, stem])?;
        Ok(Family {
            exposition: self,
            name: name.to_owned(),
            kind: Kind::Counter,
            series: HashSet::new(),
        })
    }

    /// Starts a gauge family `name`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidMetricName`], [`Error::DuplicateMetric`], [`Error::EmptyHelp`].
    pub fn gauge(&mut self, name: &str, help: &str) -> Result<Family<'_>, Error> {
        text::metric_name(name)?;
        self.declare(name, help, "gauge", &[name])?;
        Ok(Family {
            exposition: self,
            name: name.to_owned(),
            kind: Kind::Gauge,
            series: HashSet::new(),
        })
    }

    /// Starts a classic histogram family `name` (series `name_bucket`, `name_sum`,
    /// `name_count`).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidMetricName`], [`Error::DuplicateMetric`], [`Error::EmptyHelp`].
    pub fn histogram(&mut self, name: &str, help: &str) -> Result<HistogramFamily<'_>, Error> {
        text::metric_name(name)?;
        let derived = ["_bucket", "_sum", "_count"].map(|s| format!("{name}{s}"));
        let [a, b, c] = &derived;
        self.declare(name, help, "histogram", &[name, a, b, c])?;
        Ok(HistogramFamily {
            exposition: self,
            name: name.to_owned(),
            series: HashSet::new(),
        })
    }

    /// Starts a summary family `name` (series `name{quantile="…"}`, `name_sum`,
    /// `name_count`).
    ///
    /// ```
    /// use sre_metrics::exposition::{Exposition, Summary};
    ///
    /// let mut e = Exposition::new();
    /// let s = Summary::new(&[(0.5, 0.012), (0.99, 0.25)], 3.5, 100)?;
    /// e.summary("rpc_duration_seconds", "RPC latency.")?.sample(&[("op", "get")], &s)?;
    /// assert_eq!(e.as_str(), "\
    /// ## HELP rpc_duration_seconds RPC latency.
    /// ## TYPE rpc_duration_seconds summary
    /// rpc_duration_seconds{op=\"get\",quantile=\"0.5\"} 0.012
    /// rpc_duration_seconds{op=\"get\",quantile=\"0.99\"} 0.25
    /// rpc_duration_seconds_sum{op=\"get\"} 3.5
    /// rpc_duration_seconds_count{op=\"get\"} 100
    /// ");
    /// # Ok::<(), sre_metrics::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::InvalidMetricName`], [`Error::DuplicateMetric`], [`Error::EmptyHelp`].
    pub fn summary(&mut self, name: &str, help: &str) -> Result<SummaryFamily<'_>, Error> {
        text::metric_name(name)?;
        let derived = ["_sum", "_count"].map(|s| format!("{name}{s}"));
        let [a, b] = &derived;
        self.declare(name, help, "summary", &[name, a, b])?;
        Ok(SummaryFamily {
            exposition: self,
            name: name.to_owned(),
            series: HashSet::new(),
        })
    }

    /// The text so far (in OpenMetrics, without the final `# EOF`).
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.out
    }

    /// The finished text (in OpenMetrics, ending with `# EOF`).
    #[must_use]
    pub fn finish(mut self) -> String {
        if self.format == Format::OpenMetrics {
            self.out.push_str("# EOF\n");
        }
        self.out
    }

    /// Reserves `names`, and writes HELP and TYPE for the family `declared`.
    fn declare(
        &mut self,
        declared: &str,
        help: &str,
        ty: &str,
        names: &[&str],
    ) -> Result<(), Error> {
        if help.trim().is_empty() {
            return Err(Error::EmptyHelp {
                metric: names[0].to_owned(),
            });
        }
        if let Some(taken) = names.iter().find(|&&n| self.names.contains(n)) {
            return Err(Error::DuplicateMetric {
                name: (*taken).to_owned(),
            });
        }
        self.names.extend(names.iter().map(|&n| n.to_owned()));
        self.out.push_str("# HELP ");
        self.out.push_str(declared);
        self.out.push(' ');
        match self.format {
            Format::Text => text::escape_help(&mut self.out, help),
            Format::OpenMetrics => text::escape_help_openmetrics(&mut self.out, help),
        }
        self.out.push_str("\n# TYPE ");
        self.out.push_str(declared);
        self.out.push(' ');
        self.out.push_str(ty);
        self.out.push('\n');
        Ok(())
    }
}

/// Renders `labels` as `a="x",b="y"` (no braces), checking names and duplicates.
fn render_labels(
    metric: &str,
    labels: &[(&str, &str)],
    reserved: Option<&str>,
    series: &mut HashSet<String>,
) -> Result<String, Error> {
    let mut s = String::new();
    for (i, &(k, v)) in labels.iter().enumerate() {
        if !text::is_label_name(k) || Some(k) == reserved {
            return Err(Error::InvalidLabelName {
                metric: metric.to_owned(),
                label: k.to_owned(),
            });
        }
        if labels[..i].iter().any(|&(other, _)| other == k) {
            return Err(Error::DuplicateLabel {
                metric: metric.to_owned(),
                label: k.to_owned(),
            });
        }
        if i > 0 {
            s.push(',');
        }
        s.push_str(k);
        s.push_str("=\"");
        text::escape_label_value(&mut s, v);
        s.push('"');
    }
    // The same label set in another order is the same series: the key is the rendering
    // in name order (names are distinct, and escaped values make it unambiguous).
    let key = if labels.is_sorted_by_key(|&(k, _)| k) {
        s.clone()
    } else {
        let mut sorted = labels.to_vec();
        sorted.sort_unstable_by_key(|&(k, _)| k);
        let mut key = String::new();
        for (i, &(k, v)) in sorted.iter().enumerate() {
            if i > 0 {
                key.push(',');
            }
            key.push_str(k);
            key.push_str("=\"");
            text::escape_label_value(&mut key, v);
            key.push('"');
        }
        key
    };
    if !series.insert(key) {
        return Err(Error::DuplicateSeries {
            metric: metric.to_owned(),
            labels: s,
        });
    }
    Ok(s)
}

/// Appends `n` in decimal.
fn push_integer(out: &mut String, n: u64) {
    let _ = write!(out, "{n}");
}

/// Appends `name{labels} ` (braces only when there are labels).
fn push_series(out: &mut String, name: &str, suffix: &str, labels: &str) {
    out.push_str(name);
    out.push_str(suffix);
    if !labels.is_empty() {
        out.push('{');
        out.push_str(labels);
        out.push('}');
    }
    out.push(' ');
}

/// Appends `name{labels,key="number"} ` for an `le` or `quantile` series.
fn push_numbered_series(
    out: &mut String,
    name: &str,
    suffix: &str,
    labels: &str,
    key: &str,
    number: f64,
) {
    out.push_str(name);
    out.push_str(suffix);
    out.push('{');
    out.push_str(labels);
    if !labels.is_empty() {
        out.push(',');
    }
    out.push_str(key);
    out.push_str("=\"");
    number::push_label_float(out, number);
    out.push_str("\"} ");
}

impl Family<'_> {
    /// Adds one sample with `labels` (name, unescaped value) and `value`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidLabelName`], [`Error::DuplicateLabel`], [`Error::DuplicateSeries`],
    /// and for counters [`Error::InvalidCounterValue`] (negative or NaN).
    pub fn sample(
        &mut self,
        labels: &[(&str, &str)],
        value: impl Into<Value>,
    ) -> Result<&mut Self, Error> {
        self.push(labels, value.into(), None)
    }

    /// Adds one counter sample with an exemplar (e.g. the trace of the last request it
    /// counted), written after the value in OpenMetrics and omitted in the text format
    /// 0.0.4, which has no exemplars.
    ///
    /// # Errors
    ///
    /// As [`sample`](Self::sample), and [`Error::ExemplarNotAllowed`] on a gauge
    /// (OpenMetrics allows exemplars on counters and histogram buckets only).
    pub fn sample_with_exemplar(
        &mut self,
        labels: &[(&str, &str)],
        value: impl Into<Value>,
        exemplar: &Exemplar,
    ) -> Result<&mut Self, Error> {
        if self.kind != Kind::Counter {
            return Err(Error::ExemplarNotAllowed {
                metric: self.name.clone(),
            });
        }
        self.push(labels, value.into(), Some(exemplar))
    }

    fn push(
        &mut self,
        labels: &[(&str, &str)],
        value: Value,
        exemplar: Option<&Exemplar>,
    ) -> Result<&mut Self, Error> {
        if self.kind == Kind::Counter {
            let bad = match value {
                Value::Unsigned(_) => None,
                Value::Signed(v) => (v < 0).then_some(v as f64),
                Value::Float(v) => (v.is_nan() || v < 0.0).then_some(v),
            };
            if let Some(value) = bad {
                return Err(Error::InvalidCounterValue {
                    metric: self.name.clone(),
                    value,
                });
            }
        }
        let rendered = render_labels(&self.name, labels, None, &mut self.series)?;
        let open_metrics = self.exposition.format == Format::OpenMetrics;
        let out = &mut self.exposition.out;
        push_series(out, &self.name, "", &rendered);
        match value {
            Value::Unsigned(v) => push_integer(out, v),
            Value::Signed(v) => {
                let _ = write!(out, "{v}");
            }
            Value::Float(v) => text::push_float(out, v),
        }
        if open_metrics && let Some(e) = exemplar {
            out.push_str(" # ");
            e.render(out);
        }
        out.push('\n');
        Ok(self)
    }
}

impl HistogramFamily<'_> {
    /// Adds one histogram with `labels` (which must not include `le`). Bucket bounds are
    /// spelled by [`format_label_float`]. In OpenMetrics, a bucket's exemplar follows its
    /// count; a histogram with a negative bound has no `_sum` and `_count` there (the
    /// format allows a sum only when no observation can be negative). The text format
    /// 0.0.4 has no exemplars: there they are omitted.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidLabelName`] (also for `le`), [`Error::DuplicateLabel`],
    /// [`Error::DuplicateSeries`].
    pub fn sample(
        &mut self,
        labels: &[(&str, &str)],
        h: &ClassicHistogram,
    ) -> Result<&mut Self, Error> {
        let rendered = render_labels(&self.name, labels, Some("le"), &mut self.series)?;
        let open_metrics = self.exposition.format == Format::OpenMetrics;
        let out = &mut self.exposition.out;
        let all = h
            .buckets()
            .chain(core::iter::once((f64::INFINITY, h.count())));
        for (i, (le, n)) in all.enumerate() {
            push_numbered_series(out, &self.name, "_bucket", &rendered, "le", le);
            push_integer(out, n);
            if open_metrics && let Some(e) = h.exemplar(i) {
                out.push_str(" # ");
                e.render(out);
            }
            out.push('\n');
        }
        if open_metrics && h.buckets().any(|(le, _)| le < 0.0) {
            return Ok(self);
        }
        push_series(out, &self.name, "_sum", &rendered);
        text::push_float(out, h.sum());
        out.push('\n');
        push_series(out, &self.name, "_count", &rendered);
        push_integer(out, h.count());
        out.push('\n');
        Ok(self)
    }
}

impl SummaryFamily<'_> {
    /// Adds one summary with `labels` (which must not include `quantile`). Quantiles are
    /// spelled by [`format_label_float`].
    ///
    /// # Errors
    ///
    /// [`Error::InvalidLabelName`] (also for `quantile`), [`Error::DuplicateLabel`],
    /// [`Error::DuplicateSeries`].
    pub fn sample(&mut self, labels: &[(&str, &str)], s: &Summary) -> Result<&mut Self, Error> {
        let rendered = render_labels(&self.name, labels, Some("quantile"), &mut self.series)?;
        let out = &mut self.exposition.out;
        for &(q, v) in s.quantiles() {
            push_numbered_series(out, &self.name, "", &rendered, "quantile", q);
            text::push_float(out, v);
            out.push('\n');
        }
        push_series(out, &self.name, "_sum", &rendered);
        text::push_float(out, s.sum());
        out.push('\n');
        push_series(out, &self.name, "_count", &rendered);
        push_integer(out, s.count());
        out.push('\n');
        Ok(self)
    }
}
