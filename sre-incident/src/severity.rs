//! Severity SEV1–SEV4 (the course's Module 30) from measured impact, by a rule the user
//! can replace.

use core::fmt;
use core::time::Duration;

/// The course's four levels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Severity {
    /// Critical: complete outage, data loss or breach; all hands.
    Sev1,
    /// High: major feature unavailable, significant user impact; dedicated team.
    Sev2,
    /// Medium: partial degradation, limited impact; on-call handles it.
    Sev3,
    /// Low: minor, workaround available; fixed in the normal sprint.
    Sev4,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Sev1 => "SEV1",
            Self::Sev2 => "SEV2",
            Self::Sev3 => "SEV3",
            Self::Sev4 => "SEV4",
        })
    }
}

/// What an incident did, measured.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Impact {
    /// Share of users (or requests) failing at the worst point, in [0, 1].
    pub failing_share: f64,
    /// How long users saw it.
    pub duration: Duration,
    /// Whether data was lost or security breached.
    pub data_loss_or_breach: bool,
}

/// A severity rule: measured impact in, severity out.
pub trait SeverityRule {
    /// The severity of `impact`.
    fn classify(&self, impact: &Impact) -> Severity;
}

/// Severity by the share failing and the duration: the course's levels made
/// measurable. The course names no numbers; these thresholds are this crate's reading
/// of its words, and every one is a field:
///
/// - SEV1 ("complete outage", data loss, breach): failing share ≥ `sev1_share` (0.95)
///   or data loss / breach;
/// - SEV2 ("significant user impact"): share ≥ `sev2_share` (0.20; the course's own
///   example, 40 % of users for 2 h 15 min, is SEV2), or share ≥ `sev3_share` for at
///   least `long_incident` (1 h);
/// - SEV3 ("partial degradation"): share ≥ `sev3_share` (0.01);
/// - SEV4: anything less.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ShareThresholds {
    /// SEV1 from this share.
    pub sev1_share: f64,
    /// SEV2 from this share.
    pub sev2_share: f64,
    /// SEV3 from this share.
    pub sev3_share: f64,
    /// A SEV3 share lasting this long is SEV2.
    pub long_incident: Duration,
}

impl Default for ShareThresholds {
    fn default() -> Self {
        Self {
            sev1_share: 0.95,
            sev2_share: 0.20,
            sev3_share: 0.01,
            long_incident: Duration::from_secs(3600),
        }
    }
}

impl SeverityRule for ShareThresholds {
    /// ```
    /// use core::time::Duration;
    /// use sre_incident::{ShareThresholds, Impact, Severity, SeverityRule};
    /// let course = Impact { failing_share: 0.4, duration: Duration::from_secs(8100), data_loss_or_breach: false };
    /// assert_eq!(ShareThresholds::default().classify(&course), Severity::Sev2);
    /// ```
    fn classify(&self, i: &Impact) -> Severity {
        if i.data_loss_or_breach || i.failing_share >= self.sev1_share {
            Severity::Sev1
        } else if i.failing_share >= self.sev2_share
            || (i.failing_share >= self.sev3_share && i.duration >= self.long_incident)
        {
            Severity::Sev2
        } else if i.failing_share >= self.sev3_share {
            Severity::Sev3
        } else {
            Severity::Sev4
        }
    }
}

impl<F: Fn(&Impact) -> Severity> SeverityRule for F {
    fn classify(&self, impact: &Impact) -> Severity {
        self(impact)
    }
}
