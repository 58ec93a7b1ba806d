//! [`Fault`]: one `[[faults]]` entry of a scenario, and its validation.

use crate::Error;
use crate::scenario::Span;

/// What a fault does; see the [module docs](super) for each kind's effect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum FaultKind {
    /// `servers` servers vanish at `at`.
    InstanceLoss,
    /// One zone's servers vanish: ⌈provisioned ÷ `servers.zones`⌉.
    ZoneLoss,
    /// One region's servers vanish: ⌈provisioned ÷ `servers.regions`⌉.
    RegionLoss,
    /// `add` of network delay for a `share` of requests.
    Latency,
    /// Requests fail with `probability`.
    Errors,
    /// Service times multiplied by `factor`.
    Slowdown,
    /// A dependency is down: requests fail (or, with `effect = "wait"`, wait for it).
    Dependency,
}

impl FaultKind {
    /// The name in scenario files and reports (`instance_loss`).
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Self::InstanceLoss => "instance_loss",
            Self::ZoneLoss => "zone_loss",
            Self::RegionLoss => "region_loss",
            Self::Latency => "latency",
            Self::Errors => "errors",
            Self::Slowdown => "slowdown",
            Self::Dependency => "dependency",
        }
    }

    /// Whether the fault takes servers away (it acts once, at `at`).
    #[must_use]
    pub const fn loses_servers(self) -> bool {
        matches!(self, Self::InstanceLoss | Self::ZoneLoss | Self::RegionLoss)
    }
}

/// What requests see while a `dependency` fault lasts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum DependencyEffect {
    /// Every request fails at once (a DNS or certificate failure).
    #[default]
    Fail,
    /// Every request waits for the dependency and reaches the servers when the fault
    /// ends (a failover hidden by retries); it holds no server while it waits.
    Wait,
}

/// One fault of a scenario (`[[faults]]`); the fields a kind does not use must be absent.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct Fault {
    /// What it does.
    pub kind: FaultKind,
    /// A label for the report and the picture (default: the kind).
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "String::is_empty")
    )]
    pub name: String,
    /// When it starts, from the start of the run.
    pub at: Span,
    /// How long it lasts (required except for server losses, where it is the time until
    /// replacements are started; absent, nothing but the autoscaler or a floor replaces them).
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub duration: Option<Span>,
    /// Servers lost (`instance_loss`).
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub servers: Option<u64>,
    /// Delay added (`latency`).
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub add: Option<Span>,
    /// Share of requests delayed, in (0, 1] (`latency`; default 1).
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub share: Option<f64>,
    /// Probability a request fails, in (0, 1] (`errors`).
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub probability: Option<f64>,
    /// Service-time factor, in [1, 1000] (`slowdown`).
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub factor: Option<f64>,
    /// What requests see (`dependency`; default `fail`).
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub effect: Option<DependencyEffect>,
}

/// The largest `slowdown` factor.
pub const MAX_FACTOR: f64 = 1000.0;

impl Fault {
    /// A fault of `kind` at `at` with no other field set (fill in what the kind needs).
    #[must_use]
    pub const fn new(kind: FaultKind, at: Span) -> Self {
        Self {
            kind,
            name: String::new(),
            at,
            duration: None,
            servers: None,
            add: None,
            share: None,
            probability: None,
            factor: None,
            effect: None,
        }
    }

    /// The label: `name`, or the kind's name.
    #[must_use]
    pub fn label(&self) -> &str {
        if self.name.is_empty() {
            self.kind.name()
        } else {
            &self.name
        }
    }

    /// Whether it holds requests (a `latency` fault, or a `dependency` that waits).
    #[must_use]
    pub fn holds_requests(&self) -> bool {
        match self.kind {
            FaultKind::Latency => true,
            FaultKind::Dependency => self.effect == Some(DependencyEffect::Wait),
            _ => false,
        }
    }

    /// The last instant a request it holds reaches the servers: the end, plus `add` for
    /// a latency fault.
    pub(crate) fn hold_end(&self) -> core::time::Duration {
        let end = self
            .at
            .0
            .saturating_add(self.duration.map_or(core::time::Duration::ZERO, |d| d.0));
        match self.kind {
            FaultKind::Latency => {
                end.saturating_add(self.add.map_or(core::time::Duration::ZERO, |a| a.0))
            }
            _ => end,
        }
    }

    /// Checks the fault as entry `i` of a run of `run` (fields named `faults[i].…`).
    pub(crate) fn validate(&self, i: usize, run: core::time::Duration) -> Result<(), Error> {
        let field = |f: &str| format!("faults[{i}].{f}");
        let kind = self.kind.name();
        let need = |f: &str| {
            Error::field(
                field(f),
                format!("is missing; a fault of kind `{kind}` needs it"),
            )
        };
        let forbid = |f: &str, set: bool| {
            if set {
                Err(Error::field(
                    field(f),
                    format!("is set, but a fault of kind `{kind}` does not use it; remove it"),
                ))
            } else {
                Ok(())
            }
        };
        if self.at.0 >= run {
            return Err(Error::field(
                field("at"),
                format!(
                    "is {:?}, not inside the run (`duration` {run:?}); a fault must start before the end",
                    self.at.0
                ),
            ));
        }
        if let Some(d) = self.duration
            && d.0.is_zero()
        {
            return Err(Error::field(
                field("duration"),
                "is zero; give a duration above zero, e.g. \"2m\"",
            ));
        }
        if !self.kind.loses_servers() && self.duration.is_none() {
            return Err(need("duration"));
        }
        let fraction = |f: &str, v: f64| {
            if v.is_finite() && v > 0.0 && v <= 1.0 {
                Ok(())
            } else {
                Err(Error::field(
                    field(f),
                    format!("is {v}; give a fraction in (0, 1], e.g. 0.05"),
                ))
            }
        };
        forbid(
            "servers",
            self.servers.is_some() && self.kind != FaultKind::InstanceLoss,
        )?;
        forbid("add", self.add.is_some() && self.kind != FaultKind::Latency)?;
        forbid(
            "share",
            self.share.is_some() && self.kind != FaultKind::Latency,
        )?;
        forbid(
            "probability",
            self.probability.is_some() && self.kind != FaultKind::Errors,
        )?;
        forbid(
            "factor",
            self.factor.is_some() && self.kind != FaultKind::Slowdown,
        )?;
        forbid(
            "effect",
            self.effect.is_some() && self.kind != FaultKind::Dependency,
        )?;
        match self.kind {
            FaultKind::InstanceLoss => match self.servers {
                None => return Err(need("servers")),
                Some(0) => {
                    return Err(Error::field(
                        field("servers"),
                        "is 0; lose at least 1 server",
                    ));
                }
                Some(n) if n > crate::limits::MAX_SERVERS => {
                    return Err(Error::field(
                        field("servers"),
                        format!(
                            "is {n}; give at most {} (servers.max's bound)",
                            crate::limits::MAX_SERVERS
                        ),
                    ));
                }
                Some(_) => {}
            },
            FaultKind::ZoneLoss | FaultKind::RegionLoss | FaultKind::Dependency => {}
            FaultKind::Latency => {
                let add = self.add.ok_or_else(|| need("add"))?;
                if add.0.is_zero() || add.0 > crate::limits::MAX_FAULT_DELAY {
                    return Err(Error::field(
                        field("add"),
                        format!(
                            "is {:?}; give a delay above zero and at most {:?}",
                            add.0,
                            crate::limits::MAX_FAULT_DELAY
                        ),
                    ));
                }
                fraction("share", self.share.unwrap_or(1.0))?;
            }
            FaultKind::Errors => fraction(
                "probability",
                self.probability.ok_or_else(|| need("probability"))?,
            )?,
            FaultKind::Slowdown => {
                let f = self.factor.ok_or_else(|| need("factor"))?;
                if !(f.is_finite() && (1.0..=MAX_FACTOR).contains(&f)) {
                    return Err(Error::field(
                        field("factor"),
                        format!("is {f}; give a factor from 1 to {MAX_FACTOR}, e.g. 1.5"),
                    ));
                }
            }
        }
        Ok(())
    }
}

/// Checks every fault of a run of `run`: each alone, their count, and that faults that
/// hold requests do not overlap (counting the time their held requests take to arrive),
/// which keeps held requests in one first-in, first-out line.
pub(crate) fn validate_all(faults: &[Fault], run: core::time::Duration) -> Result<(), Error> {
    if faults.len() > crate::limits::MAX_FAULTS {
        return Err(Error::field(
            "faults",
            format!(
                "has {} entries; give at most {}",
                faults.len(),
                crate::limits::MAX_FAULTS
            ),
        ));
    }
    for (i, f) in faults.iter().enumerate() {
        f.validate(i, run)?;
    }
    let mut holding: Vec<usize> = (0..faults.len())
        .filter(|&i| faults[i].holds_requests())
        .collect();
    holding.sort_by_key(|&i| (faults[i].at, i));
    for w in holding.windows(2) {
        let (a, b) = (&faults[w[0]], &faults[w[1]]);
        if b.at.0 < a.hold_end() {
            return Err(Error::field(
                format!("faults[{}].at", w[1]),
                format!(
                    "is {:?}, while faults[{}] still holds requests (until {:?}); faults that \
                     hold requests (latency, dependency with effect = \"wait\") must not overlap",
                    b.at.0,
                    w[0],
                    a.hold_end()
                ),
            ));
        }
    }
    Ok(())
}
