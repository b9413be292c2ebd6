"""What every benchmark shares: a result row, interleaved timing, the fake server process.

Ratios, not absolute times, are the point: each figure is compared with a
baseline measured in the same run, the two interleaved round by round (the
order rotates each round) and summarised by their medians, so drift on a busy
machine hits both sides alike.
"""

from __future__ import annotations

import importlib.util
import json
import os
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Tuple

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

#: Job 182626 is what ``python -m modelarts.testing`` seeds (and the README uses).
JOB_ID = "182626"

#: pip requirement per optional peer (the ``bench`` extra in setup.cfg).
PEERS = {
    "huaweicloudsdkcore": "huaweicloudsdkcore",
    "huaweicloudsdkmodelarts": "huaweicloudsdkmodelarts",
    "vcr": "vcrpy",
}


@dataclass
class Row:
    """One line of the table. ``sdk``/``baseline`` are seconds, printed as ms (``unit``
    ``"s"``) or us (``"us"``), or bytes (``"B"``). ``met`` is ``None`` without a target."""

    name: str
    target: str
    sdk: Optional[float] = None
    baseline: Optional[float] = None
    met: Optional[bool] = None
    unit: str = "s"
    skipped: str = ""
    notes: List[str] = field(default_factory=list)

    @property
    def ratio(self) -> Optional[float]:
        if self.sdk is None or not self.baseline:
            return None
        return self.sdk / self.baseline


def missing_peer(*modules: str) -> str:
    """``""`` when every module imports, else the ``skipped: pip install ...`` text."""
    absent = [name for name in modules if importlib.util.find_spec(name) is None]
    if not absent:
        return ""
    return "skipped: pip install " + " ".join(PEERS.get(name, name) for name in absent)


def interleaved(cases: Dict[str, Callable[[], Any]], rounds: int) -> Dict[str, List[Any]]:
    """Samples per case, ``rounds`` each. A case runs once per round and returns its
    own measurement (so it can leave setup out); the order rotates every round, and
    one unrecorded warm-up round comes first. See ``median``."""
    names = list(cases)
    samples: Dict[str, List[Any]] = {name: [] for name in names}
    for number in range(rounds + 1):
        shift = number % len(names)
        for name in names[shift:] + names[:shift]:
            sample = cases[name]()
            if number:
                samples[name].append(sample)
    return samples


def median(samples: List[Any], index: Optional[int] = None) -> float:
    """The median of ``samples``, or of their ``index``-th items when they are tuples."""
    values = samples if index is None else [sample[index] for sample in samples]
    return float(statistics.median(values))


class Stopwatch:
    """Wall-clock and this process's CPU time since creation: ``stop()`` -> ``(wall, cpu)``.

    With the server in another process, the CPU figure is the client's own work."""

    def __init__(self) -> None:
        self._wall = time.perf_counter()
        self._cpu = time.process_time()

    def stop(self) -> Tuple[float, float]:
        return time.perf_counter() - self._wall, time.process_time() - self._cpu


def timed(func: Callable[[], Any]) -> Callable[[], float]:
    """A case for ``interleaved`` that times all of ``func``."""

    def case() -> float:
        started = time.perf_counter()
        func()
        return time.perf_counter() - started

    return case


def child_env() -> Dict[str, str]:
    """The environment for benchmark subprocesses: this repository importable, loopback direct."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    env["NO_PROXY"] = env["no_proxy"] = "127.0.0.1,localhost"
    return env


def run_child(code: str, *args: str, timeout: float = 120) -> Any:
    """Run ``python -c code args...`` in a fresh interpreter; return the JSON it prints last."""
    result = subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        env=child_env(),
        timeout=timeout,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"benchmark child failed:\n{result.stderr[-2000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


class FakeServer:
    """``benchmarks/_fake_server.py`` in a subprocess: a seeded fake on 127.0.0.1.

    With ``prebuilt``, ``benchmarks/_page_server.py`` instead: the same job's
    list-versions pages built once and served as prepared bytes, so that the
    server's cost stays out of the listing rows. ``url`` and ``session_kwargs``
    say how to reach it; ``stats()`` returns the server's own counters (TCP
    connections accepted, requests handled).
    """

    def __init__(self, versions: int, *, prebuilt: bool = False) -> None:
        script = "_page_server.py" if prebuilt else "_fake_server.py"
        self._process = subprocess.Popen(
            [sys.executable, str(HERE / script), "--versions", str(versions)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=child_env(),
        )
        hello = self._read()
        self.url: str = hello["url"]
        self.session_kwargs: Dict[str, Any] = hello["session"]

    def _read(self) -> Dict[str, Any]:
        assert self._process.stdout is not None
        line = self._process.stdout.readline()
        if not line:
            raise RuntimeError("the fake server process exited before answering")
        answer: Dict[str, Any] = json.loads(line)
        return answer

    def stats(self) -> Dict[str, int]:
        assert self._process.stdin is not None
        self._process.stdin.write("stats\n")
        self._process.stdin.flush()
        return {key: int(value) for key, value in self._read().items()}

    def close(self) -> None:
        if self._process.poll() is None:
            assert self._process.stdin is not None
            try:
                self._process.stdin.write("quit\n")
                self._process.stdin.close()
                self._process.wait(timeout=10)
            except (OSError, subprocess.TimeoutExpired):
                self._process.kill()
                self._process.wait()
        if self._process.stdout is not None:
            self._process.stdout.close()

    def __enter__(self) -> "FakeServer":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def hand_typed(record: Dict[str, Any]) -> Dict[str, Any]:
    """The floor of typing one version record by hand, as a careful client would.

    The two times become aware UTC datetimes, the duration a timedelta, the
    metric texts are parsed; every other value stays as sent (no checks).
    """
    typed = dict(record)
    for key in ("create_time", "start_time"):
        value = record.get(key)
        if value is not None:
            typed[key] = _EPOCH + timedelta(milliseconds=value)
    value = record.get("duration")
    if value is not None:
        typed["duration"] = timedelta(milliseconds=value)
    for key in ("model_metric_list", "system_metric_list"):
        value = record.get(key)
        if isinstance(value, str):
            typed[key] = json.loads(value)
    return typed
