"""``modelarts jobs create``, ``jobs new-version``, ``jobs wait`` against the fake cloud.

The command runs on the fake's clock (``main(clock=...)``), so ``--wait`` and
``jobs wait`` follow a version through minutes of the fake's time in none of ours.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any, Dict, Iterator, List

import pytest
from test_cli import Cloud, Result, Stream, run, serve_cloud
from test_cli_watch import run_on

from modelarts._cli_run_args import RUN_FLAGS
from modelarts.run_config import RUN_OPTIONS
from modelarts.testing import Disconnect, FakeClock
from modelarts.training_job import JobStatus

CREATE = "/v1/{project_id}/training-jobs"
CREATE_VERSION = "/v1/{project_id}/training-jobs/{job_id}/versions"
#: The run flags of an old-SDK PyTorch estimator, as the command line spells them.
RUN = [
    "--framework-type", "PyTorch",
    "--framework-version", "PyTorch-1.4.0-python3.6",
    "--code-dir", "/bucket/mnist/code/",
    "--boot-file", "/bucket/mnist/code/train.py",
    "--output-path", "/bucket/mnist/output/",
    "--log-url", "/bucket/mnist/log/",
    "--instance-type", "modelarts.vm.cpu.8u",
    "--instance-count", "1",
    "--hyperparameter", "lr=0.01",
    "--hyperparameter", "note=a=b",
]  # fmt: skip
DATA = ["--inputs", "/bucket/mnist/data/"]


@pytest.fixture
def cloud(monkeypatch: pytest.MonkeyPatch) -> Iterator[Cloud]:
    yield from serve_cloud(monkeypatch)


def posted(cloud: Cloud, path: str) -> List[Dict[str, Any]]:
    return [json.loads(call.body) for call in cloud.fake.calls_to("POST", path)]


def pairs(result: Result) -> Dict[str, str]:
    return dict(line.split(None, 1) for line in result.lines())  # type: ignore[misc]


# -- jobs create -----------------------------------------------------------------------------


def test_create_sends_fits_body_and_prints_the_new_version(cloud: Cloud) -> None:
    result = run_on(
        cloud, "jobs", "create", *RUN, *DATA, "--job-name", "mnist-cli",
        "--description", "from the shell", "--priority", "2",
    )  # fmt: skip
    assert result.status == 0, result.err
    [body] = posted(cloud, CREATE)
    assert body["job_name"] == "mnist-cli" and body["job_desc"] == "from the shell"
    config = body["config"]
    assert config["app_url"] == "/bucket/mnist/code/"
    assert config["boot_file_url"] == "/bucket/mnist/code/train.py"
    assert config["train_url"] == "/bucket/mnist/output/"
    assert config["log_url"] == "/bucket/mnist/log/"
    assert config["data_url"] == "/bucket/mnist/data/"
    assert config["worker_server_num"] == 1 and config["priority"] == 2
    assert config["parameter"] == [
        {"label": "lr", "value": "0.01"},
        {"label": "note", "value": "a=b"},
    ]
    assert config["spec_id"] == 27 and config["engine_id"] == 124  # resolved, JSON integers
    shown = pairs(result)
    job = cloud.fake.job(shown["job_id"])
    assert job.job_name == "mnist-cli"
    assert shown["version_id"] == str(job.versions[0].version_id)
    assert shown["status"] == "INIT (1)"
    assert (
        result.err == f"created job {shown['job_id']} (mnist-cli) version {shown['version_id']}\n"
    )


def test_create_json_is_the_created_record(cloud: Cloud) -> None:
    result = run_on(cloud, "jobs", "create", *RUN, *DATA, "-o", "json")
    assert result.status == 0, result.err
    record = result.json()
    name = record["job_name"]
    assert name.startswith("job-") and cloud.fake.job(str(record["job_id"])).job_name == name


@pytest.mark.parametrize(
    ("data", "sent"),
    [
        (["--dataset-id", "ds1", "--dataset-version-id", "v2"],
         {"dataset_id": "ds1", "dataset_version_id": "v2"}),
        (["--data-source", '[{"type": "obs", "data_url": "/b/d/"}]'],
         {"data_source": [{"type": "obs", "data_url": "/b/d/"}]}),
    ],
)  # fmt: skip
def test_create_takes_a_dataset_or_data_sources(
    cloud: Cloud, data: List[str], sent: Dict[str, Any]
) -> None:
    result = run_on(cloud, "jobs", "create", *RUN, *data)
    assert result.status == 0, result.err
    [body] = posted(cloud, CREATE)
    assert {key: body["config"][key] for key in sent} == sent
    assert "data_url" not in body["config"]


def test_create_wait_follows_the_version_to_completed_on_the_fake_clock(cloud: Cloud) -> None:
    started = time.monotonic()
    result = run_on(cloud, "jobs", "create", *RUN, *DATA, "--wait")
    assert result.status == 0, result.err
    shown = pairs(result)
    assert shown["status"] == "COMPLETED (10)" and shown["duration"] == "0:05:00"
    assert sum(cloud.fake.clock.sleeps) >= 300  # the fake's minutes ...
    assert time.monotonic() - started < 10  # ... none of ours


def test_create_wait_exits_1_when_the_version_fails(cloud: Cloud) -> None:
    cloud.fake.plan_version(JobStatus.FAILED, run_seconds=60)
    result = run_on(cloud, "jobs", "create", *RUN, *DATA, "--wait", "--poll", "10")
    assert result.status == 1
    assert pairs(result)["status"] == "FAILED (11)"
    assert set(cloud.fake.clock.sleeps) == {10.0}


def test_create_wait_timeout_exits_1_and_the_job_keeps_running(cloud: Cloud) -> None:
    result = run_on(cloud, "jobs", "create", *RUN, *DATA, "--wait", "--timeout", "60")
    assert result.status == 1
    created, error = result.err.splitlines()
    assert created.startswith("created job ") and pairs(result)["status"] == "RUNNING (8)"
    assert error.startswith("modelarts: error: job ") and "keeps running" in error


def test_reuse_finds_the_job_of_that_name_instead_of_creating_another(cloud: Cloud) -> None:
    first = run_on(cloud, "jobs", "create", *RUN, *DATA, "--job-name", "once-only", "--reuse")
    assert first.status == 0 and len(posted(cloud, CREATE)) == 1
    again = run_on(cloud, "jobs", "create", *RUN, *DATA, "--job-name", "once-only", "--reuse")
    assert again.status == 0, again.err
    assert len(posted(cloud, CREATE)) == 1  # nothing created the second time
    assert pairs(again)["job_id"] == pairs(first)["job_id"]
    assert pairs(again)["version_id"] == pairs(first)["version_id"]
    assert "exists" in again.err and "not creating another" in again.err


def test_a_lost_create_answer_says_how_to_resume(cloud: Cloud) -> None:
    cloud.fake.inject("POST " + CREATE, Disconnect(processed=True))
    result = run_on(cloud, "jobs", "create", *RUN, *DATA, "--job-name", "lost-one")
    assert result.status == 1 and result.out == ""
    [line] = result.err.splitlines()
    assert "--job-name lost-one --reuse" in line
    resumed = run_on(cloud, "jobs", "create", *RUN, *DATA, "--job-name", "lost-one", "--reuse")
    assert resumed.status == 0 and len(posted(cloud, CREATE)) == 1


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        ([*RUN], "no training data"),
        ([*RUN, *DATA, "--dataset-id", "d", "--dataset-version-id", "v"], "exactly one"),
        ([*RUN, "--data-source", "[{"], "--data-source is not JSON"),
        ([*RUN, "--data-source", '{"type": "obs"}'], "JSON list"),
        ([*RUN, *DATA, "--hyperparameter", "lr"], "KEY=VALUE"),
        ([*RUN, *DATA, "--priority", "5"], "--priority"),
        ([*RUN, *DATA, "--timeout", "5"], "need --wait"),
        ([*RUN, *DATA, "--reuse"], "--job-name"),
        ([*RUN, *DATA, "--job-name", "no spaces"], "job_name"),
        ([*RUN[:-4], *DATA, "--framework-version", "x"], "framework"),
        ([*RUN, *DATA, "--pool-id", "pool-1"], "not both"),
        ([*RUN, *DATA, "--instance-count", "0"], "train_instance_count"),
    ],
)
def test_create_argument_errors_exit_2_before_anything_is_sent(
    cloud: Cloud, argv: List[str], says: str
) -> None:
    result = run_on(cloud, "jobs", "create", *argv)
    assert result.status == 2, result.err
    assert says in result.err
    assert posted(cloud, CREATE) == []


def test_an_unknown_flavor_lists_the_available_ones_and_creates_nothing(cloud: Cloud) -> None:
    argv = [*RUN, *DATA]
    argv[argv.index("modelarts.vm.cpu.8u")] = "modelarts.vm.cpu.64u"
    result = run_on(cloud, "jobs", "create", *argv)
    assert result.status == 2
    assert "modelarts.vm.cpu.8u" in result.err and len(result.err.splitlines()) == 1
    assert posted(cloud, CREATE) == []


# -- jobs new-version ------------------------------------------------------------------------


def test_new_version_derives_from_the_given_version(cloud: Cloud) -> None:
    result = run_on(
        cloud, "jobs", "new-version", "182626", "--from", "278817", *RUN, *DATA, "--wait"
    )
    assert result.status == 0, result.err
    [body] = posted(cloud, CREATE_VERSION)
    assert body["config"]["pre_version_id"] == 278817  # a JSON integer
    assert body["config"]["engine_id"] == 124 and "job_desc" not in body
    shown = pairs(result)
    assert shown["job_id"] == "182626" and shown["status"] == "COMPLETED (10)"
    assert "from version 278817" in result.err


def test_new_version_needs_from(cloud: Cloud) -> None:
    result = run_on(cloud, "jobs", "new-version", "182626", *RUN, *DATA)
    assert result.status == 2 and "--from" in result.err


# -- jobs wait -------------------------------------------------------------------------------


def _version(cloud: Cloud, timeline: Any) -> List[str]:
    job_id = cloud.fake.add_job("wait-demo", versions=0)
    version_id = cloud.fake.add_version(job_id, timeline=timeline)
    return [str(job_id), str(version_id)]


def test_wait_exits_0_when_the_version_completes(cloud: Cloud) -> None:
    ids = _version(cloud, [(0, 7), (30, 8), (330, 10)])
    result = run_on(cloud, "jobs", "wait", *ids)
    assert result.status == 0, result.err
    assert result.out == (
        f"version {ids[1]} of job {ids[0]} ended COMPLETED (completed) after running 0:05:00\n"
    )


def test_wait_exits_1_on_a_failure_code(cloud: Cloud) -> None:
    ids = _version(cloud, [(0, 8), (45, 11)])
    result = run_on(cloud, "jobs", "wait", *ids, "--poll", "15")
    assert result.status == 1
    assert "ended FAILED" in result.out
    assert cloud.fake.clock.sleeps == [15.0, 15.0, 15.0]


def test_wait_waits_through_transient_states(cloud: Cloud) -> None:
    # IMAGE_CREATING, SUBMIT_TRYING, DEPLOYING, RUNNING, KILLING... then COMPLETED.
    ids = _version(cloud, [(0, 2), (20, 4), (40, 7), (60, 8), (90, 9), (120, 10)])
    result = run_on(cloud, "jobs", "wait", *ids, "--poll", "5")
    assert result.status == 0 and "ended COMPLETED" in result.out


def test_wait_timeout_exits_1_saying_the_job_keeps_running(cloud: Cloud) -> None:
    ids = _version(cloud, [(0, 8)])
    result = run_on(cloud, "jobs", "wait", *ids, "--timeout", "120")
    assert result.status == 1 and result.out == ""
    [line] = result.err.splitlines()
    assert "still RUNNING" in line and "keeps running" in line
    assert sum(cloud.fake.clock.sleeps) == pytest.approx(120)


class _CtrlC(FakeClock):
    def sleep(self, seconds: float) -> None:
        raise KeyboardInterrupt


def test_ctrl_c_during_a_wait_exits_130_and_the_job_keeps_running(
    cloud: Cloud, capsys: pytest.CaptureFixture[str]
) -> None:
    ids = _version(cloud, [(0, 8)])
    result = run_on(cloud, "jobs", "wait", *ids, clock=_CtrlC(cloud.fake.clock.now()))
    assert result.status == 130
    said = capsys.readouterr().err  # modelarts.waiting says it on the process's stderr
    assert f"stopped waiting for job {ids[0]} version {ids[1]}" in said
    assert "keeps running" in said


@pytest.mark.parametrize("argv", [["1"], ["1", "2", "--timeout", "0"], ["x", "2"]])
def test_wait_usage_errors_exit_2(cloud: Cloud, argv: List[str]) -> None:
    assert run_on(cloud, "jobs", "wait", *argv).status == 2


# -- recorded and replayed -------------------------------------------------------------------


def test_a_recorded_create_wait_replays_offline_without_waiting(
    cloud: Cloud, tmp_path: Path
) -> None:
    fixture = tmp_path / "create_wait.json"
    argv = ["jobs", "create", *RUN, *DATA, "--job-name", "replayed", "--wait"]
    live = run_on(cloud, *argv, "--record", str(fixture))
    assert live.status == 0, live.err
    started = time.monotonic()
    replayed = run(*argv, "--replay", str(fixture), stdin=Stream())  # the system clock
    assert time.monotonic() - started < 5
    assert (replayed.status, replayed.out) == (0, live.out)
    assert pairs(replayed)["status"] == "COMPLETED (10)"


def test_every_run_keyword_has_a_flag(cloud: Cloud) -> None:
    # Keywords that only shape the SDK's own defaults or undocumented extras have none.
    internal = {"create_version", "base_job_name", "job_type", "config_path", "autosearch_path"}
    flagged = {keyword for _, keyword, _, _ in RUN_FLAGS} | {"hyperparameters", "job_description"}
    assert flagged == set(RUN_OPTIONS) - internal
    shown = run_on(cloud, "jobs", "create", "--help")
    assert shown.status == 0
    for flag, *_ in RUN_FLAGS:
        assert flag in shown.out
    listed = run_on(cloud, "--help").out
    assert all(name in listed for name in ("specs", "engines", "algorithms"))


def test_new_version_description_is_the_jobs_new_description(cloud: Cloud) -> None:
    argv = ["jobs", "new-version", "182626", "--from", "278817", *RUN, *DATA]
    result = run_on(cloud, *argv, "--description", "lr 0.001")
    assert result.status == 0, result.err
    [body] = posted(cloud, CREATE_VERSION)
    assert body["job_desc"] == "lr 0.001"


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (["jobs", "create", *RUN], "no training data"),
        (["jobs", "create", *RUN, *DATA, "--job-name", "a b"], "job_name"),
        (["jobs", "new-version", "1", "--from", "2", *RUN[:-4], *DATA, "--pool-id", "p"], "both"),
    ],
)
def test_flags_are_checked_before_credentials_are_looked_for(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, argv: List[str], says: str
) -> None:
    for name in ("HUAWEICLOUD_SDK_AK", "HUAWEICLOUD_SDK_SK"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))  # no credentials file either
    result = run(*argv, "--region", "cn-north-4", "--project-id", "p" * 32)
    assert result.status == 2
    assert says in result.err and "credentials" not in result.err
