# Regenerates ctk_lockstep_differential.json: pip install chaostoolkit-lib==1.44.0 jsonpath2, then
# PYTHONPATH=sre-chaos/tests/data python sre-chaos/tests/data/gen_ctk_lockstep.py > sre-chaos/tests/data/ctk_lockstep_differential.json
# Runs generated experiments with a continuous hypothesis through chaostoolkit-lib 1.44's
# Runner in lock step (iteration k while method activity k runs; activity k ends after
# iteration k is evaluated; no iteration after the method), as chaos_vectors.json states.
import copy, json, logging, random, sys, threading
logging.disable(logging.CRITICAL)
import lockstep_mod as L
import chaoslib.run as R
from chaoslib.run import Runner, RunEventHandler
from chaoslib.types import Strategy, Schedule
from chaoslib.exceptions import InterruptExecution
R.threading.Event = L.LockstepEvent
class H(RunEventHandler):
    def start_hypothesis_before(self, e): L.STATE["phase"] = "before"
    def start_hypothesis_after(self, e): L.STATE["phase"] = "after"
    def start_continuous_hypothesis(self, f):
        L.STATE["phase"] = "during"; L.STATE["iteration"] = 1
    def continuous_hypothesis_iteration(self, i, state):
        with L.COND:
            L.STATE["iteration"] = i + 1
            L.STATE["iter_done"] = i
            L.COND.notify_all()
    def continuous_hypothesis_completed(self, e, journal, exc=None):
        if exc is not None and not isinstance(exc, InterruptExecution):
            journal["status"] = "aborted"
        with L.COND:
            L.STATE["finished"] = True
            L.COND.notify_all()
rnd = random.Random(5122026)
TOLS = [([0, 0.001], [0, 0.0005, 0.001, 0.0011, 0.01]),
        (200, [200, 500, {"status": 200}]),
        (True, [True, False]),
        ({"type": "range", "range": [900, 1100]}, [900, 1100, 1101, "1000", "abc"]),
        ({"type": "regex", "pattern": "^healthy"}, ["healthy: 3/3", "unhealthy"]),
        ([0, 0.001], ["n/a"])]
def output(vals):
    if rnd.random() < 0.08: return {"raises": True, "value": None}
    return {"raises": False, "value": rnd.choice(vals)}
def ss(state):
    if state is None: return None
    return {"met": bool(state["steady_state_met"]), "probes": [{"name": p["activity"]["name"], "status": p["status"], "tolerance_met": bool(p["tolerance_met"])} for p in state["probes"]]}
STRATS = {"continuous": Strategy.CONTINUOUS, "during-method-only": Strategy.DURING_METHOD}
vectors = []; i = 0
while len(vectors) < 200:
    i += 1
    L.reset(); L.PLAN.clear()
    hyp = []
    for k in range(rnd.randint(1, 3)):
        tol, vals = rnd.choice(TOLS[:-1] if rnd.random() < 0.9 else TOLS)
        name = f"p{k}"
        outs = {"before": output(vals) if rnd.random() < 0.3 else {"raises": False, "value": vals[0]},
                "during": [output(vals) for _ in range(rnd.randint(1, 4))],
                "after": output(vals) if rnd.random() < 0.5 else {"raises": False, "value": vals[0]}}
        if rnd.random() < 0.05 and tol == [0, 0.001]:
            outs["during"][-1] = {"raises": False, "value": "n/a"}
        L.PLAN[name] = outs
        hyp.append({"name": name, "tolerance": tol, "outputs": outs})
    method = [{"name": f"m{k}", "type": rnd.choice(["action", "probe"]), "outcome": rnd.choice(["ok", "ok", "raise"])} for k in range(rnd.randint(1, 4))]
    rollbacks = [{"name": f"r{k}", "outcome": rnd.choice(["ok", "raise"])} for k in range(rnd.randint(0, 2))]
    strategy = rnd.choice(list(STRATS)); rb = rnd.choice(["default", "always", "never", "deviated"])
    ff = rnd.random() < 0.7; ffr = rnd.choice([0.0, 0.0, 30.0, 50.0, 70.0])
    exp = {"title": "t", "description": "d",
           "steady-state-hypothesis": {"title": "h", "probes": [{"type": "probe", "name": h["name"], "tolerance": copy.deepcopy(h["tolerance"]), "provider": {"type": "python", "module": "lockstep_mod", "func": "seq", "arguments": {"key": h["name"]}}} for h in hyp]},
           "method": [{"type": m["type"], "name": m["name"], "provider": {"type": "python", "module": "lockstep_mod", "func": "activity", "arguments": {"fail": m["outcome"] == "raise"}}} for m in method],
           "rollbacks": [{"type": "action", "name": r["name"], "provider": {"type": "python", "module": "lockstep_mod", "func": "rollback", "arguments": {"fail": r["outcome"] == "raise"}}} for r in rollbacks]}
    try:
        with Runner(STRATS[strategy], Schedule(continuous_hypothesis_frequency=1, fail_fast=ff, fail_fast_ratio=ffr)) as r:
            r.register_event_handler(H())
            j = r.run(exp, settings={"runtime": {"rollbacks": {"strategy": rb}}})
    except Exception:
        continue
    st = j["status"]
    vectors.append({"id": f"ctk-lock-{i:04}", "category": "ctk_run", "source": "chaostoolkit-lib 1.44.0 Runner in lock step (seed 5122026)",
        "input": {"strategy": strategy, "rollback_strategy": rb, "fail_fast": ff, "fail_fast_ratio": ffr, "hypothesis": hyp, "method": method, "rollbacks": rollbacks},
        "expected": {"status": st, "deviated": bool(j["deviated"]), "cli_exit_code": 1 if (st != "completed" or j["deviated"]) else 0,
            "steady_state_before": ss(j["steady_states"]["before"]), "steady_state_during": [ss(s) for s in j["steady_states"]["during"]],
            "steady_state_after": ss(j["steady_states"]["after"]),
            "method_runs": [{"name": x["activity"]["name"], "status": x["status"]} for x in j["run"]],
            "rollback_runs": [{"name": x["activity"]["name"], "status": x["status"]} for x in j["rollbacks"]]},
        "derivation": "journal fields as recorded by the Runner"})
json.dump({"source": "chaostoolkit-lib 1.44.0 Runner, continuous and during-method-only in lock step; regenerate with gen_ctk_lockstep.py", "vectors": vectors}, sys.stdout, separators=(",", ":"))
