"""``TrainingJob.metrics()``: a version's model and system metrics, typed, from the fake cloud.

The fake's metrics grow as a version runs on its clock (modelarts/testing/catalog.py):
the system series gain a sample every 10 s of running time, the model figures climb
towards their final values, which a COMPLETED version reports in full.
"""

from __future__ import annotations

import time
from typing import Any, Dict, Iterator, List, Tuple

import pytest
from test_fit_replay import FIXTURE, RECORD

from modelarts.errors import ConfigurationError, ResponseFormatError
from modelarts.estimator import Estimator
from modelarts.session import Session
from modelarts.testing import FakeClock, FakeModelArts
from modelarts.training_job import TrainingJob
from modelarts.transport import FixtureTransport, MockTransport, Request, Response

#: Runs from 30 s after creation until it completes at 330 s.
TIMELINE = [(0, 7), (30, 8), (330, 10)]
FINAL_ACCURACY = 0.000937


@pytest.fixture
def fake() -> FakeModelArts:
    return FakeModelArts(clock=FakeClock())


@pytest.fixture
def session(fake: FakeModelArts) -> Iterator[Session]:
    with Session(transport=fake, clock=fake.clock, **fake.session_kwargs()) as session:
        yield session


def _running_version(fake: FakeModelArts) -> Tuple[str, str]:
    job_id = fake.add_job("metrics-demo", versions=0)
    version_id = fake.add_version(job_id, timeline=TIMELINE)
    return str(job_id), str(version_id)


def test_metrics_grow_as_the_version_runs(fake: FakeModelArts, session: Session) -> None:
    job_id, version_id = _running_version(fake)
    job = TrainingJob(session, job_id, version_id)  # ids only: each call fetches the details

    before = job.metrics()
    assert before.model.total == {}  # "{}" until the version has run
    assert before.system.series["cpu_usage"] == (0.0, 0.0)

    fake.clock.advance(30 + 60)  # one minute of running
    early = job.metrics()
    fake.clock.advance(120)
    later = job.metrics()
    assert len(later.system.series["cpu_usage"]) > len(early.system.series["cpu_usage"]) > 2
    assert set(later.system.series) >= {"cpu_usage", "memory_usage", "net_send_rate"}
    assert later.system.interval == 1
    assert 0 < early.model.total["accuracy"] < later.model.total["accuracy"] < FINAL_ACCURACY

    fake.clock.advance(600)
    done = job.metrics()
    assert done.model.total["accuracy"] == pytest.approx(FINAL_ACCURACY)
    assert done.model.classes[0].values["recall"] == pytest.approx(0.005833)
    assert done.system.series["cpu_usage"][-1] == 0.0  # a finished series ends at rest
    assert len(fake.calls_to("GET", "/v1/{project_id}/training-jobs/{job}/versions/{v}")) == 4


def test_a_held_record_is_a_snapshot_until_refreshed(fake: FakeModelArts, session: Session) -> None:
    job_id, version_id = _running_version(fake)
    fake.clock.advance(90)
    [version] = Estimator(session, job_id=job_id).get_job_version_object_list(is_show=False)
    detail = "/v1/{project_id}/training-jobs/{job}/versions/{v}"
    fake.clock.advance(120)

    snapshot = version.metrics()  # the listing carried both fields: no request
    assert fake.calls_to("GET", detail) == []
    fresh = version.metrics(refresh=True)
    assert len(fake.calls_to("GET", detail)) == 1
    assert len(fresh.system.series["cpu_usage"]) > len(snapshot.system.series["cpu_usage"])
    assert fresh.model.total["accuracy"] > snapshot.model.total["accuracy"]


ACCOUNT: Dict[str, Any] = {
    "access_key": "AKTESTEXAMPLE0000001",
    "secret_key": "sk-test-0000000000000000000000000000000001",
    "project_id": "0123456789abcdef0123456789abcdef",
    "region_name": "cn-north-4",
}


def test_a_record_without_metric_fields_fetches_the_details() -> None:
    detail = {
        "is_success": True,
        "job_id": 1,
        "version_id": 2,
        "model_metric_list": '{"total_metric":{"total_metric_values":{"f1":"0.5"}}}',
        "system_metric_list": {"cpuUsage": ["1", 2], "interval": 1},
    }
    sent: List[Request] = []

    def answer(request: Request) -> Response:
        sent.append(request)
        return Response(200, json=detail)

    with Session(transport=MockTransport(answer), **ACCOUNT) as session:
        job = TrainingJob(session, 1, 2, record={"job_id": 1, "version_id": 2, "status": 8})
        metrics = job.metrics()
    assert [request.method for request in sent] == ["GET"]
    assert sent[0].path == f"/v1/{ACCOUNT['project_id']}/training-jobs/1/versions/2"
    assert metrics.model.total == {"f1": 0.5}
    assert metrics.system.series == {"cpu_usage": (1.0, 2.0)}


def test_metrics_that_cannot_be_metrics_name_the_field() -> None:
    record = {"job_id": 1, "version_id": 2, "model_metric_list": "[1]", "system_metric_list": {}}
    with pytest.raises(ResponseFormatError, match="model_metric_list"):
        TrainingJob(None, 1, 2, record=record).metrics()


def test_metrics_without_a_session_or_fields_is_a_clear_error() -> None:
    with pytest.raises(ConfigurationError, match="without a session"):
        TrainingJob(None, 1, 2).metrics()


def test_the_recorded_create_wait_logs_flow_replays_its_metrics_offline() -> None:
    started = time.monotonic()
    with Session(transport=FixtureTransport(FIXTURE)) as session:  # the system clock
        first, second = RECORD.create_wait_logs_metrics(session)
    assert time.monotonic() - started < 3  # the recorded waits took no wall time
    for metrics in (first, second):  # both COMPLETED: the final figures
        assert metrics.model.total["accuracy"] == pytest.approx(FINAL_ACCURACY)
        cpu = metrics.system.series["cpu_usage"]
        assert len(cpu) > 2 and max(cpu) > 0 and cpu[-1] == 0.0
