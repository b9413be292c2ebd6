"""Declaring a wire body once: a ``Record`` class of ``field()`` lines.

::

    class AomLog(V1Body):
        content = field(TEXT, "The log text.", default="")
        lines = field(CODE, "How many lines came back.")

Each line names the wire field (the attribute name), its ``Kind`` (from
``schemas._convert``), its documentation and, optionally, the value that stands
for ``null``. From the class body ``RecordMeta`` derives, at import time:

* ``__slots__`` and one read-only attribute per field (a plain slot, or for a
  lazy kind a property that builds the value on first read);
* ``FIELDS``, the declaration in order, which ``schemas._base.schema_of``
  turns into the marshmallow schema and the CLI and the drift check read;
* a loader generated as Python source and compiled once, which checks every
  field of a body and stores its typed value, inlining each kind's fast test
  so that the usual wire types cost a comparison, not a call.

A body that fails a check is explained by the marshmallow schema derived from
the same fields (every bad field, counted) and raises ``ResponseFormatError``
naming the first one (``versions[3].gpu_num``). Fields nobody declared are
never an error: ``raw`` keeps the whole body as received.
"""

from __future__ import annotations

from typing import (
    TYPE_CHECKING,
    Any,
    Callable,
    Dict,
    Generic,
    List,
    Literal,
    Mapping,
    NamedTuple,
    Optional,
    Tuple,
    Type,
    TypeVar,
    overload,
)

from .._readonly import ReadOnlyMapping
from ..errors import ResponseFormatError
from ._convert import Bad, Kind, Path, kind_of, to_list

__all__ = [
    "Field",
    "Origin",
    "Path",
    "Record",
    "RecordMeta",
    "field",
    "format_path",
    "items",
]

T = TypeVar("T")
R = TypeVar("R", bound="Record")


def format_path(path: Path) -> str:
    """``("versions", 3, "status")`` -> ``versions[3].status``."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


class Origin(NamedTuple):
    """Where a body came from, for the errors that blame it."""

    operation: str = ""
    status_code: Optional[int] = None
    request_id: Optional[str] = None

    def error(self, message: str, path: Path = ()) -> ResponseFormatError:
        return ResponseFormatError(
            message,
            operation=self.operation,
            status_code=self.status_code,
            request_id=self.request_id,
            field=format_path(path) or None,
        )


class Field(Generic[T]):
    """One declared wire field; ``name`` is set from the attribute it is assigned to."""

    __slots__ = ("name", "kind", "doc", "default", "required")

    def __init__(self, kind: Kind[T], doc: str, default: Optional[T], required: bool) -> None:
        self.name = ""
        self.kind = kind
        self.doc = doc
        self.default = default
        self.required = required

    def __repr__(self) -> str:
        return f"<Field {self.name} {self.kind.name}>"


@overload
def field(kind: Kind[T], doc: str) -> Optional[T]: ...


@overload
def field(kind: Kind[T], doc: str, *, default: T) -> T: ...


@overload
def field(kind: Kind[T], doc: str, *, required: Literal[True]) -> T: ...


def field(
    kind: Kind[T], doc: str, *, default: Optional[T] = None, required: bool = False
) -> Any:
    """Declare one wire field on a ``Record`` class (the attribute's name is the wire name).

    The attribute is typed ``Optional[T]``, or ``T`` with a ``default`` (which
    stands for a field the server left out or sent as ``null``) or when
    ``required`` (a body without it does not load).
    """
    return Field(kind, doc, default, required)


class ItemsKind(Kind[Tuple[T, ...]]):
    """An array of records of one type (``versions``, ``jobs``), each loaded by its own loader."""

    def __init__(self, item_type: Type[T]) -> None:
        super().__init__(f"items of {item_type.__name__}", _array, "False")
        self.item_type = item_type


def _array(value: Any) -> Tuple[Any, ...]:
    return tuple(to_list(value))


def items(item_type: Type[T]) -> Kind[Tuple[T, ...]]:
    """The kind of an array of ``item_type`` records."""
    return ItemsKind(item_type)


class _Unread:
    """The value of a lazy field not read yet (one object, kept by pickling)."""

    def __repr__(self) -> str:
        return "UNREAD"

    def __reduce__(self) -> str:
        return "UNREAD"


UNREAD = _Unread()


def load_items(item_type: Type[R], value: Any, origin: Origin, path: Path) -> Tuple[R, ...]:
    """Each object of the array ``value`` as an ``item_type`` record, in order."""
    if type(value) is not list:
        raise origin.error(f"expected an array, got {kind_of(value)}", path)
    new = item_type.__new__
    fill = item_type._fill
    loaded = []
    for index, item in enumerate(value):
        if type(item) is not dict:
            raise origin.error(f"expected an object, got {kind_of(item)}", path + (index,))
        record = new(item_type)
        record._raw = item
        record.origin = origin
        fill(record, item, origin, path, None, index)  # the item's path is built on error only
        loaded.append(record)
    return tuple(loaded)


def explain(cls: type, raw: Mapping[str, Any], origin: Origin, path: Path, problem: Bad) -> None:
    """Raise ``ResponseFormatError`` for a body a generated loader refused.

    The marshmallow schema derived from the same declaration names every bad
    field; it is only loaded here, when something is wrong.
    """
    from ._base import schema_of, validate

    validate(schema_of(cls), raw, origin, path)
    # The schema accepted what the loader refused: name what the loader saw.
    raise origin.error(problem.message, path + problem.path) from None


def _lazy_attribute(slot: str, name: str, build: Callable[[Any], Any], doc: str) -> property:
    namespace: Dict[str, Any] = {"UNREAD": UNREAD, "build": build}
    source = (
        "def read(self):\n"
        f"    v = self.{slot}\n"
        "    if v is UNREAD:\n"
        f"        v = self.{slot} = build(self._raw[{name!r}])\n"
        "    return v\n"
    )
    exec(compile(source, f"<lazy {name}>", "exec"), namespace)  # noqa: S102 - our own source
    return property(namespace["read"], doc=doc)


def slot_of(declared: Field[Any]) -> str:
    """The slot a field's value lives in: its name, or ``_lazy_<name>`` behind a property."""
    return f"_lazy_{declared.name}" if declared.kind.lazy else declared.name


def _field_source(index: int, declared: Field[Any], names: Dict[str, Any]) -> List[str]:
    """The lines that load one field into its slot (``v`` holds the wire value).

    The usual case is tested first: a value already of the typed kind (and for
    a plain kind, ``null`` with it, stored as is); then ``null``; then the
    converter, which checks and converts anything else or raises ``Bad``.
    """
    kind = declared.kind
    slot = slot_of(declared)
    names[f"default_{index}"] = declared.default
    names[f"convert_{index}"] = kind.convert
    names.update(kind.names)
    if declared.required:
        state = "missing or null, but required"
        on_null = f"raise Bad({state!r}, ({declared.name!r},))"
    else:
        on_null = f"s.{slot} = " + ("None" if declared.default is None else f"default_{index}")
    if isinstance(kind, ItemsKind):
        names[f"item_{index}"] = kind.item_type
        return [
            f"if v is None: {on_null}",
            f"else: s.{slot} = load_items(item_type or item_{index}, v, origin,"
            f" path + ({declared.name!r},))",
        ]
    convert = f"else: s.{slot} = convert_{index}(v)"
    if kind.fast == "False":
        return [f"if v is None: {on_null}", convert]
    if kind.store == "v" and not kind.lazy and declared.default is None and not declared.required:
        return [f"if {kind.fast} or v is None: s.{slot} = v", convert]
    stored = "UNREAD" if kind.lazy else kind.store
    return [f"if {kind.fast}: s.{slot} = {stored}", f"elif v is None: {on_null}", convert]


def _loader_source(fields: Tuple[Field[Any], ...], names: Dict[str, Any]) -> str:
    lines = [
        "def fill(s, raw, origin, path, item_type, index=None):",
        "    get = raw.get",
        "    try:",
        "        pass",
    ]
    for index, declared in enumerate(fields):
        lines.append(f"        v = get({declared.name!r})")
        lines += ["        " + line for line in _field_source(index, declared, names)]
    lines += [
        "    except Bad as exc:",
        "        where = path if index is None else path + (index,)",
        "        explain(type(s), raw, origin, where, exc)",
    ]
    return "\n".join(lines) + "\n"


def _generate_loader(cls: type, fields: Tuple[Field[Any], ...]) -> Callable[..., None]:
    names: Dict[str, Any] = {
        "Bad": Bad,
        "UNREAD": UNREAD,
        "explain": explain,
        "load_items": load_items,
    }
    source = _loader_source(fields, names)
    exec(compile(source, f"<loader of {cls.__name__}>", "exec"), names)  # noqa: S102
    loader: Callable[..., None] = names["fill"]
    return loader


class RecordMeta(type):
    """Turns the ``field()`` lines of a ``Record`` class into slots, attributes and a loader."""

    def __new__(
        mcls, name: str, bases: Tuple[type, ...], namespace: Dict[str, Any], **kwargs: Any
    ) -> RecordMeta:
        own: List[Field[Any]] = []
        for key, value in list(namespace.items()):
            if isinstance(value, Field):
                value.name = key
                own.append(value)
                del namespace[key]
        inherited: Tuple[Field[Any], ...] = ()
        for base in bases:
            inherited += getattr(base, "FIELDS", ())
        slots = list(namespace.get("__slots__", ()))
        for declared in own:
            slots.append(slot_of(declared))
            lazy = declared.kind.lazy
            if lazy is not None:
                namespace[declared.name] = _lazy_attribute(
                    slot_of(declared), declared.name, lazy, declared.doc
                )
        namespace["__slots__"] = tuple(slots)
        cls = super().__new__(mcls, name, bases, namespace, **kwargs)
        fields = inherited + tuple(own)
        cls.FIELDS = fields  # type: ignore[attr-defined]
        if own or not hasattr(cls, "_fill"):
            cls._fill = staticmethod(_generate_loader(cls, fields))  # type: ignore[attr-defined]
        if own and cls.__doc__:
            cls.__doc__ += "\n\nWire fields (attributes of the same name):\n\n" + "\n".join(
                f"* ``{declared.name}`` ({declared.kind.name}): {declared.doc}" for declared in own
            )
        return cls


class Record(metaclass=RecordMeta):
    """A wire body (or one item of an array in it), declared once with ``field()`` lines.

    ``raw`` is the body exactly as received, read-only, undeclared fields
    included; ``origin`` the call it answered (operation, status, request id),
    for errors found in it later. Build one with ``load``; a body that does not
    fit raises ``ResponseFormatError``.
    """

    __slots__ = ("_raw", "origin")

    FIELDS: Tuple[Field[Any], ...] = ()
    _raw: Mapping[str, Any]
    origin: Origin

    if TYPE_CHECKING:

        @staticmethod
        def _fill(
            s: Record,
            raw: Mapping[str, Any],
            origin: Origin,
            path: Path,
            item_type: Any,
            index: Optional[int] = None,
        ) -> None: ...

    @classmethod
    def load(
        cls: Type[R],
        body: Any,
        *,
        operation: str = "",
        status_code: Optional[int] = None,
        request_id: Optional[str] = None,
        item_type: Optional[type] = None,
    ) -> R:
        """Check every declared field of ``body`` and return its typed record.

        ``item_type`` replaces the declared type of the records of an
        ``items()`` field (a subclass of it, such as ``TrainingJob``).
        """
        record = cls.__new__(cls)
        record.assign(
            body,
            operation=operation,
            status_code=status_code,
            request_id=request_id,
            item_type=item_type,
        )
        return record

    def assign(
        self,
        body: Any,
        *,
        operation: str = "",
        status_code: Optional[int] = None,
        request_id: Optional[str] = None,
        item_type: Optional[type] = None,
    ) -> None:
        """Check every declared field of ``body`` and take its values (what ``load`` does)."""
        origin = Origin(operation, status_code, request_id)
        if type(body) is not dict:
            raise origin.error(f"expected a JSON object, got {kind_of(body)}")
        self._raw = body
        self.origin = origin
        type(self)._fill(self, body, origin, (), item_type)

    @property
    def raw(self) -> Mapping[str, Any]:
        """The body exactly as received (undeclared fields included), read-only."""
        return ReadOnlyMapping(self._raw)

    def as_dict(self) -> Dict[str, Any]:
        """The decoded body itself, not a copy: what the old SDK's calls returned.

        For a record nobody else keeps (the answer of one call); ``raw`` is the
        safe, read-only view.
        """
        return dict(self._raw) if type(self._raw) is not dict else self._raw
