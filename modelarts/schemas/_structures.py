"""Wire arrays of small objects: run parameters, data sources and volumes.

Each becomes a tuple of ``NamedTuple`` values (``Parameter``, ``DataSource``,
``Volume``). Loading a page only checks that such an array is in its plain wire
form (``plain_*``); the typed tuple is built on first read. Anything else goes
through the converter at load, which checks it fully and blames the item
(``parameter[2].value``). The scalar wire types are in ``schemas._convert``.
"""

from __future__ import annotations

import json
from typing import Any, List, Mapping, NamedTuple, Optional, Tuple

from ._convert import Bad, Kind, kind_of, to_bool, to_text

__all__ = [
    "DATA_SOURCES",
    "PARAMETERS",
    "VOLUMES",
    "DataSource",
    "Parameter",
    "Volume",
    "plain_data_sources",
    "plain_parameters",
    "plain_volumes",
    "to_data_sources",
    "to_parameters",
    "to_volumes",
]


def _objects(value: Any, what: str) -> List[Mapping[str, Any]]:
    if not isinstance(value, list):
        raise Bad(f"expected an array of {what}, got {kind_of(value)}")
    for index, item in enumerate(value):
        if not isinstance(item, dict):
            raise Bad(f"expected an object, got {kind_of(item)}", (index,))
    return value


def _text_in(item: Mapping[str, Any], key: str, index: int) -> Optional[str]:
    try:
        return to_text(item.get(key))
    except Bad as exc:
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
        raise Bad("expected a value, got one nested too deeply to show as text") from None


def to_parameters(value: Any) -> Optional[Tuple[Parameter, ...]]:
    if value is None:
        return None
    parameters = []
    for i, item in enumerate(_objects(value, "{label, value} objects")):
        label = _text_in(item, "label", i)
        try:
            text = _parameter_value(item.get("value"))
        except Bad as exc:
            raise exc.under(i, "value") from None
        parameters.append(Parameter(label, text))
    return tuple(parameters)


class DataSource(NamedTuple):
    """One entry of ``data_source``: an OBS path (``type`` "obs") or a dataset version."""

    type: Optional[str]
    data_url: Optional[str]
    dataset_id: Optional[str]
    dataset_version: Optional[str]


def to_data_sources(value: Any) -> Optional[Tuple[DataSource, ...]]:
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
            raise Bad(f"expected an object of volume settings, got {kind_of(spec)}", (index, key))
    if not item:
        raise Bad("expected an nfs or host_path object, got an empty object", (index,))
    return next(iter(item)), {}


def to_volumes(value: Any) -> Optional[Tuple[Volume, ...]]:
    if value is None:
        return None
    volumes = []
    for i, item in enumerate(_objects(value, "volumes")):
        kind, spec = _volume_setting(item, i)
        path = (i, kind)
        key = "read_only"
        try:
            flag = to_bool(spec.get(key))
            texts = []
            for key in ("src_path", "dest_path", "id"):
                texts.append(to_text(spec.get(key)))
        except Bad as exc:
            raise exc.under(*path, key) from None
        volumes.append(Volume(kind, texts[0], texts[1], flag, texts[2]))
    return tuple(volumes)


# Quick tests that an array is already in its plain wire form, so that loading a
# page only checks it and the typed tuples are built on first read. Anything
# else goes through the converter at load, which checks (and blames) it fully.

_TEXT_OR_NULL = (str, type(None))


def plain_parameters(value: Any) -> bool:
    """``[{"label": "...", "value": "..."}, ...]`` with text labels and values."""
    if type(value) is not list:
        return False
    for item in value:
        if type(item) is not dict:
            return False
        get = item.get
        if type(get("label")) not in _TEXT_OR_NULL or type(get("value")) not in _TEXT_OR_NULL:
            return False
    return True


def plain_data_sources(value: Any) -> bool:
    """An array of objects whose documented keys are text or absent."""
    if type(value) is not list:
        return False
    for item in value:
        if type(item) is not dict:
            return False
        get = item.get
        for key in DataSource._fields:
            if type(get(key)) not in _TEXT_OR_NULL:
                return False
    return True


def plain_volumes(value: Any) -> bool:
    """An array of ``{"nfs" | "host_path": {...}}`` objects of text paths and a boolean flag."""
    if type(value) is not list:
        return False
    for item in value:
        if type(item) is not dict or len(item) != 1:
            return False
        for spec in item.values():
            if type(spec) is not dict:
                return False
            get = spec.get
            if type(get("read_only")) not in (bool, type(None)):
                return False
            for key in ("src_path", "dest_path", "id"):
                if type(get(key)) not in _TEXT_OR_NULL:
                    return False
    return True


PARAMETERS: Kind[Tuple[Parameter, ...]] = Kind(
    "parameters",
    to_parameters,
    "plain_parameters(v)",
    lazy=to_parameters,
    names={"plain_parameters": plain_parameters},
)
DATA_SOURCES: Kind[Tuple[DataSource, ...]] = Kind(
    "data-sources",
    to_data_sources,
    "plain_data_sources(v)",
    lazy=to_data_sources,
    names={"plain_data_sources": plain_data_sources},
)
VOLUMES: Kind[Tuple[Volume, ...]] = Kind(
    "volumes",
    to_volumes,
    "plain_volumes(v)",
    lazy=to_volumes,
    names={"plain_volumes": plain_volumes},
)
