"""Converters: one wire value -> one typed value, or ``_Bad`` naming what was wrong.

Plain functions, no marshmallow, so the hand-checked fast path of
``schemas.VersionRecord`` and the marshmallow fields of ``schemas`` agree on
every value. The server is sloppy in documented ways (api.md §9, §12): numbers
arrive as strings, JSON as text, any field as ``null``; all of that converts.
The small value types a converter builds (``Parameter``, ``DataSource``,
``Volume``) live here with it.
"""

from __future__ import annotations

import json
import math
import re
from datetime import datetime, timedelta, timezone
from typing import Any, List, Mapping, NamedTuple, Optional, Tuple, Union

from ._readonly import read_only

__all__ = ["DataSource", "Parameter", "Volume"]

Path = Tuple[Union[str, int], ...]
"""Where a value sits in a body: keys and array indexes (``("versions", 3, "status")``)."""


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


# re.ASCII: without it \d also matches other scripts' digits ("٢٠٢٦"), which int() accepts.
_ISO = re.compile(
    r"(\d{4})-(\d\d)-(\d\d)[T ](\d\d):(\d\d):(\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:?\d\d)?\Z",
    re.IGNORECASE | re.ASCII,
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
        # OverflowError: an offset that moves year 1 or 9999 out of range.
        return moment.astimezone(timezone.utc)
    except (ValueError, OverflowError):
        raise _Bad(f"not a valid time: {_kind(value)}") from None


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
    try:
        return json.dumps(value, ensure_ascii=False, default=str)  # 0.01 -> "0.01", True -> "true"
    except RecursionError:
        # json.loads can build nesting deeper than json.dumps, called further
        # down the stack, can walk.
        raise _Bad("expected a value, got one nested too deeply to show as text") from None


def _to_parameters(value: Any) -> Optional[Tuple[Parameter, ...]]:
    if value is None:
        return None
    parameters = []
    for i, item in enumerate(_objects(value, "{label, value} objects")):
        label = _text_in(item, "label", i)
        try:
            text = _parameter_value(item.get("value"))
        except _Bad as exc:
            raise exc.under(i, "value") from None
        parameters.append(Parameter(label, text))
    return tuple(parameters)


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


def _volume_setting(item: Mapping[str, Any], index: int) -> Tuple[str, Mapping[str, Any]]:
    """``(kind, settings)`` of one volume: ``{"nfs": {...}}`` or ``{"host_path": {...}}``.

    The first key holding an object names the kind; a kind whose settings are
    ``null`` gives a volume of unknown paths; a volume without any kind, or
    whose settings are text, a number or an array, is refused.
    """
    for key, spec in item.items():
        if isinstance(spec, dict):
            return key, spec
    for key, spec in item.items():
        if spec is not None:
            raise _Bad(f"expected an object of volume settings, got {_kind(spec)}", (index, key))
    if not item:
        raise _Bad("expected an nfs or host_path object, got an empty object", (index,))
    return next(iter(item)), {}


def _to_volumes(value: Any) -> Optional[Tuple[Volume, ...]]:
    if value is None:
        return None
    volumes = []
    for i, item in enumerate(_objects(value, "volumes")):
        kind, spec = _volume_setting(item, i)
        path = (i, kind)
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
        if not value.strip():
            return ()  # "": no log file yet, not one file named ""
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
        if not text.strip():
            raise _Bad(f"expected a file name, got {_kind(text)}", (index,))
        names.append(text)
    return tuple(names)


def _to_list(value: Any) -> List[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise _Bad(f"expected an array, got {_kind(value)}")
    return value
