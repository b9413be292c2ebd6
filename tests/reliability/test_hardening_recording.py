"""Issue 13, items 1 and 8: no failed run, interruption or deep answer costs a recording.

``modelarts ... --record FILE`` without credentials, with a bad setting, or
stopped by Ctrl-C; a ``Session()`` that fails under ``MODELARTS_FIXTURE``: each
used to leave FILE emptier than before (or an empty new file that the next
``once`` run would replay). Now an existing fixture is never replaced or
shrunk by such a run, no empty file is written, and a run that completes in
mode ``all`` still replaces the file.
"""

from __future__ import annotations

import _thread
import gc
import io
import itertools
import json
from pathlib import Path
from typing import Iterator, List, Optional

import pytest

from modelarts.cli import main
from modelarts.errors import (
    CredentialsNotFoundError,
    FixtureError,
    FixtureFormatError,
    InvalidArgumentError,
    ResponseFormatError,
)
from modelarts.session import Session
from modelarts.testing import FakeModelArts
from modelarts.testing.faults import Fault, FaultContext
from modelarts.training_job import JobStatus
from modelarts.transport import (
    FixtureTransport,
    MockTransport,
    RecordingTransport,
    Request,
    Response,
    Transport,
)
from modelarts.transport.fixture_format import MAX_JSON_DEPTH, json_depth

VERSIONS = "GET /v1/{project_id}/training-jobs/{job_id}/versions"


class Interrupt(Fault):
    """Answers normally, but first presses Ctrl-C in the main thread (where the CLI runs)."""

    processed = True

    @property
    def name(self) -> str:
        return "ctrl_c"

    def spoil(self, response: Response, context: FaultContext) -> Response:
        _thread.interrupt_main()
        return response


class Served:
    def __init__(self, fake: FakeModelArts, url: str, job: str) -> None:
        self.fake, self.url, self.job = fake, url, job

    def run(self, *argv: str, options: bool = True) -> "tuple[int, str]":
        err = io.StringIO()
        where = ["--endpoint", self.url, "--iam-endpoint", self.url,
                 "--region", self.fake.region, "--project-id", self.fake.project_id]
        status = main([*argv, *(where if options else [])], stdin=io.StringIO(),
                      stdout=io.StringIO(), stderr=err)
        return status, err.getvalue()


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> Iterator[Served]:
    fake = FakeModelArts()
    job = str(fake.add_job("mnist", versions=5, status=JobStatus.RUNNING))
    monkeypatch.setenv("HUAWEICLOUD_SDK_AK", fake.access_key)
    monkeypatch.setenv("HUAWEICLOUD_SDK_SK", fake.secret_key)
    with fake.serve() as server:
        yield Served(fake, server.url, job)


def interactions(path: Path) -> List[str]:
    document = json.loads(path.read_text(encoding="utf-8"))
    return [f"{i['request']['method']} {i['request']['path']}" for i in document["interactions"]]


def recorded_once(served: Served, path: Path) -> bytes:
    status, err = served.run("jobs", "versions", served.job, "--page-size", "2",
                             "--record", str(path))
    assert status == 0, err
    assert len(interactions(path)) == 3  # three pages of two
    return path.read_bytes()


# -- the command ---------------------------------------------------------------------


def test_no_credentials_leaves_the_fixture_as_it_was(
    served: Served, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "versions.json"
    before = recorded_once(served, path)
    monkeypatch.delenv("HUAWEICLOUD_SDK_AK")
    monkeypatch.delenv("HUAWEICLOUD_SDK_SK")
    status, err = served.run("jobs", "versions", served.job, "--record", str(path))
    assert status != 0 and "no credentials" in err
    assert path.read_bytes() == before
    fresh = tmp_path / "fresh.json"
    served.run("jobs", "versions", served.job, "--record", str(fresh))
    assert not fresh.exists()  # no empty fixture for the next run to replay


def test_a_bad_setting_leaves_the_fixture_as_it_was(served: Served, tmp_path: Path) -> None:
    path = tmp_path / "versions.json"
    before = recorded_once(served, path)
    status, _ = served.run("jobs", "versions", served.job, "--record", str(path),
                           "--region", "no such/region", options=False)
    assert status != 0
    assert path.read_bytes() == before


def test_ctrl_c_while_recording_leaves_the_fixture_as_it_was(
    served: Served, tmp_path: Path
) -> None:
    path = tmp_path / "versions.json"
    before = recorded_once(served, path)
    served.fake.inject(VERSIONS, Interrupt())  # the first page arrives, then Ctrl-C
    status, _ = served.run("jobs", "versions", served.job, "--page-size", "2",
                           "--record", str(path))
    assert status == 130
    assert served.fake.faults_injected == {"ctrl_c": 1}
    assert path.read_bytes() == before
    fresh = tmp_path / "fresh.json"
    served.fake.inject(VERSIONS, Interrupt())
    assert served.run("jobs", "versions", served.job, "--record", str(fresh))[0] == 130
    assert not fresh.exists()


def test_a_failed_command_in_mode_all_keeps_the_longer_fixture(
    served: Served, tmp_path: Path
) -> None:
    path = tmp_path / "versions.json"
    before = recorded_once(served, path)
    status, err = served.run("jobs", "versions", "999999", "--record", str(path))
    assert status == 1 and "ModelArts.0015" in err  # the server's 404
    assert path.read_bytes() == before


def test_a_failed_command_still_adds_new_episodes(served: Served, tmp_path: Path) -> None:
    path = tmp_path / "versions.json"
    recorded_once(served, path)
    status, _ = served.run("jobs", "versions", "999999", "--record", str(path),
                           "--record-mode", "new_episodes")
    assert status == 1
    assert len(interactions(path)) == 4  # the 404 is a real answer, and only adds


def test_a_completed_run_in_mode_all_replaces_the_fixture(served: Served, tmp_path: Path) -> None:
    path = tmp_path / "versions.json"
    recorded_once(served, path)
    status, err = served.run("jobs", "versions", served.job, "--record", str(path))
    assert status == 0, err
    assert len(interactions(path)) == 1  # one page of ten: the new story, shorter


# -- Session() under MODELARTS_FIXTURE ----------------------------------------------------


@pytest.mark.parametrize("mode", ["once", "all", "new_episodes"])
def test_a_failed_session_writes_no_fixture(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mode: str
) -> None:
    path = tmp_path / "f.json"
    monkeypatch.setenv("MODELARTS_FIXTURE", str(path))
    monkeypatch.setenv("MODELARTS_RECORD_MODE", mode)
    monkeypatch.setenv("HUAWEICLOUD_SDK_REGION", "cn-north-4")
    with pytest.raises(CredentialsNotFoundError):
        Session()
    gc.collect()  # the half-made Session's finaliser closes its recorder
    assert not path.exists()


def test_a_failed_session_in_mode_all_keeps_the_existing_fixture(
    served: Served, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "versions.json"
    before = recorded_once(served, path)
    monkeypatch.delenv("HUAWEICLOUD_SDK_AK")
    monkeypatch.setenv("MODELARTS_FIXTURE", str(path))
    monkeypatch.setenv("MODELARTS_RECORD_MODE", "all")
    monkeypatch.setenv("HUAWEICLOUD_SDK_REGION", "cn-north-4")
    with pytest.raises(CredentialsNotFoundError):
        Session()
    gc.collect()
    assert path.read_bytes() == before


# -- the transport and the Session as context managers --------------------------------------


def pages(stop: Optional[int] = None) -> MockTransport:
    """Answers every request; presses Ctrl-C (raises KeyboardInterrupt) on request ``stop``."""
    numbers = itertools.count(1)

    def answer(request: Request) -> Response:
        number = next(numbers)
        if number == stop:
            raise KeyboardInterrupt
        body = json.dumps({"is_success": True, "page": number}).encode()
        return Response(200, {"Content-Type": "application/json"}, body)

    return MockTransport(answer)


def page(number: int) -> Request:
    return Request("GET", f"https://modelarts.example/v1/P/jobs?page={number}")


def test_an_interrupted_with_block_writes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "pages.json"
    with RecordingTransport(pages(), path, "all") as recorder:
        for number in range(4):
            recorder.send(page(number))
    before = path.read_bytes()

    def interrupted_between_requests(mode: str) -> None:
        with RecordingTransport(pages(), path, mode) as recorder:
            for number in range(10, 14):
                recorder.send(page(number))
            raise KeyboardInterrupt  # after the requests, not inside one

    for mode in ("all", "new_episodes"):
        with pytest.raises(KeyboardInterrupt):
            interrupted_between_requests(mode)
        assert path.read_bytes() == before


def test_a_session_left_by_an_exception_keeps_the_fixture(
    served: Served, tmp_path: Path
) -> None:
    path = tmp_path / "versions.json"
    before = recorded_once(served, path)

    def script_failing_half_way() -> None:
        with Session(transport=RecordingTransport(served.fake, path, "all"),
                     **served.fake.session_kwargs()) as session:
            session.request("GET", "/v1/{project_id}/training-jobs")
            raise FixtureError("the script failed half-way")

    with pytest.raises(FixtureError):
        script_failing_half_way()
    assert path.read_bytes() == before
    with Session(transport=RecordingTransport(served.fake, path, "all"),
                 **served.fake.session_kwargs()) as session:
        session.request("GET", "/v1/{project_id}/training-jobs")
    assert interactions(path) == ["GET /v1/{project_id}/training-jobs"]


def test_interrupted_mid_request_then_closed_plainly_writes_nothing(tmp_path: Path) -> None:
    # A script under MODELARTS_FIXTURE stopped by Ctrl-C: its Session is closed by a
    # finaliser at exit, which cannot know how the run ended; the recorder saw it.
    path = tmp_path / "pages.json"
    recorder = RecordingTransport(pages(stop=2), path, "once")
    recorder.send(page(1))
    with pytest.raises(KeyboardInterrupt):
        recorder.send(page(2))
    recorder.close()
    assert not path.exists()


# -- item 8: deeply nested answers -------------------------------------------------------------


def nested(sent: List[Request]) -> MockTransport:
    """Answers ``GET /v1/P/deep?levels=N`` with a success body whose ``value`` nests N levels."""

    def answer(request: Request) -> Response:
        sent.append(request)
        levels = int(request.url.rsplit("=", 1)[1])
        value = b"[" * levels + b"]" * levels
        body = b'{"is_success": true, "value": ' + value + b"}"
        return Response(200, {"Content-Type": "application/json"}, body)

    return MockTransport(answer)


def nested_session(recorder: Transport) -> Session:
    return Session(transport=recorder, access_key="AKNESTED0000000000", secret_key="s" * 40,
                   project_id="P", region_name="cn-north-4")


@pytest.mark.parametrize("levels", [MAX_JSON_DEPTH, 600, 980])
def test_a_deep_answer_is_refused_where_it_arrives_and_the_rest_is_kept(
    tmp_path: Path, levels: int
) -> None:
    path = tmp_path / "deep.json"
    with nested_session(RecordingTransport(nested([]), path, "once")) as session:
        session.request("GET", "/v1/P/deep", query={"levels": "3"})
        with pytest.raises(ResponseFormatError, match=f"nests {levels + 1} levels deep"):
            session.request("GET", "/v1/P/deep", query={"levels": str(levels)})
        session.request("GET", "/v1/P/deep", query={"levels": str(MAX_JSON_DEPTH - 1)})
    assert len(interactions(path)) == 2  # written, without the refused one
    with Session(transport=FixtureTransport(path)) as replay:
        deepest = replay.request("GET", "/v1/{project_id}/deep",
                                 query={"levels": str(MAX_JSON_DEPTH - 1)})
    assert json_depth(json.dumps(deepest).encode()) == MAX_JSON_DEPTH


def test_a_deep_request_body_is_refused_before_it_is_sent(tmp_path: Path) -> None:
    sent: List[Request] = []
    cloud = nested(sent)
    deep: object = []
    for _ in range(MAX_JSON_DEPTH):
        deep = [deep]
    session = nested_session(RecordingTransport(cloud, tmp_path / "deep.json", "once"))
    with pytest.raises(InvalidArgumentError, match="levels deep"):
        session.request("POST", "/v1/P/deep", query={"levels": "1"}, json=deep)
    session.close()
    assert sent == []


def test_a_fixture_holding_a_deeper_body_is_a_format_error(tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    value = "[" * (MAX_JSON_DEPTH + 1) + "]" * (MAX_JSON_DEPTH + 1)
    path.write_text(
        '{"modelarts_fixture": 1, "sdk_version": "0", "recorded_at": "", "interactions": '
        '[{"request": {"method": "GET", "path": "/x"}, "response": {"status": 200, "json": '
        + value + "}}]}",
        encoding="utf-8",
    )
    with pytest.raises(
        FixtureFormatError,
        match=rf"interaction 0, field 'response.json': nested too deeply: more than "
        rf"{MAX_JSON_DEPTH}",
    ):
        FixtureTransport(path)
