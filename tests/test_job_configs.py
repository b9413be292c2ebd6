"""Estimator's parameter-configuration methods (modelarts_03_0058..0062) against the fake cloud."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List

import pytest

from modelarts.config_api import CONFIG_NAME
from modelarts.errors import APIError, InvalidArgumentError, NotFoundError
from modelarts.estimator import Estimator
from modelarts.schemas.configs import JobConfig
from modelarts.session import Session
from modelarts.testing import FakeClock, FakeModelArts
from modelarts.transport import FixtureTransport

RUN: Dict[str, Any] = {
    "train_instance_count": 1,
    "train_instance_type": "modelarts.vm.cpu.8u",
    "framework_type": "TensorFlow",
    "framework_version": "TF-1.8.0-python3.6",
    "code_dir": "/bucket/code/",
    "boot_file": "/bucket/code/train.py",
    "output_path": "/bucket/out/",
    "hyperparameters": [{"label": "lr", "value": "0.01"}],
}
#: What RUN sends: the flavor and engine resolved through the fake's catalogues.
SENT: Dict[str, Any] = {
    "worker_server_num": 1,
    "app_url": "/bucket/code/",
    "boot_file_url": "/bucket/code/train.py",
    "train_url": "/bucket/out/",
    "parameter": [{"label": "lr", "value": "0.01"}],
    "spec_id": 27,
    "engine_id": 4,
}
CONFIGS = "/v1/{p}/training-job-configs"


@pytest.fixture
def fake() -> FakeModelArts:
    return FakeModelArts(clock=FakeClock())


@pytest.fixture
def session(fake: FakeModelArts) -> Iterator[Session]:
    with Session(transport=fake, clock=fake.clock, retry=0, **fake.session_kwargs()) as s:
        yield s


def sent(fake: FakeModelArts) -> List[Any]:
    out = []
    for call in fake.calls:
        body = json.loads(call.body) if call.body else None
        out.append((call.method, call.path.replace(fake.project_id, "{p}"), call.query, body))
    return out


def refused(fake: FakeModelArts, call: Callable[[], Any], *words: str) -> None:
    before = len(fake.calls)
    with pytest.raises(InvalidArgumentError) as info:
        call()
    assert len(fake.calls) == before, "a bad argument must be refused before sending"
    for word in words:
        assert word in str(info.value)


# -- create ---------------------------------------------------------------------------------


def test_create_sends_fits_settings_flat_after_the_catalogues(
    session: Session, fake: FakeModelArts
) -> None:
    estimator = Estimator(session, **RUN)
    config = estimator.create_job_configs("mnist-cpu", inputs="/bucket/data/", config_desc="d")
    calls = sent(fake)
    assert [c[:3] for c in calls[:-1]] == [
        ("GET", "/v1/{p}/job/resource-specs", {}),
        ("GET", "/v1/{p}/job/ai-engines", {"job_type": "train"}),
    ]
    method, path, query, body = calls[-1]
    assert (method, path, query) == ("POST", CONFIGS, {})
    assert body == {"config_name": "mnist-cpu", **SENT, "data_url": "/bucket/data/",
                    "config_desc": "d"}  # fmt: skip
    assert list(body)[0] == "config_name" and list(body)[-1] == "config_desc"
    assert isinstance(config, JobConfig) and config.config_name == "mnist-cpu"
    assert (config.spec_id, config.engine_id, config.config_desc) == (27, 4, "d")
    assert estimator.config_name == "mnist-cpu"
    saved = fake.job_config("mnist-cpu")
    assert saved["spec_code"] == "modelarts.vm.cpu.8u" and saved["data_url"] == "/bucket/data/"


def test_create_is_the_same_config_fit_sends(session: Session, fake: FakeModelArts) -> None:
    estimator = Estimator(session, **RUN)
    estimator.create_job_configs("c", dataset_id="ds", dataset_version_id="v1")
    estimator.fit(dataset_id="ds", dataset_version_id="v1", job_name="j")
    config_body = sent(fake)[-2][3]
    job_body = sent(fake)[-1][3]
    del config_body["config_name"]
    assert config_body == job_body["config"]  # one declaration of the run settings
    # The catalogues were asked once for the session, not once per call.
    assert len(fake.calls_to("GET", "/v1/{project_id}/job/resource-specs")) == 1


def test_default_name_fits_the_limit(session: Session, fake: FakeModelArts) -> None:
    estimator = Estimator(
        session,
        train_instance_count=1,
        train_instance_type="modelarts.vm.cpu.8u",
        model_name="ResNet_v1_50",
    )
    config = estimator.create_job_configs(data_source=[{"type": "obs", "data_url": "/d/"}])
    assert config.config_name is not None and CONFIG_NAME.fullmatch(config.config_name)
    assert config.config_name.startswith("config-1127-060000-") and len(config.config_name) == 25
    body = sent(fake)[-1][3]
    assert body["model_id"] == 1 and body["data_source"] == [{"type": "obs", "data_url": "/d/"}]
    assert "config_desc" not in body and "data_url" not in body


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"config_name": "a" * 65}, ["config_name", "1-64"]),
        ({"config_name": "with space"}, ["config_name"]),
        ({"config_desc": "d" * 257}, ["config_desc", "256"]),
        ({"inputs": "/d/", "dataset_id": "x", "dataset_version_id": "y"}, ["exactly one"]),
        ({"dataset_id": "x"}, ["together"]),
        ({"data_source": [{"type": "ftp"}]}, ["data_source[0].type"]),
    ],
)
def test_create_refuses_bad_arguments_before_sending(
    session: Session, fake: FakeModelArts, kwargs: Dict[str, Any], words: List[str]
) -> None:
    refused(fake, lambda: Estimator(session, **RUN).create_job_configs(**kwargs), *words)


def test_bad_settings_are_refused_before_sending(session: Session, fake: FakeModelArts) -> None:
    both = Estimator(session, **{**RUN, "pool_id": "pool-1"})
    refused(fake, lambda: both.create_job_configs("c"), "pool_id")
    half = Estimator(session, **{**RUN, "framework_version": None})
    refused(fake, lambda: half.create_job_configs("c"), "framework_version")
    refused(fake, lambda: Estimator(session, **RUN).update_job_configs(), "config_name=")


def test_an_unknown_flavor_names_what_is_on_offer(session: Session, fake: FakeModelArts) -> None:
    estimator = Estimator(session, **{**RUN, "train_instance_type": "modelarts.vm.huge"})
    with pytest.raises(InvalidArgumentError) as info:
        estimator.create_job_configs("c")
    assert "modelarts.vm.cpu.8u" in str(info.value)
    assert fake.calls_to("POST", "/v1/{project_id}/training-job-configs") == []


def test_a_taken_name_is_the_services_error(session: Session, fake: FakeModelArts) -> None:
    fake.add_job_config("c")
    with pytest.raises(APIError) as info:
        Estimator(session, **RUN).create_job_configs("c", inputs="/d/")
    assert (info.value.status_code, info.value.error_code) == (400, "ModelArts.0103")


# -- one configuration ----------------------------------------------------------------------------


def test_info_update_and_delete_use_the_estimators_name(
    session: Session, fake: FakeModelArts
) -> None:
    fake.add_job_config("c", desc="old")
    estimator = Estimator(session, config_name="c", **RUN)
    assert fake.calls == []  # the constructor makes no request, as in the old SDK
    info = estimator.get_job_configs_info()
    assert isinstance(info, dict) and info["config_name"] == "c" and info["config_desc"] == "old"
    assert estimator.update_job_configs(inputs="/bucket/d2/") == {"is_success": True}
    assert fake.job_config("c")["config_desc"] == "old"  # kept: no config_desc was given
    estimator.update_job_configs("c", inputs="/bucket/d2/", config_desc="new")
    assert estimator.delete_job_configs() == {"is_success": True}
    changes = [c for c in sent(fake) if c[0] != "GET" or "configs" in c[1]]
    assert [c[:2] for c in changes] == [
        ("GET", CONFIGS + "/c"),
        ("PUT", CONFIGS + "/c"),
        ("PUT", CONFIGS + "/c"),
        ("DELETE", CONFIGS + "/c"),
    ]
    assert changes[1][3] == {**SENT, "data_url": "/bucket/d2/"}
    assert list(changes[2][3])[0] == "config_desc" and changes[2][3]["config_desc"] == "new"
    assert fake.job_configs == []


def test_operations_need_a_name_and_refuse_before_sending(
    session: Session, fake: FakeModelArts
) -> None:
    refused(fake, Estimator(session).get_job_configs_info, "config_name=")
    refused(fake, Estimator(session).delete_job_configs, "config_name=")
    refused(fake, lambda: Estimator(session, config_name="").get_job_configs_info())
    with pytest.raises(NotFoundError) as unknown:
        Estimator(session, config_name="nope").get_job_configs_info()
    assert unknown.value.error_code == "ModelArts.0015"


# -- loading a saved configuration ---------------------------------------------------------------


def test_an_estimator_from_a_saved_configuration_fits_with_its_settings(
    session: Session, fake: FakeModelArts
) -> None:
    Estimator(session, **RUN).create_job_configs("mnist-cpu", inputs="/bucket/data/")
    loaded = Estimator.from_job_config(session, "mnist-cpu")
    assert loaded.config_name == "mnist-cpu"
    for name, value in RUN.items():
        assert getattr(loaded, name) == value, name
    assert loaded.pool_id is None  # the public flavor's pool is not a dedicated pool
    loaded.fit(inputs="/bucket/data/", job_name="from-config")
    body = sent(fake)[-1][3]
    assert body["config"] == {**SENT, "data_url": "/bucket/data/"}
    assert "config_name" not in body and "config_name" not in body["config"]


def test_a_configuration_of_a_built_in_algorithm_loads_its_name(
    session: Session, fake: FakeModelArts
) -> None:
    fake.add_job_config("flowers", model_id=1, spec_id=5, worker_server_num=1)
    loaded = Estimator.from_job_config(session, "flowers")
    assert (loaded.model_name, loaded.framework_type, loaded.code_dir) == (
        "ResNet_v1_50",
        None,
        None,
    )
    assert loaded.train_instance_type == fake.job_config("flowers")["spec_code"]
    sample = Estimator.from_job_config(session, "flowers-resnet50", config_type="sample")
    assert sample.model_name == "ResNet_v1_50"
    # The algorithms catalogue was read once for the session.
    assert len(fake.calls_to("GET", "/v1/{project_id}/built-in-algorithms")) == 1


# -- the project's configurations ------------------------------------------------------------------


def seed(fake: FakeModelArts, count: int) -> None:
    for number in range(count):
        fake.add_job_config(f"config-{number}", desc=f"number {number}")


def test_list_sends_only_the_filters_given(session: Session, fake: FakeModelArts) -> None:
    seed(fake, 3)
    body = Estimator.get_job_configs_list(session)
    assert isinstance(body, dict) and body["config_total_count"] == 3
    Estimator.get_job_configs_list(
        session, per_page=2, page=2, sortBy="create_time", order="asc", search_content="config",
        config_type="custom",
    )  # fmt: skip
    Estimator.get_job_configs_list(session, sort_by="config_desc")
    assert [c[2] for c in sent(fake)] == [
        {},
        {"per_page": "2", "page": "2", "sortBy": "create_time", "order": "asc",
         "search_content": "config", "config_type": "custom"},
        {"sortBy": "config_desc"},
    ]  # fmt: skip


@pytest.mark.parametrize(
    "kwargs",
    [{"per_page": 0}, {"page": 0}, {"sortBy": "engine"}, {"order": "x"}, {"config_type": "all"}],
)
def test_list_refuses_bad_filters_before_sending(
    session: Session, fake: FakeModelArts, kwargs: Dict[str, Any]
) -> None:
    refused(fake, lambda: Estimator.get_job_configs_list(session, **kwargs))
    refused(fake, lambda: Estimator.get_job_configs_object_list(session, **kwargs))


def test_object_list_is_one_page_in_one_request_and_prints_a_table(
    session: Session, fake: FakeModelArts, capsys: pytest.CaptureFixture[str]
) -> None:
    seed(fake, 5)
    page = Estimator.get_job_configs_object_list(session, per_page=2, page=2, order="asc")
    assert [config.config_name for config in page] == ["config-2", "config-3"]
    assert all(isinstance(config, JobConfig) for config in page)
    assert page[0].raw["config_desc"] == "number 2" and page[0].engine_name == "TensorFlow"
    assert [c[:3] for c in sent(fake)] == [
        ("GET", CONFIGS, {"per_page": "2", "page": "2", "order": "asc"})
    ]
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["NAME", "ENGINE", "CREATED", "DESCRIPTION"]
    assert [line.split()[0] for line in lines[1:]] == ["config-2", "config-3"]
    assert Estimator.get_job_configs_object_list(session, is_show=False, per_page=1)
    assert capsys.readouterr().out == ""


# -- record and replay ---------------------------------------------------------------------------


def test_the_recorded_flow_replays_offline() -> None:
    fixture = Path(__file__).resolve().parent.parent / "fixtures" / "job_configs.json"
    with Session(transport=FixtureTransport(fixture)) as session:
        import importlib.util

        spec = importlib.util.spec_from_file_location("rec", fixture.parent / "record.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        module.scenario_job_configs(session, None)
        assert session.transport.unplayed() == []  # type: ignore[attr-defined]
