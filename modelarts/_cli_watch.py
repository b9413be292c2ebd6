"""``modelarts jobs metrics`` and ``modelarts jobs logs --follow``: watching one version.

``metrics`` prints the model metrics (modelarts_03_0047's ``model_metric_list``)
as a table and each resource series of ``system_metric_list`` as a terminal
sparkline with its minimum, maximum, last value and unit; ``-o json`` prints the
same typed values (``modelarts.metrics.Metrics``) as JSON.

``logs --follow`` prints the latest lines, then polls the line-based aom-log
call (modelarts_03_0149) from the last position it printed (``base_line``),
on the Session's clock, until the version has reached a terminal state and its
last lines are out.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Tuple

from . import training_api as api
from ._cli_console import Context
from ._cli_format import dump_json, render_table
from .metrics import SYSTEM_SERIES, Metrics
from .sparkline import BARS, sparkline
from .training_api import normalize_id
from .training_job import TrainingJob, clock_of

__all__ = ["follow_logs", "format_number", "metrics_json", "render_metrics", "show_metrics"]

#: Points drawn per series; longer series are averaged down to this many.
CHART_WIDTH = 40
#: Lines asked for per aom-log read while following (the documented maximum).
_FOLLOW_LINES = 500
#: Drawn instead of the block characters when stdout cannot encode them.
_ASCII_BARS = "_.-~=+*#"
_BYTE_UNITS = ("B", "KB", "MB", "GB", "TB")


def format_number(value: float, unit: str = "") -> str:
    """``3.1 %``, ``10.5 MB/s``: four significant digits, byte rates scaled by 1000s."""
    if unit.startswith("B") and abs(value) >= 1000:
        rest = unit[1:]
        scaled, step = value, 0
        while abs(scaled) >= 1000 and step < len(_BYTE_UNITS) - 1:
            scaled, step = scaled / 1000, step + 1
        return f"{scaled:.4g} {_BYTE_UNITS[step]}{rest}"
    text = f"{value:.4g}"
    return f"{text} {unit}" if unit else text


def _class_label(name: Any, class_id: Any) -> str:
    shown = [str(part) for part in (name, class_id) if part is not None]
    if len(shown) == 2 and shown[0] == shown[1]:
        shown = shown[:1]
    return " / ".join(shown) or "-"


def _model_rows(metrics: Metrics) -> Tuple[List[str], List[Tuple[str, ...]]]:
    model = metrics.model
    # In name order: the server's key order is not kept by a recording.
    names = sorted({*model.total, *(name for item in model.classes for name in item.values)})
    rows = [("total", *(_value(model.total, name) for name in names))]
    rows += [
        (
            _class_label(item.class_name, item.class_id),
            *(_value(item.values, name) for name in names),
        )
        for item in model.classes
    ]
    return ["CLASS", *(name.upper() for name in names)], rows


def _value(values: Any, name: str) -> str:
    return format_number(values[name]) if name in values else "-"


#: The known series in a fixed order (CPU, memory, GPU, disk, network), others after them.
_KNOWN_SERIES = [sdk_name for sdk_name, _ in SYSTEM_SERIES.values()]


def _series_order(item: Tuple[str, Any]) -> Tuple[int, str]:
    name = item[0]
    return (_KNOWN_SERIES.index(name), "") if name in _KNOWN_SERIES else (len(_KNOWN_SERIES), name)


def _series_rows(metrics: Metrics, *, ascii_only: bool) -> List[Tuple[str, ...]]:
    system = metrics.system
    rows = []
    for name, points in sorted(system.series.items(), key=_series_order):
        unit = system.unit(name)
        chart = sparkline(points, width=CHART_WIDTH) if points else "-"
        if ascii_only:
            chart = chart.translate(str.maketrans(BARS, _ASCII_BARS))
        low, high, last = (min(points), max(points), points[-1]) if points else (None, None, None)
        rows.append(
            (
                name,
                chart,
                *(
                    "-" if figure is None else format_number(figure, unit)
                    for figure in (low, high, last)
                ),
            )
        )
    return rows


def render_metrics(metrics: Metrics, *, ascii_only: bool = False) -> str:
    """The ``jobs metrics`` table text (no trailing newline)."""
    blocks: List[str] = []
    header, rows = _model_rows(metrics)
    if len(header) > 1:
        blocks.append(render_table(header, rows))
    else:
        blocks.append("no model metrics yet")
    series = _series_rows(metrics, ascii_only=ascii_only)
    if series:
        interval = metrics.system.interval
        every = "" if interval is None else f" (one sample every {interval:g} min)"
        table = render_table(("SERIES", f"OVER TIME{every}", "MIN", "MAX", "LAST"), series)
        blocks.append(table)
    else:
        blocks.append("no resource usage recorded yet")
    return "\n\n".join(blocks)


def metrics_json(job_id: str, version_id: str, metrics: Metrics) -> Dict[str, Any]:
    """The typed metrics as plain JSON values (what ``-o json`` prints)."""
    system = metrics.system
    return {
        "job_id": job_id,
        "version_id": version_id,
        "model": {
            "total": dict(metrics.model.total),
            "classes": [
                {
                    "class_name": item.class_name,
                    "class_id": item.class_id,
                    "values": dict(item.values),
                }
                for item in metrics.model.classes
            ],
        },
        "system": {
            "interval": system.interval,
            "series": {
                name: {"unit": system.unit(name), "values": list(points)}
                for name, points in system.series.items()
            },
        },
    }


def show_metrics(ctx: Context, args: Any) -> int:
    job_id = normalize_id(args.job_id, "JOB_ID")
    version_id = normalize_id(args.version_id, "VERSION_ID")
    metrics = TrainingJob(ctx.session(), job_id, version_id).metrics()
    ascii_only = ctx.console.ascii_only
    if args.output == "json":
        data = metrics_json(job_id, version_id, metrics)
        text = dump_json(data, indent=2, ascii_only=ascii_only, sort_keys=True)
    else:
        text = render_metrics(metrics, ascii_only=ascii_only)
    ctx.console.out(text + "\n")
    return 0


# -- logs --follow ----------------------------------------------------------------------------


class _Follower:
    """Reads a version's log onwards from the last position printed."""

    def __init__(self, ctx: Context, job_id: str, version_id: str, log_file: Optional[str]):
        self.ctx = ctx
        self.job_id = job_id
        self.version_id = version_id
        self.log_file = log_file
        self.position: Optional[str] = None  # the last line printed, as aom-log numbers it

    def _file(self) -> Optional[str]:
        if self.log_file is None:
            names = api.get_log_file_names(self.ctx.session(), self.job_id, self.version_id)
            self.log_file = names.log_file_list[0] if names.log_file_list else None
        return self.log_file

    def _print(self, text: str) -> None:
        if text:
            self.ctx.console.out(text if text.endswith("\n") else text + "\n")
            self.ctx.console.stdout.flush()  # a reader down the pipe sees lines as they come

    def start(self, lines: int) -> None:
        """The latest ``lines`` lines (once the version has a log file); with 0, none,
        but the position of the latest one (read, not printed), so only new lines follow."""
        log_file = self._file()
        if log_file is None:
            return
        session = self.ctx.session()
        log = api.get_log(session, self.job_id, self.version_id, log_file, lines=max(lines, 1))
        if lines:
            self._print(log.content)
        self.position = log.end_line or None

    def drain(self) -> None:
        """Every line after the last one printed."""
        if self.position is None:
            self.start(_FOLLOW_LINES)
            return
        while True:
            log = api.get_log(
                self.ctx.session(),
                self.job_id,
                self.version_id,
                self.log_file,
                lines=_FOLLOW_LINES,
                base_line=self.position,
                order="desc",
            )
            self._print(log.content)
            got = log.lines if log.lines is not None else len(log.content.splitlines())
            if got and log.end_line:
                self.position = log.end_line
            if got < _FOLLOW_LINES or not log.end_line:
                return


def follow_logs(ctx: Context, args: Any) -> int:
    """``jobs logs --follow``: stream new lines until the version has ended."""
    job_id = normalize_id(args.job_id, "JOB_ID")
    version_id = normalize_id(args.version_id, "VERSION_ID")
    follower = _Follower(ctx, job_id, version_id, args.file)
    session = ctx.session()
    clock = clock_of(session)  # the Session's; a replayed follow does not sleep
    try:
        follower.start(args.lines)
        while True:
            # The status first, then the lines: once it has ended, this read has the last ones.
            status = api.get_version(session, job_id, version_id).status
            follower.drain()
            if status.is_terminal:
                ctx.console.err(f"version {version_id} of job {job_id} ended {status.name}")
                return 0
            clock.sleep(args.poll)
    except KeyboardInterrupt:
        ctx.console.err(
            f"\nstopped following version {version_id} of job {job_id}; "
            "it keeps running on ModelArts"
        )
        raise
