//! [`Scenario::validate`]: ranges and consistency, each error naming its field.

use super::{Scenario, Span};
use crate::Error;
use crate::limits::{MAX_DURATION, MAX_LIST, MAX_QUEUE, MAX_REPORT_POINTS, MAX_SERVERS, MAX_TICKS};
use core::time::Duration;

fn positive(field: &str, v: f64) -> Result<f64, Error> {
    if v.is_finite() && v > 0.0 {
        Ok(v)
    } else {
        Err(Error::field(
            field,
            format!("is {v}; give a finite number above 0"),
        ))
    }
}

fn percent(field: &str, v: f64) -> Result<f64, Error> {
    if v.is_finite() && v > 0.0 && v < 100.0 {
        Ok(v)
    } else {
        Err(Error::field(
            field,
            format!("is {v}; give a percentage strictly between 0 and 100, e.g. 60"),
        ))
    }
}

pub(super) fn nonzero(field: &str, s: Span) -> Result<Span, Error> {
    if s.0.is_zero() {
        Err(Error::field(
            field,
            "is zero; give a duration above zero, e.g. \"1m\"",
        ))
    } else {
        Ok(s)
    }
}

/// `interval` must not divide `duration` into more than `max` ticks.
fn ticks(field: &str, duration: Span, interval: Span, max: u64, what: &str) -> Result<(), Error> {
    let n = duration.0.as_nanos() / interval.0.as_nanos().max(1);
    if n > u128::from(max) {
        return Err(Error::field(
            field,
            format!(
                "is {:?}, which makes {n} {what} over `duration` ({:?}); give at least {:?} (at most {max} {what})",
                interval.0,
                duration.0,
                duration.0 / u32::try_from(max).unwrap_or(u32::MAX),
            ),
        ));
    }
    Ok(())
}

fn list(field: &str, len: usize) -> Result<(), Error> {
    if len > MAX_LIST {
        return Err(Error::field(
            field,
            format!("has {len} entries; give at most {MAX_LIST}"),
        ));
    }
    Ok(())
}

/// Traffic events must not overlap: the one starting earliest first, each ending by the
/// next one's start (`with_multipliers`' rule, named by the events' indices here).
fn events_disjoint(events: &[super::TrafficEvent]) -> Result<(), Error> {
    let mut order: Vec<usize> = (0..events.len()).collect();
    order.sort_by_key(|&i| events[i].start);
    for w in order.windows(2) {
        let (a, b) = (&events[w[0]], &events[w[1]]);
        if a.start.0.saturating_add(a.duration.0) > b.start.0 {
            return Err(Error::field(
                format!("traffic.events[{}]", w[1]),
                format!(
                    "starts at {:?}, inside traffic.events[{}] ({:?} for {:?}); events must not overlap",
                    b.start.0, w[0], a.start.0, a.duration.0
                ),
            ));
        }
    }
    Ok(())
}

impl Scenario {
    /// Checks ranges and consistency; the error names the first bad field.
    pub fn validate(&self) -> Result<(), Error> {
        nonzero("duration", self.duration)?;
        if self.duration.0 > MAX_DURATION {
            return Err(Error::field(
                "duration",
                format!(
                    "is {:?}; give at most {:?} (10^7 minutes, about 19 years: the run checks \
                     the SLI every minute)",
                    self.duration.0, MAX_DURATION
                ),
            ));
        }
        nonzero("report_interval", self.report_interval)?;
        ticks(
            "report_interval",
            self.duration,
            self.report_interval,
            MAX_REPORT_POINTS,
            "timeline points",
        )?;
        if self.report_interval > self.duration {
            return Err(Error::field(
                "report_interval",
                "is longer than `duration`; the report would have no timeline",
            ));
        }
        let t = &self.traffic;
        positive("traffic.mean_rps", t.mean_rps)?;
        if !(t.diurnal_amplitude.is_finite() && (0.0..1.0).contains(&t.diurnal_amplitude)) {
            return Err(Error::field(
                "traffic.diurnal_amplitude",
                format!(
                    "is {}; give a fraction in [0, 1), e.g. 0.3 for ±30 %",
                    t.diurnal_amplitude
                ),
            ));
        }
        if t.peak_at.0 >= Duration::from_secs(86_400) {
            return Err(Error::field(
                "traffic.peak_at",
                "is a time of day; give less than \"24h\"",
            ));
        }
        list("traffic.events", t.events.len())?;
        list("schedule", self.schedule.len())?;
        for (i, e) in t.events.iter().enumerate() {
            nonzero(&format!("traffic.events[{i}].duration"), e.duration)?;
            positive(&format!("traffic.events[{i}].multiplier"), e.multiplier)?;
        }
        events_disjoint(&t.events)?;
        let st = self.service_time()?;
        if let Some(q) = self.service.max_queue
            && q > MAX_QUEUE
        {
            return Err(Error::field(
                "service.max_queue",
                format!(
                    "is {q}; give at most {MAX_QUEUE} (the queue's memory is bounded; \
                     absent, it is {})",
                    crate::limits::DEFAULT_MAX_QUEUE
                ),
            ));
        }
        if let Some(q) = self.service.timeout {
            nonzero("service.timeout", q)?;
        }
        let sv = &self.servers;
        if sv.min == 0 {
            return Err(Error::field(
                "servers.min",
                "is 0; a pool needs at least 1 server",
            ));
        }
        if sv.max > MAX_SERVERS {
            return Err(Error::field(
                "servers.max",
                format!(
                    "is {}; the simulator models every server, give at most {MAX_SERVERS} \
                     (scale requests down instead, as the course examples do)",
                    sv.max
                ),
            ));
        }
        if sv.min > sv.max {
            return Err(Error::field(
                "servers.min",
                format!(
                    "is {} but servers.max is {}; min must not exceed max",
                    sv.min, sv.max
                ),
            ));
        }
        if !(sv.min..=sv.max).contains(&sv.initial) {
            return Err(Error::field(
                "servers.initial",
                format!(
                    "is {}, outside servers.min..=servers.max ({}..={})",
                    sv.initial, sv.min, sv.max
                ),
            ));
        }
        percent("servers.target_utilization", sv.target_utilization)?;
        if sv.regions == 0 || sv.regions > MAX_SERVERS {
            return Err(Error::field(
                "servers.regions",
                format!("is {}; give 1 to {MAX_SERVERS}", sv.regions),
            ));
        }
        if sv.zones < sv.regions || sv.zones > MAX_SERVERS {
            return Err(Error::field(
                "servers.zones",
                format!(
                    "is {}; give at least servers.regions ({}) and at most {MAX_SERVERS}: \
                     zones are spread over the regions",
                    sv.zones, sv.regions
                ),
            ));
        }
        self.slo.objective()?;
        nonzero("slo.latency_threshold", self.slo.latency_threshold)?;
        nonzero("slo.period", self.slo.period)?;
        nonzero("slo.evaluation_interval", self.slo.evaluation_interval)?;
        ticks(
            "slo.evaluation_interval",
            self.duration,
            self.slo.evaluation_interval,
            MAX_TICKS,
            "evaluations",
        )?;
        if self.slo.latency_threshold.0 < st.mean() / 10 {
            return Err(Error::field(
                "slo.latency_threshold",
                format!(
                    "is {:?}, under a tenth of the mean service time {:?}: every request would be bad",
                    self.slo.latency_threshold.0,
                    st.mean()
                ),
            ));
        }
        if let Some(a) = &self.autoscaler {
            nonzero("autoscaler.control_interval", a.control_interval)?;
            ticks(
                "autoscaler.control_interval",
                self.duration,
                a.control_interval,
                MAX_TICKS,
                "decisions",
            )?;
            percent("autoscaler.target_utilization", a.target_utilization)?;
            percent("autoscaler.scale_up_above", a.scale_up_above)?;
            percent("autoscaler.scale_down_below", a.scale_down_below)?;
            if a.scale_down_below >= a.scale_up_above {
                return Err(Error::field(
                    "autoscaler.scale_down_below",
                    format!(
                        "is {} but autoscaler.scale_up_above is {}; the down threshold must be below the up threshold",
                        a.scale_down_below, a.scale_up_above
                    ),
                ));
            }
            if a.queue_high == 0 {
                return Err(Error::field(
                    "autoscaler.queue_high",
                    "is 0; give a queue length above 0",
                ));
            }
            nonzero("autoscaler.lead", a.lead)?;
        }
        let mut last = None;
        for (i, f) in self.schedule.iter().enumerate() {
            if last.is_some_and(|l| f.at < l) {
                return Err(Error::field(
                    format!("schedule[{i}].at"),
                    "is earlier than the entry before it; list the schedule in time order",
                ));
            }
            last = Some(f.at);
            if !(sv.min..=sv.max).contains(&f.servers) {
                return Err(Error::field(
                    format!("schedule[{i}].servers"),
                    format!(
                        "is {}, outside servers.min..=servers.max ({}..={})",
                        f.servers, sv.min, sv.max
                    ),
                ));
            }
        }
        crate::faults::validate_all(&self.faults, self.duration.0)?;
        if let Some(e) = &self.experiment {
            crate::experiment::compile(e, self)?;
        }
        Ok(())
    }
}
