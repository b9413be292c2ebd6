"""Run every benchmark and print one table: the SDK against a baseline measured in the same run.

::

    python benchmarks/run.py            # the figures (about a minute on 2 cores)
    python benchmarks/run.py --quick    # small sizes, 3 rounds: checks that it all runs

Each row compares medians of interleaved rounds (>= 5 rounds; ``--quick`` uses
3 and small sizes, so its figures are not for quoting). The run reports, it
does not assert: a missed target prints ``no`` and the exit status is still 0.
A row whose optional peer (vcrpy, huaweicloudsdkcore, huaweicloudsdkmodelarts)
is not installed says ``skipped: pip install ...``. Traffic only goes to
servers this run starts on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import atexit
import os
import platform
import shutil
import sys
import tempfile
import time
import traceback
from pathlib import Path
from typing import Callable, List, Optional, Tuple

sys.path.insert(0, str(Path(__file__).resolve().parent))


def _isolate() -> None:
    """Scratch HOME (importing huaweicloudsdkcore writes ~/.huaweicloud/application_id, and
    no user credentials file may leak in), no SDK settings from the environment, and
    loopback never through a proxy. Children inherit all of it."""
    home = tempfile.mkdtemp(prefix="modelarts-bench-home-")
    atexit.register(shutil.rmtree, home, ignore_errors=True)
    os.environ["HOME"] = home
    for name in list(os.environ):
        if name.startswith(("HUAWEICLOUD_", "MODELARTS_")):
            del os.environ[name]
    os.environ["NO_PROXY"] = os.environ["no_proxy"] = "127.0.0.1,localhost"
    _compile_package()


def _compile_package() -> None:
    """Byte-compile ``modelarts`` as ``pip install`` compiled the peers and the baselines'
    packages (urllib3, marshmallow). An editable install is never compiled, and with
    ``PYTHONDONTWRITEBYTECODE`` set no interpreter caches its bytecode either: every
    fresh process of rows 5-8 then compiled every SDK module from source while its
    baseline loaded cached bytecode (``jobs versions --replay`` lost ~40 ms to it)."""
    import compileall

    package = Path(__file__).resolve().parent.parent / "modelarts"
    if not compileall.compile_dir(str(package), quiet=1):  # a read-only checkout, say
        print(f"warning: cannot byte-compile {package}; rows 5-8 include compiling it")


def _format(value: Optional[float], unit: str) -> str:
    if value is None:
        return "-"
    if unit == "B":
        return f"{value / 2**20:.1f} MiB"
    if unit == "us":
        return f"{value * 1e6:.2f} us"
    return f"{value * 1e3:.1f} ms"


def render(rows: "List[object]") -> str:
    """The table, then the notes. A skipped row's reason spans the three figure columns."""
    from _common import Row

    header = ("benchmark", "SDK median", "baseline median", "ratio", "target", "met")
    lines: List[Tuple[str, ...]] = [header]
    notes: List[str] = []
    for row in rows:
        assert isinstance(row, Row)
        if row.skipped:
            lines.append((row.name, row.skipped, row.target, "-"))
        else:
            ratio = f"{row.ratio:.2f}x" if row.ratio is not None else "-"
            met = "n/a" if row.met is None else ("yes" if row.met else "no")
            sdk, baseline = _format(row.sdk, row.unit), _format(row.baseline, row.unit)
            lines.append((row.name, sdk, baseline, ratio, row.target, met))
        number = row.name.split(" ", 1)[0]
        notes += [f"  {number} {note}" for note in row.notes]
    full = [line for line in lines if len(line) == len(header)]
    widths = [max(len(line[i]) for line in full) for i in range(len(header))]
    for line in lines:
        if len(line) < len(header):  # name, reason, target, met
            widths[0] = max(widths[0], len(line[0]))
            widths[1] += max(0, len(line[1]) - (widths[1] + widths[2] + widths[3] + 4))
            widths[4] = max(widths[4], len(line[2]))
    spanned = widths[1] + widths[2] + widths[3] + 4

    def join(cells: Tuple[str, ...], sizes: List[int]) -> str:
        return "  ".join(cell.ljust(size) for cell, size in zip(cells, sizes)).rstrip()

    table = [join(header, widths), "  ".join("-" * width for width in widths)]
    for line in lines[1:]:
        if len(line) == len(header):
            table.append(join(line, widths))
        else:
            table.append(join(line, [widths[0], spanned, widths[4], widths[5]]))
    return "\n".join(table + (["", "notes:", *notes] if notes else []))


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes and 3 rounds")
    args = parser.parse_args(argv)
    _isolate()

    import bench_import
    import bench_listing
    import bench_memory
    import bench_parse
    import bench_replay
    import bench_startup
    from _common import Row

    started = time.perf_counter()
    mode = " (--quick: sizes and rounds too small to quote)" if args.quick else ""
    print(
        f"modelarts benchmarks{mode} - {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, {time.strftime('%Y-%m-%d')}",
        flush=True,
    )
    benches: List[Callable[[bool], List[Row]]] = [
        bench_listing.run,
        bench_parse.run,
        bench_replay.run,
        bench_import.run,
        bench_memory.run,
        bench_startup.run,
    ]
    rows: List[object] = []
    for bench in benches:
        try:
            rows += bench(args.quick)
        except Exception:  # a broken benchmark is reported, the others still run
            name = bench.__module__
            rows.append(Row(f"{name} failed", "-", skipped="error: see the traceback above"))
            traceback.print_exc()
    print()
    print(render(rows))
    print(f"\n({time.perf_counter() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
