"""Whatever a server answers, every operation returns a value or raises a ``ModelArtsError``.

An in-process transport answers every request with a generated body: arbitrary
JSON, arbitrary bytes, and the real record shapes (Huawei's published samples,
shipped in ``tests/data/examples``) with fields replaced by wrong types, huge
numbers, ``NaN``/``Infinity`` tokens and nesting thousands of levels deep.
Nothing else may escape: no ``KeyError``/``TypeError``/``ValueError``, no
``RecursionError``, no marshmallow error, and no ``ConfigurationError`` (the
server's answer is never the caller's bad argument). Listed versions then have
every documented attribute read, which loads each record lazily.
"""

from __future__ import annotations

import contextlib
import io
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Dict, List, Tuple

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from modelarts.errors import APIError, ConfigurationError, ModelArtsError, ResponseFormatError
from modelarts.estimator import Estimator
from modelarts.schemas import Version
from modelarts.session import Session
from modelarts.training_job import TrainingJob
from modelarts.transport import Request, Response, Transport

if TYPE_CHECKING:
    from conftest import Figures

EXAMPLES = Path(__file__).resolve().parent.parent / "data" / "examples"
JOB_ID, VERSION_ID = "182626", "278813"
REQUEST_ID = "req-generated-body"


class Canned(Transport):
    """Answers every request with the same status, headers and body.

    A class rather than a ``MockTransport`` handler: tests swap ``status`` and
    ``body`` between calls on one session and read ``requests`` back.
    """

    def __init__(self) -> None:
        self.status = 200
        self.body = b""
        self.requests = 0

    def send(self, request: Request) -> Response:
        self.requests += 1
        headers = {"Content-Type": "application/json", "X-Request-Id": REQUEST_ID}
        return Response(self.status, headers, self.body, request)


def canned_session() -> "Tuple[Session, Canned]":
    transport = Canned()
    session = Session(
        access_key="AKGENERATED000000001",
        secret_key="generated-secret-key-000000000000000001",
        project_id="0b5f8c0ea1f94bd8a3c1f2e3d4c5b6a7",
        region_name="cn-north-4",
        transport=transport,
        retry=0,
    )
    return session, transport


# -- the operations, and what is read from what they return ------------------------------------

#: Every documented attribute of a TrainingJob (the typed record fields), plus identity.
ATTRIBUTES = tuple(declared.name for declared in Version.FIELDS)


def inspect_versions(jobs: List[TrainingJob]) -> None:
    """Read every documented attribute of every version: a value or a ModelArtsError each."""
    for job in jobs:
        repr(job)
        assert job.job_id == JOB_ID
        assert job.version_id.isdigit()
        assert (job.status.name, job.status.label) is not None
        assert len(job.raw) >= 1
        for name in ATTRIBUTES:
            assert hasattr(TrainingJob, name), name
            try:
                getattr(job, name)
            except ModelArtsError as error:
                judge_error(error)


def _table(session: Session) -> List[TrainingJob]:
    with contextlib.redirect_stdout(io.StringIO()) as out:
        jobs = Estimator(session, job_id=JOB_ID).get_job_version_object_list(is_show=True)
    assert len(out.getvalue().splitlines()) == len(jobs) + 1  # a header and one row each
    return jobs


def _paged(session: Session) -> List[TrainingJob]:
    return list(Estimator(session, job_id=JOB_ID).iter_job_versions(page_size=2))


def _version(session: Session) -> TrainingJob:
    return TrainingJob(session, JOB_ID, VERSION_ID)


OPERATIONS: Dict[str, Callable[[Session], Any]] = {
    "list_versions_table": _table,
    "iter_job_versions": _paged,
    "get_job_version_info": lambda s: Estimator(s, job_id=JOB_ID).get_job_version_info(),
    "get_job_info": lambda s: Estimator(s, job_id=JOB_ID, version_id=VERSION_ID).get_job_info(),
    "update_job_description": lambda s: _version(s).update_job_description("generated"),
    "stop_job_version": lambda s: _version(s).stop_job_version(),
    "delete_job_version": lambda s: _version(s).delete_job_version(),
    "delete_job": lambda s: Estimator(s, job_id=JOB_ID).delete_job(),
    "delete_job_by_id": lambda s: Estimator.delete_job_by_id(s, JOB_ID),
    "get_job_list": lambda s: Estimator.get_job_list(s, per_page=5),
    "get_job_log_file_list": lambda s: _version(s).get_job_log_file_list(),
    "get_job_log_first_file": lambda s: _version(s).get_job_log(),
    "get_job_log": lambda s: _version(s).get_job_log("job-mnist.0", lines=20, order="asc"),
}


def judge_error(error: ModelArtsError) -> None:
    """A typed error caused by the answer: never blamed on the caller, and it names the answer."""
    assert not isinstance(error, ConfigurationError), (
        f"the answer was blamed on the caller: {error}"
    )
    if isinstance(error, (APIError, ResponseFormatError)):
        assert error.request_id == REQUEST_ID, error
        assert f"request id {REQUEST_ID}" in str(error)


def exercise(name: str, session: Session, transport: Canned, status: int, body: bytes) -> bool:
    """Run operation ``name`` against ``body``; True when it returned a value."""
    transport.status, transport.body, transport.requests = status, body, 0
    try:
        result = OPERATIONS[name](session)
    except ModelArtsError as error:
        judge_error(error)
        return False
    finally:
        assert transport.requests <= 8  # a constant answer never makes a listing loop
    if isinstance(result, list):
        inspect_versions(result)
    else:
        assert isinstance(result, dict)
    return True


# -- strategies --------------------------------------------------------------------------------

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=-(10**400), max_value=10**400)
    | st.floats()  # NaN and infinities included: json writes NaN, Infinity
    | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)


def _deep_array(depth: int) -> str:
    return "[" * depth + "0" + "]" * depth


def _deep_object(depth: int) -> str:
    return '{"a":' * depth + "1" + "}" * depth


NUMBER_TOKENS = [
    "NaN",
    "Infinity",
    "-Infinity",
    "1e999",
    "-1e999",
    "-0.0",
    "1e-400",
    "12.0",
    "1.5",
    "0",
    "-1",
    "9" * 40,
    "1" * 5000,
]
NUMBER_TEXTS = [
    "NaN",
    "Infinity",
    "1e5",
    " 12 ",
    "١٢",
    "²",
    "0x1f",
    "",
    "   ",
    "true",
    "-5",
    "9" * 40,
    "12.5",
    "+7",
    "1_000",
]

#: A JSON value as text, so that it may hold what ``json.dumps`` cannot write.
fragments = st.one_of(
    json_values.map(json.dumps),
    st.integers(min_value=1, max_value=3000).map(_deep_array),
    st.integers(min_value=1, max_value=3000).map(_deep_object),
    st.sampled_from(NUMBER_TOKENS),
    st.sampled_from(NUMBER_TEXTS).map(json.dumps),
    st.lists(json_values, max_size=3).map(json.dumps),
    st.dictionaries(
        st.sampled_from(["nfs", "host_path", "label", "value", "type"]), json_values, max_size=2
    ).map(json.dumps),
)


def _load(name: str) -> Dict[str, Any]:
    loaded: Dict[str, Any] = json.loads((EXAMPLES / name).read_text(encoding="utf-8"))
    return loaded


def _consistent(page: Dict[str, Any]) -> Dict[str, Any]:
    """The published list-versions samples announce two versions but show one; a listing
    rightly refuses that (``version_count``), so the bases say what they hold."""
    return {**page, "version_count": len(page["versions"])}


VERSIONS_PAGES = [
    _consistent(_load("list_versions.hwcn.response.json")),
    _consistent(_load("list_versions.otc.response.json")),
]
DETAILS = [
    _load("version_detail.hwcn.response.json"),
    _load("otcext.version_detail.response.json"),
    _load("usecase.version_detail.response.json"),
]
#: For each operation, the real answers it expects, and where in them a record lives.
BASES: Dict[str, List[Dict[str, Any]]] = {
    "list_versions_table": VERSIONS_PAGES,
    "iter_job_versions": VERSIONS_PAGES,
    "get_job_version_info": VERSIONS_PAGES,
    "get_job_info": DETAILS,
    "get_job_list": [_load("list_jobs.hwcn.response.json")],
    "get_job_log_file_list": [_load("log_file_names.otc.response.json")],
    "get_job_log_first_file": [_load("log_file_names.otc.response.json")],
    "get_job_log": [_load("aom_log.otc.response.json"), _load("usecase.aom_log.response.json")],
}
for _name in OPERATIONS:
    BASES.setdefault(_name, [_load("simple_success.response.json")])

_SLOT = "@@fragment-{}@@"


def render(body: Any, replacements: List[str]) -> bytes:
    """``body`` as JSON text, each ``_SLOT`` string replaced by its raw fragment."""
    text = json.dumps(body)
    for index, fragment in enumerate(replacements):
        text = text.replace(json.dumps(_SLOT.format(index)), fragment)
    return text.encode("utf-8")


@st.composite
def mutated(draw: st.DrawFn, name: str) -> bytes:
    """A real answer for operation ``name`` with fields replaced, removed or added."""
    body = json.loads(json.dumps(draw(st.sampled_from(BASES[name]))))
    if name in ("list_versions_table", "iter_job_versions", "get_job_version_info"):
        # The records share the job's id so that the page belongs to the job asked for.
        body["job_id"] = int(JOB_ID)
        for record in body.get("versions", []):
            record["job_id"] = int(JOB_ID)
    elif name == "get_job_info":
        body.update(job_id=int(JOB_ID), version_id=int(VERSION_ID))
    targets: List[Dict[str, Any]] = [body]
    for key in ("versions", "jobs"):
        if isinstance(body.get(key), list):
            targets += [item for item in body[key] if isinstance(item, dict)]
    fragments_used: List[str] = []
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        target = draw(st.sampled_from(targets))
        keys = sorted(target) + ["version_count", "versions", "is_success", "undocumented"]
        key = draw(st.sampled_from(keys))
        if draw(st.integers(min_value=0, max_value=9)) == 0:
            target.pop(key, None)
            continue
        target[key] = _SLOT.format(len(fragments_used))
        fragments_used.append(draw(fragments))
    return render(body, fragments_used)


OPERATION_NAMES = sorted(OPERATIONS)


# -- the properties ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", OPERATION_NAMES)
def test_arbitrary_json_answers(name: str, figures: Figures) -> None:
    session, transport = canned_session()

    @given(
        body=fragments.map(str.encode),
        status=st.sampled_from([200, 200, 200, 201, 204, 400, 401, 404, 429, 500, 503]),
    )
    @settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @example(body=b"", status=200)
    @example(body=b"null", status=200)
    @example(body=b"[]", status=200)
    @example(body=_deep_array(5000).encode(), status=200)
    @example(body=_deep_object(5000).encode(), status=500)
    @example(
        body=b'{"is_success": false, "error": ' + _deep_object(5000).encode() + b"}", status=200
    )
    def check(body: bytes, status: int) -> None:
        exercise(name, session, transport, status, body)
        figures.count_bodies()

    check()


@pytest.mark.parametrize("name", OPERATION_NAMES)
def test_arbitrary_bytes_answers(name: str, figures: Figures) -> None:
    session, transport = canned_session()

    @given(body=st.binary(max_size=200))
    @example(body=b"\xff\xfe{\x00")
    @example(body=b'{"is_success": true')  # truncated
    @example(body=b"<html><title>Login</title></html>")
    def check(body: bytes) -> None:
        exercise(name, session, transport, 200, body)
        figures.count_bodies()

    check()


@pytest.mark.parametrize("name", OPERATION_NAMES)
def test_real_answers_with_broken_fields(name: str, figures: Figures) -> None:
    session, transport = canned_session()

    @given(body=mutated(name))
    @settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @example(body=b'{"is_success": true, "log_file_list": ""}')
    @example(body=b'{"is_success": true, "log_file_list": ["", "job-a.1"]}')
    def check(body: bytes) -> None:
        exercise(name, session, transport, 200, body)
        figures.count_bodies()

    check()


def test_the_real_answers_themselves_load(figures: Figures) -> None:
    """The bases are sound: unmutated, every operation succeeds on its real answer."""
    session, transport = canned_session()
    for name, bases in BASES.items():
        for base in bases:
            body = json.loads(json.dumps(base))
            if name in ("list_versions_table", "iter_job_versions", "get_job_version_info"):
                body["job_id"] = int(JOB_ID)
            transport.body = json.dumps(body).encode()
            result = OPERATIONS[name](session)
            if isinstance(result, list):
                inspect_versions(result)
                assert result
            figures.count_bodies()


# -- nesting near the recursion limit ----------------------------------------------------------

RECORD_FIELDS = sorted(ATTRIBUTES)


def _record_body(field: str, fragment: str) -> bytes:
    base = VERSIONS_PAGES[0]
    record = {**base["versions"][0], "job_id": int(JOB_ID), field: _SLOT.format(0)}
    return render({**base, "job_id": int(JOB_ID), "versions": [record]}, [fragment])


def test_deep_nesting_in_every_record_field(figures: Figures) -> None:
    session, transport = canned_session()
    listed = set()
    for field in RECORD_FIELDS:
        for depth in (50, 700, 3000):
            for fragment in (_deep_array(depth), _deep_object(depth)):
                body = _record_body(field, fragment)
                if exercise("list_versions_table", session, transport, 200, body):
                    listed.add(field)
                figures.count_bodies()
    # Every field is checked when the page loads: only the metric lists, which hold any
    # JSON, take the nesting; every other field refuses it with a typed error.
    assert listed == {"model_metric_list", "system_metric_list"}


#: Fields whose converters walk a nested value after json has parsed it.
WALKED = {
    "parameter value": lambda deep: _record_body(
        "parameter", f'[{{"label": "x", "value": {deep}}}]'
    ),
    "model_metric_list": lambda deep: _record_body("model_metric_list", deep),
    "model_metric_list text": lambda deep: _record_body("model_metric_list", json.dumps(deep)),
    "error body": lambda deep: f'{{"is_success": false, "detail": {deep}}}'.encode(),
}


@pytest.mark.parametrize("where", list(WALKED))
def test_every_depth_up_to_the_recursion_limit(where: str, figures: Figures) -> None:
    """json parses nesting up to about the recursion limit, from a shallower stack than
    the code that walks the value later: every depth in between must stay typed."""
    session, transport = canned_session()
    limit = sys.getrecursionlimit()
    listed = 0
    for depth in range(limit - 300, limit + 10):
        for deep in (_deep_array(depth), _deep_object(depth)):
            listed += exercise("list_versions_table", session, transport, 200, WALKED[where](deep))
            figures.count_bodies()
    assert listed or where == "error body"  # the shallower ones got past json
