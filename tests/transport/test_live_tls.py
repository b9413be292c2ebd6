"""Urllib3Transport over TLS, against LoopbackServer with trustme certificates."""

from __future__ import annotations

import ssl
import warnings
from pathlib import Path
from typing import Iterator, List

import pytest
import trustme

from modelarts.errors import ConnectError, ConnectionLostError, TLSError, TransportError
from modelarts.testing import LoopbackServer
from modelarts.transport import Request, Response, Urllib3Transport

Seen = List[Request]


def _server_context(ca: trustme.CA, *names: str) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert(*names).configure_cert(context)
    return context


@pytest.fixture
def seen() -> Seen:
    return []


def _serve(seen: Seen, context: ssl.SSLContext) -> LoopbackServer:
    def app(request: Request) -> Response:
        seen.append(request)
        return Response(200, {"X-Tls": "yes"}, request.body)

    return LoopbackServer(app, ssl_context=context)


@pytest.fixture
def https(ca: trustme.CA, seen: Seen) -> Iterator[LoopbackServer]:
    with _serve(seen, _server_context(ca, "127.0.0.1", "localhost")) as server:
        yield server


def test_default_verification_refuses_an_unknown_ca(https: LoopbackServer, seen: Seen) -> None:
    url = f"{https.url}/v1/jobs"
    with Urllib3Transport(timeout=5) as live, pytest.raises(TLSError) as caught:
        live.send(Request("POST", url, body=b"{}"))
    error = caught.value
    assert isinstance(error, ConnectError)  # the request never left: safe to resend
    assert "CERTIFICATE_VERIFY_FAILED" in str(error)
    assert f"POST {url}" in str(error)
    assert seen == []


def test_a_ca_bundle_path_is_trusted(https: LoopbackServer, ca_file: str, seen: Seen) -> None:
    with Urllib3Transport(timeout=5, verify=ca_file) as live:
        response = live.send(Request("PUT", f"{https.url}/x?a=%7E", body=b"secret"))
    assert (response.status, response.body, response.headers["X-Tls"]) == (200, b"secret", "yes")
    assert seen[0].target == "/x?a=%7E"


def test_a_pathlike_ca_bundle_is_accepted(https: LoopbackServer, ca_file: str) -> None:
    with Urllib3Transport(timeout=5, verify=Path(ca_file)) as live:
        assert live.send(Request("GET", https.url)).status == 200


def test_tls_connections_are_reused(https: LoopbackServer, ca_file: str) -> None:
    with Urllib3Transport(timeout=5, verify=ca_file) as live:
        for _ in range(10):
            assert live.send(Request("GET", https.url)).status == 200
    assert https.connections_accepted == 1


def test_the_hostname_is_checked(ca: trustme.CA, ca_file: str, seen: Seen) -> None:
    with _serve(seen, _server_context(ca, "other.example")) as server, Urllib3Transport(
            timeout=5, verify=ca_file) as live, pytest.raises(TLSError) as caught:
        live.send(Request("GET", server.url))
    assert "127.0.0.1" in str(caught.value)
    assert seen == []


def test_verify_false_accepts_without_any_warning(https: LoopbackServer) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with Urllib3Transport(timeout=5, verify=False) as live:
            for _ in range(3):  # urllib3 would warn on every request
                assert live.send(Request("GET", https.url)).status == 200
    assert [str(w.message) for w in caught] == []
    assert https.connections_accepted == 1


def test_https_to_a_plain_http_port_is_a_tls_error(seen: Seen) -> None:
    def app(request: Request) -> Response:
        seen.append(request)
        return Response(200)

    with LoopbackServer(app) as plain, Urllib3Transport(timeout=5) as live, pytest.raises(
            TLSError):
        live.send(Request("POST", plain.url.replace("http://", "https://"), body=b"{}"))
    assert seen == []


# -- mutual TLS ------------------------------------------------------------------


@pytest.fixture
def mutual(ca: trustme.CA, seen: Seen) -> Iterator[LoopbackServer]:
    context = _server_context(ca, "127.0.0.1")
    context.verify_mode = ssl.CERT_REQUIRED
    ca.configure_trust(context)
    with _serve(seen, context) as server:
        yield server


@pytest.fixture(scope="module")
def client_cert(ca: trustme.CA) -> trustme.LeafCert:
    return ca.issue_cert("sdk-client@example.com")


def test_a_client_certificate_file_is_presented(
        mutual: LoopbackServer, ca_file: str, client_cert: trustme.LeafCert,
        tmp_path: Path) -> None:
    combined = tmp_path / "client.pem"
    client_cert.private_key_and_cert_chain_pem.write_to_path(str(combined))
    with Urllib3Transport(timeout=5, verify=ca_file, cert=str(combined)) as live:
        assert live.send(Request("GET", mutual.url)).status == 200


def test_a_client_certificate_and_key_pair_is_presented(
        mutual: LoopbackServer, ca_file: str, client_cert: trustme.LeafCert,
        tmp_path: Path) -> None:
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    for blob in client_cert.cert_chain_pems:
        blob.write_to_path(str(cert), append=True)
    client_cert.private_key_pem.write_to_path(str(key))
    with Urllib3Transport(timeout=5, verify=ca_file, cert=(cert, key)) as live:
        for _ in range(3):
            assert live.send(Request("POST", mutual.url, body=b"m")).body == b"m"
    assert mutual.connections_accepted == 1


def test_without_a_client_certificate_the_server_refuses(
        mutual: LoopbackServer, ca_file: str, seen: Seen) -> None:
    # Proves the server really demands the certificate the tests above present.
    # With TLS 1.3 the refusal reaches the client after it wrote the request:
    # an alert (TLSError) or, if the server's close wins the race, a broken
    # connection; never a response.
    with Urllib3Transport(timeout=5, verify=ca_file) as live, pytest.raises(
            TransportError) as caught:
        live.send(Request("GET", mutual.url))
    assert isinstance(caught.value, (TLSError, ConnectionLostError))
    assert seen == []
