//! Prometheus text exposition (format 0.0.4): counters, gauges and classic histograms
//! with `# HELP` / `# TYPE`, validated names and escaped label values, accepted by
//! `promtool check metrics`.
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
//! # Rules enforced
//!
//! Metric names match `[a-zA-Z_:][a-zA-Z0-9_:]*`, label names `[a-zA-Z_][a-zA-Z0-9_]*`
//! and do not start with `__`; histograms do not take an `le` label (it is theirs); a
//! name, including a histogram's `_bucket`, `_sum` and `_count` series, is declared once;
//! a label set appears once per metric; HELP is not empty; counter names end in
//! `_total` and counter values are non-negative numbers (promtool's lint asks for the
//! suffix). Other naming conventions promtool lints (base units such as `_seconds`,
//! `snake_case`) are the caller's to follow.
//!
//! # Modules
//!
//! - [`Exposition`]: the document; [`Family`] and [`HistogramFamily`] add samples.
//! - [`ClassicHistogram`]: `le` buckets from a histogram [`Snapshot`](crate::Snapshot).

mod classic;
mod text;

pub use classic::ClassicHistogram;

use crate::Error;

/// A sample value: integers are written exactly, floats as the text format spells them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Value {
    /// A non-negative integer (counts).
    Unsigned(u64),
    /// A signed integer (gauges such as in-flight requests).
    Signed(i64),
    /// A float; `+Inf`, `-Inf` and `NaN` allowed for gauges.
    Float(f64),
}

impl From<u64> for Value {
    fn from(v: u64) -> Self {
        Self::Unsigned(v)
    }
}
impl From<u32> for Value {
    fn from(v: u32) -> Self {
        Self::Unsigned(u64::from(v))
    }
}
impl From<i64> for Value {
    fn from(v: i64) -> Self {
        Self::Signed(v)
    }
}
impl From<f64> for Value {
    fn from(v: f64) -> Self {
        Self::Float(v)
    }
}

/// A Prometheus text exposition being written: a sequence of metric families.
#[derive(Debug, Clone, Default)]
pub struct Exposition {
    out: String,
    /// Every sample name declared so far (a histogram declares three).
    names: Vec<String>,
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
    series: Vec<String>,
}

/// The samples of one histogram family; see [`Exposition::histogram`].
#[derive(Debug)]
pub struct HistogramFamily<'a> {
    exposition: &'a mut Exposition,
    name: String,
    series: Vec<String>,
}

impl Exposition {
    /// An empty exposition.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Starts a counter family `name` (which must end in `_total`).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidMetricName`], [`Error::CounterWithoutTotal`],
    /// [`Error::DuplicateMetric`], [`Error::EmptyHelp`].
    pub fn counter(&mut self, name: &str, help: &str) -> Result<Family<'_>, Error> {
        text::metric_name(name)?;
        if !name.ends_with("_total") {
            return Err(Error::CounterWithoutTotal {
                name: name.to_owned(),
            });
        }
        self.family(name, help, Kind::Counter)
    }

    /// Starts a gauge family `name`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidMetricName`], [`Error::DuplicateMetric`], [`Error::EmptyHelp`].
    pub fn gauge(&mut self, name: &str, help: &str) -> Result<Family<'_>, Error> {
        text::metric_name(name)?;
        self.family(name, help, Kind::Gauge)
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
        self.declare(name, help, "histogram", &derived)?;
        Ok(HistogramFamily {
            exposition: self,
            name: name.to_owned(),
            series: Vec::new(),
        })
    }

    /// The text so far.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.out
    }

    /// The finished text.
    #[must_use]
    pub fn finish(self) -> String {
        self.out
    }

    fn family(&mut self, name: &str, help: &str, kind: Kind) -> Result<Family<'_>, Error> {
        let ty = match kind {
            Kind::Counter => "counter",
            Kind::Gauge => "gauge",
        };
        self.declare(name, help, ty, &[name.to_owned()])?;
        Ok(Family {
            exposition: self,
            name: name.to_owned(),
            kind,
            series: Vec::new(),
        })
    }

    /// Reserves `name` and its sample names, and writes HELP and TYPE.
    fn declare(
        &mut self,
        name: &str,
        help: &str,
        ty: &str,
        samples: &[String],
    ) -> Result<(), Error> {
        if help.trim().is_empty() {
            return Err(Error::EmptyHelp {
                metric: name.to_owned(),
            });
        }
        let taken = |n: &String| self.names.iter().any(|x| x == n);
        if taken(&name.to_owned()) || samples.iter().any(taken) {
            return Err(Error::DuplicateMetric {
                name: name.to_owned(),
            });
        }
        self.names.push(name.to_owned());
        self.names.extend(samples.iter().cloned());
        self.out.push_str("# HELP ");
        self.out.push_str(name);
        self.out.push(' ');
        text::escape_help(&mut self.out, help);
        self.out.push_str("\n# TYPE ");
        self.out.push_str(name);
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
    series: &mut Vec<String>,
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
    // The same label set in another order is the same series.
    let mut key: Vec<(&str, &str)> = labels.to_vec();
    key.sort_unstable();
    let key = format!("{key:?}");
    if series.contains(&key) {
        return Err(Error::DuplicateSeries {
            metric: metric.to_owned(),
            labels: s,
        });
    }
    series.push(key);
    Ok(s)
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
        let value = value.into();
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
        let out = &mut self.exposition.out;
        push_series(out, &self.name, "", &rendered);
        match value {
            Value::Unsigned(v) => out.push_str(&v.to_string()),
            Value::Signed(v) => out.push_str(&v.to_string()),
            Value::Float(v) => text::push_float(out, v),
        }
        out.push('\n');
        Ok(self)
    }
}

impl HistogramFamily<'_> {
    /// Adds one histogram with `labels` (which must not include `le`).
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
        let out = &mut self.exposition.out;
        let sep = if rendered.is_empty() { "" } else { "," };
        let bucket = |out: &mut String, le: &dyn Fn(&mut String), n: u64| {
            out.push_str(&self.name);
            out.push_str("_bucket{");
            out.push_str(&rendered);
            out.push_str(sep);
            out.push_str("le=\"");
            le(out);
            out.push_str("\"} ");
            out.push_str(&n.to_string());
            out.push('\n');
        };
        for (le, n) in h.buckets() {
            bucket(out, &|o: &mut String| text::push_float(o, le), n);
        }
        bucket(out, &|o: &mut String| o.push_str("+Inf"), h.count());
        push_series(out, &self.name, "_sum", &rendered);
        text::push_float(out, h.sum());
        out.push('\n');
        push_series(out, &self.name, "_count", &rendered);
        out.push_str(&h.count().to_string());
        out.push('\n');
        Ok(self)
    }
}
