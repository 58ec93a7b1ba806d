//! On-call load: PagerDuty's interruption classes, pages per shift against the limit of
//! the Google SRE book (ch. 11) and the course (Module 29: at most 2 incidents per
//! 12-hour shift, one week in four on call, toil under 50 %), rotation size, toil.

use crate::Error;
use crate::civil::LocalTime;
use core::time::Duration;
use sre_core::Timestamp;

/// When a page interrupts someone (PagerDuty analytics' classes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Interruption {
    /// 08:00:00–17:59:59 local, Monday to Friday.
    Business,
    /// 18:00:00–21:59:59 Monday to Friday, and 08:00:00–21:59:59 Saturday and Sunday.
    Off,
    /// 22:00:00–07:59:59 every day. PagerDuty counts weekend nights as both "off" and
    /// "sleep"; here **sleep wins**, so every instant has exactly one class.
    Sleep,
}

impl Interruption {
    /// The class of `t` at a fixed offset of `utc_offset_min` minutes from UTC.
    ///
    /// ```
    /// use sre_incident::{civil::parse_utc, oncall::Interruption};
    /// let t = parse_utc("2026-01-05T07:59:59Z")?; // a Monday
    /// assert_eq!(Interruption::of(t, 0), Interruption::Sleep);
    /// assert_eq!(Interruption::of(t, 60), Interruption::Business); // 08:59:59 at UTC+1
    /// # Ok::<(), sre_incident::Error>(())
    /// ```
    #[must_use]
    pub fn of(t: Timestamp, utc_offset_min: i32) -> Self {
        let l = LocalTime::at(t, utc_offset_min);
        if l.hour >= 22 || l.hour < 8 {
            Self::Sleep
        } else if l.weekday < 5 && l.hour < 18 {
            Self::Business
        } else {
            Self::Off
        }
    }

    /// `"business"`, `"off"` or `"sleep"`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Business => "business",
            Self::Off => "off",
            Self::Sleep => "sleep",
        }
    }
}

/// Pages counted by [`Interruption`] class.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct InterruptionCounts {
    /// During business hours.
    pub business: u64,
    /// Off hours, awake.
    pub off: u64,
    /// Sleep hours.
    pub sleep: u64,
}

/// Counts `pages` by interruption class at a fixed UTC offset. Cost: O(pages).
///
/// ```
/// use sre_incident::{civil::parse_utc, oncall::interruptions};
/// let pages = [parse_utc("2026-01-05T09:00:00Z")?, parse_utc("2026-01-10T23:30:00Z")?];
/// let c = interruptions(&pages, 0);
/// assert_eq!((c.business, c.off, c.sleep), (1, 0, 1)); // a Saturday night is sleep
/// # Ok::<(), sre_incident::Error>(())
/// ```
#[must_use]
pub fn interruptions(pages: &[Timestamp], utc_offset_min: i32) -> InterruptionCounts {
    let mut c = InterruptionCounts::default();
    for &p in pages {
        match Interruption::of(p, utc_offset_min) {
            Interruption::Business => c.business += 1,
            Interruption::Off => c.off += 1,
            Interruption::Sleep => c.sleep += 1,
        }
    }
    c
}

/// The most shifts or pages a [`shift_load`] accepts.
pub const MAX_SHIFT_ITEMS: usize = 1_000_000;

/// Pages per shift against the limit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShiftLoad {
    /// The limit: `⌊shift / time per incident⌋` (12 h / 6 h = 2).
    pub max_incidents_per_shift: u64,
    /// Pages in each shift `k`, `[start + k·shift, start + (k+1)·shift)`.
    pub pages_per_shift: Vec<u64>,
    /// Pages before the first or after the last shift.
    pub pages_outside_schedule: u64,
    /// Shifts over the limit.
    pub overloaded_shifts: Vec<usize>,
    /// No shift over the limit.
    pub within_limit: bool,
}

/// Counts `pages` into `shifts` consecutive shifts of `shift` from `start`, against one
/// incident per `per_incident` of work (Google SRE book ch. 11: 6 hours).
pub fn shift_load(
    start: Timestamp,
    shift: Duration,
    shifts: usize,
    per_incident: Duration,
    pages: &[Timestamp],
) -> Result<ShiftLoad, Error> {
    if shift.is_zero() {
        return Err(sre_core::Error::ZeroDuration {
            what: "shift length",
        }
        .into());
    }
    if per_incident.is_zero() {
        return Err(sre_core::Error::ZeroDuration {
            what: "time per incident",
        }
        .into());
    }
    for (what, n) in [
        ("number of shifts", shifts),
        ("number of pages", pages.len()),
    ] {
        if n > MAX_SHIFT_ITEMS {
            return Err(Error::TooMany {
                what,
                value: n as u64,
                bound: MAX_SHIFT_ITEMS as u64,
            });
        }
    }
    let max = u64::try_from(shift.as_nanos() / per_incident.as_nanos()).unwrap_or(u64::MAX);
    let len = u64::try_from(shift.as_nanos()).unwrap_or(u64::MAX);
    let mut per = vec![0u64; shifts];
    let mut outside = 0;
    for p in pages {
        let k = p
            .duration_since(start)
            .and_then(|d| {
                usize::try_from(u64::try_from(d.as_nanos()).unwrap_or(u64::MAX) / len).ok()
            })
            .filter(|&k| k < shifts);
        match k {
            Some(k) => per[k] += 1,
            None => outside += 1,
        }
    }
    let over: Vec<usize> = per
        .iter()
        .enumerate()
        .filter(|(_, c)| **c > max)
        .map(|(i, _)| i)
        .collect();
    Ok(ShiftLoad {
        max_incidents_per_shift: max,
        within_limit: over.is_empty(),
        pages_per_shift: per,
        pages_outside_schedule: outside,
        overloaded_shifts: over,
    })
}

/// A rotation check: the share of time each engineer is on call.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rotation {
    /// `on_call_at_once / engineers`.
    pub oncall_fraction: f64,
    /// `oncall_fraction ≤ max` (one week in four = 0.25).
    pub within_limit: bool,
    /// The smallest team within the limit: `⌈on_call_at_once / max⌉` (8 for two at once
    /// at 25 %, the Google SRE book's single-site minimum).
    pub min_engineers: u64,
}

const TIE: f64 = 1e-12;

/// Checks a rotation of `engineers` with `on_call_at_once` on call against a maximum
/// share `max_oncall_fraction` in (0, 1].
pub fn rotation(
    engineers: u64,
    on_call_at_once: u64,
    max_oncall_fraction: f64,
) -> Result<Rotation, Error> {
    if engineers == 0 {
        return Err(sre_core::Error::Zero { what: "engineers" }.into());
    }
    if on_call_at_once == 0 {
        return Err(sre_core::Error::Zero {
            what: "engineers on call at once",
        }
        .into());
    }
    let max = sre_core::Positive::named("max on-call fraction", max_oncall_fraction)?.get();
    let f = on_call_at_once as f64 / engineers as f64;
    let need = on_call_at_once as f64 / max;
    Ok(Rotation {
        oncall_fraction: f,
        within_limit: f <= max * (1.0 + TIE),
        min_engineers: sre_core::num::f64_to_u64_saturating((need * (1.0 - TIE)).ceil()),
    })
}

/// Toil's share of working time, and whether it is strictly under `max` (the course:
/// "< 50 %", so exactly half is not within).
pub fn toil(toil_hours: f64, total_hours: f64, max: f64) -> Result<(f64, bool), Error> {
    let t = sre_core::Rate::named("toil hours", toil_hours)?.get();
    let total = sre_core::Positive::named("total hours", total_hours)?.get();
    let f = t / total;
    Ok((f, f < max))
}
