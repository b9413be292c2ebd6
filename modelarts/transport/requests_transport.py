"""``RequestsTransport``: ``Urllib3Transport``'s contract on a ``requests.Session``.

For programs that already configure ``requests`` (adapters, proxies, mounted
certificates) and want the SDK to share that setup. Needs the extra::

    pip install 'modelarts[requests]'

    import requests
    from modelarts.transport import RequestsTransport

    session = requests.Session()
    session.proxies = {"https": "http://proxy.corp:3128"}
    transport = RequestsTransport(session, timeout=(3.05, 30))

What it shares with ``Urllib3Transport``: the same argument checks and
defaults (timeouts 10 s connect, 60 s read), no redirects followed, nothing
resent, the URL's path and query sent exactly as in ``request.url`` (requests
would re-quote them, turning ``%7E`` into ``~``; the prepared URL is replaced
by the original), only the request's own headers sent (a ``User-Agent`` added
when missing; none of the Session's default headers, cookies or auth, and so no
``Accept-Encoding: gzip``), the body returned exactly as received (never
decoded), a short body an error, and only ``modelarts.errors`` exceptions.

What comes from the Session: proxies (``session.proxies``, and with
``session.trust_env`` the environment, by requests' own rules), adapters and
their pools, and ``verify``/``cert`` unless given here (requests' default
``verify=True`` trusts the ``certifi`` bundle, not the system store). Not its
default headers, cookies, auth or hooks (a hook reading the body would empty
the response). Mount adapters without retries (requests' default) to keep
"nothing resent" true.

Errors: a Session this transport creates gets requests' default adapters on
``Urllib3Transport``'s connection classes, so failures are classified as
exactly (``ConnectError`` only when the request provably never left; with
``verify=False`` no ``InsecureRequestWarning`` either). With a Session of your
own only requests' exception types tell, and they do not say whether a TLS
failure came before or after the request was written: it is a ``TLSError``
when it is a certificate or handshake rejection, else a
``ConnectionLostError``. ``close()`` closes the Session only if this transport
created it.
"""

from __future__ import annotations

import re
import threading
from typing import Any, Optional, Tuple, Union

from ..errors import (
    ConfigurationError,
    ConnectError,
    ConnectionLostError,
    ConnectTimeout,
    InvalidArgumentError,
    ProxyError,
    ReadTimeout,
    TLSError,
    TransportError,
)
from ._options import (
    DEFAULT_MAX_BODY_SIZE,
    DEFAULT_TOTAL_TIMEOUT,
    USER_AGENT,
    CertInput,
    TimeoutInput,
    VerifyInput,
    attempt_budget,
    body_limit,
    cert_setting,
    check_request,
    refused_header,
    timeout_pair,
    total_seconds,
    verify_setting,
    within_budget,
)
from .base import Headers, Request, Response, Transport
from .urllib3_common import (
    ATTEMPT,
    LIBRARY_ERRORS,
    WATCHDOG,
    HTTPPool,
    HTTPSPool,
    PoolClasses,
    UnverifiedHTTPSPool,
    closed_pool,
    handshake_rejected,
    read_body,
    reason_of,
    refused,
    timed_out,
    total_timeout_error,
    translate,
)

__all__ = ["MissingDependencyError", "RequestsTransport"]


class MissingDependencyError(ConfigurationError, ImportError):
    """An optional dependency is not installed (an ``ImportError`` too)."""


try:
    import requests
    import requests.adapters
    import requests.exceptions as rexc
except ImportError as exc:
    raise MissingDependencyError(
        "RequestsTransport needs the requests library: pip install 'modelarts[requests]'"
    ) from exc

_USERINFO_RE = re.compile(r"(://)[^/@\s]*@")


def _redact(text: str) -> str:
    """Hide ``user:password@`` in any URL quoted by a library message."""
    return _USERINFO_RE.sub(r"\1***@", text)


def _translate_requests(
    exc: BaseException,
    *,
    never_sent: Optional[bool],
    method: str,
    url: str,
    timeout: Tuple[Optional[float], Optional[float]],
) -> Exception:
    """The ``modelarts.errors`` exception for what ``Session.send`` raised.

    ``never_sent`` comes from the connection tracking of this module's own
    adapters, and is ``None`` when they were not involved (a Session of the
    caller's): then only requests' exception types and their causes tell.
    """
    where = {"method": method, "url": url}
    reason = _redact(reason_of(exc))
    if isinstance(exc, rexc.ConnectTimeout) or (never_sent and isinstance(exc, rexc.Timeout)):
        return ConnectTimeout(f"connection not established within {timeout[0]}s", **where)
    if isinstance(exc, rexc.ReadTimeout):
        return ReadTimeout(f"no response within the read timeout of {timeout[1]}s", **where)
    if isinstance(exc, rexc.ProxyError):
        if timed_out(exc):
            return ConnectTimeout(
                f"timed out reaching the proxy (connect timeout {timeout[0]}s)", **where
            )
        return ProxyError(f"proxy failed: {reason}", **where)
    if isinstance(exc, rexc.SSLError):
        if never_sent or handshake_rejected(exc):
            return TLSError(f"TLS handshake failed: {reason}", **where)
        return ConnectionLostError(f"TLS connection failed: {reason}", **where)
    if isinstance(exc, rexc.InvalidHeader):  # its message quotes the value: not shown
        return InvalidArgumentError(
            f"invalid request {method} {url}: a header has a character HTTP does not allow"
        )
    if isinstance(exc, (rexc.InvalidURL, rexc.InvalidSchema, rexc.MissingSchema)):
        return InvalidArgumentError(f"invalid request {method} {url}: {reason}")
    if isinstance(exc, rexc.ConnectionError):
        if closed_pool(exc):
            return TransportError("the transport is closed", **where)
        if refused(exc):  # wrapped in MaxRetryError inside ConnectionError
            return ConnectError(f"cannot connect: {reason}", **where)
        if never_sent:
            return ConnectError(f"connection failed before the request was sent: {reason}", **where)
        if timed_out(exc):
            return ReadTimeout(f"no response within the read timeout of {timeout[1]}s", **where)
        return ConnectionLostError(f"connection lost after the request was sent: {reason}", **where)
    if isinstance(exc, (rexc.ChunkedEncodingError, rexc.ContentDecodingError)):
        return ConnectionLostError(f"connection lost after the request was sent: {reason}", **where)
    if isinstance(exc, rexc.RequestException):  # RetryError, TooManyRedirects, ...
        return TransportError(f"{type(exc).__name__}: {reason}", **where)
    error = translate(exc, never_sent=bool(never_sent), method=method, url=url, timeout=timeout)
    return type(error)(_redact(str(error.args[0])), method=method, url=url)


class _TrackingAdapter(requests.adapters.HTTPAdapter):
    """requests' default adapter on ``Urllib3Transport``'s connection classes.

    They record how far each request got, so errors are classified as exactly
    as ``Urllib3Transport`` does. Mounted only on a Session this module creates.
    """

    pool_classes: PoolClasses = {"http": HTTPPool, "https": HTTPSPool}

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = dict(self.pool_classes)

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> Any:
        manager = super().proxy_manager_for(proxy, **proxy_kwargs)
        if not proxy.lower().startswith("socks"):  # SOCKS pools are classes of their own
            manager.pool_classes_by_scheme = dict(self.pool_classes)
        return manager


class _UnverifiedTrackingAdapter(_TrackingAdapter):
    """For ``verify=False``: no ``InsecureRequestWarning`` per request (the caller chose)."""

    pool_classes = {"http": HTTPPool, "https": UnverifiedHTTPSPool}


class RequestsTransport(Transport):
    """Sends requests through a ``requests.Session`` (``modelarts[requests]`` extra).

    ``session``: the Session to use (a new one when ``None``); ``timeout``:
    seconds or a ``(connect, read)`` pair as for ``Urllib3Transport``;
    ``verify`` / ``cert``: as for ``Urllib3Transport``, or ``None`` to use the
    Session's own settings; ``user_agent``: sent when a request has none;
    ``total_timeout`` and ``max_body_size``: as for ``Urllib3Transport``
    (with a Session of your own, whose adapters this transport cannot watch,
    the total time is checked between chunks of the body only).
    """

    def __init__(
        self,
        session: Optional[requests.Session] = None,
        timeout: TimeoutInput = None,
        *,
        verify: Optional[VerifyInput] = None,
        cert: CertInput = None,
        user_agent: Optional[str] = None,
        total_timeout: Optional[float] = DEFAULT_TOTAL_TIMEOUT,
        max_body_size: Optional[int] = DEFAULT_MAX_BODY_SIZE,
    ) -> None:
        if session is not None and not isinstance(session, requests.Session):
            raise ConfigurationError(
                f"session must be a requests.Session, got {type(session).__name__}"
            )
        self.timeout = timeout_pair(timeout)
        self.total_timeout = total_seconds(total_timeout)
        self.max_body_size = body_limit(max_body_size)
        self.verify: Optional[Union[bool, str]] = None if verify is None else verify_setting(verify)
        self.cert = cert_setting(cert)
        self.user_agent = user_agent or USER_AGENT
        self._owns_session = session is None
        if session is None:
            session = requests.Session()
            adapter = _UnverifiedTrackingAdapter if self.verify is False else _TrackingAdapter
            session.mount("https://", adapter())
            session.mount("http://", adapter())
        self.session = session
        self._lock = threading.Lock()
        self._closed = False

    def _send_options(self, budget: Optional[float]) -> "dict[str, Any]":
        options: "dict[str, Any]" = {
            "timeout": within_budget(self.timeout, budget),
            "allow_redirects": False,
            "stream": True,
        }
        if self.verify is not None:
            options["verify"] = self.verify
        if self.cert is not None:
            options["cert"] = self.cert if self.cert[1] else self.cert[0]
        return options

    def send(self, request: Request) -> Response:
        """Send ``request`` once and return the response, whatever its status."""
        method, url = request.method, request.url
        check_request(request)
        if self._closed:
            raise TransportError("the transport is closed", method=method, url=url)
        headers = dict(request.headers.items())
        if "user-agent" not in request.headers:
            headers["User-Agent"] = self.user_agent
        try:
            prepared = requests.Request(
                method, url, headers=headers, data=request.body or None
            ).prepare()
        except (rexc.RequestException, ValueError) as exc:
            if isinstance(exc, rexc.InvalidHeader) or not isinstance(exc, rexc.RequestException):
                raise refused_header(exc, request) from None  # never quotes a header value
            raise InvalidArgumentError(f"invalid request {method} {url}: {exc}") from exc
        # prepare() re-quotes the URL; the signed one must go out untouched.
        prepared.url = url.split("#", 1)[0]
        budget = attempt_budget(self.total_timeout, request)
        watch = None if budget is None else WATCHDOG.watch(budget)
        ATTEMPT.reset(watch)
        try:
            try:
                raw_response = self.session.send(prepared, **self._send_options(budget))
            except (rexc.RequestException, *LIBRARY_ERRORS) as exc:
                never_sent = ATTEMPT.never_sent if ATTEMPT.engaged else None
                if watch is not None and watch.expired:
                    raise total_timeout_error(
                        watch, method, url, never_sent=bool(never_sent)
                    ) from exc
                raise _translate_requests(
                    exc, never_sent=never_sent, method=method, url=url, timeout=self.timeout
                ) from exc
            except ValueError as exc:  # http.client refused a header (non-Latin-1): nothing sent
                raise refused_header(exc, request) from None
            try:
                # Undecoded, as Urllib3Transport reads; reading to the end hands
                # the connection back to the pool.
                body = read_body(
                    raw_response.raw, limit=self.max_body_size, watch=watch, method=method, url=url
                )
            except LIBRARY_ERRORS as exc:
                raw_response.close()
                if watch is not None and watch.expired:
                    raise total_timeout_error(watch, method, url, never_sent=False) from exc
                error = translate(
                    exc, never_sent=False, method=method, url=url, timeout=self.timeout
                )
                raise type(error)(_redact(str(error.args[0])), method=method, url=url) from exc
        finally:
            ATTEMPT.watch = None
            if watch is not None:
                WATCHDOG.finish(watch)
        response_headers = Headers(list(raw_response.headers.items()))
        return Response(raw_response.status_code, response_headers, body, request)

    def close(self) -> None:
        """Stop sending; close the Session if this transport created it. Idempotent."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
        if self._owns_session:
            self.session.close()

    @property
    def closed(self) -> bool:
        return self._closed

    def __repr__(self) -> str:
        connect, read = self.timeout
        owner = "own session" if self._owns_session else "given session"
        verify = "session" if self.verify is None else self.verify
        state = " closed" if self._closed else ""
        return (
            f"<RequestsTransport timeout=(connect={connect}, read={read}) verify={verify} "
            f"{owner}{state}>"
        )
