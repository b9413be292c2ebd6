"""VisualizationJob (modelarts_03_0064..0070) against the fake cloud: requests, checks, waiting."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from typing import Any, Callable, Dict, Iterator, List

import pytest

from modelarts.errors import (
    APIError,
    ConfigurationError,
    InvalidArgumentError,
    NotFoundError,
    WaitTimeoutError,
)
from modelarts.estimator import VisualizationJob
from modelarts.job_status import JobStatus
from modelarts.session import Session
from modelarts.testing import FakeClock, FakeModelArts
from modelarts.visualization_api import VISUALIZATION_NAME

P = "/v1/{project_id}/visualization-jobs"


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def fake(clock: FakeClock) -> FakeModelArts:
    return FakeModelArts(clock=clock)


@pytest.fixture
def session(fake: FakeModelArts, clock: FakeClock) -> Iterator[Session]:
    with Session(transport=fake, clock=clock, retry=0, **fake.session_kwargs()) as s:
        yield s


def sent(fake: FakeModelArts) -> List[Any]:
    """Each call as (method, path with the project as {p}, query, JSON body or None)."""
    out = []
    for call in fake.calls:
        path = call.path.replace(fake.project_id, "{p}")
        body = json.loads(call.body) if call.body else None
        out.append((call.method, path, call.query, body))
    return out


def refused(fake: FakeModelArts, call: Callable[[], Any], *words: str) -> None:
    before = len(fake.calls)
    with pytest.raises(InvalidArgumentError) as info:
        call()
    assert len(fake.calls) == before, "a bad argument must be refused before sending"
    assert isinstance(info.value, ValueError)
    for word in words:
        assert word in str(info.value)


# -- create ---------------------------------------------------------------------------------


def test_create_sends_the_old_sdks_body_and_returns_a_new_job(
    session: Session, fake: FakeModelArts
) -> None:
    owner = VisualizationJob(session)
    job = owner.create_visualization_job("/bucket/out/", job_name="mnist-board", job_desc="d")
    assert sent(fake) == [
        (
            "POST",
            "/v1/{p}/visualization-jobs",
            {},
            {"job_name": "mnist-board", "train_url": "/bucket/out/", "job_desc": "d"},
        )
    ]
    assert job is not owner and owner.visualization_id is None
    assert job.visualization_id == job.job_id == "8992"
    assert (job.job_name, job.status) == ("mnist-board", JobStatus.INIT)
    assert job.create_time == fake.clock.now().replace(microsecond=0)
    assert job.raw["job_id"] == 8992 and job.modelarts_session is session


def test_create_without_a_description_leaves_it_out(session: Session, fake: FakeModelArts) -> None:
    VisualizationJob(session).create_visualization_job("/b/o/", "board")
    assert sent(fake)[0][3] == {"job_name": "board", "train_url": "/b/o/"}


def test_default_name_fits_the_20_character_limit(session: Session, fake: FakeModelArts) -> None:
    first = VisualizationJob(session).create_visualization_job("/b/o/")
    second = VisualizationJob(session).create_visualization_job("/b/o/")
    for job in (first, second):
        assert job.job_name is not None and VISUALIZATION_NAME.fullmatch(job.job_name)
        assert len(job.job_name) == 20 and job.job_name.startswith("t-1127-")
    assert first.job_name != second.job_name  # made in the same second


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"train_url": "/b/", "job_name": "x" * 21}, ["1-20", "job_name"]),
        ({"train_url": "/b/", "job_name": "has space"}, ["job_name"]),
        ({"train_url": "/b/", "job_name": ""}, ["job_name"]),
        ({"train_url": "", "job_name": "ok"}, ["train_url"]),
        ({"train_url": None, "job_name": "ok"}, ["train_url"]),
        ({"train_url": "/b/", "job_name": "ok", "job_desc": "d" * 257}, ["job_desc", "256"]),
    ],
)
def test_create_refuses_bad_arguments_before_sending(
    session: Session, fake: FakeModelArts, kwargs: Dict[str, Any], words: List[str]
) -> None:
    refused(fake, lambda: VisualizationJob(session).create_visualization_job(**kwargs), *words)


def test_a_taken_name_is_the_services_error(session: Session, fake: FakeModelArts) -> None:
    fake.add_visualization_job("board")
    with pytest.raises(APIError) as info:
        VisualizationJob(session).create_visualization_job("/b/o/", "board")
    assert (info.value.status_code, info.value.error_code) == (400, "ModelArts.0103")


# -- waiting --------------------------------------------------------------------------------


def test_wait_returns_once_it_serves_polling_with_backoff(
    session: Session, fake: FakeModelArts, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    started = clock.monotonic()
    caplog.set_level(logging.INFO, logger="modelarts")
    job = VisualizationJob(session).create_visualization_job("/b/o/", "board", wait=True)
    assert job.status is JobStatus.RUNNING
    assert job.service_url and job.service_url.endswith("/8992/")
    assert job.modelarts_session is session and job.visualization_id == "8992"
    # Deploying from 3 s, serving from 20 s on the fake clock; the backoff starts again
    # at each change: polls at 0, 2, 5 (WAITING), 7, 10, 14.5, 21.25 (RUNNING).
    polls = [c for c in sent(fake) if c[0] == "GET"]
    assert all(path == "/v1/{p}/visualization-jobs/8992" for _, path, _, _ in polls)
    assert len(polls) == 7
    assert clock.monotonic() - started == pytest.approx(21.25)
    changes = [r.getMessage() for r in caplog.records if r.name == "modelarts.wait"]
    assert changes[0] == "visualization job 8992 is INIT"
    assert "visualization job 8992: INIT -> WAITING" in changes
    assert changes[-1].startswith("visualization job 8992 is RUNNING after running")


def test_wait_ends_at_a_stop_and_says_it_never_served(
    session: Session, fake: FakeModelArts, caplog: pytest.LogCaptureFixture
) -> None:
    fake.new_visualization_timeline = ((0, 1), (3, 7), (4, 12))
    job = VisualizationJob(session).create_visualization_job("/b/o/", "board", wait=True)
    assert job.status is JobStatus.KILLED
    assert "ended KILLED without serving" in caplog.text


def test_wait_timeout_raises_and_the_job_keeps_deploying(
    session: Session, fake: FakeModelArts
) -> None:
    job = VisualizationJob(session).create_visualization_job("/b/o/", "board")
    with pytest.raises(WaitTimeoutError) as info:
        job.wait(timeout=5)
    assert info.value.status is JobStatus.WAITING
    assert fake.visualization_job(8992)["status"] == 7


def test_wait_with_a_fixed_period(session: Session, fake: FakeModelArts) -> None:
    fake.add_visualization_job("board", timeline=[(0, 1), (9, 8)])
    final = VisualizationJob(session, 8992).wait(poll=3)
    assert final.status is JobStatus.RUNNING
    assert len(fake.calls) == 4  # 0, 3, 6, 9 s


# -- one job ---------------------------------------------------------------------------------


def test_operations_send_the_documented_requests_and_return_dicts(
    session: Session, fake: FakeModelArts
) -> None:
    fake.add_visualization_job("board", timeline=[(0, 8)], desc="old")
    job = VisualizationJob(session, "8992")
    info = job.get_visualization_job_info()
    assert isinstance(info, dict) and info["status"] == 8 and info["job_desc"] == "old"
    assert job.update_visualization_job("new") == {"is_success": True}
    assert job.stop_visualization_job() == {"is_success": True}
    assert job.restart_visualization_job() == {"is_success": True}
    assert job.delete_visualization_job() == {"is_success": True}
    one = "/v1/{p}/visualization-jobs/8992"
    assert sent(fake) == [
        ("GET", one, {}, None),
        ("PUT", one, {}, {"job_desc": "new"}),
        ("POST", one + "/stop", {}, None),
        ("POST", one + "/restart", {}, None),
        ("DELETE", one, {}, None),
    ]
    assert all(not call.body for call in fake.calls if call.method in ("POST", "DELETE"))


def test_the_old_sdks_job_id_argument_names_another_job(
    session: Session, fake: FakeModelArts
) -> None:
    fake.add_visualization_job("a")
    other = fake.add_visualization_job("b", desc="b's")
    assert VisualizationJob(session).get_visualization_job_info(job_id=other)["job_name"] == "b"
    VisualizationJob(session, 8992).update_visualization_job("x", job_id=str(other))
    assert fake.visualization_job(other)["job_desc"] == "x"


def test_state_errors_and_unknown_jobs_are_typed(session: Session, fake: FakeModelArts) -> None:
    fake.add_visualization_job("board", timeline=[(0, 12)])
    with pytest.raises(APIError) as stopped:
        VisualizationJob(session, 8992).stop_visualization_job()
    assert (stopped.value.status_code, stopped.value.error_code) == (400, "ModelArts.0105")
    with pytest.raises(NotFoundError) as unknown:
        VisualizationJob(session, 1).get_visualization_job_info()
    assert unknown.value.error_code == "ModelArts.0015"


def test_instance_operations_check_their_id_before_sending(
    session: Session, fake: FakeModelArts
) -> None:
    refused(fake, VisualizationJob(session).get_visualization_job_info, "visualization_id")
    refused(fake, VisualizationJob(session).stop_visualization_job, "job_id=")
    refused(fake, lambda: VisualizationJob(session).delete_visualization_job(job_id="x1"))
    refused(fake, lambda: VisualizationJob(session, 1).update_visualization_job(5))  # type: ignore[arg-type]
    with pytest.raises(InvalidArgumentError):
        VisualizationJob(session, "abc")
    with pytest.raises(InvalidArgumentError):
        VisualizationJob("not a session")  # type: ignore[arg-type]
    with pytest.raises(ConfigurationError):
        VisualizationJob(None, 8992).get_visualization_job_info()


def test_a_known_job_is_described_without_asking(fake: FakeModelArts, session: Session) -> None:
    job = VisualizationJob(
        session, 10, create_time=1524189990635, job_name="visualization-job", status=7
    )
    assert (job.visualization_id, job.job_name, job.status) == ("10", "visualization-job", 7)
    assert job.create_time is not None and job.create_time.year == 2018
    assert fake.calls == []


# -- the project's jobs ----------------------------------------------------------------------


def seed(fake: FakeModelArts, count: int) -> None:
    for number in range(count):
        fake.add_visualization_job(f"board-{number}", timeline=[(0, 8)], created_at=number * 1000)


def test_list_sends_only_the_filters_given(session: Session, fake: FakeModelArts) -> None:
    seed(fake, 3)
    body = VisualizationJob.get_visualization_job_list(session)
    assert isinstance(body, dict) and body["job_total_count"] == 3
    VisualizationJob.get_visualization_job_list(
        session, status=8, per_page=2, page=1, sortBy="job_name", order="desc",
        search_content="board",
    )  # fmt: skip
    VisualizationJob.get_visualization_job_list(session, sort_by="create_time")
    queries = [call[2] for call in sent(fake)]
    assert queries == [
        {},
        {"status": "8", "per_page": "2", "page": "1", "sortBy": "job_name", "order": "desc",
         "search_content": "board"},
        {"sortBy": "create_time"},
    ]  # fmt: skip


@pytest.mark.parametrize(
    "kwargs",
    [
        {"per_page": 0},
        {"per_page": 1001},
        {"page": 0},
        {"sortBy": "duration"},
        {"order": "up"},
        {"status": -1},
        {"status": "running"},
        {"search_content": "x" * 65},
    ],
)
def test_list_refuses_bad_filters_before_sending(
    session: Session, fake: FakeModelArts, kwargs: Dict[str, Any]
) -> None:
    refused(fake, lambda: VisualizationJob.get_visualization_job_list(session, **kwargs))
    refused(fake, lambda: VisualizationJob.get_visualization_job_object_list(session, **kwargs))


def test_object_list_is_one_request_per_page_and_prints_a_table(
    session: Session, fake: FakeModelArts, capsys: pytest.CaptureFixture[str]
) -> None:
    seed(fake, 5)
    page2 = VisualizationJob.get_visualization_job_object_list(session, per_page=2, page=2)
    assert [job.job_name for job in page2] == ["board-2", "board-3"]
    assert all(isinstance(job, VisualizationJob) for job in page2)
    assert page2[0].visualization_id == "8994" and page2[0].modelarts_session is session
    assert page2[0].raw["service_url"].endswith("/8994/")
    assert [c[:3] for c in sent(fake)] == [
        ("GET", "/v1/{p}/visualization-jobs", {"per_page": "2", "page": "2"})
    ]
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == [
        "JOB",
        "ID",
        "NAME",
        "STATUS",
        "CREATED",
        "DURATION",
        "SERVICE",
        "URL",
    ]
    assert lines[1].split()[:3] == ["8994", "board-2", "RUNNING"]
    assert lines[1].split()[-1].endswith("/8994/")  # never cut
    assert len(lines) == 3
    # The object's operations work on the listed job.
    page2[1].stop_visualization_job()
    assert fake.visualization_job(8995)["status"] == 12


def test_object_list_without_show_prints_nothing(
    session: Session, fake: FakeModelArts, capsys: pytest.CaptureFixture[str]
) -> None:
    seed(fake, 2)
    jobs = VisualizationJob.get_visualization_job_object_list(session, is_show=False)
    assert len(jobs) == 2 and capsys.readouterr().out == ""


def test_importing_the_estimator_does_not_load_visualization_jobs() -> None:
    code = (
        "import sys, modelarts.estimator; "
        "print(any(m.startswith('modelarts.visualization') for m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# -- record and replay ---------------------------------------------------------------------


def test_the_recorded_flow_replays_offline() -> None:
    from pathlib import Path

    from modelarts.transport import FixtureTransport

    fixture = Path(__file__).resolve().parent.parent / "fixtures" / "visualization_jobs.json"
    clock = FakeClock()
    with Session(transport=FixtureTransport(fixture), clock=clock) as session:
        listed = VisualizationJob.get_visualization_job_object_list(session, is_show=False)
        assert [(job.job_name, job.status) for job in listed] == [("mnist-board", 8)]
        board = VisualizationJob(session).create_visualization_job(
            "/modelarts-demo/resnet/output/", job_name="resnet-board", wait=True
        )
        assert board.status is JobStatus.RUNNING and board.service_url
        assert "{project_id}" in board.service_url  # the recorder scrubbed the real one
        board.update_visualization_job("ResNet-50 summaries")
        board.stop_visualization_job()
        board.restart_visualization_job()
        assert board.get_visualization_job_info()["status"] == 1
        listed[0].delete_visualization_job()
        assert session.transport.unplayed() == []  # type: ignore[attr-defined]
