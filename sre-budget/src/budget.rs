//! [`ErrorBudget`]: the allowed bad fraction, the allowed downtime, burn rates, time to
//! exhaustion, and [`BudgetStatus`] (consumed, remaining, forecast) at `now`.
//!
//! With the budgeting method "occurrences", the budget is `1 − objective` of all events
//! in the period. Spending it evenly over the period is a burn rate of 1; a burn rate of
//! `b` spends the whole budget in `period / b`.
//!
//! ```
//! use core::time::Duration;
//! use sre_budget::ErrorBudget;
//! use sre_core::Objective;
//!
//! const DAY: u64 = 86_400;
//! let budget = ErrorBudget::new(Objective::new(0.999)?, Duration::from_secs(30 * DAY))?;
//! // 99.9 % over 30 days allows 43.2 minutes of full downtime.
//! assert_eq!(budget.allowed_downtime().as_millis(), 43 * 60_000 + 12_000);
//! // Burn rate 2 exhausts a full budget in 15 days, burn rate 10 in 3 (the course text).
//! assert_eq!(budget.time_to_exhaustion(2.0), Some(Duration::from_secs(15 * DAY)));
//! assert_eq!(budget.time_to_exhaustion(10.0), Some(Duration::from_secs(3 * DAY)));
//! // An error ratio of 0.5 % burns a 0.1 % budget five times too fast.
//! assert!((budget.burn_rate_of(0.005) - 5.0).abs() < 1e-9);
//! # Ok::<(), sre_budget::Error>(())
//! ```

use crate::{Error, EventCounts, WindowCounts};
use core::time::Duration;
use sre_core::{Objective, Timestamp};

/// An error budget: an objective over a period.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct ErrorBudget {
    objective: Objective,
    period: Duration,
}

// Deserializing runs `ErrorBudget::new`, so a config file gets the same checks as code.
#[cfg(feature = "serde")]
sre_core::deserialize_via!(ErrorBudget { objective: Objective, period: Duration } => ErrorBudget::new(objective, period));

impl ErrorBudget {
    /// The budget of `objective` over `period` (at least one minute).
    pub fn new(objective: Objective, period: Duration) -> Result<Self, Error> {
        check_period(period)?;
        Ok(Self { objective, period })
    }

    /// The budget of an SLO.
    #[must_use]
    pub fn of(slo: &crate::Slo) -> Self {
        Self {
            objective: slo.objective(),
            period: slo.period(),
        }
    }

    /// The objective.
    #[must_use]
    pub fn objective(&self) -> Objective {
        self.objective
    }

    /// The period.
    #[must_use]
    pub fn period(&self) -> Duration {
        self.period
    }

    /// The fraction of events allowed to be bad, `1 − objective`.
    #[must_use]
    pub fn allowed_bad_fraction(&self) -> f64 {
        self.objective.error_budget()
    }

    /// The full outage the budget absorbs: `period × (1 − objective)`, to the millisecond.
    #[must_use]
    pub fn allowed_downtime(&self) -> Duration {
        let ms = self.period.as_secs_f64() * 1e3 * self.allowed_bad_fraction();
        Duration::from_millis(sre_core::f64_to_u64_saturating(ms.round()))
    }

    /// The burn rate of an error ratio: `ratio / (1 − objective)`.
    #[must_use]
    pub fn burn_rate_of(&self, error_ratio: f64) -> f64 {
        error_ratio / self.allowed_bad_fraction()
    }

    /// The burn rate over `window` ending at `now`, or `None` if the window saw no events.
    pub fn burn_rate<S: EventCounts + ?Sized>(
        &self,
        source: &S,
        now: Timestamp,
        window: Duration,
    ) -> Result<Option<f64>, Error> {
        Ok(source
            .counts(now, window)?
            .error_ratio()
            .map(|r| self.burn_rate_of(r)))
    }

    /// How long a full budget lasts at `burn_rate`: `period / burn_rate`, to the
    /// millisecond; `None` if the burn rate is not above zero (it never runs out).
    #[must_use]
    pub fn time_to_exhaustion(&self, burn_rate: f64) -> Option<Duration> {
        remaining_time(1.0, self.period, burn_rate)
    }

    /// The status given the counts of the period so far (the last `period` for a rolling
    /// window; since the month began for a calendar one), taken to cover the whole
    /// period ([`BudgetStatus::observed`] is the period).
    #[must_use]
    pub fn status(&self, period_counts: WindowCounts) -> BudgetStatus {
        self.status_observed(period_counts, self.period)
    }

    /// The status given the counts of the period so far, observed over `observed` only
    /// (capped at the period): for a source with data for less than the period, such as
    /// a process started more recently than one period ago.
    ///
    /// ```
    /// use core::time::Duration;
    /// use sre_budget::{ErrorBudget, WindowCounts};
    /// use sre_core::Objective;
    ///
    /// let month = Duration::from_secs(30 * 86_400);
    /// let b = ErrorBudget::new(Objective::new(0.999)?, month)?;
    /// // Five minutes after a start: 500 requests, 1 bad.
    /// let five = Duration::from_secs(300);
    /// let s = b.status_observed(WindowCounts { good: 499, total: 500 }, five);
    /// // Twice the allowance of the 500 requests seen: spent over 5 minutes, not 30 days.
    /// assert!((s.consumed - 2.0).abs() < 1e-9);
    /// assert_eq!(s.observed, five);
    /// assert!(!s.is_full_period());
    /// # Ok::<(), sre_budget::Error>(())
    /// ```
    #[must_use]
    pub fn status_observed(&self, period_counts: WindowCounts, observed: Duration) -> BudgetStatus {
        let allowed = self.allowed_bad_fraction() * period_counts.total as f64;
        let bad = period_counts.bad();
        let consumed = if period_counts.total == 0 {
            0.0
        } else {
            bad as f64 / allowed
        };
        BudgetStatus {
            counts: period_counts,
            allowed_bad_events: allowed,
            consumed,
            remaining: 1.0 - consumed,
            period: self.period,
            observed: observed.min(self.period),
        }
    }

    /// The status at `now`, reading the last `period` from `source`, over the span the
    /// source has data for ([`EventCounts::observed`]; the whole period if it does not
    /// say).
    pub fn status_at<S: EventCounts + ?Sized>(
        &self,
        source: &S,
        now: Timestamp,
    ) -> Result<BudgetStatus, Error> {
        let counts = source.counts(now, self.period)?;
        let observed = source.observed(now).unwrap_or(self.period);
        Ok(self.status_observed(counts, observed))
    }
}

/// Checks an SLO period: at least one minute ([`Error::BadPeriod`]) and at most
/// [`sre_core::MAX_PERIOD`] ([`sre_core::Error::PeriodTooLong`]).
pub(crate) fn check_period(period: Duration) -> Result<(), Error> {
    if period < sre_core::MINUTE {
        return Err(Error::BadPeriod { period });
    }
    sre_core::check_period("SLO period", period)?;
    Ok(())
}

fn remaining_time(fraction: f64, period: Duration, burn_rate: f64) -> Option<Duration> {
    if burn_rate.is_nan() || burn_rate <= 0.0 {
        return None;
    }
    let ms = fraction.max(0.0) * period.as_secs_f64() * 1e3 / burn_rate;
    Some(Duration::from_millis(sre_core::f64_to_u64_saturating(
        ms.round(),
    )))
}

/// The budget at a point in time.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct BudgetStatus {
    /// The events counted in the period.
    pub counts: WindowCounts,
    /// Bad events the period's traffic allows: `(1 − objective) × total`.
    pub allowed_bad_events: f64,
    /// Fraction of the budget spent: `bad / allowed` (0 with no traffic; may exceed 1),
    /// over the [`observed`](Self::observed) span.
    ///
    /// This is the occurrences method's definition, where the allowance scales with the
    /// traffic counted. Over a full period it is the share of the period's budget spent.
    /// Over a span shorter than the period (a process started 5 minutes ago, a short
    /// simulation) it is the budget consumed over that span: the bad events against the
    /// allowance of the traffic seen in it, which is the burn rate so far, not the share
    /// of a full period's budget. One bad request among 500 in the first 5 minutes of a
    /// 99.9 % SLO reads 2.0: twice the allowance of those 5 minutes, not twice the
    /// 30-day budget. Check [`is_full_period`](Self::is_full_period) before acting on it.
    pub consumed: f64,
    /// `1 − consumed`; negative once overspent (over the [`observed`](Self::observed)
    /// span, as `consumed`).
    pub remaining: f64,
    /// The SLO period.
    pub period: Duration,
    /// The part of the period the counts cover: `period` when the source has data for
    /// the whole period (or does not say, see [`EventCounts::observed`]); less for a
    /// source younger than the period. Minutes a restored process was down are inside
    /// it, without events.
    pub observed: Duration,
}

impl BudgetStatus {
    /// Whether the counts cover the whole period (`observed == period`): only then is
    /// [`consumed`](Self::consumed) the share of the period's budget spent.
    #[must_use]
    pub fn is_full_period(&self) -> bool {
        self.observed >= self.period
    }

    /// Whether the budget is spent (`remaining ≤ 0`).
    #[must_use]
    pub fn is_exhausted(&self) -> bool {
        self.remaining <= 0.0
    }

    /// How long the remaining budget lasts at `burn_rate`; zero if already exhausted,
    /// `None` if the burn rate is not above zero.
    #[must_use]
    pub fn time_to_exhaustion(&self, burn_rate: f64) -> Option<Duration> {
        remaining_time(self.remaining, self.period, burn_rate)
    }

    /// When the budget runs out if `burn_rate` holds from `now`.
    ///
    /// ```
    /// use core::time::Duration;
    /// use sre_budget::{WindowCounts, ErrorBudget};
    /// use sre_core::{Objective, Timestamp};
    ///
    /// let b = ErrorBudget::new(Objective::new(0.99)?, Duration::from_secs(30 * 86_400))?;
    /// // 10,000 events, 40 bad: 40 % of the 100 allowed is spent, 60 % is left.
    /// let s = b.status(WindowCounts { good: 9_960, total: 10_000 });
    /// assert!((s.remaining - 0.6).abs() < 1e-12);
    /// // At burn rate 6, 60 % of 30 days lasts 3 days.
    /// let now = Timestamp::from_secs(1_000);
    /// assert_eq!(s.forecast_exhaustion(now, 6.0), Some(now + Duration::from_secs(3 * 86_400)));
    /// # Ok::<(), sre_budget::Error>(())
    /// ```
    #[must_use]
    pub fn forecast_exhaustion(&self, now: Timestamp, burn_rate: f64) -> Option<Timestamp> {
        self.time_to_exhaustion(burn_rate).map(|d| now + d)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: u64 = 86_400;

    #[test]
    fn course_text_numbers() {
        let b = ErrorBudget::new(
            Objective::from_percent(99.9).unwrap(),
            Duration::from_secs(30 * DAY),
        )
        .unwrap();
        // 0.1 % of 30 days = 0.001 × 43,200 min = 43.2 min.
        assert_eq!(b.allowed_downtime(), Duration::from_millis(2_592_000));
        assert_eq!(
            b.time_to_exhaustion(1.0),
            Some(Duration::from_secs(30 * DAY))
        );
        assert_eq!(
            b.time_to_exhaustion(2.0),
            Some(Duration::from_secs(15 * DAY))
        );
        assert_eq!(
            b.time_to_exhaustion(10.0),
            Some(Duration::from_secs(3 * DAY))
        );
        assert_eq!(b.time_to_exhaustion(0.0), None);
        assert_eq!(b.time_to_exhaustion(f64::NAN), None);
    }

    #[test]
    fn status_spends_and_overspends() {
        let b = ErrorBudget::new(
            Objective::new(0.999).unwrap(),
            Duration::from_secs(30 * DAY),
        )
        .unwrap();
        let none = b.status(WindowCounts::default());
        assert!(none.consumed.abs() < f64::EPSILON && !none.is_exhausted());
        // 1,000,000 events allow 1,000 bad (up to the rounding of 1 − 0.999).
        let s = b.status(WindowCounts {
            good: 999_500,
            total: 1_000_000,
        });
        assert!((s.allowed_bad_events - 1_000.0).abs() < 1e-6);
        assert!((s.consumed - 0.5).abs() < 1e-9 && (s.remaining - 0.5).abs() < 1e-9);
        // Half the budget left at burn 2 lasts a quarter of the period: 7.5 days.
        assert_eq!(
            s.time_to_exhaustion(2.0),
            Some(Duration::from_secs(7 * DAY + DAY / 2))
        );
        let over = b.status(WindowCounts {
            good: 997_000,
            total: 1_000_000,
        });
        assert!(over.is_exhausted() && (over.remaining + 2.0).abs() < 1e-9);
        assert_eq!(over.time_to_exhaustion(1.0), Some(Duration::ZERO));
        assert!(ErrorBudget::new(Objective::new(0.9).unwrap(), Duration::from_secs(59)).is_err());
    }

    #[test]
    fn burn_rate_reads_the_window() {
        let b = ErrorBudget::new(Objective::new(0.99).unwrap(), Duration::from_secs(DAY)).unwrap();
        let mut s = crate::MinuteSeries::new(Duration::from_secs(DAY)).unwrap();
        for _ in 0..60 {
            s.push(97, 3);
        }
        let now = Timestamp::from_mins(60);
        let r = b
            .burn_rate(&s, now, Duration::from_secs(3600))
            .unwrap()
            .unwrap();
        assert!((r - 3.0).abs() < 1e-9, "{r}");
        assert_eq!(
            b.burn_rate(&s, Timestamp::ZERO, Duration::from_secs(60))
                .unwrap(),
            None
        );
        let st = b.status_at(&s, now).unwrap();
        assert_eq!(st.counts.total, 6_000);
    }
}
