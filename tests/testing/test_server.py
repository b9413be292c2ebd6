"""LoopbackServer: a real HTTP(S) server on 127.0.0.1 for apps and Transports.

These tests speak to it with the standard library only (http.client and raw
sockets), so they hold whatever the SDK's own transports do.
"""

from __future__ import annotations

import http.client
import socket
import ssl
import threading
from typing import Iterator, List

import pytest
import trustme

from modelarts.testing import Abort, LoopbackServer
from modelarts.transport import MockTransport, Request, Response


def _echo(request: Request) -> Response:
    return Response(
        200,
        {"Content-Type": "application/octet-stream", "X-Method": request.method,
         "X-Target": request.target},
        request.body,
    )


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    with LoopbackServer(_echo) as running:
        yield running


def _conn(server: LoopbackServer) -> http.client.HTTPConnection:
    return http.client.HTTPConnection(server.host, server.port, timeout=5)


def _client(server: LoopbackServer) -> socket.socket:
    return socket.create_connection((server.host, server.port), timeout=5)


def _recv_all(sock: socket.socket) -> bytes:
    chunks = []
    while True:
        data = sock.recv(65536)
        if not data:
            return b"".join(chunks)
        chunks.append(data)


def test_serves_a_callable_on_loopback(server: LoopbackServer) -> None:
    assert server.host == "127.0.0.1"
    assert server.url == f"http://127.0.0.1:{server.port}"
    assert repr(server) == f"<LoopbackServer {server.url}>"
    conn = _conn(server)
    conn.request("PUT", "/v1/x?a=%20b", body=b"\x00\xffpayload")
    response = conn.getresponse()
    assert response.status == 200
    assert response.read() == b"\x00\xffpayload"
    assert response.getheader("X-Method") == "PUT"
    assert response.getheader("X-Target") == "/v1/x?a=%20b"
    assert response.getheader("Date")
    assert response.getheader("Content-Length") == "9"
    conn.close()


def test_the_app_sees_the_full_request() -> None:
    seen: List[Request] = []

    def app(request: Request) -> Response:
        seen.append(request)
        return Response(204)

    with LoopbackServer(app) as server:
        conn = _conn(server)
        conn.request("POST", "/p%2Fq?x=%7E~", body=b"{}", headers={"X-Custom": "v"})
        assert conn.getresponse().status == 204
        conn.close()
    (request,) = seen
    assert request.method == "POST"
    assert request.url == f"{server.url}/p%2Fq?x=%7E~"
    assert request.headers["x-custom"] == "v"
    assert request.body == b"{}"


def test_serves_a_transport() -> None:
    def upper(request: Request) -> Response:
        return Response(202, {"X-Via": "transport"}, request.body.upper())

    with LoopbackServer(MockTransport(upper)) as server:
        conn = _conn(server)
        conn.request("POST", "/", body=b"abc")
        response = conn.getresponse()
        assert (response.status, response.getheader("X-Via"), response.read()) == (
            202, "transport", b"ABC")
        conn.close()


def test_keep_alive_reuses_one_connection(server: LoopbackServer) -> None:
    conn = _conn(server)
    for index in range(5):
        conn.request("GET", f"/{index}")
        response = conn.getresponse()
        assert response.read() == b""
    conn.close()
    assert server.connections_accepted == 1
    assert server.requests_handled == 5


def test_each_new_client_connection_is_counted(server: LoopbackServer) -> None:
    for _ in range(3):
        conn = _conn(server)
        conn.request("GET", "/")
        conn.getresponse().read()
        conn.close()
    assert server.connections_accepted == 3


def test_connection_close_header_closes_after_the_response() -> None:
    def app(request: Request) -> Response:
        return Response(200, {"Connection": "close"}, b"bye")

    with LoopbackServer(app) as server, _client(server) as sock:
        sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        data = _recv_all(sock)  # returns only because the server closed
    assert data.startswith(b"HTTP/1.1 200")
    assert data.endswith(b"\r\n\r\nbye")


def test_abort_resets_the_connection_without_a_response() -> None:
    def app(request: Request) -> Response:
        raise Abort()

    with LoopbackServer(app) as server:
        with _client(server) as sock:
            sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            with pytest.raises(ConnectionResetError):
                _recv_all(sock)
        assert server.requests_handled == 1


def test_a_declared_length_longer_than_the_body_truncates_and_closes() -> None:
    def app(request: Request) -> Response:
        return Response(200, {"Content-Length": "100"}, b"only-ten!!")

    with LoopbackServer(app) as server, _client(server) as sock:
        sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        data = _recv_all(sock)
    head, _, body = data.partition(b"\r\n\r\n")
    assert b"Content-Length: 100" in head
    assert body == b"only-ten!!"


def test_reads_chunked_request_bodies() -> None:
    seen: List[bytes] = []

    def app(request: Request) -> Response:
        seen.append(request.body)
        return Response(200, body=request.body)

    with LoopbackServer(app) as server:
        conn = _conn(server)
        conn.request("POST", "/", body=iter([b"hello ", b"chunked ", b"world"]),
                     encode_chunked=True, headers={"Transfer-Encoding": "chunked"})
        response = conn.getresponse()
        assert response.read() == b"hello chunked world"
        # The connection stays usable: the terminating chunk and trailers were consumed.
        conn.request("POST", "/", body=b"next")
        assert conn.getresponse().read() == b"next"
        conn.close()
        assert server.connections_accepted == 1
    assert seen == [b"hello chunked world", b"next"]


def test_an_app_exception_becomes_a_500_with_the_traceback() -> None:
    def app(request: Request) -> Response:
        raise RuntimeError("bug in the fake")

    with LoopbackServer(app) as server:
        conn = _conn(server)
        conn.request("GET", "/")
        response = conn.getresponse()
        assert response.status == 500
        assert b"RuntimeError: bug in the fake" in response.read()
        conn.close()


def test_head_responses_carry_no_body() -> None:
    with LoopbackServer(lambda request: Response(200, {}, b"body")) as server:
        conn = _conn(server)
        conn.request("HEAD", "/")
        response = conn.getresponse()
        assert response.getheader("Content-Length") == "4"
        assert response.read() == b""
        conn.request("GET", "/")  # the connection is still in sync
        assert conn.getresponse().read() == b"body"
        conn.close()


def test_drop_connections_closes_clients_but_keeps_listening(server: LoopbackServer) -> None:
    conn = _conn(server)
    conn.request("GET", "/")
    conn.getresponse().read()
    server.drop_connections()
    assert conn.sock is not None
    assert conn.sock.recv(1) == b""  # the server closed our connection
    conn.close()
    conn = _conn(server)
    conn.request("GET", "/")
    assert conn.getresponse().status == 200
    conn.close()
    assert server.connections_accepted == 2


def test_stop_is_idempotent_and_frees_the_port() -> None:
    server = LoopbackServer(_echo).start()
    port = server.port
    conn = _conn(server)
    conn.request("GET", "/")
    conn.getresponse().read()
    conn.close()
    server.stop()
    server.stop()
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", port), timeout=5)
    # The port can be listened on again at once.
    again = LoopbackServer(_echo, port=port)
    with again:
        assert again.port == port
        conn = _conn(again)
        conn.request("GET", "/")
        assert conn.getresponse().status == 200
        conn.close()


def test_stop_without_start_is_harmless() -> None:
    server = LoopbackServer(_echo)
    server.stop()
    server.stop()


def test_start_twice_runs_one_serving_thread() -> None:
    server = LoopbackServer(_echo)
    # Compare thread sets, not counts: a thread another test left (a server
    # winding down) may end meanwhile and hide a second serving thread.
    before = set(threading.enumerate())
    server.start()
    server.start()
    try:
        started = [t for t in threading.enumerate() if t not in before]
        assert len(started) == 1, started
    finally:
        server.stop()


# -- TLS ------------------------------------------------------------------------


def test_serves_https_with_a_trustme_certificate(ca: trustme.CA) -> None:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(context)
    client = ssl.create_default_context()
    ca.configure_trust(client)
    with LoopbackServer(_echo, ssl_context=context) as server:
        assert server.url.startswith("https://127.0.0.1:")
        conn = http.client.HTTPSConnection(server.host, server.port, context=client, timeout=5)
        for _ in range(2):
            conn.request("POST", "/tls", body=b"secret")
            response = conn.getresponse()
            assert response.read() == b"secret"
        conn.close()
        assert server.connections_accepted == 1


def test_a_failed_handshake_does_not_break_the_server(ca: trustme.CA) -> None:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(context)
    with LoopbackServer(_echo, ssl_context=context) as server:
        untrusting = ssl.create_default_context()  # does not know the trustme CA
        conn = http.client.HTTPSConnection(server.host, server.port, context=untrusting,
                                           timeout=5)
        with pytest.raises(ssl.SSLCertVerificationError):
            conn.request("GET", "/")
        conn.close()
        trusting = ssl.create_default_context()
        ca.configure_trust(trusting)
        conn = http.client.HTTPSConnection(server.host, server.port, context=trusting,
                                           timeout=5)
        conn.request("GET", "/")
        assert conn.getresponse().status == 200
        conn.close()
        assert server.requests_handled == 1
