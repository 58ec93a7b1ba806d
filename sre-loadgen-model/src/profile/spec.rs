//! The serialized form of a [`RateProfile`]: its segments and multiplier windows.
//! Everything else is recomputed, and validated, on the way in.

use super::RateProfile;
use crate::Error;
use crate::error::{non_negative, positive};
use crate::segment::Segment;

/// A multiplier window as written in a file: seconds from the start, seconds long.
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[derive(Debug, Clone, Copy, PartialEq)]
struct MultiplierSpec {
    start: f64,
    duration: f64,
    factor: f64,
}

/// A profile as written in a file.
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[derive(Debug, Clone, PartialEq)]
pub(super) struct ProfileSpec {
    segments: Vec<Segment>,
    multipliers: Vec<MultiplierSpec>,
}

impl From<RateProfile> for ProfileSpec {
    fn from(p: RateProfile) -> Self {
        let multipliers = p
            .windows()
            .into_iter()
            .map(|(start, end, factor)| MultiplierSpec {
                start,
                duration: end - start,
                factor,
            })
            .collect();
        Self {
            segments: p.segments,
            multipliers,
        }
    }
}

impl TryFrom<ProfileSpec> for RateProfile {
    type Error = Error;
    fn try_from(s: ProfileSpec) -> Result<Self, Error> {
        let p = Self::from_segments(s.segments)?;
        let mut windows = Vec::with_capacity(s.multipliers.len());
        for m in s.multipliers {
            let start = non_negative("multiplier start (seconds)", m.start)?;
            let factor = non_negative("multiplier", m.factor)?;
            let duration = positive("multiplier window (seconds)", m.duration)?;
            windows.push((start, start + duration, factor));
        }
        p.with_windows_secs(windows)
    }
}
