"""Row 6: peak memory while iterating 100,000 versions, against holding one page.

The fake cloud (``_fake_server.py``, its own process) serves job 182626 with
100,000 versions (the fake seeds that many in about 2 s). Each sample is a
fresh client interpreter that imports the SDK, opens a ``Session`` and fetches
one version (``iter_job_versions(page_size=1)``) so imports, the connection
and every code path are warm, resets its peak RSS to the current RSS
(``/proc/self/clear_refs``) and reads it (``VmHWM`` in ``/proc/self/status``;
``ru_maxrss`` is the same counter, but in a child on Linux it starts at the
parent's RSS, which would hide the growth), then:

* **SDK**: iterates all 100,000 versions through ``iter_job_versions()``
  (1,000 a page), keeping none;
* **baseline**: takes the first 1,000 versions from the same call (one page
  fetched and parsed) and holds them;

and reports how much its peak RSS grew. Growth, not totals, so the
interpreter and imports cancel out.
"""

from __future__ import annotations

import json
from typing import Callable, List, Tuple

from _common import JOB_ID, FakeServer, Row, interleaved, median, run_child

CHILD = """
import itertools, json, resource, sys
from modelarts.estimator import Estimator
from modelarts.session import Session

def peak():
    # The peak RSS of this process's memory (VmHWM). Not ru_maxrss: on Linux a
    # child's ru_maxrss starts at its parent's RSS when it was spawned, so once
    # the harness outgrows the child, every reading is the harness's size.
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

kwargs, job_id, mode = json.loads(sys.argv[1]), sys.argv[2], sys.argv[3]
with Session(**kwargs) as session:
    estimator = Estimator(session, job_id=job_id)
    next(iter(estimator.iter_job_versions(page_size=1)))
    reset = reset_peak()
    before = peak()
    if mode == "iterate":
        count = 0
        for version in estimator.iter_job_versions():
            count += 1
    else:
        held = list(itertools.islice(estimator.iter_job_versions(), 1000))
        count = len(held)
    after = peak()
print(json.dumps({"growth": after - before, "count": count, "reset": reset}))
"""


def _case(server: FakeServer, mode: str, expected: int) -> Callable[[], Tuple[float, bool]]:
    def sample() -> Tuple[float, bool]:
        result = run_child(CHILD, json.dumps(server.session_kwargs), JOB_ID, mode)
        assert result["count"] == expected, result
        return float(result["growth"]), bool(result["reset"])

    return sample


def run(quick: bool) -> List[Row]:
    versions = 5000 if quick else 100_000
    rounds = 3 if quick else 5
    row = Row(
        f"6. peak RSS growth iterating {versions:,} versions vs holding 1 page",
        "<= 1.50x (about 1 page)",
        unit="B",
    )
    with FakeServer(versions) as server:
        cases = {
            "iterate": _case(server, "iterate", versions),
            "one page": _case(server, "page", 1000),
        }
        samples = interleaved(cases, rounds)
    row.sdk = median(samples["iterate"], 0)
    row.baseline = median(samples["one page"], 0)
    row.met = None if row.ratio is None else row.ratio <= 1.5
    row.notes.append(
        "every sample (MiB), iterate: "
        + ", ".join(f"{growth / 2**20:.1f}" for growth, _ in samples["iterate"])
        + "; one page: "
        + ", ".join(f"{growth / 2**20:.1f}" for growth, _ in samples["one page"])
    )
    if not all(reset for values in samples.values() for _, reset in values):
        row.notes.append(
            "the peak could not be reset (no /proc/self/clear_refs): "
            "an earlier peak may hide growth"
        )
    return [row]
