"""RequestsTransport: mapped with ``responses`` (which mocks requests), then over real TCP."""

from __future__ import annotations

import importlib
import socket
import ssl
import sys
import threading
from pathlib import Path
from typing import Any, Iterator, List

import pytest
import requests
import requests.adapters
import responses
import trustme
from urllib3 import exceptions as u3

import modelarts.transport
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
)
from modelarts.testing import Abort, LoopbackServer
from modelarts.transport import Request, Response, Transport
from modelarts.transport.requests_transport import MissingDependencyError, RequestsTransport

BASE = "https://modelarts.cn-north-4.example.com"


@pytest.fixture
def mocked() -> Iterator[responses.RequestsMock]:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        yield rsps


@pytest.fixture
def transport() -> Iterator[RequestsTransport]:
    with RequestsTransport(timeout=(5, 5)) as live:
        yield live


# -- mapping, with responses ----------------------------------------------------------


def test_status_headers_and_body_are_mapped(mocked: responses.RequestsMock,
                                            transport: RequestsTransport) -> None:
    body = bytes(range(256))
    mocked.add(responses.POST, f"{BASE}/v1/p/training-jobs", body=body, status=201,
               headers={"X-Request-Id": "req-1"}, content_type="application/json")
    request = Request("POST", f"{BASE}/v1/p/training-jobs", {"X-Auth-Token": "t"}, b'{"a":1}')
    response = transport.send(request)
    assert isinstance(response, Response)
    assert response.status == 201
    assert response.body == body
    assert response.request is request
    assert response.request_id == "req-1"
    assert response.content_type == "application/json"
    sent = mocked.calls[0].request
    assert sent.method == "POST"
    assert sent.body == b'{"a":1}'
    assert sent.headers["X-Auth-Token"] == "t"


@pytest.mark.parametrize(
    "target",
    ["/v1/p/jobs?job_name=a%20b&x=%2B%7E~", "/v1/p%2Fq/%7Eid?empty=&flag", "/v1/x"],
)
def test_the_url_is_sent_byte_for_byte(target: str, mocked: responses.RequestsMock,
                                       transport: RequestsTransport) -> None:
    mocked.add(responses.GET, f"{BASE}{target.split('?')[0]}", body=b"")
    transport.send(Request("GET", BASE + target))
    assert mocked.calls[0].request.url == BASE + target


def test_only_the_requests_own_headers_are_sent(mocked: responses.RequestsMock,
                                                transport: RequestsTransport) -> None:
    mocked.add(responses.GET, f"{BASE}/x", body=b"")
    transport.session.headers["X-Session-Default"] = "leak"
    transport.session.cookies.set("session-cookie", "leak")
    transport.send(Request("GET", f"{BASE}/x", {"X-Sdk-Date": "20240101T000000Z"}))
    headers = mocked.calls[0].request.headers
    assert dict(headers) == {
        "X-Sdk-Date": "20240101T000000Z",
        "User-Agent": headers["User-Agent"],
    }
    assert headers["User-Agent"].startswith("modelarts-python/")


def test_a_compressed_body_is_returned_undecoded(mocked: responses.RequestsMock,
                                                 transport: RequestsTransport) -> None:
    import gzip

    payload = gzip.compress(b'{"is_success": true}')
    mocked.add(responses.GET, f"{BASE}/gz", body=payload, headers={"Content-Encoding": "gzip"})
    response = transport.send(Request("GET", f"{BASE}/gz", {"Accept-Encoding": "gzip"}))
    assert response.body == payload
    assert response.headers["Content-Encoding"] == "gzip"


def test_redirects_are_not_followed(mocked: responses.RequestsMock,
                                    transport: RequestsTransport) -> None:
    mocked.add(responses.POST, f"{BASE}/a", status=307, headers={"Location": f"{BASE}/b"})
    mocked.add(responses.POST, f"{BASE}/b", body=b"followed")
    response = transport.send(Request("POST", f"{BASE}/a", body=b"{}"))
    assert response.status == 307
    assert len(mocked.calls) == 1


def _refused() -> requests.ConnectionError:
    reason = u3.NewConnectionError(None, "Failed to establish a new connection: refused")  # type: ignore[arg-type]
    return requests.ConnectionError(u3.MaxRetryError(None, "/x", reason))  # type: ignore[arg-type]


def _tls(inner: Exception) -> requests.exceptions.SSLError:
    return requests.exceptions.SSLError(u3.MaxRetryError(None, "/x", u3.SSLError(inner)))  # type: ignore[arg-type]


def _proxy(inner: Exception) -> requests.exceptions.ProxyError:
    return requests.exceptions.ProxyError(
        u3.MaxRetryError(None, "/x", u3.ProxyError("Unable to connect to proxy", inner)))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("raised", "expected"),
    [
        (requests.exceptions.ConnectTimeout("connect timed out"), ConnectTimeout),
        (requests.exceptions.ReadTimeout("read timed out"), ReadTimeout),
        (_refused(), ConnectError),
        (requests.ConnectionError(u3.ProtocolError(
            "Connection aborted.", ConnectionResetError(104, "reset"))), ConnectionLostError),
        (requests.ConnectionError("anything else"), ConnectionLostError),
        (requests.ConnectionError(u3.ReadTimeoutError(None, "/x", "Read timed out.")),  # type: ignore[arg-type]
         ReadTimeout),
        (requests.ConnectionError(u3.ClosedPoolError(None, "Pool is closed.")),  # type: ignore[arg-type]
         TransportError),
        (_proxy(OSError("Tunnel connection failed: 407 Proxy Authentication Required")),
         ProxyError),
        (_proxy(u3.ConnectTimeoutError(None, "timed out")), ConnectTimeout),
        (_tls(ssl.SSLCertVerificationError(1, "certificate verify failed")), TLSError),
        (_tls(ssl.SSLEOFError(8, "EOF occurred in violation of protocol")),
         ConnectionLostError),
        (requests.exceptions.ChunkedEncodingError("broken"), ConnectionLostError),
        (requests.exceptions.RetryError("retries"), TransportError),
        (requests.exceptions.InvalidHeader("bad header"), InvalidArgumentError),
    ],
)
def test_errors_are_translated(raised: Exception, expected: "type[Exception]",
                               mocked: responses.RequestsMock,
                               transport: RequestsTransport) -> None:
    url = f"{BASE}/v1/p/training-jobs"
    mocked.add(responses.POST, url, body=raised)
    with pytest.raises(expected) as caught:
        transport.send(Request("POST", url, body=b"{}"))
    assert type(caught.value) is expected
    assert caught.value.__cause__ is raised
    if isinstance(caught.value, TransportError):
        assert (caught.value.method, caught.value.url) == ("POST", url)
        assert str(caught.value).endswith(f"(POST {url})")


def test_proxy_credentials_never_reach_the_message(mocked: responses.RequestsMock,
                                                   transport: RequestsTransport) -> None:
    leaky = requests.exceptions.ProxyError(
        "Cannot connect to proxy http://user:Sup3r-secret@proxy:3128 (refused)")
    mocked.add(responses.GET, f"{BASE}/x", body=leaky)
    with pytest.raises(ProxyError) as caught:
        transport.send(Request("GET", f"{BASE}/x"))
    assert "Sup3r-secret" not in str(caught.value)
    assert "***@proxy:3128" in str(caught.value)


# -- construction and lifecycle -----------------------------------------------------


class _CountingAdapter(requests.adapters.HTTPAdapter):
    sent: List[str] = []

    def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any
             ) -> requests.Response:
        self.sent.append(str(request.url))
        return super().send(request, *args, **kwargs)


def test_a_given_session_is_used_and_left_open(mocked: responses.RequestsMock) -> None:
    session = requests.Session()
    session.mount("https://", _CountingAdapter())
    mocked.add(responses.GET, f"{BASE}/x", body=b"ok")
    transport = RequestsTransport(session)
    assert transport.session is session
    assert transport.send(Request("GET", f"{BASE}/x?a=%7E")).body == b"ok"
    assert _CountingAdapter.sent == [f"{BASE}/x?a=%7E"]
    closed: List[bool] = []
    session.close = lambda: closed.append(True)  # type: ignore[method-assign]
    transport.close()
    transport.close()
    assert closed == []
    assert "given session" in repr(transport)


def test_an_own_session_is_closed_once_and_sending_stops() -> None:
    transport = RequestsTransport()
    closed: List[bool] = []
    original = transport.session.close
    transport.session.close = lambda: (closed.append(True), original())[-1]  # type: ignore[method-assign]
    with transport as entered:
        assert entered is transport
        assert isinstance(transport, Transport)
    transport.close()
    assert closed == [True]
    assert transport.closed
    with pytest.raises(TransportError, match="closed"):
        transport.send(Request("GET", f"{BASE}/x"))
    assert "own session" in repr(transport) and "closed" in repr(transport)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"timeout": 0},
        {"timeout": (1, 2, 3)},
        {"verify": "/nonexistent/ca.pem"},
        {"cert": "/nonexistent/cert.pem"},
        {"session": object()},
    ],
)
def test_bad_settings_fail_at_construction(kwargs: "dict[str, object]") -> None:
    with pytest.raises(ConfigurationError):
        RequestsTransport(**kwargs)  # type: ignore[arg-type]


def test_invalid_requests_are_refused_before_sending(mocked: responses.RequestsMock,
                                                     transport: RequestsTransport) -> None:
    for method, url in [("GE T", f"{BASE}/"), ("GET", "ftp://h/"), ("GET", f"{BASE}/100%")]:
        with pytest.raises(InvalidArgumentError):
            transport.send(Request(method, url))
    assert len(mocked.calls) == 0


def test_repr_shows_settings() -> None:
    with RequestsTransport(timeout=(3, 30), verify=False) as transport:
        assert repr(transport) == (
            "<RequestsTransport timeout=(connect=3.0, read=30.0) verify=False own session>")


# -- the optional dependency ----------------------------------------------------------


def test_missing_requests_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "requests", None)  # makes `import requests` fail
    monkeypatch.delitem(sys.modules, "modelarts.transport.requests_transport")
    monkeypatch.delitem(vars(modelarts.transport), "RequestsTransport", raising=False)
    monkeypatch.delitem(vars(modelarts.transport), "requests_transport", raising=False)
    with pytest.raises(ImportError, match=r"pip install 'modelarts\[requests\]'") as caught:
        _ = modelarts.transport.RequestsTransport
    assert isinstance(caught.value, ConfigurationError)
    assert type(caught.value).__name__ == "MissingDependencyError"


def test_the_lazy_export_is_this_class() -> None:
    module = importlib.import_module("modelarts.transport.requests_transport")
    assert modelarts.transport.RequestsTransport is module.RequestsTransport
    assert issubclass(MissingDependencyError, ImportError)


# -- over real TCP ----------------------------------------------------------------------


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_against_a_real_server() -> None:
    seen: List[Request] = []
    release = threading.Event()

    def app(request: Request) -> Response:
        seen.append(request)
        if request.path == "/reset":
            raise Abort()
        if request.path == "/short":
            return Response(200, {"Content-Length": "50"}, b"part")
        if request.path == "/slow":
            release.wait(10)
            raise Abort()
        return Response(200, {"X-Target": request.target}, request.body)

    target = "/v1/p%2Fq/jobs?job_name=a%20b&x=%2B%7E~"
    with LoopbackServer(app) as server, RequestsTransport(timeout=(5, 0.3)) as transport:
        for _ in range(5):
            response = transport.send(Request("PUT", server.url + target, body=b"\x00\xff"))
            assert (response.status, response.body) == (200, b"\x00\xff")
            assert response.headers["X-Target"] == target
        assert seen[0].target == target  # requests alone would have sent ~ for %7E
        assert server.connections_accepted == 1  # keep-alive: the body read released it
        with pytest.raises(ConnectionLostError):
            transport.send(Request("POST", f"{server.url}/reset", body=b"{}"))
        with pytest.raises(ConnectionLostError, match="IncompleteRead"):
            transport.send(Request("GET", f"{server.url}/short"))
        try:
            with pytest.raises(ReadTimeout):
                transport.send(Request("GET", f"{server.url}/slow"))
        finally:
            release.set()
    with RequestsTransport(timeout=5) as transport, pytest.raises(ConnectError) as caught:
        transport.send(Request("GET", f"http://127.0.0.1:{_closed_port()}/"))
    assert type(caught.value) is ConnectError


def test_tls_verification_against_a_real_server(tmp_path: Path) -> None:
    ca = trustme.CA()
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(context)
    ca_file = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    with LoopbackServer(lambda request: Response(200, {}, b"tls"), ssl_context=context) as server:
        with RequestsTransport(timeout=5) as transport, pytest.raises(TLSError):
            transport.send(Request("GET", server.url))
        with RequestsTransport(timeout=5, verify=ca_file) as transport:
            assert transport.send(Request("GET", server.url)).body == b"tls"
        with RequestsTransport(timeout=5, verify=False) as transport:
            for _ in range(2):  # urllib3 would warn on each; filterwarnings=error
                assert transport.send(Request("GET", server.url)).body == b"tls"


def test_https_to_a_plain_port_never_sent_is_a_tls_error() -> None:
    seen: List[Request] = []

    def app(request: Request) -> Response:
        seen.append(request)
        return Response(200)

    with LoopbackServer(app) as plain, RequestsTransport(timeout=5) as transport, \
            pytest.raises(TLSError):
        transport.send(Request("POST", plain.url.replace("http://", "https://"), body=b"{}"))
    assert seen == []
