"""``MockTransport``: a transport that answers from a function, for tests and examples.

::

    from modelarts.session import Session
    from modelarts.transport import MockTransport, Request, Response

    seen = []

    def handler(request: Request) -> Response:
        seen.append(request)
        return Response(200, json={"is_success": True, "jobs": []})

    session = Session(access_key="AK", secret_key="SK", project_id="p",
                      region_name="cn-north-4", transport=MockTransport(handler))

The handler may return any status or raise a ``modelarts.errors.TransportError``
to stand for a network failure; the Session treats both as it would from the
network. A response without a ``request`` gets the one it answers.
"""

from __future__ import annotations

from typing import Callable

from .base import Request, Response, Transport

__all__ = ["MockTransport"]


class MockTransport(Transport):
    """Answers every request with ``handler(request)``; ``close()`` does nothing."""

    def __init__(self, handler: Callable[[Request], Response]) -> None:
        self.handler = handler

    def send(self, request: Request) -> Response:
        response = self.handler(request)
        if response.request is None:
            response.request = request
        return response

    def __repr__(self) -> str:
        name = getattr(self.handler, "__qualname__", type(self.handler).__name__)
        return f"<MockTransport {name}>"
