"""Transports: how a prepared request reaches the network (or a recording).

``Transport``, ``Request`` and ``Response`` are the seam (``transport.base``).
The implementations load on first use, so importing this package costs nothing
and ``RequestsTransport`` needs ``requests`` only when it is asked for::

    from modelarts.transport import FixtureTransport, Urllib3Transport
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from .base import Headers, Request, Response, Transport

if TYPE_CHECKING:
    from .fixture import FixtureTransport, RecordingTransport
    from .live import Urllib3Transport
    from .record_modes import RecordMode
    from .requests_transport import RequestsTransport

__all__ = [
    "FixtureTransport",
    "Headers",
    "RecordMode",
    "RecordingTransport",
    "Request",
    "RequestsTransport",
    "Response",
    "Transport",
    "Urllib3Transport",
]

_LAZY = {
    "Urllib3Transport": ".live",
    "RequestsTransport": ".requests_transport",
    "FixtureTransport": ".fixture",
    "RecordingTransport": ".fixture",
    "RecordMode": ".record_modes",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> "list[str]":
    return sorted(set(globals()) | set(__all__))
