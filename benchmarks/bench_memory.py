"""Rows 6 and 6b: peak memory of the client, in fresh interpreters.

The server (``_page_server.py``, its own process) serves job 182626's
list-versions pages, built once. Each sample is a fresh client interpreter
that imports what it uses and warms up (a ``Session`` fetching one version, or
one raw GET), resets its peak RSS to the current RSS (``/proc/self/clear_refs``)
and reads it (``VmHWM`` in ``/proc/self/status``; ``ru_maxrss`` is the same
counter, but in a child on Linux it starts at the parent's RSS, which would
hide the growth), then reports how much its peak grew while:

* row 6, **SDK**: iterating all 100,000 versions through ``iter_job_versions()``
  (1,000 a page), keeping none; **baseline**: taking the first 1,000 versions
  from the same call (one page fetched and parsed) and holding them;
* row 6b, **SDK**: ``get_job_version_object_list(is_show=False)`` of 50,000
  versions, then reading every documented attribute of every one, and holding
  the list; **baseline** (the hand-typed floor): a ``urllib3.PoolManager``
  fetching the same pages, ``json.loads`` of each, and ``_common.hand_typed``
  of each version, holding both the dicts and the typed values.

Growth, not totals, so the interpreter and imports cancel out.
"""

from __future__ import annotations

import json
from typing import Callable, Dict, List, Tuple

from _common import HERE, JOB_ID, FakeServer, Row, interleaved, median, run_child

_PEAK = """
import json, resource, sys

def peak():
    # VmHWM, not ru_maxrss: on Linux a child's ru_maxrss starts at its parent's RSS.
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux

def reset_peak():
    # Start the peak afresh at the current RSS (Linux >= 4.0), so a transient
    # peak during imports or the warm-up cannot hide the growth measured next.
    try:
        with open("/proc/self/clear_refs", "w") as control:
            control.write("5")
        return True
    except OSError:
        return False
"""

CHILD = (
    _PEAK
    + """
import itertools
from modelarts.estimator import Estimator
from modelarts.schemas import Version
from modelarts.session import Session

kwargs, job_id, mode = json.loads(sys.argv[1]), sys.argv[2], sys.argv[3]
names = [declared.name for declared in Version.FIELDS]
with Session(**kwargs) as session:
    estimator = Estimator(session, job_id=job_id)
    next(iter(estimator.iter_job_versions(page_size=1)))
    reset = reset_peak()
    before = peak()
    if mode == "iterate":
        count = 0
        for version in estimator.iter_job_versions():
            count += 1
    elif mode == "hold all":
        held = estimator.get_job_version_object_list(is_show=False)
        for version in held:
            for name in names:
                getattr(version, name)
        count = len(held)
    else:
        held = list(itertools.islice(estimator.iter_job_versions(), 1000))
        count = len(held)
    after = peak()
print(json.dumps({"growth": after - before, "count": count, "reset": reset}))
"""
)

FLOOR_CHILD = (
    _PEAK
    + """
import urllib3
sys.path.insert(0, sys.argv[4])
from _common import hand_typed

kwargs, job_id, versions = json.loads(sys.argv[1]), sys.argv[2], int(sys.argv[3])
url = kwargs["modelarts_endpoint"] + f"/v1/{kwargs['project_id']}/training-jobs/{job_id}/versions"
pool = urllib3.PoolManager(retries=False)
pool.request("GET", url, fields={"per_page": 1, "page": 1})
reset = reset_peak()
before = peak()
held = []
for page in range(1, -(-versions // 1000) + 1):
    response = pool.request("GET", url, fields={"per_page": 1000, "page": page})
    held += [(record, hand_typed(record)) for record in json.loads(response.data)["versions"]]
    del response
after = peak()
print(json.dumps({"growth": after - before, "count": len(held), "reset": reset}))
"""
)


def _case(server: FakeServer, mode: str, expected: int) -> Callable[[], Tuple[float, bool]]:
    def sample() -> Tuple[float, bool]:
        result = run_child(CHILD, json.dumps(server.session_kwargs), JOB_ID, mode)
        assert result["count"] == expected, result
        return float(result["growth"]), bool(result["reset"])

    return sample


def _floor_case(server: FakeServer, expected: int) -> Callable[[], Tuple[float, bool]]:
    def sample() -> Tuple[float, bool]:
        kwargs = json.dumps(server.session_kwargs)
        result = run_child(FLOOR_CHILD, kwargs, JOB_ID, str(expected), str(HERE))
        assert result["count"] == expected, result
        return float(result["growth"]), bool(result["reset"])

    return sample


def _samples_note(samples: Dict[str, List[Tuple[float, bool]]]) -> List[str]:
    notes = [
        "every sample (MiB), "
        + "; ".join(
            f"{name}: " + ", ".join(f"{growth / 2**20:.1f}" for growth, _ in values)
            for name, values in samples.items()
        )
    ]
    if not all(reset for values in samples.values() for _, reset in values):
        notes.append(
            "the peak could not be reset (no /proc/self/clear_refs): "
            "an earlier peak may hide growth"
        )
    return notes


def run(quick: bool) -> List[Row]:
    versions = 5000 if quick else 100_000
    held = 2000 if quick else 50_000
    rounds = 3 if quick else 5
    row6 = Row(
        f"6. peak RSS growth iterating {versions:,} versions vs holding 1 page",
        "<= 1.50x (about 1 page)",
        unit="B",
    )
    row8 = Row(
        f"6b. peak RSS holding {held:,} versions, all read, vs hand-typed",
        "<= 1.20x",
        unit="B",
    )
    with FakeServer(versions, prebuilt=True) as server:
        cases = {
            "iterate": _case(server, "iterate", versions),
            "one page": _case(server, "page", 1000),
        }
        samples6 = interleaved(cases, rounds)
    with FakeServer(held, prebuilt=True) as server:
        cases = {"SDK": _case(server, "hold all", held), "floor": _floor_case(server, held)}
        samples8 = interleaved(cases, rounds)
    row6.sdk = median(samples6["iterate"], 0)
    row6.baseline = median(samples6["one page"], 0)
    row6.met = None if row6.ratio is None else row6.ratio <= 1.5
    row6.notes += _samples_note(samples6)
    row8.sdk = median(samples8["SDK"], 0)
    row8.baseline = median(samples8["floor"], 0)
    row8.met = None if row8.ratio is None else row8.ratio <= 1.2
    row8.notes += _samples_note(samples8)
    return [row6, row8]
