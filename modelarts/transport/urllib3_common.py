"""The urllib3 code both live transports share: attempt tracking and error translation.

``Urllib3Transport`` (``live.py``) builds its pools from these classes, and
``RequestsTransport`` mounts them under requests' adapters, so both know how
far a failed request got (``ATTEMPT``) and translate a failure into the same
``modelarts.errors`` exception (``translate``). This module and ``live.py`` are
the only ones importing urllib3 (``tests/test_package.py`` checks).
"""

from __future__ import annotations

import heapq
import http.client
import itertools
import os
import socket
import ssl
import threading
import time
from typing import TYPE_CHECKING, Any, Dict, List, Optional, Tuple, Type

from urllib3 import exceptions as u3
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

from ..errors import (
    ConnectError,
    ConnectionLostError,
    ConnectTimeout,
    ProxyError,
    ReadTimeout,
    ResponseTooLargeError,
    TLSError,
    TransportError,
)

__all__ = [
    "ATTEMPT",
    "LIBRARY_ERRORS",
    "Attempt",
    "HTTPPool",
    "HTTPSPool",
    "PoolClasses",
    "WATCHDOG",
    "UnverifiedHTTPSPool",
    "Watch",
    "Watchdog",
    "closed_pool",
    "exception_chain",
    "handshake_rejected",
    "read_body",
    "reason_of",
    "refused",
    "timed_out",
    "total_timeout_error",
    "translate",
]

PoolClasses = Dict[str, Type[HTTPConnectionPool]]

LIBRARY_ERRORS = (u3.HTTPError, OSError, http.client.HTTPException)
# -- knowing whether a request can have left ---------------------------------


class Attempt(threading.local):
    """How far the current thread's request got; read when it fails.

    ``engaged`` is set once one of this module's pools takes the request (a
    caller-supplied requests adapter, or a mock, never does); ``connecting``
    while a fresh connection is being opened (TCP, proxy ``CONNECT``, TLS
    handshake); ``writing`` once the request started going out on a
    connection. A failure while connecting, or before writing, proves the
    server never saw the request.
    """

    engaged = False
    connecting = False
    writing = False
    watch: "Optional[Watch]" = None

    def reset(self, watch: "Optional[Watch]" = None) -> None:
        self.engaged = self.connecting = self.writing = False
        self.watch = watch

    @property
    def never_sent(self) -> bool:
        return self.connecting or not self.writing


ATTEMPT = Attempt()


def _start_writing(connection: HTTPConnection) -> None:
    watch = ATTEMPT.watch
    if watch is not None and not watch.attach(connection):
        # The deadline passed while connecting: nothing has been written yet.
        raise socket.timeout("the attempt's total timeout passed before the request was sent")
    ATTEMPT.writing = True


if TYPE_CHECKING:  # what the mixins below are mixed into, for the type checker
    _Connection = HTTPConnection
    _Pool = HTTPConnectionPool
else:
    _Connection = _Pool = object


class _TrackedConnection(_Connection):
    """Marks on ``ATTEMPT`` when a connection is being opened and when writing starts."""

    def connect(self) -> None:
        ATTEMPT.connecting = True
        super().connect()
        ATTEMPT.connecting = False

    def request(self, *args: Any, **kwargs: Any) -> None:
        _start_writing(self)
        super().request(*args, **kwargs)


class _EngagingPool(_Pool):
    """Marks on ``ATTEMPT`` that one of this module's pools took the request."""

    def urlopen(self, *args: Any, **kwargs: Any) -> Any:
        ATTEMPT.engaged = True
        return super().urlopen(*args, **kwargs)


class TrackedHTTPConnection(_TrackedConnection, HTTPConnection):
    pass


class TrackedHTTPSConnection(_TrackedConnection, HTTPSConnection):
    pass


class HTTPPool(_EngagingPool, HTTPConnectionPool):
    ConnectionCls = TrackedHTTPConnection


class HTTPSPool(_EngagingPool, HTTPSConnectionPool):
    ConnectionCls = TrackedHTTPSConnection


class UnverifiedHTTPSPool(HTTPSPool):
    """For ``verify=False``: the user chose not to verify, so no warning per request.

    urllib3 warns (``InsecureRequestWarning``) on every unverified request from
    ``_validate_conn``; filtering warnings instead would change process-wide
    state from many threads at once. This does what the parent does, minus the
    warning.
    """

    def _validate_conn(self, conn: Any) -> None:
        HTTPConnectionPool._validate_conn(self, conn)
        if conn.is_closed:
            conn.connect()


# -- bounding one attempt in time and size ------------------------------------------


class Watch:
    """One attempt's deadline and the connection it writes on (see ``Watchdog``)."""

    __slots__ = ("deadline", "seconds", "connection", "expired", "done", "_lock")

    def __init__(self, seconds: float, lock: threading.Condition) -> None:
        self.seconds = seconds
        self.deadline = time.monotonic() + seconds
        self.connection: Optional[HTTPConnection] = None
        self.expired = False
        self.done = False
        self._lock = lock

    def attach(self, connection: HTTPConnection) -> bool:
        """Note the connection the request goes out on; False if the deadline already passed."""
        with self._lock:
            self.connection = connection
            return not self.expired

    def cut(self) -> None:
        """The deadline passed: shut the connection down, waking a blocked read."""
        if self.done:
            return
        self.expired = True
        sock = getattr(self.connection, "sock", None)
        if sock is not None:
            try:  # socket.socket's own shutdown: an SSLSocket's would drop its TLS state
                socket.socket.shutdown(sock, socket.SHUT_RDWR)
            except OSError:
                pass


class Watchdog:
    """One daemon thread that cuts the connection of any attempt past its deadline.

    A read timeout is per read: a server sending a byte every few seconds (in
    the headers or the body) never trips it. Each attempt registers a ``Watch``
    for its total time; when that passes, the watchdog shuts the socket down,
    so the blocked read returns at once and the attempt fails. The thread
    starts on first use and serves every transport in the process.
    """

    def __init__(self) -> None:
        self._start_afresh()
        # A child process has no watchdog thread, and its lock may have been held
        # by a thread that did not survive the fork.
        os.register_at_fork(after_in_child=self._start_afresh)

    def _start_afresh(self) -> None:
        self._lock = threading.Condition()
        self._heap: List[Tuple[float, int, Watch]] = []
        self._order = itertools.count()
        self._finished = 0
        self._thread: Optional[threading.Thread] = None

    def watch(self, seconds: float) -> Watch:
        watch = Watch(seconds, self._lock)
        with self._lock:
            heapq.heappush(self._heap, (watch.deadline, next(self._order), watch))
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._run, name="modelarts-deadlines", daemon=True
                )
                self._thread.start()
            elif self._heap[0][2] is watch:
                self._lock.notify()
        return watch

    def finish(self, watch: Watch) -> None:
        """The attempt is over (its connection may go back to the pool): never cut it now."""
        with self._lock:
            watch.done = True
            self._finished += 1
            if self._finished > 64 and 2 * self._finished > len(self._heap):
                self._heap = [entry for entry in self._heap if not entry[2].done]
                heapq.heapify(self._heap)
                self._finished = 0

    def _run(self) -> None:
        with self._lock:
            while True:
                while self._heap and self._heap[0][2].done:
                    heapq.heappop(self._heap)
                    self._finished = max(0, self._finished - 1)
                if not self._heap:
                    self._lock.wait()
                    continue
                wait = self._heap[0][0] - time.monotonic()
                if wait > 0:
                    self._lock.wait(wait)
                    continue
                heapq.heappop(self._heap)[2].cut()


#: The process's one watchdog.
WATCHDOG = Watchdog()

_CHUNK = 64 * 1024


def read_body(
    raw: Any, *, limit: Optional[int], watch: Optional[Watch], method: str, url: str
) -> bytes:
    """The body of urllib3 response ``raw`` (never decoded), at most ``limit`` bytes.

    A body whose ``Content-Length`` is within ``limit`` is read at once (never
    more than announced); one without is read a chunk at a time, so that
    memory stays near what was received. A body that would pass ``limit``
    (announced, or found while reading) closes the connection and raises
    ``ResponseTooLargeError``.
    Library errors propagate for the caller to translate.
    """
    declared = (raw.headers.get("Content-Length") or "").strip()
    if declared.isdigit() and raw.headers.get("Transfer-Encoding") is None:
        if limit is not None and int(declared) > limit:
            raw.close()
            raise _too_large(limit, f"announces {int(declared):,} bytes", method, url)
        # Never more than announced (a longer body is cut there, a shorter one
        # an error), so one read is bounded; the watchdog bounds its time.
        return bytes(raw.read(decode_content=False))
    chunks: List[bytes] = []
    size = 0
    while True:
        chunk = raw.read1(_CHUNK, decode_content=False)
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if limit is not None and size > limit:
            raw.close()
            raise _too_large(limit, "passed it", method, url)
        if watch is not None and watch.expired:
            raw.close()
            raise total_timeout_error(watch, method, url, never_sent=False)
        chunks.append(chunk)


def _too_large(limit: int, what: str, method: str, url: str) -> ResponseTooLargeError:
    return ResponseTooLargeError(
        f"the response body {what}, more than max_body_size={limit:,} bytes; reading stopped "
        "(raise max_body_size on the transport if the answer is expected to be this big)",
        limit=limit,
        method=method,
        url=url,
    )


def total_timeout_error(watch: Watch, method: str, url: str, *, never_sent: bool) -> TransportError:
    """The timeout error for an attempt cut by its ``Watch``."""
    kind = ConnectTimeout if never_sent else ReadTimeout
    return kind(
        f"no complete response within {watch.seconds:g}s (the attempt's total time: the "
        "transport's total_timeout or what the retry deadline left)",
        method=method,
        url=url,
    )


# -- translating failures -------------------------------------------------------

# TLS alerts a server sends only while handshaking (RFC 8446 6.2): with TLS 1.3
# the client finishes first and meets a rejected client certificate on its first
# read, after writing the request, yet the server never processed it.
_HANDSHAKE_ALERTS = (
    "ALERT_BAD_CERTIFICATE",
    "ALERT_CERTIFICATE_EXPIRED",
    "ALERT_CERTIFICATE_REQUIRED",
    "ALERT_CERTIFICATE_REVOKED",
    "ALERT_CERTIFICATE_UNKNOWN",
    "ALERT_UNSUPPORTED_CERTIFICATE",
    "ALERT_UNKNOWN_CA",
    "ALERT_HANDSHAKE_FAILURE",
    "ALERT_ACCESS_DENIED",
)


def exception_chain(exc: BaseException) -> "list[BaseException]":
    """``exc`` and every exception it wraps (causes, contexts, wrapped errors)."""
    seen: "list[BaseException]" = []
    todo = [exc]
    while todo:
        current = todo.pop(0)
        if any(current is known for known in seen):
            continue
        seen.append(current)
        # The implicit context counts only where a traceback would show it.
        context = None if current.__suppress_context__ else current.__context__
        nested = [current.__cause__ or context]
        nested += [getattr(current, name, None) for name in ("original_error", "reason")]
        nested += [arg for arg in current.args if isinstance(arg, BaseException)]
        todo += [item for item in nested if isinstance(item, BaseException)]
    return seen


def reason_of(exc: BaseException) -> str:
    """The innermost useful description (``[Errno 111] Connection refused``)."""
    chain = exception_chain(exc)
    for inner in reversed(chain):
        if isinstance(inner, OSError) and str(inner):
            return str(inner)
    for inner in chain:
        if inner.args and isinstance(inner.args[0], str) and inner.args[0]:
            return inner.args[0]
    return str(exc) or type(exc).__name__


def timed_out(exc: BaseException) -> bool:
    """Whether a timeout caused ``exc`` (urllib3's NewConnectionError is a
    ConnectTimeoutError subclass for history's sake, but no timeout)."""
    return any(
        isinstance(inner, (socket.timeout, TimeoutError))
        or (isinstance(inner, u3.TimeoutError) and not isinstance(inner, u3.NewConnectionError))
        for inner in exception_chain(exc)
    )


def handshake_rejected(exc: BaseException) -> bool:
    for inner in exception_chain(exc):
        if isinstance(inner, ssl.SSLCertVerificationError):
            return True
        # ``reason`` is set by the ssl module; an SSLError built elsewhere lacks it.
        reason = getattr(inner, "reason", None) or ""
        if isinstance(inner, ssl.SSLError) and reason.endswith(_HANDSHAKE_ALERTS):
            return True
    return False


def translate(
    exc: BaseException,
    *,
    never_sent: bool,
    method: str,
    url: str,
    timeout: Tuple[Optional[float], Optional[float]],
    proxy: Optional[str] = None,
) -> TransportError:
    """The ``modelarts.errors`` exception for a urllib3 or OS failure.

    ``never_sent`` says whether the request provably never left (see
    ``Attempt``); ``proxy`` is the redacted proxy URL of the route, if any.
    """
    where = {"method": method, "url": url}
    via = f" via proxy {proxy}" if proxy else ""
    reason = reason_of(exc)
    if isinstance(exc, u3.ClosedPoolError):
        return TransportError("the transport is closed", **where)
    if never_sent:
        if isinstance(exc, u3.ProxyError) or (proxy and isinstance(exc, u3.NewConnectionError)):
            if timed_out(exc):
                return ConnectTimeout(
                    f"timed out reaching proxy {proxy} (connect timeout {timeout[0]}s)", **where
                )
            return ProxyError(f"proxy {proxy} failed: {reason}", **where)
        if isinstance(exc, u3.NameResolutionError):
            return ConnectError(f"cannot resolve host{via}: {reason}", **where)
        if isinstance(exc, u3.NewConnectionError):
            return ConnectError(f"cannot connect{via}: {reason}", **where)
        if isinstance(exc, u3.SSLError):
            return TLSError(f"TLS handshake failed{via}: {reason}", **where)
        if timed_out(exc):
            return ConnectTimeout(f"connection not established within {timeout[0]}s{via}", **where)
        return ConnectError(
            f"connection failed before the request was sent{via}: {reason}", **where
        )
    if isinstance(exc, u3.ReadTimeoutError) or timed_out(exc):
        return ReadTimeout(f"no response within the read timeout of {timeout[1]}s", **where)
    if handshake_rejected(exc):
        return TLSError(f"the server rejected the TLS handshake{via}: {reason}", **where)
    if isinstance(
        exc, (u3.ProtocolError, u3.SSLError, u3.ProxyError, OSError, http.client.HTTPException)
    ):
        return ConnectionLostError(
            f"connection lost after the request was sent{via}: {reason}", **where
        )
    return TransportError(f"{type(exc).__name__}: {reason}", **where)


def refused(exc: BaseException) -> bool:
    """Whether the TCP connection was never opened (refused, or the name did not resolve)."""
    return any(
        isinstance(inner, (u3.NewConnectionError, u3.NameResolutionError))
        for inner in exception_chain(exc)
    )


def closed_pool(exc: BaseException) -> bool:
    """Whether ``exc`` comes from a pool that was closed (the transport is closed)."""
    return any(isinstance(inner, u3.ClosedPoolError) for inner in exception_chain(exc))
