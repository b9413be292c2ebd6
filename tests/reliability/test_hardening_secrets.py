"""Issue 13, item 2: a server that echoes secrets back, or writes terminal escapes.

A hostile server on 127.0.0.1 puts what the request carried (the Authorization
header and its signature, the security token, the IAM token, the password) into
its error answers, as JSON, as an HTML page and as a ``Location``, and decorates
its messages with terminal escape sequences. None of it may reach an ``APIError``
(message, ``repr``, ``body``, ``error_msg``) or the ``modelarts`` command's stderr,
and nothing the server wrote may drive the terminal.
"""

from __future__ import annotations

import io
import json
import re
from typing import Any, Callable, Dict, Iterator, List

import pytest

from modelarts.cli import main
from modelarts.errors import APIError, safe_for_terminal
from modelarts.session import Session
from modelarts.testing import FakeModelArts, LoopbackServer
from modelarts.transport import Request, Response

ECHO = "/v1/{project_id}/echo"
SECURITY_TOKEN = "gQpzZWN1cml0eS10b2tlbi1mb3ItdGVzdHM-0123456789"
ESCAPES = "\x1b]0;owned\x07\x1b[2J\x1b[31m\r\u202e"


class Echo:
    """An app that answers every ModelArts call with an error quoting the request."""

    def __init__(self, fake: FakeModelArts, shape: str) -> None:
        self.fake = fake
        self.shape = shape
        self.seen: List[Request] = []

    def __call__(self, request: Request) -> Response:
        if request.path.startswith("/v3/"):
            return self.fake.send(request)  # IAM: a real token, so there is one to echo
        self.seen.append(request)
        headers = {name: request.headers[name] for name in request.headers}
        quoted = " ".join(f"{name}: {value}" for name, value in headers.items())
        if self.shape == "json":
            body = {
                "error_code": "APIGW.0301" + ESCAPES,
                "error_msg": f"Incorrect IAM authentication information {ESCAPES}{quoted}",
                "request": {"headers": headers, "body": request.body.decode()},
                "request_id": "req" + ESCAPES,
            }
            return Response(401, {"Content-Type": "application/json"}, json.dumps(body).encode())
        if self.shape == "is_success":
            body = {"is_success": False, "error_code": "ModelArts.0105", "error_msg": quoted}
            return Response(200, {"Content-Type": "application/json"}, json.dumps(body).encode())
        page = f"<html><title>Denied {ESCAPES}{quoted}</title><body>{quoted}</body></html>"
        return Response(403, {"Content-Type": "text/html"}, page.encode())


@pytest.fixture
def fake() -> FakeModelArts:
    fake = FakeModelArts()
    fake.add_user("alice", "correct horse battery staple", "acme")
    return fake


def serve(app: Callable[[Request], Response]) -> Iterator[LoopbackServer]:
    with LoopbackServer(app) as server:
        yield server


def secrets_of(session: Session, app: Echo) -> Dict[str, str]:
    """Everything secret the request carried: what the server could echo."""
    found = {label: value for value, label in session.redactor.secret_values()}
    for request in app.seen:
        authorization = request.headers.get("Authorization")
        if authorization:
            found["signature"] = re.search(r"Signature=([0-9a-f]+)", authorization).group(1)
        if request.headers.get("X-Auth-Token"):
            found["IAM token"] = request.headers["X-Auth-Token"]
    return found


def everything_an_error_carries(error: APIError) -> str:
    return "\n".join(
        [str(error), repr(error), json.dumps(error.body), error.error_msg, error.error_code]
        + [str(error.request_id)]
    )


def assert_clean(text: str, secrets: Dict[str, str]) -> None:
    for label, value in secrets.items():
        assert value not in text, f"the {label} reached the error: {text}"


@pytest.mark.parametrize("shape", ["json", "html", "is_success"])
def test_secrets_echoed_by_the_server_never_reach_the_aksk_error(
    fake: FakeModelArts, shape: str
) -> None:
    app = Echo(fake, shape)
    with (
        LoopbackServer(app) as server,
        Session(**fake.session_kwargs(server.url), security_token=SECURITY_TOKEN) as session,
    ):
        with pytest.raises(APIError) as info:
            session.request("POST", ECHO, json={"job_desc": "d"})
        secrets = secrets_of(session, app)
    assert {"access key", "secret key", "security token", "signature"} <= set(secrets)
    text = everything_an_error_carries(info.value)
    assert_clean(text, secrets)
    assert "<security token>" in text or "<redacted>" in text  # scrubbed, not dropped


@pytest.mark.parametrize("shape", ["json", "html"])
def test_the_password_and_the_iam_token_never_reach_the_error(
    fake: FakeModelArts, shape: str
) -> None:
    app = Echo(fake, shape)
    with (
        LoopbackServer(app) as server,
        Session(
            username="alice",
            password="correct horse battery staple",
            account="acme",
            project_id=fake.project_id,
            region_name=fake.region,
            modelarts_endpoint=server.url,
            iam_endpoint=server.url,
        ) as session,
    ):
        with pytest.raises(APIError) as info:
            session.request("GET", ECHO)
        secrets = secrets_of(session, app)
    assert {"password", "IAM token"} <= set(secrets)
    assert_clean(everything_an_error_carries(info.value), secrets)


def test_an_iam_error_echoing_the_password_is_scrubbed(fake: FakeModelArts) -> None:
    password = "correct horse battery staple"

    def iam(request: Request) -> Response:
        body = {"error": {"code": "1101", "message": f"wrong password {password!r}: {ESCAPES}"}}
        return Response(401, {"Content-Type": "application/json"}, json.dumps(body).encode())

    with (
        LoopbackServer(iam) as server,
        Session(
            username="alice",
            password=password,
            account="acme",
            project_id=fake.project_id,
            region_name=fake.region,
            modelarts_endpoint=server.url,
            iam_endpoint=server.url,
        ) as session,
        pytest.raises(APIError) as info,
    ):
        session.request("GET", ECHO)
    assert info.value.error_code == "1101"
    text = everything_an_error_carries(info.value)
    assert password not in text and "<password>" in info.value.error_msg
    assert "\x1b" not in str(info.value) and "\\x1b" in str(info.value)


def test_the_message_shows_server_escapes_without_obeying_them(fake: FakeModelArts) -> None:
    app = Echo(fake, "json")
    with (
        LoopbackServer(app) as server,
        Session(**fake.session_kwargs(server.url)) as session,
        pytest.raises(APIError) as info,
    ):
        session.request("GET", ECHO)
    error = info.value
    for text in (str(error), repr(error)):
        assert not re.search("[\x00-\x1f\x7f-\x9f\u202e]", text), text
    assert "\\x1b[2J" in str(error) and "\\u202e" in str(error)
    assert error.error_msg.startswith("Incorrect IAM authentication information \x1b")  # kept


def test_safe_for_terminal_escapes_controls_and_bidi_but_keeps_text() -> None:
    assert safe_for_terminal("训练 ok\t\x1b[0m\x9b\u2066") == "训练 ok\\x09\\x1b[0m\\x9b\\u2066"
    assert safe_for_terminal("a\nb\r", keep_newlines=True) == "a\nb\\x0d"
    assert safe_for_terminal("a\ud800") == "a\\ud800"


@pytest.mark.parametrize("debug", [False, True])
def test_the_command_prints_neither_secrets_nor_escapes(
    fake: FakeModelArts, monkeypatch: pytest.MonkeyPatch, debug: bool
) -> None:
    app = Echo(fake, "json")
    monkeypatch.setenv("HUAWEICLOUD_SDK_AK", fake.access_key)
    monkeypatch.setenv("HUAWEICLOUD_SDK_SK", fake.secret_key)
    monkeypatch.setenv("HUAWEICLOUD_SDK_SECURITY_TOKEN", SECURITY_TOKEN)
    out, err = io.StringIO(), io.StringIO()
    with LoopbackServer(app) as server:
        argv = ["jobs", "list", "--endpoint", server.url, "--project-id", fake.project_id]
        status = main(
            argv + (["--debug"] if debug else []), stdin=io.StringIO(), stdout=out, stderr=err
        )
    assert status == 1
    signature = re.search(r"Signature=([0-9a-f]+)", app.seen[0].headers["Authorization"])
    stderr = err.getvalue()
    assert "APIGW.0301" in stderr
    for secret in (fake.access_key, fake.secret_key, SECURITY_TOKEN, signature.group(1)):
        assert secret not in stderr
    assert not re.search("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202e]", stderr), stderr


def test_an_error_without_a_session_still_hides_secrets_by_shape() -> None:
    from modelarts._decode import raise_for_error

    body = {
        "error_msg": "Authorization: SDK-HMAC-SHA256 Access=AK, Signature=" + "ab" * 32,
        "password": "hunter2",
        "X-Auth-Token": "MIIE-token",
    }
    response = Response(400, {}, json.dumps(body).encode(), request=Request("GET", "http://x/"))
    with pytest.raises(APIError) as info:
        raise_for_error(response, "op")
    text = everything_an_error_carries(info.value)
    assert "ab" * 32 not in text and "hunter2" not in text and "MIIE-token" not in text
    body_out: Any = info.value.body
    assert body_out["password"] == "<redacted>" and "Signature=<redacted>" in body_out["error_msg"]


def test_debug_log_lines_quote_server_headers_safely(
    fake: FakeModelArts, monkeypatch: pytest.MonkeyPatch
) -> None:
    def app(request: Request) -> Response:
        body = b'{"is_success": true, "jobs": [], "job_total_count": 0}'
        headers = {"Content-Type": "application/json", "X-Request-Id": "r" + ESCAPES[:12]}
        return Response(200, headers, body)

    monkeypatch.setenv("HUAWEICLOUD_SDK_AK", fake.access_key)
    monkeypatch.setenv("HUAWEICLOUD_SDK_SK", fake.secret_key)
    err = io.StringIO()
    with LoopbackServer(app) as server:
        argv = ["jobs", "list", "--debug", "--endpoint", server.url, "--project-id", "p1"]
        status = main(argv, stdin=io.StringIO(), stdout=io.StringIO(), stderr=err)
    assert status == 0
    assert "request id r\\x1b]0;owned" in err.getvalue()
    assert not re.search("[\x00-\x09\x0b-\x1f\x7f-\x9f]", err.getvalue()), err.getvalue()
