"""The create -> wait -> logs flow recorded in fixtures/, and an old-SDK script run unmodified:
live against ``python -m modelarts.testing``, then from its recording with the network cut."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import time
from pathlib import Path
from types import ModuleType
from typing import Dict, List

from modelarts.session import Session
from modelarts.training_job import JobStatus
from modelarts.transport import FixtureTransport

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "fixtures" / "job_create_wait_logs.json"
SCRIPT = ROOT / "tests" / "data" / "old_sdk_fit_and_poll.py"


def _recorder() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "record_fixtures", ROOT / "fixtures" / "record.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


RECORD = _recorder()


def test_the_recorded_flow_replays_offline_without_waiting() -> None:
    started = time.monotonic()
    with Session(transport=FixtureTransport(FIXTURE)) as session:  # the system clock
        RECORD.scenario_create_wait_logs(session, None)
    assert time.monotonic() - started < 3  # the recorded waits took no wall time


def test_a_replayed_wait_ends_where_the_recording_did() -> None:
    with Session(transport=FixtureTransport(FIXTURE)) as session:
        estimator = RECORD.mnist_estimator(session)
        job = estimator.fit(inputs="/modelarts-demo/mnist/data/", job_name="mnist-fit")
        assert job.status is JobStatus.INIT
        assert job.wait() is JobStatus.COMPLETED
        assert job.get_job_log(lines=20)["content"]


def _clean_env() -> Dict[str, str]:
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("HUAWEICLOUD_", "MODELARTS_"))
    }
    env["PYTHONPATH"] = str(ROOT)
    return env


def _run_script(env: Dict[str, str]) -> List[str]:
    result = subprocess.run(
        [sys.executable, str(SCRIPT)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


def test_an_old_sdk_script_runs_unmodified_live_then_replayed(tmp_path: Path) -> None:
    server = subprocess.Popen(
        [sys.executable, "-m", "modelarts.testing", "--version-seconds", "1"],
        env=_clean_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert server.stdout is not None
        exports = dict(
            server.stdout.readline().strip().removeprefix("export ").split("=", 1) for _ in range(6)
        )
        assert set(exports) >= {"HUAWEICLOUD_SDK_AK", "HUAWEICLOUD_SDK_MODELARTS_ENDPOINT"}
        recording = tmp_path / "old_sdk_run.json"
        live = _run_script(
            {
                **_clean_env(),
                **exports,
                "MODELARTS_FIXTURE": str(recording),
                "MODELARTS_RECORD_MODE": "once",
            }  # fmt: skip
        )
    finally:
        server.terminate()
        server.wait(timeout=30)
        if server.stdout is not None:
            server.stdout.close()
    assert live[1:3] == [
        "first version: V0001 JOBSTAT_COMPLETED",
        "second version: V0002 JOBSTAT_COMPLETED duration 600",
    ]
    assert recording.exists()
    # The server is gone and no credentials are set: only the recording can answer.
    offline = {**_clean_env(), "MODELARTS_FIXTURE": str(recording),
               "HTTPS_PROXY": "http://127.0.0.1:9", "HTTP_PROXY": "http://127.0.0.1:9"}  # fmt: skip
    assert _run_script(offline) == live

