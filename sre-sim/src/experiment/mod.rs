//! Chaos experiments in a run: the `[experiment]` table makes some of the scenario's
//! faults the method of a Chaos Toolkit experiment, checks a steady-state hypothesis on
//! the simulated signals before and after it, guards it with abort conditions every tick
//! (`sre-chaos`'s [`Guard`](sre_chaos::guard::Guard)), rolls it back by ending its faults,
//! and writes the journal into the report ([`Report::experiment`](crate::Report::experiment)).
//!
//! ```toml
//! [[faults]]
//! kind = "dependency"
//! name = "db_primary"
//! effect = "wait"                # requests wait for the failover, then are served
//! at = "10m"
//! duration = "20s"
//!
//! [experiment]
//! title = "database failover"
//! hypothesis = "when database X fails, service Y fails over to a replica within 30 s with no user-visible errors"
//! method = ["db_primary"]        # labels of [[faults]] (default: every fault)
//! tick = "5s"                    # the guard's interval (default 10s)
//! settle = "5m"                  # from the method's end to the after check (default 1m)
//! mode = "compatible"            # or "strict" (sre_chaos::Mode)
//! rollback_strategy = "always"   # the default here; or "default", "never", "deviated"
//! # abort_at = "10m30s"          # a manual abort: the kill switch tripped by hand
//!
//! [[experiment.steady_state]]    # probes, in order; Chaos Toolkit tolerances
//! name = "error ratio"
//! signal = "error_ratio"         # error_ratio, quantile (q), rate (per), burn_rate
//! window = "5m"                  # whole minutes
//! tolerance = [0.0, 0.001]
//! [[experiment.steady_state]]
//! name = "p99"
//! signal = "quantile"
//! q = 0.99
//! window = "5m"
//! tolerance = [0, 200]           # milliseconds
//! [[experiment.steady_state]]
//! name = "orders per minute"
//! signal = "rate"
//! per = "1m"
//! window = "5m"
//! tolerance = {type = "range", range = [900, 1100]}
//!
//! [[experiment.abort]]           # sre_chaos::guard::Condition, every tick
//! signal = "error_ratio"         # also burn_rate (above), quantile (q, above = "500ms"),
//! window = "1m"                  # rate (expected, tolerance, per)
//! above = 0.05
//! [[experiment.abort]]
//! name = "failover"
//! deadline = "60s"               # aborts if the method still runs 60 s after its start
//! ```
//!
//! # How it runs (the choices made)
//!
//! - **Times.** The method starts when its first fault starts and ends when its last
//!   fault ends on its own schedule. The before check runs at the whole minute at or
//!   before the method's start, before any fault due then; the after check at the first
//!   whole minute at or after the method's end plus `settle`. Windows are whole minutes of
//!   the run's SLI window (its resolution), so both checks read whole minutes; a window
//!   longer than `settle` reaches back into the method, so give `settle` at least the
//!   longest window to judge only the recovered system (the gameday does).
//!   A tolerance must be able to match a number (an exact number, `[lower, upper]`, a
//!   list of numbers, a `range` or a comparator): any other would never hold and would
//!   silently skip the method, so it is refused.
//! - **Signals.** `error_ratio`, `burn_rate` (against the scenario's SLO) and `rate` read
//!   the SLI window with [`sre_chaos::signals`] (bad = slow, timed out, dropped, failed,
//!   never served; events are stamped when they complete); `quantile` is the latency
//!   histogram over the window before the check, in milliseconds
//!   ([`IntervalQuantile`](sre_chaos::signals::IntervalQuantile)). A window with no event
//!   is "no data": the probe fails, as a Chaos Toolkit probe that raises. Because events
//!   are stamped when they complete, requests a fault holds (a `wait` dependency) are
//!   invisible to these signals until they complete: guard such a fault with a deadline.
//!   The SLI window counts whole minutes, so at a tick inside a minute a `1m` window
//!   reads that minute's events so far.
//! - **Chaos Toolkit semantics** are `sre-chaos`'s, not redone here: the readings are
//!   replayed through [`sre_chaos::run`] (default hypothesis strategy: before and after
//!   the method) with one method activity and one rollback per method fault, and the
//!   journal's status, `deviated`, steady states, exit code and whether rollbacks play
//!   come from it. A steady state broken before the method skips the method (its faults
//!   never start) in both modes: status `completed` (`failed` when a probe could not
//!   read) in `compatible` mode, `not_run` in `strict` mode.
//! - **The guard** starts with the method's first fault and ticks at its start and every
//!   `tick` after, until the method ends (a method that ends by a tick is not judged at
//!   it). A deadline is met when the method's faults have ended on their own schedule (the
//!   failover happened); it fires at the first tick at or past it. `abort_at` trips the
//!   kill switch at that instant and the guard reports the manual abort there.
//! - **An abort** interrupts the method (Chaos Toolkit's graceful interruption, what its
//!   safeguards control does): the journal's status is `interrupted`, no after check
//!   runs, method faults not yet started never start, and — when the rollback strategy
//!   plays rollbacks — every method fault still active ends at the abort, its record's
//!   `ended_by` saying `experiment abort: <cause>`. Chaos Toolkit's `default` strategy
//!   plays no rollback after an interruption; the course wants an automatic rollback on
//!   abort, so `always` is the default here.
//! - **Cost.** Nothing without an experiment; with one, a boundary each tick while the
//!   method runs, and O(probes + conditions) SLI reads there.
//!
//! Every input is bounded: at most [`MAX_PROBES`] probes and
//! [`MAX_CONDITIONS`](sre_chaos::guard::MAX_CONDITIONS) abort conditions, texts of at
//! most [`MAX_TEXT`] and names of [`MAX_NAME`] characters, tolerances of
//! [`MAX_TOLERANCE_CHARS`] as JSON, and no more guard ticks than
//! [`MAX_TICKS`](crate::limits::MAX_TICKS) over the run; errors name the field
//! (`experiment.abort[1].window`).

mod journal;
pub(crate) mod live;
mod replay;
mod spec;
mod validate;

pub use journal::{
    AbortRecord, ExperimentJournal, MethodRecord, ProbeRecord, RollbackRecord, SteadyStateRecord,
    SteadyStates,
};
pub use spec::{AbortCondition, Above, ExperimentSpec, Signal, SteadyStateProbe};
pub use validate::{
    DEFAULT_SETTLE, DEFAULT_TICK, MAX_NAME, MAX_PROBES, MAX_TEXT, MAX_TOLERANCE_CHARS,
};
pub(crate) use validate::{Program, compile};
