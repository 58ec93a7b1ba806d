# Probe and activity functions the generated experiments of gen_ctk_run.py call.
PHASE = {"phase": "before"}
PLAN = {}
def out(v=None):
    return v
def boom():
    raise RuntimeError("x")
def seq(key):
    o = PLAN[key][PHASE["phase"]]
    if o["raises"]:
        raise RuntimeError("probe raised")
    return o["value"]
def sig(name):
    import os, signal, time
    os.kill(os.getpid(), getattr(signal, name))
    time.sleep(0.2)
