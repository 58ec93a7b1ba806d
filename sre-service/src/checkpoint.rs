//! Checkpoints: the SLI windows and alert states of a registry in one file, written
//! atomically and read back at start, so a restart keeps a 30-day window.
//!
//! # The file
//!
//! One header line, then a JSON body:
//!
//! ```text
//! sre-service-checkpoint 1 <body length in bytes> <CRC-32 of the body, 8 hex digits>
//! {"saved_at":…,"slos":[{"name":"work",…,"sli":{…},"alerts":{…}}]}
//! ```
//!
//! The CRC is CRC-32/ISO-HDLC (the one of zlib and gzip). A file is written to a
//! temporary file beside it, fsynced, renamed over the old one, and the directory is
//! fsynced: a crash leaves either the old checkpoint or the new one, never a mix.
//!
//! # What is refused
//!
//! A file that is not a checkpoint, of another format version, shorter or longer than
//! its header says (truncated), whose checksum does not match (corrupt), whose JSON does
//! not parse or whose states do not validate, larger than [`MAX_CHECKPOINT_BYTES`], or
//! that holds an SLO the registry no longer has or defined differently (objective,
//! period, latency threshold, alert pairs) is refused with
//! [`Error::BadCheckpoint`] and left as it was: the service does not start over with
//! empty windows without saying so. An SLO the registry has and the file does not starts
//! empty.
//!
//! # Counters after a restart
//!
//! The exposed `sre_slo_events_total` counters must never move backwards, or Prometheus
//! reads a reset and counts the whole value again. After a clean shutdown (the runner's
//! final checkpoint, [`Registry::final_checkpoint`](crate::Registry::final_checkpoint))
//! nothing was lost, and they continue where the last scrape saw them. After a crash the
//! events since the last checkpoint are lost, so they start again from zero: a counter
//! reset, which `increase()` and `rate()` handle. The SLI windows keep their history
//! either way; `sre_slo_period_events` shows what the in-process evaluator counts.
//!
//! # Downtime
//!
//! The windows resume at the minute they were saved. The minutes the process was down
//! hold no events: they read as *no data*, never as good, and a window that covers only
//! the gap has no error ratio.

use crate::slo_state::SloState;
use crate::{Error, SloSpec};
use core::time::Duration;
use serde::{Deserialize, Serialize};
use sre_budget::EvaluatorState;
use sre_core::Timestamp;
use sre_metrics::SliWindow;
use sre_metrics::sli::SliWindowState;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, PoisonError};

const MAGIC: &str = "sre-service-checkpoint";
/// The format version this build writes and reads.
pub const FORMAT_VERSION: u32 = 1;
/// The largest checkpoint file read (a 30-day SLO's state is under 1 MiB of JSON).
pub const MAX_CHECKPOINT_BYTES: u64 = 64 << 20;

/// What a checkpoint holds.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Checkpoint {
    pub(crate) saved_at: Timestamp,
    /// Written by a clean shutdown, after the last request: nothing was lost since.
    #[serde(default)]
    pub(crate) shutdown: bool,
    slos: Vec<SloCheckpoint>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct SloCheckpoint {
    name: String,
    objective: f64,
    period: Duration,
    threshold: Option<Duration>,
    alerts: Vec<String>,
    sli: SliWindowState,
    evaluator: EvaluatorState,
    /// What the SLI totals held when the exposed counters last started from zero.
    #[serde(default)]
    counter_base: CounterBase,
}

/// The SLI totals at which the exposed `sre_slo_events_total` counters stand at zero.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct CounterBase {
    pub(crate) good: u64,
    pub(crate) bad: u64,
}

impl SloCheckpoint {
    fn of(s: &SloState) -> Self {
        let evaluator = s
            .evaluator
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .state();
        Self {
            name: s.spec.name().to_owned(),
            objective: s.spec.objective().get(),
            period: s.spec.period(),
            threshold: s.spec.threshold(),
            alerts: s
                .policy
                .pairs()
                .iter()
                .map(|p| p.name().to_owned())
                .collect(),
            sli: s.sli.state(),
            evaluator,
            counter_base: s.counter_base,
        }
    }

    /// What differs between this saved SLO and `spec`, if anything.
    fn mismatch(&self, spec: &SloSpec, alerts: &[String]) -> Option<String> {
        #[allow(clippy::float_cmp)] // both are the same validated value read back
        let objective_differs = self.objective != spec.objective().get();
        if objective_differs {
            return Some(format!(
                "SLO {:?} was saved with objective {} and is now {}",
                self.name,
                self.objective,
                spec.objective().get()
            ));
        }
        if self.period != spec.period() {
            return Some(format!(
                "SLO {:?} was saved with period {:?} and is now {:?}",
                self.name,
                self.period,
                spec.period()
            ));
        }
        if self.threshold != spec.threshold() {
            return Some(format!(
                "SLO {:?} was saved with latency threshold {:?} and is now {:?}",
                self.name,
                self.threshold,
                spec.threshold()
            ));
        }
        if self.alerts != alerts {
            return Some(format!(
                "SLO {:?} was saved with alerts {:?} and now has {:?}",
                self.name, self.alerts, alerts
            ));
        }
        None
    }
}

impl Checkpoint {
    pub(crate) fn of(slos: &[Arc<SloState>], saved_at: Timestamp, shutdown: bool) -> Self {
        for s in slos {
            // Close the minutes up to now, so the state is as of now even on a quiet SLO.
            s.sli.advance(saved_at);
        }
        Self {
            saved_at,
            shutdown,
            slos: slos.iter().map(|s| SloCheckpoint::of(s)).collect(),
        }
    }

    /// The registry's SLO states: restored where the file has them, new otherwise.
    pub(crate) fn into_states(
        mut self,
        specs: Vec<SloSpec>,
        path: Option<&Path>,
    ) -> Result<Vec<Arc<SloState>>, Error> {
        let bad = |reason: String| Error::BadCheckpoint {
            path: path.map(Path::to_owned).unwrap_or_default(),
            reason,
        };
        for (i, c) in self.slos.iter().enumerate() {
            if self.slos[..i].iter().any(|o| o.name == c.name) {
                return Err(bad(format!("it holds SLO {:?} twice", c.name)));
            }
        }
        if let Some(extra) = self
            .slos
            .iter()
            .find(|c| !specs.iter().any(|s| s.name() == c.name))
        {
            return Err(bad(format!(
                "it holds SLO {:?}, which the service no longer defines",
                extra.name
            )));
        }
        let mut out = Vec::with_capacity(specs.len());
        for spec in specs {
            let saved = self
                .slos
                .iter()
                .position(|c| c.name == spec.name())
                .map(|i| self.slos.swap_remove(i));
            let state = match saved {
                None => SloState::new(spec, None)?,
                Some(c) => {
                    let alerts: Vec<String> = spec
                        .alert_policy()?
                        .pairs()
                        .iter()
                        .map(|p| p.name().to_owned())
                        .collect();
                    if let Some(why) = c.mismatch(&spec, &alerts) {
                        return Err(bad(why));
                    }
                    let name = c.name.clone();
                    let sli = SliWindow::from_state(c.sli).map_err(|e| {
                        bad(format!(
                            "SLO {name:?}: the SLI window does not validate: {e}"
                        ))
                    })?;
                    if sli.horizon() != spec.period() {
                        return Err(bad(format!(
                            "SLO {name:?}: the SLI window keeps {:?}, the period is {:?}",
                            sli.horizon(),
                            spec.period()
                        )));
                    }
                    // After a clean shutdown the counters continue where the scrapes last saw
                    // them. After a crash the events since the checkpoint are lost, and
                    // continuing from the checkpoint would move the counters backwards, which
                    // Prometheus reads as a reset and counts the whole restored value again:
                    // they start from zero instead (a reset `increase()` handles), while the
                    // SLI window keeps its history.
                    let totals = sli.totals();
                    let base = if self.shutdown {
                        c.counter_base
                    } else {
                        CounterBase {
                            good: totals.good,
                            bad: totals.bad(),
                        }
                    };
                    let mut state = SloState::new(spec, Some(sli))?;
                    state.counter_base = base;
                    let mut ev = state
                        .evaluator
                        .lock()
                        .unwrap_or_else(PoisonError::into_inner);
                    ev.restore(&c.evaluator).map_err(|e| {
                        bad(format!("SLO {name:?}: the alert state does not fit: {e}"))
                    })?;
                    // Scrapes see the restored alert states before the first evaluation.
                    let report = crate::report::SloReport::of(&state.spec, &ev, self.saved_at);
                    drop(ev);
                    state.publish(report);
                    state
                }
            };
            out.push(Arc::new(state));
        }
        Ok(out)
    }
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> Error + '_ {
    move |source| Error::Io {
        path: path.to_owned(),
        source,
    }
}

/// Writes `checkpoint` to `path` atomically (temporary file, fsync, rename, fsync of the
/// directory).
pub(crate) fn write(path: &Path, checkpoint: &Checkpoint) -> Result<(), Error> {
    let body = serde_json::to_vec(checkpoint).map_err(|e| Error::BadCheckpoint {
        path: path.to_owned(),
        reason: format!("could not encode the state: {e}"),
    })?;
    let header = format!(
        "{MAGIC} {FORMAT_VERSION} {} {:08x}\n",
        body.len(),
        crc32fast::hash(&body)
    );
    let tmp = temporary(path);
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(header.as_bytes())?;
        f.write_all(&body)?;
        f.sync_all()?;
        drop(f);
        std::fs::rename(&tmp, path)?;
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::File::open(dir)?.sync_all()?;
        }
        Ok(())
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result.map_err(io(path))
}

fn temporary(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map_or_else(|| "checkpoint".into(), |n| n.to_string_lossy().into_owned());
    path.with_file_name(format!(".{name}.tmp"))
}

/// Reads the checkpoint at `path`; `None` if there is no file.
pub(crate) fn read_if_exists(path: &Path) -> Result<Option<Checkpoint>, Error> {
    let bytes = match std::fs::metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(io(path)(e)),
        Ok(m) if m.len() > MAX_CHECKPOINT_BYTES => {
            return Err(Error::BadCheckpoint {
                path: path.to_owned(),
                reason: format!(
                    "it is {} bytes, more than the {MAX_CHECKPOINT_BYTES} a checkpoint may be",
                    m.len()
                ),
            });
        }
        Ok(_) => std::fs::read(path).map_err(io(path))?,
    };
    decode(&bytes)
        .map(Some)
        .map_err(|reason| Error::BadCheckpoint {
            path: path.to_owned(),
            reason,
        })
}

/// Decodes a checkpoint file's bytes, or says what is wrong with them.
pub(crate) fn decode(bytes: &[u8]) -> Result<Checkpoint, String> {
    let newline = bytes
        .iter()
        .take(128)
        .position(|&b| b == b'\n')
        .ok_or("it does not start with a checkpoint header line")?;
    let header = std::str::from_utf8(&bytes[..newline])
        .map_err(|_| "its header line is not text".to_owned())?;
    let mut fields = header.split(' ');
    if fields.next() != Some(MAGIC) {
        return Err("it is not an sre-service checkpoint (no header line)".into());
    }
    let version: u32 = fields
        .next()
        .and_then(|v| v.parse().ok())
        .ok_or("its header has no format version")?;
    if version != FORMAT_VERSION {
        return Err(format!(
            "it is of format version {version}; this build reads version {FORMAT_VERSION}"
        ));
    }
    let (Some(len), Some(crc), None) = (
        fields.next().and_then(|v| v.parse::<usize>().ok()),
        fields.next().and_then(|v| u32::from_str_radix(v, 16).ok()),
        fields.next(),
    ) else {
        return Err("its header line is malformed".into());
    };
    let body = &bytes[newline + 1..];
    if body.len() < len {
        return Err(format!(
            "it is truncated: the header announces {len} bytes of state, {} follow",
            body.len()
        ));
    }
    if body.len() > len {
        return Err(format!(
            "{} bytes follow the {len} bytes of state the header announces",
            body.len() - len
        ));
    }
    let actual = crc32fast::hash(body);
    if actual != crc {
        return Err(format!(
            "it is corrupt: its checksum is {actual:08x}, the header says {crc:08x}"
        ));
    }
    serde_json::from_slice(body).map_err(|e| format!("its state does not validate: {e}"))
}

/// The SLI totals (good and all events since the window began) of every SLO in the
/// checkpoint at `path`: what the restored `sre_slo_events_total` counters start from.
///
/// # Errors
///
/// [`Error::Io`] and [`Error::BadCheckpoint`] as at restore.
pub fn totals(path: &Path) -> Result<Vec<(String, sre_metrics::WindowCounts)>, Error> {
    let missing = || Error::BadCheckpoint {
        path: path.to_owned(),
        reason: "there is no such file".into(),
    };
    let cp = read_if_exists(path)?.ok_or_else(missing)?;
    cp.slos
        .into_iter()
        .map(|c| {
            let w = SliWindow::from_state(c.sli).map_err(|e| Error::BadCheckpoint {
                path: path.to_owned(),
                reason: format!("SLO {:?}: the SLI window does not validate: {e}", c.name),
            })?;
            Ok((c.name, w.totals()))
        })
        .collect()
}
