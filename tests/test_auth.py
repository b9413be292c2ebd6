"""Auth flows on their own: what each sends, and when it asks for a resend."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from typing import Callable, List, Optional, Tuple

from modelarts.auth import AccessKeyAuth, NoAuth, TokenAuth, TokenCache, read_error
from modelarts.credentials import AccessKeyCredentials
from modelarts.redaction import Redactor
from modelarts.testing import FakeClock
from modelarts.transport import Request, Response

SK = "sk-auth-test-000000000000000000000001"


def scripted(*answers: Response) -> "Tuple[List[Request], Callable[[Request], Response]]":
    sent: List[Request] = []
    queue = list(answers)

    def send(request: Request) -> Response:
        sent.append(request)
        return queue.pop(0)

    return sent, send


def expired_signature(server_now: datetime) -> Response:
    body = {"error_code": "APIGW.0301", "error_msg": "signature expired, server time: ..."}
    return Response(401, {"Date": format_datetime(server_now, usegmt=True)}, json=body)


def test_no_auth_sends_the_request_as_built() -> None:
    sent, send = scripted(Response(200))
    request = Request("GET", "https://h/x")
    assert NoAuth().run(request, send).status == 200
    assert sent == [request]


def test_a_signature_refused_for_skew_is_signed_again_with_the_server_clock_once() -> None:
    clock = FakeClock()
    ahead = clock.now() + timedelta(hours=2)
    keys = AccessKeyCredentials("AKAUTHTEST0000000001", SK)
    auth = AccessKeyAuth(keys, clock, Redactor())
    sent, send = scripted(expired_signature(ahead), expired_signature(ahead))
    response = auth.run(Request("GET", "https://h/x"), send)
    assert response.status == 401 and len(sent) == 2
    dates = [request.headers["X-Sdk-Date"] for request in sent]
    assert dates[1] == ahead.strftime("%Y%m%dT%H%M%SZ") and dates[0] != dates[1]
    sent_later, send_later = scripted(Response(200))
    auth.run(Request("GET", "https://h/y"), send_later)
    assert sent_later[0].headers["X-Sdk-Date"] == ahead.strftime("%Y%m%dT%H%M%SZ")


def test_an_expired_token_is_renewed_once_and_the_request_resent() -> None:
    tokens: List[str] = []

    def fetch() -> "Tuple[str, Optional[datetime]]":
        tokens.append(f"token-{len(tokens)}")
        return tokens[-1], datetime(2099, 1, 1, tzinfo=timezone.utc)

    auth = TokenAuth(TokenCache(fetch, FakeClock()))
    expired = Response(401, json={"error_code": "ModelArts.0202", "error_msg": "token expired"})
    sent, send = scripted(expired, Response(201))
    assert auth.run(Request("POST", "https://h/x"), send).status == 201
    assert [request.headers["X-Auth-Token"] for request in sent] == ["token-0", "token-1"]
    other = Response(401, json={"error_code": "ModelArts.0203", "error_msg": "no"})
    sent, send = scripted(other)
    assert auth.run(Request("GET", "https://h/x"), send).json()["error_code"] == "ModelArts.0203"
    assert len(sent) == 1 and tokens == ["token-0", "token-1"]


def test_an_error_body_is_read_once_and_handed_on_parsed() -> None:
    raw = Response(401, {"X-Request-Id": "r"}, b'{"error": {"code": "X.1", "message": "m"}}')
    reading = read_error(raw)
    assert (reading.code, reading.message) == ("X.1", "m")
    assert reading.response.json() == {"error": {"code": "X.1", "message": "m"}}
    assert reading.response.request_id == "r"
    html = read_error(Response(401, {}, b"<html>no</html>"))
    assert html.code == "401" and html.response.body == b"<html>no</html>"
