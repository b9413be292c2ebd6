"""The marshmallow side of the declarations: schemas derived from ``Record`` classes.

``schema_of(cls)`` builds, once, the marshmallow schema of a ``Record`` class
from its ``FIELDS`` (each field a ``Converted`` marshmallow field that calls
the field's ``Kind`` converter, so the schema and the generated loader agree
on every value). ``validate`` runs a schema and turns marshmallow's
``ValidationError`` into our ``ResponseFormatError`` naming the first
offending field (``versions[3].status``) and counting the others.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Dict, Iterator, Mapping, Optional, Tuple

from marshmallow import EXCLUDE, Schema, ValidationError, fields

from ._convert import Bad, kind_of, to_text
from ._record import ItemsKind, Origin, Path

__all__ = ["Converted", "schema_of", "text", "validate"]


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


def validate(schema: Schema, body: Any, origin: Origin, prefix: Path = ()) -> Any:
    """``schema.load(body)``, or ``ResponseFormatError`` naming the first bad field."""
    if not isinstance(body, dict):
        raise origin.error(f"expected a JSON object, got {kind_of(body)}", prefix)
    try:
        return schema.load(body)
    except ValidationError as exc:
        found = list(_problems(exc.messages))
        path, message = found[0] if found else ((), "invalid")
        more = f"; {len(found) - 1} more invalid field(s)" if len(found) > 1 else ""
        raise origin.error(message + more, prefix + path) from exc


if TYPE_CHECKING:
    _FieldBase = fields.Field[Any]
else:
    _FieldBase = fields.Field


class Converted(_FieldBase):
    """A marshmallow field loaded by one ``Kind`` converter; ``null`` passes unless required."""

    def __init__(self, convert: Callable[[Any], Any], *, required: bool = False) -> None:
        super().__init__(required=required, allow_none=not required)
        self.convert = convert

    def _deserialize(
        self, value: Any, attr: Optional[str], data: Optional[Mapping[str, Any]], **kwargs: Any
    ) -> Any:
        try:
            result = self.convert(value)
        except Bad as exc:
            messages: Any = [exc.message]
            for key in reversed(exc.path):
                messages = {key: messages}
            raise ValidationError(messages) from None
        return result


def text() -> Converted:
    return Converted(to_text)


_SCHEMAS: Dict[type, Schema] = {}


def schema_of(record_type: type) -> Schema:
    """The marshmallow schema of a ``Record`` class, derived from its ``FIELDS`` (built once).

    Unknown fields are left out of what it loads (``EXCLUDE``): they are never
    an error, and the record keeps them in ``raw``.
    """
    schema = _SCHEMAS.get(record_type)
    if schema is None:
        declared: Dict[str, _FieldBase] = {}
        for item in getattr(record_type, "FIELDS", ()):
            kind = item.kind
            if isinstance(kind, ItemsKind):
                nested = fields.Nested(schema_of(kind.item_type))
                declared[item.name] = fields.List(nested, allow_none=True)
            else:
                declared[item.name] = Converted(kind.convert, required=item.required)
        generated = Schema.from_dict(declared, name=f"{record_type.__name__}Schema")
        schema = generated(unknown=EXCLUDE)
        schema = _SCHEMAS.setdefault(record_type, schema)
    return schema
