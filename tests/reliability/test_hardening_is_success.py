"""Issue 13, item 4: one rule for ``is_success``, wherever it is read.

``"is_success": "false"`` (a string) used to count as success for the Session
while the envelope loader marked it failed. The rule now, in
``modelarts._decode.success_flag``: when the field is there, anything but JSON
``true`` is a failure. The Session (``APIError``), the envelope loader
(``Envelope.failed``) and the drift checker (an error answer, not checked) agree.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from modelarts._decode import reports_failure, success_flag
from modelarts.errors import APIError
from modelarts.schemas import load_envelope
from modelarts.session import Session
from modelarts.testing import FakeModelArts
from modelarts.testing.drift import check_fixture
from modelarts.testing.fake import json_reply
from modelarts.transport import FixtureTransport, RecordingTransport

ECHO = "/v1/{project_id}/echo"

NOT_TRUE = [False, "false", "False", "true", "TRUE", 0, 1, "0", "1", None]


def session_answering(body: Any) -> Session:
    fake = FakeModelArts()
    fake.route("GET", ECHO)(lambda request: json_reply(body))
    return Session(transport=fake, **fake.session_kwargs())


@pytest.mark.parametrize("value", NOT_TRUE)
def test_anything_but_true_is_a_failure_for_the_session(value: Any) -> None:
    body = {"is_success": value, "error_code": "ModelArts.0105", "error_message": "no"}
    with session_answering(body) as session, pytest.raises(APIError) as info:
        session.request("GET", ECHO)
    assert (info.value.status_code, info.value.error_code) == (200, "ModelArts.0105")


@pytest.mark.parametrize("value", NOT_TRUE)
def test_the_envelope_loader_and_the_rule_agree(value: Any) -> None:
    body = {"is_success": value}
    assert success_flag(body) is False and reports_failure(body)
    assert load_envelope(body).failed


def test_true_and_absent_are_success_everywhere() -> None:
    for body in ({"is_success": True, "x": 1}, {"x": 1}):
        with session_answering(body) as session:
            assert session.request("GET", ECHO) == body
        assert not reports_failure(body) and not load_envelope(body).failed
    assert load_envelope({"is_success": True}).is_success is True
    assert load_envelope({}).is_success is None


def test_a_failure_without_an_error_code_is_code_unknown() -> None:
    with session_answering({"is_success": "false"}) as session, pytest.raises(APIError) as info:
        session.request("GET", ECHO)
    assert info.value.error_code == "unknown"


def test_the_drift_checker_takes_a_string_false_for_an_error_answer(tmp_path: Path) -> None:
    fake = FakeModelArts()
    job_id = fake.add_job("mnist", versions=1)
    recorded = tmp_path / "stop.json"
    recorder = RecordingTransport(fake, recorded, mode="all")
    versions_path = f"/v1/{{project_id}}/training-jobs/{job_id}/versions"
    with Session(transport=recorder, clock=fake.clock, **fake.session_kwargs()) as session:
        version_id = session.request("GET", versions_path)["versions"][0]["version_id"]
        session.request("DELETE", f"{versions_path}/{version_id}")
    document = json.loads(recorded.read_text(encoding="utf-8"))
    interaction = document["interactions"][-1]
    # An answer the envelope schema cannot load: checked, it would be drift.
    interaction["response"]["json"] = {"is_success": "false", "error_message": ["x"]}
    recorded.write_text(json.dumps(document), encoding="utf-8")
    assert [p for p in check_fixture(recorded) if p.failed] == []
    with Session(transport=FixtureTransport(recorded)) as replay:
        replay.request("GET", versions_path)
        with pytest.raises(APIError):
            replay.request("DELETE", f"{versions_path}/{version_id}")
