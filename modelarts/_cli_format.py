"""What the ``modelarts`` command prints: aligned tables, key/value listings and JSON.

Pure functions of the typed records the SDK hands back (``modelarts.schemas``);
no I/O. Tables follow the is_show
table's conventions (``modelarts.display``): columns as wide as their widest
cell, CJK characters two columns wide, ``-`` for a missing value, times in UTC.
"""

from __future__ import annotations

import json
import math
from typing import TYPE_CHECKING, Any, Iterable, List, Mapping, Optional, Sequence, Tuple

from .display import clip, format_duration, format_time, render_table, text_width
from .errors import ResponseFormatError

if TYPE_CHECKING:
    from .schemas import JobSummary, Version

__all__ = [
    "JOB_COLUMNS",
    "dump_json",
    "job_row",
    "record_pairs",
    "render_pairs",
    "render_table",
    "version_pairs",
]

JOB_COLUMNS = ("JOB ID", "NAME", "STATUS", "VERSIONS", "CREATED", "DURATION", "DESCRIPTION")
_MISSING = "-"
_GAP = "  "
_TABLE_CELL = 40
_DETAIL_CELL = 120


def _plain(value: Any) -> Any:
    # ``TrainingJob.raw`` is a read-only view; json needs dicts and lists.
    if isinstance(value, Mapping):
        return dict(value)
    if isinstance(value, Sequence) and not isinstance(value, (str, bytes)):
        return list(value)
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def _finite(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, Mapping):
        return {key: _finite(item) for key, item in value.items()}
    if isinstance(value, Sequence) and not isinstance(value, (str, bytes)):
        return [_finite(item) for item in value]
    return value


def dump_json(
    value: Any,
    *,
    indent: Optional[int] = None,
    ascii_only: bool = False,
    sort_keys: bool = False,
) -> str:
    """``value`` as JSON text, read-only views included; compact when ``indent`` is None.

    Always valid JSON (RFC 8259): a NaN or infinite number in an answer (Python's
    parser accepts the bare ``NaN``/``Infinity`` a server may send) is written
    as ``null``, as JavaScript's ``JSON.stringify`` does.
    """
    separators = (",", ": ") if indent is not None else (",", ":")
    options: Any = dict(
        default=_plain,
        indent=indent,
        ensure_ascii=ascii_only,
        separators=separators,
        sort_keys=sort_keys,
        allow_nan=False,
    )
    try:
        try:
            return json.dumps(value, **options)
        except ValueError:  # "Out of range float values are not JSON compliant"
            return json.dumps(_finite(value), **options)
    except RecursionError:  # the parser reads deeper nesting than the encoder writes
        raise ResponseFormatError("the answer is nested too deeply to print as JSON") from None


def cell(value: Optional[str], limit: int = _TABLE_CELL) -> str:
    """One printable line of at most ``limit`` columns (cut with ``…``); ``-`` when empty."""
    return clip(value, limit)


def render_pairs(pairs: Iterable[Tuple[str, str]]) -> str:
    """``key  value`` lines, values aligned; no trailing newline."""
    items = list(pairs)
    if not items:
        return ""
    key_width = max(text_width(key) for key, _ in items)
    return "\n".join(
        f"{key}{' ' * (key_width - text_width(key))}{_GAP}{value}" for key, value in items
    )


def job_row(job: JobSummary) -> Tuple[str, ...]:
    """One row of ``modelarts jobs list`` from a list-jobs record (modelarts_03_0046)."""
    return (
        cell(job.job_id),
        cell(job.job_name),
        _MISSING if job.status is None else job.status.name,
        _MISSING if job.version_count is None else str(job.version_count),
        format_time(job.create_time),
        format_duration(job.duration),
        cell(job.job_desc),
    )


def _scalar(value: Any) -> str:
    if value is None:
        return _MISSING
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return cell(value, _DETAIL_CELL) if value else '""'
    if isinstance(value, (int, float)):
        return str(value)
    # Sorted keys: the same text whether the record came from the network or a fixture.
    return cell(dump_json(value, sort_keys=True), _DETAIL_CELL)


#: What ``jobs show`` lists first; every other field follows in alphabetical order
#: (the same order whether the record came from the network or from a fixture).
_LEADING = (
    "job_id",
    "job_name",
    "version_id",
    "version_name",
    "status",
    "create_time",
    "start_time",
    "duration",
    "engine_name",
    "engine_version",
    "spec_code",
    "flavor_code",
    "worker_server_num",
    "job_desc",
)


def version_pairs(job: Version) -> List[Tuple[str, str]]:
    """``modelarts jobs show``: every field of the record, the main ones first.

    Status, times and duration are shown decoded (``RUNNING (8)``, UTC times,
    ``h:mm:ss``); other values as sent, nested ones as compact JSON, long ones cut.
    """
    decoded = {
        "status": f"{job.status.name} ({int(job.status)})",
        "create_time": format_time(job.create_time),
        "start_time": format_time(job.start_time),
        "duration": format_duration(job.duration),
    }
    return record_pairs(job.raw, _LEADING, decoded)


def record_pairs(
    raw: Mapping[str, Any], leading: Sequence[str], decoded: Mapping[str, str]
) -> List[Tuple[str, str]]:
    """Every field of a record as ``(key, shown value)``: ``leading`` ones first, then the
    rest alphabetically (the same order from the network or a fixture); ``decoded`` holds
    the shown form of typed fields, used when the field is not ``null``."""
    keys = [key for key in leading if key in raw]
    keys += sorted(key for key in raw if key not in leading and key != "is_success")
    pairs = []
    for key in keys:
        value = raw[key]
        shown = decoded[key] if key in decoded and value is not None else _scalar(value)
        pairs.append((cell(key), shown))
    return pairs
