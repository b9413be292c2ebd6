"""What the fake's routes see and return, and what its call log holds.

``FakeRequest`` is a request as a route handler (or an ``inject`` predicate)
sees it; a handler returns a ``Reply``. ``Call`` is one entry of
``FakeModelArts.calls``. Path patterns (``/v1/{project_id}/x/{id}``) are shared
by routes, ``inject`` and ``calls_to``. All of it is re-exported by
``modelarts.testing.fake``.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Any, Callable, Dict, Optional, Pattern, Union
from urllib.parse import unquote, urlsplit

from ..transport.base import Request

__all__ = [
    "Call",
    "FakeRequest",
    "Handler",
    "Reply",
    "Target",
    "error_reply",
    "json_reply",
    "matcher",
    "path_regex",
]


class Reply:
    """What a route returns: status, JSON (or raw bytes) body, extra headers."""

    __slots__ = ("status", "body", "headers")

    def __init__(
        self, status: int, body: Any = None, headers: Optional[Dict[str, str]] = None
    ) -> None:
        self.status = status
        self.body = body
        self.headers = headers or {}


def json_reply(body: Any, status: int = 200, **headers: str) -> Reply:
    return Reply(status, body, dict(headers))


def error_reply(status: int, code: str, message: str, *, v1: bool = True) -> Reply:
    """An error body in ModelArts v1 shape (or the gateway's with ``v1=False``)."""
    if v1:
        return Reply(status, {"is_success": False, "error_code": code, "error_message": message})
    return Reply(status, {"error_code": code, "error_msg": message})


class FakeRequest:
    """A request as a route sees it: decoded path parts, query and JSON body."""

    __slots__ = ("request", "method", "path", "query", "params", "identity")

    def __init__(self, request: Request, params: Dict[str, str], identity: str) -> None:
        self.request = request
        self.method = request.method
        self.path = unquote(urlsplit(request.url).path)
        self.query: Dict[str, str] = dict(request.query)  # the package's one query parser
        self.params = params
        self.identity = identity

    def json(self) -> Any:
        """The body as JSON; a route answers 400 itself when this raises ValueError."""
        return json.loads(self.request.body) if self.request.body else None


class Call:
    """One entry of the call log: the request, the answer's status, any injected fault.

    ``status`` is 0 when no answer was sent (an injected ``Disconnect``);
    ``fault`` is the injected fault's name (``"http_503"``, ``"disconnect"``,
    ...) or ``None``; ``at`` is the fake clock's time of the request.
    """

    __slots__ = ("method", "path", "query", "status", "request_id", "identity", "body", "fault",
                 "at")  # fmt: skip

    def __init__(
        self,
        method: str,
        path: str,
        query: Dict[str, str],
        status: int,
        request_id: str,
        identity: str,
        body: bytes,
        fault: Optional[str] = None,
        at: Optional[datetime] = None,
    ) -> None:
        self.method = method
        self.path = path
        self.query = query
        self.status = status
        self.request_id = request_id
        self.identity = identity
        self.body = body
        self.fault = fault
        self.at = at

    def json(self) -> Any:
        """The request body as JSON (``None`` when empty)."""
        return json.loads(self.body) if self.body else None

    def __repr__(self) -> str:
        fault = f" [{self.fault}]" if self.fault else ""
        return f"<Call {self.method} {self.path} -> {self.status}{fault}>"


Handler = Callable[[FakeRequest], Reply]
#: What ``inject`` and ``calls_to`` select: ``"METHOD /path/{param}"``, a path
#: alone (any method), ``"*"`` (everything), or a predicate on ``FakeRequest``.
Target = Union[str, Callable[[FakeRequest], bool], None]


def path_regex(pattern: str) -> Pattern[str]:
    """``/v1/{project_id}/x/{id}`` as a regex: ``{name}`` is one path segment."""
    return re.compile("^" + re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(pattern)) + "/?$")


def matcher(target: Target) -> Callable[[FakeRequest], bool]:
    if target is None or target == "*":
        return lambda request: True
    if callable(target):
        return target
    method, _, pattern = target.strip().rpartition(" ")
    method = method.strip().upper()
    if method not in ("", "*") and not method.isalpha():
        raise ValueError(f"expected 'METHOD /path', a path or '*', got {target!r}")
    regex = None if pattern == "*" else path_regex(pattern)
    return lambda request: (
        (method in ("", "*") or request.method == method)
        and (regex is None or regex.match(request.path) is not None)
    )
