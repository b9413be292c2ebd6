"""Where a parameter-less Session() finds its settings (HOME is a temp dir, env is clean)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import List
from urllib.parse import unquote

import pytest

from modelarts.errors import ConfigurationError, CredentialsNotFoundError
from modelarts.session import Session
from modelarts.testing import FakeClock
from modelarts.testing.fake import FakeModelArts, FakeRequest, Reply, json_reply

ECHO = "/v1/{project_id}/echo"


@pytest.fixture
def fake() -> FakeModelArts:
    fake = FakeModelArts(clock=FakeClock())
    fake.route("GET", ECHO)(lambda r: json_reply({"is_success": True, "identity": r.identity}))
    return fake


def set_env(monkeypatch: pytest.MonkeyPatch, **values: str) -> None:
    for name, value in values.items():
        monkeypatch.setenv(f"HUAWEICLOUD_SDK_{name}", value)


def test_environment_alone_is_enough(fake: FakeModelArts, monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in fake.environment("http://127.0.0.1:9").items():
        monkeypatch.setenv(name, value)
    session = Session(transport=fake)
    assert session.access_key == fake.access_key
    assert (session.region_name, session.project_id) == (fake.region, fake.project_id)
    assert session.modelarts_endpoint == session.iam_endpoint == "http://127.0.0.1:9"
    assert session.request("GET", ECHO)["identity"] == f"ak:{fake.access_key}"


def test_arguments_win_and_sets_are_never_mixed(
    fake: FakeModelArts, monkeypatch: pytest.MonkeyPatch
) -> None:
    set_env(monkeypatch, AK="AKFROMENV00000000001", SK="sk-from-env", SECURITY_TOKEN="env-token")
    session = Session(
        fake.access_key, fake.secret_key, fake.project_id, fake.region, transport=fake
    )
    assert session.access_key == fake.access_key
    assert session.security_token is None  # the env's token does not leak into the argument set


def test_credentials_file(
    fake: FakeModelArts, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "creds"
    path.write_text(
        f"[basic]\nak = {fake.access_key}\nsk = {fake.secret_key}\n"
        f"project_id = {fake.project_id}\niam_endpoint = https://iam.file.example\n",
        encoding="utf-8",
    )
    set_env(monkeypatch, CREDENTIALS_FILE=str(path), REGION=fake.region)
    session = Session(transport=fake)
    assert session.project_id == fake.project_id
    assert session.iam_endpoint == "https://iam.file.example"
    assert session.request("GET", ECHO)["is_success"]


def test_default_credentials_file_in_home(
    fake: FakeModelArts, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    folder = Path(os.environ["HOME"]) / ".huaweicloud"
    folder.mkdir()
    (folder / "credentials").write_text(
        f"[basic]\nak={fake.access_key}\nsk={fake.secret_key}\n", encoding="utf-8"
    )
    session = Session(region_name=fake.region, project_id=fake.project_id, transport=fake)
    assert session.access_key == fake.access_key


def test_environment_beats_the_file(
    fake: FakeModelArts, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "creds"
    path.write_text("[basic]\nak = AKFROMFILE0000000001\nsk = sk-from-file\n", encoding="utf-8")
    set_env(monkeypatch, CREDENTIALS_FILE=str(path), AK=fake.access_key, SK=fake.secret_key)
    session = Session(region_name=fake.region, transport=fake)
    assert session.access_key == fake.access_key


def test_nothing_found_lists_every_source(
    monkeypatch: pytest.MonkeyPatch, fake: FakeModelArts
) -> None:
    set_env(monkeypatch, AK="AKONLYTHEAK000000001")
    with pytest.raises(CredentialsNotFoundError) as info:
        Session(region_name="cn-north-4", transport=fake)
    message = str(info.value)
    for source in ("arguments", "environment", "credentials file", "instance metadata"):
        assert source in message
    assert "HUAWEICLOUD_SDK_SK not set" in message
    assert "not enabled" in message
    assert [s for s, _ in info.value.sources][-1] == "instance metadata"
    assert isinstance(info.value, ValueError)


def test_a_damaged_file_that_is_not_needed_is_not_read(
    fake: FakeModelArts, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "creds"
    path.write_text("this is not ini", encoding="utf-8")
    set_env(monkeypatch, CREDENTIALS_FILE=str(path))
    # Everything given: the file is never read.
    Session(transport=fake, **fake.session_kwargs(endpoint="http://127.0.0.1:9"))
    with pytest.raises(ConfigurationError, match="not a valid INI"):
        Session(region_name=fake.region, transport=fake)


def add_metadata_service(
    fake: FakeModelArts, *, expires_in: timedelta, counter: "list[int]"
) -> None:
    fake.add_access_key("AKMETADATA0000000001", "sk-from-metadata", "meta-security-token")

    @fake.route("PUT", "/meta-data/latest/api/token", authenticated=False)
    def token(request: FakeRequest) -> Reply:
        assert request.request.headers["X-Metadata-Token-Ttl-Seconds"] == "21600"
        return Reply(200, b"metadata-session-token", {"Content-Type": "text/plain"})

    @fake.route("GET", "/openstack/latest/securitykey", authenticated=False)
    def key(request: FakeRequest) -> Reply:
        if request.request.headers.get("X-Metadata-Token") != "metadata-session-token":
            return Reply(401, b"unauthorized")
        counter.append(1)
        expires = (fake.clock.now() + expires_in).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        return json_reply(
            {
                "credential": {
                    "access": "AKMETADATA0000000001",
                    "secret": "sk-from-metadata",
                    "securitytoken": "meta-security-token",
                    "expires_at": expires,
                }
            }
        )


def test_metadata_is_never_contacted_unless_enabled(fake: FakeModelArts) -> None:
    fetched: "list[int]" = []
    add_metadata_service(fake, expires_in=timedelta(hours=6), counter=fetched)
    with pytest.raises(CredentialsNotFoundError):
        Session(region_name=fake.region, project_id=fake.project_id, transport=fake)
    assert not [c for c in fake.calls if "meta" in c.path or "openstack" in c.path]


def test_metadata_when_enabled(fake: FakeModelArts, monkeypatch: pytest.MonkeyPatch) -> None:
    fetched: "list[int]" = []
    add_metadata_service(fake, expires_in=timedelta(hours=1), counter=fetched)
    set_env(monkeypatch, METADATA="1", METADATA_ENDPOINT="http://127.0.0.1:1")
    clock = fake.clock
    session = Session(
        region_name=fake.region, project_id=fake.project_id, transport=fake, clock=clock
    )
    assert session.security_token == "meta-security-token"
    assert session.request("GET", ECHO)["identity"] == "ak:AKMETADATA0000000001"
    assert len(fetched) == 1
    clock.advance(25 * 60)  # type: ignore[attr-defined]  # 35 min left: under the 40-min margin
    session.request("GET", ECHO)
    session.request("GET", ECHO)
    assert len(fetched) == 2


def test_metadata_failure_is_listed(fake: FakeModelArts) -> None:
    with pytest.raises(CredentialsNotFoundError) as info:
        Session(
            region_name=fake.region, project_id=fake.project_id, transport=fake, use_metadata=True
        )
    reason = dict(info.value.sources)["instance metadata"]
    assert "answered HTTP 401" in reason


def test_replaying_transport_needs_no_credentials(tmp_path: Path) -> None:
    from modelarts.transport import FixtureTransport, Request, Response
    from modelarts.transport.fixture_files import write_rendered
    from modelarts.transport.fixture_format import (
        Body,
        Fixture,
        Interaction,
        StoredRequest,
        StoredResponse,
        render_fixture,
    )

    path = tmp_path / "echo.json"
    answer = StoredResponse(200, {"content-type": "application/json"}, Body("json", {"n": 1}))
    fixture = Fixture((Interaction(StoredRequest("GET", "/v1/{project_id}/echo"), answer),))
    write_rendered(render_fixture(fixture, path), path)
    sent: List[Request] = []

    class Watched(FixtureTransport):
        def send(self, request: Request) -> Response:
            sent.append(request)
            return super().send(request)

    session = Session(transport=Watched(path))
    assert session.auth_mode == "none" and session.project_id == "{project_id}"
    assert session.request("GET", ECHO) == {"n": 1}
    assert unquote(sent[0].path) == "/v1/{project_id}/echo"
    assert "Authorization" not in sent[0].headers and "X-Auth-Token" not in sent[0].headers
