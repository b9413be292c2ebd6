"""fit and create_job_version: the requests (against the old SDK's, except where this SDK
decides otherwise), the checks before any request, the catalogues, waiting on a fake clock,
a lost create answer, and the old SDK's call shapes around them."""

from __future__ import annotations

import json
import time
from typing import Any, Dict, List, Optional, Tuple

import pytest
from hypothesis import given
from hypothesis import strategies as st

from modelarts.errors import (
    ConfigurationError,
    CreateOutcomeUnknownError,
    InvalidArgumentError,
    WaitTimeoutError,
)
from modelarts.estimator import JOB_STATE, Estimator
from modelarts.session import Session
from modelarts.testing import FakeClock, faults
from modelarts.testing.fake import FakeModelArts
from modelarts.training_job import JobStatus, TrainingJob

#: The run keywords of the old SDK's example, as a script passes them.
RUN: Dict[str, Any] = {
    "framework_type": "TensorFlow",
    "framework_version": "TF-1.8.0-python3.6",
    "code_dir": "/bucket/code/",
    "boot_file": "/bucket/code/train.py",
    "output_path": "/bucket/out/",
    "log_url": "/bucket/log/",
    "hyperparameters": [{"label": "lr", "value": "0.01"}],
    "train_instance_type": "modelarts.vm.cpu.8u",
    "train_instance_count": 1,
    "job_description": "diff",
}

#: What the old SDK 1.1.7 sent for ``fit(inputs="/bucket/data/", job_name="diff-fit")``
#: with ``RUN`` (seen on the wire, ids resolved against the same catalogues).
OLD_SDK_FIT_BODY: Dict[str, Any] = {
    "job_name": "diff-fit",
    "job_desc": "diff",
    "job_type": "train",
    "autosearch_config": {"config_path": "", "autosearch_path": ""},
    "config": {
        "priority": 1,
        "worker_server_num": 1,
        "app_url": "/bucket/code/",
        "boot_file_url": "/bucket/code/train.py",
        "train_url": "/bucket/out/",
        "spec_id": 27,
        "parameter": [{"label": "lr", "value": "0.01"}],
        "engine_id": 4,
        "log_url": "/bucket/log/",
        "data_url": "/bucket/data/",
    },
}


def documented(old: Dict[str, Any], priority: Optional[int] = None) -> Dict[str, Any]:
    """The old SDK's body as this SDK sends it: without the undocumented ``job_type`` and
    ``autosearch_config``, and ``priority`` only when given."""
    body = {k: v for k, v in old.items() if k not in ("job_type", "autosearch_config")}
    config = {k: v for k, v in old["config"].items() if k != "priority"}
    if priority is not None:
        config["priority"] = priority
    body["config"] = config
    return body


Wire = Tuple[str, str, Dict[str, str], Any]


def wire(fake: FakeModelArts) -> List[Wire]:
    prefix = f"/v1/{fake.project_id}"
    return [
        (
            c.method,
            c.path.replace(prefix, ""),
            dict(c.query),
            json.loads(c.body) if c.body else None,
        )
        for c in fake.calls
    ]


def test_fit_sends_the_old_sdks_requests(fake_cloud: FakeModelArts, fake_session: Session) -> None:
    job = Estimator(fake_session, **RUN).fit(inputs="/bucket/data/", job_name="diff-fit")
    assert wire(fake_cloud) == [
        ("GET", "/job/resource-specs", {}, None),
        ("GET", "/job/ai-engines", {"job_type": "train"}, None),
        ("POST", "/training-jobs", {}, documented(OLD_SDK_FIT_BODY)),
    ]
    assert isinstance(job, TrainingJob)
    assert (job.job_id, job.version_id) == ("182626", "278813")
    assert (job.job_name, job.version_name, job.status) == ("diff-fit", "V0001", JobStatus.INIT)
    # The old attributes scripts read, as passed.
    assert (job.inputs, job.train_url) == ("/bucket/data/", "/bucket/out/")
    assert (job.dataset_id, job.data_source, job.config_name) == (None, None, None)
    assert job.modelarts_session is fake_session
    assert fake_cloud.version(182626, 278813).status == 1


def test_priority_and_pool_as_documented(fake_cloud: FakeModelArts, fake_session: Session) -> None:
    estimator = Estimator(fake_session, **RUN)
    estimator.fit(inputs="/bucket/data/", job_name="p2", priority=2)
    estimator.train_instance_type = None
    estimator.pool_id = "pool7d1e384a"
    estimator.fit(inputs="/bucket/data/", job_name="pooled")
    first, second = (body for method, _, _, body in wire(fake_cloud) if method == "POST")
    assert first["config"]["priority"] == 2
    assert second["config"]["pool_id"] == "pool7d1e384a"
    assert "spec_id" not in second["config"] and "poolId" not in second["config"]
    # The catalogues were fetched once for both jobs.
    assert [path for _, path, _, _ in wire(fake_cloud)].count("/job/resource-specs") == 1


def test_create_job_version_uses_the_current_attributes(
    fake_cloud: FakeModelArts, fake_session: Session
) -> None:
    estimator = Estimator(fake_session, **RUN)
    job = estimator.fit(inputs="/bucket/data/", job_name="diff-fit")
    estimator.output_path = "/bucket/out2/"
    version = estimator.create_job_version(
        int(job.job_id), job.version_id, inputs="/bucket/data/", job_desc="second"
    )
    config = dict(documented(OLD_SDK_FIT_BODY)["config"], train_url="/bucket/out2/")
    config["pre_version_id"] = 278813  # a JSON integer, whatever the caller passed
    assert wire(fake_cloud)[-1] == (
        "POST",
        "/training-jobs/182626/versions",
        {},
        {"config": config, "job_desc": "second"},
    )
    assert len(fake_cloud.calls) == 4  # the catalogues were not fetched again
    assert version is not job and (version.job_id, version.version_id) == ("182626", "278814")
    assert (job.version_id, version.train_url) == ("278813", "/bucket/out2/")
    estimator.create_job_version(job.job_id, version.version_id, inputs="/bucket/data/")
    assert "job_desc" not in wire(fake_cloud)[-1][3]


def test_model_name_resolves_to_a_built_in_algorithm(
    fake_cloud: FakeModelArts, fake_session: Session
) -> None:
    estimator = Estimator(
        fake_session,
        model_name="ResNet_v1_50",
        train_instance_type="modelarts.vm.gpu.p100",
        train_instance_count=1,
        output_path="/bucket/out/",
    )
    estimator.fit(dataset_id="ds1", dataset_version_id="v1", job_name="builtin")
    requests = wire(fake_cloud)
    assert [path for _, path, _, _ in requests] == [
        "/job/resource-specs",
        "/built-in-algorithms",
        "/training-jobs",
    ]
    config = requests[-1][3]["config"]
    assert (config["model_id"], config["spec_id"]) == (1, 1)
    assert (config["dataset_id"], config["dataset_version_id"]) == ("ds1", "v1")


BAD_SETTINGS: List[Dict[str, Any]] = [
    {"train_instance_count": None},
    {"train_instance_count": 0},
    {"train_instance_type": None},
    {"pool_id": "pool1"},  # with train_instance_type: one or the other
    {"framework_version": None},
    {"model_name": "ResNet_v1_50"},  # with code_dir and a framework
    {"hyperparameters": [{"value": "x"}]},
    {"hyperparameters": "lr=0.1"},
    {"code_dir": 5},
    {"create_version": "yes"},
    {"create_version": False},  # fit and create_job_version return the new version
    {"job_description": "x" * 257},
    {"train_instance_type": "local"},
]


@pytest.mark.parametrize("change", BAD_SETTINGS, ids=[str(c)[:40] for c in BAD_SETTINGS])
def test_bad_settings_are_refused_before_any_request(
    fake_cloud: FakeModelArts, fake_session: Session, change: Dict[str, Any]
) -> None:
    estimator = Estimator(fake_session, **RUN)
    for name, value in change.items():
        setattr(estimator, name, value)
    with pytest.raises(ConfigurationError):  # InvalidArgumentError is one
        estimator.fit(inputs="/bucket/data/")
    # A version's description is its job_desc argument; create_version is the job's setting.
    if "job_description" not in change and change != {"create_version": False}:
        with pytest.raises(ConfigurationError):
            estimator.create_job_version(1, 2, inputs="/bucket/data/")
    assert fake_cloud.calls == []


BAD_CALLS = [
    lambda e: e.fit(),  # no data
    lambda e: e.fit(inputs="/d/", dataset_id="x", dataset_version_id="y"),
    lambda e: e.fit(dataset_id="x"),
    lambda e: e.fit(data_source=[{"type": "nfs"}]),
    lambda e: e.fit(inputs="/d/", job_name="bad name!"),
    lambda e: e.fit(inputs="/d/", job_name="x" * 65),
    lambda e: e.fit(inputs="/d/", priority=4),
    lambda e: e.fit(inputs="/d/", priority="1"),
    lambda e: e.create_job_version("abc", 1, inputs="/d/"),
    lambda e: e.create_job_version(1, None, inputs="/d/"),
    lambda e: e.create_job_version(1, 2, inputs="/d/", job_desc="x" * 257),
    lambda e: e.create_job_version(1, 2),
    lambda e: e.get_job_state("x", 1),
    lambda e: Estimator.find_job(e.session, "bad name!"),
]


@pytest.mark.parametrize("call", BAD_CALLS)
def test_bad_arguments_are_refused_before_any_request(
    fake_cloud: FakeModelArts, fake_session: Session, call: Any
) -> None:
    with pytest.raises(InvalidArgumentError):
        call(Estimator(fake_session, **RUN))
    assert fake_cloud.calls == []


def test_constructor_checks(fake_cloud: FakeModelArts, fake_session: Session) -> None:
    with pytest.raises(TypeError):
        Estimator(fake_session, 1, "modelarts.vm.cpu.8u")  # type: ignore[misc]
    with pytest.raises(InvalidArgumentError, match="train_instance_cont"):
        Estimator(fake_session, train_instance_cont=1)
    for name in ("w3_account", "w3_password", "app_id", "app_token", "environment"):
        with pytest.raises(ConfigurationError, match="not"):
            Estimator(fake_session, **{name: "x"})
    assert fake_cloud.calls == []


@pytest.mark.parametrize(
    ("change", "needle"),
    [
        ({"train_instance_type": "modelarts.vm.cpu.64u"}, "modelarts.vm.cpu.2u"),
        ({"framework_version": "TF-9"}, "TF-1.8.0-python3.6"),
        ({"framework_type": "Torch", "framework_version": "1"}, "PyTorch"),
        ({"train_instance_count": 2}, "exceeds the 1 nodes"),  # max_num of the flavor
    ],
)
def test_catalogue_mismatches_say_what_is_available(
    fake_cloud: FakeModelArts, fake_session: Session, change: Dict[str, Any], needle: str
) -> None:
    estimator = Estimator(fake_session, **{**RUN, **change})
    with pytest.raises(InvalidArgumentError, match=needle):
        estimator.fit(inputs="/bucket/data/")
    assert not fake_cloud.calls_to("POST", "/v1/{project_id}/training-jobs")


def test_the_fakes_refusal_of_a_duplicate_name_is_an_api_error(fake_session: Session) -> None:
    from modelarts.errors import APIError

    estimator = Estimator(fake_session, **RUN)
    estimator.fit(inputs="/bucket/data/", job_name="twice")
    with pytest.raises(APIError) as caught:
        estimator.fit(inputs="/bucket/data/", job_name="twice")
    assert caught.value.error_code == "ModelArts.0103"


def test_default_names_differ_within_a_second(
    fake_cloud: FakeModelArts, fake_session: Session
) -> None:
    estimator = Estimator(fake_session, **RUN, base_job_name="mnist")
    first = estimator.fit(inputs="/bucket/data/")
    second = estimator.fit(inputs="/bucket/data/")
    assert first.job_name != second.job_name
    assert first.job_name is not None and first.job_name.startswith("mnist-1127-0600")


# -- waiting on the fake_cloud clock ---------------------------------------------------------------


def test_fit_wait_polls_through_every_transient_state(
    fake_cloud: FakeModelArts, fake_session: Session
) -> None:
    started = time.monotonic()
    job = Estimator(fake_session, **RUN).fit(inputs="/bucket/data/", job_name="w", wait=True)
    assert time.monotonic() - started < 5  # the fake_cloud clock slept, not the test
    assert job.status is JobStatus.COMPLETED and job.duration is not None
    assert job.duration.total_seconds() == 300
    polls = fake_cloud.calls_to(
        "GET", "/v1/{project_id}/training-jobs/{job_id}/versions/{version_id}"
    )
    seen = {json.loads(c.body or b"{}").get("status") for c in polls}  # GETs have no body
    assert seen == {None}
    assert len(polls) >= 5 and fake_cloud.clock.sleeps  # type: ignore[attr-defined]


def test_wait_returns_a_failure_status(fake_cloud: FakeModelArts, fake_session: Session) -> None:
    fake_cloud.plan_version(outcome=11, run_seconds=30)
    job = Estimator(fake_session, **RUN).fit(inputs="/bucket/data/", job_name="f")
    assert job.wait(poll=1) is JobStatus.FAILED
    assert job.status is JobStatus.FAILED and job.raw["status"] == 11


def test_wait_timeout_raises_and_the_job_runs_on(
    fake_cloud: FakeModelArts, fake_session: Session
) -> None:
    fake_cloud.plan_version(outcome=None)
    job = Estimator(fake_session, **RUN).fit(inputs="/bucket/data/", job_name="t")
    with pytest.raises(WaitTimeoutError) as caught:
        job.wait(timeout=60)
    assert caught.value.status is JobStatus.RUNNING
    assert "keeps running" in str(caught.value)


def test_create_job_version_wait(fake_cloud: FakeModelArts, fake_session: Session) -> None:
    estimator = Estimator(fake_session, **RUN)
    job = estimator.fit(inputs="/bucket/data/", job_name="v")
    fake_cloud.plan_version(outcome=12, run_seconds=10)
    version = estimator.create_job_version(
        job.job_id, job.version_id, inputs="/bucket/data/", wait=True
    )
    assert version.status is JobStatus.KILLED


def test_get_job_state_names_every_code(fake_cloud: FakeModelArts, fake_session: Session) -> None:
    job_id = fake_cloud.add_job("states", versions=1, status=7)
    version_id = fake_cloud.job(job_id).versions[0].version_id
    estimator = Estimator(fake_session)
    assert estimator.get_job_state(job_id, version_id) == ("JOBSTAT_DEPLOYING", 0)
    for code, name in ((19, "JOBSTAT_CHECK_RUNNING"), (23, "JOBSTAT_CODE_23")):
        fake_cloud.update_version(job_id, version_id, status=code)
        assert estimator.get_job_state(str(job_id), version_id)[0] == name
    assert JOB_STATE[7] == "JOBSTAT_DEPLOYING" and JobStatus.DEPLOYING == 7
    # One version-details GET per call, as the old SDK made.
    path = f"/training-jobs/{job_id}/versions/{version_id}"
    assert wire(fake_cloud) == [("GET", path, {}, None)] * 3


def test_find_job_searches_by_name(fake_cloud: FakeModelArts, fake_session: Session) -> None:
    fake_cloud.add_job("mnist-a", versions=2)
    fake_cloud.add_job("mnist", versions=1)
    found = Estimator.find_job(fake_session, "mnist")
    assert found is not None and found.job_name == "mnist"
    assert wire(fake_cloud) == [
        (
            "GET",
            "/training-jobs",
            {"per_page": "1000", "page": "1", "search_content": "mnist"},
            None,
        )
    ]


# -- a lost answer -------------------------------------------------------------------------


def test_a_lost_create_answer_names_the_job_and_the_way_back(
    fake_cloud: FakeModelArts, fake_session: Session
) -> None:
    fake_cloud.inject("POST /v1/{project_id}/training-jobs", faults.Disconnect(processed=True))
    estimator = Estimator(fake_session, **RUN)
    with pytest.raises(CreateOutcomeUnknownError) as caught:
        estimator.fit(inputs="/bucket/data/", job_name="lost-answer")
    error = caught.value
    assert error.job_name == "lost-answer"
    assert "Estimator.get_job_list(session, search_content='lost-answer')" in str(error)
    assert len(fake_cloud.calls_to("POST", "/v1/{project_id}/training-jobs")) == 1  # never resent
    found = Estimator.find_job(fake_session, "lost-answer")
    assert found is not None and found.job_name == "lost-answer"
    assert Estimator.find_job(fake_session, "lost") is None  # exact names only


def test_a_lost_version_answer_names_the_job(
    fake_cloud: FakeModelArts, fake_session: Session
) -> None:
    estimator = Estimator(fake_session, **RUN)
    job = estimator.fit(inputs="/bucket/data/", job_name="j")
    fake_cloud.inject(
        "POST /v1/{project_id}/training-jobs/{job_id}/versions", faults.Disconnect(processed=True)
    )
    with pytest.raises(CreateOutcomeUnknownError) as caught:
        estimator.create_job_version(job.job_id, job.version_id, inputs="/bucket/data/")
    assert caught.value.job_id == job.job_id
    assert "get_job_version_object_list" in str(caught.value)


# -- the inputs: every combination -------------------------------------------------------------

SOURCES = [{"type": "obs", "data_url": "/bucket/data/"}]
maybe = st.one_of(st.none(), st.just("x1"))


@given(
    inputs=st.one_of(st.none(), st.just("/bucket/data/")),
    dataset_id=maybe,
    dataset_version_id=maybe,
    data_source=st.one_of(st.none(), st.just(SOURCES)),
)
def test_exactly_one_kind_of_input(
    inputs: Optional[str],
    dataset_id: Optional[str],
    dataset_version_id: Optional[str],
    data_source: Optional[List[Dict[str, str]]],
) -> None:
    fake = FakeModelArts(clock=FakeClock())
    session = Session(transport=fake, clock=fake.clock, **fake.session_kwargs())
    kinds = [
        inputs is not None,
        dataset_id is not None or dataset_version_id is not None,
        data_source is not None,
    ]
    pair_complete = (dataset_id is None) == (dataset_version_id is None)
    arguments = {
        "inputs": inputs,
        "dataset_id": dataset_id,
        "dataset_version_id": dataset_version_id,
        "data_source": data_source,
    }
    estimator = Estimator(session, **RUN)
    if sum(kinds) != 1 or not pair_complete:
        with pytest.raises(InvalidArgumentError):
            estimator.fit(**arguments, job_name="combo")
        assert fake.calls == []
        return
    job = estimator.fit(**arguments, job_name="combo")
    sent = wire(fake)[-1][3]["config"]
    data_keys = {"data_url", "dataset_id", "dataset_version_id", "data_source"} & set(sent)
    expected = {
        "data_url": inputs,
        "dataset_id": dataset_id,
        "dataset_version_id": dataset_version_id,
        "data_source": data_source,
    }
    assert {key: sent[key] for key in data_keys} == {
        key: value for key, value in expected.items() if value is not None
    }
    assert (job.inputs, job.dataset_id) == (inputs, dataset_id)


# -- the old call shapes ------------------------------------------------------------------------


def test_catalogue_calls_return_the_old_shapes(
    fake_cloud: FakeModelArts, fake_session: Session
) -> None:
    types = Estimator.get_train_instance_types(fake_session)
    assert types[:3] == ["modelarts.vm.gpu.p100", "modelarts.vm.cpu.2u", "modelarts.vm.gpu.v100NV"]
    specs = Estimator.get_spec_list(fake_session)
    assert [s["spec_code"] for s in specs["specs"]] == types
    frameworks = Estimator.get_framework_list(fake_session)
    assert {"framework_type": "PyTorch", "framework_version": "PyTorch-1.4.0-python3.6"} in (
        frameworks
    )
    engines = Estimator.get_engine_list(fake_session, job_type="train")
    assert len(engines["engines"]) == len(frameworks)
    algorithms = Estimator.get_built_in_algorithms(fake_session)
    assert algorithms["model_total_count"] == len(algorithms["models"]) == 8
    assert wire(fake_cloud)[:4] == [
        ("GET", "/job/resource-specs", {}, None),
        ("GET", "/job/resource-specs", {}, None),
        ("GET", "/job/ai-engines", {}, None),
        ("GET", "/job/ai-engines", {"job_type": "train"}, None),
    ]


def test_get_job_log_sends_only_what_is_given(
    fake_cloud: FakeModelArts, fake_session: Session
) -> None:
    job = Estimator(fake_session, **RUN).fit(inputs="/bucket/data/", job_name="logs", wait=True)
    (log_file,) = job.get_job_log_file_list()["log_file_list"]
    fake_cloud.calls.clear()
    job.get_job_log(log_file=log_file)
    job.get_job_log(log_file=log_file, lines=5, order="asc", base_line="3")
    assert [query for _, _, query, _ in wire(fake_cloud)] == [
        {"log_file": log_file},
        {"log_file": log_file, "lines": "5", "order": "asc", "base_line": "3"},
    ]
