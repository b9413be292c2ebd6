"""``modelarts specs``, ``modelarts engines``, ``modelarts algorithms`` against the fake cloud."""

from __future__ import annotations

import json
from typing import Any, Dict, Iterator, List

import pytest
from test_cli import Cloud, serve_cloud
from test_cli_watch import run_on

from modelarts.estimator import Estimator

SPECS = "/v1/{project_id}/job/resource-specs"
ENGINES = "/v1/{project_id}/job/ai-engines"
ALGORITHMS = "/v1/{project_id}/built-in-algorithms"


@pytest.fixture
def cloud(monkeypatch: pytest.MonkeyPatch) -> Iterator[Cloud]:
    yield from serve_cloud(monkeypatch)


def column(text: str, name: str) -> List[str]:
    lines = text.splitlines()
    start = lines[0].index(name)
    return [line[start:].split("  ")[0].strip() for line in lines[1:]]


def test_specs_table_lists_every_flavor_with_what_create_takes(cloud: Cloud) -> None:
    result = run_on(cloud, "specs")
    assert result.status == 0, result.err
    header = [cell.strip() for cell in result.lines()[0].split("  ") if cell.strip()]
    assert header[:2] == ["SPEC CODE", "SPEC ID"]
    with cloud.session() as session:
        expected = Estimator.get_train_instance_types(session)
    assert column(result.out, "SPEC CODE") == expected
    assert "yes" in column(result.out, "AVAILABLE") and "no" in column(result.out, "AVAILABLE")
    gpus = column(result.out, "GPUS")
    assert "-" in gpus and any(" x " in cell for cell in gpus)


def test_engines_table_gives_framework_type_and_version(cloud: Cloud) -> None:
    result = run_on(cloud, "engines")
    assert result.status == 0, result.err
    with cloud.session() as session:
        frameworks = Estimator.get_framework_list(session)
    pairs = list(zip(column(result.out, "FRAMEWORK TYPE"), column(result.out, "FRAMEWORK VERSION")))
    assert pairs == [(f["framework_type"], f["framework_version"]) for f in frameworks]
    assert ("Ascend-Powered-Engine", "MindSpore-1.1.1-python3.7-aarch64") in pairs


def test_algorithms_walk_every_page(cloud: Cloud) -> None:
    result = run_on(cloud, "algorithms")
    assert result.status == 0, result.err
    with cloud.session() as session:
        models = Estimator.get_built_in_algorithms(session)["models"]
    assert column(result.out, "MODEL NAME") == [model["model_name"] for model in models]
    assert "classification" in column(result.out, "USAGE")
    queries = [call.query for call in cloud.fake.calls_to("GET", ALGORITHMS)]
    assert queries and all(query.get("per_page") == "100" for query in queries)


@pytest.mark.parametrize(
    ("command", "path", "key"),
    [
        ("specs", SPECS, "specs"),
        ("engines", ENGINES, "engines"),
        ("algorithms", ALGORITHMS, "models"),
    ],
)
def test_json_is_the_servers_records(cloud: Cloud, command: str, path: str, key: str) -> None:
    result = run_on(cloud, command, "-o", "json")
    assert result.status == 0, result.err
    with cloud.session() as session:
        answer = session.request("GET", path, operation="expected")
    records: List[Dict[str, Any]] = json.loads(result.out)
    assert records[: len(answer[key])] == answer[key]


def test_job_type_reaches_the_server(cloud: Cloud) -> None:
    assert run_on(cloud, "engines", "--job-type", "inference").status == 0
    assert run_on(cloud, "specs", "--job-type", "train").status == 0
    [engines] = cloud.fake.calls_to("GET", ENGINES)
    [specs] = cloud.fake.calls_to("GET", SPECS)
    assert engines.query.get("job_type") == "inference" and specs.query.get("job_type") == "train"


def test_catalogue_usage_errors_exit_2(cloud: Cloud) -> None:
    result = run_on(cloud, "specs", "--job-type", "serving")
    assert result.status == 2 and "--job-type" in result.err
    assert cloud.calls("GET", SPECS) == 0
