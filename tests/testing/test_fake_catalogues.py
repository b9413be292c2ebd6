"""The fake's catalogues (resource-specs, ai-engines, built-in algorithms) and how
create job / create version check their bodies against them."""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any, Dict, List

import pytest

from modelarts.errors import APIError
from modelarts.session import Session
from modelarts.testing import FakeClock, FakeModelArts

PREFIX = "/v1/{project_id}"
JOBS = PREFIX + "/training-jobs"
SPECS = PREFIX + "/job/resource-specs"
ENGINES = PREFIX + "/job/ai-engines"
ALGORITHMS = PREFIX + "/built-in-algorithms"

# modelarts_03_0072 / 03_0073 / 03_0056 field tables.
SPEC_FIELDS = {"spec_id", "core", "cpu", "gpu_num", "gpu_type", "spec_code", "unit_num",
               "max_num", "storage", "interface_type", "no_resource"}  # fmt: skip
ENGINE_FIELDS = {"engine_type", "engine_name", "engine_id", "engine_version"}
MODEL_FIELDS = {"model_id", "model_name", "model_usage", "model_precision", "model_size",
                "model_train_dataset", "model_dataset_format", "model_description_url",
                "parameter", "create_time", "engine_id", "engine_name",
                "engine_version"}  # fmt: skip


def api_error(call: Any) -> APIError:
    with pytest.raises(APIError) as info:
        call()
    return info.value


def get(session: Session, path: str, **query: Any) -> Any:
    return session.request("GET", path, query=query or None)


def job_body(name: str = "mnist", **config: Any) -> Dict[str, Any]:
    base: Dict[str, Any] = {
        "worker_server_num": 1,
        "app_url": "/b/code/",
        "boot_file_url": "/b/code/train.py",
        "data_url": "/b/data/",
        "spec_id": 27,
        "engine_id": 4,
    }
    base.update(config)
    return {"job_name": name, "config": {k: v for k, v in base.items() if v is not None}}


# -- catalogues ----------------------------------------------------------------------------


def test_ai_engines_hold_every_family_in_several_versions(cloud_session: Session) -> None:
    body = get(cloud_session, ENGINES, job_type="train")
    assert body["is_success"] is True
    versions: Dict[str, List[str]] = defaultdict(list)
    for engine in body["engines"]:
        assert set(engine) == ENGINE_FIELDS
        assert type(engine["engine_id"]) is int and type(engine["engine_type"]) is int
        versions[engine["engine_name"]].append(engine["engine_version"])
    families = {"TensorFlow", "PyTorch", "MXNet", "Caffe", "Ascend-Powered-Engine"}
    assert families <= set(versions)
    assert all(len(versions[name]) >= 2 for name in families)
    assert any(v.startswith("MindSpore") for v in versions["Ascend-Powered-Engine"])
    ids = [engine["engine_id"] for engine in body["engines"]]
    assert len(ids) == len(set(ids)) and {1, 4, 501} <= set(ids)  # the ids of Huawei's samples


def test_resource_specs_hold_cpu_gpu_and_ascend_flavors(cloud_session: Session) -> None:
    body = get(cloud_session, SPECS)
    assert body["is_success"] is True and body["spec_total_count"] == len(body["specs"])
    for spec in body["specs"]:
        assert set(spec) == SPEC_FIELDS
        assert type(spec["max_num"]) is int and spec["max_num"] >= 1
        assert isinstance(spec["core"], str) and isinstance(spec["cpu"], str)
    codes = {spec["spec_code"] for spec in body["specs"]}
    assert {"modelarts.vm.cpu.2u", "modelarts.vm.cpu.8u", "modelarts.vm.gpu.p100"} <= codes
    assert any(spec["gpu_num"] > 0 for spec in body["specs"])
    assert any(".kat1." in code for code in codes)  # Ascend 910
    sample = next(spec for spec in body["specs"] if spec["spec_id"] == 2)
    example = json.loads(
        '{"spec_id": 2, "core": "2", "cpu": "8", "gpu_num": 0, "gpu_type": "", '
        '"spec_code": "modelarts.vm.cpu.2u", "unit_num": 1, "max_num": 2, "storage": "", '
        '"interface_type": 1, "no_resource": false}'
    )
    assert sample == example  # examples/resource_specs.otc.response.json


def test_resource_specs_filter_by_engine(cloud_session: Session) -> None:
    ascend = {spec["spec_code"] for spec in get(cloud_session, SPECS, engine_id=132)["specs"]}
    tensorflow = {spec["spec_code"] for spec in get(cloud_session, SPECS, engine_id=4)["specs"]}
    assert ascend and all(".kat1." in code for code in ascend)
    assert tensorflow and not any(".kat1." in code for code in tensorflow)
    unknown = get(cloud_session, SPECS, engine_id=999_999)
    assert unknown["specs"] == [] and unknown["spec_total_count"] == 0


@pytest.mark.parametrize(
    ("path", "query"),
    [
        (SPECS, {"job_type": "batch"}),
        (SPECS, {"engine_id": "tf"}),
        (SPECS, {"project_type": "-1"}),
        (ENGINES, {"job_type": "serve"}),
        (ALGORITHMS, {"per_page": "101"}),
        (ALGORITHMS, {"page": "0"}),
        (ALGORITHMS, {"sortBy": "job_name"}),
        (ALGORITHMS, {"order": "up"}),
        (ALGORITHMS, {"search_content": "x" * 65}),
    ],
)
def test_catalogue_queries_are_checked(
    cloud_session: Session, path: str, query: Dict[str, str]
) -> None:
    error = api_error(lambda: get(cloud_session, path, **query))
    assert (error.status_code, error.error_code) == (400, "ModelArts.0104")
    assert next(iter(query)) in error.error_msg


def test_built_in_algorithms_page_sort_and_search(cloud_session: Session) -> None:
    first = get(cloud_session, ALGORITHMS)
    total = first["model_total_count"]
    assert first["is_success"] is True and total >= 8 and len(first["models"]) == min(10, total)
    for model in first["models"]:
        assert set(model) == MODEL_FIELDS
        parameters = json.loads(model["parameter"])  # JSON text, as in modelarts_03_0056
        assert parameters and {"label", "value", "required"} <= set(parameters[0])
    engines = [model["engine_name"] for model in first["models"]]
    assert engines == sorted(engines, reverse=True)  # sortBy engine, order desc by default
    pages = [get(cloud_session, ALGORITHMS, per_page=3, page=n)["models"] for n in (1, 2, 3)]
    assert [m["model_id"] for page in pages for m in page] == [
        m["model_id"] for m in get(cloud_session, ALGORITHMS, per_page=100)["models"]
    ]
    by_name = get(cloud_session, ALGORITHMS, sortBy="model_name", order="asc", per_page=100)
    names = [model["model_name"] for model in by_name["models"]]
    assert names == sorted(names)
    found = get(cloud_session, ALGORITHMS, search_content="resnet_v2", sortBy="model_name")
    assert [m["model_name"] for m in found["models"]] == [
        "ResNet_v2_50",
        "Faster_RCNN_ResNet_v2_101",
    ]
    assert found["model_total_count"] == 2
    sample = next(m for m in by_name["models"] if m["model_id"] == 4)  # the sample's first model
    assert (sample["model_name"], sample["engine_id"], sample["model_size"]) == (
        "ResNet_v2_50",
        501,
        102503801,
    )


# -- create job / create version against the catalogues ---------------------------------


@pytest.mark.parametrize(
    ("config", "fragment"),
    [
        ({"spec_id": 999}, "config.spec_id 999"),
        ({"engine_id": 999}, "config.engine_id 999"),
        ({"spec_id": None, "pool_id": None}, "config.spec_id"),
        ({"pool_id": "pool-1"}, "cannot be used together"),
        ({"pool_id": ""}, "config.pool_id"),
        ({"model_id": 999}, "config.model_id 999"),
        ({"model_id": "4"}, "config.model_id"),
        ({"worker_server_num": 2}, "max_num"),
        ({"data_source": []}, "data_source"),
    ],
)
def test_create_job_refuses_what_the_catalogues_do_not_offer(
    cloud_session: Session, config: Dict[str, Any], fragment: str
) -> None:
    error = api_error(lambda: cloud_session.request("POST", JOBS, json=job_body(**config)))
    assert (error.status_code, error.error_code) == (400, "ModelArts.0104")
    assert fragment in error.error_msg
    assert error.body["is_success"] is False


def test_create_job_with_a_taken_name_is_0103(cloud_session: Session) -> None:
    cloud_session.request("POST", JOBS, json=job_body("taken"))
    error = api_error(lambda: cloud_session.request("POST", JOBS, json=job_body("taken")))
    assert (error.status_code, error.error_code) == (400, "ModelArts.0103")
    assert error.error_msg == "Job name:taken is existed"


def test_a_built_in_algorithm_needs_no_code_and_brings_its_engine(
    cloud: FakeModelArts, cloud_session: Session
) -> None:
    body = job_body("algo", app_url=None, boot_file_url=None, engine_id=None, model_id=4)
    created = cloud_session.request("POST", JOBS, json=body)
    record = cloud.version(created["job_id"], created["version_id"]).record
    assert (record["model_id"], record["engine_id"], record["engine_name"]) == (4, 501, "MXNet")


def test_a_dedicated_pool_replaces_the_flavor(cloud: FakeModelArts, cloud_session: Session) -> None:
    created = cloud_session.request("POST", JOBS, json=job_body("pooled"))
    record = cloud.version(created["job_id"], created["version_id"]).record
    assert record["spec_id"] == 27
    path = f"{JOBS}/{created['job_id']}/versions"
    both = {"config": {"pre_version_id": created["version_id"], "spec_id": 2, "pool_id": "p-1"}}
    error = api_error(lambda: cloud_session.request("POST", path, json=both))
    assert "cannot be used together" in error.error_msg
    unknown = {"config": {"pre_version_id": created["version_id"], "model_id": 77}}
    assert (
        "model_id 77"
        in api_error(lambda: cloud_session.request("POST", path, json=unknown)).error_msg
    )
    pooled = {"config": {"pre_version_id": created["version_id"], "pool_id": "pool-a1"}}
    second = cloud_session.request("POST", path, json=pooled)
    record = get(cloud_session, f"{path}/{second['version_id']}")  # the details carry spec_code
    assert (record["pool_id"], record["spec_id"], record["spec_code"]) == ("pool-a1", None, None)
    assert record["app_url"] == "/b/code/" and record["data_url"] == "/b/data/"  # inherited


# -- a created version's life on the fake clock -------------------------------------------


def detail(session: Session, created: Dict[str, Any]) -> Any:
    return get(session, f"{JOBS}/{created['job_id']}/versions/{created['version_id']}")


def test_a_created_version_goes_through_every_step_to_completed(
    cloud_session: Session, cloud_clock: FakeClock
) -> None:
    created = cloud_session.request("POST", JOBS, json=job_body())
    seen = []
    for _ in range(340):
        body = detail(cloud_session, created)
        seen.append((body["status"], body["start_time"], body["duration"]))
        cloud_clock.advance(1)
    statuses = [status for status, _, _ in seen]
    assert [s for i, s in enumerate(statuses) if i == 0 or s != statuses[i - 1]] == [
        1, 2, 4, 7, 8, 10,
    ]  # fmt: skip
    assert statuses.index(8) == 20 and statuses.index(10) == 320
    assert all(start is None for status, start, _ in seen if status in (1, 2, 4, 7))
    assert {start for status, start, _ in seen if status in (8, 10)} == {
        created["create_time"] + 20_000
    }
    running = [duration for status, _, duration in seen if status == 8]
    assert running == sorted(running) and running[-1] == 299_000
    assert {duration for status, _, duration in seen if status == 10} == {300_000}


def test_metrics_and_logs_grow_while_the_version_runs(
    cloud: FakeModelArts, cloud_session: Session, cloud_clock: FakeClock
) -> None:
    created = cloud_session.request("POST", JOBS, json=job_body())
    version_path = f"{JOBS}/{created['job_id']}/versions/{created['version_id']}"
    log_file = get(cloud_session, version_path + "/log/file-names")["log_file_list"][0]
    samples, accuracies, lines = [], [], []
    for _ in range(8):
        body = get(cloud_session, version_path)
        samples.append(len(body["system_metric_list"]["cpuUsage"]))
        metrics = json.loads(body["model_metric_list"])
        accuracies.append(
            metrics["total_metric"]["total_metric_values"]["accuracy"] if metrics else 0
        )
        log = get(cloud_session, version_path + "/aom-log", log_file=log_file, lines=500)
        lines.append(log["lines"])
        cloud_clock.advance(45)
    assert samples[0] == 2 and json.loads(get(cloud_session, version_path)["model_metric_list"])
    assert samples == sorted(samples) and samples[-1] > samples[1] > samples[0]
    assert accuracies == sorted(accuracies) and accuracies[-1] > accuracies[1] > 0
    assert lines == sorted(lines) and lines[0] == 0 and lines[-1] > lines[1] > 0
    cloud_clock.advance(600)
    done = get(cloud_session, version_path)
    assert done["status"] == 10 and done["system_metric_list"]["cpuUsage"][-1] == "0"
    final = json.loads(done["model_metric_list"])["total_metric"]["total_metric_values"]
    assert final["accuracy"] == 0.000937
    listed = get(cloud_session, f"{JOBS}/{created['job_id']}/versions")["versions"][0]
    assert json.loads(listed["system_metric_list"]) == done["system_metric_list"]  # text there


@pytest.mark.parametrize(
    ("outcome", "statuses", "ran"),
    [
        (11, [1, 2, 4, 7, 8, 11], 30_000),
        (12, [1, 2, 4, 7, 8, 12], 30_000),
        (3, [1, 2, 3], 0),
        (5, [1, 2, 4, 5], 0),
    ],
)
def test_plan_version_makes_the_next_version_fail(
    cloud: FakeModelArts,
    cloud_session: Session,
    cloud_clock: FakeClock,
    outcome: int,
    statuses: List[int],
    ran: int,
) -> None:
    cloud.plan_version(outcome, run_seconds=30, queue_seconds=4)
    created = cloud_session.request("POST", JOBS, json=job_body())
    seen = []
    for _ in range(60):
        seen.append(detail(cloud_session, created)["status"])
        cloud_clock.advance(1)
    assert [s for i, s in enumerate(seen) if i == 0 or s != seen[i - 1]] == statuses
    final = detail(cloud_session, created)
    assert final["duration"] == ran
    assert (final["start_time"] is None) == (ran == 0)
    if outcome == 11:
        path = f"{JOBS}/{created['job_id']}/versions/{created['version_id']}"
        log_file = get(cloud_session, path + "/log/file-names")["log_file_list"][0]
        text = get(cloud_session, path + "/aom-log", log_file=log_file, lines=3)["content"]
        assert text.rstrip().endswith("Training failed, exit code 1.")
    # The plan was used up: the next version completes.
    again = cloud_session.request("POST", JOBS, json=job_body("next"))
    cloud_clock.advance(400)
    assert detail(cloud_session, again)["status"] == 10


def test_plans_target_a_job_name_and_can_run_forever(
    cloud: FakeModelArts, cloud_session: Session, cloud_clock: FakeClock
) -> None:
    cloud.plan_version(11, job_name="flaky", times=2)
    cloud.plan_version(None)  # the first other version never ends
    other = cloud_session.request("POST", JOBS, json=job_body("steady"))
    flaky = cloud_session.request("POST", JOBS, json=job_body("flaky"))
    retry = {"config": {"pre_version_id": flaky["version_id"]}}
    flaky2 = cloud_session.request("POST", f"{JOBS}/{flaky['job_id']}/versions", json=retry)
    flaky2["job_id"] = flaky["job_id"]
    cloud_clock.advance(3600)
    assert detail(cloud_session, flaky)["status"] == 11
    assert detail(cloud_session, flaky2)["status"] == 11
    forever = detail(cloud_session, other)
    assert forever["status"] == 8 and forever["duration"] == 3580_000
    path = f"{JOBS}/{other['job_id']}/versions/{other['version_id']}/stop"
    assert cloud_session.request("POST", path) == {"is_success": True}
    assert detail(cloud_session, other)["status"] == 12


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [({"outcome": 8}, "finished status"), ({"outcome": 7}, "finished status"),
     ({"run_seconds": -1}, "run_seconds"), ({"times": 0}, "times")],
)  # fmt: skip
def test_plan_version_arguments(
    cloud: FakeModelArts, kwargs: Dict[str, Any], fragment: str
) -> None:
    with pytest.raises(ValueError, match=fragment):
        cloud.plan_version(**kwargs)
