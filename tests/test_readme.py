"""The README's commands are the ones CI runs."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _last_command(script: str) -> str:
    lines = [ln for ln in script.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    return lines[-1].strip()


def test_ci_runs_the_readme_test_command_verbatim() -> None:
    command = _last_command((ROOT / ".ci" / "run").read_text(encoding="utf-8"))
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "pytest" in command
    assert command in readme.splitlines(), f"README must contain the CI command:\n{command}"


def _readme() -> str:
    return (ROOT / "README.md").read_text(encoding="utf-8")


def test_main_command_prints_the_table_the_readme_shows() -> None:
    import re
    import subprocess
    import sys

    readme = _readme()
    (line,) = [ln for ln in readme.splitlines() if "modelarts jobs versions 182626 --replay" in ln]
    command = line.split("&& .venv/bin/modelarts ", 1)[1].split()
    result = subprocess.run(
        [sys.executable, "-m", "modelarts", *command],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    shown = re.search(r"```\n(VERSION .*?)```", readme, re.S)
    assert shown is not None
    assert result.stdout == shown.group(1)


def test_python_replay_example_runs_as_written() -> None:
    import re
    from typing import Any, Dict

    readme = _readme()
    blocks = re.findall(r"```python\n(.*?)```", readme, re.S)
    (code,) = [b for b in blocks if 'FixtureTransport("fixtures/job_182626_versions.json")' in b]
    *body, last = code.strip().splitlines()
    expression, _, expected = last.partition("#")
    namespace: Dict[str, Any] = {}
    import contextlib
    import io
    import os

    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            exec("\n".join(body), namespace)  # noqa: S102 - the README's own example
        value = eval(expression, namespace)  # noqa: S307
    finally:
        os.chdir(cwd)
    assert repr(value) == expected.strip()
