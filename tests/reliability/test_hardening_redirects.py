"""Issue 13, item 3: a 3xx answer is a ``RedirectError``, never a success, never followed.

A server that answers 301/302/303/307/308 (empty body, or an HTML page) used to
decode as ``{}``: a listing came back empty and ``modelarts jobs delete --yes``
exited 0. The redirect must surface as a typed error naming where it pointed
(scrubbed of secrets), and no request may go to the other host.
"""

from __future__ import annotations

import io
import pickle
from typing import Iterator

import pytest

from modelarts.cli import main
from modelarts.errors import APIError, RedirectError
from modelarts.estimator import Estimator
from modelarts.session import Session
from modelarts.testing import FakeModelArts, LoopbackServer
from modelarts.transport import Request, RequestsTransport, Response, Transport, Urllib3Transport

ECHO = "/v1/{project_id}/echo"
SECURITY_TOKEN = "gQpzZWN1cml0eS10b2tlbi1mb3ItdGVzdHM-0123456789"


@pytest.fixture
def elsewhere() -> Iterator[LoopbackServer]:
    """The host a redirect points to: it must never be asked anything."""

    def answer(request: Request) -> Response:
        return Response(200, {"Content-Type": "application/json"}, b'{"is_success": true}')

    with LoopbackServer(answer) as server:
        yield server


def redirecting(status: int, location: str, body: bytes = b"") -> LoopbackServer:
    headers = {"Location": location} if location else {}
    if body:
        headers["Content-Type"] = "text/html"
    return LoopbackServer(lambda request: Response(status, headers, body))


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
@pytest.mark.parametrize("transport", [Urllib3Transport, RequestsTransport])
def test_a_redirect_is_an_error_naming_where_it_pointed_and_is_not_followed(
    status: int, transport: "type[Transport]", elsewhere: LoopbackServer
) -> None:
    fake = FakeModelArts()
    target = elsewhere.url + "/v1/" + fake.project_id + "/echo"
    with (
        redirecting(status, target) as server,
        Session(transport=transport(), **fake.session_kwargs(server.url)) as session,
        pytest.raises(RedirectError) as info,
    ):
        session.request("DELETE", ECHO)
    error = info.value
    assert isinstance(error, APIError) and error.status_code == status
    assert error.location is not None and error.location.startswith(elsewhere.url + "/v1/")
    assert f"redirected to {elsewhere.url}/v1/" in str(error)
    assert "check the endpoint" in str(error)
    assert elsewhere.requests_handled == 0
    again = pickle.loads(pickle.dumps(error))  # noqa: S301 - our own object
    assert type(again) is RedirectError and again.location == error.location


def test_a_listing_behind_a_redirect_raises_instead_of_coming_back_empty() -> None:
    fake = FakeModelArts()
    page = b"<html><title>301 Moved Permanently</title></html>"
    with (
        redirecting(301, "https://modelarts.example/", page) as server,
        Session(**fake.session_kwargs(server.url)) as session,
    ):
        with pytest.raises(RedirectError) as info:
            Estimator.get_job_list(session)
        with pytest.raises(RedirectError):
            Estimator(session, job_id=1).get_job_version_object_list(is_show=False)
    assert info.value.location == "https://modelarts.example/"
    assert info.value.body == page.decode()


def test_a_redirect_without_location_says_so() -> None:
    fake = FakeModelArts()
    with (
        redirecting(307, "") as server,
        Session(**fake.session_kwargs(server.url)) as session,
        pytest.raises(RedirectError, match="without a Location header") as info,
    ):
        session.request("GET", ECHO)
    assert info.value.location is None


def test_the_location_is_scrubbed_of_credentials_and_secrets() -> None:
    fake = FakeModelArts()
    location = f"https://user:pa55word@evil.example/x?token={SECURITY_TOKEN}&\x1b[2J"
    with (
        redirecting(302, location) as server,
        Session(**fake.session_kwargs(server.url), security_token=SECURITY_TOKEN) as session,
        pytest.raises(RedirectError) as info,
    ):
        session.request("GET", ECHO)
    error = info.value
    assert error.location == "https://<redacted>@evil.example/x?token=<security token>&\x1b[2J"
    for text in (str(error), repr(error)):
        assert "pa55word" not in text and SECURITY_TOKEN not in text
        assert "\x1b" not in text


def test_delete_behind_a_redirect_fails_the_command(
    monkeypatch: pytest.MonkeyPatch, elsewhere: LoopbackServer
) -> None:
    fake = FakeModelArts()
    monkeypatch.setenv("HUAWEICLOUD_SDK_AK", fake.access_key)
    monkeypatch.setenv("HUAWEICLOUD_SDK_SK", fake.secret_key)
    out, err = io.StringIO(), io.StringIO()
    with redirecting(307, elsewhere.url + "/v1/jobs") as server:
        argv = ["jobs", "delete", "182626", "--yes", "--endpoint", server.url]
        status = main(
            argv + ["--project-id", fake.project_id], stdin=io.StringIO(), stdout=out, stderr=err
        )
    assert status == 1
    assert f"redirected to {elsewhere.url}/v1/jobs" in err.getvalue()
    assert elsewhere.requests_handled == 0


class Informational(Transport):
    """Answers with a 1xx as the final response, as ``http.client`` passes 101-199 on."""

    def send(self, request: Request) -> Response:
        return Response(103, {"Link": "</style.css>; rel=preload"}, b"", request=request)


def test_a_final_1xx_answer_is_not_success_either() -> None:
    fake = FakeModelArts()
    session = Session(transport=Informational(), **fake.session_kwargs())
    with session, pytest.raises(APIError) as info:
        Estimator.get_job_list(session)
    assert info.value.status_code == 103 and not isinstance(info.value, RedirectError)
