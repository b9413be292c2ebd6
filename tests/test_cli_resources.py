"""``modelarts configs ...`` and ``modelarts visualizations ...``: output and exit statuses."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

import pytest
from test_cli import Cloud, Stream, record, run

from modelarts import config_api
from modelarts.estimator import VisualizationJob
from modelarts.listing_tables import render_configs_table, render_visualizations_table
from modelarts.testing import FakeClock, FakeModelArts

ONE = "/v1/{project_id}/visualization-jobs/{job_id}"


def seeded() -> FakeModelArts:
    fake = FakeModelArts(clock=FakeClock(datetime.now(timezone.utc).replace(microsecond=0)))
    fake.add_visualization_job("mnist-board", timeline=[(0, 8)], desc="MNIST")  # 8992, serving
    fake.add_visualization_job("old-board", timeline=[(0, 12)])  # 8993, stopped
    fake.add_job_config("mnist-cpu", desc="nightly")
    fake.add_job_config("resnet-gpu", spec_id=1, engine_id=1)
    return fake


@pytest.fixture
def cloud(monkeypatch: pytest.MonkeyPatch) -> Iterator[Cloud]:
    fake = seeded()
    monkeypatch.setenv("HUAWEICLOUD_SDK_AK", fake.access_key)
    monkeypatch.setenv("HUAWEICLOUD_SDK_SK", fake.secret_key)
    with fake.serve() as server:
        yield Cloud(fake, server.url)


# -- visualizations ---------------------------------------------------------------------------


def test_visualizations_list_prints_the_is_show_table(cloud: Cloud) -> None:
    result = cloud.run("visualizations", "list")
    assert (result.status, result.err) == (0, "")
    expected = VisualizationJob.get_visualization_job_object_list(cloud.session(), is_show=False)
    assert result.out == render_visualizations_table(expected) + "\n"
    assert result.lines()[1].split()[:3] == ["8992", "mnist-board", "RUNNING"]
    (call,) = cloud.fake.calls_to("GET", "/v1/{project_id}/visualization-jobs")[:1]
    assert call.query == {"per_page": "50"}


def test_visualizations_list_filters_pages_and_json(cloud: Cloud) -> None:
    result = cloud.run(
        "visualizations", "list", "--status", "KILLED", "--sort-by", "job_name", "--order",
        "desc", "--search", "board", "--page", "1", "--per-page", "5", "-o", "json",
    )  # fmt: skip
    assert result.status == 0
    assert [job["job_name"] for job in result.json()] == ["old-board"]
    (call,) = cloud.fake.calls_to("GET", "/v1/{project_id}/visualization-jobs")
    assert call.query == {"status": "12", "per_page": "5", "page": "1", "sortBy": "job_name",
                          "order": "desc", "search_content": "board"}  # fmt: skip
    lines = cloud.run("visualizations", "list", "-o", "jsonl").lines()
    assert [json.loads(line)["job_id"] for line in lines] == [8992, 8993]
    short = cloud.run("visualizations", "list", "--per-page", "1")
    assert short.status == 0 and "showing jobs 1-1 of 2; --page 2" in short.err


def test_visualizations_show(cloud: Cloud) -> None:
    table = cloud.run("visualizations", "show", "8992")
    assert table.status == 0
    rows = dict(line.split(None, 1) for line in table.lines())
    assert rows["status"] == "RUNNING (8)" and rows["job_desc"] == "MNIST"
    assert rows["service_url"].endswith("/8992/")
    assert table.lines()[0].startswith("job_id")
    raw = cloud.run("visualizations", "show", "8992", "-o", "json").json()
    assert raw["job_id"] == 8992 and raw["is_success"] is True


def test_visualizations_create_and_wait(cloud: Cloud) -> None:
    made = cloud.run("visualizations", "create", "/b/out/", "--name", "new-board", "-d", "x")
    assert (made.status, made.out) == (0, "visualization job 8994 (new-board): INIT\n")
    (call,) = cloud.fake.calls_to("POST", "/v1/{project_id}/visualization-jobs")
    assert json.loads(call.body) == {
        "job_name": "new-board",
        "train_url": "/b/out/",
        "job_desc": "x",
    }
    cloud.fake.new_visualization_timeline = ((0, 8),)
    served = cloud.run("visualizations", "create", "/b/out/", "--wait", "--timeout", "60")
    assert served.status == 0
    assert (
        served.out.startswith("visualization job 8995 (t-") and " RUNNING at https://" in served.out
    )
    cloud.fake.new_visualization_timeline = ((0, 12),)
    ended = cloud.run("visualizations", "create", "/b/out/", "--name", "dead", "--wait")
    assert ended.status == 1
    assert "modelarts: error: visualization job 8996 ended KILLED without serving" in ended.err


@pytest.mark.parametrize(
    "argv",
    [
        ["visualizations", "create", "/b/", "--name", "x" * 21],
        ["visualizations", "create", "/b/", "--timeout", "5"],
        ["visualizations", "show", "abc"],
        ["visualizations", "list", "--status", "SLEEPING"],
        ["visualizations", "list", "--per-page", "0"],
        ["visualizations", "update", "8992"],
        ["visualizations", "stop", "8992"],  # no --yes and no terminal
    ],
)
def test_visualization_usage_errors_exit_2_and_send_nothing(cloud: Cloud, argv: list) -> None:
    result = cloud.run(*argv)
    assert result.status == 2 and result.out == ""
    assert cloud.fake.calls == []


def test_visualizations_changes(cloud: Cloud) -> None:
    assert cloud.run("visualizations", "update", "8992", "-d", "new").status == 0
    assert cloud.fake.visualization_job(8992)["job_desc"] == "new"
    stopped = cloud.run("visualizations", "stop", "8992", "--yes")
    assert (stopped.status, stopped.out) == (0, "stop visualization job 8992: done\n")
    assert cloud.run("visualizations", "restart", "8993").status == 0
    assert cloud.fake.visualization_job(8993)["status"] == 1
    asked = cloud.run("visualizations", "delete", "8993", stdin=Stream("n\n", tty=True))
    assert asked.status == 1 and "aborted" in asked.err and cloud.calls("DELETE", ONE) == 0
    yes = cloud.run("visualizations", "delete", "8993", stdin=Stream("y\n", tty=True))
    assert yes.status == 0 and cloud.calls("DELETE", ONE) == 1


def test_visualization_service_errors_exit_1_with_one_line(cloud: Cloud) -> None:
    wrong_state = cloud.run("visualizations", "stop", "8993", "--yes")
    assert wrong_state.status == 1
    assert wrong_state.err.startswith("modelarts: error: could not stop visualization job 8993: ")
    assert "ModelArts.0105" in wrong_state.err and len(wrong_state.err.splitlines()) == 1
    unknown = cloud.run("visualizations", "show", "1")
    assert unknown.status == 1 and "ModelArts.0015" in unknown.err


# -- configs ----------------------------------------------------------------------------------


def test_configs_list_and_show(cloud: Cloud) -> None:
    result = cloud.run("configs", "list")
    assert result.status == 0
    page = config_api.list_configs(cloud.session(), per_page=50)
    assert result.out == render_configs_table(page.configs) + "\n"
    assert [line.split()[0] for line in result.lines()] == ["NAME", "resnet-gpu", "mnist-cpu"]
    samples = cloud.run("configs", "list", "--type", "sample", "--sort-by", "config_name", "-o",
                        "json")  # fmt: skip
    assert {c["config_name"] for c in samples.json()} >= {"flowers-resnet50"}
    shown = cloud.run("configs", "show", "mnist-cpu")
    rows = dict(line.split(None, 1) for line in shown.lines())
    assert shown.lines()[0].split() == ["config_name", "mnist-cpu"]
    assert rows["spec_code"] == "modelarts.vm.cpu.8u" and rows["config_desc"] == "nightly"
    assert cloud.run("configs", "show", "mnist-cpu", "-o", "json").json()["engine_id"] == 4


def test_configs_delete_and_errors(cloud: Cloud) -> None:
    refused = cloud.run("configs", "delete", "mnist-cpu")
    assert refused.status == 2 and cloud.fake.calls == []
    deleted = cloud.run("configs", "delete", "mnist-cpu", "--yes")
    assert (deleted.status, deleted.out) == (0, "deleted job configuration mnist-cpu\n")
    assert cloud.fake.job_configs == ["resnet-gpu"]
    gone = cloud.run("configs", "show", "mnist-cpu")
    assert gone.status == 1
    assert gone.err.startswith("modelarts: error: could not get job configuration mnist-cpu: ")
    too_long = cloud.run("configs", "delete", "c" * 65, "--yes")
    assert too_long.status == 2 and "config_name" in too_long.err


def test_a_recording_replays_without_credentials(tmp_path: Path) -> None:
    fake = seeded()

    def calls(session: object) -> None:
        VisualizationJob.get_visualization_job_list(session, per_page=50)  # type: ignore[arg-type]
        config_api.list_configs(session, per_page=50)  # type: ignore[arg-type]

    fixture = record(fake, tmp_path / "resources.json", calls)
    board = run("visualizations", "list", "--replay", str(fixture))
    configs = run("configs", "list", "--replay", str(fixture))
    assert (board.status, configs.status) == (0, 0)
    assert "mnist-board" in board.out and "resnet-gpu" in configs.out


_LOADED = (
    "import sys\n"
    "from modelarts.cli import main\n"
    "main(sys.argv[1:])\n"
    "loaded = [m for m in sys.modules if m.split('.')[-1] in ('config_api', "
    "'visualization_api', 'visualization', '_cli_resources', 'listing_tables')]\n"
    "print(loaded)\n"
)


@pytest.mark.parametrize(
    "argv",
    [
        ["configs", "--help"],
        ["jobs", "versions", "182626", "--replay", "fixtures/job_182626_versions.json"],
    ],
)
def test_help_and_jobs_commands_do_not_load_the_resource_modules(argv: list) -> None:
    root = Path(__file__).resolve().parent.parent
    out = subprocess.run(
        [sys.executable, "-c", _LOADED, *argv], capture_output=True, text=True, check=True, cwd=root
    )
    assert out.stdout.strip().splitlines()[-1] == "[]"
    assert "Saved training parameter configurations." in out.stdout or "V0004" in out.stdout


def test_configs_create_and_update_send_the_run_settings(cloud: Cloud) -> None:
    made = cloud.run(
        "configs", "create", "mnist-gpu", "--set", "train_instance_count=1",
        "--set", "train_instance_type=modelarts.vm.cpu.8u", "--set", "code_dir=/b/code/",
        "--set", "boot_file=/b/code/train.py", "--set", "framework_type=TensorFlow",
        "--set", "framework_version=TF-1.8.0-python3.6", "-p", "lr=0.01", "--inputs", "/b/data/",
        "-d", "made by the CLI",
    )  # fmt: skip
    assert (made.status, made.out, made.err) == (0, "created job configuration mnist-gpu\n", "")
    (post,) = cloud.fake.calls_to("POST", "/v1/{project_id}/training-job-configs")
    assert json.loads(post.body) == {
        "config_name": "mnist-gpu", "worker_server_num": 1, "app_url": "/b/code/",
        "boot_file_url": "/b/code/train.py", "parameter": [{"label": "lr", "value": "0.01"}],
        "spec_id": 27, "engine_id": 4, "data_url": "/b/data/", "config_desc": "made by the CLI",
    }  # fmt: skip
    updated = cloud.run(
        "configs", "update", "mnist-gpu", "--set", "train_instance_count=1", "--set",
        "train_instance_type=modelarts.vm.cpu.8u", "--set", "model_name=ResNet_v1_50",
        "--dataset-id", "ds", "--dataset-version-id", "v1",
    )  # fmt: skip
    assert (updated.status, updated.out) == (0, "updated job configuration mnist-gpu\n")
    saved = cloud.fake.job_config("mnist-gpu")
    assert (saved["model_id"], saved["dataset_id"], saved["config_desc"]) == (
        1,
        "ds",
        "made by the CLI",
    )


@pytest.mark.parametrize(
    "argv",
    [
        ["configs", "create", "bad name", "--set", "train_instance_count=1"],
        ["configs", "create", "c", "--set", "no_such_keyword=1"],
        ["configs", "create", "c", "--set", "train_instance_count"],
        ["configs", "create", "c", "--set", "create_version=maybe"],
        ["configs", "create", "c", "--set", "environment=local"],
        ["configs", "create", "c", "--inputs", "/d/", "--dataset-id", "x"],
        ["configs", "create", "c", "--dataset-id", "x"],
        ["configs", "update", "c", "--set", "train_instance_count=zero"],
        ["configs", "list", "--type", "mine"],
    ],
)
def test_config_usage_errors_exit_2_and_send_nothing(cloud: Cloud, argv: list) -> None:
    result = cloud.run(*argv)
    assert result.status == 2 and result.out == "" and result.err.count("\n") >= 1
    assert cloud.fake.calls == []
