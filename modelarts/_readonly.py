"""Read-only views of parsed JSON: what the SDK hands out instead of the server's dicts.

``read_only(value)`` wraps a JSON object or array in an O(1) view that copies
nothing (a page of 1,000 records is free to wrap) and wraps nested values as
they are read. No marshmallow here: the converters in ``_wire`` use it too.
"""

from __future__ import annotations

import copy
from typing import Any, Dict, Iterator, List, Mapping, Sequence, Union, overload

__all__ = ["ReadOnlyMapping", "ReadOnlySequence", "read_only"]


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
