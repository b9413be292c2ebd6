"""Transports: how a prepared request reaches the network (or a recording).

``Transport``, ``Request`` and ``Response`` are the seam (``transport.base``).
The implementations load on first use, so importing this package costs nothing
and ``RequestsTransport`` needs ``requests`` only when it is asked for::

    from modelarts.transport import FixtureTransport, MockTransport, Urllib3Transport
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_attributes
from .base import Headers, Request, Response, Transport

if TYPE_CHECKING:
    from .fixture import FixtureTransport, RecordingTransport
    from .live import Urllib3Transport
    from .mock import MockTransport
    from .record_modes import RecordMode
    from .requests_transport import RequestsTransport

__all__ = [
    "FixtureTransport",
    "Headers",
    "MockTransport",
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
    "MockTransport": ".mock",
    "FixtureTransport": ".fixture",
    "RecordingTransport": ".fixture",
    "RecordMode": ".record_modes",
}

__getattr__, __dir__ = lazy_attributes(__name__, _LAZY, __all__)
