# Regenerates ctk_run_differential.json and ctk_signals_differential.json: pip install
# chaostoolkit-lib==1.44.0 jsonpath2, then with PYTHONPATH=sre-chaos/tests/data:
#   python gen_ctk_run.py 4122026 > ctk_run_differential.json
#   python gen_ctk_run.py 7122026 signals > ctk_signals_differential.json
# Runs generated experiments through chaostoolkit-lib 1.44's Runner (strategies without
# a continuous hypothesis) and records the journal in chaos_vectors.json's ctk_run shape.
import copy, json, logging, random, sys
logging.disable(logging.CRITICAL)
import probes_mod
from chaoslib.run import Runner, RunEventHandler
from chaoslib.types import Strategy, Schedule
rnd = random.Random(int(sys.argv[1]) if len(sys.argv) > 1 else 4122026)
SIGNALS = len(sys.argv) > 2
class Phase(RunEventHandler):
    def start_hypothesis_before(self, experiment):
        probes_mod.PHASE["phase"] = "before"
    def start_hypothesis_after(self, experiment):
        probes_mod.PHASE["phase"] = "after"
TOLS = [([0, 0.001], [0, 0.0005, 0.001, 0.0011, 0.01, True, False]),
        (200, [200, 500, {"status": 200}, {"status": 503}, 200.0, True]),
        (True, [True, False, 1, 0, "true"]),
        ("ok", ["ok", "OK", "degraded"]),
        ({"type": "range", "range": [900, 1100]}, [900, 1100, 1101, "1000", "abc", 899.99]),
        ({"type": "regex", "pattern": "^healthy"}, ["healthy: 3/3", "unhealthy"]),
        ({"type": "jsonpath", "path": "$.status", "expect": "up"}, [{"status": "up"}, {"status": "down"}, {"state": "up"}]),
        ([200, 201, 204], [200, 202, {"status": 204}])]
STRATS = {"default": Strategy.DEFAULT, "before-method-only": Strategy.BEFORE_METHOD, "after-method-only": Strategy.AFTER_METHOD, "skip": Strategy.SKIP}
def output(vals):
    if rnd.random() < 0.12:
        return {"raises": True, "value": None}
    return {"raises": False, "value": rnd.choice(vals)}
def provider(outcome):
    if outcome.startswith("sig"):
        return {"type": "python", "module": "probes_mod", "func": "sig", "arguments": {"name": outcome.upper()}}
    return {"type": "python", "module": "probes_mod", "func": "out" if outcome == "ok" else "boom"}
def ss(state):
    if state is None:
        return None
    return {"met": bool(state["steady_state_met"]), "probes": [{"name": p["activity"]["name"], "status": p["status"], "tolerance_met": bool(p["tolerance_met"])} for p in state["probes"]]}
vectors = []
i = 0
while len(vectors) < (150 if SIGNALS else 400):
    i += 1
    hyp = []
    probes_mod.PLAN.clear()
    for k in range(rnd.randint(0, 3)):
        tol, vals = rnd.choice(TOLS)
        name = f"p{k}"
        outs = {"before": output(vals), "during": [output(vals)], "after": output(vals)}
        probes_mod.PLAN[name] = outs
        hyp.append({"name": name, "tolerance": tol, "outputs": outs})
    method = [{"name": f"m{k}", "type": rnd.choice(["action", "probe"]), "outcome": rnd.choice(["ok", "ok", "ok", "raise"] + (["sigint", "sigterm", "sigusr1", "sigusr2"] if SIGNALS else []))} for k in range(rnd.randint(0, 4))]
    rollbacks = [{"name": f"r{k}", "outcome": rnd.choice(["ok", "ok", "raise"])} for k in range(rnd.randint(0, 2))]
    strategy = rnd.choice(list(STRATS))
    rb = rnd.choice(["default", "always", "never", "deviated"])
    exp = {"title": "t", "description": "d",
           "method": [{"type": m["type"], "name": m["name"], "provider": provider(m["outcome"])} for m in method],
           "rollbacks": [{"type": "action", "name": r["name"], "provider": {"type": "python", "module": "probes_mod", "func": "out" if r["outcome"] == "ok" else "boom"}} for r in rollbacks]}
    if hyp:
        exp["steady-state-hypothesis"] = {"title": "h", "probes": [
            {"type": "probe", "name": h["name"], "tolerance": copy.deepcopy(h["tolerance"]),
             "provider": {"type": "python", "module": "probes_mod", "func": "seq", "arguments": {"key": h["name"]}}} for h in hyp]}
    try:
        with Runner(STRATS[strategy], Schedule()) as r:
            r.register_event_handler(Phase())
            j = r.run(exp, settings={"runtime": {"rollbacks": {"strategy": rb}}})
    except Exception:
        continue  # a tolerance check raised: Chaos Toolkit crashes, no journal
    status = j["status"]
    expected = {"status": status, "deviated": bool(j["deviated"]),
                "cli_exit_code": 1 if (status != "completed" or j["deviated"]) else 0,
                "steady_state_before": ss(j["steady_states"]["before"]),
                "steady_state_during": [ss(s) for s in j["steady_states"]["during"]],
                "steady_state_after": ss(j["steady_states"]["after"]),
                "method_runs": [{"name": x["activity"]["name"], "status": x.get("status")} for x in j["run"]],
                "rollback_runs": [{"name": x["activity"]["name"], "status": x.get("status")} for x in j["rollbacks"]]}
    vectors.append({"id": f"ctk-diff-{i:04}", "category": "ctk_run",
                    "source": "chaostoolkit-lib 1.44.0 (PyPI) Runner on a generated experiment (seed %s)" % (sys.argv[1] if len(sys.argv) > 1 else 4122026),
                    "input": {"strategy": strategy, "rollback_strategy": rb, "fail_fast": False, "fail_fast_ratio": 0.0,
                              "hypothesis": hyp, "method": method, "rollbacks": rollbacks},
                    "expected": expected, "derivation": "journal fields as recorded by the Runner"})
json.dump({"source": "chaostoolkit-lib 1.44.0 Runner, strategies default/before-method-only/after-method-only/skip; regenerate with gen_ctk_run.py", "vectors": vectors}, sys.stdout, separators=(",", ":"))
