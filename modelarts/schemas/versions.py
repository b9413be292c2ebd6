"""Version records: the flat version-details body and the list-versions page (api.md §2.3, §2.4).

List-versions pages are loaded in two steps because pages hold up to 1,000
versions and eager marshmallow loading costs several times ``json.loads``::

    page = load_versions_page(body, operation="GET .../versions")  # envelope + cheap checks
    record = page.versions[0]
    record.status, record.create_time      # checked by hand when the page loaded
    record.data().gpu_num                  # full schema, on first use, cached
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Callable, Dict, Mapping, Optional, Tuple, Union

from marshmallow import post_load

from .._readonly import ReadOnlyMapping
from .._wire import (
    _EPOCH,
    DataSource,
    Parameter,
    Path,
    Volume,
    _Bad,
    _kind,
    _to_bool,
    _to_code,
    _to_data_sources,
    _to_datetime_ms,
    _to_id,
    _to_int,
    _to_json,
    _to_list,
    _to_parameters,
    _to_text,
    _to_timedelta_ms,
    _to_volumes,
)
from ._base import (
    _ENVELOPE_KEYS,
    _Converted,
    _extra,
    _FieldBase,
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
    "VersionData",
    "VersionRecord",
    "VersionsPage",
    "check_version_detail",
    "load_version_detail",
    "load_versions_page",
]


@dataclass(frozen=True)
class VersionData:
    """Every documented field of one version record, typed (api.md §2.3, §2.4).

    Times are aware UTC ``datetime``; durations ``timedelta``; ``job_id``,
    ``version_id`` and ``pre_version_id`` decimal ``str``; the metric lists the
    parsed JSON (read-only), or the text itself when it is not JSON. Fields the
    server left out or sent as ``null`` are ``None``; undocumented ones are in
    ``extra``.
    """

    version_id: Optional[str] = None
    job_id: Optional[str] = None
    job_name: Optional[str] = None
    job_desc: Optional[str] = None
    version_name: Optional[str] = None
    pre_version_id: Optional[str] = None
    status: Optional[int] = None
    engine_type: Optional[int] = None
    engine_name: Optional[str] = None
    engine_id: Optional[int] = None
    engine_version: Optional[str] = None
    app_url: Optional[str] = None
    boot_file_url: Optional[str] = None
    create_time: Optional[datetime] = None
    start_time: Optional[datetime] = None
    duration: Optional[timedelta] = None
    parameter: Optional[Tuple[Parameter, ...]] = None
    spec_id: Optional[int] = None
    spec_code: Optional[str] = None
    flavor_code: Optional[str] = None
    core: Optional[str] = None
    cpu: Optional[str] = None
    gpu: Optional[bool] = None
    gpu_num: Optional[int] = None
    gpu_type: Optional[str] = None
    worker_server_num: Optional[int] = None
    data_url: Optional[str] = None
    train_url: Optional[str] = None
    log_url: Optional[str] = None
    dataset_id: Optional[str] = None
    dataset_version_id: Optional[str] = None
    dataset_name: Optional[str] = None
    dataset_version_name: Optional[str] = None
    data_source: Optional[Tuple[DataSource, ...]] = None
    model_id: Optional[int] = None
    model_metric_list: Any = None
    system_metric_list: Any = None
    user_image_url: Optional[str] = None
    user_command: Optional[str] = None
    resource_id: Optional[str] = None
    volumes: Optional[Tuple[Volume, ...]] = None
    pool_id: Optional[str] = None
    pool_name: Optional[str] = None
    nas_mount_path: Optional[str] = None
    nas_share_addr: Optional[str] = None
    nas_type: Optional[str] = None
    extra: Mapping[str, Any] = field(default_factory=lambda: ReadOnlyMapping({}))


_VERSION_TEXT = (
    "job_name",
    "job_desc",
    "version_name",
    "engine_name",
    "engine_version",
    "app_url",
    "boot_file_url",
    "spec_code",
    "flavor_code",
    "core",
    "cpu",
    "gpu_type",
    "data_url",
    "train_url",
    "log_url",
    "dataset_id",
    "dataset_version_id",
    "dataset_name",
    "dataset_version_name",
    "user_image_url",
    "user_command",
    "resource_id",
    "pool_id",
    "pool_name",
    "nas_mount_path",
    "nas_share_addr",
    "nas_type",
)
_VERSION_FIELDS: Dict[str, _FieldBase] = {
    **{name: _text() for name in _VERSION_TEXT},
    **{name: _int() for name in ("engine_type", "engine_id", "spec_id", "gpu_num", "model_id")},
    "worker_server_num": _int(),
    "version_id": _id(),
    "job_id": _id(),
    "pre_version_id": _id(),
    "status": _Converted(_to_code),
    "create_time": _ms_time(),
    "start_time": _ms_time(),
    "duration": _Converted(_to_timedelta_ms),
    "parameter": _Converted(_to_parameters),
    "gpu": _Converted(_to_bool),
    "data_source": _Converted(_to_data_sources),
    "volumes": _Converted(_to_volumes),
    "model_metric_list": _Converted(_to_json),
    "system_metric_list": _Converted(_to_json),
}


class _VersionSchema(_WireSchema.from_dict(_VERSION_FIELDS)):  # type: ignore[misc]
    """One version record: a ``versions[]`` item, or the flat version-details body."""

    @post_load(pass_original=True)
    def _make(self, data: Dict[str, Any], original: Mapping[str, Any], **kw: Any) -> VersionData:
        return VersionData(**data, extra=_extra(self, original, _ENVELOPE_KEYS))


# The part of a record the versions table shows, checked by hand (no marshmallow)
# when a page loads: cheap enough for 1,000 records, and a broken record fails there.
_SUMMARY: Tuple[Tuple[str, Callable[[Any], Any]], ...] = (
    ("version_id", _to_id),
    ("version_name", _to_text),
    ("status", _to_code),
    ("engine_name", _to_text),
    ("engine_version", _to_text),
    ("create_time", _to_datetime_ms),
    ("duration", _to_timedelta_ms),
    ("spec_id", _to_int),
    ("spec_code", _to_text),
    ("flavor_code", _to_text),
)


# Milliseconds that make a datetime (years 1..9999 UTC) and a timedelta (±999,999,999 days).
_MIN_TIME_MS = -62_135_596_800_000
_MAX_TIME_MS = 253_402_300_799_999
_MIN_DURATION_MS = -86_399_999_913_600_000
_MAX_DURATION_MS = 86_399_999_999_999_999


class VersionRecord:
    """One version record as received: summary fields checked now, the rest on demand.

    ``raw`` is the server's dict itself (not copied). ``job`` holds job-level
    fields that the list-versions page gives once for all records (``job_name``,
    ``job_desc``); the record's own values win. ``data()`` runs the full schema
    once and caches the ``VersionData``.
    """

    __slots__ = ("raw", "job", "_origin", "_path", "_data", "_create", "_duration") + tuple(
        n for n, _ in _SUMMARY if n not in ("create_time", "duration")
    )

    raw: Mapping[str, Any]
    job: Mapping[str, Any]
    version_id: Optional[str]
    version_name: Optional[str]
    status: Optional[int]
    engine_name: Optional[str]
    engine_version: Optional[str]
    # The two times stay milliseconds (checked to be in range) until first read:
    # building 2,000 datetime objects per page for a listing that never looks
    # at them is most of what loading a record costs.
    _create: Union[int, datetime, None]
    _duration: Union[int, timedelta, None]
    spec_id: Optional[int]
    spec_code: Optional[str]
    flavor_code: Optional[str]

    def __init__(
        self,
        raw: Mapping[str, Any],
        *,
        job: Optional[Mapping[str, Any]] = None,
        operation: str = "",
        status_code: Optional[int] = None,
        request_id: Optional[str] = None,
        path: Path = (),
    ) -> None:
        self._init(raw, job or {}, _Origin(operation, status_code, request_id), path)

    def _init(
        self, raw: Mapping[str, Any], job: Mapping[str, Any], origin: _Origin, path: Path
    ) -> None:
        self.raw = raw
        self.job = job
        self._origin = origin
        self._path = path
        self._data: Optional[VersionData] = None
        get = raw.get
        try:  # straight-line fast paths for the usual wire types; converters for the rest
            value = get("version_id")
            self.version_id = str(value) if type(value) is int and value >= 0 else _to_id(value)
            value = get("status")
            self.status = value if type(value) is int and value >= 0 else _to_code(value)
            value = get("spec_id")
            self.spec_id = value if type(value) is int else _to_int(value)
            value = get("create_time")
            self._create = (
                value
                if type(value) is int and _MIN_TIME_MS <= value <= _MAX_TIME_MS
                else _to_datetime_ms(value)
            )
            value = get("duration")
            self._duration = (
                value
                if type(value) is int and _MIN_DURATION_MS <= value <= _MAX_DURATION_MS
                else _to_timedelta_ms(value)
            )
            value = get("version_name")
            self.version_name = value if value is None or type(value) is str else _to_text(value)
            value = get("engine_name")
            self.engine_name = value if value is None or type(value) is str else _to_text(value)
            value = get("engine_version")
            self.engine_version = value if value is None or type(value) is str else _to_text(value)
            value = get("spec_code")
            self.spec_code = value if value is None or type(value) is str else _to_text(value)
            value = get("flavor_code")
            self.flavor_code = value if value is None or type(value) is str else _to_text(value)
        except (_Bad, OverflowError):
            for name, convert in _SUMMARY:  # the slow path, only to name the culprit
                try:
                    convert(get(name))
                except _Bad as exc:
                    raise origin.error(exc.message, path + (name,) + exc.path) from None
            raise  # pragma: no cover - the loop above re-raises the same problem

    @property
    def create_time(self) -> Optional[datetime]:
        value = self._create
        if isinstance(value, int):
            return _EPOCH + timedelta(milliseconds=value)
        return value

    @property
    def duration(self) -> Optional[timedelta]:
        value = self._duration
        if isinstance(value, int):
            return timedelta(milliseconds=value)
        return value

    def data(self) -> VersionData:
        """Every documented field, typed; raises ``ResponseFormatError`` on a bad field."""
        if self._data is None:
            body = {**self.job, **self.raw} if self.job else self.raw
            self._data = _load(_VERSION_SCHEMA, body, self._origin, self._path)
        return self._data

    def __repr__(self) -> str:
        return f"<VersionRecord version_id={self.version_id!r} status={self.status!r}>"


_VERSION_SCHEMA = _VersionSchema()


def _missing_id(raw: Mapping[str, Any], name: str, origin: _Origin, path: Path) -> Exception:
    state = "null" if name in raw else "missing"
    return origin.error(f"{state}, but an integer id is required", path + (name,))


def check_version_detail(
    body: Any,
    *,
    operation: str = "",
    status_code: Optional[int] = None,
    request_id: Optional[str] = None,
) -> VersionRecord:
    """The flat version-details body (api.md §2.4), checked like a listed record.

    The ids and the fields the SDK itself reads are checked now; the rest
    loads (and is checked) by ``data()`` on first use. ``get_job_info()``
    hands the body back as a dict, so the full schema would be pure cost there.
    """
    origin = _Origin(operation, status_code, request_id)
    if not isinstance(body, dict):
        raise origin.error(f"expected a JSON object, got {_kind(body)}")
    record = VersionRecord.__new__(VersionRecord)
    record._init(body, {}, origin, ())
    if record.version_id is None:
        raise _missing_id(body, "version_id", origin, ())
    try:
        job_id = _to_id(body.get("job_id"))
    except _Bad as exc:
        raise origin.error(exc.message, ("job_id",) + exc.path) from None
    if job_id is None:
        raise _missing_id(body, "job_id", origin, ())
    return record


def load_version_detail(
    body: Any,
    *,
    operation: str = "",
    status_code: Optional[int] = None,
    request_id: Optional[str] = None,
) -> VersionRecord:
    """The flat version-details body (api.md §2.4), loaded in full at once."""
    record = check_version_detail(
        body, operation=operation, status_code=status_code, request_id=request_id
    )
    record.data()
    return record


@dataclass(frozen=True)
class VersionsPage:
    """One list-versions body (api.md §2.3); ``versions`` in server order."""

    job_id: Optional[str]
    job_name: Optional[str]
    job_desc: Optional[str]
    version_count: Optional[int]
    versions: Tuple[VersionRecord, ...]
    raw: Mapping[str, Any]
    operation: str = ""
    status_code: Optional[int] = None
    request_id: Optional[str] = None


class _VersionsPageSchema(_V1Body):
    job_id = _id()
    job_name = _text()
    job_desc = _text()
    version_count = _Converted(_to_code)
    versions = _Converted(_to_list)  # items are checked one by one in load_versions_page


_PAGE_SCHEMA = _VersionsPageSchema()


def load_versions_page(
    body: Any,
    *,
    operation: str = "",
    status_code: Optional[int] = None,
    request_id: Optional[str] = None,
) -> VersionsPage:
    """The envelope eagerly, each record's id and summary by hand, the rest lazily."""
    origin = _Origin(operation, status_code, request_id)
    top = _load(_PAGE_SCHEMA, body, origin)
    job = {key: top[key] for key in ("job_name", "job_desc") if top.get(key) is not None}
    records = []
    new = VersionRecord.__new__
    for index, item in enumerate(top.get("versions") or ()):
        path = ("versions", index)
        if type(item) is not dict:
            raise origin.error(f"expected an object, got {_kind(item)}", path)
        record = new(VersionRecord)
        record._init(item, job, origin, path)
        if record.version_id is None:
            raise _missing_id(item, "version_id", origin, path)
        records.append(record)
    return VersionsPage(
        top.get("job_id"),
        top.get("job_name"),
        top.get("job_desc"),
        top.get("version_count"),
        tuple(records),
        ReadOnlyMapping(body),
        *origin,
    )
