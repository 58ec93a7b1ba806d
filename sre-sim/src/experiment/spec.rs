//! [`ExperimentSpec`]: the `[experiment]` table of a scenario, as written.

use crate::scenario::Span;

/// A signal read from the run's SLI window and latency histogram (through
/// [`sre_chaos::signals`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Signal {
    /// Bad ÷ total SLI events over `window` (bad: slow, timed out, dropped, failed).
    ErrorRatio,
    /// The latency quantile `q` of the requests completed over `window`, milliseconds.
    Quantile,
    /// SLI events (requests completed, good or bad) per `per` over `window`.
    Rate,
    /// The error ratio over `window` ÷ the scenario SLO's error budget.
    BurnRate,
}

impl Signal {
    /// The name in scenario files and reports (`error_ratio`).
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Self::ErrorRatio => "error_ratio",
            Self::Quantile => "quantile",
            Self::Rate => "rate",
            Self::BurnRate => "burn_rate",
        }
    }
}

/// One steady-state probe (`[[experiment.steady_state]]`): a signal over a window and
/// the Chaos Toolkit tolerance its value must satisfy.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct SteadyStateProbe {
    /// A label for the journal (default: the signal's name).
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "String::is_empty")
    )]
    pub name: String,
    /// What it reads.
    pub signal: Signal,
    /// The window ending at the check: whole minutes (the SLI window's resolution), at
    /// most `slo.period`.
    pub window: Span,
    /// The quantile, in [0, 1] (`quantile` only).
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub q: Option<f64>,
    /// The rate's unit of time (`rate` only; default 1 s): `per = "1m"` reads events
    /// per minute.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub per: Option<Span>,
    /// A Chaos Toolkit tolerance ([`sre_chaos::Tolerance`]): `[0, 0.001]` is the
    /// inclusive range, `{type = "range", range = [900, 1100]}` the decimal range, …
    pub tolerance: serde_json::Value,
}

/// A threshold: a number (ratios, burn rates) or a duration (latency quantiles).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Above {
    /// A plain number.
    Number(f64),
    /// A duration, written with a unit (`"200ms"`).
    Duration(Span),
}

#[cfg(feature = "serde")]
impl serde::Serialize for Above {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Number(x) => s.serialize_f64(*x),
            Self::Duration(d) => d.serialize(s),
        }
    }
}

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for Above {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Above;
            fn expecting(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                f.write_str("a number (0.05) or a duration with a unit (\"200ms\")")
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Above, E> {
                Ok(Above::Number(v))
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Above, E> {
                Ok(Above::Number(v as f64))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Above, E> {
                Ok(Above::Number(v as f64))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Above, E> {
                crate::units::parse_duration(v)
                    .map(|d| Above::Duration(Span(d)))
                    .map_err(E::custom)
            }
        }
        d.deserialize_any(V)
    }
}

/// One abort condition (`[[experiment.abort]]`): a signal crossing a threshold, or a
/// deadline. The fields a condition does not use must be absent.
#[derive(Debug, Clone, PartialEq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct AbortCondition {
    /// A label (a deadline's name, e.g. `failover`; default: the signal or `deadline`).
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "String::is_empty")
    )]
    pub name: String,
    /// The signal watched (absent for a deadline).
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub signal: Option<Signal>,
    /// Aborts when the method is still running this long after its first fault started
    /// ("no failover after 60 s"); met when the method's faults end on their own schedule.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub deadline: Option<Span>,
    /// The window ending at each tick (`error_ratio`, `burn_rate`, `rate`): whole minutes,
    /// at most `slo.period`.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub window: Option<Span>,
    /// Aborts when the signal is strictly above this: a number for `error_ratio` and
    /// `burn_rate`, a duration for `quantile`.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub above: Option<Above>,
    /// The quantile, in [0, 1] (`quantile`), over the requests completed since the
    /// previous tick.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub q: Option<f64>,
    /// Fewer latencies than this since the previous tick carry over to the next
    /// (`quantile`; default 1).
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub min_count: Option<u64>,
    /// The expected rate per `per` (`rate`).
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub expected: Option<f64>,
    /// The allowed relative deviation from `expected` (`rate`): 0.5 is ± 50 %.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub tolerance: Option<f64>,
    /// The rate's unit of time (`rate`; default 1 s).
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub per: Option<Span>,
}

/// The `[experiment]` table: a Chaos Toolkit experiment whose method is some of the
/// scenario's faults; see the [module docs](super).
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct ExperimentSpec {
    /// The experiment's title.
    pub title: String,
    /// What it tests, in words.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "String::is_empty")
    )]
    pub hypothesis: String,
    /// The labels of the `[[faults]]` that are the method (a label selects every fault
    /// that has it); empty: every fault.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Vec::is_empty")
    )]
    pub method: Vec<String>,
    /// The guard's interval (default 10 s).
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub tick: Option<Span>,
    /// Time from the method's end to the after steady state (default 1 m; the check then
    /// waits for the next whole minute).
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub settle: Option<Span>,
    /// `compatible` (Chaos Toolkit 1.44, the default) or `strict` ([`sre_chaos::Mode`]).
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub mode: Option<String>,
    /// `always` (the default here), `default`, `never` or `deviated`
    /// ([`sre_chaos::RollbackStrategy`]).
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub rollback_strategy: Option<String>,
    /// The steady-state hypothesis, checked before and after the method.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Vec::is_empty")
    )]
    pub steady_state: Vec<SteadyStateProbe>,
    /// The abort conditions, evaluated every `tick` while the method runs.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Vec::is_empty")
    )]
    pub abort: Vec<AbortCondition>,
    /// A manual abort: the kill switch tripped by hand at this time from the start of
    /// the run (inside the method).
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub abort_at: Option<Span>,
}

impl ExperimentSpec {
    /// An experiment titled `title` with every default: every fault is the method, no
    /// probe, no abort condition.
    #[must_use]
    pub fn new(title: &str) -> Self {
        Self {
            title: title.to_owned(),
            hypothesis: String::new(),
            method: Vec::new(),
            tick: None,
            settle: None,
            mode: None,
            rollback_strategy: None,
            steady_state: Vec::new(),
            abort: Vec::new(),
            abort_at: None,
        }
    }
}
