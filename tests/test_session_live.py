"""The Session over real HTTP: environment only, default transport, verifying fake cloud."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Iterator

import pytest

from modelarts.session import Session
from modelarts.testing import FakeModelArts, LoopbackServer
from modelarts.testing.fake import FakeRequest, Reply, json_reply

ECHO = "/v1/{project_id}/echo"


@pytest.fixture
def fake() -> FakeModelArts:
    fake = FakeModelArts()
    for method in ("GET", "POST", "PUT", "DELETE"):
        fake.route(method, ECHO)(
            lambda r: json_reply({"is_success": True, "query": r.query, "body": r.json()})
        )
    return fake


@pytest.fixture
def server(fake: FakeModelArts) -> Iterator[LoopbackServer]:
    with fake.serve() as server:
        yield server


def test_environment_only_script_makes_signed_requests_a_verifier_accepts(
    fake: FakeModelArts, server: LoopbackServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Exactly the variables of the "done when": AK, SK, project, region, endpoint.
    monkeypatch.setenv("HUAWEICLOUD_SDK_AK", fake.access_key)
    monkeypatch.setenv("HUAWEICLOUD_SDK_SK", fake.secret_key)
    monkeypatch.setenv("HUAWEICLOUD_SDK_PROJECT_ID", fake.project_id)
    monkeypatch.setenv("HUAWEICLOUD_SDK_REGION", fake.region)
    monkeypatch.setenv("HUAWEICLOUD_SDK_MODELARTS_ENDPOINT", server.url)
    with Session() as session:
        awkward = [
            ("search content", "two  spaces and\ttab"),
            ("unicode", "训练作业 ünïcödé 😀"),
            ("reserved", "a+b=c&d?e#f/g:h@i!$'()*,;[]"),
            ("tilde", "~._-"),
            ("empty", ""),
            ("repeated", "2"),
            ("repeated", "1"),
        ]
        for method in ("GET", "DELETE", "PUT", "POST"):
            body = {"job_desc": "训练 — ok"} if method in ("PUT", "POST") else None
            data = session.request(method, ECHO, query=awkward, json=body)
            assert data["query"]["unicode"] == "训练作业 ünïcödé 😀"
            assert data["query"]["reserved"] == "a+b=c&d?e#f/g:h@i!$'()*,;[]"
            assert data["query"]["search content"] == "two  spaces and\ttab"
            assert data["body"] == body
    statuses = {call.status for call in fake.calls}
    assert statuses == {200}
    assert server.connections_accepted == 1  # one pooled connection for all calls


def test_password_login_over_http(fake: FakeModelArts, server: LoopbackServer) -> None:
    fake.add_user("alice", "correct horse battery staple", "acme")
    with Session(
        username="alice",
        password="correct horse battery staple",
        account="acme",
        region_name=fake.region,
        modelarts_endpoint=server.url,
        iam_endpoint=server.url,
    ) as session:
        assert session.request("GET", ECHO, query={"q": "x y"})["query"] == {"q": "x y"}
        assert session.project_id == fake.project_id


def test_metadata_credentials_over_http(
    fake: FakeModelArts, server: LoopbackServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake.add_access_key("AKMETA00000000000001", "sk-meta", "meta-token")
    expires = (datetime.now(timezone.utc) + timedelta(hours=6)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")

    @fake.route("PUT", "/meta-data/latest/api/token", authenticated=False)
    def token(request: FakeRequest) -> Reply:
        return Reply(200, b"imds-token", {"Content-Type": "text/plain"})

    @fake.route("GET", "/openstack/latest/securitykey", authenticated=False)
    def key(request: FakeRequest) -> Reply:
        assert request.request.headers["X-Metadata-Token"] == "imds-token"
        credential = {
            "access": "AKMETA00000000000001",
            "secret": "sk-meta",
            "securitytoken": "meta-token",
            "expires_at": expires,
        }
        return json_reply({"credential": credential})

    monkeypatch.setenv("HUAWEICLOUD_SDK_METADATA", "1")
    monkeypatch.setenv("HUAWEICLOUD_SDK_METADATA_ENDPOINT", server.url)
    with Session(
        project_id=fake.project_id, region_name=fake.region, modelarts_endpoint=server.url
    ) as session:
        assert session.access_key == "AKMETA00000000000001"
        assert session.request("GET", ECHO)["is_success"] is True
