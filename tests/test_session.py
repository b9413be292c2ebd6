"""The Session against the fake cloud, which verifies signatures and tokens for real."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any, Dict, List

import pytest

from modelarts.errors import (
    APIError,
    AuthenticationError,
    ConfigurationError,
    ResponseFormatError,
    ServerError,
)
from modelarts.retry import Retry
from modelarts.session import Session
from modelarts.testing import FakeClock
from modelarts.testing.fake import FakeModelArts, FakeRequest, Reply, json_reply

ECHO = "/v1/{project_id}/echo"


@pytest.fixture
def fake() -> FakeModelArts:
    fake = FakeModelArts(clock=FakeClock())

    @fake.route("GET", ECHO)
    @fake.route("POST", ECHO)
    def echo(request: FakeRequest) -> Reply:
        return json_reply(
            {
                "is_success": True,
                "query": request.query,
                "body": request.json(),
                "identity": request.identity,
            }
        )

    return fake


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def calls_to(fake: FakeModelArts, path_part: str) -> "List[Any]":
    return [call for call in fake.calls if path_part in call.path]


# -- AK/SK --------------------------------------------------------------------------


def test_aksk_requests_are_signed_and_accepted(fake: FakeModelArts, clock: FakeClock) -> None:
    session = Session(transport=fake, clock=clock, **fake.session_kwargs())
    data = session.request("GET", ECHO, query={"page": 1, "per_page": 10})
    assert data["query"] == {"page": "1", "per_page": "10"}
    assert data["identity"] == f"ak:{fake.access_key}"
    assert session.auth_mode == "aksk"


@pytest.mark.parametrize(
    "value",
    [
        "with space",
        "ünïcödé 训练",
        "a+b=c&d?e#f/g:h@i",
        "~tilde.dot-dash_",
        "",
        "%41 literal",
        "😀",
    ],
)
def test_awkward_query_values_sign_correctly(
    fake: FakeModelArts, clock: FakeClock, value: str
) -> None:
    session = Session(transport=fake, clock=clock, **fake.session_kwargs())
    data = session.request("GET", ECHO, query=[("search content", value), ("b", "2")])
    assert data["query"] == {"search content": value, "b": "2"}


def test_json_body_is_sent_and_signed(fake: FakeModelArts, clock: FakeClock) -> None:
    session = Session(transport=fake, clock=clock, **fake.session_kwargs())
    body = {"job_desc": "retrained with lr=0.01 — 训练", "n": [1, 2.5, None, True]}
    assert session.request("POST", ECHO, json=body)["body"] == body


def test_temporary_keys_send_the_security_token(fake: FakeModelArts, clock: FakeClock) -> None:
    fake.add_access_key("AKTEMPORARY000000001", "temporary-secret-key-0001", "sts-token-xyz")
    session = Session(
        "AKTEMPORARY000000001",
        "temporary-secret-key-0001",
        fake.project_id,
        fake.region,
        security_token="sts-token-xyz",
        transport=fake,
        clock=clock,
    )
    assert session.request("GET", ECHO)["identity"] == "ak:AKTEMPORARY000000001"
    wrong = Session(
        "AKTEMPORARY000000001",
        "temporary-secret-key-0001",
        fake.project_id,
        fake.region,
        security_token="stolen",
        transport=fake,
        clock=clock,
    )
    with pytest.raises(AuthenticationError) as info:
        wrong.request("GET", ECHO)
    assert info.value.error_code == "APIGW.0301"


def test_wrong_secret_key_is_refused_with_the_gateway_code(
    fake: FakeModelArts, clock: FakeClock
) -> None:
    kwargs = fake.session_kwargs()
    kwargs["secret_key"] = "not-the-right-secret-key"
    session = Session(transport=fake, clock=clock, **kwargs)
    with pytest.raises(AuthenticationError) as info:
        session.request("GET", ECHO, operation="echo")
    error = info.value
    assert (error.status_code, error.error_code) == (401, "APIGW.0301")
    assert error.request_id and error.method == "GET" and "/echo" in error.path
    assert "not-the-right-secret-key" not in str(error)


def test_every_attempt_is_signed_with_a_fresh_date(fake: FakeModelArts, clock: FakeClock) -> None:
    seen: "List[str]" = []
    answers = iter([503, 200])

    @fake.route("GET", "/v1/{project_id}/flaky")
    def flaky(request: FakeRequest) -> Reply:
        seen.append(request.request.headers["X-Sdk-Date"])
        return json_reply({"is_success": True}, next(answers))

    session = Session(
        transport=fake,
        clock=clock,
        retry=Retry(backoff_factor=2, jitter=lambda cap: cap),
        **fake.session_kwargs(),
    )
    session.request("GET", "/v1/{project_id}/flaky")
    assert len(seen) == 2 and seen[0] != seen[1]


# -- clock skew -------------------------------------------------------------------------


def test_clock_skew_is_corrected_from_the_date_header(fake: FakeModelArts) -> None:
    wrong = FakeClock()
    wrong.set_wall(fake.clock.now() + timedelta(hours=1))
    session = Session(transport=fake, clock=wrong, **fake.session_kwargs())
    assert session.request("GET", ECHO)["is_success"] is True
    assert [c.status for c in calls_to(fake, "/echo")] == [401, 200]
    session.request("GET", ECHO)  # later requests use the corrected clock at once
    assert [c.status for c in calls_to(fake, "/echo")] == [401, 200, 200]


def test_clock_skew_is_corrected_only_once(fake: FakeModelArts) -> None:
    @fake.route("GET", "/v1/{project_id}/always-expired", authenticated=False)
    def expired(request: FakeRequest) -> Reply:
        return Reply(401, {"error_code": "APIGW.0301", "error_msg": "signature expired, x"})

    session = Session(transport=fake, clock=FakeClock(), **fake.session_kwargs())
    with pytest.raises(AuthenticationError):
        session.request("GET", "/v1/{project_id}/always-expired")
    assert len(calls_to(fake, "always-expired")) == 2


# -- tokens ----------------------------------------------------------------------------


def token_session(fake: FakeModelArts, clock: FakeClock, **extra: Any) -> Session:
    fake.add_user("alice", "correct horse battery staple", "acme")
    return Session(
        username="alice",
        password="correct horse battery staple",
        account="acme",
        region_name=fake.region,
        transport=fake,
        clock=clock,
        **extra,
    )


def test_password_login_gets_a_project_scoped_token(fake: FakeModelArts, clock: FakeClock) -> None:
    session = token_session(fake, clock)
    assert session.auth_mode == "token"
    assert session.request("GET", ECHO)["identity"] == "token:alice"
    assert session.project_id == fake.project_id  # learnt from the token, no lookup
    session.request("GET", ECHO)
    assert len(calls_to(fake, "/v3/auth/tokens")) == 1
    assert not calls_to(fake, "/v3/projects")


def test_account_defaults_to_the_username(fake: FakeModelArts, clock: FakeClock) -> None:
    fake.add_user("bob", "pw-of-bob-0001")
    session = Session(
        username="bob",
        password="pw-of-bob-0001",
        region_name=fake.region,
        transport=fake,
        clock=clock,
    )
    assert session.request("GET", ECHO)["identity"] == "token:bob"


def test_wrong_password_is_an_authentication_error(fake: FakeModelArts, clock: FakeClock) -> None:
    fake.add_user("alice", "right-password")
    session = Session(
        username="alice",
        password="wrong-password",
        region_name=fake.region,
        transport=fake,
        clock=clock,
    )
    with pytest.raises(AuthenticationError) as info:
        session.request("GET", ECHO)
    assert "wrong-password" not in str(info.value)
    assert "username" in str(info.value)


def test_token_is_renewed_before_it_expires(fake: FakeModelArts, clock: FakeClock) -> None:
    session = token_session(fake, clock)
    session.request("GET", ECHO)
    clock.advance(timedelta(hours=23, minutes=50).total_seconds())
    fake.clock.advance(timedelta(hours=23, minutes=50).total_seconds())  # type: ignore[attr-defined]
    session.request("GET", ECHO)
    assert len(calls_to(fake, "/v3/auth/tokens")) == 2
    assert [c.status for c in calls_to(fake, "/echo")] == [200, 200]


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_expired_token_is_renewed_once_and_the_request_resent(
    fake: FakeModelArts, clock: FakeClock, method: str
) -> None:
    session = token_session(fake, clock)
    session.request("GET", ECHO)
    # The server's clock runs past the token's life; the session does not know.
    fake.clock.advance(timedelta(hours=25).total_seconds())  # type: ignore[attr-defined]
    session.request(method, ECHO, json={"x": 1} if method == "POST" else None)
    statuses = [c.status for c in calls_to(fake, "/echo")]
    assert statuses == [200, 401, 200]
    assert len(calls_to(fake, "/v3/auth/tokens")) == 2


def test_a_token_refused_twice_is_not_renewed_forever(
    fake: FakeModelArts, clock: FakeClock
) -> None:
    @fake.route("GET", "/v1/{project_id}/stale", authenticated=False)
    def stale(request: FakeRequest) -> Reply:
        return Reply(401, {"error_code": "ModelArts.0202", "error_msg": "token expired"})

    session = token_session(fake, clock)
    with pytest.raises(AuthenticationError) as info:
        session.request("GET", "/v1/{project_id}/stale")
    assert info.value.error_code == "ModelArts.0202"
    assert len(calls_to(fake, "/stale")) == 2


def test_eight_threads_starting_together_fetch_one_token(
    fake: FakeModelArts, clock: FakeClock
) -> None:
    session = token_session(fake, clock)
    barrier = threading.Barrier(8)
    errors: "List[BaseException]" = []

    def work() -> None:
        try:
            barrier.wait()
            session.request("GET", ECHO)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(calls_to(fake, "/v3/auth/tokens")) == 1
    assert len(calls_to(fake, "/echo")) == 8


# -- project id ------------------------------------------------------------------------


def test_project_id_is_looked_up_once(fake: FakeModelArts, clock: FakeClock) -> None:
    kwargs = fake.session_kwargs()
    del kwargs["project_id"]
    session = Session(transport=fake, clock=clock, **kwargs)
    session.request("GET", ECHO)
    session.request("GET", ECHO)
    assert session.project_id == fake.project_id
    lookups = calls_to(fake, "/v3/projects")
    assert len(lookups) == 1 and lookups[0].query == {"name": fake.region}


@pytest.mark.parametrize(("count", "message"), [(0, "no project named"), (2, "several projects")])
def test_project_lookup_needs_exactly_one_match(
    fake: FakeModelArts, clock: FakeClock, count: int, message: str
) -> None:
    @fake.route("GET", "/v3/projects")
    def projects(request: FakeRequest) -> Reply:
        found = [{"id": f"p{i}", "name": fake.region} for i in range(count)]
        return json_reply({"projects": found})

    kwargs = fake.session_kwargs()
    del kwargs["project_id"]
    session = Session(transport=fake, clock=clock, **kwargs)
    with pytest.raises(ConfigurationError, match=message):
        session.request("GET", ECHO)


def test_a_garbled_project_lookup_is_a_format_error(fake: FakeModelArts, clock: FakeClock) -> None:
    @fake.route("GET", "/v3/projects")
    def projects(request: FakeRequest) -> Reply:
        return json_reply({"projects": "nope"})

    kwargs = fake.session_kwargs()
    del kwargs["project_id"]
    with pytest.raises(ResponseFormatError, match="projects"):
        Session(transport=fake, clock=clock, **kwargs).project_id  # noqa: B018


# -- errors ------------------------------------------------------------------------------


def test_is_success_false_with_http_200_raises(fake: FakeModelArts, clock: FakeClock) -> None:
    @fake.route("GET", "/v1/{project_id}/refused")
    def refused(request: FakeRequest) -> Reply:
        return json_reply(
            {"is_success": False, "error_code": "ModelArts.0105", "error_message": "Error string"}
        )

    session = Session(transport=fake, clock=clock, **fake.session_kwargs())
    with pytest.raises(APIError) as info:
        session.request("GET", "/v1/{project_id}/refused")
    error = info.value
    assert (error.status_code, error.error_code, error.error_msg) == (
        200,
        "ModelArts.0105",
        "Error string",
    )
    assert error.body == {
        "is_success": False,
        "error_code": "ModelArts.0105",
        "error_message": "Error string",
    }


def test_non_json_success_body_is_a_format_error(fake: FakeModelArts, clock: FakeClock) -> None:
    @fake.route("GET", "/v1/{project_id}/html")
    def html(request: FakeRequest) -> Reply:
        return Reply(200, b"<html><title>Maintenance</title></html>", {"Content-Type": "text/html"})

    session = Session(transport=fake, clock=clock, **fake.session_kwargs())
    with pytest.raises(ResponseFormatError) as info:
        session.request("GET", "/v1/{project_id}/html", operation="list versions")
    assert "list versions" in str(info.value) and info.value.request_id


def test_gateway_html_error_page_becomes_api_error(fake: FakeModelArts, clock: FakeClock) -> None:
    @fake.route("GET", "/v1/{project_id}/down")
    def down(request: FakeRequest) -> Reply:
        return Reply(502, b"<html><head><title>502 Bad Gateway</title></head></html>")

    session = Session(transport=fake, clock=clock, retry=0, **fake.session_kwargs())
    with pytest.raises(ServerError) as info:
        session.request("GET", "/v1/{project_id}/down")
    assert info.value.error_code == "502"
    assert "502 Bad Gateway" in info.value.error_msg


# -- configuration -----------------------------------------------------------------------


def test_set_endpoint_is_below_arguments_and_above_environment(
    fake: FakeModelArts, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HUAWEICLOUD_SDK_MODELARTS_ENDPOINT", "https://from-env.example")
    try:
        Session.set_endpoint(
            modelarts_endpoint="https://from-class.example", iam_endpoint="iam.example"
        )
        session = Session(transport=fake, **fake.session_kwargs())
        assert session.modelarts_endpoint == "https://from-class.example"
        assert session.iam_endpoint == "https://iam.example"
        explicit = Session(
            transport=fake, modelarts_endpoint="http://127.0.0.1:1", **fake.session_kwargs()
        )
        assert explicit.modelarts_endpoint == "http://127.0.0.1:1"
    finally:
        Session.clear_endpoints()
    assert (
        Session(transport=fake, **fake.session_kwargs()).modelarts_endpoint
        == "https://from-env.example"
    )


def test_region_defaults_the_endpoints(fake: FakeModelArts) -> None:
    kwargs: Dict[str, Any] = fake.session_kwargs()
    kwargs["region_name"] = "ap-southeast-1"
    session = Session(transport=fake, **kwargs)
    assert session.modelarts_endpoint == "https://modelarts.ap-southeast-1.myhuaweicloud.cn"
    assert session.iam_endpoint == "https://iam.ap-southeast-1.myhuaweicloud.com"


def test_no_region_and_no_endpoint_is_a_clear_error(fake: FakeModelArts) -> None:
    with pytest.raises(ConfigurationError, match="region"):
        Session(fake.access_key, fake.secret_key, fake.project_id, transport=fake)


def test_timeout_with_a_custom_transport_is_refused(fake: FakeModelArts) -> None:
    with pytest.raises(ConfigurationError, match="timeout"):
        Session(transport=fake, timeout=3, **fake.session_kwargs())
