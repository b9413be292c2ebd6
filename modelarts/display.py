"""The table ``get_job_version_object_list(is_show=True)`` prints.

::

  from modelarts.display import print_versions_table
  print_versions_table(jobs)

  VERSION  VERSION ID  STATUS   ENGINE               CREATED              DURATION  SPEC
  V0004    10          RUNNING  PyTorch PyTorch-1.8  2018-04-20 02:06:30  0:08:52   spec 2

Pure functions of version attributes (``TrainingJob``, ``schemas.Version``), all
of which a list-versions page already holds (never a request per row). Columns
are as wide as their widest cell; a cell longer than ``MAX_CELL_WIDTH`` columns
is cut with ``…``; a missing value shows as ``-``. Times are UTC.
"""

from __future__ import annotations

import sys
import unicodedata
from datetime import datetime, timedelta, timezone
from itertools import chain
from typing import TYPE_CHECKING, Iterable, List, Optional, Sequence, TextIO

if TYPE_CHECKING:
    from .schemas import Version

__all__ = [
    "COLUMNS",
    "MAX_CELL_WIDTH",
    "clip",
    "format_duration",
    "format_time",
    "print_versions_table",
    "render_table",
    "render_versions_table",
    "text_width",
]

COLUMNS = ("VERSION", "VERSION ID", "STATUS", "ENGINE", "CREATED", "DURATION", "SPEC")
MAX_CELL_WIDTH = 40
_GAP = "  "
_MISSING = "-"
_ELLIPSIS = "…"


def format_duration(value: Optional[timedelta]) -> str:
    """``h:mm:ss`` (hours may pass 24; milliseconds dropped); ``-`` when unknown."""
    if value is None:
        return _MISSING
    if value.days == 0:  # under a day: str() gives h:mm:ss[.ffffff], formatted in C
        text = str(value)
        return text[:-7] if value.microseconds else text
    seconds = value.days * 86400 + value.seconds  # floor, also below zero
    sign = "-" if seconds < 0 else ""
    minutes, second = divmod(abs(seconds), 60)
    hours, minute = divmod(minutes, 60)
    return "%s%d:%02d:%02d" % (sign, hours, minute, second)  # noqa: UP031 (faster here)


def format_time(value: Optional[datetime]) -> str:
    """``YYYY-MM-DD HH:MM:SS`` in UTC (naive times are taken as UTC); ``-`` when unknown."""
    if value is None:
        return _MISSING
    if value.tzinfo is not None and value.tzinfo is not timezone.utc:
        value = value.astimezone(timezone.utc)
    # By hand: about twice as fast as isoformat(), which also formats the UTC offset.
    return "%04d-%02d-%02d %02d:%02d:%02d" % (  # noqa: UP031 (faster here)
        value.year,
        value.month,
        value.day,
        value.hour,
        value.minute,
        value.second,
    )


def _char_width(char: str) -> int:
    if unicodedata.combining(char):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def text_width(text: str) -> int:
    """Terminal columns ``text`` takes: CJK characters two, combining marks none."""
    if text.isascii():
        return len(text)
    return sum(map(_char_width, text))


def clip(value: Optional[str], limit: int = MAX_CELL_WIDTH) -> str:
    """One printable line of at most ``limit`` columns (cut with ``…``); ``-`` when empty."""
    if not value:
        return _MISSING
    if value.isascii() and value.isprintable() and len(value) <= limit:
        return value  # the common case, decided in C
    if not value.isprintable():  # a newline or tab in a name must not break the row
        value = "".join(char if char.isprintable() else " " for char in value)
    if text_width(value) <= limit:
        return value
    kept: List[str] = []
    used = 0
    for char in value:
        used += _char_width(char)
        if used > limit - 1:
            break
        kept.append(char)
    return "".join(kept) + _ELLIPSIS


def render_table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """Left-aligned columns two spaces apart, header first, no trailing newline."""
    table = [tuple(header), *(tuple(row) for row in rows)]
    if all(map(str.isascii, chain.from_iterable(table))):
        # One character per column: str.format pads in C (5,000 rows stay ~10 ms).
        widths = [max(map(len, column)) for column in zip(*table)]
        line = _GAP.join(f"{{:<{width}}}" for width in widths[:-1]) + _GAP + "{}"
        return "\n".join([line.format(*row) for row in table])
    widths = [max(map(text_width, column)) for column in zip(*table)]
    last = len(header) - 1
    lines = []
    for row in table:
        padded = [
            cell if column == last else cell + " " * (widths[column] - text_width(cell))
            for column, cell in enumerate(row)
        ]
        lines.append(_GAP.join(padded))
    return "\n".join(lines)


def _engine(job: Version) -> Optional[str]:
    name, version = job.engine_name, job.engine_version
    if name and version:
        return f"{name} {version}"
    return name or version or None


def _spec(job: Version) -> Optional[str]:
    if job.spec_code:
        return job.spec_code
    if job.flavor_code:
        return job.flavor_code
    return None if job.spec_id is None else f"spec {job.spec_id}"


def _row(job: Version) -> Sequence[str]:
    return (
        clip(job.version_name),
        job.version_id or _MISSING,  # digits
        job.status.name,  # an identifier
        clip(_engine(job)),
        format_time(job.create_time),
        format_duration(job.duration),
        clip(_spec(job)),
    )


def render_versions_table(jobs: Iterable[Version]) -> str:
    """The table as text, one line per version (header first), no trailing newline."""
    return render_table(COLUMNS, [_row(job) for job in jobs])


def print_versions_table(jobs: Iterable[Version], file: Optional[TextIO] = None) -> None:
    """Write ``render_versions_table(jobs)`` and a newline to ``file`` (default stdout)."""
    out = sys.stdout if file is None else file
    out.write(render_versions_table(jobs) + "\n")
