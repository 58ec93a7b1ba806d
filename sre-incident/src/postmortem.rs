//! The course's postmortem template (Module 30) rendered as Markdown from a timeline and
//! its measurements.

use crate::civil::LocalTime;
use crate::{EventKind, Severity, Timeline};
use core::fmt::Write as _;
use core::time::Duration;

/// An action item's priority.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Priority {
    /// Do now.
    P0,
    /// Next.
    P1,
    /// Later.
    P2,
}

/// A tracked follow-up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionItem {
    /// Its priority.
    pub priority: Priority,
    /// What to do.
    pub what: String,
    /// Who owns it (e.g. `"@alice"`).
    pub owner: String,
    /// When it is due (free text, e.g. `"1/15"`).
    pub due: String,
}

/// A postmortem: the timeline, what it measured, and the words people add.
#[derive(Debug, Clone, PartialEq)]
pub struct Postmortem {
    /// A title.
    pub title: String,
    /// The timeline.
    pub timeline: Timeline,
    /// A note per timeline event (e.g. "Deploy of commit abc123"); events without one
    /// are described by their kind.
    pub notes: Vec<(EventKind, String)>,
    /// The impact in words ("40% of users saw errors").
    pub impact: String,
    /// The severity.
    pub severity: Severity,
    /// The root cause.
    pub root_cause: String,
    /// What went well.
    pub went_well: Vec<String>,
    /// What went poorly.
    pub went_poorly: Vec<String>,
    /// Action items.
    pub action_items: Vec<ActionItem>,
    /// UTC offset of the times shown, minutes.
    pub utc_offset_min: i32,
}

/// "2 hours 15 minutes", "45 minutes", "1 hour", "30 seconds".
#[must_use]
pub fn human_duration(d: Duration) -> String {
    let s = d.as_secs();
    let (h, m) = (s / 3600, s % 3600 / 60);
    let unit = |n: u64, one: &str| format!("{n} {one}{}", if n == 1 { "" } else { "s" });
    match (h, m) {
        (0, 0) => unit(s, "second"),
        (0, m) => unit(m, "minute"),
        (h, 0) => unit(h, "hour"),
        (h, m) => format!("{} {}", unit(h, "hour"), unit(m, "minute")),
    }
}

fn describe(kind: EventKind) -> &'static str {
    match kind {
        EventKind::ImpactStarted => "Impact starts",
        EventKind::Detected => "Problem detected",
        EventKind::Triggered => "Incident triggered, on-call paged",
        EventKind::Acknowledged => "On-call acknowledges",
        EventKind::RespondersEngaged => "Responders engaged",
        EventKind::RootCauseIdentified => "Root cause identified",
        EventKind::MitigationStarted => "Mitigation started",
        EventKind::Mitigated => "Service restored",
        EventKind::Resolved => "Incident resolved",
        EventKind::Closed => "Incident closed",
    }
}

impl Postmortem {
    /// The Markdown: summary (duration, impact, severity, TTx), timeline, root cause,
    /// what went well and poorly, action items with priority, owner and due date.
    #[must_use]
    pub fn to_markdown(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(s, "# Postmortem: {}\n", self.title);
        s.push_str("## Incident Summary\n");
        if let Some(d) = self.timeline.duration() {
            let _ = writeln!(s, "- Duration: {}", human_duration(d));
        }
        let _ = writeln!(s, "- Impact: {}", self.impact);
        let _ = writeln!(s, "- Severity: {}", self.severity);
        for (name, v) in [
            ("TTD (impact → detected)", self.timeline.ttd()),
            ("TTA (triggered → acknowledged)", self.timeline.tta()),
            ("TTM (impact → mitigated)", self.timeline.ttm()),
            ("TTR (triggered → resolved)", self.timeline.ttr()),
        ] {
            if let Some(v) = v {
                let _ = writeln!(s, "- {name}: {}", human_duration(v));
            }
        }
        s.push_str("\n## Timeline\n");
        for (kind, t) in self.timeline.events() {
            let l = LocalTime::at(t, self.utc_offset_min);
            let note = self
                .notes
                .iter()
                .find(|(k, _)| *k == kind)
                .map_or(describe(kind), |(_, n)| n.as_str());
            let _ = writeln!(s, "- {:02}:{:02} - {note}", l.hour, l.minute);
        }
        let _ = writeln!(s, "\n## Root Cause\n{}\n", self.root_cause);
        for (head, items) in [
            ("What Went Well", &self.went_well),
            ("What Went Poorly", &self.went_poorly),
        ] {
            let _ = writeln!(s, "## {head}");
            for i in items {
                let _ = writeln!(s, "- {i}");
            }
            s.push('\n');
        }
        s.push_str("## Action Items\n");
        for (n, a) in self.action_items.iter().enumerate() {
            let _ = writeln!(
                s,
                "{}. [{:?}] {} - {} - Due {}",
                n + 1,
                a.priority,
                a.what,
                a.owner,
                a.due
            );
        }
        s
    }
}
