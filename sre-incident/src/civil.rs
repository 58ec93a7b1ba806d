//! Civil time for timelines: RFC 3339 UTC timestamps to and from [`Timestamp`] (nanoseconds
//! since the Unix epoch), weekdays, and local time at a fixed UTC offset.

use crate::Error;
use core::fmt;
use sre_core::Timestamp;

const NANOS: u64 = 1_000_000_000;

/// Days since 1970-01-01 of a proleptic Gregorian date (Hinnant's `days_from_civil`).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date of a day count since 1970-01-01 (Hinnant's `civil_from_days`).
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (
        if m <= 2 {
            yoe + era * 400 + 1
        } else {
            yoe + era * 400
        },
        m,
        d,
    )
}

/// Reads `YYYY-MM-DDTHH:MM:SSZ` (UTC, whole seconds, years 1970-9999).
///
/// ```
/// use sre_incident::civil::{format_utc, parse_utc};
/// let t = parse_utc("2026-01-05T14:30:00Z")?;
/// assert_eq!(format_utc(t), "2026-01-05T14:30:00Z");
/// # Ok::<(), sre_incident::Error>(())
/// ```
pub fn parse_utc(text: &str) -> Result<Timestamp, Error> {
    let bad = |reason| Error::BadTimestamp {
        text: text.to_owned(),
        reason,
    };
    let b = text.as_bytes();
    if b.len() != 20
        || b[4] != b'-'
        || b[7] != b'-'
        || b[10] != b'T'
        || b[13] != b':'
        || b[16] != b':'
        || b[19] != b'Z'
    {
        return Err(bad("not of the form YYYY-MM-DDTHH:MM:SSZ"));
    }
    let num = |r: core::ops::Range<usize>| -> Result<i64, Error> {
        text[r]
            .parse::<i64>()
            .map_err(|_| bad("a field is not a number"))
    };
    let (y, mo, d, h, mi, s) = (
        num(0..4)?,
        num(5..7)?,
        num(8..10)?,
        num(11..13)?,
        num(14..16)?,
        num(17..19)?,
    );
    if y < 1970 || !(1..=12).contains(&mo) || h > 23 || mi > 59 || s > 59 {
        return Err(bad("a field is out of range"));
    }
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days_in = [
        31,
        if leap { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    if d < 1 || d > days_in[usize::try_from(mo - 1).unwrap_or(0)] {
        return Err(bad("the day is not in the month"));
    }
    let secs = days_from_civil(y, mo, d) * 86_400 + h * 3600 + mi * 60 + s;
    let secs = u64::try_from(secs).map_err(|_| bad("before 1970"))?;
    Ok(Timestamp::from_secs(secs))
}

/// A local civil time: date, time of day and weekday.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LocalTime {
    /// Year.
    pub year: i64,
    /// Month 1-12.
    pub month: u8,
    /// Day 1-31.
    pub day: u8,
    /// Hour 0-23.
    pub hour: u8,
    /// Minute 0-59.
    pub minute: u8,
    /// Second 0-59.
    pub second: u8,
    /// Weekday, 0 = Monday … 6 = Sunday.
    pub weekday: u8,
}

impl LocalTime {
    /// `t` at a fixed offset of `utc_offset_min` minutes from UTC (no daylight saving).
    #[must_use]
    pub fn at(t: Timestamp, utc_offset_min: i32) -> Self {
        let secs = i64::try_from(t.as_nanos() / NANOS).unwrap_or(i64::MAX)
            + i64::from(utc_offset_min) * 60;
        let days = secs.div_euclid(86_400);
        let sod = secs.rem_euclid(86_400);
        let (y, m, d) = civil_from_days(days);
        let small = |v: i64| u8::try_from(v).unwrap_or(0);
        Self {
            year: y,
            month: small(m),
            day: small(d),
            hour: small(sod / 3600),
            minute: small(sod % 3600 / 60),
            second: small(sod % 60),
            // 1970-01-01 was a Thursday (3).
            weekday: small((days + 3).rem_euclid(7)),
        }
    }

    /// `"Mon"` … `"Sun"`.
    #[must_use]
    pub fn weekday_name(&self) -> &'static str {
        ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"][usize::from(self.weekday % 7)]
    }
}

impl fmt::Display for LocalTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
            self.year, self.month, self.day, self.hour, self.minute, self.second
        )
    }
}

/// `t` as `YYYY-MM-DDTHH:MM:SSZ` (whole seconds).
#[must_use]
pub fn format_utc(t: Timestamp) -> String {
    format!("{}Z", LocalTime::at(t, 0))
}
