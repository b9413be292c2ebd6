"""One DEBUG line per request a Session sends, with nothing secret in it.

::

    modelarts.session DEBUG GET /v1/{project_id}/training-jobs -> 200 in 84.1 ms
        (request id 90af71..., attempt 1)

The target and any failure are scrubbed by the Session's ``Redactor``; headers
and bodies are never logged. With DEBUG off a request costs one level check.
"""

from __future__ import annotations

import logging

from .clock import Clock
from .errors import TransportError
from .redaction import Redactor
from .transport.base import Request, Response, Transport

__all__ = ["RequestLog"]

logger = logging.getLogger("modelarts.session")


class RequestLog:
    """Sends through ``transport``, logging each request and its outcome at DEBUG."""

    def __init__(self, transport: Transport, redactor: Redactor, clock: Clock) -> None:
        self.transport = transport
        self._redactor = redactor
        self._clock = clock

    def send(self, request: Request, attempt: int) -> Response:
        if not logger.isEnabledFor(logging.DEBUG):
            return self.transport.send(request)
        begun = self._clock.monotonic()
        target = self._redactor.scrub(request.target)
        try:
            response = self.transport.send(request)
        except TransportError as exc:
            logger.debug(
                "%s %s failed after %.1f ms (attempt %d): %s",
                request.method,
                target,
                (self._clock.monotonic() - begun) * 1000,
                attempt,
                self._redactor.scrub(f"{type(exc).__name__}: {exc}"),
            )
            raise
        logger.debug(
            "%s %s -> %d in %.1f ms (request id %s, attempt %d)",
            request.method,
            target,
            response.status,
            (self._clock.monotonic() - begun) * 1000,
            response.request_id or "none",
            attempt,
        )
        return response
