//! [`Timeline`]: an incident's typed, timestamped events, validated, and its TTx.
//!
//! | metric | from | to | reference |
//! |---|---|---|---|
//! | [`ttd`](Timeline::ttd) | impact started | detected | Atlassian's MTTD |
//! | [`tta`](Timeline::tta) | triggered | acknowledged (first) | PagerDuty `mean_seconds_to_first_ack` |
//! | [`tte`](Timeline::tte) | triggered | responders engaged | no PagerDuty field relied on: the end is this timeline's own engagement event |
//! | [`ttm`](Timeline::ttm) | impact started | mitigated | Davidovič's MTTM ("service restored") |
//! | [`ttr`](Timeline::ttr) | triggered | resolved | PagerDuty `mean_seconds_to_resolve` |
//! | [`duration`](Timeline::duration) | impact started | resolved | the course's "Duration" |
//!
//! A metric is `None` when either of its events is missing. The course's postmortem
//! (deploy 14:30, alert 14:35, ack 14:40, restored 15:15, closed 16:45) gives TTD 5 min,
//! TTA 5 min, TTM 45 min, TTR 130 min and a duration of 135 min ("2 hours 15 minutes").
//!
//! ```
//! use sre_incident::{EventKind, Timeline, civil::parse_utc};
//! let at = |s: &str| parse_utc(s).unwrap();
//! let t = Timeline::new([
//!     (EventKind::ImpactStarted, at("2026-01-05T14:30:00Z")),
//!     (EventKind::Detected, at("2026-01-05T14:35:00Z")),
//!     (EventKind::Triggered, at("2026-01-05T14:35:00Z")),
//!     (EventKind::Acknowledged, at("2026-01-05T14:40:00Z")),
//!     (EventKind::Mitigated, at("2026-01-05T15:15:00Z")),
//!     (EventKind::Resolved, at("2026-01-05T16:45:00Z")),
//! ])?;
//! assert_eq!(t.ttr().unwrap().as_secs(), 130 * 60);
//! assert_eq!(t.duration().unwrap().as_secs(), 135 * 60);
//! # Ok::<(), sre_incident::Error>(())
//! ```

use crate::Error;
use crate::civil::format_utc;
use core::time::Duration;
use sre_core::Timestamp;

/// The kinds of timeline event, in their usual order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EventKind {
    /// Users start to see the problem.
    ImpactStarted,
    /// The problem is noticed (an alert fires, a person reports it).
    Detected,
    /// An incident is opened and someone is paged.
    Triggered,
    /// The first responder acknowledges the page.
    Acknowledged,
    /// Responders are engaged (working on it).
    RespondersEngaged,
    /// The root cause is identified.
    RootCauseIdentified,
    /// Mitigation starts (e.g. a rollback is initiated).
    MitigationStarted,
    /// Users no longer see the problem ("service restored").
    Mitigated,
    /// The incident is resolved.
    Resolved,
    /// The incident is closed (follow-up done).
    Closed,
}

impl EventKind {
    /// Every kind, in order.
    pub const ALL: [Self; 10] = [
        Self::ImpactStarted,
        Self::Detected,
        Self::Triggered,
        Self::Acknowledged,
        Self::RespondersEngaged,
        Self::RootCauseIdentified,
        Self::MitigationStarted,
        Self::Mitigated,
        Self::Resolved,
        Self::Closed,
    ];

    /// A snake-case name (`"impact_started"` …).
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ImpactStarted => "impact_started",
            Self::Detected => "detected",
            Self::Triggered => "triggered",
            Self::Acknowledged => "acknowledged",
            Self::RespondersEngaged => "responders_engaged",
            Self::RootCauseIdentified => "root_cause_identified",
            Self::MitigationStarted => "mitigation_started",
            Self::Mitigated => "mitigated",
            Self::Resolved => "resolved",
            Self::Closed => "closed",
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// Pairs `(earlier, later)` a timeline must respect when both are present. Mitigation
/// may precede the trigger and the acknowledgement (an automatic rollback), so neither
/// is ordered against it.
const ORDER: [(EventKind, EventKind); 12] = {
    use EventKind::*;
    [
        (ImpactStarted, Detected),
        (Detected, Triggered),
        (ImpactStarted, Triggered),
        (Triggered, Acknowledged),
        (Triggered, RespondersEngaged),
        (ImpactStarted, RootCauseIdentified),
        (ImpactStarted, MitigationStarted),
        (MitigationStarted, Mitigated),
        (ImpactStarted, Mitigated),
        (Mitigated, Resolved),
        (Triggered, Resolved),
        (Resolved, Closed),
    ]
};

/// An incident's events: at most one of each [`EventKind`].
///
/// Always: it has an impact start, a detection or a trigger; a closed incident is
/// resolved; and these pairs, when both present, are in order: impact start before
/// detection, trigger, root cause, mitigation start and mitigation; detection before
/// trigger; trigger before acknowledgement, engagement and resolution; mitigation start
/// before mitigation before resolution; resolution before closing. Mitigation may come
/// before the trigger or the acknowledgement (an automatic rollback).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Timeline {
    at: [Option<Timestamp>; 10],
}

impl Timeline {
    /// A validated timeline from `(kind, time)` events; a kind given twice keeps its
    /// last time.
    pub fn new(events: impl IntoIterator<Item = (EventKind, Timestamp)>) -> Result<Self, Error> {
        let mut at = [None; 10];
        for (k, t) in events {
            at[k.index()] = Some(t);
        }
        let t = Self { at };
        t.validate()?;
        Ok(t)
    }

    fn validate(&self) -> Result<(), Error> {
        use EventKind::*;
        if self.get(ImpactStarted).is_none()
            && self.get(Detected).is_none()
            && self.get(Triggered).is_none()
        {
            return Err(Error::MissingEvent {
                event: "impact_started, detected or triggered",
            });
        }
        if self.get(Closed).is_some() && self.get(Resolved).is_none() {
            return Err(Error::MissingEvent {
                event: "resolved (it is closed)",
            });
        }
        for (a, b) in ORDER {
            if let (Some(ta), Some(tb)) = (self.get(a), self.get(b))
                && tb < ta
            {
                return Err(Error::OutOfOrder {
                    earlier: a.as_str(),
                    earlier_at: format_utc(ta),
                    later: b.as_str(),
                    later_at: format_utc(tb),
                });
            }
        }
        Ok(())
    }

    /// When `kind` happened, if it did.
    #[must_use]
    pub fn get(&self, kind: EventKind) -> Option<Timestamp> {
        self.at[kind.index()]
    }

    /// Every event present, in time order (ties in kind order).
    #[must_use]
    pub fn events(&self) -> Vec<(EventKind, Timestamp)> {
        let mut v: Vec<(EventKind, Timestamp)> = EventKind::ALL
            .iter()
            .filter_map(|&k| self.get(k).map(|t| (k, t)))
            .collect();
        v.sort_by_key(|&(k, t)| (t, k));
        v
    }

    fn span(&self, from: EventKind, to: EventKind) -> Option<Duration> {
        self.get(to)?.duration_since(self.get(from)?)
    }

    /// Time to detect: impact started → detected.
    #[must_use]
    pub fn ttd(&self) -> Option<Duration> {
        self.span(EventKind::ImpactStarted, EventKind::Detected)
    }

    /// Time to acknowledge: triggered → first acknowledged (PagerDuty).
    #[must_use]
    pub fn tta(&self) -> Option<Duration> {
        self.span(EventKind::Triggered, EventKind::Acknowledged)
    }

    /// Time to engage: triggered → responders engaged.
    #[must_use]
    pub fn tte(&self) -> Option<Duration> {
        self.span(EventKind::Triggered, EventKind::RespondersEngaged)
    }

    /// Time to mitigate: impact started → mitigated.
    #[must_use]
    pub fn ttm(&self) -> Option<Duration> {
        self.span(EventKind::ImpactStarted, EventKind::Mitigated)
    }

    /// Time to resolve: triggered → resolved (PagerDuty).
    #[must_use]
    pub fn ttr(&self) -> Option<Duration> {
        self.span(EventKind::Triggered, EventKind::Resolved)
    }

    /// Duration: impact started → resolved.
    #[must_use]
    pub fn duration(&self) -> Option<Duration> {
        self.span(EventKind::ImpactStarted, EventKind::Resolved)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_bad_timelines() {
        let t = |m: u64| Timestamp::from_mins(m);
        assert!(matches!(Timeline::new([]), Err(Error::MissingEvent { .. })));
        let e = Timeline::new([
            (EventKind::Triggered, t(10)),
            (EventKind::Acknowledged, t(5)),
        ])
        .unwrap_err();
        assert!(e.to_string().contains("acknowledged"), "{e}");
        assert!(Timeline::new([(EventKind::Triggered, t(1)), (EventKind::Closed, t(5))]).is_err());
        // An automatic mitigation before the page is fine.
        assert!(
            Timeline::new([
                (EventKind::ImpactStarted, t(0)),
                (EventKind::Mitigated, t(3)),
                (EventKind::Triggered, t(5)),
            ])
            .is_ok()
        );
    }
}
