"""No secret ever shows: reprs, log records at every level, error messages."""

from __future__ import annotations

import logging
import re
import traceback
from typing import List, Tuple

import pytest

from modelarts.errors import ModelArtsError
from modelarts.session import Session
from modelarts.testing import FakeClock
from modelarts.testing.fake import FakeModelArts, Reply, json_reply
from modelarts.transport import MockTransport, Request, Response, Transport

SK = "sk-very-secret-0123456789abcdefghijklmnop"
PASSWORD = "pa55w0rd-that-must-never-show"
SECURITY_TOKEN = "security-token-that-must-never-show"


def capturing(inner: Transport) -> "Tuple[MockTransport, List[str]]":
    """``inner`` behind a transport that remembers every credential it carries, to grep for."""
    secrets: List[str] = []

    def send(request: Request) -> Response:
        auth = request.headers.get("Authorization", "")
        secrets.extend(re.findall(r"Signature=([0-9a-f]+)", auth))
        for name in ("X-Auth-Token", "X-Security-Token"):
            if name in request.headers:
                secrets.append(request.headers[name])
        response = inner.send(request)
        if "X-Subject-Token" in response.headers:
            secrets.append(response.headers["X-Subject-Token"])
        return response

    return MockTransport(send), secrets


def exercise(session: Session) -> List[str]:
    """Run successful and failing calls; return every text a user could see."""
    texts = [repr(session), str(session)]
    session.request("GET", "/v1/{project_id}/ok")
    for path in ("/v1/{project_id}/fail", "/v1/{project_id}/html", "/v1/{project_id}/missing"):
        with pytest.raises(ModelArtsError) as info:
            session.request("POST", path, json={"password": PASSWORD})
        texts += [str(info.value), repr(info.value)]
        texts += traceback.format_exception_only(type(info.value), info.value)
    return texts


@pytest.fixture
def fake() -> FakeModelArts:
    fake = FakeModelArts(clock=FakeClock(), secret_key=SK)
    fake.add_access_key("AKTEMP00000000000001", SK + "-temp", SECURITY_TOKEN)
    fake.add_user("alice", PASSWORD)
    fake.route("GET", "/v1/{project_id}/ok")(lambda r: json_reply({"is_success": True}))
    fake.route("POST", "/v1/{project_id}/fail")(
        lambda r: Reply(400, {"error_code": "ModelArts.0104", "error_message": "bad"})
    )
    fake.route("POST", "/v1/{project_id}/html")(lambda r: Reply(200, b"<html>oops</html>"))
    return fake


@pytest.mark.parametrize("mode", ["aksk", "temporary", "password"])
def test_no_secret_in_reprs_logs_or_errors(
    fake: FakeModelArts, caplog: pytest.LogCaptureFixture, mode: str
) -> None:
    transport, captured = capturing(fake)
    common = {"transport": transport, "region_name": fake.region, "clock": FakeClock()}
    if mode == "aksk":
        session = Session(fake.access_key, SK, fake.project_id, **common)  # type: ignore[arg-type]
    elif mode == "temporary":
        session = Session(
            "AKTEMP00000000000001",
            SK + "-temp",
            fake.project_id,
            security_token=SECURITY_TOKEN,
            **common,  # type: ignore[arg-type]
        )
    else:
        session = Session(username="alice", password=PASSWORD, **common)  # type: ignore[arg-type]
    with caplog.at_level(logging.DEBUG, logger="modelarts"):
        texts = exercise(session)
    records = [r.getMessage() for r in caplog.records]
    assert any("/ok -> 200" in line for line in records), "the DEBUG request log is missing"
    seen = "\n".join(texts + records + [caplog.text])
    secrets = [SK, SK + "-temp", PASSWORD, SECURITY_TOKEN, *captured]
    assert captured, "the test captured no signature or token to look for"
    for secret in secrets:
        assert secret not in seen, f"a secret leaked: {secret[:6]}..."


def test_debug_log_line_has_what_support_needs(
    fake: FakeModelArts, caplog: pytest.LogCaptureFixture
) -> None:
    session = Session(transport=fake, clock=FakeClock(), **fake.session_kwargs())
    with caplog.at_level(logging.DEBUG, logger="modelarts"):
        session.request("GET", "/v1/{project_id}/ok", query={"page": 1})
    (line,) = [r.getMessage() for r in caplog.records if r.name == "modelarts.session"]
    request_id = fake.calls[-1].request_id
    assert line.startswith("GET /v1/{project_id}/ok?page=1 -> 200 in ")
    assert f"request id {request_id}" in line and "attempt 1" in line
    assert fake.project_id not in line
