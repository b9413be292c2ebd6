"""The fake's v1 training-job API, driven through a real Session (modelarts_03_0045..0074)."""

from __future__ import annotations

import json
import threading
from datetime import datetime, timezone
from typing import Any, Dict, Iterator, List

import pytest

from modelarts.errors import APIError, NotFoundError
from modelarts.session import Session
from modelarts.testing import FakeClock, FakeModelArts

JOBS = "/v1/{project_id}/training-jobs"
INIT, WAITING, RUNNING, COMPLETED, FAILED, KILLED = 1, 7, 8, 10, 11, 12

# modelarts_03_0049 table (plus `gpu`, in the current docs).
VERSION_FIELDS = {
    "version_id", "version_name", "pre_version_id", "engine_type", "engine_name", "engine_id",
    "engine_version", "status", "app_url", "boot_file_url", "create_time", "parameter",
    "duration", "spec_id", "core", "cpu", "gpu", "gpu_num", "gpu_type", "worker_server_num",
    "data_url", "train_url", "log_url", "dataset_version_id", "dataset_id", "data_source",
    "model_id", "model_metric_list", "system_metric_list", "user_image_url", "user_command",
    "resource_id", "dataset_name", "dataset_version_name", "start_time", "volumes", "pool_name",
    "pool_id", "nas_mount_path", "nas_share_addr", "nas_type",
}  # fmt: skip
# modelarts_03_0047: the flat details add the job fields and spec_code.
DETAIL_FIELDS = VERSION_FIELDS | {"is_success", "job_id", "job_name", "job_desc", "spec_code"}
LIST_JOB_ITEM_FIELDS = {
    "job_id", "job_name", "version_id", "status", "create_time", "duration", "job_desc",
    "version_count",
}  # fmt: skip


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def fake(clock: FakeClock) -> FakeModelArts:
    return FakeModelArts(clock=clock)


@pytest.fixture
def session(fake: FakeModelArts, clock: FakeClock) -> Iterator[Session]:
    with Session(transport=fake, clock=clock, retry=0, **fake.session_kwargs()) as session:
        yield session


def get(session: Session, path: str, **query: Any) -> Any:
    return session.request("GET", path, query=query or None)


def versions_of(session: Session, job_id: int, **query: Any) -> Any:
    return get(session, f"{JOBS}/{job_id}/versions", **query)


def create_body(name: str = "jobtest_TF", **config: Any) -> Dict[str, Any]:
    """The create body of the TensorFlow use case in Huawei's docs (modelarts_03_0045)."""
    base: Dict[str, Any] = {
        "worker_server_num": 1,
        "parameter": [],
        "flavor": {"code": "modelarts.vm.cpu.8u"},
        "train_url": "/test-modelarts/mnist-model/output/",
        "engine_id": 4,
        "app_url": "/test-modelarts/mnist-tensorflow-code/",
        "boot_file_url": "/test-modelarts/mnist-tensorflow-code/train_mnist_tf.py",
        "data_source": [{"type": "obs", "data_url": "/test-modelarts/dataset-mnist/"}],
    }
    base.update(config)
    return {
        "job_name": name,
        "job_desc": "TF识别手写数字",
        "config": base,
        "notification": {"topic_urn": "", "events": []},
        "workspace_id": "0",
    }


def error_of(call: Any) -> APIError:
    with pytest.raises(APIError) as info:
        call()
    return info.value


# -- record shapes -------------------------------------------------------------------------


def test_list_versions_has_every_documented_field_with_wire_types(
    fake: FakeModelArts, session: Session
) -> None:
    job_id = fake.add_job("mnist", versions=2)
    body = versions_of(session, job_id)
    assert set(body) == {
        "is_success",
        "job_id",
        "job_name",
        "job_desc",
        "version_count",
        "versions",
    }
    assert body["is_success"] is True and body["job_id"] == job_id and body["version_count"] == 2
    for version in body["versions"]:
        assert set(version) >= VERSION_FIELDS
        assert set(version) - VERSION_FIELDS, "undocumented fields exercise client tolerance"
        for name in ("version_id", "engine_id", "create_time", "duration", "start_time"):
            assert type(version[name]) is int, name
        assert isinstance(version["core"], str) and isinstance(version["cpu"], str)
        # JSON text in this endpoint (modelarts_03_0049), unlike the details.
        assert isinstance(json.loads(version["system_metric_list"]), dict)
        assert isinstance(json.loads(version["model_metric_list"]), dict)
        assert "spec_code" not in version
    first, second = sorted(body["versions"], key=lambda v: v["version_id"])
    assert (first["version_name"], second["version_name"]) == ("V0001", "V0002")
    assert first["pre_version_id"] is None and second["pre_version_id"] == first["version_id"]


def test_version_details_are_flat_job_plus_version_fields(
    fake: FakeModelArts, session: Session
) -> None:
    job_id = fake.add_job("mnist", desc="digits", versions=1, engine_id=1, spec_id=5)
    version_id = fake.job(job_id).versions[0].version_id
    body = get(session, f"{JOBS}/{job_id}/versions/{version_id}")
    assert set(body) >= DETAIL_FIELDS
    assert (body["job_id"], body["job_name"], body["job_desc"]) == (job_id, "mnist", "digits")
    assert body["system_metric_list"]["interval"] == 1  # an object here (modelarts_03_0047)
    assert body["spec_code"] == "modelarts.vm.gpu.v100NV" and body["gpu_num"] == 1
    assert body["engine_version"] == "TF-1.4.0-python2.7" and body["engine_type"] == 1
    # Undocumented extras from real captures.
    assert {"pod_version", "task_summary", "flavor_code", "pool_type", "is_zombie"} <= set(body)


def test_list_jobs_shape_and_latest_version(fake: FakeModelArts, session: Session) -> None:
    job_id = fake.add_job("mnist", versions=3, status=RUNNING)
    body = get(session, JOBS)
    assert {"is_success", "quotas", "job_total_count", "job_count_limit", "jobs"} <= set(body)
    assert body["job_total_count"] == 1 and body["quotas"] == 5
    (item,) = body["jobs"]
    assert set(item) >= LIST_JOB_ITEM_FIELDS and item["user"] == {"name": "ma_user"}
    job = fake.job(job_id)
    assert item["version_id"] == job.versions[0].version_id == max(job.version_ids)
    assert item["status"] == RUNNING and item["version_count"] == 3


def test_support_endpoints(session: Session) -> None:
    specs = get(session, "/v1/{project_id}/job/resource-specs", job_type="train")
    assert specs["spec_total_count"] == len(specs["specs"]) >= 1
    cpu = next(s for s in specs["specs"] if s["spec_code"] == "modelarts.vm.cpu.2u")
    assert cpu["spec_id"] == 2 and cpu["core"] == "2" and cpu["no_resource"] is False
    engines = get(session, "/v1/{project_id}/job/ai-engines", job_type="train")["engines"]
    assert {"engine_type": 1, "engine_name": "TensorFlow", "engine_id": 1,
            "engine_version": "TF-1.4.0-python2.7"} in engines  # fmt: skip
    assert error_of(
        lambda: get(session, "/v1/{project_id}/job/ai-engines", job_type="x")
    ).error_code == ("ModelArts.0104")


# -- list versions: paging -----------------------------------------------------------------


def test_page_zero_or_absent_returns_every_version_newest_first(
    fake: FakeModelArts, session: Session
) -> None:
    job_id = fake.add_job("many", versions=25)
    expected = sorted(fake.job(job_id).version_ids, reverse=True)
    for query in ({}, {"page": 0}, {"page": 0, "per_page": 5}):
        body = versions_of(session, job_id, **query)
        assert [v["version_id"] for v in body["versions"]] == expected
        assert body["version_count"] == 25


@pytest.mark.parametrize("per_page", [0, 1001, -1, "ten"])
def test_per_page_outside_1_to_1000_is_a_400_error_body(
    fake: FakeModelArts, session: Session, per_page: Any
) -> None:
    job_id = fake.add_job("mnist")
    error = error_of(lambda: versions_of(session, job_id, per_page=per_page, page=1))
    assert error.status_code == 400 and error.error_code == "ModelArts.0104"
    assert error.body["is_success"] is False and "per_page" in error.error_msg


def test_pages_of_2500_versions_concatenate_to_exactly_the_versions(
    fake: FakeModelArts, session: Session
) -> None:
    job_id = fake.add_job("big", versions=2500)
    pages = [versions_of(session, job_id, page=page, per_page=1000) for page in (1, 2, 3, 4)]
    assert [len(p["versions"]) for p in pages] == [1000, 1000, 500, 0]
    assert {p["version_count"] for p in pages} == {2500}
    ids = [v["version_id"] for p in pages for v in p["versions"]]
    assert len(set(ids)) == 2500
    assert ids == [v["version_id"] for v in versions_of(session, job_id)["versions"]]
    assert ids == sorted(fake.job(job_id).version_ids, reverse=True)


def test_per_page_boundaries(fake: FakeModelArts, session: Session) -> None:
    job_id = fake.add_job("small", versions=3)
    assert len(versions_of(session, job_id, page=1, per_page=1)["versions"]) == 1
    assert len(versions_of(session, job_id, page=1, per_page=1000)["versions"]) == 3
    assert [len(versions_of(session, job_id, page=p, per_page=2)["versions"]) for p in (1, 2)] == [
        2,
        1,
    ]


# -- list jobs: filters, sort, order, paging -----------------------------------------------


@pytest.fixture
def catalogue(fake: FakeModelArts, clock: FakeClock) -> Dict[str, int]:
    ids = {}
    for name, versions, status, desc in [
        ("alpha-resnet", 1, COMPLETED, "d"),
        ("beta-bert", 3, RUNNING, "b"),
        ("Gamma-ResNet", 2, FAILED, "a"),
        ("delta-yolo", 4, COMPLETED, "c"),
    ]:
        ids[name] = fake.add_job(name, versions=versions, status=status, desc=desc)
        clock.advance(60)
    return ids


def names(body: Any) -> List[str]:
    return [job["job_name"] for job in body["jobs"]]


def test_list_jobs_sorts_by_each_documented_key(
    session: Session, catalogue: Dict[str, int]
) -> None:
    assert names(get(session, JOBS)) == sorted(catalogue)  # default sortBy=job_name, asc
    by_desc = get(session, JOBS, sortBy="job_desc", order="asc")
    assert names(by_desc) == ["Gamma-ResNet", "beta-bert", "delta-yolo", "alpha-resnet"]
    by_count = get(session, JOBS, sortBy="version_count", order="desc")
    assert names(by_count) == ["delta-yolo", "beta-bert", "Gamma-ResNet", "alpha-resnet"]
    created = names(get(session, JOBS, sortBy="create_time", order="asc"))
    # A seeded job is created with its first version, versions an hour apart up to now.
    assert created == ["delta-yolo", "beta-bert", "Gamma-ResNet", "alpha-resnet"]
    for key in ("status", "duration"):
        body = get(session, JOBS, sortBy=key, order="desc")
        values = [job[key] for job in body["jobs"]]
        assert values == sorted(values, reverse=True)


def test_list_jobs_filters_and_pages(session: Session, catalogue: Dict[str, int]) -> None:
    assert names(get(session, JOBS, status=COMPLETED)) == ["alpha-resnet", "delta-yolo"]
    found = get(session, JOBS, search_content="resnet")
    assert names(found) == ["Gamma-ResNet", "alpha-resnet"] and found["job_total_count"] == 2
    page2 = get(session, JOBS, per_page=3, page=2)
    assert names(page2) == ["delta-yolo"] and page2["job_total_count"] == 4
    assert get(session, JOBS, per_page=3, page=3)["jobs"] == []
    assert get(session, JOBS, search_content="nothing-like-it")["job_total_count"] == 0


@pytest.mark.parametrize(
    "query",
    [
        {"per_page": 0},
        {"per_page": 1001},
        {"page": 0},
        {"page": 65536},
        {"sortBy": "engine_type"},
        {"order": "up"},
        {"search_content": "x" * 65},
        {"status": "running"},
    ],
)
def test_list_jobs_rejects_out_of_range_parameters(session: Session, query: Dict[str, Any]) -> None:
    error = error_of(lambda: get(session, JOBS, **query))
    assert (error.status_code, error.error_code) == (400, "ModelArts.0104")


# -- create, stop, delete, update ----------------------------------------------------------


def test_create_job_answers_like_the_use_case_and_the_version_progresses(
    fake: FakeModelArts, session: Session, clock: FakeClock
) -> None:
    created = session.request("POST", JOBS, json=create_body())
    assert set(created) == {"is_success", "job_id", "job_name", "status", "create_time",
                            "version_id", "version_name", "resource_id"}  # fmt: skip
    assert type(created["job_id"]) is int and type(created["version_id"]) is int
    assert (created["status"], created["version_name"]) == (INIT, "V0001")
    assert created["resource_id"].startswith("job")
    detail_path = f"{JOBS}/{created['job_id']}/versions/{created['version_id']}"
    detail = get(session, detail_path)
    assert detail["spec_code"] == "modelarts.vm.cpu.8u" and detail["spec_id"] == 27
    assert detail["data_url"] == "/test-modelarts/dataset-mnist/"
    assert detail["train_url"] == "/test-modelarts/mnist-model/output/"
    assert detail["job_desc"] == "TF识别手写数字"
    seen = [detail["status"]]
    for _ in range(40):
        clock.advance(10)
        seen.append(get(session, detail_path)["status"])
    assert seen[0] == INIT and seen[-1] == COMPLETED
    # Polled every 10 s: the image (2) and submit (4) steps, 2 s each, fall between polls.
    assert [s for i, s in enumerate(seen) if i == 0 or s != seen[i - 1]] == [
        INIT,
        WAITING,
        RUNNING,
        COMPLETED,
    ]


def test_create_job_with_a_taken_name_fails_like_the_sample(session: Session) -> None:
    session.request("POST", JOBS, json=create_body("TestModelArtsJob"))
    error = error_of(lambda: session.request("POST", JOBS, json=create_body("TestModelArtsJob")))
    assert error.body == {
        "is_success": False,
        "error_code": "ModelArts.0103",
        "error_message": "Job name:TestModelArtsJob is existed",
    }


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        ({"job_name": "has space"}, "job_name"),
        ({"job_name": "x" * 65}, "job_name"),
        ({"job_desc": "d" * 257}, "job_desc"),
        ({"config": None}, "config"),
        ({"config": {"worker_server_num": 1}}, "spec_id"),
    ],
)
def test_create_job_validates_the_body(
    session: Session, change: Dict[str, Any], fragment: str
) -> None:
    body = {**create_body(), **change}
    error = error_of(lambda: session.request("POST", JOBS, json=body))
    assert error.status_code == 400 and fragment in error.error_msg


@pytest.mark.parametrize(
    "config",
    [
        {"spec_id": 2, "pool_id": "pool-1"},
        {"engine_id": 999},
        {"data_url": "/b/data/"},  # a second data source beside data_source
        {"dataset_id": "38277e62"},  # without dataset_version_id
        {"worker_server_num": 0},
        {"worker_server_num": 5},  # above the flavor's max_num
    ],
)
def test_create_job_validates_the_config(session: Session, config: Dict[str, Any]) -> None:
    error = error_of(lambda: session.request("POST", JOBS, json=create_body(**config)))
    assert (error.status_code, error.error_code) == (400, "ModelArts.0104")


DOC_CONFIGS = {
    # The three sample create bodies of modelarts_03_0045.
    "obs_dataset": {
        "worker_server_num": 1,
        "app_url": "/usr/app/",
        "boot_file_url": "/usr/app/boot.py",
        "parameter": [{"label": "learning_rate", "value": "0.01"}],
        "dataset_id": "38277e62-9e59-48f4-8d89-c8cf41622c24",
        "dataset_version_id": "2ff0d6ba-c480-45ae-be41-09a8369bfc90",
        "spec_id": 1,
        "engine_id": 1,
        "train_url": "/usr/train/",
        "log_url": "/usr/log/",
    },
    "custom_image": {
        "worker_server_num": 1,
        "data_url": "/usr/data/",
        "app_url": "/usr/app/",
        "parameter": [{"label": "CUSTOM_PARAM1", "value": "1"}],
        "spec_id": 1,
        "user_command": "bash -x /home/work/run_train.sh python /home/work/user-job-dir/app/x.py",
        "user_image_url": "100.125.5.235:20202/jobmng/custom-cpu-base:1.0",
        "train_url": "/usr/train/",
        "log_url": "/usr/log/",
    },
    "volumes": {
        "worker_server_num": 1,
        "app_url": "/usr/app/",
        "boot_file_url": "/usr/app/boot.py",
        "data_url": "/usr/data/",
        "spec_id": 1,
        "engine_id": 1,
        "volumes": [
            {"nfs": {"id": "43b37236", "src_path": "192.168.8.150:/",
                     "dest_path": "/home/work/nas", "read_only": False}},
            {"host_path": {"src_path": "/root/work", "dest_path": "/home/mind",
                           "read_only": False}},
        ],
    },
}  # fmt: skip


@pytest.mark.parametrize("kind", sorted(DOC_CONFIGS))
def test_create_job_accepts_the_documented_bodies(
    fake: FakeModelArts, session: Session, kind: str
) -> None:
    workspace = "af261af2218841ec960b01ab3cf1a5fa"
    body = {
        "job_name": f"TestModelArtsJob_{kind}",
        "job_desc": "This is a ModelArts job",
        "workspace_id": workspace,
        "config": DOC_CONFIGS[kind],
    }
    created = session.request("POST", JOBS, json=body)
    version = fake.version(created["job_id"], created["version_id"])
    for name, value in DOC_CONFIGS[kind].items():
        assert version.record[name] == value, name
    # Another workspace: not listed under the default one.
    assert get(session, JOBS)["job_total_count"] == 0
    listed = get(session, JOBS, workspace_id=workspace)
    assert [job["job_id"] for job in listed["jobs"]] == [created["job_id"]]


def test_create_job_without_a_version(fake: FakeModelArts, session: Session) -> None:
    created = session.request("POST", JOBS, json=create_body(create_version=False))
    assert "version_id" not in created
    assert fake.job(created["job_id"]).versions == ()
    assert versions_of(session, created["job_id"])["version_count"] == 0


def test_create_version_inherits_from_its_parent(fake: FakeModelArts, session: Session) -> None:
    job_id = fake.add_job("mnist", versions=2, spec_id=5)
    parent = fake.job(job_id).versions[1].version_id  # the older one
    body = {"job_desc": "v3", "config": {"pre_version_id": parent, "train_url": "/b/out/v3/"}}
    created = session.request("POST", f"{JOBS}/{job_id}/versions/", json=body)
    assert created["version_name"] == "V0003" and created["status"] == INIT
    assert created["version_id"] > max(fake.job(job_id).version_ids[1:])
    version = fake.version(job_id, created["version_id"])
    assert version.pre_version_id == parent
    assert version.record["train_url"] == "/b/out/v3/" and version.record["spec_id"] == 5
    missing = error_of(
        lambda: session.request("POST", f"{JOBS}/{job_id}/versions", json={"config": {}})
    )
    assert "pre_version_id" in missing.error_msg
    other = fake.add_job("other")
    foreign = {"config": {"pre_version_id": fake.job(other).versions[0].version_id}}
    assert (
        error_of(
            lambda: session.request("POST", f"{JOBS}/{job_id}/versions", json=foreign)
        ).status_code
        == 400
    )


def test_stop_kills_a_running_version_and_freezes_its_duration(
    fake: FakeModelArts, session: Session, clock: FakeClock
) -> None:
    job_id = fake.add_job("mnist", status=RUNNING)
    version_id = fake.job(job_id).versions[0].version_id
    clock.advance(90)
    assert session.request("POST", f"{JOBS}/{job_id}/versions/{version_id}/stop") == {
        "is_success": True
    }
    clock.advance(500)
    detail = get(session, f"{JOBS}/{job_id}/versions/{version_id}")
    assert detail["status"] == KILLED and detail["duration"] == 90_000
    again = error_of(lambda: session.request("POST", f"{JOBS}/{job_id}/versions/{version_id}/stop"))
    assert (again.status_code, again.error_code) == (409, "ModelArts.2796")


def test_delete_version_then_job(fake: FakeModelArts, session: Session) -> None:
    job_id = fake.add_job("mnist", versions=3)
    newest, middle, oldest = fake.job(job_id).version_ids
    assert session.request("DELETE", f"{JOBS}/{job_id}/versions/{middle}") == {"is_success": True}
    assert [v["version_id"] for v in versions_of(session, job_id)["versions"]] == [newest, oldest]
    gone = error_of(lambda: get(session, f"{JOBS}/{job_id}/versions/{middle}"))
    assert isinstance(gone, NotFoundError) and gone.error_code == "ModelArts.0015"
    assert session.request("DELETE", f"{JOBS}/{job_id}") == {"is_success": True}
    assert get(session, JOBS)["job_total_count"] == 0
    assert error_of(lambda: versions_of(session, job_id)).status_code == 404
    with pytest.raises(KeyError):
        fake.job(job_id)


def test_update_description(fake: FakeModelArts, session: Session) -> None:
    job_id = fake.add_job("mnist", desc="old")
    path = f"{JOBS}/{job_id}"
    assert session.request("PUT", path, json={"job_desc": "new words"}) == {"is_success": True}
    assert versions_of(session, job_id)["job_desc"] == "new words"
    assert fake.job(job_id).job_desc == "new words"
    session.request("PUT", path, json={"job_desc": ""})
    assert fake.job(job_id).job_desc == ""
    for body in ({"job_desc": "x" * 257}, {}, {"job_desc": 5}):
        assert error_of(lambda b=body: session.request("PUT", path, json=b)).status_code == 400
    assert error_of(
        lambda: session.request("PUT", f"{JOBS}/9", json={"job_desc": ""})
    ).status_code == (404)


def test_non_numeric_ids_are_parameter_errors(session: Session) -> None:
    error = error_of(lambda: get(session, f"{JOBS}/abc/versions"))
    assert (error.status_code, error.error_code) == (400, "ModelArts.0104")


# -- logs ----------------------------------------------------------------------------------


def test_log_file_names_one_per_node(fake: FakeModelArts, session: Session) -> None:
    job_id = fake.add_job("jobtest_TF", worker_server_num=2, spec_id=2)
    version_id = fake.job(job_id).versions[0].version_id
    body = get(session, f"{JOBS}/{job_id}/versions/{version_id}/log/file-names")
    assert body == {"is_success": True, "log_file_list": ["job-jobtest-tf.0", "job-jobtest-tf.1"]}


def read_log(session: Session, job_id: int, version_id: int, **query: Any) -> Any:
    return get(session, f"{JOBS}/{job_id}/versions/{version_id}/aom-log", **query)


def test_aom_log_reads_backwards_to_the_whole_file(fake: FakeModelArts, session: Session) -> None:
    job_id = fake.add_job("jobtest_TF")
    version_id = fake.job(job_id).versions[0].version_id
    log_file = "job-jobtest-tf.0"
    tail = read_log(session, job_id, version_id, log_file=log_file)
    assert set(tail) == {"is_success", "content", "lines", "start_line", "end_line"}
    assert tail["lines"] == 50 and isinstance(tail["start_line"], str)
    assert tail["content"].splitlines()[-1] == "[Modelarts Service Log]Training completed."
    chunks, base = [tail["content"]], tail["start_line"]
    while True:
        older = read_log(
            session, job_id, version_id, log_file=log_file, base_line=base, order="asc", lines=7
        )
        if older["lines"] == 0:
            break
        assert int(older["end_line"]) < int(base)
        chunks.insert(0, older["content"])
        base = older["start_line"]
    lines = "".join(chunks).splitlines()
    assert lines[0].startswith("[ModelArts Service Log]modelarts-pipe")
    assert len(lines) == len(set(lines)) and 60 <= len(lines) <= 108
    whole = read_log(session, job_id, version_id, log_file=log_file, lines=500)
    assert whole["content"].splitlines() == lines
    newer = read_log(session, job_id, version_id, log_file=log_file, base_line=tail["end_line"])
    assert newer["lines"] == 0 and newer["content"] == ""
    again = read_log(session, job_id, version_id, log_file=log_file)
    assert again == tail  # deterministic
    assert read_log(session, job_id, version_id, log_file=log_file, lines=0)["lines"] == 0


def test_aom_log_grows_while_running(
    fake: FakeModelArts, session: Session, clock: FakeClock
) -> None:
    job_id = fake.add_job("grow", timeline=[(0, WAITING), (10, RUNNING), (900, COMPLETED)])
    version_id = fake.job(job_id).versions[0].version_id
    query = {"log_file": "job-grow.0", "lines": 500}
    assert read_log(session, job_id, version_id, **query)["lines"] == 0  # waiting: nothing yet
    clock.advance(40)
    early = read_log(session, job_id, version_id, **query)
    clock.advance(60)
    later = read_log(session, job_id, version_id, **query)
    assert 0 < early["lines"] < later["lines"]
    assert later["content"].startswith(early["content"])
    following = read_log(
        session, job_id, version_id, log_file="job-grow.0", base_line=early["end_line"]
    )
    assert following["lines"] == min(50, later["lines"] - early["lines"])


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ({}, 400),
        ({"log_file": "job-x.0", "lines": 501}, 400),
        ({"log_file": "job-x.0", "lines": -1}, 400),
        ({"log_file": "job-x.0", "order": "sideways"}, 400),
        ({"log_file": "job-x.0", "base_line": "yesterday"}, 400),
        ({"log_file": "job-x.7"}, 404),
    ],
)
def test_aom_log_parameters(
    fake: FakeModelArts, session: Session, query: Dict[str, Any], status: int
) -> None:
    job_id = fake.add_job("x")
    version_id = fake.job(job_id).versions[0].version_id
    assert error_of(lambda: read_log(session, job_id, version_id, **query)).status_code == status


# -- timelines -----------------------------------------------------------------------------


def test_a_version_timeline_follows_the_clock(
    fake: FakeModelArts, session: Session, clock: FakeClock
) -> None:
    job_id = fake.add_job("poll", versions=1)
    version_id = fake.add_version(job_id, timeline=[(0, WAITING), (30, RUNNING), (600, COMPLETED)])
    path = f"{JOBS}/{job_id}/versions/{version_id}"

    def poll() -> Any:
        return get(session, path)

    first = poll()
    assert (first["status"], first["duration"], first["start_time"]) == (WAITING, 0, None)
    clock.advance(45)
    running = poll()
    assert running["status"] == RUNNING and running["duration"] == 15_000
    assert running["start_time"] == first["create_time"] + 30_000
    clock.advance(100)
    assert poll()["duration"] == 115_000
    assert get(session, JOBS)["jobs"][0]["status"] == RUNNING  # the job shows its latest version
    clock.advance(1000)
    done = poll()
    assert done["status"] == COMPLETED and done["duration"] == 570_000
    assert json.loads(done["model_metric_list"])["total_metric"]


def test_update_version_changes_status_from_now(fake: FakeModelArts, clock: FakeClock) -> None:
    job_id = fake.add_job("x", status=RUNNING)
    version_id = fake.job(job_id).versions[0].version_id
    clock.advance(10)
    fake.update_version(job_id, version_id, timeline=[(20, FAILED)], gpu_type="P100")
    assert fake.version(job_id, version_id).status == RUNNING
    clock.advance(20)
    snapshot = fake.version(job_id, version_id)
    assert snapshot.status == FAILED and snapshot.duration == 30_000
    assert snapshot.record["gpu_type"] == "P100"


# -- seeding API ---------------------------------------------------------------------------


def test_ids_increase_and_the_readme_job_can_be_created(fake: FakeModelArts) -> None:
    assert fake.add_job("readme", job_id=182626, versions=2) == 182626
    after = fake.add_job("next")
    assert after == 182627
    assert fake.add_job("far", job_id=200000) == 200000
    assert fake.add_job("later") == 200001
    with pytest.raises(ValueError, match="already exists"):
        fake.add_job("dup", job_id=182626)
    with pytest.raises(ValueError, match="already exists"):
        fake.add_job("readme")
    version_ids = [v for job in fake.jobs for v in sorted(job.version_ids)]
    assert version_ids == sorted(version_ids) and len(set(version_ids)) == len(version_ids)
    assert version_ids[0] == 278813


def test_seeding_arguments(fake: FakeModelArts) -> None:
    created = datetime(2024, 1, 5, 9, 48, 4, tzinfo=timezone.utc)
    job_id = fake.add_job(
        "ma-testing", created_at=created, duration=54_793_000, owner_team="vision", versions=1
    )
    job = fake.job(job_id)
    assert job.create_time == 1704448084000 == job.versions[0].create_time
    record = job.versions[0].record
    assert record["duration"] == 54_793_000 and record["owner_team"] == "vision"
    with pytest.raises(ValueError, match="not both"):
        fake.add_job("both", status=RUNNING, timeline=[(0, RUNNING)])
    with pytest.raises(ValueError, match="engine_id"):
        fake.add_job("bad-engine", engine_id=12345)
    assert [j.job_name for j in fake.jobs] == ["ma-testing"]  # nothing half-created
    with pytest.raises(ValueError, match="non-decreasing"):
        fake.add_version(job_id, timeline=[(10, RUNNING), (5, COMPLETED)])
    with pytest.raises(ValueError, match="error_status"):
        FakeModelArts(error_status="404")


# -- error statuses ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("mode", "expected"), [("http", {"missing": 404, "param": 400, "stop": 409}), ("200", None)]
)
def test_error_status_modes(clock: FakeClock, mode: str, expected: "Dict[str, int] | None") -> None:
    fake = FakeModelArts(clock=clock, error_status=mode)
    session = Session(transport=fake, clock=clock, retry=0, **fake.session_kwargs())
    job_id = fake.add_job("done", status=COMPLETED)
    version_id = fake.job(job_id).versions[0].version_id
    cases = {
        "missing": (lambda: versions_of(session, 999), "ModelArts.0015"),
        "param": (lambda: versions_of(session, job_id, per_page=0, page=1), "ModelArts.0104"),
        "stop": (
            lambda: session.request("POST", f"{JOBS}/{job_id}/versions/{version_id}/stop"),
            "ModelArts.2796",
        ),
    }
    for name, (call, code) in cases.items():
        error = error_of(call)
        assert error.status_code == (expected[name] if expected else 200), name
        assert error.error_code == code and error.body["is_success"] is False
        assert error.request_id == fake.calls[-1].request_id
        assert fake.calls[-1].status == error.status_code
    # Gateway answers are not v1 bodies: they keep their status in either mode.
    unknown = error_of(lambda: get(session, "/v1/{project_id}/no-such-api"))
    assert (unknown.status_code, unknown.error_code) == (404, "APIGW.0101")


# -- auth and concurrency ------------------------------------------------------------------


def test_token_users_own_the_jobs_they_create(fake: FakeModelArts, clock: FakeClock) -> None:
    fake.add_user("alice", "pw-alice-1")
    session = Session(
        username="alice",
        password="pw-alice-1",
        project_id=fake.project_id,
        region_name=fake.region,
        transport=fake,
        clock=clock,
    )
    created = session.request("POST", JOBS, json=create_body("alices"))
    assert get(session, JOBS)["jobs"][0]["user"] == {"name": "alice"}
    assert fake.calls_to("POST", JOBS)[0].identity == "token:alice"
    assert created["job_id"] in [job.job_id for job in fake.jobs]


def test_eight_threads_create_and_list_concurrently(fake: FakeModelArts, clock: FakeClock) -> None:
    fake.add_job("seed", versions=2)
    errors: List[BaseException] = []
    created: List[int] = []
    lock = threading.Lock()
    start = threading.Barrier(8)

    def worker(n: int) -> None:
        try:
            session = Session(transport=fake, clock=clock, retry=0, **fake.session_kwargs())
            start.wait()
            for i in range(12):
                job = session.request("POST", JOBS, json=create_body(f"t{n}-{i}"))
                session.request("POST", f"{JOBS}/{job['job_id']}/versions", json={
                    "config": {"pre_version_id": job["version_id"]}})  # fmt: skip
                listed = get(session, JOBS, per_page=1000)
                assert job["job_id"] in [j["job_id"] for j in listed["jobs"]]
                with lock:
                    created.append(job["job_id"])
        except BaseException as exc:  # reported below, with its traceback
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors, errors[0]
    assert len(created) == len(set(created)) == 96
    jobs = fake.jobs
    assert len(jobs) == 97 and all(len(job.versions) == 2 for job in jobs)
    version_ids = [v for job in jobs for v in job.version_ids]
    assert len(version_ids) == len(set(version_ids)) == 194
    assert len(fake.calls) == 96 * 3
