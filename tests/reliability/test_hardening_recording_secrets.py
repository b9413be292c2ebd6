"""Issue 13, item 6: secrets that used to reach a recording.

The metadata service's session token; a secret inside a gzip-encoded body (once
stored as an opaque side file, the ``Content-Encoding`` header dropped); a
password shaped like a placeholder; proxy credentials echoed in an error page;
account ids in v1 bodies recorded under AK/SK. None may reach a fixture file,
and what replays must still be what the Session saw live.
"""

from __future__ import annotations

import base64
import gzip
import json
import zlib
from pathlib import Path
from typing import Callable, Dict, List

import pytest

from modelarts.errors import ResponseFormatError, SecretInFixtureError
from modelarts.redaction import REDACTOR_EXTENSION, Redactor
from modelarts.session import Session
from modelarts.testing import FakeClock, FakeModelArts
from modelarts.transport import (
    FixtureTransport,
    MockTransport,
    RecordingTransport,
    Request,
    Response,
    Transport,
)

JSON = {"Content-Type": "application/json"}
SK = "sk-registered-0123456789abcdef"


def answers(routes: Dict[str, Callable[[Request], Response]],
            fallback: "Transport | None" = None) -> MockTransport:
    """Answers by path from a table of functions; anything else goes to ``fallback``."""

    def answer(request: Request) -> Response:
        path = request.url.split("://", 1)[1].split("/", 1)[1].split("?")[0]
        route = routes.get("/" + path)
        if route is None:
            assert fallback is not None, path
            return fallback.send(request)
        return route(request)

    return MockTransport(answer)


def knowing(*secrets: str) -> Dict[str, Redactor]:
    redactor = Redactor()
    for secret in secrets:
        redactor.add_secret(secret, "password" if secret != SK else "secret key")
    return {REDACTOR_EXTENSION: redactor}


def get(path: str, extensions: Dict[str, Redactor]) -> Request:
    return Request("GET", "https://modelarts.example" + path, {}, extensions=extensions)


def files_text(directory: Path) -> str:
    return "".join(p.read_bytes().decode("latin-1") for p in sorted(directory.iterdir()))


# -- the metadata service --------------------------------------------------------------------


METADATA_TOKEN = "imds-session-token-0123456789abcdef"
TEMP_AK, TEMP_SK, TEMP_TOKEN = "AKTEMPORARY000000001", "temporary-sk-0000000000", "temp-token-xyz"


def test_the_metadata_session_token_and_keys_are_scrubbed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = FakeModelArts(clock=FakeClock())
    fake.add_access_key(TEMP_AK, TEMP_SK, TEMP_TOKEN)
    credential = {"credential": {"access": TEMP_AK, "secret": TEMP_SK,
                                 "securitytoken": TEMP_TOKEN,
                                 "expires_at": "2999-01-01T00:00:00.000000Z"}}
    cloud = answers({
        "/meta-data/latest/api/token": lambda r: Response(200, {"Content-Type": "text/plain"},
                                                          METADATA_TOKEN.encode()),
        "/openstack/latest/securitykey": lambda r: Response(
            200, JSON, json.dumps(credential).encode()),
    }, fallback=fake)
    monkeypatch.setenv("HUAWEICLOUD_SDK_METADATA_ENDPOINT", "http://127.0.0.1:9")
    path = tmp_path / "metadata.json"
    with Session(transport=RecordingTransport(cloud, path), use_metadata=True,
                 region_name=fake.region, project_id=fake.project_id,
                 clock=fake.clock) as session:
        session.request("GET", "/v1/{project_id}/training-jobs")
    text = path.read_text(encoding="utf-8")
    for secret in (METADATA_TOKEN, TEMP_AK, TEMP_SK, TEMP_TOKEN):
        assert secret not in text
    assert "<metadata session token>" in text


# -- content codings -------------------------------------------------------------------------


@pytest.mark.parametrize("coding", ["gzip", "deflate"])
def test_a_compressed_answer_is_scrubbed_and_replays_compressed(
    tmp_path: Path, coding: str
) -> None:
    body = json.dumps({"is_success": True, "echo": SK, "password": "hunter2-pw"}).encode()
    packed = gzip.compress(body) if coding == "gzip" else zlib.compress(body)
    headers = {**JSON, "Content-Encoding": coding}
    cloud = answers({"/v1/P/echo": lambda r: Response(200, headers, packed)})
    path = tmp_path / "packed.json"
    with RecordingTransport(cloud, path) as recorder:
        live = recorder.send(get("/v1/P/echo", knowing(SK)))
    assert live.body == packed  # the caller sees what was on the wire
    text = files_text(tmp_path)
    assert SK not in text and "hunter2-pw" not in text
    (interaction,) = json.loads(path.read_text(encoding="utf-8"))["interactions"]
    assert interaction["response"]["headers"]["content-encoding"] == coding
    assert interaction["response"]["json"]["echo"] == "<secret key>"
    replayed = FixtureTransport(path).send(get("/v1/P/echo", knowing()))
    assert replayed.headers["Content-Encoding"] == coding
    unpacked = gzip.decompress(replayed.body) if coding == "gzip" else zlib.decompress(
        replayed.body)
    assert json.loads(unpacked)["password"] == "<redacted>"


def test_a_secret_in_a_compressed_binary_body_is_refused(tmp_path: Path) -> None:
    packed = gzip.compress(b"\x00\x01binary " + SK.encode() + b" \xff")
    cloud = answers({"/v1/P/blob": lambda r: Response(
        200, {"Content-Type": "application/octet-stream", "Content-Encoding": "gzip"}, packed)})
    recorder = RecordingTransport(cloud, tmp_path / "blob.json")
    recorder.send(get("/v1/P/blob", knowing(SK)))
    with pytest.raises(SecretInFixtureError, match="secret key"):
        recorder.close()
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("coding", "data"),
    [("br", b"\x8b\x02\x80hello\x03"), ("gzip", b"not gzip at all"),
     ("gzip, gzip", gzip.compress(gzip.compress(b"{}")))],
)
def test_an_answer_the_recorder_cannot_decode_is_not_recorded(
    tmp_path: Path, coding: str, data: bytes
) -> None:
    cloud = answers({
        "/v1/P/packed": lambda r: Response(200, {**JSON, "Content-Encoding": coding}, data),
        "/v1/P/plain": lambda r: Response(200, JSON, b'{"is_success": true}'),
    })
    path = tmp_path / "codings.json"
    with RecordingTransport(cloud, path) as recorder:
        recorder.send(get("/v1/P/plain", knowing()))
        with pytest.raises(ResponseFormatError, match="cannot be checked for secrets"):
            recorder.send(get("/v1/P/packed", knowing()))
    (interaction,) = json.loads(path.read_text(encoding="utf-8"))["interactions"]
    assert interaction["request"]["path"] == "/v1/P/plain"


# -- placeholder-shaped passwords, proxies, account ids -------------------------------------


@pytest.mark.parametrize("password", ["<hunter2>", "{s3cret-pw}", "<password>x"])
def test_a_password_shaped_like_a_placeholder_is_scrubbed(tmp_path: Path, password: str) -> None:
    body = {"is_success": True, "note": f"your password {password} expires soon"}
    cloud = answers({"/v1/P/note": lambda r: Response(200, JSON, json.dumps(body).encode())})
    path = tmp_path / "note.json"
    with RecordingTransport(cloud, path) as recorder:
        recorder.send(get("/v1/P/note", knowing(password)))
    assert password not in path.read_text(encoding="utf-8")


PROXY_PASSWORD = "pr0xy-pa55word"


@pytest.mark.parametrize("in_environment", [True, False])
def test_proxy_credentials_echoed_in_an_error_page_are_scrubbed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, in_environment: bool
) -> None:
    if in_environment:  # else a proxy given to the transport, which the recorder cannot see
        monkeypatch.setenv("HTTPS_PROXY", f"http://bob:{PROXY_PASSWORD}@127.0.0.1:9")
    basic = base64.b64encode(f"bob:{PROXY_PASSWORD}".encode()).decode()
    page = (f"<html><body>407 Proxy Authentication Required. You sent "
            f"Proxy-Authorization: Basic {basic} via http://bob:{PROXY_PASSWORD}@127.0.0.1:9;"
            f"</body></html>")
    if in_environment:
        page += f"<p>password {PROXY_PASSWORD} is wrong</p>"
    cloud = answers({"/v1/P/jobs": lambda r: Response(407, {"Content-Type": "text/html"},
                                                      page.encode())})
    path = tmp_path / "proxy.json"
    with RecordingTransport(cloud, path) as recorder:
        recorder.send(get("/v1/P/jobs", knowing()))
    text = path.read_text(encoding="utf-8")
    assert PROXY_PASSWORD not in text and basic not in text
    assert "Basic <redacted>" in text


def test_account_ids_in_v1_bodies_are_placeholders(tmp_path: Path) -> None:
    ids = {"domain_id": "0f1e2d3c4b5a69788796a5b4c3d2e1f0",
           "user_id": "a1b2c3d4e5f60718293a4b5c6d7e8f90",
           "project_id": "99887766554433221100ffeeddccbbaa"}
    body = {"is_success": True, "jobs": [{"job_id": 1, **ids}], **ids}
    cloud = answers({"/v1/P/training-jobs": lambda r: Response(
        200, JSON, json.dumps(body).encode())})
    path = tmp_path / "ids.json"
    with RecordingTransport(cloud, path) as recorder:
        recorder.send(get("/v1/P/training-jobs", knowing()))  # AK/SK: no IAM login
    text = path.read_text(encoding="utf-8")
    found: List[str] = [key for key, value in ids.items() if value in text]
    assert found == []
    replayed = FixtureTransport(path).send(get("/v1/P/training-jobs", knowing())).json()
    assert replayed["jobs"][0]["user_id"] == "{user_id}"
