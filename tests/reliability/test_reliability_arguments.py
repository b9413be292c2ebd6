"""Bad arguments to every public method are refused before any request is sent.

A counting transport stands in for the network: every refusal must be a
``ModelArtsError`` that is also a ``ValueError`` (``ConfigurationError``), and
the transport must have seen nothing. A few good arguments are checked too, so
that the counter is known to count.
"""

from __future__ import annotations

import math
from typing import Any, Callable, Dict, List, Tuple

import pytest

from modelarts.errors import ConfigurationError, ModelArtsError
from modelarts.estimator import Estimator
from modelarts.retry import Retry
from modelarts.session import Session
from modelarts.training_job import TrainingJob
from modelarts.transport import Request, Response, Transport, Urllib3Transport

CREDENTIALS: Dict[str, Any] = {
    "access_key": "AKARGUMENTS000000001",
    "secret_key": "arguments-secret-0000000000000000000001",
    "project_id": "0b5f8c0ea1f94bd8a3c1f2e3d4c5b6a7",
}


class Counting(Transport):
    """Counts requests; answers each with a plain v1 success.

    A class rather than a ``MockTransport`` handler: it is the fixture type the
    table of calls below receives, and each case reads ``requests`` from it.
    """

    def __init__(self) -> None:
        self.requests: List[Request] = []

    def send(self, request: Request) -> Response:
        self.requests.append(request)
        return Response(200, {"X-Request-Id": "counted"}, b'{"is_success": true}', request)


@pytest.fixture
def counting() -> Counting:
    return Counting()


@pytest.fixture
def session(counting: Counting) -> Session:
    return Session(transport=counting, region_name="cn-north-4", **CREDENTIALS)


Call = Callable[[Session, Counting], Any]
CASES: List[Tuple[str, Call]] = []


def case(name: str, call: Call) -> None:
    CASES.append((name, call))


# -- Session settings --------------------------------------------------------------------------

for region in ["cn north", "", "../x", 42, "CN-NORTH-4", "cn-north-4\n", "a" * 64, "cn_north_4"]:
    case(
        f"Session(region_name={region!r:.20})",
        lambda s, t, r=region: Session(transport=t, region_name=r, **CREDENTIALS),
    )
ENDPOINTS = [
    "ftp://x",
    "not a url",
    "http://",
    "https://host:99999",
    "https://h:0",
    "https://h/p?q=1",
    "https://h#f",
    5,
    "https://user:pw@h",
    "https:// h",
    "  ",
]
for endpoint in ENDPOINTS:
    for key in ("modelarts_endpoint", "iam_endpoint"):
        case(
            f"Session({key}={endpoint!r})",
            lambda s, t, k=key, e=endpoint: Session(
                transport=t, region_name="cn-north-4", **{k: e}, **CREDENTIALS
            ),
        )
TIMEOUTS = ["10", (1,), (1, 2, 3), -1, 0, math.nan, math.inf, True, (1, "2"), {"a": 1}, (0, 1)]
for timeout in TIMEOUTS:
    case(
        f"Session(timeout={timeout!r})",
        lambda s, t, v=timeout: Session(region_name="cn-north-4", timeout=v, **CREDENTIALS),
    )
case(
    "Session(transport=..., timeout=5)",
    lambda s, t: Session(transport=t, region_name="cn-north-4", timeout=5, **CREDENTIALS),
)
for retry in ["3", -1, 1.5, True, math.nan, [3]]:
    case(
        f"Session(retry={retry!r})",
        lambda s, t, r=retry: Session(
            transport=t, region_name="cn-north-4", retry=r, **CREDENTIALS
        ),
    )
RETRIES: List[Dict[str, Any]] = [
    {"total": -1},
    {"total": "3"},
    {"total": math.inf},
    {"total": math.nan},
    {"total": 2.5},
    {"total": True},
    {"deadline": math.nan},
    {"deadline": math.inf},
    {"deadline": -1},
    {"backoff_factor": math.nan},
    {"backoff_factor": math.inf},
    {"backoff_max": math.inf},
    {"statuses": "503"},
    {"statuses": ["503"]},
    {"idempotent_methods": "GET"},
    {"idempotent_methods": [1]},
    {"jitter": None},
]
for settings in RETRIES:
    case(f"Retry({settings})", lambda s, t, k=settings: Retry(**k))
TRANSPORTS: List[Dict[str, Any]] = [
    {"timeout": "x"},
    {"timeout": (1, -1)},
    {"verify": "/nonexistent/ca.pem"},
    {"verify": 5},
    {"pool_maxsize": 0},
    {"pool_maxsize": True},
    {"proxies": "x"},
    {"proxies": {"bogus": "x"}},
    {"proxies": {"https": "socks5://p:1080"}},
    {"cert": "/nonexistent/cert.pem"},
]
for settings in TRANSPORTS:
    case(f"Urllib3Transport({settings})", lambda s, t, k=settings: Urllib3Transport(**k))

# -- ids and constructors ----------------------------------------------------------------------

BAD_IDS = [
    "",
    "abc",
    -1,
    1.5,
    True,
    "12a",
    "\uff11\uff12",
    10**40,
    10**5000,
    b"12",
    [],
    "+12",
    "1_000",
    "9" * 31,
    None,
]
for bad in BAD_IDS:
    shown = "10**5000" if bad == 10**5000 else f"{bad!r:.24}"  # repr() refuses 5,000 digits
    if bad is not None:  # job_id=None is an Estimator without a job
        case(f"Estimator(job_id={shown})", lambda s, t, b=bad: Estimator(s, job_id=b))
        case(
            f"Estimator(version_id={shown})",
            lambda s, t, b=bad: Estimator(s, job_id=1, version_id=b),
        )
    case(f"TrainingJob(job_id={shown})", lambda s, t, b=bad: TrainingJob(s, b, 1))
    case(f"TrainingJob(version_id={shown})", lambda s, t, b=bad: TrainingJob(s, 1, b))
    case(f"delete_job_by_id({shown})", lambda s, t, b=bad: Estimator.delete_job_by_id(s, b))
for not_a_session in [None, "session", object(), 5]:
    case(f"Estimator({not_a_session!r:.12})", lambda s, t, n=not_a_session: Estimator(n, job_id=1))
    case(
        f"get_job_list({not_a_session!r:.12})",
        lambda s, t, n=not_a_session: Estimator.get_job_list(n),
    )
case("Estimator(unknown option)", lambda s, t: Estimator(s, job_id=1, train_instance_tpye="x"))
for record in [[1, 2], "x", 5, {"job_id": 9}, {"version_id": "8"}]:
    case(f"TrainingJob(record={record!r})", lambda s, t, r=record: TrainingJob(s, 1, 2, record=r))
for job in [[1], "x", 5]:
    case(f"TrainingJob(job={job!r})", lambda s, t, j=job: TrainingJob(s, 1, 2, job=j))
case("TrainingJob without a session", lambda s, t: TrainingJob(None, 1, 2).get_job_info())

# -- methods -----------------------------------------------------------------------------------

for method in (
    "get_job_info",
    "stop_job_version",
    "delete_job_version",
    "get_job_log_file_list",
    "get_job_log",
):
    case(
        f"Estimator(no version_id).{method}()",
        lambda s, t, m=method: getattr(Estimator(s, job_id=1), m)(),
    )
for method, args in (
    ("get_job_version_object_list", ()),
    ("get_job_version_info", ()),
    ("update_job_description", ("d",)),
    ("delete_job", ()),
    ("iter_job_versions", ()),
):
    case(
        f"Estimator(no job_id).{method}()",
        lambda s, t, m=method, a=args: list(getattr(Estimator(s), m)(*a)),
    )
for size in [0, 1001, -1, "10", 10.0, True, None, 2**70]:
    case(
        f"iter_job_versions(page_size={size!r})",
        lambda s, t, n=size: list(Estimator(s, job_id=1).iter_job_versions(page_size=n)),
    )
JOB_LISTS: List[Dict[str, Any]] = [
    {"status": "eight"},  # digits ("8") are a status code; None is "not given"
    {"status": -1},
    {"status": True},
    {"status": 1.5},
    {"per_page": 0},
    {"per_page": 1001},
    {"per_page": "10"},
    {"per_page": 10.0},
    {"page": 0},
    {"page": 65536},
    {"page": "1"},
    {"sortBy": "name"},
    {"sortBy": 5},
    {"order": "up"},
    {"order": 5},
    {"search_content": "x" * 65},
    {"search_content": 5},
    {"sort_by": "bogus"},
]
for settings in JOB_LISTS:
    case(f"get_job_list({settings!r:.40})", lambda s, t, k=settings: Estimator.get_job_list(s, **k))
for description in [5, None, "x" * 257, b"bytes", ["a"]]:
    shown = f"{description!r:.16}"
    case(
        f"Estimator.update_job_description({shown})",
        lambda s, t, d=description: Estimator(s, job_id=1).update_job_description(d),
    )
    case(
        f"TrainingJob.update_job_description({shown})",
        lambda s, t, d=description: TrainingJob(s, 1, 2).update_job_description(d),
    )
LOG_ARGUMENTS: List[Dict[str, Any]] = [
    {"log_file": ""},
    {"log_file": 5},
    {"log_file": b"x"},
    {"lines": -1},
    {"lines": 501},
    {"lines": "50"},
    {"lines": True},
    {"lines": 1.5},
    {"base_line": 5},
    {"order": "up"},
    {"order": 5},
]
for settings in LOG_ARGUMENTS:
    case(
        f"TrainingJob.get_job_log({settings})",
        lambda s, t, k=settings: TrainingJob(s, 1, 2).get_job_log(**k),
    )
    case(
        f"Estimator.get_job_log({settings})",
        lambda s, t, k=settings: Estimator(s, job_id=1, version_id=2).get_job_log(**k),
    )


@pytest.mark.parametrize("call", [c for _, c in CASES], ids=[name for name, _ in CASES])
def test_a_bad_argument_is_refused_before_any_request(
    call: Call, session: Session, counting: Counting
) -> None:
    with pytest.raises(ModelArtsError) as caught:
        call(session, counting)
    assert isinstance(caught.value, ConfigurationError) and isinstance(caught.value, ValueError)
    assert counting.requests == []


def _retry_value(s: Session, t: Counting) -> Session:
    retry = Retry(total=0, deadline=0)
    return Session(transport=t, region_name="cn-north-4", retry=retry, **CREDENTIALS)


GOOD: List[Tuple[str, Call, int]] = [
    (
        "padded and int ids",
        lambda s, t: Estimator(s, job_id=" 0182626 ", version_id=278813).stop_job_version(),
        1,
    ),
    ("the largest page", lambda s, t: Estimator.get_job_list(s, per_page=1000, page=65535), 1),
    ("256 characters", lambda s, t: Estimator(s, job_id=1).update_job_description("x" * 256), 1),
    ("sort_by alias", lambda s, t: Estimator.get_job_list(s, sort_by="status", order="asc"), 1),
    ("500 log lines", lambda s, t: TrainingJob(s, 1, 2).get_job_log("f.0", lines=500), 1),
    ("a Retry value", _retry_value, 0),
]


@pytest.mark.parametrize(
    ("call", "requests"), [(c, n) for _, c, n in GOOD], ids=[n for n, _, _ in GOOD]
)
def test_good_arguments_pass_and_are_counted(
    call: Call, requests: int, session: Session, counting: Counting
) -> None:
    call(session, counting)
    assert len(counting.requests) == requests
    for request in counting.requests:
        assert request.path.startswith(f"/v1/{CREDENTIALS['project_id']}/training-jobs")
    if call is GOOD[0][1]:
        assert counting.requests[0].path.endswith("/training-jobs/182626/versions/278813/stop")
