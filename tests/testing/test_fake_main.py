"""``python -m modelarts.testing``: a seeded fake on 127.0.0.1 that ``Session()`` reaches."""

from __future__ import annotations

import importlib
import os
import queue
import random
import shlex
import signal
import subprocess
import sys
import threading
import time
from typing import IO, Dict, List

import pytest

from modelarts.session import Session
from modelarts.testing import FakeClock, FakeModelArts
from modelarts.testing.__main__ import main, seed

EXPORTED = {
    "HUAWEICLOUD_SDK_AK",
    "HUAWEICLOUD_SDK_SK",
    "HUAWEICLOUD_SDK_PROJECT_ID",
    "HUAWEICLOUD_SDK_REGION",
    "HUAWEICLOUD_SDK_MODELARTS_ENDPOINT",
    "HUAWEICLOUD_SDK_IAM_ENDPOINT",
}


def _live_transport_available() -> bool:
    try:
        importlib.import_module("modelarts.transport.live")
    except ImportError:
        return False
    return True


def _lines(stream: "IO[str]") -> "queue.Queue[str]":
    """Lines of ``stream`` as they come, read by a thread so waiting can time out."""
    lines: "queue.Queue[str]" = queue.Queue()

    def pump() -> None:
        for line in stream:
            lines.put(line)

    threading.Thread(target=pump, daemon=True).start()
    return lines


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
@pytest.mark.skipif(not _live_transport_available(), reason="Session() needs Urllib3Transport")
@pytest.mark.parametrize("stop_signal", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_serves_a_session_from_its_exports_until_signalled(
    monkeypatch: pytest.MonkeyPatch, stop_signal: int
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HUAWEICLOUD_")}
    process = subprocess.Popen(
        [sys.executable, "-m", "modelarts.testing", "--jobs", "3", "--versions", "4"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert process.stdout is not None and process.stderr is not None
        stdout = _lines(process.stdout)
        exports: Dict[str, str] = {}
        for _ in EXPORTED:
            words = shlex.split(stdout.get(timeout=15))
            assert words[0] == "export" and len(words) == 2
            name, _, value = words[1].partition("=")
            exports[name] = value
        assert set(exports) == EXPORTED
        assert exports["HUAWEICLOUD_SDK_MODELARTS_ENDPOINT"].startswith("http://127.0.0.1:")
        for name, value in exports.items():
            monkeypatch.setenv(name, value)
        with Session() as session:
            body = session.request("GET", "/v1/{project_id}/training-jobs/182626/versions")
            listed = session.request("GET", "/v1/{project_id}/training-jobs")
            configs = session.request("GET", "/v1/{project_id}/training-job-configs")
            boards = session.request("GET", "/v1/{project_id}/visualization-jobs")
        assert body["job_id"] == 182626 and body["version_count"] == 4
        assert listed["job_total_count"] == 3
        assert configs["config_total_count"] == 3 and boards["job_total_count"] == 2
        process.send_signal(stop_signal)
        started = time.monotonic()
        assert process.wait(timeout=5) == 0
        assert time.monotonic() - started < 3
        errors = process.stderr.read()
        assert "Traceback" not in errors and "stopped" in errors
        assert stdout.empty()  # nothing but the six export lines on stdout
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        if process.stdout is not None:
            process.stdout.close()
        if process.stderr is not None:
            process.stderr.close()


def test_seed_creates_the_readme_job_and_one_to_poll() -> None:
    clock = FakeClock()
    fake = FakeModelArts(clock=clock)
    ids = seed(fake, 5, 3, random.Random(0))
    same = FakeModelArts(clock=FakeClock())
    seed(same, 5, 3, random.Random(0))
    records: List[object] = [job.versions[0].record for job in same.jobs]
    assert records == [job.versions[0].record for job in fake.jobs]  # reproducible
    assert ids[0] == 182626 and len(ids) == len(set(ids)) == 5
    assert len(fake.job(182626).versions) == 3
    assert [job.job_id for job in fake.jobs] == sorted(ids)
    assert fake.job(ids[1]).status == 7  # WAITING
    clock.advance(30)
    assert fake.job(ids[1]).status == 8  # RUNNING
    clock.advance(600)
    assert fake.job(ids[1]).status == 10  # COMPLETED
    assert fake.job_configs == ["mnist-tf-config", "pytorch-gpu-config", "resnet-ascend-config"]
    assert fake.job_config("resnet-ascend-config")["spec_code"] == "modelarts.kat1.xlarge"
    boards = {fake.visualization_job(job_id)["job_name"]: job_id for job_id in (8992, 8993)}
    assert fake.visualization_job(boards["mnist-tensorboard"])["status"] == 8  # serving
    assert fake.visualization_job(boards["resnet-tensorboard"])["status"] == 12  # stopped


@pytest.mark.parametrize("argv", [["--jobs", "0"], ["--versions", "0"], ["--port", "x"]])
def test_bad_arguments_exit_with_usage(argv: List[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 2
    assert "usage: python -m modelarts.testing" in capsys.readouterr().err
