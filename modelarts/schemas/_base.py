"""What every schema shares: blaming a field, the converter-backed field, the v1 envelope.

``_load`` runs a schema and turns marshmallow's ``ValidationError`` into our
``ResponseFormatError`` naming the first offending field (``versions[3].status``)
and the operation, status and request id the body came with. ``_Converted``
is a marshmallow field that delegates to one ``_wire`` converter, so a field
and the hand-checked fast path never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import (
    TYPE_CHECKING,
    Any,
    Callable,
    Dict,
    Iterator,
    Mapping,
    NamedTuple,
    Optional,
    Tuple,
)

from marshmallow import EXCLUDE, Schema, ValidationError, fields, post_load

from .._decode import success_flag
from .._readonly import ReadOnlyMapping
from .._wire import Path, _Bad, _kind, _to_bool, _to_datetime_ms, _to_id, _to_int, _to_text
from ..errors import ResponseFormatError

__all__ = ["Envelope", "load_envelope"]

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
    """A field loaded by one ``_wire`` converter; ``null`` is accepted unless required."""

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
        """True when ``is_success`` is there but not ``true`` (``_decode.success_flag``)."""
        return self.is_success is False


class _EnvelopeSchema(_V1Body):
    @post_load(pass_original=True)
    def _make(self, data: Dict[str, Any], original: Dict[str, Any], **kwargs: Any) -> Envelope:
        message = data.get("error_message")
        if message is None:
            message = data.get("error_msg")
        return Envelope(success_flag(original), data.get("error_code"), message)


_ENVELOPE_SCHEMA = _EnvelopeSchema()


def load_envelope(
    body: Any,
    *,
    operation: str = "",
    status_code: Optional[int] = None,
    request_id: Optional[str] = None,
) -> Envelope:
    """``is_success`` and the error fields of any v1 body."""
    result: Envelope = _load(_ENVELOPE_SCHEMA, body, _Origin(operation, status_code, request_id))
    return result
