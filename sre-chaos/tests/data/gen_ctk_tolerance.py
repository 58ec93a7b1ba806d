# Regenerates ctk_tolerance_differential.json: pip install chaostoolkit-lib==1.44.0 jsonpath2, then
# PYTHONPATH=sre-chaos/tests/data python sre-chaos/tests/data/gen_ctk_tolerance.py > sre-chaos/tests/data/ctk_tolerance_differential.json
import copy, json, random, sys
from chaoslib.hypothesis import ensure_hypothesis_tolerance_is_valid, within_tolerance
import logging
logging.disable(logging.CRITICAL)
rnd = random.Random(20261204)
nums = [0, 1, -1, 2, 5, 6, 7, 200, 201, 500, 900, 1000, 1100, 1101, 0.0, 1.0, 0.001, 0.0005, 0.0010000000000000002, 0.1, 0.2, 0.30000000000000004, 0.3, 800.89, 10.5, -0.0, 1e300, 9007199254740993, 9007199254740992.0, 2**64, -2**63]
strs = ["", "ok", "OK", "healthy: 3/3", "degraded", "580", "800.89", "1_000", "1__0", " 12 ", "1e3", "-5", "+7", ".5", "5.", "nan", "NaN", "inf", "-Infinity", "abc", "0x10", "1e", "{\"status\": \"up\"}", "[1, 2]", "up", "200"]
def scalar():
    k = rnd.random()
    if k < 0.45: return rnd.choice(nums)
    if k < 0.8: return rnd.choice(strs)
    if k < 0.95: return rnd.choice([True, False])
    return None
def value(depth=0):
    k = rnd.random()
    if depth < 2 and k < 0.15:
        return [value(depth+1) for _ in range(rnd.randint(0, 3))]
    if depth < 2 and k < 0.35:
        d = {}
        for key in rnd.sample(["status", "body", "stdout", "state", "pods", "foo"], rnd.randint(0, 3)):
            if key == "pods":
                d[key] = [{"ready": rnd.choice([True, False])} for _ in range(rnd.randint(0, 3))]
            elif key == "foo":
                d[key] = [{"baz": rnd.choice(nums[:8])} for _ in range(rnd.randint(0, 3))]
            else:
                d[key] = scalar()
        return d
    return scalar()
paths = ["$.status", "$.foo[*].baz", "$.pods[*].ready", "$.body", "$[0]", "$[*]", "$.state", "$..baz", "$.foo[0].baz", "$.foo[-1].baz", "$[\"status\"]", "$['status']", "$.foo[0:2].baz"]
patterns = ["^ok", "[0-9]{2}", "^healthy", "up$", "\\d+\\.\\d+", "a|b", "^$", "(", "x{2,1}"]
def tolerance():
    k = rnd.random()
    if k < 0.1: return rnd.choice([True, False])
    if k < 0.2: return rnd.choice([0, 1, 6, 200, 500, 1000])
    if k < 0.27: return rnd.choice(strs)
    if k < 0.4: return [scalar() for _ in range(rnd.choice([0, 1, 2, 2, 2, 3, 4]))]
    if k < 0.45: return rnd.choice([1.5, None])
    t = {}
    kind = rnd.choice(["range", "range", "regex", "jsonpath", "jsonpath", "probe", "boom"])
    t["type"] = kind
    if rnd.random() < 0.3: t["target"] = rnd.choice(["body", "status", "stdout", "nope"])
    if kind == "range":
        r = rnd.random()
        if r < 0.8:
            a, b = sorted([rnd.choice(nums[:20]), rnd.choice(nums[:20])])
            t["range"] = [a, b]
        elif r < 0.9: t["range"] = [1, 2, 3]
        else: t["range"] = [6, "b"]
    elif kind == "regex":
        t["pattern"] = rnd.choice(patterns)
    elif kind == "jsonpath":
        t["path"] = rnd.choice(paths)
        r = rnd.random()
        if r < 0.3: t["count"] = rnd.randint(0, 3)
        elif r < 0.6: t["expect"] = rnd.choice(["up", 200, True, 1, [1, 2], [True, False, True]])
    elif kind == "probe":
        op = rnd.choice(["<", "<=", ">", ">=", "==", "!="])
        lim = rnd.choice([0.001, 200, 1000, 0, "ok"])
        t["name"] = "cmp"
        t["provider"] = {"type": "python", "module": "ctk_guard_probes", "func": "compare", "arguments": {"op": op, "limit": lim}}
    return t
cases = []
seen = set()
while len(cases) < 4000:
    tol = tolerance(); val = value()
    key = json.dumps([tol, val], sort_keys=True)
    if key in seen: continue
    seen.add(key)
    try:
        ensure_hypothesis_tolerance_is_valid(copy.deepcopy(tol)); valid = True
    except Exception:
        valid = False
    within = None; raises = False
    if valid:
        try:
            r = within_tolerance(copy.deepcopy(tol), copy.deepcopy(val))
            within = bool(r) if r is not None else False
        except Exception as e:
            raises = True
    cases.append({"tolerance": tol, "value": val, "valid": valid, "within": within, "raises": raises})
json.dump({"source": "chaostoolkit-lib 1.44.0 (PyPI) with jsonpath2, chaoslib.hypothesis.ensure_hypothesis_tolerance_is_valid then within_tolerance, run on generated cases (seed 20261204); probe tolerances call compare(op, limit, value) = value <op> limit", "cases": cases}, sys.stdout, separators=(",", ":"))
