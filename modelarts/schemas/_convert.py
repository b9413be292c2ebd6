"""Wire types: one wire value -> one typed value, or ``Bad`` naming what was wrong.

Each wire type is a ``Kind``: its converter, plus the test that lets a
generated loader (``schemas._record``) skip the converter for values already
of the final type. Plain functions, no marshmallow, so the generated loaders
and the marshmallow fields derived from the same declarations agree on every
value. The server is sloppy in documented ways (Huawei's pages
modelarts_03_0047 and modelarts_03_0049 show both): numbers arrive as strings,
JSON as text, any field as ``null``; all of that converts. The arrays of
objects (run parameters, data sources, volumes) are in ``schemas._structures``.
"""

from __future__ import annotations

import json
import math
import re
from datetime import datetime, timedelta, timezone
from typing import (
    Any,
    Callable,
    Generic,
    List,
    Mapping,
    Optional,
    Tuple,
    TypeVar,
    Union,
)

from .._readonly import read_only
from ..job_status import JobStatus

__all__ = [
    "BOOL",
    "CODE",
    "DURATION_MS",
    "ID",
    "INT",
    "JSON",
    "MS_TIME",
    "NAMES",
    "STATUS",
    "TEXT",
    "Bad",
    "Kind",
    "kind_of",
]

T = TypeVar("T")

Path = Tuple[Union[str, int], ...]
"""Where a value sits in a body: keys and array indexes (``("versions", 3, "status")``)."""


class Bad(Exception):
    """A wire value a converter refuses; ``path`` leads to it from the field."""

    def __init__(self, message: str, path: Path = ()) -> None:
        super().__init__(message)
        self.message = message
        self.path = path

    def under(self, *prefix: Union[str, int]) -> Bad:
        return Bad(self.message, prefix + self.path)


def kind_of(value: Any) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int) and abs(value) > MAX_ID:
        return "an integer of more than 30 digits"  # repr() may refuse to print it
    if isinstance(value, (int, float)):
        return f"the number {value!r}"
    if isinstance(value, str):
        text = value if len(value) <= 40 else value[:37] + "..."
        return f"the text {text!r}"
    if isinstance(value, dict):
        return "an object"
    return "an array" if isinstance(value, list) else type(value).__name__


def to_text(value: Any) -> Optional[str]:
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
    raise Bad(f"expected text, got {kind_of(value)}")


_INT_TEXT = re.compile(r"\s*[+-]?[0-9]{1,30}\s*\Z")
_NUMBER_TEXT = re.compile(r"\s*[+-]?[0-9]{1,30}(\.[0-9]+)?\s*\Z")


def to_int(value: Any) -> Optional[int]:
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return int(value)
    if isinstance(value, str) and _INT_TEXT.match(value):
        return int(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    raise Bad(f"expected an integer, got {kind_of(value)}")


def to_code(value: Any) -> Optional[int]:
    number = to_int(value)
    if number is not None and number < 0:
        raise Bad(f"expected a non-negative integer, got {kind_of(value)}")
    return number


#: Ids are at most 30 digits (str() of a much larger int may raise ValueError).
MAX_ID = 10**30 - 1


def to_id(value: Any) -> Optional[str]:
    """IDs are Long on the wire; exposed as their decimal digits (``"0010"`` -> ``"10"``)."""
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_ID:
        return str(int(value))
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 30:
        return str(int(value))
    raise Bad(f"expected an integer id, got {kind_of(value)}")


def _millis(value: Any) -> Union[int, float, None]:
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return int(value)
    if isinstance(value, float) and math.isfinite(value):
        return value
    if isinstance(value, str) and _NUMBER_TEXT.match(value):
        return float(value) if "." in value else int(value)
    raise Bad(f"expected milliseconds as a number, got {kind_of(value)}")


EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def to_datetime_ms(value: Any) -> Optional[datetime]:
    millis = _millis(value)
    if millis is None:
        return None
    try:
        return EPOCH + timedelta(milliseconds=millis)
    except OverflowError:
        raise Bad(f"timestamp out of range: {kind_of(value)}") from None


def to_timedelta_ms(value: Any) -> Optional[timedelta]:
    millis = _millis(value)
    if millis is None:
        return None
    try:
        return timedelta(milliseconds=millis)
    except OverflowError:
        raise Bad(f"duration out of range: {kind_of(value)}") from None


_TRUE = frozenset({"true", "1", "yes"})
_BOOL_TEXT = _TRUE | {"false", "0", "no"}


def to_bool(value: Any) -> Optional[bool]:
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in _BOOL_TEXT:
        return value.strip().lower() in _TRUE
    raise Bad(f"expected a boolean, got {kind_of(value)}")


def to_json(value: Any) -> Any:
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


def to_iso_datetime(value: Any) -> Optional[datetime]:
    """IAM's ``2020-01-04T09:05:22.701000Z``; naive times are UTC. Portable to 3.9."""
    if value is None:
        return None
    match = _ISO.match(value.strip()) if isinstance(value, str) else None
    if match is None:
        raise Bad(f"expected an ISO 8601 time, got {kind_of(value)}")
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
        raise Bad(f"not a valid time: {kind_of(value)}") from None


def to_names(value: Any) -> Tuple[str, ...]:
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
        return to_names(parsed) if isinstance(parsed, list) else (value,)
    if not isinstance(value, list):
        raise Bad(f"expected an array of file names, got {kind_of(value)}")
    names = []
    for index, name in enumerate(value):
        try:
            text = to_text(name)
        except Bad as exc:
            raise exc.under(index) from None
        if text is None:
            raise Bad("expected a file name, got null", (index,))
        if not text.strip():
            raise Bad(f"expected a file name, got {kind_of(text)}", (index,))
        names.append(text)
    return tuple(names)


def to_list(value: Any) -> List[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise Bad(f"expected an array, got {kind_of(value)}")
    return value


def to_status(value: Any) -> Optional[JobStatus]:
    code = to_code(value)
    return None if code is None else JobStatus(code)


# Milliseconds that make a datetime (years 1..9999 UTC) and a timedelta (±999,999,999 days).
MIN_TIME_MS = -62_135_596_800_000
MAX_TIME_MS = 253_402_300_799_999
MIN_DURATION_MS = -86_399_999_913_600_000
MAX_DURATION_MS = 86_399_999_999_999_999


def ms_to_datetime(millis: int) -> datetime:
    """An in-range integer of milliseconds since the epoch as an aware UTC ``datetime``."""
    return EPOCH + timedelta(milliseconds=millis)


def ms_to_timedelta(millis: int) -> timedelta:
    return timedelta(milliseconds=millis)


class Kind(Generic[T]):
    """One wire type: how a value of it loads.

    ``convert`` takes any wire value (never ``null``: a generated loader stores
    ``None``, or the field's default, for that itself) and returns the typed
    value or raises ``Bad``. ``fast`` is a Python expression over ``v``, true
    when ``store`` (an expression over ``v``, default ``v`` itself) is the
    typed value without calling ``convert``: a generated loader inlines both.
    A ``lazy`` kind keeps a value that passed ``fast`` as received and builds
    the typed value with ``lazy(v)`` on first read (datetimes, parsed metric
    text); values that did not pass are converted (and checked) at load.
    ``names`` are the globals ``fast`` and ``store`` use.
    """

    def __init__(
        self,
        name: str,
        convert: Callable[[Any], Optional[T]],
        fast: str,
        *,
        store: str = "v",
        lazy: Optional[Callable[[Any], Optional[T]]] = None,
        names: Optional[Mapping[str, Any]] = None,
    ) -> None:
        self.name = name
        self.convert = convert
        self.fast = fast
        self.store = store
        self.lazy = lazy
        self.names = dict(names or {})

    def __repr__(self) -> str:
        return f"<Kind {self.name}>"


_STATUSES = tuple(JobStatus(code) for code in range(len(JobStatus) + 1))

TEXT: Kind[str] = Kind("text", to_text, "type(v) is str")
INT: Kind[int] = Kind("int", to_int, "type(v) is int")
CODE: Kind[int] = Kind("code", to_code, "type(v) is int and v >= 0")
ID: Kind[str] = Kind("id", to_id, f"type(v) is int and 0 <= v <= {MAX_ID}", store="str(v)")
BOOL: Kind[bool] = Kind("bool", to_bool, "type(v) is bool")
STATUS: Kind[JobStatus] = Kind(
    "status",
    to_status,
    f"type(v) is int and 0 <= v < {len(_STATUSES)}",
    store="STATUSES[v]",
    names={"STATUSES": _STATUSES},
)
MS_TIME: Kind[datetime] = Kind(
    "ms-time",
    to_datetime_ms,
    f"type(v) is int and {MIN_TIME_MS} <= v <= {MAX_TIME_MS}",
    lazy=ms_to_datetime,
)
DURATION_MS: Kind[timedelta] = Kind(
    "ms-duration",
    to_timedelta_ms,
    f"type(v) is int and {MIN_DURATION_MS} <= v <= {MAX_DURATION_MS}",
    lazy=ms_to_timedelta,
)
JSON: Kind[Any] = Kind("json", to_json, "type(v) is str", lazy=to_json)
NAMES: Kind[Tuple[str, ...]] = Kind("names", to_names, "False")
