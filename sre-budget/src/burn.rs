//! [`AlertPolicy`]: multi-window, multi-burn-rate alert pairs (SRE Workbook, "Alerting on
//! SLOs", table 5-8), with burn rates derived for any period.
//!
//! A pair alerts when the error ratio over **both** its long and its short window is
//! strictly greater than `burn_rate × (1 − objective)`. The long window gives precision
//! (a blip does not page), the short one a fast reset (the alert stops soon after the
//! problem does).
//!
//! # The workbook's arithmetic, on numbers
//!
//! A pair is chosen by the share of the budget it may spend before it fires:
//! `burn_rate = budget_fraction × period / long_window`.
//!
//! | pair | long / short | spent when it fires | burn, 30 d | burn, 28 d |
//! |---|---|---|---|---|
//! | `page_1h_5m`   | 1 h / 5 m  | 2 %  | 0.02 × 720 h / 1 h = **14.4** | 0.02 × 672 / 1 = **13.44** |
//! | `page_6h_30m`  | 6 h / 30 m | 5 %  | 0.05 × 720 / 6 = **6**        | 0.05 × 672 / 6 = **5.6** |
//! | `ticket_1d_2h` | 1 d / 2 h  | 10 % | 0.1 × 30 / 1 = **3**          | 0.1 × 28 / 1 = **2.8** |
//! | `ticket_3d_6h` | 3 d / 6 h  | 10 % | 0.1 × 30 / 3 = **1**          | 0.1 × 28 / 3 = **0.93** |
//!
//! Budget consumed when a pair fires = `burn × long_window / period`: 14.4 × 1 h / 720 h
//! = 2 %. Detection time for an error ratio `e` (the long window filling up) =
//! `(1 − SLO) / e × long_window × burn`: with a 99.9 % SLO, a total outage (`e = 1`)
//! pages after 0.001 × 1 h × 14.4 = 0.864 min ≈ 52 s, and 2 % errors page after
//! 0.001 / 0.02 × 60 min × 14.4 = 43.2 min. (The short window, 1/12 of the long one,
//! fills 12 times faster and never delays detection for a step change.)
//!
//! ```
//! use core::time::Duration;
//! use sre_budget::AlertPolicy;
//!
//! let p = AlertPolicy::workbook(Duration::from_secs(28 * 86_400))?;
//! let burns: Vec<f64> = p.pairs().iter().map(|pair| pair.burn_rate()).collect();
//! let want = [13.44, 5.6, 2.8, 0.9333];
//! for (b, w) in burns.iter().zip(want) { assert!((b - w).abs() < 1e-4, "{b} vs {w}"); }
//! let page = &p.pairs()[0];
//! assert_eq!(page.name(), "page_1h_5m");
//! assert!((page.budget_consumed_when_firing(p.period()) - 0.02).abs() < 1e-12);
//! # Ok::<(), sre_budget::Error>(())
//! ```

use crate::Error;
use core::fmt;
use core::time::Duration;
use sre_core::{HOUR, MINUTE, Objective};

/// Who an alert goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "lowercase"))]
pub enum Severity {
    /// Wake someone up.
    Page,
    /// A ticket for working hours.
    Ticket,
}

impl Severity {
    /// `"page"` or `"ticket"`, the label value in the generated rules.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Page => "page",
            Self::Ticket => "ticket",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One long/short window pair with its burn rate.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct AlertPair {
    name: String,
    severity: Severity,
    long: Duration,
    short: Duration,
    burn_rate: f64,
}

fn check_window(pair: &str, which: &'static str, w: Duration) -> Result<(), Error> {
    if w.is_zero() || w.subsec_nanos() != 0 {
        return Err(Error::BadWindow {
            pair: pair.to_owned(),
            which,
            window: w,
        });
    }
    Ok(())
}

impl AlertPair {
    /// A pair: `name` (letters, digits, `_`), the windows (whole seconds, short < long)
    /// and the burn rate (finite, > 0).
    pub fn new(
        name: impl Into<String>,
        severity: Severity,
        long: Duration,
        short: Duration,
        burn_rate: f64,
    ) -> Result<Self, Error> {
        let name = name.into();
        crate::slo::check_name("alert pair name", &name, false)?;
        check_window(&name, "long", long)?;
        check_window(&name, "short", short)?;
        if short >= long {
            return Err(Error::ShortNotShorter {
                pair: name,
                short,
                long,
            });
        }
        if !burn_rate.is_finite() || burn_rate <= 0.0 {
            return Err(Error::BadBurnRate {
                pair: name,
                value: burn_rate,
            });
        }
        Ok(Self {
            name,
            severity,
            long,
            short,
            burn_rate,
        })
    }

    /// A pair whose burn rate spends `budget_fraction` of the budget of `period` over its
    /// long window: `burn = budget_fraction × period / long`.
    pub fn spending(
        name: impl Into<String>,
        severity: Severity,
        long: Duration,
        short: Duration,
        budget_fraction: f64,
        period: Duration,
    ) -> Result<Self, Error> {
        let burn = budget_fraction * (period.as_secs_f64() / long.as_secs_f64());
        Self::new(name, severity, long, short, burn)
    }

    /// The name (alert name in the rules and the replay output).
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The severity.
    #[must_use]
    pub fn severity(&self) -> Severity {
        self.severity
    }

    /// The long window.
    #[must_use]
    pub fn long_window(&self) -> Duration {
        self.long
    }

    /// The short window.
    #[must_use]
    pub fn short_window(&self) -> Duration {
        self.short
    }

    /// The burn rate.
    #[must_use]
    pub fn burn_rate(&self) -> f64 {
        self.burn_rate
    }

    /// The error-ratio threshold both windows must exceed: `burn × (1 − objective)`.
    /// The generated rules print this very `f64`, so both sides compare the same number.
    #[must_use]
    pub fn threshold(&self, objective: Objective) -> f64 {
        self.burn_rate * objective.error_budget()
    }

    /// The share of the budget spent when the pair fires on a steady burn:
    /// `burn × long / period`.
    #[must_use]
    pub fn budget_consumed_when_firing(&self, period: Duration) -> f64 {
        self.burn_rate * self.long.as_secs_f64() / period.as_secs_f64()
    }

    /// How long a steady error ratio takes to push the long window over the threshold:
    /// `(1 − objective) / error_ratio × long × burn`; `None` if it never does.
    #[must_use]
    pub fn detection_time(&self, objective: Objective, error_ratio: f64) -> Option<Duration> {
        let th = self.threshold(objective);
        if error_ratio.is_nan() || error_ratio <= th {
            return None;
        }
        Some(self.long.mul_f64(th / error_ratio))
    }
}

/// A set of alert pairs for one SLO period.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct AlertPolicy {
    period: Duration,
    pairs: Vec<AlertPair>,
}

impl AlertPolicy {
    /// A policy of `pairs` for an SLO of `period`: at least one pair, distinct names,
    /// no window longer than the period.
    pub fn new(period: Duration, pairs: Vec<AlertPair>) -> Result<Self, Error> {
        crate::budget::check_period(period)?;
        if pairs.is_empty() {
            return Err(Error::EmptyPolicy);
        }
        for (i, p) in pairs.iter().enumerate() {
            if pairs[..i].iter().any(|q| q.name == p.name) {
                return Err(Error::DuplicatePair {
                    name: p.name.clone(),
                });
            }
            for (which, w) in [("long", p.long), ("short", p.short)] {
                if w > period {
                    return Err(Error::WindowLongerThanPeriod {
                        pair: p.name.clone(),
                        which,
                        window: w,
                        period,
                    });
                }
            }
        }
        Ok(Self { period, pairs })
    }

    /// The workbook's pairs (plus Sloth's 1 d / 2 h ticket) with burn rates derived for
    /// `period` from the budget shares 2 %, 5 %, 10 %, 10 %: for 30 days exactly
    /// 14.4, 6, 3 and 1. Fails for periods shorter than 3 days.
    pub fn workbook(period: Duration) -> Result<Self, Error> {
        // The period first: a zero period would otherwise surface as a zero burn rate.
        crate::budget::check_period(period)?;
        let h = |n: u32| n * HOUR;
        let m = |n: u32| n * MINUTE;
        let pairs = vec![
            AlertPair::spending("page_1h_5m", Severity::Page, h(1), m(5), 0.02, period)?,
            AlertPair::spending("page_6h_30m", Severity::Page, h(6), m(30), 0.05, period)?,
            AlertPair::spending("ticket_1d_2h", Severity::Ticket, h(24), h(2), 0.1, period)?,
            AlertPair::spending("ticket_3d_6h", Severity::Ticket, h(72), h(6), 0.1, period)?,
        ];
        Self::new(period, pairs)
    }

    /// The SLO period.
    #[must_use]
    pub fn period(&self) -> Duration {
        self.period
    }

    /// The pairs, in evaluation order.
    #[must_use]
    pub fn pairs(&self) -> &[AlertPair] {
        &self.pairs
    }

    /// The longest window of any pair: what the SLI window must keep.
    #[must_use]
    pub fn longest_window(&self) -> Duration {
        self.pairs.iter().map(|p| p.long).max().unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: u64 = 86_400;

    #[test]
    #[allow(clippy::float_cmp)] // the workbook's 30-day rates come out exact; that is the point
    fn workbook_rates_for_30_and_28_days() {
        let p = AlertPolicy::workbook(Duration::from_secs(30 * DAY)).unwrap();
        let got: Vec<f64> = p.pairs().iter().map(AlertPair::burn_rate).collect();
        assert_eq!(got, [14.4, 6.0, 3.0, 1.0]);
        let p28 = AlertPolicy::workbook(Duration::from_secs(28 * DAY)).unwrap();
        let got: Vec<f64> = p28.pairs().iter().map(AlertPair::burn_rate).collect();
        for (g, w) in got.iter().zip([13.44, 5.6, 2.8, 0.93]) {
            assert!((g - w).abs() < 0.005, "{g} vs {w}");
        }
        // Budget consumed when firing = the share each pair was derived from.
        for (pair, share) in p28.pairs().iter().zip([0.02, 0.05, 0.1, 0.1]) {
            assert!((pair.budget_consumed_when_firing(p28.period()) - share).abs() < 1e-12);
        }
    }

    #[test]
    fn detection_times_from_the_workbook() {
        let p = AlertPolicy::workbook(Duration::from_secs(30 * DAY)).unwrap();
        let o = Objective::new(0.999).unwrap();
        let page = &p.pairs()[0];
        // Total outage: 0.001 × 14.4 × 3600 s = 51.84 s.
        let t = page.detection_time(o, 1.0).unwrap();
        assert!((t.as_secs_f64() - 51.84).abs() < 1e-6, "{t:?}");
        // 2 % errors: 0.001 / 0.02 × 60 min × 14.4 = 43.2 min.
        let t = page.detection_time(o, 0.02).unwrap();
        assert!((t.as_secs_f64() - 43.2 * 60.0).abs() < 1e-6, "{t:?}");
        assert_eq!(page.detection_time(o, 0.01), None);
    }

    #[test]
    fn bad_pairs_and_policies_are_refused_with_a_fix() {
        let h = Duration::from_secs(3600);
        let m5 = Duration::from_secs(300);
        let e = AlertPair::new("p", Severity::Page, m5, h, 14.4).unwrap_err();
        assert!(matches!(e, Error::ShortNotShorter { .. }) && e.to_string().contains("swap"));
        let e = AlertPair::new("p", Severity::Page, h, Duration::ZERO, 1.0).unwrap_err();
        assert!(matches!(e, Error::BadWindow { .. }));
        for bad in [0.0, -1.0, f64::NAN, f64::INFINITY] {
            assert!(matches!(
                AlertPair::new("p", Severity::Page, h, m5, bad),
                Err(Error::BadBurnRate { .. })
            ));
        }
        assert_eq!(AlertPolicy::new(h, vec![]), Err(Error::EmptyPolicy));
        let pair = AlertPair::new("p", Severity::Page, h, m5, 2.0).unwrap();
        let e = AlertPolicy::new(Duration::from_secs(1800), vec![pair.clone()]).unwrap_err();
        assert!(matches!(e, Error::WindowLongerThanPeriod { .. }), "{e}");
        let e = AlertPolicy::new(h, vec![pair.clone(), pair]).unwrap_err();
        assert!(matches!(e, Error::DuplicatePair { .. }));
        assert!(AlertPolicy::workbook(Duration::from_secs(2 * DAY)).is_err());
    }
}
