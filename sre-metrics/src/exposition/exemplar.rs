//! [`Exemplar`]: one observation that stands for a histogram bucket or a counter, usually
//! the trace of a request it counted (OpenMetrics 1.0 "Exemplars").

use super::text;
use crate::Error;
use core::time::Duration;

/// OpenMetrics 1.0: "The combined length of the label names and values of an Exemplar's
/// LabelSet MUST NOT exceed 128 UTF-8 character code points."
pub const EXEMPLAR_MAX_LABEL_CHARS: usize = 128;

/// An exemplar: a label set (usually `trace_id`, and `span_id`), the observed value in the
/// exposition's unit, and optionally when it was observed.
///
/// Rendered only in OpenMetrics, after the bucket or counter sample it belongs to
/// ([`ClassicHistogram::with_exemplar`](super::ClassicHistogram::with_exemplar),
/// [`Family::sample_with_exemplar`](super::Family::sample_with_exemplar)):
/// `name_bucket{le="0.3"} 5 # {trace_id="4bf9…"} 0.25 1733328000.123`. The Prometheus text
/// format 0.0.4 has no exemplars, so they are omitted there. A trace exemplar
/// ([`from_trace`](Self::from_trace), [`TraceParent::exemplar`](super::TraceParent::exemplar))
/// is built without allocating.
///
/// ```
/// use core::time::Duration;
/// use sre_metrics::exposition::Exemplar;
///
/// let e = Exemplar::from_trace(0x4bf9_2f35_77b3_4da6_a3ce_929d_0e0e_4736, None, 0.25)?
///     .with_timestamp(Duration::from_millis(1_733_328_000_123));
/// assert_eq!(e.to_string(), r#"{trace_id="4bf92f3577b34da6a3ce929d0e0e4736"} 0.25 1733328000.123"#);
/// let long = "x".repeat(130);
/// assert!(Exemplar::new(&[("note", &long)], 1.0).is_err()); // over 128 characters
/// # Ok::<(), sre_metrics::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Exemplar {
    labels: Labels,
    value: f64,
    timestamp: Option<Duration>,
}

#[derive(Debug, Clone, PartialEq)]
enum Labels {
    Trace {
        trace_id: u128,
        span_id: Option<u64>,
    },
    Custom(Vec<(String, String)>),
}

impl Exemplar {
    /// An exemplar with `labels` (name, unescaped value) and the observed `value`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidLabelName`] or [`Error::DuplicateLabel`] (metric `"exemplar"`),
    /// [`Error::ExemplarTooLong`] when names and values together exceed
    /// [`EXEMPLAR_MAX_LABEL_CHARS`] characters, [`Error::InvalidExemplarValue`] for a NaN
    /// or infinite value.
    pub fn new(labels: &[(&str, &str)], value: f64) -> Result<Self, Error> {
        check_value(value)?;
        let mut chars = 0;
        for (i, &(k, v)) in labels.iter().enumerate() {
            if !text::is_label_name(k) {
                return Err(Error::InvalidLabelName {
                    metric: "exemplar".to_owned(),
                    label: k.to_owned(),
                });
            }
            if labels[..i].iter().any(|&(other, _)| other == k) {
                return Err(Error::DuplicateLabel {
                    metric: "exemplar".to_owned(),
                    label: k.to_owned(),
                });
            }
            chars += k.chars().count() + v.chars().count();
        }
        if chars > EXEMPLAR_MAX_LABEL_CHARS {
            return Err(Error::ExemplarTooLong {
                chars,
                max: EXEMPLAR_MAX_LABEL_CHARS,
            });
        }
        Ok(Self {
            labels: Labels::Custom(
                labels
                    .iter()
                    .map(|&(k, v)| (k.to_owned(), v.to_owned()))
                    .collect(),
            ),
            value,
            timestamp: None,
        })
    }

    /// An exemplar labelled `trace_id` (32 lowercase hex digits) and, when given, `span_id`
    /// (16), as OpenTelemetry and W3C trace context spell them; 63 characters at most, so
    /// always within the limit. Allocates nothing.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidExemplarValue`] for a NaN or infinite value.
    pub fn from_trace(trace_id: u128, span_id: Option<u64>, value: f64) -> Result<Self, Error> {
        check_value(value)?;
        Ok(Self {
            labels: Labels::Trace { trace_id, span_id },
            value,
            timestamp: None,
        })
    }

    /// The same exemplar, observed at `since_unix_epoch` (rendered in seconds, exactly, to
    /// the nanosecond).
    #[must_use]
    pub fn with_timestamp(mut self, since_unix_epoch: Duration) -> Self {
        self.timestamp = Some(since_unix_epoch);
        self
    }

    /// The observed value.
    #[must_use]
    pub fn value(&self) -> f64 {
        self.value
    }

    /// When it was observed, since the Unix epoch.
    #[must_use]
    pub fn timestamp(&self) -> Option<Duration> {
        self.timestamp
    }

    /// Appends `{labels} value[ timestamp]` (OpenMetrics exemplar syntax, after `# `).
    pub(crate) fn render(&self, out: &mut String) {
        use core::fmt::Write;
        out.push('{');
        match &self.labels {
            Labels::Trace { trace_id, span_id } => {
                let _ = write!(out, "trace_id=\"{trace_id:032x}\"");
                if let Some(span) = span_id {
                    let _ = write!(out, ",span_id=\"{span:016x}\"");
                }
            }
            Labels::Custom(labels) => {
                for (i, (k, v)) in labels.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    out.push_str(k);
                    out.push_str("=\"");
                    text::escape_label_value(out, v);
                    out.push('"');
                }
            }
        }
        out.push_str("} ");
        text::push_float(out, self.value);
        if let Some(t) = self.timestamp {
            let _ = write!(out, " {}", t.as_secs());
            let nanos = t.subsec_nanos();
            if nanos > 0 {
                let mut frac = format!("{nanos:09}");
                while frac.ends_with('0') {
                    frac.pop();
                }
                out.push('.');
                out.push_str(&frac);
            }
        }
    }
}

impl core::fmt::Display for Exemplar {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let mut s = String::new();
        self.render(&mut s);
        f.write_str(&s)
    }
}

fn check_value(value: f64) -> Result<(), Error> {
    if value.is_finite() {
        Ok(())
    } else {
        Err(Error::InvalidExemplarValue { value })
    }
}

#[cfg(all(test, not(sre_loom)))]
mod tests {
    use super::*;

    #[test]
    fn limits_and_rendering() {
        // Exactly 128 characters (names and values, counted in code points) is allowed.
        let v = "é".repeat(128 - 4);
        let ok = Exemplar::new(&[("note", &v)], 1.0).unwrap();
        assert_eq!(ok.to_string(), format!("{{note=\"{v}\"}} 1"));
        let v = "é".repeat(128 - 3);
        assert_eq!(
            Exemplar::new(&[("note", &v)], 1.0),
            Err(Error::ExemplarTooLong {
                chars: 129,
                max: 128
            })
        );
        assert!(matches!(
            Exemplar::new(&[("a", "1"), ("a", "2")], 1.0),
            Err(Error::DuplicateLabel { .. })
        ));
        assert!(matches!(
            Exemplar::new(&[("a-b", "1")], 1.0),
            Err(Error::InvalidLabelName { .. })
        ));
        assert!(matches!(
            Exemplar::new(&[], f64::NAN),
            Err(Error::InvalidExemplarValue { .. })
        ));
        let e = Exemplar::new(&[("q", "a\"b\\c\nd")], 2.5)
            .unwrap()
            .with_timestamp(Duration::new(7, 500));
        assert_eq!(e.to_string(), "{q=\"a\\\"b\\\\c\\nd\"} 2.5 7.0000005");
        let t = Exemplar::from_trace(1, Some(2), 0.0)
            .unwrap()
            .with_timestamp(Duration::from_secs(3));
        assert_eq!(
            t.to_string(),
            "{trace_id=\"00000000000000000000000000000001\",span_id=\"0000000000000002\"} 0 3"
        );
    }
}
