//! [`Live`]: an experiment as its run goes — the before check, the guard's ticks while
//! the method runs, the abort and its rollback, the after check — and its journal.

use super::journal::{
    AbortRecord, ExperimentJournal, MethodRecord, ProbeRecord, SteadyStateRecord, SteadyStates,
};
use super::replay::{Reading, ReplayActivities, ReplayProbes};
use super::spec::Signal;
use super::validate::Program;
use crate::Error;
use crate::faults::active::{Faults, PoolChange};
use crate::report::FaultRecord;
use crate::station::{Outcomes, Station};
use crate::units::format_duration;
use core::time::Duration;
use sre_chaos::guard::{Abort, Cause, Condition, Guard, Signals};
use sre_chaos::signals::{IntervalQuantile, burn_rate, error_ratio, rate};
use sre_chaos::{Interruption, Mode, Outcome, SteadyState};
use sre_core::{ManualClock, Timestamp};
use sre_metrics::{Histogram, SliWindow};

/// What the run records into and the experiment reads: the SLI window and the latency
/// histogram, as of the last flush.
pub(crate) trait Observed: Outcomes {
    /// The run's SLI window.
    fn sli(&self) -> &SliWindow;
    /// The run's latency histogram (ns).
    fn latency(&self) -> &Histogram;
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stage {
    /// Until the before check.
    Waiting,
    /// The steady state held; until the method's first fault.
    Armed,
    /// The method runs; the guard ticks.
    Method,
    /// The method ended on its schedule; until the after check.
    Settling,
    /// The journal is written.
    Done,
}

/// An experiment during a run; see the [module docs](super).
#[derive(Debug)]
pub(crate) struct Live {
    p: Program,
    stage: Stage,
    guard: Option<Guard>,
    next_tick: u64,
    abort_at: Option<u64>,
    /// Starts of the quantile probes' intervals: (instant, probe, after?), in time order.
    marks: Vec<(u64, usize, bool)>,
    mark_ix: usize,
    readers: Vec<[Option<IntervalQuantile>; 2]>,
    before: Vec<Reading>,
    after: Vec<Reading>,
    /// Method faults that never started (skipped or aborted first).
    cancelled: Vec<bool>,
    labels: Vec<String>,
    ticks: u64,
    journal: Option<ExperimentJournal>,
}

fn ts(t: u64) -> Timestamp {
    Timestamp::from_nanos(t)
}

impl Live {
    /// The experiment `p` at the start of a run; `labels[i]` is fault `i`'s label.
    pub(crate) fn new(p: &Program, labels: &[String]) -> Self {
        let mut marks = Vec::new();
        for (i, probe) in p.probes.iter().enumerate() {
            if probe.signal == Signal::Quantile {
                let w = sre_core::duration_to_nanos_saturating(probe.window);
                marks.push((p.before_ns.saturating_sub(w), i, false));
                marks.push((p.after_ns.saturating_sub(w), i, true));
            }
        }
        marks.sort_unstable_by_key(|m| m.0);
        Self {
            stage: Stage::Waiting,
            guard: None,
            next_tick: p.start_ns,
            abort_at: p.abort_at_ns,
            marks,
            mark_ix: 0,
            readers: vec![[None, None]; p.probes.len()],
            before: Vec::new(),
            after: Vec::new(),
            cancelled: vec![false; p.method.len()],
            labels: p
                .method
                .iter()
                .map(|&i| labels.get(i).cloned().unwrap_or_default())
                .collect(),
            ticks: 0,
            journal: None,
            p: p.clone(),
        }
    }

    /// The next instant the experiment acts at, `u64::MAX` once its journal is written.
    pub(crate) fn next_at(&self) -> u64 {
        let stage = match self.stage {
            Stage::Waiting => self.p.before_ns,
            Stage::Armed => self.p.start_ns,
            Stage::Method => {
                let t = self.next_tick.min(self.p.end_ns);
                self.abort_at.map_or(t, |a| t.min(a))
            }
            Stage::Settling => self.p.after_ns,
            Stage::Done => return u64::MAX,
        };
        let mark = self.marks.get(self.mark_ix).map_or(u64::MAX, |m| m.0);
        stage.min(mark)
    }

    /// At `t`, before the faults due at `t` act (the SLI window flushed up to `t`): the
    /// before check, and the method skipped when the steady state does not hold.
    pub(crate) fn before_faults<O: Observed>(
        &mut self,
        t: u64,
        faults: &mut Faults,
        station: &mut Station,
        rec: &mut O,
    ) -> Vec<PoolChange> {
        if self.stage != Stage::Waiting || t < self.p.before_ns {
            return Vec::new();
        }
        self.before = self.read(t, false, rec);
        let why = "experiment: method skipped, the steady state did not hold before it";
        let outcomes = vec![Outcome::Succeeded; self.p.method.len()];
        let (journal, ran, rollbacks, changes) =
            self.replay(t, false, &outcomes, why, (faults, station, rec));
        if ran {
            // The method runs: this replay's after-state and rollbacks are not real yet.
            self.stage = Stage::Armed;
            return Vec::new();
        }
        for (k, &i) in self.p.method.iter().enumerate() {
            faults.cancel(i, why);
            self.cancelled[k] = true;
        }
        self.journal = Some(self.journal(&journal, rollbacks, None));
        self.stage = Stage::Done;
        changes
    }

    /// At `t`, after the faults due at `t` acted and the SLI window was flushed: interval
    /// starts, the guard's start and ticks, an abort and its rollback, the method's end,
    /// the after check.
    ///
    /// # Errors
    /// [`Error::Internal`] if the guard refuses conditions that validation accepted.
    pub(crate) fn after_faults<O: Observed>(
        &mut self,
        t: u64,
        faults: &mut Faults,
        station: &mut Station,
        rec: &mut O,
    ) -> Result<Vec<PoolChange>, Error> {
        let mut changes = Vec::new();
        while let Some(&(at, i, after)) = self.marks.get(self.mark_ix)
            && at <= t
        {
            self.mark_ix += 1;
            self.readers[i][usize::from(after)] =
                IntervalQuantile::new(rec.latency(), self.p.probes[i].q, 1).ok();
        }
        if self.stage == Stage::Armed && t >= self.p.start_ns {
            let guard = Guard::new(ts(self.p.start_ns), self.p.conditions.clone())
                .map_err(|e| Error::Internal(format!("the experiment's guard: {e}")))?;
            self.guard = Some(guard);
            self.stage = Stage::Method;
            self.next_tick = self.p.start_ns;
        }
        if self.stage == Stage::Method {
            if t >= self.p.end_ns {
                // Every method fault ended on its own schedule: the failover happened.
                if let Some(g) = self.guard.as_mut() {
                    for c in &self.p.conditions {
                        if let Condition::Deadline { name, .. } = c {
                            g.satisfy(name);
                        }
                    }
                }
                self.stage = Stage::Settling;
            } else {
                let manual = self.abort_at.is_some_and(|a| a <= t);
                if manual {
                    self.abort_at = None;
                }
                let due = t >= self.next_tick;
                if due {
                    self.next_tick = t.saturating_add(self.p.tick_ns);
                }
                if manual || due {
                    self.ticks += 1;
                    let signals = Signals {
                        sli: rec.sli(),
                        latency: Some(rec.latency()),
                    };
                    let stopped = self.guard.as_mut().and_then(|g| {
                        if manual {
                            g.kill_switch().trip();
                        }
                        g.tick(ts(t), signals).cloned()
                    });
                    if let Some(abort) = stopped {
                        changes = self.abort(t, &abort, faults, station, rec);
                    }
                }
            }
        }
        if self.stage == Stage::Settling && t >= self.p.after_ns {
            self.after = self.read(t, true, rec);
            let outcomes = vec![Outcome::Succeeded; self.p.method.len()];
            let (journal, _, rollbacks, more) = self.replay(
                t,
                true,
                &outcomes,
                "experiment: rollback",
                (faults, station, rec),
            );
            changes.extend(more);
            self.journal = Some(self.journal(&journal, rollbacks, None));
            self.stage = Stage::Done;
        }
        Ok(changes)
    }

    /// The guard stopped the method at `t`: faults not yet started never start, the
    /// method's run is interrupted (Chaos Toolkit's graceful interruption), and the
    /// rollbacks end the faults still active when the rollback strategy plays them.
    fn abort<O: Observed>(
        &mut self,
        t: u64,
        abort: &Abort,
        faults: &mut Faults,
        station: &mut Station,
        rec: &mut O,
    ) -> Vec<PoolChange> {
        let record = self.describe(t, abort);
        let why = format!("experiment abort: {}", record.cause);
        for (k, &i) in self.p.method.iter().enumerate() {
            if self.p.schedule[k].0 > t {
                faults.cancel(i, &why);
                self.cancelled[k] = true;
            }
        }
        let outcomes: Vec<Outcome> = self
            .p
            .schedule
            .iter()
            .map(|&(_, end)| {
                if end <= t {
                    Outcome::Succeeded
                } else {
                    Outcome::Interrupted(Interruption::Graceful)
                }
            })
            .collect();
        let (journal, _, rollbacks, changes) =
            self.replay(t, false, &outcomes, &why, (faults, station, rec));
        faults.release_until(t, station, rec);
        self.journal = Some(self.journal(&journal, rollbacks, Some(record)));
        self.stage = Stage::Done;
        changes
    }

    /// Runs `sre_chaos::run` on the readings so far and the method's `outcomes`; the
    /// rollbacks it plays end method faults at `t` (labelled `why`).
    fn replay<O: Outcomes>(
        &self,
        t: u64,
        with_after: bool,
        outcomes: &[Outcome],
        why: &str,
        (faults, station, out): (&mut Faults, &mut Station, &mut O),
    ) -> (
        sre_chaos::Journal,
        bool,
        Vec<super::journal::RollbackRecord>,
        Vec<PoolChange>,
    ) {
        let clock = ManualClock::new(ts(self.p.before_ns));
        let ends: Vec<u64> = self.p.schedule.iter().map(|&(_, end)| end.min(t)).collect();
        let mut probes = ReplayProbes {
            before: &self.before,
            after: with_after.then_some(self.after.as_slice()),
        };
        let mut acts = ReplayActivities {
            outcomes,
            ends: &ends,
            clock: &clock,
            ran: false,
            t,
            why,
            method: &self.p.method,
            labels: &self.labels,
            faults,
            station,
            out,
            rollbacks: Vec::new(),
            changes: Vec::new(),
        };
        let journal = sre_chaos::run(&self.p.chaos, &mut probes, &mut acts, &clock);
        (journal, acts.ran, acts.rollbacks, acts.changes)
    }

    /// Every probe's reading at `t` (the after check's when `after`).
    fn read<O: Observed>(&mut self, t: u64, after: bool, rec: &O) -> Vec<Reading> {
        let now = ts(t);
        let no_data = |w: Duration| format!("no data in the {} window", format_duration(w));
        let mut out = Vec::with_capacity(self.p.probes.len());
        for (i, p) in self.p.probes.iter().enumerate() {
            let reading = match p.signal {
                Signal::ErrorRatio => error_ratio(rec.sli(), now, p.window)
                    .map_err(|e| e.to_string())
                    .and_then(|r| r.ok_or_else(|| no_data(p.window))),
                Signal::BurnRate => burn_rate(rec.sli(), now, p.window, self.p.objective)
                    .map_err(|e| e.to_string())
                    .and_then(|r| r.ok_or_else(|| no_data(p.window))),
                Signal::Rate => rate(rec.sli(), now, p.window)
                    .map(|r| r * p.per_secs)
                    .map_err(|e| e.to_string()),
                Signal::Quantile => match self.readers[i][usize::from(after)].as_mut() {
                    Some(r) => r
                        .read(rec.latency())
                        .map_err(|e| e.to_string())
                        .and_then(|v| v.map(|ns| ns as f64 / 1e6).ok_or_else(|| no_data(p.window))),
                    None => Err(no_data(p.window)),
                },
            };
            out.push(reading);
        }
        out
    }

    /// The abort in words, with the condition's field and its numbers in file units.
    fn describe(&self, t: u64, abort: &Abort) -> AbortRecord {
        let start = self.p.start_ns;
        let elapsed = t.saturating_sub(start) as f64 / 1e9;
        let mut r = AbortRecord {
            at_s: t as f64 / 1e9,
            after_start_s: elapsed,
            cause: String::new(),
            condition: String::new(),
            signal: String::new(),
            observed: None,
            limit: None,
        };
        match &abort.cause {
            Cause::Threshold {
                index,
                signal,
                observed,
                limit,
            } => {
                let info = &self.p.condition_info[*index];
                r.condition = format!("experiment.abort[{index}]");
                r.signal = (*signal).to_owned();
                let over = info
                    .window
                    .map_or(String::new(), |w| format!(" over {}", format_duration(w)));
                let (o, l, text) = match (*signal, &self.p.conditions[*index]) {
                    ("quantile", Condition::QuantileAbove { q, .. }) => (
                        observed / 1e6,
                        limit / 1e6,
                        format!(
                            "p{} since the previous tick was {:.1} ms, above {:.1} ms",
                            q * 100.0,
                            observed / 1e6,
                            limit / 1e6
                        ),
                    ),
                    ("rate", Condition::RateOutside { tolerance, .. }) => {
                        let (o, l) = (observed * info.per_secs, limit * info.per_secs);
                        let unit = format_duration(Duration::from_secs_f64(info.per_secs));
                        (
                            o,
                            l,
                            format!(
                                "rate{over} was {o:.2} per {unit}, outside {l:.2} ± {:.0} %",
                                tolerance * 100.0
                            ),
                        )
                    }
                    _ => (
                        *observed,
                        *limit,
                        format!("{signal}{over} was {observed:.4}, above {limit}"),
                    ),
                };
                r.observed = Some(o);
                r.limit = Some(l);
                r.cause = format!("{}: {text}", r.condition);
            }
            Cause::Deadline {
                index,
                name,
                within,
            } => {
                r.condition = format!("experiment.abort[{index}]");
                r.signal = "deadline".to_owned();
                r.observed = Some(elapsed);
                r.limit = Some(within.as_secs_f64());
                r.cause = format!(
                    "{}: deadline {name:?} missed: the method was still running {} after its start",
                    r.condition,
                    format_duration(Duration::from_nanos(t.saturating_sub(start)))
                );
            }
            _ => {
                r.condition = "experiment.abort_at".to_owned();
                r.signal = "manual".to_owned();
                r.cause = "manual abort: the kill switch was tripped by hand (experiment.abort_at)"
                    .to_owned();
            }
        }
        r
    }

    fn state(&self, s: &SteadyState, readings: &[Reading], at: u64) -> SteadyStateRecord {
        let probes = self
            .p
            .probes
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let reading = readings.get(i);
                let run = s.probes.get(i);
                ProbeRecord {
                    name: p.name.clone(),
                    signal: p.signal.name().to_owned(),
                    window_s: p.window.as_secs_f64(),
                    value: reading.and_then(|r| r.as_ref().ok().copied()),
                    tolerance: p.tolerance.clone(),
                    status: run.map_or("not_run", |r| r.status.as_str()).to_owned(),
                    tolerance_met: run.map(|r| r.tolerance_met),
                    error: reading
                        .and_then(|r| r.as_ref().err().cloned())
                        .or_else(|| run.and_then(|r| r.check_raised).map(|c| c.to_string())),
                }
            })
            .collect();
        SteadyStateRecord {
            at_s: at as f64 / 1e9,
            steady_state_met: s.met,
            probes,
        }
    }

    fn journal(
        &self,
        j: &sre_chaos::Journal,
        rollbacks: Vec<super::journal::RollbackRecord>,
        abort: Option<AbortRecord>,
    ) -> ExperimentJournal {
        ExperimentJournal {
            title: self.p.title.clone(),
            hypothesis: self.p.hypothesis.clone(),
            mode: if j.mode == Mode::Strict {
                "strict"
            } else {
                "compatible"
            }
            .to_owned(),
            status: j.status.as_str().to_owned(),
            deviated: j.deviated,
            exit_code: j.exit_code(),
            steady_states: SteadyStates {
                before: j
                    .steady_state_before
                    .as_ref()
                    .map(|s| self.state(s, &self.before, self.p.before_ns)),
                after: j
                    .steady_state_after
                    .as_ref()
                    .map(|s| self.state(s, &self.after, self.p.after_ns)),
            },
            method: Vec::new(),
            method_ran: !j.method_runs.is_empty(),
            abort,
            guard_ticks: self.ticks,
            rollbacks_played: j.rollbacks_played,
            rollbacks,
            crashed: j.crashed.map(|c| c.to_string()),
        }
    }

    /// The journal, with the method's faults as `records` (the run's fault records) tell.
    ///
    /// # Errors
    /// [`Error::Internal`] if the run ended before the experiment did (validation keeps
    /// the after check inside the run).
    pub(crate) fn finish(self, records: &[FaultRecord]) -> Result<ExperimentJournal, Error> {
        let Some(mut j) = self.journal else {
            return Err(Error::Internal(
                "the run ended before its experiment's journal was written".to_owned(),
            ));
        };
        j.method = self
            .p
            .method
            .iter()
            .enumerate()
            .filter_map(|(k, &i)| {
                let r = records.get(i)?;
                Some(MethodRecord {
                    fault: r.name.clone(),
                    kind: r.kind.clone(),
                    start_s: (!self.cancelled[k]).then_some(r.at_s),
                    end_s: r.end_s,
                    ended_by: r.ended_by.clone(),
                })
            })
            .collect();
        Ok(j)
    }
}
