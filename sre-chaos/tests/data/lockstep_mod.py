# Lock-step harness for gen_ctk_lockstep.py: method activity k waits until continuous
# iteration k is evaluated; the hypothesis thread waits for the next activity or the end.
import threading
COND = threading.Condition()
STATE = {"started": 0, "iter_done": 0, "finished": False, "phase": "before", "iteration": 0}
PLAN = {}
def reset():
    STATE.update({"started": 0, "iter_done": 0, "finished": False, "phase": "before", "iteration": 0})
def seq(key):
    o = PLAN[key]
    ph = STATE["phase"]
    if ph == "during":
        lst = o["during"]
        o = lst[min(STATE["iteration"], len(lst)) - 1]
    else:
        o = o[ph]
    if o["raises"]:
        raise RuntimeError("probe raised")
    return o["value"]
def activity(fail=False):
    with COND:
        STATE["started"] += 1
        k = STATE["started"]
        COND.notify_all()
        while STATE["iter_done"] < k and not STATE["finished"]:
            COND.wait(0.05)
    if fail:
        raise RuntimeError("activity raised")
    return None
def rollback(fail=False):
    if fail:
        raise RuntimeError("rollback raised")
class LockstepEvent(threading.Event):
    def wait(self, timeout=None):
        with COND:
            while not self.is_set() and STATE["started"] <= STATE["iter_done"] and not STATE["finished"]:
                COND.wait(0.05)
        return self.is_set()
