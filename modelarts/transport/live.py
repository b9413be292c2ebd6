"""``Urllib3Transport``: the SDK's real network transport, and its only urllib3 user.

::

    from modelarts.transport import Request, Urllib3Transport

    with Urllib3Transport(timeout=(3.05, 30), verify="/etc/corp-ca.pem") as transport:
        response = transport.send(Request("GET", "https://modelarts.example/v1/x"))

Decisions a caller can rely on:

* **Nothing is retried or redirected here.** The Session retries above the
  transport and signs every attempt afresh; a 3xx comes back as a ``Response``.
* **The URL goes out as written.** The request target (path and query) is
  passed to urllib3 as it stands in ``request.url``; urllib3 leaves a valid
  target alone (what the signer produces: RFC 3986 characters, upper-case
  escapes such as ``%2F`` and ``%7E``). It would upper-case a lower-case escape
  and percent-encode a character that may not appear on the request line (a
  space becomes ``%20``), both of which keep the meaning; a ``%`` that does not
  start an escape would change the meaning of the whole URL, so such a URL is
  refused with ``InvalidArgumentError`` before anything is sent. Through an
  ``http://`` forward proxy the absolute URL is sent, and urllib3 also removes
  ``.``/``..`` path segments there.
* **The body comes back as received.** ``Accept-Encoding`` is whatever the
  request says; when it says nothing, ``identity`` goes on the wire, so servers
  do not compress. A ``Content-Encoding`` the server uses anyway is left
  undecoded, with the header kept, so what callers (and the recorder) see is
  what was on the wire. A body shorter than its ``Content-Length`` is an error
  (``ConnectionLostError``), never a silently short answer. At most
  ``max_body_size`` bytes (64 MiB by default) are read: a ``Content-Length``
  announcing more, or a body without one (read in 64 KiB chunks) growing past
  it, raises ``ResponseTooLargeError`` with the memory used near the limit.
* **Timeouts** default to 10 s to connect and 60 s to read (between bytes of
  the response). Connecting takes milliseconds when the endpoint is reachable;
  10 s still rides out a lost SYN or two (Linux resends after 1 s and 3 s)
  without leaving a caller hanging for the OS default of two minutes.
  ModelArts control-plane calls answer in seconds; a read that is silent for a
  minute is stuck, and the Session's retry policy decides what comes next.
  A read timeout is per read, so a server sending a byte every few seconds
  never trips it: ``total_timeout`` (120 s by default, or less when the
  request's ``TIME_LEFT_EXTENSION`` says its Session's retry deadline is
  nearer) bounds the attempt from start to last byte, headers included. The
  process's one watchdog thread (``urllib3_common.Watchdog``) shuts down the
  socket of an attempt past its time, and the attempt fails with
  ``ReadTimeout`` (``ConnectTimeout`` if nothing had been sent).
* **Connections are pooled** per route: one ``urllib3.PoolManager`` for direct
  connections and one ``ProxyManager`` per proxy URL, each keeping up to
  ``pool_maxsize`` idle connections per host, shared by all threads.
* **Proxies** come from ``proxies=`` when given (the environment is then not
  read at all), else, with ``trust_env=True``, from the environment, read again
  for every request (eight dictionary look-ups) so a changed variable takes
  effect at once. The rules are in ``modelarts.transport.proxies``; a variable
  naming an unusable proxy (``socks5://``, no host) makes ``send`` raise
  ``ConfigurationError``, as a bad ``proxies=`` does at construction. Proxy
  credentials travel only in the ``Proxy-Authorization`` header and never
  appear in a repr or an error message.
* **Closing** releases every pooled connection; ``close()`` may be called any
  number of times. A closed transport refuses to send (``TransportError``):
  silently reopening would hide a Session used after its ``with`` block.
* **Errors**: only ``modelarts.errors`` exceptions leave ``send``, with the
  urllib3 (or OS) exception as ``__cause__``. ``ConnectError`` and its
  subclasses (``ConnectTimeout``, ``TLSError``, ``ProxyError``) mean the request
  never left this process: the transport follows each attempt's progress and
  reports a failure as ``ConnectError`` only while the connection was still
  being opened. Once the request may have been written (a reused keep-alive
  connection that turns out dead included), a failure is ``ReadTimeout``,
  ``ConnectionLostError`` or, for a server rejecting the TLS handshake after it
  finished on our side, ``TLSError``. A timeout while reaching a proxy (TCP or
  its ``CONNECT`` answer) is a ``ConnectTimeout``, not a ``ProxyError``, so
  timeouts are handled alike whatever the route. Invalid arguments and
  settings raise ``ConfigurationError`` subclasses (also ``ValueError``).
"""

from __future__ import annotations

import os
import threading
from typing import Any, Dict, Mapping, Optional

import urllib3
from urllib3 import exceptions as u3

from ..errors import ConfigurationError, InvalidArgumentError, TransportError
from ._options import (
    DEFAULT_MAX_BODY_SIZE,
    DEFAULT_TIMEOUT,
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
from .proxies import (
    PROXY_KEYS,
    basic_proxy_authorization,
    environment_proxies,
    normalize_proxy_url,
    redact_proxy_url,
    select_proxy,
    split_proxy_credentials,
)
from .urllib3_common import (
    ATTEMPT,
    LIBRARY_ERRORS,
    WATCHDOG,
    HTTPPool,
    HTTPSPool,
    UnverifiedHTTPSPool,
    read_body,
    total_timeout_error,
    translate,
)

__all__ = ["DEFAULT_MAX_BODY_SIZE", "DEFAULT_TIMEOUT", "DEFAULT_TOTAL_TIMEOUT", "Urllib3Transport"]


def _scrub(error: TransportError, secrets: "tuple[str, ...]") -> TransportError:
    """``error`` with proxy credentials removed from its message (belt and braces)."""
    message = str(error.args[0]) if error.args else ""
    clean = message
    for secret in secrets:
        if secret:
            clean = clean.replace(secret, "***")
    if clean == message:
        return error
    return type(error)(clean, method=error.method, url=error.url)


# -- the transport ---------------------------------------------------------------


class _Route:
    """A proxy URL split into what urllib3 sees and what it must not."""

    __slots__ = ("url", "display", "headers", "secrets")

    def __init__(self, proxy_url: str) -> None:
        bare, credentials = split_proxy_credentials(proxy_url)
        self.url = bare
        self.display = redact_proxy_url(proxy_url)
        self.headers: Dict[str, str] = {}
        self.secrets: "tuple[str, ...]" = ()
        if credentials is not None:
            self.headers["Proxy-Authorization"] = basic_proxy_authorization(credentials)
            userinfo = proxy_url.partition("://")[2].rpartition("@")[0]
            self.secrets = tuple(
                s for s in (userinfo, credentials[1], userinfo.partition(":")[2]) if len(s) >= 3
            )


class Urllib3Transport(Transport):
    """Sends requests over HTTP(S) with urllib3, pooling connections per route.

    ``timeout``: seconds (float) for both phases, or a ``(connect, read)`` pair
    where ``None`` means no limit; default ``DEFAULT_TIMEOUT`` = (10, 60).
    ``verify``: ``True`` checks certificates against the system's trust store,
    a path names a CA bundle file (or an OpenSSL hashed directory) to trust
    instead, ``False``
    turns checking off (no warning is printed: that was the caller's choice).
    ``cert``: a client certificate file (with its key inside) or a
    ``(certificate, key)`` pair, for mutual TLS. ``proxies``: a mapping with
    keys from ``http``, ``https``, ``all``, ``no_proxy`` that replaces the
    environment's proxy settings entirely (``{}`` means always direct);
    ``trust_env=False`` ignores the environment's proxy variables.
    ``pool_maxsize``: connections kept per host; more concurrent requests still
    run, on extra connections closed after use (urllib3 logs "Connection pool
    is full" for each), so size it to the number of threads sharing the
    transport. ``user_agent``: sent when a request has no ``User-Agent``.
    ``total_timeout``: seconds one request may take in all, from sending to
    the last byte of the body (default ``DEFAULT_TOTAL_TIMEOUT`` = 120; ``None``
    for no limit); a Session shortens it to what its retry deadline leaves.
    ``max_body_size``: bytes of response body read at most (default
    ``DEFAULT_MAX_BODY_SIZE`` = 64 MiB; ``None`` for no limit); a longer body
    raises ``ResponseTooLargeError``.
    """

    def __init__(
        self,
        timeout: TimeoutInput = None,
        *,
        verify: VerifyInput = True,
        cert: CertInput = None,
        proxies: Optional[Mapping[str, Optional[str]]] = None,
        trust_env: bool = True,
        pool_maxsize: int = 10,
        user_agent: Optional[str] = None,
        total_timeout: Optional[float] = DEFAULT_TOTAL_TIMEOUT,
        max_body_size: Optional[int] = DEFAULT_MAX_BODY_SIZE,
    ) -> None:
        self.timeout = timeout_pair(timeout)
        self.total_timeout = total_seconds(total_timeout)
        self.max_body_size = body_limit(max_body_size)
        self.verify = verify_setting(verify)
        self.cert = cert_setting(cert)
        if isinstance(pool_maxsize, bool) or not isinstance(pool_maxsize, int) or pool_maxsize < 1:
            raise ConfigurationError(f"pool_maxsize must be a positive int, got {pool_maxsize!r}")
        self.pool_maxsize = pool_maxsize
        self.trust_env = bool(trust_env)
        self.user_agent = user_agent or USER_AGENT
        self._proxies = self._check_proxies(proxies)
        self._lock = threading.Lock()
        self._closed = False
        self._routes: Dict[str, _Route] = {}
        self._proxy_managers: Dict[str, urllib3.PoolManager] = {}
        self._direct = self._new_manager(None)

    # -- configuration ----------------------------------------------------------

    @staticmethod
    def _check_proxies(
        proxies: Optional[Mapping[str, Optional[str]]],
    ) -> Optional[Dict[str, str]]:
        if proxies is None:
            return None
        if not isinstance(proxies, Mapping):
            raise ConfigurationError(f"proxies must be a mapping, got {type(proxies).__name__}")
        checked: Dict[str, str] = {}
        for key, value in proxies.items():
            name = str(key).lower()
            if name not in PROXY_KEYS:
                raise ConfigurationError(
                    f"unknown proxies key {key!r}; valid keys: {', '.join(PROXY_KEYS)}"
                )
            if value is None or value == "":
                continue
            if not isinstance(value, str):
                raise ConfigurationError(f"proxies[{key!r}] must be a str or None")
            checked[name] = value if name == "no_proxy" else normalize_proxy_url(value)
        return checked

    def _pool_kwargs(self) -> Dict[str, Any]:
        connect, read = self.timeout
        kwargs: Dict[str, Any] = {
            "maxsize": self.pool_maxsize,
            "block": False,
            "retries": False,
            "timeout": urllib3.Timeout(connect=connect, read=read),
        }
        if self.verify is False:
            kwargs.update(cert_reqs="CERT_NONE", assert_hostname=False)
        else:
            kwargs["cert_reqs"] = "CERT_REQUIRED"
            if isinstance(self.verify, str):
                key = "ca_cert_dir" if os.path.isdir(self.verify) else "ca_certs"
                kwargs[key] = self.verify
        if self.cert is not None:
            kwargs["cert_file"], kwargs["key_file"] = self.cert
        return kwargs

    def _new_manager(self, route: Optional[_Route]) -> urllib3.PoolManager:
        manager: urllib3.PoolManager
        if route is None:
            manager = urllib3.PoolManager(**self._pool_kwargs())
        else:
            manager = urllib3.ProxyManager(
                route.url, proxy_headers=route.headers, **self._pool_kwargs()
            )
        manager.pool_classes_by_scheme = {
            "http": HTTPPool,
            "https": HTTPSPool if self.verify is not False else UnverifiedHTTPSPool,
        }
        return manager

    def _proxy_url(self, url: str) -> Optional[str]:
        if self._proxies is not None:
            return select_proxy(url, self._proxies)
        if self.trust_env:
            return select_proxy(url, environment_proxies(os.environ))
        return None

    # -- sending ------------------------------------------------------------------

    def send(self, request: Request) -> Response:
        """Send ``request`` once and return the response, whatever its status."""
        method, url = request.method, request.url
        target = check_request(request)
        proxy_url = self._proxy_url(url)
        with self._lock:
            if self._closed:
                raise TransportError("the transport is closed", method=method, url=url)
            route: Optional[_Route] = None
            manager: urllib3.PoolManager = self._direct
            if proxy_url is not None:
                route = self._routes.get(proxy_url)
                if route is None:
                    route = self._routes[proxy_url] = _Route(proxy_url)
                    self._proxy_managers[proxy_url] = self._new_manager(route)
                manager = self._proxy_managers[proxy_url]
            try:
                pool = manager.connection_from_url(url)
            except u3.LocationValueError as exc:
                raise InvalidArgumentError(f"invalid URL {url!r}: {exc}") from exc
        forward = route is not None and request.scheme.lower() == "http"
        wire_target = url.split("#", 1)[0] if forward else target
        headers = dict(request.headers.items())
        if "user-agent" not in request.headers:
            headers["User-Agent"] = self.user_agent
        budget = attempt_budget(self.total_timeout, request)
        watch = None if budget is None else WATCHDOG.watch(budget)
        ATTEMPT.reset(watch)
        try:
            raw = pool.urlopen(
                method,
                wire_target,
                body=request.body or None,
                headers=headers,
                retries=False,
                redirect=False,
                assert_same_host=False,
                timeout=self._timeouts(budget),
                preload_content=False,
                decode_content=False,
            )
            body = read_body(
                raw, limit=self.max_body_size, watch=watch, method=method, url=url
            )
        except LIBRARY_ERRORS as exc:
            if watch is not None and watch.expired:
                raise total_timeout_error(
                    watch, method, url, never_sent=ATTEMPT.never_sent
                ) from exc
            error = translate(
                exc,
                never_sent=ATTEMPT.never_sent,
                method=method,
                url=url,
                timeout=self.timeout,
                proxy=route.display if route else None,
            )
            raise _scrub(error, route.secrets if route else ()) from exc
        except ValueError as exc:
            # http.client refuses a header name or value (CR/LF, non-Latin-1)
            # before writing anything; its message quotes the value, which may
            # be a signature or a token, so only the header's name is told.
            raise refused_header(exc, request) from None
        finally:
            ATTEMPT.watch = None
            if watch is not None:
                WATCHDOG.finish(watch)
        response_headers = Headers([(name, raw.headers[name]) for name in raw.headers])
        return Response(raw.status, response_headers, body, request)

    def _timeouts(self, budget: Optional[float]) -> urllib3.Timeout:
        connect, read = within_budget(self.timeout, budget)
        return urllib3.Timeout(connect=connect, read=read)

    # -- lifecycle --------------------------------------------------------------------

    def close(self) -> None:
        """Close every pooled connection. Safe to call more than once."""
        with self._lock:
            self._closed = True
            managers = [self._direct, *self._proxy_managers.values()]
            self._proxy_managers.clear()
            self._routes.clear()
        for manager in managers:
            manager.clear()

    @property
    def closed(self) -> bool:
        return self._closed

    def __repr__(self) -> str:
        connect, read = self.timeout
        if self._proxies is not None:
            proxies = {
                key: value if key == "no_proxy" else redact_proxy_url(value)
                for key, value in self._proxies.items()
            }
            route = f"proxies={proxies!r}"
        else:
            route = f"proxies={'from environment' if self.trust_env else 'none'}"
        with self._lock:
            active = sorted(r.display for r in self._routes.values())
        used = f" proxy_routes={active!r}" if active else ""
        state = " closed" if self._closed else ""
        verify = self.verify if isinstance(self.verify, bool) else repr(self.verify)
        return (
            f"<Urllib3Transport timeout=(connect={connect}, read={read}) verify={verify} "
            f"{route}{used}{state}>"
        )
