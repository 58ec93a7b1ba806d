//! Faults injected into a run: servers lost (an instance, a zone, a region), latency added
//! on the network, injected errors, CPU slowdowns and a failed dependency.
//!
//! A scenario lists them in `[[faults]]`:
//!
//! ```toml
//! [[faults]]
//! kind = "instance_loss"   # also zone_loss, region_loss (servers spread over `servers.zones`/`regions`)
//! at = "1h"
//! servers = 3              # lost until the autoscaler or a floor replaces them
//! [[faults]]
//! kind = "latency"         # added on the network, holds no server
//! at = "2h"
//! duration = "30m"
//! add = "100ms"
//! share = 0.05             # of requests
//! [[faults]]
//! kind = "errors"          # injected failures, bad for the SLI, reported as requests.failed
//! at = "3h"
//! duration = "10m"
//! probability = 0.02
//! [[faults]]
//! kind = "slowdown"        # CPU stress: service times multiplied (holds the server longer)
//! at = "4h"
//! duration = "1h"
//! factor = 1.5
//! [[faults]]
//! kind = "dependency"      # DNS or certificate failure: every request fails while it lasts
//! at = "5h"
//! duration = "2m"
//! ```
//!
//! What each does to a request *sent* while it is active (faults that overlap compose in
//! this order):
//!
//! | kind | effect | holds a server |
//! |---|---|---|
//! | `dependency` (`effect = "fail"`, the default) | the request fails at once (`requests.failed`) | no |
//! | `errors` | fails at once with `probability`, each active `errors` fault drawing in turn | no |
//! | `slowdown` | its service time is multiplied by `factor` (several multiply) | yes, `factor` × longer |
//! | `latency` | with probability `share` it reaches the servers `add` later; its latency still runs from its send | no |
//! | `dependency` with `effect = "wait"` | it waits for the dependency and reaches the servers when the fault ends (a failover the client does not see, save in latency) | no |
//! | `instance_loss`, `zone_loss`, `region_loss` | at `at`, `servers` (or ⌈provisioned ÷ `servers.zones`⌉, ⌈provisioned ÷ `servers.regions`⌉) servers vanish; their requests in service fail | — |
//!
//! Lost servers stay lost until the autoscaler or a planned floor (the scenario's
//! `schedule`) asks for more (the pool is then what is left; `servers.min` bounds the
//! autoscaler's answers, it starts no server by itself), or, with a `duration`, until replacements are started at its
//! end (they warm up like any new server). A client that times out while its request is
//! held by a `latency` or `wait` fault gets a timeout at its send time plus the timeout.
//!
//! Requests a fault fails, or holds, reach the servers late or never: the autoscaler's
//! request rate and the timeline's `rps` count the requests that reached the servers, and
//! `requests.sent` counts every request sent.
//!
//! Draws (which requests a `share` or `probability` picks) come from a stream of their own
//! seeded from the scenario's seed: a fault changes nothing outside its window, and the
//! same scenario gives the same run. Between faults the simulator's request path is the
//! one without faults (one branch a request).
//!
//! Every fault is bounded: at most [`MAX_FAULTS`](crate::limits::MAX_FAULTS) of them, each
//! starting inside the run (one still active at the end is recorded as ended by `end of
//! run`), and faults that hold requests (`latency`, `dependency` with `wait`)
//! must not overlap one another, counting the time their held requests take to arrive.

pub(crate) mod active;
mod spec;

pub(crate) use spec::validate_all;
pub use spec::{DependencyEffect, Fault, FaultKind, MAX_FACTOR};
