"""The fake's training job parameter configurations (modelarts_03_0058..0062)."""

from __future__ import annotations

from typing import Any, Dict

import pytest

from modelarts.errors import APIError
from modelarts.session import Session
from modelarts.testing import FakeClock, FakeModelArts

CONFIGS = "/v1/{project_id}/training-job-configs"

# modelarts_03_0062 Table 3, without the error fields.
DETAIL_FIELDS = {
    "is_success", "config_name", "config_desc", "worker_server_num", "app_url", "boot_file_url",
    "model_id", "parameter", "spec_id", "data_url", "dataset_id", "dataset_version_id",
    "data_source", "engine_type", "engine_name", "engine_id", "engine_version", "train_url",
    "log_url", "user_image_url", "user_command", "spec_code", "gpu_type", "create_time", "cpu",
    "gpu_num", "core", "dataset_name", "dataset_version_name", "pool_id", "pool_name", "volumes",
    "nas_mount_path", "nas_share_addr", "nas_type",
}  # fmt: skip
LIST_FIELDS = {"config_name", "config_desc", "create_time", "engine_type", "engine_name",
               "engine_id", "engine_version", "user_image_url", "user_command"}  # fmt: skip


def api_error(call: Any) -> APIError:
    with pytest.raises(APIError) as info:
        call()
    return info.value


def sample_body(name: str = "testConfig", **changes: Any) -> Dict[str, Any]:
    """The sample request of modelarts_03_0058."""
    body: Dict[str, Any] = {
        "config_name": name,
        "config_desc": "This is config",
        "worker_server_num": 1,
        "app_url": "/usr/app/",
        "boot_file_url": "/usr/app/boot.py",
        "parameter": [
            {"label": "learning_rate", "value": "0.01"},
            {"label": "batch_size", "value": "32"},
        ],
        "spec_id": 1,
        "dataset_id": "38277e62-9e59-48f4-8d89-c8cf41622c24",
        "dataset_version_id": "2ff0d6ba-c480-45ae-be41-09a8369bfc90",
        "engine_id": 1,
        "train_url": "/usr/train/",
        "log_url": "/usr/log/",
        "model_id": 1,
    }
    body.update(changes)
    return {key: value for key, value in body.items() if value is not None}


def create(session: Session, body: Dict[str, Any]) -> Any:
    return session.request("POST", CONFIGS, json=body)


def test_create_then_details_like_the_documented_samples(
    cloud_session: Session, cloud: FakeModelArts
) -> None:
    assert create(cloud_session, sample_body()) == {"is_success": True}
    body = cloud_session.request("GET", f"{CONFIGS}/testConfig")
    assert set(body) == DETAIL_FIELDS and body["is_success"] is True
    for name, value in sample_body().items():
        assert body[name] == value, name
    assert (body["engine_name"], body["engine_version"]) == ("TensorFlow", "TF-1.4.0-python2.7")
    assert (body["spec_code"], body["gpu_num"], body["core"]) == ("modelarts.vm.gpu.p100", 1, "8")
    assert body["create_time"] == int(cloud.clock.now().timestamp() * 1000)
    assert cloud.job_configs == ["testConfig"]
    assert cloud.job_config("testConfig")["config_desc"] == "This is config"


def test_names_follow_the_current_page(cloud_session: Session) -> None:
    # modelarts_03_0058 (2025-08-20): 1 to 64 characters; its older copy said 1 to 20.
    assert create(cloud_session, sample_body("c" * 64)) == {"is_success": True}
    assert create(cloud_session, sample_body("config-1204-020159_x")) == {"is_success": True}
    for name in ("c" * 65, "", "has space", "ünï", None):
        error = api_error(lambda name=name: create(cloud_session, sample_body(name)))
        assert (error.status_code, error.error_code) == (400, "ModelArts.0104")
        assert "config_name" in error.error_msg


def test_a_taken_name_is_0103_and_unknown_names_are_0015(cloud_session: Session) -> None:
    create(cloud_session, sample_body("dup"))
    taken = api_error(lambda: create(cloud_session, sample_body("dup")))
    assert (taken.status_code, taken.error_code) == (400, "ModelArts.0103")
    assert taken.error_msg == "Config name:dup is existed"
    for method in ("GET", "PUT", "DELETE"):
        body = sample_body() if method == "PUT" else None
        missing = api_error(
            lambda method=method, body=body: cloud_session.request(
                method, f"{CONFIGS}/nope", json=body
            )
        )
        assert (missing.status_code, missing.error_code) == (404, "ModelArts.0015"), method
    bad_path = api_error(lambda: cloud_session.request("GET", f"{CONFIGS}/a%20b"))
    assert (bad_path.status_code, bad_path.error_code) == (400, "ModelArts.0104")


@pytest.mark.parametrize(
    ("changes", "fragment"),
    [
        ({"spec_id": 999}, "spec_id 999"),
        ({"pool_id": "pool-1"}, "cannot be used together"),
        ({"spec_id": None}, "spec_id"),
        ({"engine_id": 12345}, "engine_id 12345"),
        ({"model_id": 404}, "model_id 404"),
        ({"worker_server_num": None}, "worker_server_num"),
        ({"data_url": "/usr/data/"}, "only one"),
        ({"dataset_id": None, "dataset_version_id": None}, "one of data_url"),
        ({"config_desc": "d" * 257}, "config_desc"),
        ({"parameter": {"lr": 1}}, "parameter"),
    ],
)
def test_run_settings_are_checked_like_a_jobs(
    cloud_session: Session, changes: Dict[str, Any], fragment: str
) -> None:
    error = api_error(lambda: create(cloud_session, sample_body(**changes)))
    assert (error.status_code, error.error_code) == (400, "ModelArts.0104")
    assert fragment in error.error_msg and "config." not in error.error_msg


def test_list_sorts_pages_and_searches(cloud_session: Session, cloud_clock: FakeClock) -> None:
    for name, desc in (("beta", "b"), ("alpha", "c"), ("gamma", "a"), ("alphabet", "")):
        create(cloud_session, sample_body(name, config_desc=desc))
        cloud_clock.advance(60)
    listed = cloud_session.request("GET", CONFIGS)
    assert listed["is_success"] is True and listed["config_total_count"] == 4
    assert all(set(item) == LIST_FIELDS for item in listed["configs"])
    names = [item["config_name"] for item in listed["configs"]]
    assert names == ["gamma", "beta", "alphabet", "alpha"]  # config_name, desc by default

    def names_of(**query: Any) -> Any:
        return [
            c["config_name"] for c in cloud_session.request("GET", CONFIGS, query=query)["configs"]
        ]

    assert names_of(order="asc") == ["alpha", "alphabet", "beta", "gamma"]
    assert names_of(sortBy="create_time", order="asc") == ["beta", "alpha", "gamma", "alphabet"]
    assert names_of(sortBy="config_desc", order="asc") == ["alphabet", "gamma", "beta", "alpha"]
    assert names_of(per_page=3, page=2, order="asc") == ["gamma"]
    assert names_of(search_content="ALPHA", order="asc") == ["alpha", "alphabet"]
    assert names_of(per_page=3, page=9) == []


def test_samples_are_listed_apart_and_read_only(cloud_session: Session) -> None:
    samples = cloud_session.request("GET", CONFIGS, query={"config_type": "sample"})
    assert samples["config_total_count"] >= 3
    name = samples["configs"][0]["config_name"]
    assert cloud_session.request("GET", CONFIGS)["config_total_count"] == 0
    detail = cloud_session.request("GET", f"{CONFIGS}/{name}", query={"config_type": "sample"})
    assert detail["config_name"] == name and detail["model_id"] is not None
    custom = api_error(lambda: cloud_session.request("GET", f"{CONFIGS}/{name}"))
    assert custom.error_code == "ModelArts.0015"
    assert (
        api_error(lambda: cloud_session.request("DELETE", f"{CONFIGS}/{name}")).status_code == 404
    )
    by_time = api_error(
        lambda: cloud_session.request(
            "GET", CONFIGS, query={"config_type": "sample", "sortBy": "create_time"}
        )
    )
    assert by_time.error_code == "ModelArts.0104" and "sample" in by_time.error_msg


@pytest.mark.parametrize(
    "query",
    [{"per_page": "0"}, {"per_page": "1001"}, {"page": "0"}, {"sortBy": "job_name"},
     {"order": "up"}, {"config_type": "shared"}, {"search_content": "s" * 65}],
)  # fmt: skip
def test_list_queries_are_checked(cloud_session: Session, query: Dict[str, str]) -> None:
    error = api_error(lambda: cloud_session.request("GET", CONFIGS, query=query))
    assert (error.status_code, error.error_code) == (400, "ModelArts.0104")


def test_update_replaces_the_run_settings_and_delete_removes(cloud_session: Session) -> None:
    create(cloud_session, sample_body("cfg"))
    change = sample_body(None, spec_id=2, train_url="/usr/train2/", config_desc=None)
    assert cloud_session.request("PUT", f"{CONFIGS}/cfg", json=change) == {"is_success": True}
    body = cloud_session.request("GET", f"{CONFIGS}/cfg")
    assert (body["spec_id"], body["train_url"], body["config_desc"]) == (
        2,
        "/usr/train2/",
        "This is config",  # kept: the body had no config_desc
    )
    incomplete = api_error(
        lambda: cloud_session.request("PUT", f"{CONFIGS}/cfg", json={"config_desc": "x"})
    )
    assert incomplete.error_code == "ModelArts.0104"
    assert cloud_session.request("DELETE", f"{CONFIGS}/cfg") == {"is_success": True}
    gone = api_error(lambda: cloud_session.request("GET", f"{CONFIGS}/cfg"))
    assert gone.error_code == "ModelArts.0015"


def test_the_old_sdks_flat_body_with_extras_is_accepted(cloud_session: Session) -> None:
    # old-SDK bodies carry priority and a data_url; unknown fields are ignored.
    body = {"config_name": "config-1204-020159", "priority": 1, "worker_server_num": 1,
            "app_url": "/b/code/", "boot_file_url": "/b/code/t.py", "train_url": "/b/out/",
            "spec_id": 27, "parameter": [], "engine_id": 122, "data_url": "/b/data/"}  # fmt: skip
    assert create(cloud_session, body) == {"is_success": True}
    detail = cloud_session.request("GET", f"{CONFIGS}/config-1204-020159")
    assert detail["engine_name"] == "PyTorch" and "priority" not in detail


def test_seeding_and_errors_with_http_200(cloud_clock: FakeClock) -> None:
    fake = FakeModelArts(clock=cloud_clock, error_status="200")
    fake.add_job_config("seeded", desc="from a test", spec_id=5, engine_id=123)
    with pytest.raises(ValueError, match="1-64"):
        fake.add_job_config("bad name")
    with pytest.raises(KeyError):
        fake.job_config("missing")
    session = Session(transport=fake, clock=cloud_clock, retry=0, **fake.session_kwargs())
    assert (
        session.request("GET", f"{CONFIGS}/seeded")["engine_version"] == "PyTorch-1.3.0-python3.6"
    )
    error = api_error(lambda: session.request("GET", f"{CONFIGS}/missing"))
    assert (error.status_code, error.error_code) == (200, "ModelArts.0015")
