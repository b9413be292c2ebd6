"""The fixtures we ship: current, reproducible, replayable by user code unchanged."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from types import ModuleType
from typing import Any, Dict

import pytest

from modelarts.errors import APIError, NotFoundError
from modelarts.estimator import Estimator
from modelarts.session import Session
from modelarts.training_job import JobStatus
from modelarts.transport import FixtureTransport

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"


def _recorder() -> ModuleType:
    spec = importlib.util.spec_from_file_location("record_fixtures", FIXTURES / "record.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


RECORD = _recorder()


def _stable(path: Path) -> Dict[str, Any]:
    """A fixture without what legitimately changes between recordings."""
    data = json.loads(path.read_text(encoding="utf-8"))
    data.pop("recorded_at")
    for interaction in data["interactions"]:
        interaction["response"]["headers"].pop("x-request-id", None)
    return data


@pytest.mark.parametrize("name", sorted(RECORD.SCENARIOS))
def test_shipped_fixture_is_what_recording_produces_today(name: str, tmp_path: Path) -> None:
    fresh = RECORD.record(name, tmp_path)
    assert _stable(fresh) == _stable(FIXTURES / f"{name}.json"), (
        f"fixtures/{name}.json is stale: run `python fixtures/record.py {name}`"
    )


def replay(name: str) -> Session:
    return Session(transport=FixtureTransport(FIXTURES / f"{name}.json"))


def test_readme_listing_replays_without_credentials(capsys: pytest.CaptureFixture[str]) -> None:
    versions = Estimator(
        replay("job_182626_versions"), job_id="182626"
    ).get_job_version_object_list()
    assert [v.version_name for v in versions] == ["V0004", "V0003", "V0002", "V0001"]
    assert versions[0].status is JobStatus.RUNNING and versions[1].status is JobStatus.FAILED
    assert all(v.job_id == "182626" for v in versions)
    rows = capsys.readouterr().out.splitlines()
    assert len(rows) == 5 and rows[1].startswith("V0004")


def test_paged_listing_replays_three_pages() -> None:
    session = replay("job_182626_paged")
    versions = list(Estimator(session, job_id=182626).iter_job_versions(page_size=50))
    assert len(versions) == len({v.version_id for v in versions}) == 120
    assert session.transport.unplayed() == []  # type: ignore[attr-defined]


def test_operations_replay() -> None:
    session = replay("job_182626_operations")
    RECORD.scenario_operations(session, None)
    assert session.transport.unplayed() == []  # type: ignore[attr-defined]


def test_error_fixtures_raise_typed_errors() -> None:
    with pytest.raises(NotFoundError) as unknown:
        Estimator(replay("job_unknown"), job_id=999999).get_job_version_object_list()
    assert unknown.value.error_code == "ModelArts.0015" and unknown.value.request_id
    with pytest.raises(APIError) as refused:
        Estimator(
            replay("job_182626_is_success_false"), job_id=182626
        ).get_job_version_object_list()
    assert (refused.value.status_code, refused.value.error_code) == (200, "ModelArts.0105")


USER_SCRIPT = textwrap.dedent(
    """
    from modelarts.session import Session
    from modelarts.estimator import Estimator
    session = Session()
    versions = Estimator(session, job_id="182626").get_job_version_object_list(is_show=False)
    print(",".join(v.version_id for v in versions))
    session.close()
    """
)


def run_user_script(env: Dict[str, str], cwd: Path) -> str:
    clean = {
        k: v for k, v in os.environ.items() if not k.startswith(("HUAWEICLOUD_", "MODELARTS_"))
    }
    clean.update(env)
    result = subprocess.run(
        [sys.executable, "-c", USER_SCRIPT],
        env=clean,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_the_environment_switches_a_plain_script_to_record_then_replay(tmp_path: Path) -> None:
    from modelarts.testing import FakeModelArts

    fake = FakeModelArts()
    fake.add_job("mnist", job_id=182626, versions=3)
    fixture = tmp_path / "listing.json"
    with fake.serve() as server:
        recorded = run_user_script(
            {
                **fake.environment(server.url),
                "MODELARTS_FIXTURE": str(fixture),
                "MODELARTS_RECORD_MODE": "once",
            },
            tmp_path,
        )
    assert fixture.exists() and len(recorded.split(",")) == 3
    text = fixture.read_text(encoding="utf-8")
    for secret in (fake.secret_key, fake.access_key, fake.project_id):
        assert secret not in text
    # The server is gone and no credentials are set: the same script replays.
    replayed = run_user_script({"MODELARTS_FIXTURE": str(fixture)}, tmp_path)
    assert replayed == recorded
