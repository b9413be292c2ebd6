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

import abc
import json
import random
import threading
import time
from dataclasses import dataclass, field
from typing import (
    Any,
    Callable,
    Dict,
    List,
    Mapping,
    Optional,
    Sequence,
    Tuple,
    Union,
)

from ..errors import ConnectionLostError
from ..transport.base import Request, Response
from .server import Abort

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


class FaultContext:
    """What a fault may use: the request, its id, whether it came over HTTP, a sleep."""

    __slots__ = ("request", "request_id", "over_http", "sleep")

    def __init__(
        self,
        request: Request,
        request_id: str,
        over_http: bool,
        sleep: Callable[[float], None],
    ) -> None:
        self.request = request
        self.request_id = request_id
        self.over_http = over_http
        self.sleep = sleep

    def connection_lost(self, what: str) -> Exception:
        """``Abort`` over HTTP; in-process, the error the live transport would raise."""
        if self.over_http:
            return Abort(what)
        return ConnectionLostError(
            f"connection lost: {what} (injected fault)",
            method=self.request.method,
            url=self.request.url,
        )


class Fault(abc.ABC):
    """Base class. ``name`` keys ``fake.faults_injected`` and ``Call.fault``.

    A fault either answers instead of the service (``respond``) or, when
    ``processed``, lets the service handle the request and then spoils its
    answer (``spoil``); a subclass overrides the one it uses.
    """

    #: Whether the fake handles the request (and changes state) before the fault acts.
    processed: bool = False

    @property
    @abc.abstractmethod
    def name(self) -> str:
        """The fault's kind, e.g. ``http_503``."""

    def respond(self, context: FaultContext) -> Response:
        """The answer given instead of the service's (faults that are not ``processed``)."""
        raise TypeError(f"{type(self).__name__} only acts on processed requests (spoil)")

    def spoil(self, response: Response, context: FaultContext) -> Response:
        """Change (or withhold) the service's answer (faults that are ``processed``)."""
        return response

    def answers(self) -> bool:
        """Whether a status line reaches the client (for the call log)."""
        return True


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


Matcher = Callable[[Any], bool]


@dataclass
class Injection:
    """One ``fake.inject(...)`` rule: which requests, which faults, how often.

    With ``times`` it acts on the next ``times`` matching requests; with
    ``rate`` on each matching request with that probability (drawn from
    ``random.Random(seed)``), at most ``times`` times if both are given.
    Several faults take turns (count mode) or are chosen at random (rate mode).
    """

    matcher: Matcher
    faults: Sequence[Fault]
    times: Optional[int] = 1
    rate: Optional[float] = None
    seed: Optional[int] = 0
    description: str = ""
    injected: int = 0
    by_name: Dict[str, int] = field(default_factory=dict)
    cancelled: bool = False
    _random: random.Random = field(init=False, repr=False)

    def __post_init__(self) -> None:
        if not self.faults:
            raise ValueError("inject() needs at least one fault")
        for fault in self.faults:
            if not isinstance(fault, Fault):
                raise TypeError(f"not a Fault: {fault!r}")
        if self.times is not None and self.times < 0:
            raise ValueError("times must be >= 0")
        if self.rate is not None and not 0.0 <= self.rate <= 1.0:
            raise ValueError("rate must be between 0 and 1")
        self._random = random.Random(self.seed)

    @property
    def remaining(self) -> Optional[int]:
        """How many more times it may act (``None``: no limit)."""
        if self.cancelled:
            return 0
        return None if self.times is None else self.times - self.injected

    def cancel(self) -> None:
        self.cancelled = True

    def _draw(self, probe: Any) -> Optional[Fault]:
        if self.remaining == 0 or not self.matcher(probe):
            return None
        if self.rate is not None:
            if self._random.random() >= self.rate:
                return None
            fault = self._random.choice(list(self.faults))
        else:
            fault = self.faults[self.injected % len(self.faults)]
        self.injected += 1
        self.by_name[fault.name] = self.by_name.get(fault.name, 0) + 1
        return fault


class FaultPlan:
    """The fake's injections, consulted once per request (earliest rule first)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._rules: List[Injection] = []
        self._counts: Dict[str, int] = {}

    def add(self, injection: Injection) -> Injection:
        with self._lock:
            self._rules.append(injection)
        return injection

    def draw(self, probe: Any) -> Optional[Fault]:
        with self._lock:
            self._rules = [rule for rule in self._rules if rule.remaining != 0]
            for rule in self._rules:
                fault = rule._draw(probe)
                if fault is not None:
                    self._counts[fault.name] = self._counts.get(fault.name, 0) + 1
                    return fault
        return None

    def clear(self) -> None:
        with self._lock:
            self._rules = []

    @property
    def rules(self) -> List[Injection]:
        with self._lock:
            return [rule for rule in self._rules if rule.remaining != 0]

    @property
    def counts(self) -> Dict[str, int]:
        with self._lock:
            return dict(self._counts)
