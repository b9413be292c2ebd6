"""Each TrainingJob / Estimator operation sends exactly the documented request.

Huawei pages modelarts_03_0046 to modelarts_03_0054 and modelarts_03_0149.
"""

from __future__ import annotations

import json
from typing import Any, Callable, Dict, List, Optional, Tuple

import pytest

from modelarts.errors import ConfigurationError, ModelArtsError, ResponseFormatError
from modelarts.estimator import Estimator
from modelarts.session import Session
from modelarts.training_job import TrainingJob
from modelarts.transport import MockTransport, Request, Response

#: A complete set of credentials: the transports here answer without checking them.
ACCOUNT: Dict[str, Any] = {
    "access_key": "AKTESTEXAMPLE0000001",
    "secret_key": "sk-test-0000000000000000000000000000000001",
    "project_id": "0123456789abcdef0123456789abcdef",
    "region_name": "cn-north-4",
}
P = f"/v1/{ACCOUNT['project_id']}/training-jobs"
DETAIL = {
    "is_success": True,
    "job_id": 182626,
    "version_id": 278813,
    "version_name": "V0003",
    "status": 8,
    "job_name": "jobtest",
    "spec_code": "modelarts.vm.cpu.8u",
}
VERSIONS = {
    "is_success": True,
    "job_id": 182626,
    "job_name": "jobtest",
    "version_count": 1,
    "versions": [{"version_id": 278813, "status": 8}],
}
LOG_NAMES = {"is_success": True, "log_file_list": ["job-jobtest.0", "job-jobtest.1"]}
AOM_LOG = {
    "is_success": True,
    "content": "line 1\nline 2",
    "lines": 2,
    "start_line": "1609121886518240330",
    "end_line": "1609121886518240331",
}
JOBS = {
    "is_success": True,
    "job_total_count": 1,
    "job_count_limit": 10,
    "quotas": 10,
    "jobs": [
        {
            "job_id": 182626,
            "job_name": "jobtest",
            "version_id": 278813,
            "status": 8,
            "create_time": 1,
            "duration": 2,
            "job_desc": "",
            "version_count": 1,
        }
    ],
}
OK = {"is_success": True}


def capture(answers: Dict[Tuple[str, str], Any]) -> Tuple[MockTransport, List[Request]]:
    """A transport answering ``(method, path)`` from ``answers``, and the requests it was sent."""
    sent: List[Request] = []

    def answer(request: Request) -> Response:
        sent.append(request)
        body = answers[(request.method, request.path)]
        return Response(200, {"Content-Type": "application/json"}, json.dumps(body).encode())

    return MockTransport(answer), sent


def wire(request: Request) -> Tuple[str, str, List[Tuple[str, str]], Optional[Any]]:
    body = json.loads(request.body) if request.body else None
    return request.method, request.path, request.query, body


V = f"{P}/182626/versions/278813"
CASES: List[Tuple[str, Callable[[TrainingJob], Any], Tuple[str, str], Any, Any]] = [
    ("get_job_info", lambda j: j.get_job_info(), ("GET", V), DETAIL, ([], None)),
    (
        "get_job_version_info",
        lambda j: j.get_job_version_info(),
        ("GET", f"{P}/182626/versions"),
        VERSIONS,
        ([], None),
    ),
    (
        "update_job_description",
        lambda j: j.update_job_description("lr=0.01 — 再训练"),
        ("PUT", f"{P}/182626"),
        OK,
        ([], {"job_desc": "lr=0.01 — 再训练"}),
    ),
    ("stop_job_version", lambda j: j.stop_job_version(), ("POST", f"{V}/stop"), OK, ([], None)),
    ("delete_job_version", lambda j: j.delete_job_version(), ("DELETE", V), OK, ([], None)),
    ("delete_job", lambda j: j.delete_job(), ("DELETE", f"{P}/182626"), OK, ([], None)),
    (
        "get_job_log_file_list",
        lambda j: j.get_job_log_file_list(),
        ("GET", f"{V}/log/file-names"),
        LOG_NAMES,
        ([], None),
    ),
    (
        "get_job_log",
        lambda j: j.get_job_log("job-jobtest.1", lines=20, base_line="42", order="asc"),
        ("GET", f"{V}/aom-log"),
        AOM_LOG,
        (
            [("base_line", "42"), ("lines", "20"), ("log_file", "job-jobtest.1"), ("order", "asc")],
            None,
        ),
    ),
]


@pytest.mark.parametrize(
    ("name", "call", "route", "answer", "sent"), CASES, ids=[c[0] for c in CASES]
)
def test_operation_sends_the_documented_request(
    name: str, call: Callable[[TrainingJob], Any], route: Tuple[str, str], answer: Any, sent: Any
) -> None:
    transport, requests = capture({route: answer})
    job = TrainingJob(Session(transport=transport, **ACCOUNT), "182626", 278813)
    result = call(job)
    assert result == answer and isinstance(result, dict)
    (request,) = requests
    assert wire(request) == (route[0], route[1], *sent)


def test_get_job_log_reads_the_first_file_by_default() -> None:
    transport, sent = capture(
        {("GET", f"{V}/log/file-names"): LOG_NAMES, ("GET", f"{V}/aom-log"): AOM_LOG}
    )
    TrainingJob(Session(transport=transport, **ACCOUNT), "182626", "278813").get_job_log()
    assert [r.path for r in sent] == [f"{V}/log/file-names", f"{V}/aom-log"]
    assert dict(sent[1].query) == {"log_file": "job-jobtest.0"}  # only what is given


def test_get_job_log_without_files_says_so() -> None:
    no_files = {"is_success": True, "log_file_list": []}
    transport, _ = capture({("GET", f"{V}/log/file-names"): no_files})
    with pytest.raises(ModelArtsError, match="no log files yet"):
        TrainingJob(Session(transport=transport, **ACCOUNT), "182626", "278813").get_job_log()


def test_estimator_delegates_with_its_ids() -> None:
    transport, sent = capture({("GET", V): DETAIL, ("DELETE", f"{P}/182626"): OK})
    session = Session(transport=transport, **ACCOUNT)
    assert Estimator(session, job_id=182626, version_id="278813").get_job_info() == DETAIL
    assert Estimator.delete_job_by_id(session, "182626") == OK
    assert [(r.method, r.path) for r in sent] == [("GET", V), ("DELETE", f"{P}/182626")]


def test_get_job_list_sends_the_rest_spelling() -> None:
    transport, sent = capture({("GET", P): JOBS})
    session = Session(transport=transport, **ACCOUNT)
    assert (
        Estimator.get_job_list(
            session,
            status=8,
            per_page=20,
            page=2,
            sortBy="create_time",
            order="asc",
            search_content="job test",
        )
        == JOBS
    )
    Estimator.get_job_list(session, sort_by="status")
    Estimator.get_job_list(session, status="10")
    Estimator.get_job_list(session)
    first, second, third, fourth = (dict(r.query) for r in sent)
    assert first == {
        "per_page": "20",
        "page": "2",
        "sortBy": "create_time",
        "order": "asc",
        "status": "8",
        "search_content": "job test",
    }
    # Only the parameters given, as the old SDK sent them; status may be digits.
    assert second == {"sortBy": "status"}
    assert third == {"status": "10"}
    assert fourth == {}


def test_from_version_detail_gives_a_working_job() -> None:
    transport, sent = capture({("POST", f"{V}/stop"): OK})
    session = Session(transport=transport, **ACCOUNT)
    job = TrainingJob.from_version_detail(session, DETAIL)
    assert (job.job_id, job.version_id, job.spec_code) == (
        "182626",
        "278813",
        "modelarts.vm.cpu.8u",
    )
    assert job.stop_job_version() == OK


def test_a_job_without_session_cannot_call() -> None:
    with pytest.raises(ConfigurationError, match="without a session"):
        TrainingJob(None, 1, 2).stop_job_version()


@pytest.mark.parametrize(
    ("route", "call", "bad"),
    [
        (("GET", V), lambda j: j.get_job_info(), {"is_success": True, "job_id": "x"}),
        (
            ("GET", f"{V}/log/file-names"),
            lambda j: j.get_job_log_file_list(),
            {"is_success": True, "log_file_list": 42},
        ),
        (("POST", f"{V}/stop"), lambda j: j.stop_job_version(), ["not", "an", "object"]),
    ],
)
def test_answers_that_do_not_fit_are_format_errors(
    route: Tuple[str, str], call: Callable[[TrainingJob], Any], bad: Any
) -> None:
    transport, _ = capture({route: bad})
    job = TrainingJob(Session(transport=transport, **ACCOUNT), "182626", "278813")
    with pytest.raises(ResponseFormatError):
        call(job)
