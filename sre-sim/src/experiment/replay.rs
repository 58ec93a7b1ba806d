//! The run's readings replayed through [`sre_chaos::run`]: the probes answer with what the
//! simulator read, the method's activities with how its faults ended, and the rollbacks
//! end the method's faults still active. Chaos Toolkit's semantics (which hypothesis
//! runs, the status, `deviated`, whether rollbacks play) are `sre-chaos`'s, not redone here.

use super::journal::RollbackRecord;
use crate::faults::active::{Faults, PoolChange};
use crate::station::{Outcomes, Station};
use serde_json::Value;
use sre_chaos::{
    Activities, Activity, ActivityFailed, During, HypothesisProbe, Outcome, Phase, Probes,
};
use sre_core::{ManualClock, Timestamp};

/// A probe's reading: its value, or why it could not read (no data).
pub(crate) type Reading = Result<f64, String>;

/// The hypothesis probes, answered from the readings taken before and after the method.
pub(crate) struct ReplayProbes<'a> {
    pub(crate) before: &'a [Reading],
    /// `None`: the method has not ended yet (the probe raises; its run is discarded).
    pub(crate) after: Option<&'a [Reading]>,
}

impl Probes for ReplayProbes<'_> {
    fn probe(
        &mut self,
        phase: Phase,
        index: usize,
        _probe: &HypothesisProbe,
    ) -> Result<Value, ActivityFailed> {
        let readings = match phase {
            Phase::Before => Some(self.before),
            Phase::After => self.after,
            _ => None,
        };
        match readings.and_then(|r| r.get(index)) {
            Some(Ok(v)) => Ok(Value::from(*v)),
            Some(Err(e)) => Err(ActivityFailed(e.clone())),
            None => Err(ActivityFailed("not read in this phase".to_owned())),
        }
    }
}

/// The method's faults as activities, and their rollbacks on the live run.
pub(crate) struct ReplayActivities<'a, O> {
    /// How each method activity ended (the runner stops at the first interruption).
    pub(crate) outcomes: &'a [Outcome],
    /// Each activity's end on the simulated clock, ns.
    pub(crate) ends: &'a [u64],
    pub(crate) clock: &'a ManualClock,
    /// Whether the runner started the method.
    pub(crate) ran: bool,
    // The rollbacks: end method fault `method[i]` at `t`.
    pub(crate) t: u64,
    pub(crate) why: &'a str,
    pub(crate) method: &'a [usize],
    pub(crate) labels: &'a [String],
    pub(crate) faults: &'a mut Faults,
    pub(crate) station: &'a mut Station,
    pub(crate) out: &'a mut O,
    pub(crate) rollbacks: Vec<RollbackRecord>,
    pub(crate) changes: Vec<PoolChange>,
}

impl<O: Outcomes> Activities for ReplayActivities<'_, O> {
    fn run(&mut self, index: usize, _activity: &Activity, _during: &mut During<'_>) -> Outcome {
        self.ran = true;
        if let Some(&end) = self.ends.get(index) {
            self.clock.advance_to(Timestamp::from_nanos(end));
        }
        self.outcomes
            .get(index)
            .cloned()
            .unwrap_or(Outcome::Succeeded)
    }

    fn rollback(&mut self, index: usize, _activity: &Activity) -> Result<(), ActivityFailed> {
        let Some(&fault) = self.method.get(index) else {
            return Err(ActivityFailed(format!("no method fault {index}")));
        };
        let ended = self.faults.is_active(fault);
        self.changes.extend(
            self.faults
                .end_now(fault, self.t, self.why, self.station, self.out),
        );
        self.rollbacks.push(RollbackRecord {
            fault: self.labels.get(index).cloned().unwrap_or_default(),
            at_s: self.t as f64 / 1e9,
            ended,
        });
        Ok(())
    }
}
