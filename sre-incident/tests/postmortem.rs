//! The course's postmortem (Module 30) rendered from its timeline: the summary's
//! "2 hours 15 minutes" and SEV2 come from the measurements, not from text.

use core::time::Duration;
use sre_incident::civil::parse_utc;
use sre_incident::{
    ActionItem, EventKind, Impact, Postmortem, Priority, Severity, SeverityRule, ShareThresholds,
    Timeline,
};

fn course() -> Postmortem {
    let at = |s: &str| parse_utc(&format!("2026-01-05T{s}:00Z")).unwrap();
    let timeline = Timeline::new([
        (EventKind::ImpactStarted, at("14:30")),
        (EventKind::Detected, at("14:35")),
        (EventKind::Triggered, at("14:35")),
        (EventKind::Acknowledged, at("14:40")),
        (EventKind::RootCauseIdentified, at("14:55")),
        (EventKind::MitigationStarted, at("15:10")),
        (EventKind::Mitigated, at("15:15")),
        (EventKind::Resolved, at("16:45")),
        (EventKind::Closed, at("16:45")),
    ])
    .unwrap();
    let impact = Impact {
        failing_share: 0.4,
        duration: timeline.duration().unwrap(),
        data_loss_or_breach: false,
    };
    let item = |p, w: &str, o: &str, d: &str| ActionItem {
        priority: p,
        what: w.into(),
        owner: o.into(),
        due: d.into(),
    };
    Postmortem {
        title: "Connection pool exhaustion".into(),
        severity: ShareThresholds::default().classify(&impact),
        timeline,
        notes: vec![
            (EventKind::ImpactStarted, "Deploy of commit abc123".into()),
            (EventKind::Triggered, "Error rate alerts fire".into()),
            (EventKind::MitigationStarted, "Rollback initiated".into()),
        ],
        impact: "40% of users saw errors".into(),
        root_cause: "Database connection pool exhausted due to missing timeout".into(),
        went_well: vec!["Fast detection (5 min)".into(), "Clear runbook".into()],
        went_poorly: vec![
            "No canary caught the issue".into(),
            "Rollback took 20 min (should be 5)".into(),
        ],
        action_items: vec![
            item(
                Priority::P0,
                "Add connection pool monitoring",
                "@alice",
                "1/15",
            ),
            item(Priority::P1, "Improve canary coverage", "@bob", "1/20"),
            item(Priority::P2, "Speed up rollback", "@charlie", "1/30"),
        ],
        utc_offset_min: 0,
    }
}

#[test]
fn renders_the_course_template() {
    let pm = course();
    assert_eq!(pm.severity, Severity::Sev2);
    let md = pm.to_markdown();
    for line in [
        "## Incident Summary",
        "- Duration: 2 hours 15 minutes",
        "- Impact: 40% of users saw errors",
        "- Severity: SEV2",
        "- TTD (impact → detected): 5 minutes",
        "- TTR (triggered → resolved): 2 hours 10 minutes",
        "- 14:30 - Deploy of commit abc123",
        "- 14:35 - Error rate alerts fire",
        "- 14:40 - On-call acknowledges",
        "- 14:55 - Root cause identified",
        "- 15:10 - Rollback initiated",
        "- 15:15 - Service restored",
        "- 16:45 - Incident closed",
        "## Root Cause\nDatabase connection pool exhausted due to missing timeout",
        "## What Went Well\n- Fast detection (5 min)\n- Clear runbook",
        "1. [P0] Add connection pool monitoring - @alice - Due 1/15",
        "3. [P2] Speed up rollback - @charlie - Due 1/30",
    ] {
        assert!(md.contains(line), "missing {line:?} in\n{md}");
    }
    // Timeline lines are in time order.
    let a = md.find("14:30").unwrap();
    let b = md.find("16:45 - Incident closed").unwrap();
    assert!(a < b);
}

#[test]
fn severity_rules_are_replaceable_and_monotone() {
    let rule = ShareThresholds::default();
    let at = |share: f64, mins: u64| Impact {
        failing_share: share,
        duration: Duration::from_secs(60 * mins),
        data_loss_or_breach: false,
    };
    assert_eq!(rule.classify(&at(1.0, 5)), Severity::Sev1);
    assert_eq!(rule.classify(&at(0.05, 10)), Severity::Sev3);
    assert_eq!(rule.classify(&at(0.05, 90)), Severity::Sev2);
    assert_eq!(rule.classify(&at(0.001, 600)), Severity::Sev4);
    // More impact never lowers the severity.
    let mut last = Severity::Sev4;
    for k in 0..=100 {
        let s = rule.classify(&at(f64::from(k) / 100.0, 30));
        assert!(s <= last, "{k}");
        last = s;
    }
    let strict = |i: &Impact| {
        if i.failing_share > 0.0 {
            Severity::Sev1
        } else {
            Severity::Sev4
        }
    };
    assert_eq!(strict.classify(&at(0.01, 1)), Severity::Sev1);
}
