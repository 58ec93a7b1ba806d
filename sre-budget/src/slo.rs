//! [`Slo`]: what a service promises, shaped like an OpenSLO v1 `SLO` where it fits.
//!
//! An SLO is a name, an objective (the `target` of an OpenSLO objective), a time window
//! (rolling N days, or the calendar month), the budgeting method (occurrences: every
//! event counts once) and the SLI that says which events are good.
//!
//! # In JSON and TOML (feature `serde`)
//!
//! `target` is the objective, as a fraction (`0.999`) or a percentage (`99.9`): a
//! number in (0, 1) is a fraction, one in (1, 100) a percentage, and 1 itself is refused
//! ([`Objective::from_fraction_or_percent`]). `timeWindow.duration` is a duration in the
//! family's grammar (`30d`, `4w`, `1.5d`; see [`sre_core::duration`]), at most 366 days.
//! The keys follow OpenSLO's camelCase spelling (`target`, `timeWindow`, `isRolling`,
//! `budgetingMethod`, `ratioMetric`); the SLI's `good` and `total` are PromQL selectors
//! of counters, used when [`rules`](crate::rules) writes the equivalent Prometheus rules.
//!
//! ```
//! # #[cfg(feature = "serde")] {
//! use sre_budget::Slo;
//!
//! let json = r#"{
//!   "name": "checkout-availability",
//!   "target": 0.999,
//!   "timeWindow": { "duration": "30d", "isRolling": true },
//!   "budgetingMethod": "Occurrences",
//!   "indicator": { "ratioMetric": {
//!     "good": "http_requests_total{job=\"checkout\",code!~\"5..\"}",
//!     "total": "http_requests_total{job=\"checkout\"}" } }
//! }"#;
//! let slo = Slo::from_json(json)?;
//! assert_eq!(slo.period().as_secs(), 30 * 86_400);
//!
//! let toml = r#"
//! name = "checkout-latency"
//! target = 0.99
//! budgetingMethod = "Occurrences"
//! timeWindow = { duration = "28d", isRolling = true }
//! [indicator.latency]
//! histogram = "http_request_duration_seconds"
//! selector = 'job="checkout"'
//! thresholdSeconds = 0.3
//! "#;
//! let slo = Slo::from_toml(toml)?;
//! assert_eq!(slo.objective().get(), 0.99);
//!
//! // A malformed file is an error that says where, not a panic.
//! let err = Slo::from_toml("name = \"x\"\ntarget = 1.5").unwrap_err();
//! assert!(err.to_string().contains("TOML"));
//! # }
//! # Ok::<(), sre_budget::Error>(())
//! ```

use crate::Error;
use core::time::Duration;
use sre_core::Objective;

/// The period an SLO is judged over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeWindow {
    /// The last `duration`, moving with `now` (OpenSLO `isRolling: true`), e.g. 30 days.
    Rolling(Duration),
    /// The calendar month (OpenSLO `duration: 1M`, `isRolling: false`). Burn rates are
    /// derived for a nominal 30-day month, as the SRE Workbook does; the budget of a
    /// particular month is judged on the events counted since the month began, which
    /// the caller measures (this crate keeps no calendar).
    CalendarMonth,
}

impl TimeWindow {
    /// The period's length: the rolling duration, or 30 days for a calendar month.
    #[must_use]
    pub fn period(self) -> Duration {
        match self {
            Self::Rolling(d) => d,
            Self::CalendarMonth => 30 * sre_core::DAY,
        }
    }
}

/// How events are counted against the budget. Only OpenSLO's `Occurrences` (every event
/// counts once; the budget is a fraction of all events) is supported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum BudgetingMethod {
    /// Good events over all events.
    #[default]
    Occurrences,
}

/// Which events are good: the SLI, as PromQL for the generated rules.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "camelCase"))]
pub enum Indicator {
    /// Good and total events as two counters (OpenSLO `ratioMetric`).
    RatioMetric {
        /// Selector of the counter of good events, e.g. `http_requests_total{code!~"5.."}`.
        good: String,
        /// Selector of the counter of all events, e.g. `http_requests_total`.
        total: String,
    },
    /// Requests at or below a latency threshold are good: a classic histogram's
    /// `_bucket{le="threshold"}` over its `_count`. The threshold must be a bucket bound.
    /// [`Indicator::latency`] builds one from a `Duration`.
    #[cfg_attr(feature = "serde", serde(rename_all = "camelCase"))]
    Latency {
        /// The histogram's base name, e.g. `http_request_duration_seconds`.
        histogram: String,
        /// Label matchers without braces, e.g. `job="checkout"` (may be empty).
        #[cfg_attr(feature = "serde", serde(default))]
        selector: String,
        /// The latency at or below which a request is good, in seconds.
        threshold_seconds: f64,
    },
}

impl Indicator {
    /// A latency SLI: requests served within `threshold` are good. The threshold is kept
    /// in seconds through [`duration_to_seconds`](sre_metrics::exposition::duration_to_seconds),
    /// the conversion the exposition applies to a histogram bound given as the same
    /// `Duration`, so the selector's `le` is the bucket's (300 ms is `le="0.3"`). A zero
    /// threshold is refused by [`Slo::new`].
    ///
    /// ```
    /// use core::time::Duration;
    /// use sre_budget::Indicator;
    ///
    /// let sli = Indicator::latency("http_server_request_duration_seconds", r#"route="/work""#,
    ///     Duration::from_millis(300));
    /// let (good, total) = sli.selectors();
    /// assert_eq!(good, r#"http_server_request_duration_seconds_bucket{route="/work",le="0.3"}"#);
    /// assert_eq!(total, r#"http_server_request_duration_seconds_count{route="/work"}"#);
    /// ```
    #[must_use]
    pub fn latency(
        histogram: impl Into<String>,
        selector: impl Into<String>,
        threshold: Duration,
    ) -> Self {
        Self::Latency {
            histogram: histogram.into(),
            selector: selector.into(),
            threshold_seconds: sre_metrics::exposition::duration_to_seconds(threshold),
        }
    }

    /// The PromQL selectors of the good and total counters. A latency SLI's `le` is
    /// spelled by [`format_label_float`](sre_metrics::exposition::format_label_float), as
    /// the exposition spells its bucket bounds (`0.3`, `1.0`, `1e-09`), which is also the
    /// form Prometheus 3 stores them in.
    #[must_use]
    pub fn selectors(&self) -> (String, String) {
        match self {
            Self::RatioMetric { good, total } => (good.clone(), total.clone()),
            Self::Latency {
                histogram,
                selector,
                threshold_seconds,
            } => {
                let sep = if selector.is_empty() { "" } else { "," };
                let le = sre_metrics::exposition::format_label_float(*threshold_seconds);
                (
                    format!("{histogram}_bucket{{{selector}{sep}le=\"{le}\"}}"),
                    format!("{histogram}_count{{{selector}}}"),
                )
            }
        }
    }
}

/// A service level objective: validated, so every number in it is usable.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "SloSpec", into = "SloSpec"))]
pub struct Slo {
    name: String,
    objective: Objective,
    window: TimeWindow,
    method: BudgetingMethod,
    indicator: Indicator,
}

impl Slo {
    /// An SLO named `name` (letters, digits, `_`, `-`; starting with a letter).
    ///
    /// ```
    /// use sre_budget::{Error, Indicator, Slo, TimeWindow};
    /// use sre_core::Objective;
    /// use core::time::Duration;
    ///
    /// let sli = Indicator::RatioMetric { good: "ok_total".into(), total: "all_total".into() };
    /// let month = TimeWindow::Rolling(Duration::from_secs(30 * 86_400));
    /// let slo = Slo::new("api", Objective::new(0.999)?, month, sli.clone())?;
    /// assert_eq!(slo.name(), "api");
    /// assert!(matches!(Slo::new("9 lives", Objective::new(0.9)?, month, sli), Err(Error::BadName { .. })));
    /// # Ok::<(), Error>(())
    /// ```
    pub fn new(
        name: impl Into<String>,
        objective: Objective,
        window: TimeWindow,
        indicator: Indicator,
    ) -> Result<Self, Error> {
        let name = name.into();
        check_name("SLO name", &name, true)?;
        if let TimeWindow::Rolling(p) = window {
            crate::budget::check_period(p)?;
        }
        if let Indicator::Latency {
            threshold_seconds, ..
        } = &indicator
        {
            sre_core::Positive::named("latency threshold (seconds)", *threshold_seconds)?;
        }
        Ok(Self {
            name,
            objective,
            window,
            method: BudgetingMethod::Occurrences,
            indicator,
        })
    }

    /// The name.
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The objective: the fraction of events that must be good.
    #[must_use]
    pub fn objective(&self) -> Objective {
        self.objective
    }

    /// The time window.
    #[must_use]
    pub fn time_window(&self) -> TimeWindow {
        self.window
    }

    /// The period's length (30 days for a calendar month).
    #[must_use]
    pub fn period(&self) -> Duration {
        self.window.period()
    }

    /// The budgeting method.
    #[must_use]
    pub fn budgeting_method(&self) -> BudgetingMethod {
        self.method
    }

    /// The SLI.
    #[must_use]
    pub fn indicator(&self) -> &Indicator {
        &self.indicator
    }

    /// Reads an SLO from JSON (see the [module docs](self) for the shape).
    #[cfg(feature = "serde")]
    pub fn from_json(text: &str) -> Result<Self, Error> {
        serde_json::from_str(text).map_err(|e| Error::MalformedSpec {
            format: "JSON",
            message: bounded(&e.to_string()),
        })
    }

    /// Reads an SLO from TOML (see the [module docs](self) for the shape).
    #[cfg(feature = "serde")]
    pub fn from_toml(text: &str) -> Result<Self, Error> {
        toml::from_str(text).map_err(|e: toml::de::Error| {
            // toml's own message quotes the whole offending line: say where instead.
            let at = e.span().map_or_else(String::new, |span| {
                let before = text.get(..span.start).unwrap_or(text);
                let line = before.matches('\n').count() + 1;
                let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
                format!("line {line}, column {column}: ")
            });
            Error::MalformedSpec {
                format: "TOML",
                message: bounded(&format!("{at}{}", e.message())),
            }
        })
    }
}

/// A parser's message as an error quotes it: at most [`MESSAGE_CHARS`] characters, then
/// `…`, so a message that echoes the input stays bounded.
#[cfg(feature = "serde")]
fn bounded(message: &str) -> String {
    match message.char_indices().nth(MESSAGE_CHARS) {
        None => message.to_owned(),
        Some((cut, _)) => format!("{}…", &message[..cut]),
    }
}

/// The longest parser message an SLO spec error quotes, in characters.
#[cfg(feature = "serde")]
const MESSAGE_CHARS: usize = 300;

/// Checks a Prometheus-safe name: a letter, then letters, digits, `_` (and `-` if allowed).
pub(crate) fn check_name(what: &'static str, name: &str, dash: bool) -> Result<(), Error> {
    let mut chars = name.chars();
    let ok = chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || (dash && c == '-'));
    if ok {
        Ok(())
    } else {
        Err(Error::BadName {
            what,
            name: name.to_owned(),
        })
    }
}

/// The serialized form: OpenSLO-like keys, checked by `Slo::try_from`.
#[cfg(feature = "serde")]
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct SloSpec {
    name: String,
    target: f64,
    time_window: WindowSpec,
    #[serde(default)]
    budgeting_method: BudgetingMethod,
    indicator: Indicator,
}

#[cfg(feature = "serde")]
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct WindowSpec {
    duration: String,
    is_rolling: bool,
}

#[cfg(feature = "serde")]
impl TryFrom<SloSpec> for Slo {
    type Error = Error;
    fn try_from(s: SloSpec) -> Result<Self, Error> {
        let window = match (s.time_window.is_rolling, s.time_window.duration.as_str()) {
            (false, "1M") => TimeWindow::CalendarMonth,
            (false, other) => {
                return Err(Error::BadCalendarWindow {
                    duration: sre_core::error::excerpt(other),
                });
            }
            (true, d) => TimeWindow::Rolling(crate::duration::parse_duration(d)?),
        };
        Slo::new(
            s.name,
            Objective::from_fraction_or_percent(s.target)?,
            window,
            s.indicator,
        )
    }
}

#[cfg(feature = "serde")]
impl From<Slo> for SloSpec {
    fn from(s: Slo) -> Self {
        let time_window = match s.window {
            TimeWindow::Rolling(d) => WindowSpec {
                duration: crate::duration::format_duration(d),
                is_rolling: true,
            },
            TimeWindow::CalendarMonth => WindowSpec {
                duration: "1M".to_owned(),
                is_rolling: false,
            },
        };
        Self {
            name: s.name,
            target: s.objective.get(),
            time_window,
            budgeting_method: s.method,
            indicator: s.indicator,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sli() -> Indicator {
        Indicator::RatioMetric {
            good: "g".into(),
            total: "t".into(),
        }
    }

    #[test]
    fn latency_selectors_name_the_bucket() {
        let i = Indicator::Latency {
            histogram: "rpc_seconds".into(),
            selector: "job=\"a\"".into(),
            threshold_seconds: 0.3,
        };
        let (g, t) = i.selectors();
        assert_eq!(g, "rpc_seconds_bucket{job=\"a\",le=\"0.3\"}");
        assert_eq!(t, "rpc_seconds_count{job=\"a\"}");
    }

    #[test]
    fn bad_periods_and_names_are_refused() {
        let o = Objective::new(0.99).unwrap();
        let short = TimeWindow::Rolling(Duration::from_secs(59));
        assert!(matches!(
            Slo::new("a", o, short, sli()),
            Err(Error::BadPeriod { .. })
        ));
        for bad in ["", "-a", "a b", "a\"b"] {
            assert!(
                matches!(
                    Slo::new(bad, o, TimeWindow::CalendarMonth, sli()),
                    Err(Error::BadName { .. })
                ),
                "{bad}"
            );
        }
        assert_eq!(TimeWindow::CalendarMonth.period().as_secs(), 30 * 86_400);
    }

    #[cfg(feature = "serde")]
    #[test]
    fn specs_round_trip_and_bad_ones_say_why() {
        let slo = Slo::new(
            "api",
            Objective::new(0.995).unwrap(),
            TimeWindow::CalendarMonth,
            sli(),
        )
        .unwrap();
        let json = serde_json::to_string(&slo).unwrap();
        assert!(
            json.contains("\"1M\"") && json.contains("ratioMetric"),
            "{json}"
        );
        assert_eq!(Slo::from_json(&json).unwrap(), slo);
        let toml_text = toml::to_string(&slo).unwrap();
        assert_eq!(Slo::from_toml(&toml_text).unwrap(), slo);

        let cases = [
            (json.replace("0.995", "1.0"), "(0, 1)"),
            (json.replace("0.995", "0"), "(0, 1)"),
            (json.replace("\"1M\"", "\"2M\""), "1M"),
            (json.replace("api", "9api"), "valid name"),
            (json.replace("\"target\"", "\"targt\""), "targt"),
            ("{".to_owned(), "JSON"),
        ];
        for (text, needle) in cases {
            let e = Slo::from_json(&text).unwrap_err();
            assert!(matches!(e, Error::MalformedSpec { .. }), "{e:?}");
            assert!(e.to_string().contains(needle), "{e} lacks {needle}");
        }
        let e = Slo::from_toml("name = 'a'\ntarget = nan").unwrap_err();
        assert!(e.to_string().contains("TOML"), "{e}");
    }
}
