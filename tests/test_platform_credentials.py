"""Inside ModelArts, ``Session()`` finds the platform's own credentials file."""

from __future__ import annotations

from pathlib import Path
from typing import List

import pytest

from modelarts.errors import ConfigurationError, CredentialsNotFoundError
from modelarts.session import Session
from modelarts.testing import FakeClock, FakeModelArts
from modelarts.transport import MockTransport, RecordingTransport, Request, Response, Transport

JOBS = "/v1/{project_id}/training-jobs"
PLATFORM_AK = "AKPLATFORM0000000001"
PLATFORM_SK = "sk-from-the-platform-file-000000000000000"
TOKEN = "platform-security-token-0123456789"
USER_ID = "0a1b2c3d4e5f60718293a4b5c6d7e8f9"


@pytest.fixture
def fake() -> FakeModelArts:
    fake = FakeModelArts(clock=FakeClock())
    fake.add_access_key(PLATFORM_AK, PLATFORM_SK, TOKEN)
    return fake


def platform_file(tmp_path: Path, token_key: str = "security_token", **drop: bool) -> Path:
    values = {"access_key_id": PLATFORM_AK, "secret_access_key": PLATFORM_SK,
              token_key: TOKEN, "user_id": USER_ID}
    lines = [f"{key} = {value}" for key, value in values.items() if not drop.get(key)]
    path = tmp_path / "credential"
    path.write_text("[default]\n" + "\n".join(lines) + "\n", encoding="utf-8")
    return path


def in_notebook(monkeypatch: pytest.MonkeyPatch, path: Path, variable: str) -> None:
    monkeypatch.setenv("NB_USER", "ma-user")
    monkeypatch.setenv(variable, str(path))


def session_on(fake: FakeModelArts, transport: Transport) -> Session:
    return Session(region_name=fake.region, project_id=fake.project_id,
                   transport=transport, clock=fake.clock)


def test_a_notebook_signs_with_the_platform_keys_and_user_id(
    fake: FakeModelArts, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    in_notebook(monkeypatch, platform_file(tmp_path), "AWS_CREDENTIAL_PROFILES_FILE")
    requests: List[Request] = []

    def seen(request: Request) -> Response:  # forwards to the fake, keeping what was sent
        requests.append(request)
        return fake.send(request)

    session = session_on(fake, MockTransport(seen))
    assert (session.access_key, session.security_token) == (PLATFORM_AK, TOKEN)
    session.request("GET", JOBS)  # the fake checks the signature
    (request,) = requests
    assert request.headers["X-ModelArts-User-Id"] == USER_ID
    assert request.headers["X-Security-Token"] == TOKEN
    assert "x-modelarts-user-id" in request.headers["Authorization"].split("SignedHeaders=")[1]


def test_a_training_container_reads_session_token(
    fake: FakeModelArts, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = platform_file(tmp_path, token_key="session_token")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(path))  # no NB_USER needed
    session = session_on(fake, fake)
    assert session.security_token == TOKEN
    session.request("GET", JOBS)


def test_it_comes_after_the_environment_and_before_the_credentials_file(
    fake: FakeModelArts, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home_file = tmp_path / "home-credentials"
    home_file.write_text("[basic]\nak = AKHOMEFILE0000000001\nsk = home-sk\n", encoding="utf-8")
    monkeypatch.setenv("HUAWEICLOUD_SDK_CREDENTIALS_FILE", str(home_file))
    in_notebook(monkeypatch, platform_file(tmp_path), "AWS_CREDENTIAL_PROFILES_FILE")
    assert session_on(fake, fake).access_key == PLATFORM_AK
    monkeypatch.setenv("HUAWEICLOUD_SDK_AK", fake.access_key)
    monkeypatch.setenv("HUAWEICLOUD_SDK_SK", fake.secret_key)
    assert session_on(fake, fake).access_key == fake.access_key


def test_an_encrypted_file_says_so(
    fake: FakeModelArts, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    in_notebook(monkeypatch, platform_file(tmp_path), "CREDENTIAL_PROFILES_FILE")
    with pytest.raises(ConfigurationError, match="encrypted") as info:
        session_on(fake, fake)
    assert PLATFORM_SK not in str(info.value)
    monkeypatch.setenv("HUAWEICLOUD_SDK_AK", fake.access_key)  # the environment comes first
    monkeypatch.setenv("HUAWEICLOUD_SDK_SK", fake.secret_key)
    assert session_on(fake, fake).access_key == fake.access_key


def test_outside_modelarts_the_files_are_not_read(
    fake: FakeModelArts, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_CREDENTIAL_PROFILES_FILE", str(platform_file(tmp_path)))  # no NB_USER
    with pytest.raises(CredentialsNotFoundError) as info:
        session_on(fake, fake)
    assert "not in a ModelArts notebook" in dict(info.value.sources)["ModelArts platform"]


def test_an_incomplete_file_is_a_listed_miss(
    fake: FakeModelArts, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = platform_file(tmp_path, secret_access_key=True)
    in_notebook(monkeypatch, path, "AWS_CREDENTIAL_PROFILES_FILE")
    with pytest.raises(CredentialsNotFoundError) as info:
        session_on(fake, fake)
    assert dict(info.value.sources)["ModelArts platform"] == (
        f"{path} [default] lacks secret_access_key"
    )


def test_the_user_id_never_reaches_a_recording(
    fake: FakeModelArts, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    in_notebook(monkeypatch, platform_file(tmp_path), "AWS_CREDENTIAL_PROFILES_FILE")
    fake.route("GET", "/v1/{project_id}/whoami")(
        lambda r: Response(200, {"Content-Type": "application/json"},
                           b'{"is_success": true, "owner": "' + USER_ID.encode() + b'"}'))
    path = tmp_path / "whoami.json"
    with session_on(fake, RecordingTransport(fake, path)) as session:
        session.request("GET", "/v1/{project_id}/whoami")
    text = path.read_text(encoding="utf-8")
    assert USER_ID not in text and TOKEN not in text and '"owner": "{user_id}"' in text
