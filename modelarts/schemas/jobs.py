"""The other training-job bodies: the list-jobs page and the two log reads (api.md §2.1, §2.7).

Each is small, so it is loaded eagerly through its schema. Unknown fields of a
job land in ``JobSummary.extra`` and ``JobsPage.raw`` is the body as received;
the log reads return only the values.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Dict, Mapping, Optional, Tuple

from marshmallow import fields, post_load

from .._readonly import ReadOnlyMapping
from .._wire import _to_code, _to_id, _to_names, _to_timedelta_ms
from ._base import (
    _Converted,
    _extra,
    _id,
    _int,
    _load,
    _ms_time,
    _Origin,
    _text,
    _V1Body,
    _WireSchema,
)

__all__ = [
    "AomLog",
    "JobSummary",
    "JobsPage",
    "load_aom_log",
    "load_jobs_page",
    "load_log_file_names",
]


@dataclass(frozen=True)
class JobSummary:
    """One ``jobs[]`` item of the list-jobs body (api.md §2.1); undocumented fields in ``extra``."""

    job_id: str
    job_name: Optional[str] = None
    version_id: Optional[str] = None
    status: Optional[int] = None
    create_time: Optional[datetime] = None
    duration: Optional[timedelta] = None
    job_desc: Optional[str] = None
    version_count: Optional[int] = None
    extra: Mapping[str, Any] = field(default_factory=lambda: ReadOnlyMapping({}))


class _JobItemSchema(_WireSchema):
    job_id = _Converted(_to_id, required=True)
    job_name = _text()
    version_id = _id()
    status = _Converted(_to_code)
    create_time = _ms_time()
    duration = _Converted(_to_timedelta_ms)
    job_desc = _text()
    version_count = _Converted(_to_code)

    @post_load(pass_original=True)
    def _make(self, data: Dict[str, Any], original: Mapping[str, Any], **kw: Any) -> JobSummary:
        return JobSummary(**data, extra=_extra(self, original))


@dataclass(frozen=True)
class JobsPage:
    """The list-jobs body (api.md §2.1)."""

    job_total_count: Optional[int]
    job_count_limit: Optional[int]
    quotas: Optional[int]
    jobs: Tuple[JobSummary, ...]
    raw: Mapping[str, Any]


class _JobsPageSchema(_V1Body):
    job_total_count = _Converted(_to_code)
    job_count_limit = _int()
    quotas = _int()
    jobs = fields.List(fields.Nested(_JobItemSchema), allow_none=True)


_JOBS_SCHEMA = _JobsPageSchema()


def load_jobs_page(
    body: Any,
    *,
    operation: str = "",
    status_code: Optional[int] = None,
    request_id: Optional[str] = None,
) -> JobsPage:
    """The list-jobs body, loaded eagerly (pages are small and returned as dicts anyway)."""
    top = _load(_JOBS_SCHEMA, body, _Origin(operation, status_code, request_id))
    return JobsPage(
        top.get("job_total_count"),
        top.get("job_count_limit"),
        top.get("quotas"),
        tuple(top.get("jobs") or ()),
        ReadOnlyMapping(body),
    )


class _LogNamesSchema(_V1Body):
    log_file_list = _Converted(_to_names)


_LOG_NAMES_SCHEMA = _LogNamesSchema()


def load_log_file_names(
    body: Any,
    *,
    operation: str = "",
    status_code: Optional[int] = None,
    request_id: Optional[str] = None,
) -> Tuple[str, ...]:
    """``log_file_list`` (api.md §2.7): one name per node; ``()`` when absent or null."""
    top = _load(_LOG_NAMES_SCHEMA, body, _Origin(operation, status_code, request_id))
    names: Tuple[str, ...] = top.get("log_file_list") or ()
    return names


@dataclass(frozen=True)
class AomLog:
    """One aom-log read (api.md §2.7). Line positions stay text: they exceed 2**53."""

    content: str
    lines: Optional[int]
    start_line: Optional[str]
    end_line: Optional[str]


class _AomLogSchema(_V1Body):
    content = _text()
    lines = _Converted(_to_code)
    start_line = _text()
    end_line = _text()

    @post_load
    def _make(self, data: Dict[str, Any], **kwargs: Any) -> AomLog:
        return AomLog(
            data.get("content") or "",
            data.get("lines"),
            data.get("start_line"),
            data.get("end_line"),
        )


_AOM_LOG_SCHEMA = _AomLogSchema()


def load_aom_log(
    body: Any,
    *,
    operation: str = "",
    status_code: Optional[int] = None,
    request_id: Optional[str] = None,
) -> AomLog:
    """The aom-log body; ``content`` is ``""`` when the server sent none."""
    result: AomLog = _load(_AOM_LOG_SCHEMA, body, _Origin(operation, status_code, request_id))
    return result
