"""``benchmarks/run.py --quick`` runs and prints every row (figures are never asserted)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ROWS = ("1.", "2.", "3.", "4.", "4b.", "5.", "5b.", "6.")


def test_quick_run_prints_every_row() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "run.py"), "--quick"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    printed = {line.split(" ", 1)[0] for line in result.stdout.splitlines()}
    missing = [row for row in ROWS if row not in printed]
    assert not missing, f"rows {missing} not printed:\n{result.stdout}"
    # A row either has figures and a verdict, or says which peer to install.
    for line in result.stdout.splitlines():
        if line.split(" ", 1)[0] in ROWS:
            assert re.search(r"\b(yes|no|n/a)$", line) or "skipped: pip install" in line, line
