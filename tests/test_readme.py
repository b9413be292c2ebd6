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
