"""Urllib3Transport over real TCP against LoopbackServer on 127.0.0.1."""

from __future__ import annotations

import gzip
import logging
import socket
import threading
import time
from typing import Callable, Iterator, List, Tuple

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from urllib3 import exceptions as u3

from modelarts.errors import (
    ConfigurationError,
    ConnectError,
    ConnectionLostError,
    ConnectTimeout,
    InvalidArgumentError,
    ProxyError,
    ReadTimeout,
    TLSError,
    TransportError,
    TransportTimeout,
)
from modelarts.testing import Abort, LoopbackServer
from modelarts.transport import Request, Response, Transport, Urllib3Transport
from modelarts.transport.live import DEFAULT_TIMEOUT
from modelarts.transport.urllib3_common import translate

Seen = List[Request]


@pytest.fixture
def seen() -> Seen:
    return []


@pytest.fixture
def serve(seen: Seen) -> Iterator[Callable[..., LoopbackServer]]:
    """Start a LoopbackServer for an app; every request it gets lands in ``seen``."""
    servers: List[LoopbackServer] = []

    def start(app: Callable[[Request], Response]) -> LoopbackServer:
        def recording(request: Request) -> Response:
            seen.append(request)
            return app(request)

        server = LoopbackServer(recording).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


def _echo(request: Request) -> Response:
    return Response(200, {"X-Method": request.method, "X-Target": request.target}, request.body)


@pytest.fixture
def echo(serve: Callable[..., LoopbackServer]) -> LoopbackServer:
    return serve(_echo)


@pytest.fixture
def transport() -> Iterator[Urllib3Transport]:
    with Urllib3Transport(timeout=(5, 5)) as live:
        yield live


def _closed_port() -> int:
    """A loopback port nobody listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# -- round trips ---------------------------------------------------------------

BINARY = bytes(range(256)) * 4


@pytest.mark.parametrize("method", ["GET", "POST", "PUT", "DELETE", "PATCH"])
def test_round_trip_of_bytes(method: str, echo: LoopbackServer, seen: Seen,
                             transport: Urllib3Transport) -> None:
    body = b"" if method == "GET" else BINARY
    request = Request(method, f"{echo.url}/v1/p/jobs?x=1", {"X-Custom": "yes"}, body)
    response = transport.send(request)
    assert isinstance(response, Response)
    assert response.status == 200
    assert response.body == body
    assert response.request is request
    assert response.headers["x-method"] == method
    assert response.headers["Content-Length"] == str(len(body))
    (received,) = seen
    assert received.method == method
    assert received.body == body
    assert received.headers["X-Custom"] == "yes"


def test_get_without_body_sends_no_length_but_empty_post_sends_zero(
        echo: LoopbackServer, seen: Seen, transport: Urllib3Transport) -> None:
    transport.send(Request("GET", echo.url))
    transport.send(Request("POST", echo.url))
    assert "Content-Length" not in seen[0].headers
    assert seen[1].headers["Content-Length"] == "0"


def test_every_status_is_a_response_and_redirects_are_not_followed(
        serve: Callable[..., LoopbackServer], seen: Seen, transport: Urllib3Transport) -> None:
    statuses = iter([302, 404, 503])

    def app(request: Request) -> Response:
        status = next(statuses)
        return Response(status, {"Location": "/elsewhere", "Retry-After": "1"}, b"{}")

    server = serve(app)
    for expected in (302, 404, 503):
        response = transport.send(Request("POST", f"{server.url}/x", body=b"{}"))
        assert response.status == expected
        assert response.headers["Location"] == "/elsewhere"
    # One request per send: no redirect followed, no 503 retried.
    assert [r.target for r in seen] == ["/x", "/x", "/x"]


def test_default_headers_user_agent_and_identity_encoding(
        echo: LoopbackServer, seen: Seen) -> None:
    with Urllib3Transport() as live:
        live.send(Request("GET", echo.url))
        live.send(Request("GET", echo.url, {"User-Agent": "mine/1.0"}))
    with Urllib3Transport(user_agent="custom-agent/2") as live:
        live.send(Request("GET", echo.url))
    assert seen[0].headers["User-Agent"].startswith("modelarts-python/")
    assert seen[0].headers["Accept-Encoding"] == "identity"
    assert seen[1].headers["User-Agent"] == "mine/1.0"
    assert seen[2].headers["User-Agent"] == "custom-agent/2"


def test_a_compressed_body_comes_back_as_received(
        serve: Callable[..., LoopbackServer], seen: Seen, transport: Urllib3Transport) -> None:
    payload = gzip.compress(b'{"is_success": true}')
    server = serve(lambda request: Response(200, {"Content-Encoding": "gzip"}, payload))
    response = transport.send(Request("GET", server.url, {"Accept-Encoding": "gzip"}))
    assert seen[0].headers["Accept-Encoding"] == "gzip"
    assert response.headers["Content-Encoding"] == "gzip"
    assert response.body == payload


def test_repeated_response_headers_are_joined(
        serve: Callable[..., LoopbackServer], transport: Urllib3Transport) -> None:
    server = serve(lambda request: Response(200, [("X-Multi", "a"), ("Date", "d")]))
    assert transport.send(Request("GET", server.url)).headers["x-multi"] == "a"


# -- the URL on the wire ---------------------------------------------------------------

WIRE_TARGETS = [
    "/v1/p%2Fq/jobs?job_name=a%20b&x=%2B%7E~",
    "/v1/%7Eid~/x?empty=&flag&a=1&a=2",
    "/a:b@c/!$&'()*+,;=?q=/?:@!$'()*+,;=",
    "/space%20and%25percent?v=%E4%B8%AD",
    "/",
]


@pytest.mark.parametrize("target", WIRE_TARGETS)
def test_path_and_query_go_out_byte_for_byte(
        target: str, echo: LoopbackServer, seen: Seen, transport: Urllib3Transport) -> None:
    url = echo.url + target
    transport.send(Request("GET", url))
    assert seen[0].url == url
    assert seen[0].target == target


_PCHAR = st.sampled_from(list("abcXYZ019-._~!$&'()*+,;=:@")) | st.builds(
    "%{:02X}".format, st.integers(0, 255))
_SEGMENT = st.lists(_PCHAR, min_size=1, max_size=6).map("".join)
_QUERY = st.lists(_PCHAR | st.sampled_from(["/", "?"]), max_size=12).map("".join)


@pytest.fixture(scope="module")
def shared_echo() -> Iterator[Tuple[LoopbackServer, Urllib3Transport, Seen]]:
    """One server and transport for every Hypothesis example (starting one costs 50 ms)."""
    received: Seen = []

    def app(request: Request) -> Response:
        received.append(request)
        return Response(204)

    with LoopbackServer(app) as server, Urllib3Transport(timeout=5) as live:
        yield server, live, received


@settings(max_examples=60)
@given(segments=st.lists(_SEGMENT, min_size=1, max_size=4), query=_QUERY)
def test_any_valid_target_goes_out_unchanged(
        shared_echo: Tuple[LoopbackServer, Urllib3Transport, Seen],
        segments: List[str], query: str) -> None:
    server, live, received = shared_echo
    target = "/" + "/".join(segments) + (f"?{query}" if query else "")
    received.clear()
    live.send(Request("GET", server.url + target))
    assert received[0].target == target


def test_a_fragment_is_not_sent(echo: LoopbackServer, seen: Seen,
                                transport: Urllib3Transport) -> None:
    transport.send(Request("GET", f"{echo.url}/x?a=1#part"))
    assert seen[0].target == "/x?a=1"


@pytest.mark.parametrize(
    ("method", "url", "headers", "match"),
    [
        ("GE T", "http://127.0.0.1:1/", {}, "method"),
        ("GET", "ftp://127.0.0.1:1/", {}, "scheme"),
        ("GET", "http:///nohost", {}, "host"),
        ("GET", "http://127.0.0.1:99999/", {}, "host"),
        ("GET", "http://127.0.0.1:1/100%", {}, "escape"),
        ("GET", "http://127.0.0.1:1/x?a=%zz", {}, "escape"),
    ],
)
def test_invalid_requests_are_refused_before_sending(
        method: str, url: str, headers: "dict[str, str]", match: str,
        transport: Urllib3Transport) -> None:
    with pytest.raises(InvalidArgumentError, match=match) as caught:
        transport.send(Request(method, url, headers))
    assert isinstance(caught.value, ValueError)


def test_an_invalid_header_value_is_refused_and_nothing_reaches_the_server(
        echo: LoopbackServer, seen: Seen, transport: Urllib3Transport) -> None:
    with pytest.raises(InvalidArgumentError):
        transport.send(Request("GET", echo.url, {"X-Bad": "a\r\nInjected: yes"}))
    assert seen == []


# -- pooling ------------------------------------------------------------------------


def test_sequential_calls_reuse_one_connection(echo: LoopbackServer,
                                               transport: Urllib3Transport) -> None:
    for index in range(20):
        method = ("GET", "POST", "PUT", "DELETE")[index % 4]
        transport.send(Request(method, f"{echo.url}/{index}", body=b"x" * index))
    assert echo.requests_handled == 20
    assert echo.connections_accepted == 1


def test_threads_share_a_bounded_number_of_connections(
        echo: LoopbackServer, caplog: pytest.LogCaptureFixture) -> None:
    threads, calls = 8, 10
    errors: List[BaseException] = []
    start = threading.Barrier(threads)
    caplog.set_level(logging.DEBUG, logger="urllib3")

    with Urllib3Transport(timeout=5, pool_maxsize=threads) as live:
        def work(index: int) -> None:
            try:
                start.wait(timeout=5)
                for call in range(calls):
                    body = f"{index}-{call}".encode()
                    assert live.send(Request("POST", echo.url, body=body)).body == body
            except BaseException as exc:  # reported below, in the test's thread
                errors.append(exc)

        workers = [threading.Thread(target=work, args=(i,)) for i in range(threads)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(timeout=30)
    assert errors == []
    assert echo.requests_handled == threads * calls
    assert 1 <= echo.connections_accepted <= threads
    assert not [r for r in caplog.records if "pool is full" in r.getMessage()]


def test_a_connection_the_server_closed_while_idle_is_replaced(
        echo: LoopbackServer, transport: Urllib3Transport) -> None:
    assert transport.send(Request("GET", echo.url)).status == 200
    echo.drop_connections()
    assert transport.send(Request("GET", echo.url)).status == 200
    assert echo.connections_accepted == 2


# -- failures -----------------------------------------------------------------------


def test_connection_refused_is_a_connect_error(transport: Urllib3Transport) -> None:
    url = f"http://127.0.0.1:{_closed_port()}/v1/x"
    with pytest.raises(ConnectError) as caught:
        transport.send(Request("POST", url, body=b"{}"))
    error = caught.value
    assert type(error) is ConnectError
    assert (error.method, error.url) == ("POST", url)
    assert f"POST {url}" in str(error)
    assert "refused" in str(error).lower()
    assert isinstance(error.__cause__, u3.NewConnectionError)


def test_read_timeout(serve: Callable[..., LoopbackServer]) -> None:
    release = threading.Event()

    def slow(request: Request) -> Response:
        release.wait(10)
        raise Abort()  # the client has gone; writing to it would only log a broken pipe

    server = serve(slow)
    started = time.monotonic()
    try:
        with Urllib3Transport(timeout=(5, 0.2)) as live, pytest.raises(ReadTimeout) as caught:
            live.send(Request("GET", f"{server.url}/slow"))
    finally:
        release.set()
    assert time.monotonic() - started < 5
    error = caught.value
    assert isinstance(error, TimeoutError)
    assert isinstance(error, TransportTimeout)
    assert not isinstance(error, ConnectError)
    assert "0.2" in str(error)
    assert f"GET {server.url}/slow" in str(error)


def _full_backlog() -> Tuple[socket.socket, List[socket.socket]]:
    """A listener whose accept queue is full, so a further connect hangs (Linux)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    fillers: List[socket.socket] = []
    for _ in range(16):
        filler = socket.socket()
        filler.settimeout(0.3)
        try:
            filler.connect(listener.getsockname())
        except (socket.timeout, OSError):
            filler.close()
            return listener, fillers
        fillers.append(filler)
    for sock in [listener, *fillers]:
        sock.close()
    pytest.skip("this OS queues every connection; no connect timeout to provoke")


def test_connect_timeout_against_a_full_backlog() -> None:
    listener, fillers = _full_backlog()
    port = listener.getsockname()[1]
    started = time.monotonic()
    try:
        with Urllib3Transport(timeout=(0.3, 5)) as live, pytest.raises(ConnectTimeout) as caught:
            live.send(Request("POST", f"http://127.0.0.1:{port}/", body=b"x"))
    finally:
        for sock in [listener, *fillers]:
            sock.close()
    assert time.monotonic() - started < 5
    assert isinstance(caught.value, TimeoutError)
    assert isinstance(caught.value, ConnectError)  # never sent: safe to resend


def test_reset_before_the_response_is_connection_lost(
        serve: Callable[..., LoopbackServer], transport: Urllib3Transport) -> None:
    def app(request: Request) -> Response:
        raise Abort()

    server = serve(app)
    with pytest.raises(ConnectionLostError) as caught:
        transport.send(Request("POST", f"{server.url}/jobs", body=b"{}"))
    assert not isinstance(caught.value, ConnectError)
    assert f"POST {server.url}/jobs" in str(caught.value)
    assert server.requests_handled == 1  # and not resent


def test_reset_on_a_reused_keep_alive_connection_is_not_a_connect_error(
        serve: Callable[..., LoopbackServer], transport: Urllib3Transport) -> None:
    calls = iter([Response(200, body=b"first"), None])

    def app(request: Request) -> Response:
        response = next(calls)
        if response is None:
            raise Abort()
        return response

    server = serve(app)
    assert transport.send(Request("GET", server.url)).body == b"first"
    with pytest.raises(ConnectionLostError) as caught:
        transport.send(Request("POST", server.url, body=b"{}"))
    assert not isinstance(caught.value, ConnectError)
    assert server.connections_accepted == 1  # the failure was on the reused connection


def test_truncated_body_is_connection_lost(serve: Callable[..., LoopbackServer],
                                           transport: Urllib3Transport) -> None:
    def app(request: Request) -> Response:
        if request.path == "/short":
            return Response(200, {"Content-Length": "100"}, b"only part")
        return Response(200, body=b"whole")

    server = serve(app)
    with pytest.raises(ConnectionLostError, match="IncompleteRead") as caught:
        transport.send(Request("GET", f"{server.url}/short"))
    assert f"GET {server.url}/short" in str(caught.value)
    # The broken connection was discarded: the next call works, on a new one.
    assert transport.send(Request("GET", server.url)).body == b"whole"
    assert server.connections_accepted == 2


# -- translation of errors that loopback cannot produce honestly ------------------------


@pytest.mark.parametrize(
    ("exc", "never_sent", "expected"),
    [
        (u3.ConnectTimeoutError(None, "timed out"), True, ConnectTimeout),
        (u3.NewConnectionError(None, "refused"), True, ConnectError),  # type: ignore[arg-type]
        (u3.NameResolutionError("h", None, socket.gaierror(-2, "unknown")), True,  # type: ignore[arg-type]
         ConnectError),
        (u3.ReadTimeoutError(None, "/", "tls handshake"), True, ConnectTimeout),  # type: ignore[arg-type]
        (u3.ReadTimeoutError(None, "/", "read"), False, ReadTimeout),  # type: ignore[arg-type]
        (u3.SSLError("bad cert"), True, TLSError),
        (u3.SSLError("bad record mac"), False, ConnectionLostError),
        (u3.ProtocolError("Connection aborted.", ConnectionResetError(104, "reset")), True,
         ConnectError),
        (u3.ProtocolError("Connection aborted.", ConnectionResetError(104, "reset")), False,
         ConnectionLostError),
        (u3.ProtocolError("aborted", TimeoutError("write timed out")), False, ReadTimeout),
        (u3.ProxyError("Unable to connect to proxy", OSError("Tunnel connection failed: 407")),
         True, ProxyError),
        (u3.ProxyError("Unable to connect to proxy",
                       u3.ConnectTimeoutError(None, "timed out")), True, ConnectTimeout),
        (u3.ProxyError("Unable to connect to proxy",
                       u3.NewConnectionError(None, "refused")), True, ProxyError),  # type: ignore[arg-type]
        (u3.ClosedPoolError(None, "closed"), True, TransportError),  # type: ignore[arg-type]
        (u3.DecodeError("odd"), False, TransportError),
        (OSError(5, "I/O error"), False, ConnectionLostError),
    ],
)
def test_translation_table(exc: BaseException, never_sent: bool,
                           expected: "type[TransportError]") -> None:
    error = translate(exc, never_sent=never_sent, method="DELETE", url="https://h/x",
                       timeout=(1.5, 7.0), proxy="http://***@proxy:3128" if isinstance(
                           exc, u3.ProxyError) else None)
    assert type(error) is expected
    assert (error.method, error.url) == ("DELETE", "https://h/x")
    assert str(error).endswith("(DELETE https://h/x)")


def test_a_tls_alert_rejecting_our_certificate_after_sending_is_a_tls_error() -> None:
    import ssl

    alert = ssl.SSLError(1, "[SSL: TLSV13_ALERT_CERTIFICATE_REQUIRED] alert")
    alert.reason = "TLSV13_ALERT_CERTIFICATE_REQUIRED"  # type: ignore[misc]
    error = translate(u3.SSLError(alert), never_sent=False, method="GET", url="https://h/",
                       timeout=DEFAULT_TIMEOUT)
    assert type(error) is TLSError


# -- configuration --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("timeout", "expected"),
    [
        (None, (10.0, 60.0)),
        (5, (5.0, 5.0)),
        (2.5, (2.5, 2.5)),
        ((1, 30), (1.0, 30.0)),
        ([3.05, None], (3.05, None)),
        ((None, None), (None, None)),
    ],
)
def test_timeout_forms(timeout: object, expected: object) -> None:
    with Urllib3Transport(timeout) as live:  # type: ignore[arg-type]
        assert live.timeout == expected
    assert DEFAULT_TIMEOUT == (10.0, 60.0)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"timeout": 0},
        {"timeout": -1},
        {"timeout": float("nan")},
        {"timeout": float("inf")},
        {"timeout": "5"},
        {"timeout": True},
        {"timeout": (1,)},
        {"timeout": (1, 2, 3)},
        {"timeout": (1, "x")},
        {"verify": "/nonexistent/ca.pem"},
        {"verify": 1},
        {"verify": ""},
        {"cert": "/nonexistent/client.pem"},
        {"cert": ("/nonexistent/c.pem",)},
        {"cert": 5},
        {"pool_maxsize": 0},
        {"pool_maxsize": True},
        {"proxies": {"ftp": "http://p:1"}},
        {"proxies": {"https": "socks5://p:1080"}},
        {"proxies": {"https": "http://p:notaport"}},
        {"proxies": {"https": 3128}},
        {"proxies": ["http://p:1"]},
    ],
)
def test_bad_settings_fail_at_construction(kwargs: "dict[str, object]") -> None:
    with pytest.raises(ConfigurationError) as caught:
        Urllib3Transport(**kwargs)  # type: ignore[arg-type]
    assert isinstance(caught.value, ValueError)


def test_close_is_idempotent_and_a_closed_transport_refuses(
        echo: LoopbackServer) -> None:
    live = Urllib3Transport()
    assert live.send(Request("GET", echo.url)).status == 200
    assert not live.closed
    live.close()
    live.close()
    assert live.closed
    with pytest.raises(TransportError, match="closed") as caught:
        live.send(Request("GET", echo.url))
    assert not isinstance(caught.value, ConnectError)
    assert echo.requests_handled == 1
    assert "closed" in repr(live)


def test_close_while_another_thread_sends(serve: Callable[..., LoopbackServer]) -> None:
    entered, release = threading.Event(), threading.Event()

    def app(request: Request) -> Response:
        entered.set()
        release.wait(10)
        return Response(200, body=b"late but whole")

    server = serve(app)
    live = Urllib3Transport(timeout=5)
    results: List[object] = []
    worker = threading.Thread(
        target=lambda: results.append(live.send(Request("GET", server.url)).body))
    worker.start()
    assert entered.wait(10)
    live.close()  # must neither block on nor break the request in flight
    release.set()
    worker.join(10)
    assert results == [b"late but whole"]
    with pytest.raises(TransportError, match="closed"):
        live.send(Request("GET", server.url))


def test_close_releases_the_pooled_connections() -> None:
    # A hand-written server, to watch the connection itself: after close() the
    # idle keep-alive connection must be closed from the client side.
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        port = listener.getsockname()[1]
        live = Urllib3Transport(timeout=5)
        accepted: List[socket.socket] = []

        def serve_one() -> None:
            conn, _ = listener.accept()
            accepted.append(conn)
            conn.settimeout(5)
            data = b""
            while b"\r\n\r\n" not in data:
                data += conn.recv(4096)
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")

        server = threading.Thread(target=serve_one)
        server.start()
        assert live.send(Request("GET", f"http://127.0.0.1:{port}/")).body == b"ok"
        server.join(5)
        (conn,) = accepted
        with conn:
            live.close()
            assert conn.recv(1) == b""  # EOF: the client closed its pooled connection


def test_is_a_transport_and_a_context_manager(echo: LoopbackServer) -> None:
    with Urllib3Transport() as live:
        assert isinstance(live, Transport)
    assert live.closed


def test_repr_shows_timeout_and_routes() -> None:
    with Urllib3Transport((3, 30)) as live:
        assert repr(live) == (
            "<Urllib3Transport timeout=(connect=3.0, read=30.0) verify=True "
            "proxies=from environment>"
        )
    with Urllib3Transport(trust_env=False, verify=False) as live:
        assert "proxies=none" in repr(live)
        assert "verify=False" in repr(live)
