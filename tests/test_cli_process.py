"""``python -m modelarts`` as a real process: --version, a closed pipe, a real terminal."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import List

import pytest
from test_cli import JOB, record, seeded_fake

import modelarts
from modelarts.estimator import Estimator

REPOSITORY = Path(__file__).resolve().parent.parent
VERSIONS = 1005  # two pages at the default page size; the table alone passes 64 KiB


@pytest.fixture(scope="module")
def big_fixture(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fixture of a job with ~1000 versions: more output than a pipe buffer holds."""
    fake = seeded_fake()
    for _ in range(VERSIONS - 5):
        fake.add_version(JOB)
    path = tmp_path_factory.mktemp("cli") / "big.json"
    return record(
        fake, path, lambda session: list(Estimator(session, job_id=JOB).iter_job_versions())
    )


def command(*argv: str) -> List[str]:
    return [sys.executable, "-m", "modelarts", *argv]


def test_python_m_modelarts_version() -> None:
    done = subprocess.run(
        command("--version"), cwd=REPOSITORY, capture_output=True, text=True, timeout=60
    )
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.startswith(f"modelarts {modelarts.__version__} (Python ")


@pytest.mark.parametrize("output", ["table", "jsonl"])
def test_a_closed_pipe_ends_the_command_quietly(big_fixture: Path, output: str) -> None:
    # `modelarts jobs versions 182626 --replay big.json | head -n 1`
    with subprocess.Popen(
        command("jobs", "versions", JOB, "--replay", str(big_fixture), "-o", output),
        cwd=REPOSITORY,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    ) as process:
        assert process.stdout is not None and process.stderr is not None
        first = process.stdout.readline()
        process.stdout.close()
        errors = process.stderr.read()
        status = process.wait(timeout=60)
    assert first.startswith(b"VERSION " if output == "table" else b"{")
    assert errors == b""
    assert status == 141


def test_the_whole_output_when_nobody_closes_the_pipe(big_fixture: Path) -> None:
    done = subprocess.run(
        command("jobs", "versions", JOB, "--replay", str(big_fixture)),
        cwd=REPOSITORY,
        capture_output=True,
        timeout=60,
    )
    assert (done.returncode, done.stderr) == (0, b"")
    assert len(done.stdout.splitlines()) == VERSIONS + 1


def test_no_terminal_on_stdin_needs_yes(big_fixture: Path) -> None:
    done = subprocess.run(
        command("jobs", "delete", JOB, "--replay", str(big_fixture)),
        cwd=REPOSITORY,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "pass --yes" in done.stderr
    assert "Traceback" not in done.stderr


def _read_until(fd: int, marker: bytes, timeout: float = 30.0) -> bytes:
    seen = b""
    deadline = time.monotonic() + timeout
    while marker not in seen:
        assert time.monotonic() < deadline, seen
        chunk = os.read(fd, 4096)
        if not chunk:
            break
        seen += chunk
    return seen


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
@pytest.mark.parametrize("ending", ["no", "ctrl-c"])
def test_a_real_terminal_is_asked(big_fixture: Path, ending: str) -> None:
    import pty

    controller, terminal = pty.openpty()
    try:
        with subprocess.Popen(
            command("jobs", "delete", JOB, "--replay", str(big_fixture)),
            cwd=REPOSITORY,
            stdin=terminal,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        ) as process:
            os.close(terminal)
            terminal = -1
            assert process.stderr is not None and process.stdout is not None
            prompt = _read_until(process.stderr.fileno(), b"[y/N] ")
            if ending == "no":
                os.write(controller, b"n\n")
            else:
                process.send_signal(signal.SIGINT)
            out, rest = process.communicate(timeout=60)
            status = process.returncode
    finally:
        os.close(controller)
        if terminal != -1:
            os.close(terminal)
    question = f"Delete job {JOB} and all its versions? This cannot be undone. [y/N] "
    assert prompt == question.encode()
    assert out == b""
    assert b"Traceback" not in rest
    if ending == "no":
        assert (status, rest) == (1, b"modelarts: aborted; nothing was changed\n")
    else:
        assert status == 130


_WHAT_LOADED = """
import io, json, sys
from modelarts.cli import main
status = main(sys.argv[1:], stdout=io.StringIO())
wanted = ("urllib3", "marshmallow", "argparse", "modelarts.session")
loaded = [name for name in wanted if name in sys.modules]
# Creating jobs and saved configurations, and what only they need: never loaded by a
# listing (the Session does load modelarts.run_config, for refuse_unsupported).
creating = (
    "modelarts.estimator", "modelarts.estimator_calls", "modelarts.estimator_configs",
    "modelarts.job_submission", "modelarts.create_api", "modelarts.catalog_api",
    "modelarts.config_api", "modelarts.job_configs", "modelarts._cli_create",
    "dataclasses", "secrets", "hashlib",
)
loaded += [name for name in creating if name in sys.modules]
loaded += sorted(name for name in sys.modules if name.startswith("modelarts.testing"))
print(json.dumps([status, loaded]))
"""


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["--version"], []),
        (["--help"], ["argparse"]),
        (
            ["jobs", "versions", JOB, "--replay", "fixtures/job_182626_versions.json"],
            ["argparse", "modelarts.session"],
        ),
    ],
)
def test_each_step_loads_only_what_it_needs(argv: List[str], expected: List[str]) -> None:
    # A replay needs no network library, nor the create and configuration machinery;
    # no command loads the fake cloud.
    done = subprocess.run(
        [sys.executable, "-c", _WHAT_LOADED, *argv],
        cwd=REPOSITORY,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    status, loaded = json.loads(done.stdout.strip().splitlines()[-1])
    assert (status, loaded) == (0, expected)
