"""Rows 6-8: whole ``modelarts`` processes against bare interpreters, started the same way.

Every sample is a fresh process timed from the outside (start to exit), the
command and its baseline interleaved round by round:

* **6.** ``modelarts --version`` against ``python -c pass``: the console
  script (the wrapper pip writes, which imports ``re`` and ``modelarts.cli``)
  against the interpreter alone;
* **7.** ``modelarts --help`` against ``python -c pass``: the parser is built
  and its help printed, no SDK module loaded;
* **8.** ``modelarts jobs versions 182626 --replay fixtures/job_182626_versions.json``
  against ``python -c "import urllib3, marshmallow"`` (our dependencies):
  the whole command, table printed, answered from the shipped fixture.

Both sides run with the same environment (``_common.child_env``: this
repository importable, the scratch HOME of ``run.py``).
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path
from typing import Callable, Dict, List, Sequence

from _common import JOB_ID, ROOT, Row, child_env, interleaved, median

PYTHON = sys.executable
FIXTURE = ROOT / "fixtures" / f"job_{JOB_ID}_versions.json"


def console_script() -> Path:
    """The ``modelarts`` script installed beside this interpreter (``pip install -e .``)."""
    return Path(PYTHON).parent / "modelarts"


def _process(argv: Sequence[str]) -> Callable[[], float]:
    env = child_env()

    def sample() -> float:
        started = time.perf_counter()
        result = subprocess.run(argv, capture_output=True, env=env, cwd=ROOT, check=False)
        elapsed = time.perf_counter() - started
        if result.returncode != 0:
            raise RuntimeError(f"{' '.join(argv)} failed: {result.stderr.decode()[-2000:]}")
        return elapsed

    return sample


def run(quick: bool) -> List[Row]:
    rounds = 5 if quick else 21
    script = console_script()
    names = (
        "6. modelarts --version vs python -c pass",
        "7. modelarts --help vs python -c pass",
        "8. modelarts jobs versions --replay FILE vs import urllib3, marshmallow",
    )
    if not script.exists():
        reason = f"skipped: no console script at {script} (pip install -e .)"
        targets = ("<= 2.0x", "<= 3.0x", "<= 1.0x")
        return [Row(name, target, skipped=reason) for name, target in zip(names, targets)]
    cases: Dict[str, Callable[[], float]] = {
        "pass": _process([PYTHON, "-c", "pass"]),
        "floor": _process([PYTHON, "-c", "import urllib3, marshmallow"]),
        "version": _process([str(script), "--version"]),
        "help": _process([str(script), "--help"]),
        "replay": _process([str(script), "jobs", "versions", JOB_ID, "--replay", str(FIXTURE)]),
    }
    seconds = {name: median(values) for name, values in interleaved(cases, rounds).items()}
    rows = []
    for name, (case, baseline, limit) in zip(
        names, (("version", "pass", 2.0), ("help", "pass", 3.0), ("replay", "floor", 1.0))
    ):
        row = Row(name, f"<= {limit:.1f}x", sdk=seconds[case], baseline=seconds[baseline])
        row.met = row.ratio is not None and row.ratio <= limit
        row.notes.append(f"median of {rounds} processes each, interleaved")
        rows.append(row)
    return rows
