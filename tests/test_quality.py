"""Lint and strict typing are part of the suite, so one command checks everything."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _run(*args: str) -> "subprocess.CompletedProcess[str]":
    return subprocess.run(
        [sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True, check=False
    )


def test_ruff() -> None:
    result = _run(
        "ruff", "check", "--no-cache", "--config", ".ci/ruff.toml",
        "modelarts", "tests", "benchmarks", "fixtures",
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_strict() -> None:
    result = _run("mypy", "--strict", "--no-incremental", "modelarts")
    assert result.returncode == 0, result.stdout + result.stderr
