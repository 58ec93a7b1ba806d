//! [`Format`]: the two text formats, their content types, and the choice between them
//! from an HTTP `Accept` header.

/// The content type of the Prometheus text format 0.0.4.
pub const TEXT_CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

/// The content type of the OpenMetrics 1.0.0 text format.
pub const OPENMETRICS_CONTENT_TYPE: &str =
    "application/openmetrics-text; version=1.0.0; charset=utf-8";

/// A text exposition format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Format {
    /// The Prometheus text format 0.0.4: every Prometheus since 2014 reads it.
    #[default]
    Text,
    /// OpenMetrics 1.0 text: counters declared without `_total`, exemplars, `# EOF`.
    OpenMetrics,
}

impl Format {
    /// The `Content-Type` header value a response in this format carries
    /// ([`TEXT_CONTENT_TYPE`] or [`OPENMETRICS_CONTENT_TYPE`]).
    #[must_use]
    pub const fn content_type(self) -> &'static str {
        match self {
            Self::Text => TEXT_CONTENT_TYPE,
            Self::OpenMetrics => OPENMETRICS_CONTENT_TYPE,
        }
    }

    /// The format to answer a scrape with, given its `Accept` header value (`None` when
    /// the request had none).
    ///
    /// The media ranges are taken in order of their `q` weight (the first of equal weights
    /// first); the first that names `application/openmetrics-text` (version absent,
    /// `0.0.1` or `1.0.0`) gives [`OpenMetrics`](Self::OpenMetrics), the first that names
    /// `text/plain` (version absent or `0.0.4`) gives [`Text`](Self::Text). Anything else,
    /// a range with `q=0`, a malformed header or none at all gives `Text`. This is the
    /// rule of client_golang's `expfmt.NegotiateIncludingOpenMetrics`. Linear in the
    /// header's length; allocates nothing.
    ///
    /// ```
    /// use sre_metrics::exposition::Format;
    /// // What Prometheus 2.x sends by default:
    /// let prometheus = "application/openmetrics-text;version=1.0.0,application/openmetrics-text;\
    ///                   version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";
    /// assert_eq!(Format::from_accept(Some(prometheus)), Format::OpenMetrics);
    /// assert_eq!(Format::from_accept(Some("text/plain")), Format::Text);
    /// assert_eq!(Format::from_accept(Some("*/*")), Format::Text);
    /// assert_eq!(Format::from_accept(None), Format::Text);
    /// ```
    #[must_use]
    pub fn from_accept(accept: Option<&str>) -> Self {
        let Some(accept) = accept else {
            return Self::Text;
        };
        let mut best: Option<(f64, Self)> = None;
        for range in accept.split(',') {
            let mut params = range.split(';');
            let media = params.next().unwrap_or("").trim();
            let mut q = 1.0;
            let mut version = None;
            for param in params {
                let Some((key, value)) = param.split_once('=') else {
                    continue;
                };
                let value = value.trim().trim_matches('"');
                match key.trim() {
                    k if k.eq_ignore_ascii_case("q") => {
                        q = value.parse::<f64>().unwrap_or(0.0);
                    }
                    k if k.eq_ignore_ascii_case("version") => version = Some(value),
                    _ => {}
                }
            }
            let format = if media.eq_ignore_ascii_case("application/openmetrics-text")
                && matches!(version, None | Some("0.0.1" | "1.0.0"))
            {
                Self::OpenMetrics
            } else if media.eq_ignore_ascii_case("text/plain")
                && matches!(version, None | Some("0.0.4"))
            {
                Self::Text
            } else {
                continue;
            };
            if !(q > 0.0 && q <= 1.0) {
                continue;
            }
            if best.is_none_or(|(b, _)| q > b) {
                best = Some((q, format));
            }
        }
        best.map_or(Self::Text, |(_, f)| f)
    }
}

#[cfg(all(test, not(sre_loom)))]
mod tests {
    use super::*;

    #[test]
    fn negotiation_follows_weights_and_versions() {
        let om = Format::OpenMetrics;
        let text = Format::Text;
        for (accept, want) in [
            ("application/openmetrics-text", om),
            ("APPLICATION/OpenMetrics-Text; Version=1.0.0", om),
            ("application/openmetrics-text;version=0.0.1", om),
            ("application/openmetrics-text;version=2.0.0", text),
            ("application/openmetrics-text;q=0", text),
            ("application/openmetrics-text;q=nonsense", text),
            ("text/plain;q=0.9,application/openmetrics-text;q=0.5", text),
            ("text/plain;q=0.5,application/openmetrics-text;q=0.9", om),
            ("text/plain,application/openmetrics-text", text),
            ("application/openmetrics-text,text/plain", om),
            ("application/json", text),
            ("", text),
            (";;;,,,=;q=", text),
            (
                "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily",
                text,
            ),
        ] {
            assert_eq!(Format::from_accept(Some(accept)), want, "{accept}");
        }
        assert_eq!(om.content_type(), OPENMETRICS_CONTENT_TYPE);
        assert_eq!(text.content_type(), TEXT_CONTENT_TYPE);
    }

    proptest::proptest! {
        /// Any header gives an answer, never a panic; OpenMetrics only when it is named.
        #[test]
        fn any_header_is_answered(accept in ".{0,120}") {
            let f = Format::from_accept(Some(&accept));
            let named = accept.to_ascii_lowercase().contains("application/openmetrics-text");
            proptest::prop_assert!(f == Format::Text || named);
        }
    }
}
