"""A version's model and system metrics as typed values.

The version-details body (page modelarts_03_0047) carries two metric fields
whose wire shape varies: ``model_metric_list`` and ``system_metric_list`` come
as JSON text or as objects, numbers as numbers or as strings. This module turns
either shape into values a program (or a terminal chart) can use::

    metrics = job.metrics()
    metrics.model.total["accuracy"]            # 0.000937
    metrics.system.series["cpu_usage"]         # (0.0, 3.1, 5.76, ...)
    metrics.system.interval                    # minutes between samples, when given

Unknown metric names are kept under their wire names; nothing the server sent
is dropped (``raw`` holds both fields as received). A shape that cannot be a
metric list raises ``ResponseFormatError`` naming the field.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from typing import Any, Dict, Mapping, Optional, Sequence, Tuple

from .errors import ResponseFormatError

__all__ = [
    "SYSTEM_SERIES",
    "ClassMetrics",
    "Metrics",
    "ModelMetrics",
    "SystemMetrics",
    "parse_metrics",
]

#: Wire names of the resource series and the names this SDK gives them, with units.
SYSTEM_SERIES: Mapping[str, Tuple[str, str]] = {
    "cpuUsage": ("cpu_usage", "%"),
    "memUsage": ("memory_usage", "%"),
    "gpuUtil": ("gpu_util", "%"),
    "gpuMemUsage": ("gpu_memory_usage", "%"),
    "diskReadRate": ("disk_read_rate", "B/s"),
    "diskWriteRate": ("disk_write_rate", "B/s"),
    "recvBytesRate": ("net_recv_rate", "B/s"),
    "sendBytesRate": ("net_send_rate", "B/s"),
}


@dataclass(frozen=True)
class ClassMetrics:
    """The metrics of one class (``metric[]`` item): its name/id and values by name."""

    class_name: Any
    class_id: Any
    values: Mapping[str, float]


@dataclass(frozen=True)
class ModelMetrics:
    """``total`` values by name (``accuracy``, ``precision``, ...) and the per-class ones."""

    total: Mapping[str, float] = field(default_factory=dict)
    classes: Tuple[ClassMetrics, ...] = ()


@dataclass(frozen=True)
class SystemMetrics:
    """Resource usage over time: ``series`` by SDK name (see ``SYSTEM_SERIES``)."""

    series: Mapping[str, Tuple[float, ...]] = field(default_factory=dict)
    interval: Optional[float] = None

    def unit(self, name: str) -> str:
        """``%`` or ``B/s`` for a known series, ``""`` otherwise."""
        for sdk_name, unit in SYSTEM_SERIES.values():
            if sdk_name == name:
                return unit
        return ""


@dataclass(frozen=True)
class Metrics:
    """Both metric fields of one version, typed, and ``raw`` as received."""

    model: ModelMetrics
    system: SystemMetrics
    raw: Mapping[str, Any]


def _parsed(value: Any, name: str) -> Any:
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        try:
            return json.loads(text)
        except (ValueError, RecursionError):
            raise ResponseFormatError("not JSON text", field=name) from None
    return value


def _number(value: Any, where: str) -> float:
    if isinstance(value, bool):
        raise ResponseFormatError(f"expected a number, got {value!r}", field=where)
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            raise ResponseFormatError(
                f"expected a number, got {value[:40]!r}", field=where
            ) from None
        if not math.isnan(number):
            return number
    raise ResponseFormatError(f"expected a number, got {type(value).__name__}", field=where)


def _is_list(value: Any) -> bool:
    # A JSON array: a list as decoded, or a record's read-only view of one.
    return isinstance(value, Sequence) and not isinstance(value, (str, bytes))


def _values(value: Any, where: str) -> Dict[str, float]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise ResponseFormatError("expected an object of numbers", field=where)
    return {str(k): _number(v, f"{where}.{k}") for k, v in value.items() if v is not None}


def _object(value: Any, field: str) -> Mapping[str, Any]:
    """``value`` if it is a JSON object; ``None`` reads as an empty one."""
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise ResponseFormatError("expected an object", field=field)
    return value


def _model(value: Any) -> ModelMetrics:
    name = "model_metric_list"
    data = _parsed(value, name)
    if data is None:
        return ModelMetrics()
    data = _object(data, name)
    total_block = _object(data.get("total_metric"), f"{name}.total_metric")
    total = _values(
        total_block.get("total_metric_values"), f"{name}.total_metric.total_metric_values"
    )
    items = data.get("metric")
    items = [] if items is None else items
    if not _is_list(items):
        raise ResponseFormatError("expected a list", field=f"{name}.metric")
    classes = []
    for index, item in enumerate(items):
        where = f"{name}.metric[{index}]"
        if not isinstance(item, Mapping):  # None is no item
            raise ResponseFormatError("expected an object", field=where)
        meta = _object(item.get("metric_meta"), f"{where}.metric_meta")
        values = _values(item.get("metric_values"), f"{where}.metric_values")
        classes.append(ClassMetrics(meta.get("class_name"), meta.get("class_id"), values))
    return ModelMetrics(total, tuple(classes))


def _system(value: Any) -> SystemMetrics:
    name = "system_metric_list"
    data = _parsed(value, name)
    if data is None:
        return SystemMetrics()
    data = _object(data, name)
    series: Dict[str, Tuple[float, ...]] = {}
    interval: Optional[float] = None
    for key, points in data.items():
        if key == "interval":
            interval = None if points is None else _number(points, f"{name}.interval")
            continue
        if points is None:
            continue
        if not _is_list(points):
            raise ResponseFormatError("expected a list of numbers", field=f"{name}.{key}")
        sdk_name = SYSTEM_SERIES.get(key, (key, ""))[0]
        series[sdk_name] = tuple(
            _number(point, f"{name}.{key}[{index}]") for index, point in enumerate(points)
        )
    return SystemMetrics(series, interval)


def parse_metrics(model_metric_list: Any, system_metric_list: Any) -> Metrics:
    """Both fields, from JSON text or objects; ``None``/``""`` are empty metrics."""
    return Metrics(
        _model(model_metric_list),
        _system(system_metric_list),
        {"model_metric_list": model_metric_list, "system_metric_list": system_metric_list},
    )
