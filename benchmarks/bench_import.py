"""Row 5: import time, each sample a fresh interpreter, and which modules the first call needs.

Timed inside the child (interpreter start-up left out), interleaved:

* **SDK**: ``import modelarts.estimator``;
* **floor**: ``import urllib3, marshmallow`` (our two dependencies);
* **Huawei**: ``import huaweicloudsdkmodelarts.v1`` (HOME is a scratch folder:
  importing Huawei's core writes ``~/.huaweicloud/application_id``);
* note only: ``modelarts.estimator`` plus the modules the first call imports
  later (``modelarts.session``, ``modelarts.transport.live`` and urllib3).

The module check runs one more child: it imports ``modelarts.estimator``, then
makes a first call (``Session(...)`` and ``get_job_version_object_list(
is_show=False)`` against the fake server, its own process) under
``sys.setprofile``, and reports our modules imported up front, those the call
imported, and any module of ours whose code never ran during the call.
"""

from __future__ import annotations

import json
from typing import Any, Callable, Dict, List

from _common import JOB_ID, FakeServer, Row, interleaved, median, missing_peer, run_child

TIME_IMPORT = """
import importlib, json, sys, time
started = time.perf_counter()
for name in sys.argv[1].split(","):
    importlib.import_module(name)
print(json.dumps(time.perf_counter() - started))
"""

FIRST_CALL = """
import json, sys
before = set(sys.modules)
import modelarts.estimator
imported = set(sys.modules) - before
ran = set()

def profile(frame, event, arg):
    if event == "call" and frame.f_code.co_name != "<module>":
        ran.add(frame.f_globals.get("__name__"))

kwargs = json.loads(sys.argv[1])
sys.setprofile(profile)
from modelarts.session import Session
with Session(**kwargs) as session:
    modelarts.estimator.Estimator(session, job_id=sys.argv[2]).get_job_version_object_list(
        is_show=False
    )
sys.setprofile(None)
later = set(sys.modules) - before - imported

def ours(names):
    return sorted(n for n in names if n == "modelarts" or n.startswith("modelarts."))

def plain(name):
    return not hasattr(sys.modules[name], "__path__")  # a package __init__ only re-exports

print(json.dumps({
    "up_front": ours(imported),
    "first_call": ours(later),
    "idle": [n for n in ours(imported | later) if plain(n) and n not in ran],
    "third_party_up_front": sorted({
        n.split(".")[0] for n in imported
        if "-packages" in (getattr(sys.modules.get(n), "__file__", None) or "")
    } - {"modelarts"}),
}))
"""

FLOOR = "urllib3,marshmallow"
SDK = "modelarts.estimator"
FIRST_CALL_MODULES = "modelarts.estimator,modelarts.session,modelarts.transport.live"
HUAWEI = "huaweicloudsdkmodelarts.v1"


def _case(modules: str) -> Callable[[], float]:
    def sample() -> float:
        seconds: float = run_child(TIME_IMPORT, modules)
        return seconds

    return sample


def module_report() -> Dict[str, Any]:
    with FakeServer(3) as server:
        report: Dict[str, Any] = run_child(FIRST_CALL, json.dumps(server.session_kwargs), JOB_ID)
    return report


def run(quick: bool) -> List[Row]:
    rounds = 3 if quick else 7
    skipped = missing_peer("huaweicloudsdkmodelarts")
    cases = {"sdk": _case(SDK), "floor": _case(FLOOR), "first call": _case(FIRST_CALL_MODULES)}
    if not skipped:
        cases["huawei"] = _case(HUAWEI)
    seconds = {name: median(values) for name, values in interleaved(cases, rounds).items()}
    floor_row = Row(
        f"5. import {SDK} vs import urllib3, marshmallow",
        "<= 1.10x",
        sdk=seconds["sdk"],
        baseline=seconds["floor"],
    )
    floor_row.met = floor_row.ratio is not None and floor_row.ratio <= 1.10
    report = module_report()
    floor_row.notes += [
        f"with what the first call imports later ({FIRST_CALL_MODULES.replace(',', ', ')}): "
        f"{seconds['first call'] * 1e3:.1f} ms, {seconds['first call'] / seconds['floor']:.2f}x "
        "the floor",
        f"imported by `import {SDK}`: {', '.join(report['up_front'])}",
        "third-party packages it imports: " + ", ".join(report["third_party_up_front"]),
        f"imported by the first call: {', '.join(report['first_call'])}",
        "imported but no code of theirs ran during the first call: "
        + (", ".join(report["idle"]) or "none"),
    ]
    huawei_row = Row(f"5b. import {SDK} vs import {HUAWEI}", "< 0.33x", skipped=skipped)
    if not skipped:
        huawei_row.sdk, huawei_row.baseline = seconds["sdk"], seconds["huawei"]
        huawei_row.met = huawei_row.ratio is not None and huawei_row.ratio < 1 / 3
    return [floor_row, huawei_row]
