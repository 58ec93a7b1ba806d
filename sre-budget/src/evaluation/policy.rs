//! [`EvalPolicy`]: an alert policy as the evaluation module judges it (single windows or
//! long/short pairs, `>` or `>=`, `for`, `keep_firing_for`, the low-traffic guard).

use crate::{AlertConfig, AlertPair, AlertPolicy, Error, Severity};
use core::time::Duration;
use sre_core::Objective;

/// How a window's error ratio is compared with its threshold `burn × (1 − objective)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Comparison {
    /// `ratio > threshold`: the workbook's and [`Evaluator`](crate::Evaluator)'s rule.
    #[default]
    Above,
    /// `ratio >= threshold`: the workbook's first approach.
    AtOrAbove,
}

/// One alerting condition: a long window, an optional short window, a burn factor.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WindowPair {
    long_min: u64,
    short_min: Option<u64>,
    burn_factor: f64,
}

/// The most pairs a policy holds (each pair costs a state machine per evaluated minute).
pub const MAX_PAIRS: usize = 16;

/// The longest period (and window) the evaluation accepts: 366 days.
pub const MAX_PERIOD: Duration = Duration::from_secs(366 * 86_400);

fn whole_minutes(pair: &str, which: &'static str, w: Duration) -> Result<u64, Error> {
    if w.is_zero() || w.subsec_nanos() != 0 || !w.as_secs().is_multiple_of(60) || w > MAX_PERIOD {
        return Err(Error::BadWindow {
            pair: pair.to_owned(),
            which,
            window: w,
        });
    }
    Ok(w.as_secs() / 60)
}

fn config_minutes(what: &'static str, d: Duration) -> Result<u64, Error> {
    if d.subsec_nanos() != 0 || !d.as_secs().is_multiple_of(60) || d > MAX_PERIOD {
        return Err(out_of_range(
            what,
            d.as_secs_f64(),
            "whole minutes from 0 to 366 days (in seconds)",
        ));
    }
    Ok(d.as_secs() / 60)
}

pub(crate) fn out_of_range(what: &'static str, value: f64, expected: &'static str) -> Error {
    Error::Core(sre_core::Error::OutOfRange {
        what,
        value,
        expected,
    })
}

impl WindowPair {
    /// A condition: `long` (whole minutes), `short` (whole minutes, shorter than `long`;
    /// `None` for a single-window alert) and a finite burn factor above 0.
    ///
    /// ```
    /// use core::time::Duration;
    /// use sre_budget::evaluation::WindowPair;
    /// let p = WindowPair::new(Duration::from_secs(3600), Some(Duration::from_secs(300)), 14.4)?;
    /// assert_eq!(p.long_min(), 60);
    /// assert!(WindowPair::new(Duration::from_secs(90), None, 1.0).is_err()); // not whole minutes
    /// # Ok::<(), sre_budget::Error>(())
    /// ```
    pub fn new(long: Duration, short: Option<Duration>, burn_factor: f64) -> Result<Self, Error> {
        let long_min = whole_minutes("evaluation", "long", long)?;
        let short_min = match short {
            Some(s) => {
                let m = whole_minutes("evaluation", "short", s)?;
                if m >= long_min {
                    return Err(Error::ShortNotShorter {
                        pair: "evaluation".into(),
                        short: s,
                        long,
                    });
                }
                Some(m)
            }
            None => None,
        };
        if !burn_factor.is_finite() || burn_factor <= 0.0 {
            return Err(Error::BadBurnRate {
                pair: "evaluation".into(),
                value: burn_factor,
            });
        }
        Ok(Self {
            long_min,
            short_min,
            burn_factor,
        })
    }

    /// A pair given in minutes (see [`new`](Self::new)).
    pub fn minutes(long: u64, short: Option<u64>, burn_factor: f64) -> Result<Self, Error> {
        let m = |x: u64| Duration::from_secs(x.saturating_mul(60));
        Self::new(m(long), short.map(m), burn_factor)
    }

    /// The same condition as an [`AlertPair`] of `sre-budget` (whose windows must be
    /// whole minutes).
    pub fn from_alert_pair(p: &AlertPair) -> Result<Self, Error> {
        Self::new(p.long_window(), Some(p.short_window()), p.burn_rate())
    }

    /// The long window in minutes.
    #[must_use]
    pub fn long_min(&self) -> u64 {
        self.long_min
    }

    /// The short window in minutes (`None`: single window).
    #[must_use]
    pub fn short_min(&self) -> Option<u64> {
        self.short_min
    }

    /// The burn factor.
    #[must_use]
    pub fn burn_factor(&self) -> f64 {
        self.burn_factor
    }
}

/// An alert policy to evaluate: an objective, a period, pairs (OR-ed: the policy fires
/// when any pair fires), one comparison, and Prometheus' `for`, `keep_firing_for` and
/// the low-traffic guard (an [`AlertConfig`], applied to every pair).
///
/// Always: 1 to [`MAX_PAIRS`] pairs; period, windows, `for` and `keep_firing_for` are
/// whole minutes; no window is longer than the period; the period is at most
/// [`MAX_PERIOD`].
#[derive(Debug, Clone, PartialEq)]
pub struct EvalPolicy {
    name: String,
    objective: Objective,
    period_min: u64,
    pairs: Vec<WindowPair>,
    comparison: Comparison,
    config: AlertConfig,
    for_min: u64,
    keep_firing_for_min: u64,
    error_budget: f64,
}

impl EvalPolicy {
    /// A policy; see the type's guarantees for what is refused.
    pub fn new(
        name: impl Into<String>,
        objective: Objective,
        period: Duration,
        pairs: Vec<WindowPair>,
        comparison: Comparison,
        config: AlertConfig,
    ) -> Result<Self, Error> {
        let period_min = config_minutes("evaluation period", period)?;
        if period_min == 0 {
            return Err(Error::BadPeriod { period });
        }
        if pairs.is_empty() {
            return Err(Error::EmptyPolicy);
        }
        if pairs.len() > MAX_PAIRS {
            return Err(out_of_range(
                "number of window pairs",
                pairs.len() as f64,
                "1 to 16 pairs",
            ));
        }
        for p in &pairs {
            if p.long_min > period_min {
                return Err(Error::WindowLongerThanPeriod {
                    pair: "evaluation".into(),
                    which: "long",
                    window: Duration::from_secs(p.long_min * 60),
                    period,
                });
            }
        }
        let for_min = config_minutes("for", config.for_duration)?;
        let keep_firing_for_min = config_minutes("keep_firing_for", config.keep_firing_for)?;
        Ok(Self {
            name: name.into(),
            objective,
            period_min,
            pairs,
            comparison,
            config,
            for_min,
            keep_firing_for_min,
            error_budget: decimal_error_budget(objective),
        })
    }

    /// The pairs of an [`AlertPolicy`] (all of them, or those of one `severity`).
    pub fn from_alert_policy(
        name: impl Into<String>,
        objective: Objective,
        policy: &AlertPolicy,
        severity: Option<Severity>,
        config: AlertConfig,
    ) -> Result<Self, Error> {
        let pairs = policy
            .pairs()
            .iter()
            .filter(|p| severity.is_none_or(|s| p.severity() == s))
            .map(WindowPair::from_alert_pair)
            .collect::<Result<Vec<_>, _>>()?;
        Self::new(
            name,
            objective,
            policy.period(),
            pairs,
            Comparison::Above,
            config,
        )
    }

    /// The workbook's paging pairs for `period`: 1 h / 5 m spending 2 % and 6 h / 30 m
    /// spending 5 % of the budget (14.4 and 6 for 30 days), no `for`, no guard.
    pub fn workbook_page(objective: Objective, period: Duration) -> Result<Self, Error> {
        let p = period.as_secs_f64() / 60.0;
        let pairs = vec![
            WindowPair::minutes(60, Some(5), 0.02 * p / 60.0)?,
            WindowPair::minutes(360, Some(30), 0.05 * p / 360.0)?,
        ];
        Self::new(
            "workbook_page",
            objective,
            period,
            pairs,
            Comparison::Above,
            AlertConfig::default(),
        )
    }

    /// The six approaches of the SRE Workbook, ch. 5 "Alerting on SLOs", in order, with
    /// burn factors derived for `period` from the budget shares the chapter gives (for
    /// 30 days exactly its numbers):
    ///
    /// 1. error ratio ≥ budget over 10 m (`>=`, burn 1);
    /// 2. error ratio > budget over 36 h;
    /// 3. error ratio > budget over 1 m, `for: 1h`;
    /// 4. burn over 1 h spending 5 % (36);
    /// 5. single windows 1 h (2 %, 14.4), 6 h (5 %, 6), 3 d (10 %, 1);
    /// 6. the same with short windows of 1/12: 5 m, 30 m, 6 h.
    pub fn workbook_approaches(objective: Objective, period: Duration) -> Result<Vec<Self>, Error> {
        let p = period.as_secs_f64() / 60.0;
        let b = |share: f64, long: u64| share * p / long as f64;
        let one = |name: &str, pairs: Vec<WindowPair>, cmp: Comparison, for_min: u64| {
            let config = AlertConfig {
                for_duration: Duration::from_secs(for_min * 60),
                ..AlertConfig::default()
            };
            Self::new(name, objective, period, pairs, cmp, config)
        };
        Ok(vec![
            one(
                "1_target_10m",
                vec![WindowPair::minutes(10, None, 1.0)?],
                Comparison::AtOrAbove,
                0,
            )?,
            one(
                "2_window_36h",
                vec![WindowPair::minutes(2160, None, 1.0)?],
                Comparison::Above,
                0,
            )?,
            one(
                "3_for_1h",
                vec![WindowPair::minutes(1, None, 1.0)?],
                Comparison::Above,
                60,
            )?,
            one(
                "4_burn_1h_x36",
                vec![WindowPair::minutes(60, None, b(0.05, 60))?],
                Comparison::Above,
                0,
            )?,
            one(
                "5_multi_burn",
                vec![
                    WindowPair::minutes(60, None, b(0.02, 60))?,
                    WindowPair::minutes(360, None, b(0.05, 360))?,
                    WindowPair::minutes(4320, None, b(0.1, 4320))?,
                ],
                Comparison::Above,
                0,
            )?,
            one(
                "6_multiwindow",
                vec![
                    WindowPair::minutes(60, Some(5), b(0.02, 60))?,
                    WindowPair::minutes(360, Some(30), b(0.05, 360))?,
                    WindowPair::minutes(4320, Some(360), b(0.1, 4320))?,
                ],
                Comparison::Above,
                0,
            )?,
        ])
    }

    /// The same policy under another name.
    #[must_use]
    pub fn named(mut self, name: impl Into<String>) -> Self {
        self.name = name.into();
        self
    }

    /// The name (a label in reports).
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The objective.
    #[must_use]
    pub fn objective(&self) -> Objective {
        self.objective
    }

    /// The period in minutes.
    #[must_use]
    pub fn period_min(&self) -> u64 {
        self.period_min
    }

    /// The pairs.
    #[must_use]
    pub fn pairs(&self) -> &[WindowPair] {
        &self.pairs
    }

    /// The comparison.
    #[must_use]
    pub fn comparison(&self) -> Comparison {
        self.comparison
    }

    /// `for`, `keep_firing_for` and the guard.
    #[must_use]
    pub fn config(&self) -> AlertConfig {
        self.config
    }

    /// `for` in minutes.
    #[must_use]
    pub fn for_min(&self) -> u64 {
        self.for_min
    }

    /// `keep_firing_for` in minutes.
    #[must_use]
    pub fn keep_firing_for_min(&self) -> u64 {
        self.keep_firing_for_min
    }

    /// `1 − objective` with decimal semantics: the objective is read as the shortest
    /// decimal that round-trips it, so 0.999 gives the `f64` nearest 0.001 (plain
    /// subtraction gives 0.0010000000000000009).
    #[must_use]
    pub fn error_budget(&self) -> f64 {
        self.error_budget
    }

    /// Pair `i`'s threshold, `burn × (1 − objective)` (decimal error budget).
    ///
    /// # Panics
    /// If `i` is not a pair index.
    #[must_use]
    pub fn threshold(&self, i: usize) -> f64 {
        self.pairs[i].burn_factor * self.error_budget
    }
}

/// `1 − objective` computed on the objective's shortest round-trip decimal.
pub(crate) fn decimal_error_budget(objective: Objective) -> f64 {
    let text = objective.get().to_string();
    let exact = text.strip_prefix("0.").and_then(|digits| {
        let n = u32::try_from(digits.len()).ok().filter(|&n| n <= 38)?;
        let m: u128 = digits.parse().ok()?;
        let eb = 10u128.checked_pow(n)?.checked_sub(m)?;
        format!("{eb}e-{n}").parse::<f64>().ok()
    });
    exact.unwrap_or_else(|| objective.error_budget())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimal_budget_is_the_nearest_double() {
        for (o, eb) in [
            (0.999, 0.001_f64),
            (0.99999, 0.00001),
            (0.9995, 0.0005),
            (0.9, 0.1),
        ] {
            let got = decimal_error_budget(Objective::new(o).unwrap());
            assert!(got.to_bits() == eb.to_bits(), "{o}: {got} vs {eb}");
        }
    }

    #[test]
    fn bad_policies_are_refused() {
        let o = Objective::new(0.999).unwrap();
        let month = Duration::from_secs(30 * 86_400);
        let c = AlertConfig::default();
        assert!(matches!(
            EvalPolicy::new("x", o, month, vec![], Comparison::Above, c),
            Err(Error::EmptyPolicy)
        ));
        let long = WindowPair::minutes(60 * 24 * 40, None, 1.0).unwrap();
        assert!(matches!(
            EvalPolicy::new("x", o, month, vec![long], Comparison::Above, c),
            Err(Error::WindowLongerThanPeriod { .. })
        ));
        assert!(matches!(
            WindowPair::minutes(5, Some(5), 1.0),
            Err(Error::ShortNotShorter { .. })
        ));
        assert!(matches!(
            WindowPair::minutes(5, None, f64::NAN),
            Err(Error::BadBurnRate { .. })
        ));
        let p = WindowPair::minutes(5, None, 1.0).unwrap();
        let bad_for = AlertConfig {
            for_duration: Duration::from_secs(90),
            ..c
        };
        let e = EvalPolicy::new("x", o, month, vec![p], Comparison::Above, bad_for).unwrap_err();
        assert!(e.to_string().contains("for"), "{e}");
        let many = vec![p; MAX_PAIRS + 1];
        assert!(EvalPolicy::new("x", o, month, many, Comparison::Above, c).is_err());
    }

    #[test]
    #[allow(clippy::float_cmp)] // 30-day burns are the workbook's exact numbers
    fn the_six_approaches_have_the_workbook_burns() {
        let o = Objective::new(0.999).unwrap();
        let a = EvalPolicy::workbook_approaches(o, Duration::from_secs(30 * 86_400)).unwrap();
        assert_eq!(a.len(), 6);
        assert_eq!(a[3].pairs()[0].burn_factor(), 36.0);
        let burns: Vec<f64> = a[5].pairs().iter().map(WindowPair::burn_factor).collect();
        assert_eq!(burns, [14.4, 6.0, 1.0]);
    }
}
