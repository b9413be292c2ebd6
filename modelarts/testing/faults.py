"""Faults a real cloud produces, injected into ``FakeModelArts`` on purpose.

::

    from modelarts.testing import FakeModelArts, faults

    fake = FakeModelArts()
    fake.inject("GET /v1/{project_id}/training-jobs/{job_id}/versions", faults.gateway_error(503))
    fake.inject("POST /v1/{project_id}/training-jobs", faults.Disconnect(processed=True))
    fake.inject("*", [faults.throttled(2), faults.Disconnect()], rate=0.05, seed=7)
    ...
    fake.faults_injected          # {"http_503": 1, "disconnect": 1, "http_429": 12, ...}
    [call.fault for call in fake.calls if call.fault]

A fault is a small immutable value. Most answer *instead of* the service, so
the request has no effect (``ErrorStatus`` and its helpers ``gateway_error``,
``throttled`` and ``server_error``; ``Failure``; ``NotJSON``; ``Disconnect()``).
The others let the fake handle the request first, so its effect happens
(a job is created, a version stopped) and then spoil the answer:
``Truncated``, ``Delay`` and ``Disconnect(processed=True)``. Those are the
cases where a client must not blindly resend a POST.

Two faults need a socket to be what they are, and in-process they raise what
the live transport raises for them: ``Disconnect`` (a TCP reset over HTTP)
and ``Truncated`` (a ``Content-Length`` larger than the body, then the
connection closes) both raise ``modelarts.errors.ConnectionLostError`` when the
fake is called directly as a transport.

``Delay(seconds)`` waits on the fake's clock (instant with a ``FakeClock``,
which moves time on; real with the default system clock);
``Delay(seconds, real=True)`` always waits for real with ``time.sleep``, which
is what tests of the live transport's read timeout need (serve over HTTP and
give the transport a read timeout shorter than the delay). The fake handles
the request before the delay: a timed-out POST may have happened.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any, Mapping, Optional, Tuple, Union

from ..transport.base import Response
from ._fault_plan import Fault, FaultContext, Injection
from ._fault_plan import FaultPlan as FaultPlan
from ._fault_plan import Matcher as Matcher

__all__ = [
    "Delay",
    "Disconnect",
    "ErrorStatus",
    "Failure",
    "Fault",
    "FaultContext",
    "Injection",
    "NotJSON",
    "Truncated",
    "gateway_error",
    "server_error",
    "throttled",
]

_JSON = "application/json;charset=UTF-8"


def _json_bytes(body: Any) -> bytes:
    return json.dumps(body, ensure_ascii=False).encode("utf-8")


@dataclass(frozen=True)
class ErrorStatus(Fault):
    """Answer with ``status`` and ``body``; a JSON body's ``request_id`` key gets the id."""

    status: int
    body: Union[bytes, Mapping[str, Any]] = b""
    headers: Tuple[Tuple[str, str], ...] = ()
    content_type: str = _JSON

    @property
    def name(self) -> str:
        return f"http_{self.status}"

    def respond(self, context: FaultContext) -> Response:
        if isinstance(self.body, bytes):
            data = self.body
        else:
            body = dict(self.body)
            if "request_id" in body:
                body["request_id"] = context.request_id
            data = _json_bytes(body)
        headers = {"Content-Type": self.content_type} if data else {}
        headers.update(self.headers)
        return Response(self.status, headers, data, context.request)


_GATEWAY_TITLES = {
    502: "502 Bad Gateway",
    503: "503 Service Temporarily Unavailable",
    504: "504 Gateway Time-out",
}


def gateway_error(status: int = 503) -> ErrorStatus:
    """The HTML page a load balancer in front of the service answers with."""
    title = _GATEWAY_TITLES.get(status, f"{status} Error")
    page = (
        f"<html>\r\n<head><title>{title}</title></head>\r\n<body>\r\n"
        f"<center><h1>{title}</h1></center>\r\n<hr><center>nginx</center>\r\n"
        "</body>\r\n</html>\r\n"
    )
    return ErrorStatus(status, page.encode("ascii"), content_type="text/html")


def throttled(retry_after: Optional[float] = 1) -> ErrorStatus:
    """429 from API Gateway's flow control, with ``Retry-After`` (seconds) unless None."""
    headers: Tuple[Tuple[str, str], ...] = ()
    if retry_after is not None:
        seconds = int(retry_after) if float(retry_after).is_integer() else retry_after
        headers = (("Retry-After", str(seconds)),)
    body = {
        "error_code": "APIGW.0308",
        "error_msg": "The throttling threshold has been reached: policy user over ratelimit,"
        "limit:100,time:1 minute",
        "request_id": "",
    }
    return ErrorStatus(429, body, headers)


def server_error(
    status: int = 500, code: str = "ModelArts.0010", message: str = "Internal server error."
) -> ErrorStatus:
    """A v1 JSON error with a 5xx status (``ModelArts.0010``, internal error, by default)."""
    return ErrorStatus(status, {"is_success": False, "error_code": code, "error_message": message})


@dataclass(frozen=True)
class Failure(Fault):
    """HTTP ``status`` (200 by default) with ``is_success: false``: v1's quiet failure."""

    code: str = "ModelArts.0105"
    message: str = "Error string"
    status: int = 200

    @property
    def name(self) -> str:
        return "is_success_false"

    def respond(self, context: FaultContext) -> Response:
        body = {"is_success": False, "error_message": self.message, "error_code": self.code}
        return Response(self.status, {"Content-Type": _JSON}, _json_bytes(body), context.request)


_LOGIN_PAGE = (
    b'<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>Huawei Cloud</title></head>'
    b'<body><div id="app">Loading...</div></body></html>\n'
)


@dataclass(frozen=True)
class NotJSON(Fault):
    """A success status whose body is not JSON (a portal page, by default)."""

    body: bytes = _LOGIN_PAGE
    content_type: str = "text/html;charset=UTF-8"
    status: int = 200

    @property
    def name(self) -> str:
        return "not_json"

    def respond(self, context: FaultContext) -> Response:
        headers = {"Content-Type": self.content_type}
        return Response(self.status, headers, self.body, context.request)


@dataclass(frozen=True)
class Truncated(Fault):
    """The real answer, cut to ``keep`` of its body under the full ``Content-Length``."""

    keep: float = 0.5
    processed = True  # a class attribute, not a field

    @property
    def name(self) -> str:
        return "truncated"

    def spoil(self, response: Response, context: FaultContext) -> Response:
        if not context.over_http:
            raise context.connection_lost(
                f"response body truncated after {int(len(response.body) * self.keep)} of "
                f"{len(response.body)} bytes"
            )
        cut = response.body[: int(len(response.body) * self.keep)]
        headers = response.headers.merged({"Content-Length": str(len(response.body))})
        return Response(response.status, headers, cut, response.request)


@dataclass(frozen=True)
class Delay(Fault):
    """Answer normally, ``seconds`` late: on the fake's clock, or for real with ``real``."""

    seconds: float
    real: bool = False
    processed = True  # a class attribute, not a field

    @property
    def name(self) -> str:
        return "delay"

    def spoil(self, response: Response, context: FaultContext) -> Response:
        if self.real:
            time.sleep(self.seconds)
        else:
            context.sleep(self.seconds)
        return response


@dataclass(frozen=True)
class Disconnect(Fault):
    """Close the connection without an answer (a TCP reset).

    ``processed=True`` handles the request first (its effect happens), as when
    a server dies after committing.
    """

    processed: bool = False

    @property
    def name(self) -> str:
        return "disconnect"

    def answers(self) -> bool:
        return False

    def respond(self, context: FaultContext) -> Response:
        raise context.connection_lost("connection reset by peer")

    def spoil(self, response: Response, context: FaultContext) -> Response:
        raise context.connection_lost("connection reset by peer after the request was handled")
