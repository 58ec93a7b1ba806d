//! Replay per-minute counts through an [`Evaluator`]: the engine of the `replay` example.
//!
//! Input is CSV with the header `minute,good,bad`; row `k` holds the events completed in
//! minute `(k−1, k]`. Minutes must increase; a skipped minute had no traffic. The
//! evaluator runs at the end of every minute from 1 to the last row.
//!
//! # Bounds
//!
//! - A minute is at most [`MAX_REPLAY_MINUTES`] (ten 366-day periods; the evaluator runs
//!   once a minute, so this bounds the work), and so is the last row plus the extra
//!   minutes asked of [`replay`]: beyond, [`Error::MalformedLine`] naming the line, or
//!   [`Error::ReplayTooLong`].
//! - The events of all rows together fit in a `u64`: a line whose `good + bad` would
//!   take the running total past `u64::MAX` is refused, naming the line, rather than
//!   counted saturated (which would hide its bad events).
//! - An error quotes at most 64 characters of the line.
//!
//! ```
//! use core::time::Duration;
//! use sre_budget::replay::{parse_minutes, replay};
//! use sre_budget::{AlertConfig, AlertPolicy, Evaluator, Transition};
//! use sre_core::Objective;
//!
//! let csv = "minute,good,bad\n1,100,0\n2,0,100\n3,100,0\n";
//! let rows = parse_minutes(csv)?;
//! let policy = AlertPolicy::workbook(Duration::from_secs(30 * 86_400))?;
//! let mut ev = Evaluator::new(Objective::new(0.999)?, policy, AlertConfig::default())?;
//! let out = replay(&rows, &mut ev, 0)?;
//! assert_eq!((out[0].minute, out[0].transition), (2, Transition::Firing));
//!
//! let err = parse_minutes("minute,good,bad\n1,100,0\n2,x,1\n").unwrap_err();
//! assert!(err.to_string().starts_with("line 3:"));
//! # Ok::<(), sre_budget::Error>(())
//! ```

use crate::{AlertEvent, Error, Evaluator, EventCounts, MinuteSeries, Transition};
use sre_core::error::excerpt;
use sre_core::{MAX_PERIOD_MINUTES, Timestamp};

/// The last minute a replay reaches: ten [`sre_core::MAX_PERIOD`]s, 5,270,400 minutes.
pub const MAX_REPLAY_MINUTES: u64 = 10 * MAX_PERIOD_MINUTES;

/// One input row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MinuteRow {
    /// The minute (≥ 1): events completed in `(minute − 1, minute]`.
    pub minute: u64,
    /// Good events.
    pub good: u64,
    /// Bad events.
    pub bad: u64,
}

/// Reads `minute,good,bad` CSV (header required; blank lines skipped). A malformed line
/// is an error naming the line.
pub fn parse_minutes(text: &str) -> Result<Vec<MinuteRow>, Error> {
    let mut rows = Vec::new();
    let mut seen_header = false;
    let mut last = 0u64;
    let mut events = 0u64;
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() {
            continue;
        }
        let bad = |reason: String| Error::MalformedLine {
            line: i + 1,
            text: excerpt(raw),
            reason,
        };
        if !seen_header {
            if line.replace(' ', "") != "minute,good,bad" {
                return Err(bad(
                    "the first line must be the header `minute,good,bad`".into()
                ));
            }
            seen_header = true;
            continue;
        }
        let fields: Vec<&str> = line.split(',').map(str::trim).collect();
        if fields.len() != 3 {
            return Err(bad(format!("{} fields instead of 3", fields.len())));
        }
        let num = |k: usize, what: &str| {
            fields[k].parse::<u64>().map_err(|_| {
                bad(format!(
                    "{what} {:?} is not a whole number",
                    excerpt(fields[k])
                ))
            })
        };
        let (minute, good, bad_n) = (num(0, "minute")?, num(1, "good")?, num(2, "bad")?);
        if minute <= last {
            return Err(bad(format!(
                "minute {minute} does not come after minute {last}; minutes start at 1 and increase"
            )));
        }
        if minute > MAX_REPLAY_MINUTES {
            return Err(bad(format!(
                "minute {minute} is past the last minute a replay reaches, {MAX_REPLAY_MINUTES} (10 × 366 days)"
            )));
        }
        events = good
            .checked_add(bad_n)
            .and_then(|n| events.checked_add(n))
            .ok_or_else(|| {
                bad(format!(
                    "the events so far plus good {good} and bad {bad_n} pass 2^64 - 1; a replay counts at most that many events"
                ))
            })?;
        last = minute;
        rows.push(MinuteRow {
            minute,
            good,
            bad: bad_n,
        });
    }
    if !seen_header {
        return Err(Error::MalformedLine {
            line: 1,
            text: String::new(),
            reason: "the input is empty; the first line must be the header `minute,good,bad`"
                .into(),
        });
    }
    Ok(rows)
}

/// A transition found by [`replay`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ReplayEvent {
    /// The minute at whose end it happened.
    pub minute: u64,
    /// The transition.
    pub transition: Transition,
    /// The full event.
    pub event: AlertEvent,
}

/// Feeds `rows` into a [`MinuteSeries`] sized for the evaluator's policy (the period, or
/// the longest window with [`Evaluator::without_budget`]) and evaluates at the end of
/// every minute, then `extra_minutes` more with no traffic. Returns every transition.
///
/// The last row plus `extra_minutes` must be at most [`MAX_REPLAY_MINUTES`], else
/// [`Error::ReplayTooLong`] before any work.
pub fn replay(
    rows: &[MinuteRow],
    evaluator: &mut Evaluator,
    extra_minutes: u64,
) -> Result<Vec<ReplayEvent>, Error> {
    let mut series = MinuteSeries::new(evaluator.policy().period())?;
    replay_into(rows, evaluator, &mut series, extra_minutes)
}

/// [`replay`] into a series of your choosing (e.g. to inspect it afterwards).
pub fn replay_into(
    rows: &[MinuteRow],
    evaluator: &mut Evaluator,
    series: &mut MinuteSeries,
    extra_minutes: u64,
) -> Result<Vec<ReplayEvent>, Error> {
    let last_minute = rows.last().map_or(0, |r| r.minute);
    let end = last_minute
        .checked_add(extra_minutes)
        .filter(|end| *end <= MAX_REPLAY_MINUTES)
        .ok_or(Error::ReplayTooLong {
            minutes: last_minute.saturating_add(extra_minutes),
            last_minute,
            extra_minutes,
            max: MAX_REPLAY_MINUTES,
        })?;
    let mut out = Vec::new();
    let mut next = rows.iter().peekable();
    for minute in 1..=end {
        match next.peek() {
            Some(r) if r.minute == minute => {
                series.push(r.good, r.bad);
                next.next();
            }
            _ => series.push(0, 0),
        }
        evaluate_into(
            evaluator,
            Timestamp::from_mins(minute),
            series,
            minute,
            &mut out,
        )?;
    }
    Ok(out)
}

fn evaluate_into<S: EventCounts>(
    ev: &mut Evaluator,
    now: Timestamp,
    src: &S,
    minute: u64,
    out: &mut Vec<ReplayEvent>,
) -> Result<(), Error> {
    for e in ev.evaluate(now, src)? {
        out.push(ReplayEvent {
            minute,
            transition: e.transition,
            event: *e,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn malformed_lines_are_named() {
        let cases = [
            ("", 1, "empty"),
            ("minute,bad,good\n", 1, "header"),
            ("minute,good,bad\n1,2\n", 2, "2 fields"),
            (
                "minute,good,bad\n1,2,3\n\n1,2,3\n",
                4,
                "does not come after",
            ),
            ("minute,good,bad\n0,2,3\n", 2, "does not come after"),
            ("minute,good,bad\n1,2,-3\n", 2, "bad \"-3\""),
        ];
        for (text, line, needle) in cases {
            let e = parse_minutes(text).unwrap_err();
            assert!(
                matches!(&e, Error::MalformedLine { line: l, .. } if *l == line),
                "{text:?}: {e}"
            );
            assert!(e.to_string().contains(needle), "{e}");
        }
        let ok = parse_minutes("minute, good, bad\n1, 5, 0\n4,0,1\n").unwrap();
        assert_eq!(
            ok[1],
            MinuteRow {
                minute: 4,
                good: 0,
                bad: 1
            }
        );
    }
}
