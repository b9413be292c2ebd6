"""Wire JSON <-> our objects: the one module that imports marshmallow.

Every loader takes a parsed JSON body plus where it came from (``operation``,
``status_code``, ``request_id``) and either returns typed values or raises
``ResponseFormatError`` naming the offending field (``versions[3].status``).
The server is sloppy in documented ways (api.md §9, §12): numbers arrive as
strings, ``model_metric_list``/``system_metric_list`` as JSON text or objects,
any field as ``null``, new fields at any time. All of that loads; nothing the
server sent is dropped (unknown fields land in ``extra`` and the raw body is
kept as received).

List-versions pages are loaded in two steps because pages hold up to 1,000
versions and eager marshmallow loading costs several times ``json.loads``::

    page = load_versions_page(body, operation="GET .../versions")  # envelope + cheap checks
    record = page.versions[0]
    record.status, record.create_time      # checked by hand when the page loaded
    record.data().gpu_num                  # full schema, on first use, cached
"""

from __future__ import annotations

import copy
import json
import math
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import (
    TYPE_CHECKING,
    Any,
    Callable,
    Dict,
    Iterator,
    List,
    Mapping,
    NamedTuple,
    Optional,
    Sequence,
    Tuple,
    Union,
    overload,
)

from marshmallow import EXCLUDE, Schema, ValidationError, fields, post_load

from .errors import ResponseFormatError

__all__ = [
    "AomLog",
    "DataSource",
    "Envelope",
    "JobSummary",
    "JobsPage",
    "Parameter",
    "Project",
    "ReadOnlyMapping",
    "ReadOnlySequence",
    "VersionData",
    "VersionRecord",
    "VersionsPage",
    "Volume",
    "load_aom_log",
    "load_envelope",
    "load_iam_projects",
    "load_jobs_page",
    "load_log_file_names",
    "load_token_expiry",
    "load_version_detail",
    "load_versions_page",
    "read_only",
]

Path = Tuple[Union[str, int], ...]

# -- read-only views of JSON ----------------------------------------------------------


def read_only(value: Any) -> Any:
    """``value`` itself, or an O(1) read-only view when it is a JSON object or array."""
    kind = type(value)
    if kind is dict or (kind is not ReadOnlyMapping and isinstance(value, Mapping)):
        return ReadOnlyMapping(value)
    if kind is list:
        return ReadOnlySequence(value)
    return value


def _unwrap(value: Any) -> Any:
    return value._data if isinstance(value, (ReadOnlyMapping, ReadOnlySequence)) else value


class ReadOnlyMapping(Mapping[str, Any]):
    """A deep read-only view of a JSON object: nested objects and arrays come back as views.

    Building one copies nothing, so wrapping a large record is free. It compares
    equal to the data it wraps; ``to_dict()`` returns an independent deep copy
    (for ``json.dumps`` or editing).
    """

    __slots__ = ("_data",)

    def __init__(self, data: Mapping[str, Any]) -> None:
        self._data = data

    def __getitem__(self, key: str) -> Any:
        return read_only(self._data[key])

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __contains__(self, key: object) -> bool:
        return key in self._data

    def __eq__(self, other: object) -> bool:
        return bool(self._data == _unwrap(other))

    def __repr__(self) -> str:
        return f"ReadOnlyMapping({self._data!r})"

    def to_dict(self) -> Dict[str, Any]:
        """A deep, mutable copy of the wrapped object."""
        return dict(copy.deepcopy(self._data))


class ReadOnlySequence(Sequence[Any]):
    """A deep read-only view of a JSON array (see ``ReadOnlyMapping``)."""

    __slots__ = ("_data",)

    def __init__(self, data: Sequence[Any]) -> None:
        self._data = data

    @overload
    def __getitem__(self, index: int) -> Any: ...

    @overload
    def __getitem__(self, index: slice) -> ReadOnlySequence: ...

    def __getitem__(self, index: Union[int, slice]) -> Any:
        if isinstance(index, slice):
            return ReadOnlySequence(self._data[index])
        return read_only(self._data[index])

    def __iter__(self) -> Iterator[Any]:
        return (read_only(item) for item in self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __eq__(self, other: object) -> bool:
        return bool(self._data == _unwrap(other))

    def __repr__(self) -> str:
        return f"ReadOnlySequence({self._data!r})"

    def to_list(self) -> List[Any]:
        """A deep, mutable copy of the wrapped array."""
        return list(copy.deepcopy(self._data))


# -- converters: one wire value -> one typed value ------------------------------------
# Plain functions so the hand-checked fast path and the marshmallow fields agree.


class _Bad(Exception):
    """A wire value a converter refuses; ``path`` leads to it from the field."""

    def __init__(self, message: str, path: Path = ()) -> None:
        super().__init__(message)
        self.message = message
        self.path = path

    def under(self, *prefix: Union[str, int]) -> _Bad:
        return _Bad(self.message, prefix + self.path)


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return f"the number {value!r}"
    if isinstance(value, str):
        text = value if len(value) <= 40 else value[:37] + "..."
        return f"the text {text!r}"
    if isinstance(value, dict):
        return "an object"
    return "an array" if isinstance(value, list) else type(value).__name__


def _to_text(value: Any) -> Optional[str]:
    if value is None or type(value) is str:
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return str(value)
    if isinstance(value, int):
        return str(int(value))
    if isinstance(value, float):
        return repr(value)  # the JSON number's own spelling: 8.0, 0.01
    raise _Bad(f"expected text, got {_kind(value)}")


_INT_TEXT = re.compile(r"\s*[+-]?[0-9]{1,30}\s*\Z")
_NUMBER_TEXT = re.compile(r"\s*[+-]?[0-9]{1,30}(\.[0-9]+)?\s*\Z")


def _to_int(value: Any) -> Optional[int]:
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return int(value)
    if isinstance(value, str) and _INT_TEXT.match(value):
        return int(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    raise _Bad(f"expected an integer, got {_kind(value)}")


def _to_code(value: Any) -> Optional[int]:
    number = _to_int(value)
    if number is not None and number < 0:
        raise _Bad(f"expected a non-negative integer, got {_kind(value)}")
    return number


def _to_id(value: Any) -> Optional[str]:
    """IDs are Long on the wire; we expose the decimal digits as ``str``."""
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return str(int(value))
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 30:
        return str(int(value))
    raise _Bad(f"expected an integer id, got {_kind(value)}")


def _millis(value: Any) -> Union[int, float, None]:
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return int(value)
    if isinstance(value, float) and math.isfinite(value):
        return value
    if isinstance(value, str) and _NUMBER_TEXT.match(value):
        return float(value) if "." in value else int(value)
    raise _Bad(f"expected milliseconds as a number, got {_kind(value)}")


_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def _to_datetime_ms(value: Any) -> Optional[datetime]:
    millis = _millis(value)
    if millis is None:
        return None
    try:
        return _EPOCH + timedelta(milliseconds=millis)
    except OverflowError:
        raise _Bad(f"timestamp out of range: {_kind(value)}") from None


def _to_timedelta_ms(value: Any) -> Optional[timedelta]:
    millis = _millis(value)
    if millis is None:
        return None
    try:
        return timedelta(milliseconds=millis)
    except OverflowError:
        raise _Bad(f"duration out of range: {_kind(value)}") from None


_TRUE = frozenset({"true", "1", "yes"})
_BOOL_TEXT = _TRUE | {"false", "0", "no"}


def _to_bool(value: Any) -> Optional[bool]:
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in _BOOL_TEXT:
        return value.strip().lower() in _TRUE
    raise _Bad(f"expected a boolean, got {_kind(value)}")


def _to_json(value: Any) -> Any:
    """JSON text is parsed; text that is not JSON is kept as it is (never an error)."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except (ValueError, RecursionError):
            return value
    return read_only(value)


_ISO = re.compile(
    r"(\d{4})-(\d\d)-(\d\d)[T ](\d\d):(\d\d):(\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:?\d\d)?\Z",
    re.IGNORECASE,
)


def _to_iso_datetime(value: Any) -> Optional[datetime]:
    """IAM's ``2020-01-04T09:05:22.701000Z``; naive times are UTC. Portable to 3.9."""
    if value is None:
        return None
    match = _ISO.match(value.strip()) if isinstance(value, str) else None
    if match is None:
        raise _Bad(f"expected an ISO 8601 time, got {_kind(value)}")
    year, month, day, hour, minute, second = (int(g) for g in match.groups()[:6])
    micro = int((match.group(7) or "0").ljust(6, "0")[:6])
    zone = match.group(8) or "Z"
    try:
        tz = timezone.utc
        if zone.upper() != "Z":
            digits = zone[1:].replace(":", "")
            offset = timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
            tz = timezone(-offset if zone[0] == "-" else offset)
        moment = datetime(year, month, day, hour, minute, second, micro, tzinfo=tz)
    except ValueError:
        raise _Bad(f"not a valid time: {_kind(value)}") from None
    return moment.astimezone(timezone.utc)


def _objects(value: Any, what: str) -> List[Mapping[str, Any]]:
    if not isinstance(value, list):
        raise _Bad(f"expected an array of {what}, got {_kind(value)}")
    for index, item in enumerate(value):
        if not isinstance(item, dict):
            raise _Bad(f"expected an object, got {_kind(item)}", (index,))
    return value


def _text_in(item: Mapping[str, Any], key: str, index: int) -> Optional[str]:
    try:
        return _to_text(item.get(key))
    except _Bad as exc:
        raise exc.under(index, key) from None


class Parameter(NamedTuple):
    """One run argument, ``--label=value``. Numbers the server sent are given as text."""

    label: Optional[str]
    value: Optional[str]


def _parameter_value(value: Any) -> Optional[str]:
    if value is None or isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, default=str)  # 0.01 -> "0.01", True -> "true"


def _to_parameters(value: Any) -> Optional[Tuple[Parameter, ...]]:
    if value is None:
        return None
    return tuple(
        Parameter(_text_in(item, "label", i), _parameter_value(item.get("value")))
        for i, item in enumerate(_objects(value, "{label, value} objects"))
    )


class DataSource(NamedTuple):
    """One entry of ``data_source``: an OBS path (``type`` "obs") or a dataset version."""

    type: Optional[str]
    data_url: Optional[str]
    dataset_id: Optional[str]
    dataset_version: Optional[str]


def _to_data_sources(value: Any) -> Optional[Tuple[DataSource, ...]]:
    if value is None:
        return None
    return tuple(
        DataSource(*(_text_in(item, key, i) for key in DataSource._fields))
        for i, item in enumerate(_objects(value, "data sources"))
    )


class Volume(NamedTuple):
    """One mounted volume; ``kind`` is the wire key (``nfs`` or ``host_path``)."""

    kind: Optional[str]
    src_path: Optional[str]
    dest_path: Optional[str]
    read_only: Optional[bool]
    id: Optional[str]


def _to_volumes(value: Any) -> Optional[Tuple[Volume, ...]]:
    if value is None:
        return None
    volumes = []
    for i, item in enumerate(_objects(value, "volumes")):
        kind = next((key for key, spec in item.items() if isinstance(spec, dict)), None)
        spec: Mapping[str, Any] = item[kind] if kind is not None else {}
        kind = kind if kind is not None else next(iter(item), None)
        path = (i,) if kind is None else (i, kind)
        key = "read_only"
        try:
            flag = _to_bool(spec.get(key))
            texts = []
            for key in ("src_path", "dest_path", "id"):
                texts.append(_to_text(spec.get(key)))
        except _Bad as exc:
            raise exc.under(*path, key) from None
        volumes.append(Volume(kind, texts[0], texts[1], flag, texts[2]))
    return tuple(volumes)


def _to_names(value: Any) -> Tuple[str, ...]:
    """``log_file_list``: documented as String, sent as an array; accept both."""
    if value is None:
        return ()
    if isinstance(value, str):
        try:
            parsed = json.loads(value)
        except (ValueError, RecursionError):
            return (value,)
        return _to_names(parsed) if isinstance(parsed, list) else (value,)
    if not isinstance(value, list):
        raise _Bad(f"expected an array of file names, got {_kind(value)}")
    names = []
    for index, name in enumerate(value):
        try:
            text = _to_text(name)
        except _Bad as exc:
            raise exc.under(index) from None
        if text is None:
            raise _Bad("expected a file name, got null", (index,))
        names.append(text)
    return tuple(names)


def _to_list(value: Any) -> List[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise _Bad(f"expected an array, got {_kind(value)}")
    return value


# -- errors: where a body came from, and how to blame a field -------------------------


class _Origin(NamedTuple):
    operation: str
    status_code: Optional[int]
    request_id: Optional[str]

    def error(self, message: str, path: Path = ()) -> ResponseFormatError:
        return ResponseFormatError(
            message,
            operation=self.operation,
            status_code=self.status_code,
            request_id=self.request_id,
            field=_format_path(path) or None,
        )


def _format_path(path: Path) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


def _problems(messages: Any, path: Path = ()) -> Iterator[Tuple[Path, str]]:
    if isinstance(messages, dict):
        for key, sub in messages.items():
            yield from _problems(sub, path if key == "_schema" else path + (key,))
    elif isinstance(messages, list) and all(isinstance(m, str) for m in messages):
        yield path, "; ".join(messages)
    elif isinstance(messages, list):
        for sub in messages:
            yield from _problems(sub, path)
    else:
        yield path, str(messages)


def _load(schema: Schema, body: Any, origin: _Origin, prefix: Path = ()) -> Any:
    if not isinstance(body, dict):
        raise origin.error(f"expected a JSON object, got {_kind(body)}", prefix)
    try:
        return schema.load(body)
    except ValidationError as exc:
        found = list(_problems(exc.messages))
        path, message = found[0] if found else ((), "invalid")
        more = f"; {len(found) - 1} more invalid field(s)" if len(found) > 1 else ""
        raise origin.error(message + more, prefix + path) from exc


# -- marshmallow fields and schemas ---------------------------------------------------

if TYPE_CHECKING:
    _FieldBase = fields.Field[Any]
else:
    _FieldBase = fields.Field


class _Converted(_FieldBase):
    """A field loaded by one of the converters above; ``null`` is accepted unless required."""

    def __init__(self, convert: Callable[[Any], Any], *, required: bool = False) -> None:
        super().__init__(required=required, allow_none=not required)
        self.convert = convert

    def _deserialize(
        self, value: Any, attr: Optional[str], data: Optional[Mapping[str, Any]], **kwargs: Any
    ) -> Any:
        try:
            result = self.convert(value)
        except _Bad as exc:
            messages: Any = [exc.message]
            for key in reversed(exc.path):
                messages = {key: messages}
            raise ValidationError(messages) from None
        return result


def _text() -> _Converted:
    return _Converted(_to_text)


def _int() -> _Converted:
    return _Converted(_to_int)


def _id() -> _Converted:
    return _Converted(_to_id)


def _ms_time() -> _Converted:
    return _Converted(_to_datetime_ms)


class _WireSchema(Schema):
    """Unknown fields are not loaded but never lost: value objects get them, untouched and
    in wire order, as ``extra`` (``_extra`` reads the original), and callers keep the body."""

    class Meta:
        unknown = EXCLUDE


class _V1Body(_WireSchema):
    """Every v1 body has the envelope."""

    is_success = _Converted(_to_bool)
    error_code = _text()
    error_message = _text()
    error_msg = _text()


_ENVELOPE_KEYS = frozenset({"is_success", "error_code", "error_message", "error_msg"})


def _extra(
    schema: Schema, original: Mapping[str, Any], skip: "frozenset[str]" = frozenset()
) -> Mapping[str, Any]:
    """The undocumented fields, untouched and in wire order."""
    known = schema.load_fields
    return ReadOnlyMapping({k: v for k, v in original.items() if k not in known and k not in skip})


@dataclass(frozen=True)
class Envelope:
    """``is_success`` and the error fields (``error_msg`` reads ``error_message`` first)."""

    is_success: Optional[bool]
    error_code: Optional[str]
    error_msg: Optional[str]

    @property
    def failed(self) -> bool:
        """True only when the server said ``"is_success": false``."""
        return self.is_success is False


class _EnvelopeSchema(_V1Body):
    @post_load
    def _make(self, data: Dict[str, Any], **kwargs: Any) -> Envelope:
        message = data.get("error_message")
        if message is None:
            message = data.get("error_msg")
        return Envelope(data.get("is_success"), data.get("error_code"), message)


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
    "job_name", "job_desc", "version_name", "engine_name", "engine_version", "app_url",
    "boot_file_url", "spec_code", "flavor_code", "core", "cpu", "gpu_type", "data_url",
    "train_url", "log_url", "dataset_id", "dataset_version_id", "dataset_name",
    "dataset_version_name", "user_image_url", "user_command", "resource_id", "pool_id",
    "pool_name", "nas_mount_path", "nas_share_addr", "nas_type",
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


class VersionRecord:
    """One version record as received: summary fields checked now, the rest on demand.

    ``raw`` is the server's dict itself (not copied). ``job`` holds job-level
    fields that the list-versions page gives once for all records (``job_name``,
    ``job_desc``); the record's own values win. ``data()`` runs the full schema
    once and caches the ``VersionData``.
    """

    __slots__ = ("raw", "job", "_origin", "_path", "_data") + tuple(n for n, _ in _SUMMARY)

    raw: Mapping[str, Any]
    job: Mapping[str, Any]
    version_id: Optional[str]
    version_name: Optional[str]
    status: Optional[int]
    engine_name: Optional[str]
    engine_version: Optional[str]
    create_time: Optional[datetime]
    duration: Optional[timedelta]
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
            self.create_time = (
                _EPOCH + timedelta(milliseconds=value)
                if type(value) is int
                else _to_datetime_ms(value)
            )
            value = get("duration")
            self.duration = (
                timedelta(milliseconds=value) if type(value) is int else _to_timedelta_ms(value)
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


def load_version_detail(
    body: Any, *, operation: str = "", status_code: Optional[int] = None,
    request_id: Optional[str] = None,
) -> VersionRecord:
    """The flat version-details body (api.md §2.4), loaded in full at once."""
    origin = _Origin(operation, status_code, request_id)
    if not isinstance(body, dict):
        raise origin.error(f"expected a JSON object, got {_kind(body)}")
    record = VersionRecord.__new__(VersionRecord)
    record._init(body, {}, origin, ())
    if record.version_id is None:
        raise _missing_id(body, "version_id", origin, ())
    if record.data().job_id is None:
        raise _missing_id(body, "job_id", origin, ())
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
    body: Any, *, operation: str = "", status_code: Optional[int] = None,
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
        top.get("job_id"), top.get("job_name"), top.get("job_desc"), top.get("version_count"),
        tuple(records), ReadOnlyMapping(body), *origin,
    )


_ENVELOPE_SCHEMA = _EnvelopeSchema()


def load_envelope(
    body: Any, *, operation: str = "", status_code: Optional[int] = None,
    request_id: Optional[str] = None,
) -> Envelope:
    """``is_success`` and the error fields of any v1 body."""
    result: Envelope = _load(_ENVELOPE_SCHEMA, body, _Origin(operation, status_code, request_id))
    return result


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
    body: Any, *, operation: str = "", status_code: Optional[int] = None,
    request_id: Optional[str] = None,
) -> JobsPage:
    """The list-jobs body, loaded eagerly (pages are small and returned as dicts anyway)."""
    top = _load(_JOBS_SCHEMA, body, _Origin(operation, status_code, request_id))
    return JobsPage(
        top.get("job_total_count"), top.get("job_count_limit"), top.get("quotas"),
        tuple(top.get("jobs") or ()), ReadOnlyMapping(body),
    )


class _LogNamesSchema(_V1Body):
    log_file_list = _Converted(_to_names)


_LOG_NAMES_SCHEMA = _LogNamesSchema()


def load_log_file_names(
    body: Any, *, operation: str = "", status_code: Optional[int] = None,
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
            data.get("content") or "", data.get("lines"), data.get("start_line"),
            data.get("end_line"),
        )


_AOM_LOG_SCHEMA = _AomLogSchema()


def load_aom_log(
    body: Any, *, operation: str = "", status_code: Optional[int] = None,
    request_id: Optional[str] = None,
) -> AomLog:
    """The aom-log body; ``content`` is ``""`` when the server sent none."""
    result: AomLog = _load(_AOM_LOG_SCHEMA, body, _Origin(operation, status_code, request_id))
    return result


class Project(NamedTuple):
    """One IAM project: ``name`` is the region id (``cn-north-4``)."""

    id: str
    name: Optional[str]


class _ProjectSchema(Schema):
    class Meta:
        unknown = EXCLUDE  # domain ids and links are never exposed (nor recorded)

    id = _Converted(_to_text, required=True)
    name = _text()

    @post_load
    def _make(self, data: Dict[str, Any], **kwargs: Any) -> Project:
        return Project(data["id"], data.get("name"))


class _ProjectsSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    projects = fields.List(fields.Nested(_ProjectSchema), allow_none=True)


_PROJECTS_SCHEMA = _ProjectsSchema()


def load_iam_projects(
    body: Any, *, operation: str = "", status_code: Optional[int] = None,
    request_id: Optional[str] = None,
) -> Tuple[Project, ...]:
    """``GET /v3/projects``: the projects, in server order."""
    top = _load(_PROJECTS_SCHEMA, body, _Origin(operation, status_code, request_id))
    return tuple(top.get("projects") or ())


class _TokenSchema(Schema):
    class Meta:
        unknown = EXCLUDE  # the catalog, roles and user: nothing else is read

    expires_at = _Converted(_to_iso_datetime, required=True)


class _TokenBodySchema(Schema):
    class Meta:
        unknown = EXCLUDE

    token = fields.Nested(_TokenSchema, required=True)


_TOKEN_SCHEMA = _TokenBodySchema()


def load_token_expiry(
    body: Any, *, operation: str = "", status_code: Optional[int] = None,
    request_id: Optional[str] = None,
) -> datetime:
    """``token.expires_at`` of an IAM token body, as an aware UTC ``datetime``."""
    top = _load(_TOKEN_SCHEMA, body, _Origin(operation, status_code, request_id))
    expires: datetime = top["token"]["expires_at"]
    return expires
