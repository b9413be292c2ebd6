"""JobStatus codes and helpers; TrainingJob construction, typing, laziness and raw data."""

from __future__ import annotations

import json
import pickle
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Dict

import pytest

from modelarts.errors import InvalidArgumentError, ResponseFormatError
from modelarts.schemas import Parameter, load_versions_page
from modelarts.training_job import JobStatus, TrainingJob, normalize_id

EXAMPLES = Path(__file__).parent / "data" / "examples"
UTC = timezone.utc


def example(name: str) -> Any:
    return json.loads((EXAMPLES / name).read_text(encoding="utf-8"))


# -- JobStatus ---------------------------------------------------------------------------------

# Huawei page modelarts_03_0074, the JOBSTAT_ prefix dropped
DOCUMENTED_CODES = [
    "UNKNOWN", "INIT", "IMAGE_CREATING", "IMAGE_FAILED", "SUBMIT_TRYING", "SUBMIT_FAILED",
    "DELETE_FAILED", "WAITING", "RUNNING", "KILLING", "COMPLETED", "FAILED", "KILLED",
    "CANCELED", "LOST", "SCALING", "SUBMIT_MODEL_FAILED", "DEPLOY_SERVICE_FAILED",
    "CHECK_INIT", "CHECK_RUNNING", "CHECK_RUNNING_COMPLETED", "CHECK_FAILED",
]


def test_job_status_codes_match_the_documented_table() -> None:
    assert [(s.value, s.name) for s in JobStatus] == list(enumerate(DOCUMENTED_CODES))
    assert JobStatus.RUNNING == 8 and JobStatus.CHECK_RUNNING_COMPLETED == 20
    assert JobStatus(8) is JobStatus.RUNNING


@pytest.mark.parametrize("code", [22, 23, 99, 2**40])
def test_unknown_codes_become_cached_pseudo_members(code: int) -> None:
    status = JobStatus(code)
    assert isinstance(status, JobStatus) and status == code and status.value == code
    assert status.name == f"CODE_{code}"
    assert status is JobStatus(code)
    assert repr(status) == f"<JobStatus.CODE_{code}: {code}>"
    assert pickle.loads(pickle.dumps(status)) is status
    assert status.label == f"code {code}"
    assert status not in list(JobStatus)


def test_pseudo_members_are_unique_across_threads() -> None:
    codes = [1000 + i % 7 for i in range(700)]
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(JobStatus, codes))
    for code, status in zip(codes, results):
        assert status is JobStatus(code)


@pytest.mark.parametrize("value", [-1, "8", 22.0, None])
def test_job_status_rejects_non_codes(value: Any) -> None:
    with pytest.raises(ValueError, match="JobStatus"):
        JobStatus(value)


def test_status_helpers() -> None:
    terminal = {s for s in range(30) if JobStatus(s).is_terminal}
    assert terminal == {3, 5, 6, 10, 11, 12, 13, 14, 16, 17, 21, 22}
    assert {s for s in range(30) if JobStatus(s).is_success} == {10}
    assert {s for s in range(30) if JobStatus(s).is_failure} == terminal - {10}
    assert {s for s in range(30) if JobStatus(s).is_running} == {8, 15}
    # KILLING moves on to KILLED: polling must not stop there
    assert not JobStatus.KILLING.is_terminal and not JobStatus.KILLING.is_failure


def test_status_labels() -> None:
    assert JobStatus.RUNNING.label == "running"
    assert JobStatus.IMAGE_FAILED.label == "image creation failed"
    assert JobStatus.CHECK_RUNNING_COMPLETED.label == "review completed"
    assert all(status.label and status.label == status.label.lower() for status in JobStatus)


# -- ids ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"), [(10, "10"), ("10", "10"), ("0010", "10"), (" 7 ", "7"), (0, "0")]
)
def test_normalize_id(value: Any, expected: str) -> None:
    assert normalize_id(value) == expected


@pytest.mark.parametrize("value", ["", "abc", "1.5", "-1", -1, True, None, 1.5, "１２"])
def test_normalize_id_rejects(value: Any) -> None:
    with pytest.raises(InvalidArgumentError, match="version_id") as info:
        normalize_id(value, "version_id")
    assert isinstance(info.value, ValueError)


# -- TrainingJob from a list-versions page -------------------------------------------------------


def page_jobs(body: Any, job_id: Any = None) -> "list[TrainingJob]":
    page = load_versions_page(body, item_type=TrainingJob)
    return TrainingJob.from_versions_page("session", page, job_id=job_id)


def test_attributes_are_typed() -> None:
    body = example("list_versions.otc.response.json")
    (job,) = page_jobs(body, job_id=10)
    assert job._session == "session"
    assert (job.job_id, job.version_id, job.pre_version_id) == ("10", "10", "5")
    assert (job.job_name, job.job_desc) == ("testModelArtsJob", "testModelArtsJob desc")
    assert job.version_name == "V0004"
    assert type(job.status) is JobStatus and job.status is JobStatus.COMPLETED
    assert job.create_time == datetime(2018, 4, 20, 2, 6, 30, 635000, UTC)
    assert job.create_time.utcoffset() == timedelta(0)
    assert job.start_time == datetime(2019, 7, 15, 6, 32, 42, tzinfo=UTC)
    assert job.duration == timedelta(seconds=532, milliseconds=3)
    assert (job.engine_type, job.engine_id, job.spec_id) == (1, 1, 1)
    assert (job.engine_name, job.engine_version) == ("TensorFlow", "TF-1.4.0-python2.7")
    assert (job.core, job.cpu, job.gpu, job.gpu_num, job.gpu_type) == ("2", "8", True, 2, "Pnt1")
    assert job.worker_server_num == 1 and job.model_id == 1
    assert job.parameter == (Parameter("learning_rate", "0.01"),)
    assert dict(job.parameter or ()) == {"learning_rate": "0.01"}
    assert job.data_source is not None and job.data_source[0].type == "obs"
    assert job.volumes is not None and [v.kind for v in job.volumes] == ["nfs", "host_path"]
    assert job.model_metric_list["metric"][0]["metric_values"]["accuracy"] == 0.000937
    assert job.system_metric_list["gpuUtil"][2] == "0.88"
    assert (job.pool_id, job.pool_name, job.nas_type) == ("pool9928813f", "pnt1", "nfs")
    assert (job.dataset_name, job.dataset_version_name) == ("dataset-test", "dataset-version-test")
    assert job.spec_code is None and job.flavor_code is None and job.resource_id is None


def test_raw_is_the_record_as_received_and_read_only() -> None:
    body = example("list_versions.hwcn.response.json")
    record = body["versions"][0]
    record["brand_new_field"] = {"nested": [1, 2]}
    (job,) = page_jobs(body)
    raw = job.raw
    assert raw == record
    assert raw["version_id"] == 10 and raw["core"] == 2  # as sent, not as typed
    assert raw["brand_new_field"]["nested"][1] == 2
    with pytest.raises(TypeError):
        raw["status"] = 9  # type: ignore[index]
    with pytest.raises(TypeError):
        del raw["status"]  # type: ignore[attr-defined]
    with pytest.raises(TypeError):
        raw["volumes"][0]["nfs"]["read_only"] = True
    with pytest.raises(AttributeError):
        raw["brand_new_field"]["nested"].append(3)
    with pytest.raises(AttributeError):
        job.raw = {}  # type: ignore[misc]
    assert record["volumes"][0]["nfs"]["read_only"] is False


def test_a_bad_field_fails_the_page_when_it_loads() -> None:
    body = {"job_id": 3, "versions": [{"version_id": 4, "status": 8, "version_name": "V0001",
                                       "create_time": "1609121837000", "gpu_num": "eight"}]}
    with pytest.raises(ResponseFormatError) as info:
        page_jobs(body)
    assert info.value.field == "versions[0].gpu_num"
    assert "'eight'" in str(info.value)
    del body["versions"][0]["gpu_num"]
    (job,) = page_jobs(body)
    assert (job.version_name, job.status, job.spec_id) == ("V0001", JobStatus.RUNNING, None)
    assert job.create_time == datetime(2020, 12, 28, 2, 17, 17, tzinfo=UTC)


def test_page_ids() -> None:
    body = example("list_versions.hwcn.response.json")
    assert page_jobs(body, job_id="10")[0].job_id == "10"
    del body["job_id"]
    assert page_jobs(body, job_id=10)[0].job_id == "10"
    with pytest.raises(ResponseFormatError) as info:
        page_jobs(body)
    assert info.value.field == "job_id"
    body["job_id"] = "11"
    with pytest.raises(ResponseFormatError, match="not the requested job 10"):
        page_jobs(body, job_id=10)


def test_status_missing_or_unknown() -> None:
    jobs = page_jobs({"job_id": 1, "versions": [
        {"version_id": 1}, {"version_id": 2, "status": None}, {"version_id": 3, "status": "22"},
    ]})
    assert [job.status for job in jobs] == [JobStatus.UNKNOWN, JobStatus.UNKNOWN, 22]
    assert jobs[2].status.name == "CODE_22"


def test_an_empty_page() -> None:
    assert page_jobs({"is_success": True, "job_id": 1, "version_count": 0, "versions": None}) == []


# -- TrainingJob from the version-details body, and from ids ---------------------------------


def test_from_version_detail() -> None:
    body = example("usecase.version_detail.response.json")
    job = TrainingJob.from_version_detail(None, body, operation="GET detail")
    assert (job.job_id, job.version_id, job.job_name) == ("567524", "1108482", "jobtest_TF")
    assert job.status is JobStatus.COMPLETED
    assert job.duration == timedelta(seconds=1, milliseconds=326)
    assert job.spec_code == "modelarts.vm.cpu.8u" and job.pre_version_id is None
    assert job.raw == body and job.raw["pod_version"] == "1.8.0-cp36"
    with pytest.raises(ResponseFormatError) as info:
        TrainingJob.from_version_detail(None, {**body, "version_id": "x"}, operation="GET detail")
    assert info.value.field == "version_id" and info.value.operation == "GET detail"


def test_from_ids_only() -> None:
    job = TrainingJob("s", "182626", 278813)
    assert (job.job_id, job.version_id, job._session) == ("182626", "278813", "s")
    assert job.status is JobStatus.UNKNOWN
    assert job.version_name is None and job.create_time is None and job.gpu_num is None
    assert job.raw == {}
    with pytest.raises(InvalidArgumentError):
        TrainingJob(None, "", 1)
    with pytest.raises(InvalidArgumentError):
        TrainingJob(None, 1, "v2")


def test_from_a_record() -> None:
    record: Dict[str, Any] = {"version_id": "2", "status": 8, "engine_id": "4", "x-new": 1}
    job = TrainingJob(None, 1, 2, record=record, job={"job_name": "demo", "job_desc": None})
    assert (job.status, job.engine_id, job.job_name, job.job_desc) == (8, 4, "demo", None)
    assert job.raw == record
    with pytest.raises(InvalidArgumentError, match="version_id"):
        TrainingJob(None, 1, 3, record=record)
    with pytest.raises(InvalidArgumentError, match="job_id"):
        TrainingJob(None, 1, 2, record={**record, "job_id": 5})
    with pytest.raises(ResponseFormatError) as info:
        TrainingJob(None, 1, 2, record={"status": "??"})
    assert info.value.field == "status"


def test_equality_is_by_version_identity() -> None:
    running = TrainingJob(None, 1, 2, record={"status": 8})
    done = TrainingJob(None, "1", "2", record={"status": 10})
    assert running == done and hash(running) == hash(done)
    assert running != TrainingJob(None, 1, 3) and running != TrainingJob(None, 2, 2)
    assert running != ("1", "2")
    assert len({running, done, TrainingJob(None, 1, 3)}) == 2


def test_repr() -> None:
    job = TrainingJob(None, "182626", "278813", record={"version_name": "V0003", "status": 8})
    assert repr(job) == "<TrainingJob job_id='182626' version_id='278813' V0003 RUNNING>"
    assert repr(TrainingJob(None, 1, 2)) == "<TrainingJob job_id='1' version_id='2' UNKNOWN>"
