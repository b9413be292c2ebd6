"""choose_transport: arguments, then the environment, then the live transport; a visible switch."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from modelarts.errors import ConfigurationError, InvalidArgumentError
from modelarts.session import Session
from modelarts.transport import (
    FixtureTransport,
    MockTransport,
    RecordingTransport,
    Response,
    Urllib3Transport,
)
from modelarts.transport.choice import choose_transport
from modelarts.transport.fixture_files import write_rendered
from modelarts.transport.fixture_format import (
    Body,
    Fixture,
    Interaction,
    StoredRequest,
    StoredResponse,
    render_fixture,
)


def fixture_file(path: Path) -> Path:
    answer = StoredResponse(200, {"content-type": "application/json"}, Body("json", {"n": 1}))
    fixture = Fixture((Interaction(StoredRequest("GET", "/v1/{project_id}/echo"), answer),))
    write_rendered(render_fixture(fixture, path), path)
    return path


def test_nothing_set_is_the_live_transport() -> None:
    choice = choose_transport(env={})
    with choice.transport as transport:
        assert type(transport) is Urllib3Transport and choice.notice is None


def test_a_replay_only_mode_gives_a_fixture_transport(tmp_path: Path) -> None:
    path = fixture_file(tmp_path / "f.json")
    for mode in (None, "none", "once"):
        choice = choose_transport(fixture=path, mode=mode, env={})
        assert type(choice.transport) is FixtureTransport and choice.notice is None


def test_a_recording_mode_wraps_the_live_transport(tmp_path: Path) -> None:
    path = fixture_file(tmp_path / "f.json")
    for mode in ("new_episodes", "all"):
        recorder = choose_transport(fixture=path, mode=mode, timeout=(1.0, 2.0)).transport
        assert isinstance(recorder, RecordingTransport) and recorder.recording
        assert isinstance(recorder.inner, Urllib3Transport)
        assert recorder.inner.timeout == (1.0, 2.0)
    absent = choose_transport(fixture=tmp_path / "absent.json", mode="once").transport
    assert isinstance(absent, RecordingTransport) and absent.recording


def test_the_environment_chooses_and_says_so(tmp_path: Path) -> None:
    path = fixture_file(tmp_path / "f.json")
    env = {"MODELARTS_FIXTURE": str(path)}
    choice = choose_transport(env=env)
    assert isinstance(choice.transport, FixtureTransport)
    assert choice.notice is not None and str(path) in choice.notice and "'none'" in choice.notice
    with pytest.raises(InvalidArgumentError, match="valid modes"):
        choose_transport(env={**env, "MODELARTS_RECORD_MODE": "sometimes"})


def test_arguments_win_over_the_environment(tmp_path: Path) -> None:
    path = fixture_file(tmp_path / "f.json")
    env = {"MODELARTS_FIXTURE": str(tmp_path / "other.json"), "MODELARTS_RECORD_MODE": "all"}
    choice = choose_transport(fixture=path, env=env)
    assert isinstance(choice.transport, FixtureTransport) and choice.transport.path == path


def test_a_recorder_needs_something_to_record_through(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="pass the transport to record through"):
        RecordingTransport(None, tmp_path / "new.json", "once")


def test_a_session_on_the_environment_warns_once_at_its_first_request(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    path = fixture_file(tmp_path / "f.json")
    monkeypatch.setenv("MODELARTS_FIXTURE", str(path))
    caplog.set_level(logging.WARNING, logger="modelarts")
    with Session() as session:  # no credentials needed: the fixture answers
        assert caplog.records == []
        assert session.request("GET", "/v1/{project_id}/echo") == {"n": 1}
        with pytest.raises(Exception, match="no recorded interaction"):
            session.request("GET", "/v1/{project_id}/echo")
    warnings = [r for r in caplog.records if "MODELARTS_FIXTURE" in r.getMessage()]
    assert len(warnings) == 1 and warnings[0].levelno == logging.WARNING
    assert str(path) in warnings[0].getMessage()


def test_a_transport_passed_in_is_used_without_a_word(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="modelarts")
    mock = MockTransport(lambda request: Response(200, json={"ok": True}))
    session = Session("AK0000000000000000001", "sk", "p0", "cn-north-4", transport=mock)
    assert session.request("GET", "/v1/{project_id}/x") == {"ok": True}
    assert caplog.records == []
