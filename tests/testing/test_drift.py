"""Drift control: recorded answers checked against the schemas the SDK loads them with."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any, Callable, Dict, List

import pytest

from modelarts import config_api
from modelarts.estimator import Estimator, VisualizationJob
from modelarts.session import Session
from modelarts.testing import FakeClock, FakeModelArts
from modelarts.testing.drift import ROUTES, Problem, check_fixture, check_fixtures, main, route_for
from modelarts.transport import RecordingTransport

ROOT = Path(__file__).resolve().parents[2]
UNKNOWN_ROUTE = "GET /v1/{project_id}/job/ai-engines"


def record_every_route(path: Path) -> None:
    """A genuine fixture: the real recorder in front of the fake, one call per SDK route."""
    fake = FakeModelArts(clock=FakeClock())
    job_id = fake.add_job("mnist", versions=2, status=8)
    fake.add_user("alice", "correct-horse-9")
    recorder = RecordingTransport(fake, path, mode="all")
    # An IAM login (token route); closing would write, so only the last session closes.
    login = Session(
        username="alice",
        password="correct-horse-9",
        region_name=fake.region,
        transport=recorder,
        clock=fake.clock,
    )
    Estimator.get_job_list(login)
    # AK/SK without a project id: the project is looked up in IAM.
    with Session(
        fake.access_key,
        fake.secret_key,
        region_name=fake.region,
        transport=recorder,
        clock=fake.clock,
    ) as session:
        version = Estimator(session, job_id=job_id).get_job_version_object_list(is_show=False)[0]
        version.get_job_info()
        version.get_job_version_info()
        version.get_job_log_file_list()
        version.get_job_log()
        version.update_job_description("drift check")
        version.stop_job_version()
        version.delete_job_version()
        Estimator.delete_job_by_id(session, job_id)
        settings = {"worker_server_num": 1, "spec_id": 27, "data_url": "/b/d/", "model_id": 1}
        config_api.create_config(session, "drift", settings)
        config_api.list_configs(session)
        config_api.get_config(session, "drift")
        config_api.update_config(session, "drift", settings, description="checked")
        config_api.delete_config(session, "drift")
        board = VisualizationJob(session).create_visualization_job("/b/out/", "drift")
        VisualizationJob.get_visualization_job_list(session)
        board.get_visualization_job_info()
        board.update_visualization_job("checked")
        board.stop_visualization_job()
        board.restart_visualization_job()
        board.delete_visualization_job()
        session.request("GET", "/v1/{project_id}/job/ai-engines")


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("drift") / "every_route.json"
    record_every_route(path)
    return path


def interactions(path: Path) -> List[Dict[str, Any]]:
    document = json.loads(path.read_text(encoding="utf-8"))
    found: List[Dict[str, Any]] = document["interactions"]
    return found


def first_index(path: Path, route_name: str) -> int:
    for index, interaction in enumerate(interactions(path)):
        request = interaction["request"]
        route = route_for(request["method"], request["path"])
        if (
            route is not None
            and route.name == route_name
            and interaction["response"]["status"] < 300
        ):
            return index
    raise AssertionError(f"{route_name} is not in {path}")


def edited(source: Path, target: Path, index: int, edit: Callable[[Dict[str, Any]], None]) -> Path:
    """``source`` copied to ``target`` with the response of interaction ``index`` edited."""
    document = json.loads(source.read_text(encoding="utf-8"))
    edit(document["interactions"][index]["response"])
    target.write_text(json.dumps(document), encoding="utf-8")
    return target


def test_a_recording_of_every_route_fits_and_only_the_unknown_route_is_unchecked(
    recorded: Path,
) -> None:
    problems = check_fixture(recorded)

    assert [p for p in problems if p.failed] == []
    unchecked = [p for p in problems if p.kind == "unchecked"]
    assert [(p.index, p.route) for p in unchecked] == [
        (len(interactions(recorded)) - 1, UNKNOWN_ROUTE)
    ]
    assert "unchecked" in str(unchecked[0]) and str(recorded) in str(unchecked[0])
    # The route table matches the paths the SDK really sends: every route was recognised.
    seen = {
        route.name
        for route in (
            route_for(i["request"]["method"], i["request"]["path"]) for i in interactions(recorded)
        )
        if route is not None
    }
    assert seen == {route.name for route in ROUTES}


def test_shipped_fixtures_fit() -> None:
    shipped = ROOT / "fixtures"
    if not shipped.is_dir():
        pytest.skip("the repository ships no fixtures yet")
    assert [str(problem) for problem in check_fixtures(shipped) if problem.failed] == []


def _set(*keys: Any, value: Any) -> Callable[[Dict[str, Any]], None]:
    def edit(response: Dict[str, Any]) -> None:
        node = response["json"]
        for key in keys[:-1]:
            node = node[key]
        node[keys[-1]] = value

    return edit


CHANGES = [
    ("list versions", _set("versions", 0, "status", value="running"), "versions[0].status"),
    ("list versions", _set("versions", value={}), "versions"),
    # Past the summary fields the SDK types lazily: the check loads whole records.
    ("list versions", _set("versions", 1, "gpu_num", value="many"), "versions[1].gpu_num"),
    ("version detail", _set("job_id", value="abc"), "job_id"),
    ("list jobs", _set("jobs", 0, "status", value="running"), "jobs[0].status"),
    ("log file names", _set("log_file_list", value={"a": 1}), "log_file_list"),
    ("read log", _set("lines", value=[50]), "lines"),
    ("stop version", _set("error_message", value=["x"]), "error_message"),
    ("list job configurations", _set("configs", 0, "create_time", value="x"),
     "configs[0].create_time"),
    ("job configuration detail", _set("config_name", value=None), "config_name"),
    ("list visualization jobs", _set("jobs", 0, "status", value="up"), "jobs[0].status"),
    ("visualization job detail", _set("duration", value=[1]), "duration"),
    ("IAM projects", _set("projects", value={}), "projects"),
    ("IAM token", _set("token", "expires_at", value=1795759200), "token.expires_at"),
]


@pytest.mark.parametrize(("route_name", "change", "field"), CHANGES)
def test_a_changed_body_fails_naming_file_interaction_route_and_field(
    recorded: Path,
    tmp_path: Path,
    route_name: str,
    change: Callable[[Dict[str, Any]], None],
    field: str,
) -> None:
    index = first_index(recorded, route_name)
    target = edited(recorded, tmp_path / "changed.json", index, change)

    failed = [p for p in check_fixture(target) if p.failed]

    assert len(failed) == 1, failed
    problem = failed[0]
    assert (problem.path, problem.index, problem.field, problem.kind) == (
        target,
        index,
        field,
        "mismatch",
    )
    assert problem.route.startswith(route_name + ": ")
    text = str(problem)
    assert f"{target}: interaction {index} ({route_name}: " in text
    assert f"field {field!r}" in text


def test_bodies_that_are_not_json_fail(recorded: Path, tmp_path: Path) -> None:
    index = first_index(recorded, "list jobs")

    def to_html(response: Dict[str, Any]) -> None:
        del response["json"]
        response["text"] = "<html><title>502 Bad Gateway</title></html>"

    target = edited(recorded, tmp_path / "html.json", index, to_html)

    failed = [p for p in check_fixture(target) if p.failed]
    assert [(p.index, p.kind) for p in failed] == [(index, "not-json")]
    assert "502 Bad Gateway" in failed[0].message


def test_error_answers_are_not_checked(recorded: Path, tmp_path: Path) -> None:
    versions = first_index(recorded, "list versions")
    jobs = first_index(recorded, "list jobs")

    def failure_at_200(response: Dict[str, Any]) -> None:
        response["json"] = {"is_success": False, "error_code": "X", "versions": "not a list"}

    def not_found(response: Dict[str, Any]) -> None:
        response["status"] = 404
        response["json"] = {"jobs": "garbage"}

    target = edited(recorded, tmp_path / "errors.json", versions, failure_at_200)
    target = edited(target, target, jobs, not_found)

    assert [p for p in check_fixture(target) if p.failed] == []


def test_an_unreadable_file_is_a_failure_naming_it(tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('{"interactions": [', encoding="utf-8")

    [problem] = check_fixture(broken)

    assert (problem.kind, problem.index, problem.failed) == ("unreadable", None, True)
    assert str(broken) in str(problem)


def test_check_fixtures_walks_the_directory_in_order(recorded: Path, tmp_path: Path) -> None:
    index = first_index(recorded, "list versions")
    (tmp_path / "b" / "deeper").mkdir(parents=True)
    (tmp_path / ".hidden").mkdir()
    shutil.copy(recorded, tmp_path / "a.json")
    edited(recorded, tmp_path / "b" / "deeper" / "c.json", index, _set("versions", value={}))
    (tmp_path / ".hidden" / "ignored.json").write_text("not json", encoding="utf-8")
    (tmp_path / "b" / "notes.txt").write_text("not a fixture", encoding="utf-8")

    problems = check_fixtures(tmp_path)

    assert [(p.path.name, p.kind) for p in problems] == [
        ("a.json", "unchecked"),
        ("c.json", "mismatch"),
        ("c.json", "unchecked"),
    ]


def test_main_exits_0_when_everything_fits_1_on_problems_2_without_a_directory(
    recorded: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = tmp_path / "good"
    good.mkdir()
    shutil.copy(recorded, good / "every_route.json")
    assert main([str(good)]) == 0
    out = capsys.readouterr().out
    assert "1 fixture file(s) fit the schemas; 1 interaction(s) unchecked" in out
    assert UNKNOWN_ROUTE in out

    bad = tmp_path / "bad"
    bad.mkdir()
    index = first_index(recorded, "list versions")
    edited(recorded, bad / "changed.json", index, _set("versions", 0, "status", value="running"))
    assert main([str(bad)]) == 1
    out = capsys.readouterr().out
    assert f"interaction {index} (list versions: " in out
    assert "'versions[0].status'" in out
    assert "1 problem(s) in 1 fixture file(s)" in out

    assert main([str(tmp_path / "missing")]) == 2
    assert "does not exist" in capsys.readouterr().err


def test_python_dash_m_runs_the_check(recorded: Path, tmp_path: Path) -> None:
    index = first_index(recorded, "version detail")
    edited(recorded, tmp_path / "changed.json", index, _set("job_id", value="abc"))

    result = subprocess.run(
        [sys.executable, "-m", "modelarts.testing.drift", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 1, result.stderr
    assert f"changed.json: interaction {index} (version detail: " in result.stdout
    assert result.stderr == ""


def test_problem_failed_follows_kind() -> None:
    found = [
        Problem(Path("f.json"), 0, "r", None, "m", kind)
        for kind in ("mismatch", "not-json", "unreadable", "unchecked")
    ]
    assert [problem.failed for problem in found] == [True, True, True, False]
