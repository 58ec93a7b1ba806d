//! Incidents in a run: pages become `sre-incident` timelines with a modelled responder,
//! and the on-call load they put on 12-hour shifts.
//!
//! **What opens and closes an incident.** A page (a `page` alert of the workbook policy)
//! firing while no other page fires opens an incident; pages firing while it is open join
//! it. The incident's page episode ends when no page fires any more.
//!
//! **Its timeline**, all on simulated time:
//!
//! - *impact started*: the start of the stretch of consecutive bad minutes (the run's
//!   minute check: the minute's error ratio above the error budget, as in
//!   [`SloSummary::bad_minutes`](crate::report::SloSummary::bad_minutes)) that holds the
//!   latest bad minute ending at or before the page; the page itself when there is none;
//! - *detected* and *triggered*: the page's firing time;
//! - *acknowledged*: [`Responders::acknowledge_after`] after the trigger, unless the page
//!   episode ended first (the incident auto-resolved; no acknowledgement);
//! - *mitigated*: the earlier of the responder's mitigation,
//!   [`Responders::mitigate_after`] after the acknowledgement, and the end of the bad
//!   stretch (the SLI good again on its own, e.g. once the autoscaler caught up).
//!   **Mitigation does not change the simulated traffic or pool**: the responder's
//!   mitigation is a modelled time at which users are taken to stop seeing the problem,
//!   not an action the simulator applies; [`IncidentRecord::mitigated_by`] says which of
//!   the two it was and [`IncidentRecord::sli_recovered_s`] gives the measured recovery;
//! - *resolved*: the later of the end of the page episode and the mitigation.
//!
//! Events after the end of the run are left out (the incident is open at the end).
//!
//! Cost: O(1) a minute and a page transition, one record per incident.
//!
//! ```
//! use core::time::Duration;
//! use sre_sim::{Scenario, ServiceTime, Simulation, incidents};
//!
//! // 100 requests a minute on 20 servers of 10 ms (the SLO: 99.9 % within 100 ms); from
//! // 6 h 40 min, 10 minutes in which every request takes 200 ms.
//! let service = ServiceTime::fixed(Duration::from_millis(10))?;
//! let s = Scenario::fixed_pool("outage", 100.0 / 60.0, service, 20, Duration::from_secs(8 * 3600));
//! let requests = (0..480u64).flat_map(|m| {
//!     let slow = (400..410).contains(&m);
//!     (0..100u64).map(move |k| (m * 60_000_000_000 + k * 500_000_000, if slow { 200_000_000 } else { 10_000_000 }))
//! });
//! let report = Simulation::new(s)?.run_requests(requests)?;
//! let i = &report.incidents[0];
//! assert_eq!(i.ttd_s, Some(60.0)); // the 1 h / 5 m page: 14.4 × 0.1 % × 60 min ÷ 100 % = 0.864 min
//! assert_eq!(i.tta_s, Some(300.0)); // the default responder
//! assert_eq!(i.mitigated_by, "sli_recovered"); // after 10 minutes, before the responder's 35
//! let md = incidents::postmortem(&report, i)?.to_markdown();
//! assert!(md.contains("- Severity: SEV1"));
//! # Ok::<(), sre_sim::Error>(())
//! ```

use crate::report::Report;
use crate::scenario::Span;
use core::time::Duration;
use sre_core::Timestamp;
use sre_incident::oncall::{ShiftLoad, shift_load};
use sre_incident::{
    ActionItem, EventKind, Impact, Postmortem, Priority, Severity, SeverityRule, ShareThresholds,
    Timeline,
};

const MINUTE_NS: u64 = 60_000_000_000;
/// The course's shift (Module 29): 12 hours.
pub const SHIFT: Duration = Duration::from_secs(12 * 3600);
/// Time per incident behind the course's limit of 2 incidents a 12-hour shift (Google SRE
/// book, ch. 11: 6 hours).
pub const TIME_PER_INCIDENT: Duration = Duration::from_secs(6 * 3600);

/// The responder model: how long after a page the on-call engineer acknowledges it, and
/// how long after acknowledging they mitigate. The scenario's optional `[responders]`
/// table; absent, the defaults: 5 minutes to acknowledge and 30 minutes to mitigate (the
/// course's postmortem example: alert 14:35, acknowledged 14:40). Delays are added
/// saturating; a time past the run's end leaves its event out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct Responders {
    /// Trigger → acknowledged (default `"5m"`).
    #[cfg_attr(feature = "serde", serde(default = "five_minutes"))]
    pub acknowledge_after: Span,
    /// Acknowledged → the responder's mitigation (default `"30m"`).
    #[cfg_attr(feature = "serde", serde(default = "thirty_minutes"))]
    pub mitigate_after: Span,
}

fn five_minutes() -> Span {
    Span::secs(300)
}

fn thirty_minutes() -> Span {
    Span::secs(1800)
}

impl Default for Responders {
    fn default() -> Self {
        Self {
            acknowledge_after: five_minutes(),
            mitigate_after: thirty_minutes(),
        }
    }
}

/// One incident of a run: its events (seconds since the start), TTx and measurements.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct IncidentRecord {
    /// 1, 2, … in trigger order.
    pub id: u64,
    /// The page alert that opened it, e.g. `page_1h_5m`.
    pub opened_by: String,
    /// Page firings it holds (the opening one included).
    pub pages: u64,
    /// Impact started.
    pub impact_start_s: f64,
    /// Detected and triggered: the page's firing time.
    pub triggered_s: f64,
    /// Acknowledged (`None`: auto-resolved first, or after the run's end).
    pub acknowledged_s: Option<f64>,
    /// Mitigated (`None`: still impacted at the run's end).
    pub mitigated_s: Option<f64>,
    /// `responder` or `sli_recovered` (empty when not mitigated).
    pub mitigated_by: String,
    /// When the bad stretch ended, measured (`None`: not within the run).
    pub sli_recovered_s: Option<f64>,
    /// When no page fired any more (`None`: still firing at the end).
    pub page_resolved_s: Option<f64>,
    /// Resolved (`None`: open at the end).
    pub resolved_s: Option<f64>,
    /// Time to detect, seconds ([`Timeline::ttd`]).
    pub ttd_s: Option<f64>,
    /// Time to acknowledge ([`Timeline::tta`]).
    pub tta_s: Option<f64>,
    /// Time to mitigate ([`Timeline::ttm`]).
    pub ttm_s: Option<f64>,
    /// Time to resolve ([`Timeline::ttr`]).
    pub ttr_s: Option<f64>,
    /// The worst minute's error ratio in the bad stretch.
    pub worst_error_ratio: f64,
    /// Bad minutes in the stretch.
    pub bad_minutes: u64,
    /// Long-window error ratio of the opening page.
    pub long_ratio_at_detection: Option<f64>,
    /// Share of the period's budget spent when it fired (as the alert reports it).
    pub budget_spent_at_detection: f64,
    /// `SEV1` … `SEV4` by `sre-incident`'s default [`ShareThresholds`] on the worst
    /// minute's error ratio and impact start → mitigated.
    pub severity: String,
}

/// Pages per 12-hour shift from the start of the run against the course's limit.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct OnCallLoad {
    /// Shift length, seconds (43,200).
    pub shift_s: u64,
    /// The limit: 2 (12 h ÷ 6 h an incident).
    pub max_incidents_per_shift: u64,
    /// Incidents triggered in each shift of the run.
    pub pages_per_shift: Vec<u64>,
    /// Shifts over the limit (0-based).
    pub overloaded_shifts: Vec<usize>,
    /// No shift over the limit.
    pub within_limit: bool,
}

fn secs(ns: u64) -> f64 {
    ns as f64 / 1e9
}

fn nanos(s: f64) -> u64 {
    sre_core::f64_to_u64_saturating((s * 1e9).round())
}

impl IncidentRecord {
    /// The validated `sre-incident` timeline of the record.
    pub fn timeline(&self) -> Result<Timeline, sre_incident::Error> {
        let at = |s: f64| Timestamp::from_nanos(nanos(s));
        let mut ev = vec![
            (EventKind::ImpactStarted, at(self.impact_start_s)),
            (EventKind::Detected, at(self.triggered_s)),
            (EventKind::Triggered, at(self.triggered_s)),
        ];
        for (k, v) in [
            (EventKind::Acknowledged, self.acknowledged_s),
            (EventKind::Mitigated, self.mitigated_s),
            (EventKind::Resolved, self.resolved_s),
        ] {
            if let Some(v) = v {
                ev.push((k, at(v)));
            }
        }
        Timeline::new(ev)
    }
}

/// An incident being built during the run.
#[derive(Debug, Clone)]
struct Draft {
    opened_by: String,
    fired: u64,
    pages: u64,
    long_ratio: Option<f64>,
    budget_spent: f64,
    /// `None` until the minutes up to the firing are in.
    impact_start: Option<u64>,
    /// Its bad stretch is the current one (worst and recovery still to come).
    attached: bool,
    worst: f64,
    bad_minutes: u64,
    sli_recovered: Option<u64>,
    page_resolved: Option<u64>,
}

/// A stretch of consecutive bad minutes.
#[derive(Debug, Clone, Copy)]
struct Stretch {
    start: u64,
    end: u64,
    worst: f64,
    minutes: u64,
}

/// Builds incidents online from the run's minute checks and page transitions.
#[derive(Debug, Clone, Default)]
pub(crate) struct Tracker {
    cur: Option<Stretch>,
    last: Option<Stretch>,
    firing: u32,
    drafts: Vec<Draft>,
}

impl Tracker {
    /// The minute ending at `end_ns` had `total` events of which `bad`, bad when the
    /// ratio is over `budget`.
    pub(crate) fn minute(&mut self, end_ns: u64, total: u64, bad: u64, budget: f64) {
        self.settle(end_ns);
        let ratio = if total > 0 {
            bad as f64 / total as f64
        } else {
            0.0
        };
        if total > 0 && bad as f64 > budget * total as f64 {
            let s = self.cur.get_or_insert(Stretch {
                start: end_ns.saturating_sub(MINUTE_NS),
                end: end_ns,
                worst: 0.0,
                minutes: 0,
            });
            s.end = end_ns;
            s.worst = s.worst.max(ratio);
            s.minutes += 1;
            let s = *s;
            for d in self.drafts.iter_mut().rev().take_while(|d| d.attached) {
                d.worst = s.worst;
                d.bad_minutes = s.minutes;
            }
        } else if let Some(s) = self.cur.take() {
            for d in self.drafts.iter_mut().rev().take_while(|d| d.attached) {
                d.attached = false;
                d.sli_recovered = Some(s.end);
            }
            self.last = Some(s);
        }
    }

    /// Gives drafts fired before `next_minute_end` their impact start from the minutes
    /// ending at or before their firing (all in by now).
    fn settle(&mut self, next_minute_end: u64) {
        let (cur, last) = (self.cur, self.last);
        for d in self
            .drafts
            .iter_mut()
            .rev()
            .take_while(|d| d.impact_start.is_none())
        {
            if d.fired >= next_minute_end {
                continue;
            }
            match (cur, last) {
                (Some(s), _) => {
                    d.impact_start = Some(s.start);
                    d.attached = true;
                    d.worst = s.worst;
                    d.bad_minutes = s.minutes;
                }
                (None, Some(s)) => {
                    d.impact_start = Some(s.start);
                    d.worst = s.worst;
                    d.bad_minutes = s.minutes;
                    d.sli_recovered = Some(s.end);
                }
                (None, None) => {
                    d.impact_start = Some(d.fired);
                    d.sli_recovered = Some(d.fired);
                }
            }
        }
    }

    /// A page alert fired (`firing`) or resolved at `t_ns`.
    pub(crate) fn page(
        &mut self,
        t_ns: u64,
        firing: bool,
        alert: &str,
        long_ratio: Option<f64>,
        budget_spent: f64,
    ) {
        if firing {
            self.firing += 1;
            match self.drafts.last_mut() {
                Some(d) if d.page_resolved.is_none() => d.pages += 1,
                _ => self.drafts.push(Draft {
                    opened_by: alert.to_owned(),
                    fired: t_ns,
                    pages: 1,
                    long_ratio,
                    budget_spent,
                    impact_start: None,
                    attached: false,
                    worst: 0.0,
                    bad_minutes: 0,
                    sli_recovered: None,
                    page_resolved: None,
                }),
            }
        } else {
            self.firing = self.firing.saturating_sub(1);
            if self.firing == 0
                && let Some(d) = self.drafts.last_mut()
            {
                d.page_resolved.get_or_insert(t_ns);
            }
        }
    }

    /// The incidents of a run that ended at `end_ns`, with `responders`.
    pub(crate) fn finish(
        mut self,
        end_ns: u64,
        responders: &Responders,
    ) -> Result<Vec<IncidentRecord>, crate::Error> {
        self.settle(u64::MAX);
        let within = |t: u64| (t <= end_ns).then_some(t);
        let mut out = Vec::with_capacity(self.drafts.len());
        for (i, d) in self.drafts.into_iter().enumerate() {
            let impact = d.impact_start.unwrap_or(d.fired).min(d.fired);
            let ack = d
                .fired
                .checked_add(responders.acknowledge_after.nanos())
                .filter(|&a| d.page_resolved.is_none_or(|r| a <= r))
                .and_then(within);
            let by_responder = ack
                .and_then(|a| a.checked_add(responders.mitigate_after.nanos()))
                .and_then(within);
            let (mitigated, by) = match (by_responder, d.sli_recovered.and_then(within)) {
                (Some(r), Some(s)) if s < r => (Some(s), "sli_recovered"),
                (Some(r), _) => (Some(r), "responder"),
                (None, Some(s)) => (Some(s), "sli_recovered"),
                (None, None) => (None, ""),
            };
            let mitigated = mitigated.map(|m| m.max(impact));
            let resolved = match (d.page_resolved, mitigated) {
                (Some(p), Some(m)) => within(p.max(m)),
                _ => None,
            };
            let record = IncidentRecord {
                id: i as u64 + 1,
                opened_by: d.opened_by,
                pages: d.pages,
                impact_start_s: secs(impact),
                triggered_s: secs(d.fired),
                acknowledged_s: ack.map(secs),
                mitigated_s: mitigated.map(secs),
                mitigated_by: by.to_owned(),
                sli_recovered_s: d.sli_recovered.and_then(within).map(secs),
                page_resolved_s: d.page_resolved.map(secs),
                resolved_s: resolved.map(secs),
                ttd_s: None,
                tta_s: None,
                ttm_s: None,
                ttr_s: None,
                worst_error_ratio: d.worst,
                bad_minutes: d.bad_minutes,
                long_ratio_at_detection: d.long_ratio,
                budget_spent_at_detection: d.budget_spent,
                severity: String::new(),
            };
            let t = record
                .timeline()
                .map_err(|e| crate::Error::Internal(format!("incident {}: {e}", i + 1)))?;
            let f = |v: Option<Duration>| v.map(|v| v.as_secs_f64());
            let lasted = Duration::from_nanos(mitigated.unwrap_or(end_ns).saturating_sub(impact));
            let severity = ShareThresholds::default().classify(&Impact {
                failing_share: d.worst,
                duration: lasted,
                data_loss_or_breach: false,
            });
            out.push(IncidentRecord {
                ttd_s: f(t.ttd()),
                tta_s: f(t.tta()),
                ttm_s: f(t.ttm()),
                ttr_s: f(t.ttr()),
                severity: severity.to_string(),
                ..record
            });
        }
        Ok(out)
    }
}

/// The on-call load of `incidents` over a run of `duration_ns`: triggers per
/// [`SHIFT`] against one incident per [`TIME_PER_INCIDENT`].
pub(crate) fn on_call(
    incidents: &[IncidentRecord],
    duration_ns: u64,
) -> Result<OnCallLoad, crate::Error> {
    let shift_ns = sre_core::duration_to_nanos_saturating(SHIFT);
    let shifts = usize::try_from(duration_ns.div_ceil(shift_ns)).unwrap_or(usize::MAX);
    let pages: Vec<Timestamp> = incidents
        .iter()
        .map(|i| Timestamp::from_nanos(nanos(i.triggered_s)))
        .collect();
    let ShiftLoad {
        max_incidents_per_shift,
        pages_per_shift,
        overloaded_shifts,
        within_limit,
        ..
    } = shift_load(Timestamp::ZERO, SHIFT, shifts, TIME_PER_INCIDENT, &pages)
        .map_err(|e| crate::Error::Internal(format!("on-call load: {e}")))?;
    Ok(OnCallLoad {
        shift_s: SHIFT.as_secs(),
        max_incidents_per_shift,
        pages_per_shift,
        overloaded_shifts,
        within_limit,
    })
}

fn clock(s: f64) -> String {
    let s = sre_core::f64_to_u64_saturating(s);
    format!(
        "day {} {:02}:{:02}",
        s / 86_400,
        s % 86_400 / 3600,
        s % 3600 / 60
    )
}

fn minutes(s: f64) -> String {
    format!("{:.0} min", s / 60.0)
}

/// The course's postmortem (Module 30) of `incident`, rendered from `report`'s measurements:
/// the traffic, pool and scaling actions during the impact, the page that fired and the
/// responder model's times. Root cause, what went well or poorly and the action items are
/// derived by fixed rules from those figures (each says what it rests on); times are
/// simulated time from the start of the run (day 0 00:00).
pub fn postmortem(report: &Report, incident: &IncidentRecord) -> Result<Postmortem, crate::Error> {
    let timeline = incident
        .timeline()
        .map_err(|e| crate::Error::Internal(format!("incident {}: {e}", incident.id)))?;
    let (from, to) = (
        incident.impact_start_s,
        incident.mitigated_s.unwrap_or(report.duration_s),
    );
    // The report intervals overlapping the impact (an interval ends at `t_s`).
    let during: Vec<_> = report
        .timeline
        .iter()
        .filter(|p| p.t_s > from && p.t_s - report.interval_s < to)
        .collect();
    let peak_rps = during.iter().map(|p| p.rps).fold(0.0, f64::max);
    let min_ready = during.iter().map(|p| p.ready).fold(f64::INFINITY, f64::min);
    let max_needed = during.iter().map(|p| p.needed).max().unwrap_or(0);
    let bad: u64 = during.iter().map(|p| p.bad).sum();
    let sent: f64 = during.iter().map(|p| p.rps * report.interval_s).sum();
    let scaling: Vec<_> = report
        .scaling
        .iter()
        .filter(|s| s.at_s >= from - 600.0 && s.at_s <= to)
        .collect();
    let under = min_ready.is_finite() && min_ready < max_needed as f64;
    let root_cause = if under {
        format!(
            "Load rose to {peak_rps:.0} RPS while as few as {min_ready:.1} servers were ready \
             ({} mean); {max_needed} were needed at the scenario's utilization target. The queue grew past \
             the latency threshold ({:.0} ms) until capacity caught up ({} pool change(s) from \
             10 minutes before the impact to its mitigation).",
            crate::units::format_duration(Duration::from_secs_f64(report.interval_s)),
            report.slo.latency_threshold_ms,
            scaling.len()
        )
    } else {
        format!(
            "Requests failed the SLO (worst minute {:.1} % bad) while {min_ready:.1} or more \
             servers were ready for {peak_rps:.0} RPS at peak: not a shortage of servers in \
             this run's measurements.",
            100.0 * incident.worst_error_ratio
        )
    };
    let impact = format!(
        "{:.1} % of requests failed the SLO in the worst minute; {} bad minutes; about {} bad \
         of {:.0} requests (simulated) in the report intervals of the impact",
        100.0 * incident.worst_error_ratio,
        incident.bad_minutes,
        bad,
        sent
    );
    let mut notes = vec![
        (
            EventKind::ImpactStarted,
            format!(
                "Impact starts ({}): first minute over the error budget",
                clock(from)
            ),
        ),
        (
            EventKind::Detected,
            format!(
                "{} fires ({}), long-window error ratio {:.4}, {:.2} % of the 30-day budget spent",
                incident.opened_by,
                clock(incident.triggered_s),
                incident.long_ratio_at_detection.unwrap_or(0.0),
                100.0 * incident.budget_spent_at_detection
            ),
        ),
        (
            EventKind::Triggered,
            "Incident opened, on-call paged".to_owned(),
        ),
        (
            EventKind::Acknowledged,
            "On-call acknowledges (responder model)".to_owned(),
        ),
    ];
    if incident.mitigated_s.is_some() {
        notes.push((
            EventKind::Mitigated,
            if incident.mitigated_by == "sli_recovered" {
                "Service restored: the SLI is good again without a responder action".to_owned()
            } else {
                "Service restored by the responder (modelled; the simulator does not change the \
                 traffic for it)"
                    .to_owned()
            },
        ));
    }
    notes.push((
        EventKind::Resolved,
        "Page resolved, incident resolved".to_owned(),
    ));
    let mut went_well = Vec::new();
    let mut went_poorly = Vec::new();
    if let Some(ttd) = incident.ttd_s {
        let line = format!(
            "Detection: the page fired {} after the impact started",
            minutes(ttd)
        );
        if ttd <= 600.0 {
            went_well.push(line);
        } else {
            went_poorly.push(line);
        }
    }
    let ups = scaling.iter().filter(|s| s.to > s.from).count();
    if ups > 0 {
        went_well.push(format!(
            "The autoscaler added capacity {ups} time(s) during the impact"
        ));
    }
    if incident.mitigated_by == "sli_recovered" {
        went_well.push("Service recovered before the responder's mitigation".to_owned());
    }
    if under {
        went_poorly.push(format!(
            "Capacity lagged the load: {min_ready:.1} ready servers against {max_needed} needed"
        ));
    }
    if let Some(ttm) = incident.ttm_s {
        went_poorly.push(format!("Users saw errors for {}", minutes(ttm)));
    }
    let mut action_items = Vec::new();
    if under {
        action_items.push(ActionItem {
            priority: Priority::P0,
            what: "Pre-scale for known traffic events from the capacity plan".to_owned(),
            owner: "@capacity".to_owned(),
            due: "before the next event".to_owned(),
        });
    }
    if incident.ttd_s.is_some_and(|t| t > 600.0) {
        action_items.push(ActionItem {
            priority: Priority::P1,
            what: "Tighten the fast-burn page (shorter windows or a higher burn factor)".to_owned(),
            owner: "@slo".to_owned(),
            due: "next sprint".to_owned(),
        });
    }
    action_items.push(ActionItem {
        priority: Priority::P2,
        what: "Replay this scenario in the simulator after each change".to_owned(),
        owner: "@on-call".to_owned(),
        due: "ongoing".to_owned(),
    });
    Ok(Postmortem {
        title: format!(
            "incident {} of \"{}\" ({})",
            incident.id,
            report.scenario,
            clock(incident.triggered_s)
        ),
        timeline,
        notes,
        impact,
        severity: severity_of(&incident.severity),
        root_cause,
        went_well,
        went_poorly,
        action_items,
        utc_offset_min: 0,
    })
}

fn severity_of(s: &str) -> Severity {
    match s {
        "SEV1" => Severity::Sev1,
        "SEV2" => Severity::Sev2,
        "SEV3" => Severity::Sev3,
        _ => Severity::Sev4,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Whatever the bad minutes and page transitions, every incident's timeline
        /// validates, the impact starts no later than the page, an acknowledgement is
        /// exactly the configured delay after it, and a responder's mitigation exactly the
        /// configured delay after that.
        #[test]
        fn every_timeline_validates(
            steps in proptest::collection::vec((any::<bool>(), 0u8..8), 1..400),
            ack_min in 0u64..20,
            mit_min in 0u64..60,
        ) {
            let responders = Responders {
                acknowledge_after: Span::secs(ack_min * 60),
                mitigate_after: Span::secs(mit_min * 60),
            };
            let mut t = Tracker::default();
            let mut firing = [false; 2];
            for (m, &(bad, toggle)) in steps.iter().enumerate() {
                let end = (m as u64 + 1) * MINUTE_NS;
                // Evaluation first, then the minute check, as the run does.
                for (pair, f) in firing.iter_mut().enumerate() {
                    if toggle & (1 << pair) != 0 {
                        *f = !*f;
                        t.page(end, *f, "page", Some(0.1), 0.01);
                    }
                }
                t.minute(end, 100, if bad { 50 } else { 0 }, 0.001);
            }
            let end = steps.len() as u64 * MINUTE_NS;
            let records = t.finish(end, &responders).unwrap();
            for r in &records {
                prop_assert!(r.timeline().is_ok());
                prop_assert!(r.impact_start_s <= r.triggered_s);
                if let Some(a) = r.tta_s {
                    prop_assert_eq!(a.to_bits(), ((ack_min * 60) as f64).to_bits());
                }
                if r.mitigated_by == "responder" {
                    let ack = r.acknowledged_s.unwrap();
                    prop_assert_eq!(
                        r.mitigated_s.map(f64::to_bits),
                        Some((ack + (mit_min * 60) as f64).to_bits())
                    );
                }
                if let (Some(res), Some(p)) = (r.resolved_s, r.page_resolved_s) {
                    prop_assert!(res >= p);
                }
            }
            let on_call = on_call(&records, end).unwrap();
            prop_assert_eq!(on_call.pages_per_shift.iter().sum::<u64>(), records.len() as u64);
        }
    }
}
