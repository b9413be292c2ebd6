"""Ctrl-C (a real SIGINT) during ``modelarts jobs wait`` and ``jobs logs --follow``.

The command runs as its own process against the fake cloud served on 127.0.0.1;
the version runs until stopped, so only the signal ends the command.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from typing import List

import pytest
from test_cli import seeded_fake
from test_cli_process import REPOSITORY, command

from modelarts.testing.jobs import RUNNING


@pytest.mark.skipif(sys.platform == "win32", reason="sends SIGINT")
@pytest.mark.parametrize(
    ("argv", "path", "says"),
    [
        (["wait"], "/versions/{v}", b"stopped waiting for job"),
        (["logs", "--follow", "--poll", "30"], "/versions/{v}/aom-log", b"stopped following"),
    ],
)
def test_ctrl_c_ends_the_command_with_130_and_the_job_keeps_running(
    argv: List[str], path: str, says: bytes
) -> None:
    fake = seeded_fake()
    job_id = fake.add_job("interrupted", versions=0)
    version_id = fake.add_version(job_id, timeline=[(0, RUNNING)])
    env = {**os.environ, "HUAWEICLOUD_SDK_AK": fake.access_key}
    env["HUAWEICLOUD_SDK_SK"] = fake.secret_key
    with fake.serve() as server:
        options = ["--endpoint", server.url, "--iam-endpoint", server.url]
        options += ["--region", fake.region, "--project-id", fake.project_id]
        ids = [str(job_id), str(version_id)]
        with subprocess.Popen(
            command("jobs", argv[0], *ids, *argv[1:], *options),
            cwd=REPOSITORY,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        ) as process:
            pattern = "/v1/{project_id}/training-jobs/{job}" + path
            deadline = time.monotonic() + 60
            while not fake.calls_to("GET", pattern) and time.monotonic() < deadline:
                time.sleep(0.05)  # until the command has polled once
            process.send_signal(signal.SIGINT)
            out, err = process.communicate(timeout=60)
    assert process.returncode == 130, err
    assert says in err and b"keeps running on ModelArts" in err
    assert b"Traceback" not in err
    if argv[0] == "wait":
        assert out == b""
