"""Estimator: argument checks, pagination against servers that page well and badly, the table."""

from __future__ import annotations

import json
from typing import Any, Dict, List

import pytest
from hypothesis import given
from hypothesis import strategies as st

from modelarts.errors import APIError, InvalidArgumentError, ResponseFormatError
from modelarts.estimator import Estimator
from modelarts.session import Session
from modelarts.training_job import JobStatus, TrainingJob
from modelarts.transport import MockTransport, Request, Response, Transport

JOB = "182626"

#: A complete set of credentials: the transports here answer without checking them.
ACCOUNT: Dict[str, Any] = {
    "access_key": "AKTESTEXAMPLE0000001",
    "secret_key": "sk-test-0000000000000000000000000000000001",
    "project_id": "0123456789abcdef0123456789abcdef",
    "region_name": "cn-north-4",
}


def record(version_id: int, status: int = 10) -> Dict[str, Any]:
    return {
        "version_id": version_id,
        "version_name": f"V{version_id:04d}",
        "engine_name": "TensorFlow",
        "engine_version": "TF-1.8.0-python3.6",
        "status": status,
        "create_time": 1524189990635 + version_id,
        "duration": 532003,
        "spec_id": 1,
        "an_undocumented_field": {"kept": True},
    }


class VersionServer(Transport):
    """Answers list-versions like ModelArts, or like a server that pages badly.

    mode: "honest", "all" (ignores page, returns everything), "first" (ignores
    page, returns page 1 again), "short" (page ``short_at`` comes back short),
    "liar" (claims more versions than it has). A class rather than a
    ``MockTransport`` handler: tests read ``versions`` and ``requests`` back.
    """

    def __init__(
        self, count: int, mode: str = "honest", *, short_at: int = 2, send_count: bool = True
    ) -> None:
        self.versions = [record(1000 + count - i) for i in range(count)]  # newest first
        self.mode, self.short_at, self.send_count = mode, short_at, send_count
        self.requests: List[Request] = []

    def send(self, request: Request) -> Response:
        self.requests.append(request)
        query = dict(request.query)
        if "page" not in query:  # the documented unpaged listing
            chosen = self.versions
        else:
            page, per_page = int(query["page"]), int(query["per_page"])
            if self.mode == "all":
                chosen = self.versions
            elif self.mode == "first":
                chosen = self.versions[:per_page]
            else:
                chosen = self.versions[(page - 1) * per_page : page * per_page]
                if self.mode == "short" and page == self.short_at:
                    chosen = chosen[: max(0, len(chosen) - 1)]
        body: Dict[str, Any] = {
            "is_success": True,
            "job_id": int(JOB),
            "job_name": "job",
            "job_desc": "",
            "versions": chosen,
        }
        if self.send_count:
            body["version_count"] = len(self.versions) + (3 if self.mode == "liar" else 0)
        return Response(
            200, {"Content-Type": "application/json"}, json.dumps(body).encode(), request
        )


def ids(jobs: List[TrainingJob]) -> List[str]:
    return [job.version_id for job in jobs]


def expected(server: VersionServer) -> List[str]:
    return [str(v["version_id"]) for v in server.versions]


@given(
    count=st.integers(min_value=0, max_value=40),
    per_page=st.integers(min_value=1, max_value=12),
    mode=st.sampled_from(["honest", "all", "first", "short"]),
    send_count=st.booleans(),
)
def test_every_version_exactly_once_in_server_order(
    count: int, per_page: int, mode: str, send_count: bool
) -> None:
    server = VersionServer(count, mode, send_count=send_count)
    estimator = Estimator(Session(transport=server, **ACCOUNT), job_id=JOB)
    got = ids(list(estimator.iter_job_versions(page_size=per_page)))
    assert len(got) == len(set(got)), "a version was returned twice"
    if send_count or mode in ("honest", "all"):
        assert got == expected(server)
    else:
        # Without version_count a short or repeated page is indistinguishable from the end.
        assert got == expected(server)[: len(got)]
    assert len(server.requests) <= count // per_page + 3


def test_honest_paging_asks_for_pages_one_by_one() -> None:
    server = VersionServer(2500)
    jobs = Estimator(Session(transport=server, **ACCOUNT), job_id=JOB).get_job_version_object_list(
        is_show=False
    )
    assert ids(jobs) == expected(server)
    assert [dict(r.query) for r in server.requests] == [
        {"per_page": "1000", "page": str(n)} for n in (1, 2, 3)
    ]


def test_a_server_ignoring_page_is_completed_by_the_unpaged_listing() -> None:
    server = VersionServer(25, "first")
    got = list(
        Estimator(Session(transport=server, **ACCOUNT), job_id=JOB).iter_job_versions(page_size=10)
    )
    assert ids(got) == expected(server)
    assert [dict(r.query) for r in server.requests] == [
        {"per_page": "10", "page": "1"},
        {"per_page": "10", "page": "2"},
        {},
    ]


def test_a_count_that_cannot_be_met_is_an_error_not_a_short_list() -> None:
    server = VersionServer(5, "liar")
    estimator = Estimator(Session(transport=server, **ACCOUNT), job_id=JOB)
    with pytest.raises(ResponseFormatError, match="reports 8 versions but sent 5"):
        estimator.get_job_version_object_list(is_show=False)


def test_iteration_is_lazy() -> None:
    server = VersionServer(30)
    iterator = Estimator(Session(transport=server, **ACCOUNT), job_id=JOB).iter_job_versions(
        page_size=10
    )
    assert server.requests == []
    first = next(iterator)
    assert first.version_id == "1030" and len(server.requests) == 1


def test_objects_are_typed_and_keep_everything() -> None:
    server = VersionServer(3)
    (newest, *_) = Estimator(
        Session(transport=server, **ACCOUNT), job_id=182626
    ).get_job_version_object_list(is_show=False)
    assert (newest.job_id, newest.version_id, newest.version_name) == (JOB, "1003", "V1003")
    assert newest.status is JobStatus.COMPLETED
    assert newest.raw["an_undocumented_field"] == {"kept": True}


def test_is_show_prints_one_row_per_version(capsys: pytest.CaptureFixture[str]) -> None:
    server = VersionServer(3)
    estimator = Estimator(Session(transport=server, **ACCOUNT), job_id=JOB)
    estimator.get_job_version_object_list()
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split()[:2] == ["VERSION", "VERSION"]
    assert [line.split()[0] for line in lines[1:]] == ["V1003", "V1002", "V1001"]
    estimator.get_job_version_object_list(is_show=False)
    assert capsys.readouterr().out == ""
    assert len(server.requests) == 2  # no request per row


# -- arguments -------------------------------------------------------------------------


def refusing(sent: List[Request]) -> MockTransport:
    """Answers every request with a 500, keeping each in ``sent``."""

    def answer(request: Request) -> Response:
        sent.append(request)
        return Response(500, {}, b"")

    return MockTransport(answer)


@pytest.mark.parametrize("bad", ["", "abc", "12a", -1, 1.5, True, " ", "１２"])
def test_bad_ids_are_rejected_before_any_request(bad: Any) -> None:
    sent: List[Request] = []
    session = Session(transport=refusing(sent), **ACCOUNT)
    with pytest.raises(InvalidArgumentError):
        Estimator(session, job_id=bad)
    with pytest.raises(InvalidArgumentError):
        Estimator(session, job_id=JOB, version_id=bad)
    with pytest.raises(InvalidArgumentError):
        Estimator.delete_job_by_id(session, bad)
    assert sent == []


@pytest.mark.parametrize(
    "call",
    [
        lambda e: list(e.iter_job_versions(page_size=0)),
        lambda e: list(e.iter_job_versions(page_size=1001)),
        lambda e: e.update_job_description(42),
        lambda e: e.update_job_description("x" * 257),
        lambda e: e.get_job_log(lines=501),
        lambda e: e.get_job_log(order="sideways"),
        lambda e: Estimator.get_job_list(e.session, per_page=0),
        lambda e: Estimator.get_job_list(e.session, per_page=1001),
        lambda e: Estimator.get_job_list(e.session, page=0),
        lambda e: Estimator.get_job_list(e.session, sortBy="job_size"),
        lambda e: Estimator.get_job_list(e.session, order="up"),
        lambda e: Estimator.get_job_list(e.session, search_content="x" * 65),
        lambda e: Estimator.get_job_list(e.session, status="running"),
    ],
)
def test_bad_arguments_are_rejected_before_any_request(call: Any) -> None:
    sent: List[Request] = []
    estimator = Estimator(Session(transport=refusing(sent), **ACCOUNT), job_id=JOB, version_id="7")
    with pytest.raises(InvalidArgumentError):
        call(estimator)
    assert sent == []


def test_missing_ids_are_explained() -> None:
    estimator = Estimator(Session(transport=refusing([]), **ACCOUNT))
    with pytest.raises(InvalidArgumentError, match="job_id"):
        estimator.get_job_version_object_list()
    with pytest.raises(InvalidArgumentError, match="version_id"):
        Estimator(estimator.session, job_id=JOB).get_job_info()


def test_session_may_be_passed_by_keyword_and_must_be_a_session() -> None:
    session = Session(transport=refusing([]), **ACCOUNT)
    assert Estimator(modelarts_session=session, job_id=7).job_id == "7"
    with pytest.raises(InvalidArgumentError):
        Estimator(None, job_id=JOB)  # type: ignore[arg-type]
    with pytest.raises(InvalidArgumentError, match="framework_typo"):
        Estimator(session, framework_typo="PyTorch")
    estimator = Estimator(session, framework_type="PyTorch")
    assert estimator.framework_type == "PyTorch" and estimator.hyperparameters == []
    assert estimator.job_type == "train" and estimator.code_dir is None


def test_is_success_false_with_http_200_raises_api_error() -> None:
    body = {"is_success": False, "error_code": "ModelArts.0105", "error_msg": "Error string"}
    refusing = MockTransport(lambda request: Response(200, {"X-Request-Id": "rid-1"}, json=body))
    with pytest.raises(APIError) as info:
        Estimator(Session(transport=refusing, **ACCOUNT), job_id=JOB).get_job_version_object_list()
    error = info.value
    assert (error.status_code, error.error_code, error.error_msg) == (
        200,
        "ModelArts.0105",
        "Error string",
    )
    assert error.request_id == "rid-1" and error.method == "GET"


def test_garbage_page_is_a_format_error_naming_the_field() -> None:
    def garbage(body: Any) -> MockTransport:
        return MockTransport(lambda request: Response(200, {"X-Request-Id": "rid-2"}, json=body))

    bad = {
        "is_success": True,
        "job_id": 182626,
        "version_count": 1,
        "versions": [{"version_id": 1, "status": "running"}],
    }
    with pytest.raises(ResponseFormatError) as info:
        Estimator(
            Session(transport=garbage(bad), **ACCOUNT), job_id=JOB
        ).get_job_version_object_list()
    assert "versions[0].status" in str(info.value) and "rid-2" in str(info.value)
    with pytest.raises(ResponseFormatError):
        Estimator(
            Session(transport=garbage([1, 2]), **ACCOUNT), job_id=JOB
        ).get_job_version_object_list()


def test_the_iterator_knows_the_announced_total() -> None:
    server = VersionServer(25)
    versions = Estimator(Session(transport=server, **ACCOUNT), job_id=JOB).iter_job_versions(
        page_size=10
    )
    assert versions.version_count is None
    next(versions)
    assert versions.version_count == 25
    assert len(list(versions)) == 24
