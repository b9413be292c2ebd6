"""Proxy selection from the environment (pure), and Urllib3Transport through a real proxy.

The live half runs a tiny forward proxy on 127.0.0.1 that speaks absolute-form
requests (``GET http://host/path``) and ``CONNECT`` tunnels, and counts what it
sees; the target servers are on 127.0.0.1 too, so "went through the proxy" is
told from "went direct" by the proxy's counters.
"""

from __future__ import annotations

import doctest
import http.client
import ipaddress
import selectors
import socket
import socketserver
import ssl
import threading
from http.server import BaseHTTPRequestHandler
from typing import Any, Dict, Iterator, List, Optional, Set, Tuple
from urllib.parse import urlsplit

import pytest
import trustme

from modelarts.errors import ConfigurationError, ConnectTimeout, ProxyError, TLSError
from modelarts.testing import LoopbackServer
from modelarts.transport import Request, Response, Urllib3Transport, proxies
from modelarts.transport.proxies import (
    NoProxyRule,
    basic_proxy_authorization,
    bypasses_proxy,
    environment_proxies,
    normalize_proxy_url,
    parse_no_proxy,
    proxy_for,
    redact_proxy_url,
    select_proxy,
    split_proxy_credentials,
)

# -- environment resolution (pure) --------------------------------------------------

P = "http://proxy.corp:3128"
Q = "http://other.corp:8080"


@pytest.mark.parametrize(
    ("env", "url", "expected"),
    [
        ({}, "https://h/x", None),
        ({"HTTPS_PROXY": P}, "https://h/x", P),
        ({"https_proxy": P}, "https://h/x", P),
        ({"HTTPS_PROXY": P}, "http://h/x", None),
        ({"HTTP_PROXY": P}, "http://h/x", P),
        ({"http_proxy": P}, "http://h/x", P),
        ({"HTTP_PROXY": P}, "https://h/x", None),
        # lower case wins when both are set
        ({"HTTPS_PROXY": Q, "https_proxy": P}, "https://h/x", P),
        ({"HTTP_PROXY": Q, "http_proxy": P}, "http://h/x", P),
        # ... even set to "": that switches the scheme's proxy off
        ({"HTTPS_PROXY": Q, "https_proxy": ""}, "https://h/x", None),
        # an empty upper-case value is no proxy
        ({"HTTPS_PROXY": ""}, "https://h/x", None),
        ({"HTTPS_PROXY": "   "}, "https://h/x", None),
        # ALL_PROXY is the fallback for either scheme; the scheme's own wins
        ({"ALL_PROXY": Q}, "https://h/x", Q),
        ({"all_proxy": Q}, "http://h/x", Q),
        ({"ALL_PROXY": Q, "HTTPS_PROXY": P}, "https://h/x", P),
        ({"ALL_PROXY": Q, "https_proxy": ""}, "https://h/x", Q),
        # mixed case is not read (curl reads only lower and upper case)
        ({"Https_Proxy": P}, "https://h/x", None),
        # a scheme-less proxy means http://
        ({"HTTPS_PROXY": "proxy.corp:3128"}, "https://h/x", P),
        ({"HTTPS_PROXY": " proxy.corp:3128 "}, "https://h/x", P),
        ({"HTTPS_PROXY": "https://secure.corp:443"}, "https://h/x", "https://secure.corp:443"),
        # httpoxy: in a CGI process HTTP_PROXY may come from a client header
        ({"HTTP_PROXY": P, "REQUEST_METHOD": "GET"}, "http://h/x", None),
        ({"http_proxy": P, "REQUEST_METHOD": "GET"}, "http://h/x", P),
        ({"HTTPS_PROXY": P, "REQUEST_METHOD": "GET"}, "https://h/x", P),
        # only http and https are proxied
        ({"ALL_PROXY": P}, "ftp://h/x", None),
        # credentials are kept for the caller
        ({"HTTPS_PROXY": "http://u:p%40ss@proxy.corp:3128"}, "https://h/x",
         "http://u:p%40ss@proxy.corp:3128"),
    ],
)
def test_proxy_for(env: Dict[str, str], url: str, expected: Optional[str]) -> None:
    assert proxy_for(url, env) == expected


@pytest.mark.parametrize(
    ("no_proxy", "url", "bypassed"),
    [
        ("*", "https://anything.example/x", True),
        ("a.com, *", "https://b.com/", True),
        ("example.com", "https://example.com/", True),
        ("example.com", "https://api.example.com/", True),
        ("example.com", "https://badexample.com/", False),
        (".example.com", "https://example.com/", True),
        (".example.com", "https://a.b.example.com/", True),
        ("*.example.com", "https://a.example.com/", True),
        ("EXAMPLE.com", "https://Api.Example.COM/", True),
        ("example.com.", "https://example.com/", True),
        ("example.com", "https://example.com.evil/", False),
        ("api.example.com", "https://example.com/", False),
        # ports
        ("example.com:8443", "https://example.com:8443/", True),
        ("example.com:8443", "https://example.com/", False),
        ("example.com:443", "https://example.com/", True),
        ("example.com:80", "http://example.com/", True),
        # IPs and networks
        ("127.0.0.1", "http://127.0.0.1:8080/", True),
        ("127.0.0.1", "http://127.0.0.2/", False),
        ("127.0.0.1:8080", "http://127.0.0.1:8080/", True),
        ("127.0.0.1:8080", "http://127.0.0.1:9090/", False),
        ("10.0.0.0/8", "http://10.200.3.4/", True),
        ("10.0.0.0/8", "http://11.0.0.1/", False),
        ("192.168.1.0/24", "https://192.168.1.77/", True),
        ("192.168.1.0/24", "https://192.168.2.1/", False),
        ("10.1.2.3/8", "http://10.9.9.9/", True),  # host bits are ignored
        ("::1", "http://[::1]:80/", True),
        ("[::1]", "http://[::1]/", True),
        ("[::1]:8080", "http://[::1]:8080/", True),
        ("[::1]:8080", "http://[::1]:9090/", False),
        ("fd00::/8", "http://[fd12::1]/", True),
        ("fd00::/8", "http://10.0.0.1/", False),
        # IP hosts match only IP entries, never as domain suffixes
        ("0.0.1", "http://127.0.0.1/", False),
        ("localhost", "http://127.0.0.1/", False),
        ("127.0.0.1", "http://localhost/", False),
        ("localhost", "http://localhost:8000/", True),
        # lists: blanks, empties and junk entries are skipped
        (" a.com , ,b.com ", "https://b.com/", True),
        ("bad:port, x:99999, [::1, 10.0.0.0/99, *.  , b.com", "https://b.com/", True),
        ("bad:port, x:99999, [::1, 10.0.0.0/99", "https://bad/", False),
        ("", "https://h/", False),
    ],
)
def test_no_proxy(no_proxy: str, url: str, bypassed: bool) -> None:
    env = {"HTTPS_PROXY": P, "HTTP_PROXY": P, "NO_PROXY": no_proxy}
    assert (proxy_for(url, env) is None) is bypassed
    assert (proxy_for(url, {**env, "no_proxy": no_proxy, "NO_PROXY": ""}) is None) is bypassed


def test_no_proxy_lower_case_wins_and_empty_means_none() -> None:
    env = {"HTTPS_PROXY": P, "NO_PROXY": "h", "no_proxy": "other"}
    assert proxy_for("https://h/", env) == P
    assert proxy_for("https://h/", {**env, "no_proxy": ""}) == P
    assert proxy_for("https://h/", {"HTTPS_PROXY": P, "NO_PROXY": "h"}) is None


def test_environment_proxies_collects_the_four_settings() -> None:
    env = {"http_proxy": "a:1", "HTTPS_PROXY": "b:2", "ALL_PROXY": "c:3", "no_proxy": "d",
           "UNRELATED": "x", "FTP_PROXY": "f:4"}
    assert environment_proxies(env) == {
        "http": "a:1", "https": "b:2", "all": "c:3", "no_proxy": "d"}


def test_select_proxy_from_an_explicit_mapping() -> None:
    mapping = {"https": P, "no_proxy": "internal"}
    assert select_proxy("https://h/", mapping) == P
    assert select_proxy("http://h/", mapping) is None
    assert select_proxy("https://a.internal/", mapping) is None
    assert select_proxy("https://h/", {"https": None, "all": Q}) == Q
    assert select_proxy("not a url", {"all": Q}) is None


def test_proxy_for_reads_os_environ_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTPS_PROXY", P)
    assert proxy_for("https://h/") == P
    monkeypatch.setenv("NO_PROXY", "h")
    assert proxy_for("https://h/") is None


def test_a_socks_proxy_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError, match="socks5") as caught:
        proxy_for("https://h/", {"HTTPS_PROXY": "socks5://u:hunter22@p:1080"})
    assert "hunter22" not in str(caught.value)


@pytest.mark.parametrize("bad", ["http://", "http://:3128", "http://h:0", "http://h:99999",
                                 "http://h:port", "http://[::1", "http://h h:1"])
def test_normalize_proxy_url_refuses_broken_urls(bad: str) -> None:
    with pytest.raises(ConfigurationError, match="invalid proxy URL"):
        normalize_proxy_url(bad)


def test_broken_proxy_urls_never_echo_the_password() -> None:
    with pytest.raises(ConfigurationError) as caught:
        normalize_proxy_url("http://user:pa ss-w0rd@proxy:bad")
    assert "w0rd" not in str(caught.value)
    assert caught.value.__cause__ is None and caught.value.__context__ is None


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("http://proxy:3128", "http://proxy:3128"),
        ("http://user:pw@proxy:3128", "http://***@proxy:3128"),
        ("http://user@proxy:3128/", "http://***@proxy:3128/"),
        ("user:pw@proxy:3128", "***@proxy:3128"),
        ("http://user:p/w@x@proxy:3128", "http://***@proxy:3128"),
        ("http://proxy:3128/?next=a@b", "http://proxy:3128/?next=a@b"),
    ],
)
def test_redact_proxy_url(url: str, shown: str) -> None:
    assert redact_proxy_url(url) == shown


def test_split_proxy_credentials_decodes_them() -> None:
    assert split_proxy_credentials("http://proxy:1") == ("http://proxy:1", None)
    assert split_proxy_credentials("http://us%40er:p%3Aw%2F@proxy:1") == (
        "http://proxy:1", ("us@er", "p:w/"))
    assert split_proxy_credentials("http://user@proxy:1") == ("http://proxy:1", ("user", ""))


def test_basic_proxy_authorization() -> None:
    assert basic_proxy_authorization(("Aladdin", "open sesame")) == (
        "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==")
    assert basic_proxy_authorization(("\u00fc", "\u20ac")) == "Basic w7w64oKs"


def test_rules_parse_to_values() -> None:
    assert parse_no_proxy("*,.a.com:81,10.0.0.0/8,::1") == (
        NoProxyRule(wildcard=True),
        NoProxyRule(domain="a.com", port=81),
        NoProxyRule(network=ipaddress.ip_network("10.0.0.0/8")),
        NoProxyRule(address=ipaddress.ip_address("::1")),
    )
    assert bypasses_proxy("a.com", 81, ".a.com:81")
    assert not bypasses_proxy("a.com", 80, ".a.com:81")


def test_module_examples() -> None:
    assert doctest.testmod(proxies).failed == 0


# -- a forward proxy on 127.0.0.1 ------------------------------------------------------


class _ProxyServer(socketserver.ThreadingMixIn, socketserver.TCPServer):
    daemon_threads = True
    allow_reuse_address = True
    block_on_close = False

    def __init__(self, expected_auth: Optional[str]) -> None:
        self.expected_auth = expected_auth
        self.lock = threading.Lock()
        self.connections = 0
        self.seen: List[Tuple[str, str, Optional[str]]] = []
        self.live: Set[socket.socket] = set()
        super().__init__(("127.0.0.1", 0), _ProxyHandler)

    def get_request(self) -> Tuple[socket.socket, Any]:
        sock, address = self.socket.accept()
        with self.lock:
            self.connections += 1
            self.live.add(sock)
        return sock, address

    def record(self, method: str, target: str, auth: Optional[str]) -> None:
        with self.lock:
            self.seen.append((method, target, auth))


class _ProxyHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _ProxyServer
    disable_nagle_algorithm = True
    timeout = 10

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet."""

    def _authorized(self) -> bool:
        auth = self.headers.get("Proxy-Authorization")
        self.server.record(self.command, self.path, auth)
        if self.server.expected_auth is None or auth == self.server.expected_auth:
            return True
        self.send_response(407)
        self.send_header("Proxy-Authenticate", 'Basic realm="test"')
        self.send_header("Content-Length", "0")
        self.end_headers()
        return False

    def do_CONNECT(self) -> None:
        if not self._authorized():
            self.close_connection = True
            return
        host, port = self.path.rsplit(":", 1)
        upstream = socket.create_connection((host, int(port)), timeout=10)
        self.send_response(200, "Connection established")
        self.end_headers()
        self.close_connection = True
        selector = selectors.DefaultSelector()
        selector.register(self.connection, selectors.EVENT_READ, upstream)
        selector.register(upstream, selectors.EVENT_READ, self.connection)
        try:
            while True:
                events = selector.select(timeout=10)
                if not events:
                    return
                for key, _ in events:
                    data = key.fileobj.recv(65536)  # type: ignore[union-attr]
                    if not data:
                        return
                    key.data.sendall(data)
        except OSError:
            return
        finally:
            selector.close()
            upstream.close()

    def _forward(self) -> None:
        if not self._authorized():
            return
        target = urlsplit(self.path)
        assert target.scheme == "http", self.path  # absolute-form only
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        headers = {name: value for name, value in self.headers.items()
                   if name.lower() not in ("proxy-authorization", "connection")}
        upstream = http.client.HTTPConnection(target.hostname or "", target.port, timeout=10)
        try:
            path = target.path + (f"?{target.query}" if target.query else "")
            upstream.request(self.command, path, body=body, headers=headers)
            answer = upstream.getresponse()
            data = answer.read()
        finally:
            upstream.close()
        self.send_response_only(answer.status, answer.reason)
        for name, value in answer.getheaders():
            if name.lower() not in ("content-length", "connection", "transfer-encoding"):
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_PUT = do_DELETE = _forward


class ForwardProxy:
    def __init__(self, expected_auth: Optional[str] = None) -> None:
        self._server = _ProxyServer(expected_auth)
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def connections(self) -> int:
        return self._server.connections

    @property
    def seen(self) -> List[Tuple[str, str, Optional[str]]]:
        return list(self._server.seen)

    def stop(self) -> None:
        self._server.shutdown()
        self._thread.join()
        for sock in list(self._server.live):
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        self._server.server_close()


@pytest.fixture
def proxy() -> Iterator[ForwardProxy]:
    running = ForwardProxy()
    yield running
    running.stop()


@pytest.fixture
def target() -> Iterator[LoopbackServer]:
    def app(request: Request) -> Response:
        return Response(200, {"X-Target": request.target}, b"from target " + request.body)

    with LoopbackServer(app) as server:
        yield server


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_http_proxy_from_the_environment_is_used(
        monkeypatch: pytest.MonkeyPatch, proxy: ForwardProxy, target: LoopbackServer) -> None:
    monkeypatch.setenv("HTTP_PROXY", proxy.url)
    url = f"{target.url}/v1/x?q=%20a%2B~%7E"
    with Urllib3Transport(timeout=5) as live:
        response = live.send(Request("POST", url, body=b"payload"))
    assert response.body == b"from target payload"
    assert response.headers["X-Target"] == "/v1/x?q=%20a%2B~%7E"
    assert proxy.seen == [("POST", url, None)]  # absolute-form, query untouched


def test_no_proxy_bypasses_the_proxy(
        monkeypatch: pytest.MonkeyPatch, proxy: ForwardProxy, target: LoopbackServer) -> None:
    monkeypatch.setenv("HTTP_PROXY", proxy.url)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    with Urllib3Transport(timeout=5) as live:
        assert live.send(Request("GET", target.url)).status == 200
    assert proxy.seen == []
    assert target.requests_handled == 1


def test_the_environment_is_read_for_every_request(
        monkeypatch: pytest.MonkeyPatch, proxy: ForwardProxy, target: LoopbackServer) -> None:
    with Urllib3Transport(timeout=5) as live:
        live.send(Request("GET", target.url))
        monkeypatch.setenv("http_proxy", proxy.url)
        live.send(Request("GET", target.url))
        monkeypatch.setenv("no_proxy", "*")
        live.send(Request("GET", target.url))
    assert len(proxy.seen) == 1
    assert target.requests_handled == 3


def test_the_proxy_connection_is_reused(
        monkeypatch: pytest.MonkeyPatch, proxy: ForwardProxy, target: LoopbackServer) -> None:
    monkeypatch.setenv("HTTP_PROXY", proxy.url)
    with Urllib3Transport(timeout=5) as live:
        for index in range(5):
            assert live.send(Request("GET", f"{target.url}/{index}")).status == 200
    assert len(proxy.seen) == 5
    assert proxy.connections == 1


def test_explicit_proxies_override_the_environment(
        monkeypatch: pytest.MonkeyPatch, proxy: ForwardProxy, target: LoopbackServer) -> None:
    monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{_closed_port()}")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    with Urllib3Transport(timeout=5, proxies={"http": proxy.url}) as live:
        assert live.send(Request("GET", target.url)).status == 200
    assert len(proxy.seen) == 1
    with Urllib3Transport(timeout=5, proxies={"all": proxy.url, "no_proxy": "127.0.0.1"}) as live:
        assert live.send(Request("GET", target.url)).status == 200
    assert len(proxy.seen) == 1


def test_empty_explicit_proxies_mean_direct(
        monkeypatch: pytest.MonkeyPatch, proxy: ForwardProxy, target: LoopbackServer) -> None:
    monkeypatch.setenv("HTTP_PROXY", proxy.url)
    with Urllib3Transport(timeout=5, proxies={}) as live:
        assert live.send(Request("GET", target.url)).status == 200
    assert proxy.seen == []


def test_trust_env_false_ignores_the_environment(
        monkeypatch: pytest.MonkeyPatch, proxy: ForwardProxy, target: LoopbackServer) -> None:
    monkeypatch.setenv("HTTP_PROXY", proxy.url)
    monkeypatch.setenv("ALL_PROXY", proxy.url)
    with Urllib3Transport(timeout=5, trust_env=False) as live:
        assert live.send(Request("GET", target.url)).status == 200
    assert proxy.seen == []


def test_credentials_go_in_proxy_authorization_only() -> None:
    expected = basic_proxy_authorization(("user", "s3cret:pw"))
    authed = ForwardProxy(expected_auth=expected)
    try:
        with LoopbackServer(lambda request: Response(200, {}, repr(
                sorted(request.headers.lower_items())).encode())) as server:
            address = authed.url.replace("http://", "")
            with Urllib3Transport(timeout=5, proxies={
                    "http": f"http://user:s3cret%3Apw@{address}"}) as live:
                response = live.send(Request("GET", server.url))
                assert "s3cret" not in repr(live)
            assert response.status == 200
            assert b"proxy-authorization" not in response.body  # not forwarded upstream
            assert authed.seen[0][2] == expected
    finally:
        authed.stop()


def test_wrong_credentials_give_the_proxys_407_for_http() -> None:
    authed = ForwardProxy(expected_auth="Basic nope")
    try:
        with Urllib3Transport(timeout=5, proxies={"http": authed.url}) as live:
            response = live.send(Request("GET", "http://127.0.0.1:9/"))
        assert response.status == 407
    finally:
        authed.stop()


def _messages(error: BaseException) -> str:
    """Every message in the error's chain, as a user or a log would see them."""
    parts = []
    current: Optional[BaseException] = error
    while current is not None:
        parts += [str(current), repr(current)]
        current = current.__cause__ or current.__context__
    return "\n".join(parts)


def test_an_unreachable_proxy_is_a_proxy_error_without_credentials() -> None:
    proxy_url = f"http://alice:Pa55-w0rd!@127.0.0.1:{_closed_port()}"
    with Urllib3Transport(timeout=5, proxies={"https": proxy_url, "http": proxy_url}) as live:
        for url in ("http://127.0.0.1:9/x", "https://127.0.0.1:9/x"):
            with pytest.raises(ProxyError) as caught:
                live.send(Request("POST", url, body=b"{}"))
            text = _messages(caught.value)
            assert "Pa55-w0rd" not in text
            assert "alice" not in str(caught.value)
            assert "***@127.0.0.1" in str(caught.value)
            assert f"POST {url}" in str(caught.value)
        assert "Pa55-w0rd" not in repr(live)
        assert "***@127.0.0.1" in repr(live)


def test_a_refused_connect_tunnel_is_a_proxy_error_without_credentials() -> None:
    authed = ForwardProxy(expected_auth="Basic something-else")
    try:
        address = authed.url.replace("http://", "")
        with Urllib3Transport(timeout=5, proxies={
                "https": f"http://bob:Hunter2-secret@{address}"}) as live, pytest.raises(
                ProxyError) as caught:
            live.send(Request("POST", "https://127.0.0.1:9/jobs", body=b"{}"))
        assert "407" in str(caught.value)
        assert "Hunter2-secret" not in _messages(caught.value)
    finally:
        authed.stop()


def test_a_proxy_that_never_answers_connect_is_a_connect_timeout() -> None:
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)  # accepts TCP, never says a word
    try:
        proxy_url = f"http://127.0.0.1:{silent.getsockname()[1]}"
        with Urllib3Transport(timeout=(0.2, 5), proxies={"https": proxy_url}) as live, \
                pytest.raises(ConnectTimeout) as caught:
            live.send(Request("POST", "https://127.0.0.1:9/jobs", body=b"{}"))
        assert isinstance(caught.value, TimeoutError)
    finally:
        silent.close()


# -- https through a CONNECT tunnel ----------------------------------------------------


@pytest.fixture
def tls_target(ca: trustme.CA) -> Iterator[LoopbackServer]:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(context)
    with LoopbackServer(lambda request: Response(200, {}, b"tunnelled " + request.body),
                        ssl_context=context) as server:
        yield server


def test_https_goes_through_a_connect_tunnel_and_reuses_it(
        monkeypatch: pytest.MonkeyPatch, proxy: ForwardProxy, tls_target: LoopbackServer,
        ca: trustme.CA, tmp_path: Any) -> None:
    ca_file = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    monkeypatch.setenv("HTTPS_PROXY", proxy.url)
    with Urllib3Transport(timeout=5, verify=str(ca_file)) as live:
        for index in range(4):
            response = live.send(Request("POST", f"{tls_target.url}/{index}", body=b"b"))
            assert response.body == b"tunnelled b"
    assert proxy.seen == [("CONNECT", f"127.0.0.1:{tls_target.port}", None)]
    assert proxy.connections == 1
    assert tls_target.connections_accepted == 1
    assert tls_target.requests_handled == 4


def test_tls_failure_inside_the_tunnel_is_a_tls_error(
        monkeypatch: pytest.MonkeyPatch, proxy: ForwardProxy,
        tls_target: LoopbackServer) -> None:
    monkeypatch.setenv("HTTPS_PROXY", proxy.url)
    with Urllib3Transport(timeout=5) as live, pytest.raises(TLSError) as caught:
        live.send(Request("GET", tls_target.url))
    assert "via proxy" in str(caught.value)
    assert tls_target.requests_handled == 0
