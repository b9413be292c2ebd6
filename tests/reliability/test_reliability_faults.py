"""Every fault class against representative operations, over real HTTP.

Each call ends in success after retries (idempotent calls, within the retry
budget) or in a typed ``ModelArtsError`` that names the operation, the status
and the request id; never a hang, a bare library exception, or a resent POST.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, List, Optional, Type
from urllib.parse import urlsplit

import pytest

from modelarts.errors import (
    APIError,
    ConnectionLostError,
    ModelArtsError,
    NotFoundError,
    ReadTimeout,
    ResponseFormatError,
    ServerError,
    ThrottledError,
    TransportError,
)
from modelarts.estimator import Estimator
from modelarts.session import Session
from modelarts.testing import (
    Delay,
    Disconnect,
    Failure,
    Fault,
    NotJSON,
    Truncated,
    gateway_error,
    server_error,
    throttled,
)
from modelarts.testing.fake import path_regex
from modelarts.training_job import TrainingJob

if TYPE_CHECKING:  # the fixtures' types; conftest is never imported as a module
    from conftest import Cloud, Figures, Outcome

JOB = "/v1/{project_id}/training-jobs/{job_id}"
VERSION = JOB + "/versions/{version_id}"
KILLED = 12
#: Attempts the default retry policy makes (``Retry(total=4)``: four retries).
BUDGET = 5


# -- the operations ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Operation:
    """A public SDK call, the request it is judged by, and what its success looks like."""

    name: str
    method: str
    path: str
    call: Callable[[Session, Cloud], Any]
    #: The result a success must return, given the cloud before the call.
    expected: Callable[[Cloud], Any]
    #: Whether the call's effect is visible in the fake (None: it has none).
    happened: Optional[Callable[[Cloud], bool]] = None
    listing: bool = False

    @property
    def target(self) -> str:
        return f"{self.method} {self.path}"

    @property
    def idempotent(self) -> bool:
        return self.method != "POST"


def _version_gone(cloud: Cloud) -> bool:
    return cloud.version_id not in cloud.version_ids()


OPERATIONS = [
    Operation(
        "list versions",
        "GET",
        JOB + "/versions",
        lambda s, c: [
            job.version_id
            for job in Estimator(s, job_id=c.job_id).get_job_version_object_list(is_show=False)
        ],
        lambda c: c.version_ids(),
        listing=True,
    ),
    Operation(
        "get_job_info",
        "GET",
        VERSION,
        lambda s, c: str(
            Estimator(s, job_id=c.job_id, version_id=c.version_id).get_job_info()["version_id"]
        ),
        lambda c: c.version_id,
    ),
    Operation(
        "update description",
        "PUT",
        JOB,
        lambda s, c: Estimator(s, job_id=c.job_id).update_job_description("second")["is_success"],
        lambda c: True,
        happened=lambda c: c.fake.job(c.job_id).job_desc == "second",
    ),
    Operation(
        "stop",
        "POST",
        VERSION + "/stop",
        lambda s, c: TrainingJob(s, c.job_id, c.version_id).stop_job_version()["is_success"],
        lambda c: True,
        happened=lambda c: c.status() == KILLED,
    ),
    Operation(
        "delete version",
        "DELETE",
        VERSION,
        lambda s, c: TrainingJob(s, c.job_id, c.version_id).delete_job_version()["is_success"],
        lambda c: True,
        happened=_version_gone,
    ),
    Operation(
        "get_job_list",
        "GET",
        "/v1/{project_id}/training-jobs",
        lambda s, c: [str(job["job_id"]) for job in Estimator.get_job_list(s)["jobs"]],
        lambda c: [c.job_id],
        listing=True,
    ),
    Operation(
        "logs",
        "GET",
        VERSION + "/aom-log",
        lambda s, c: isinstance(
            TrainingJob(s, c.job_id, c.version_id).get_job_log()["content"], str
        ),
        lambda c: True,
    ),
]
OPERATION_IDS = [op.name.replace(" ", "_") for op in OPERATIONS]


# -- the fault classes -------------------------------------------------------------------------


@dataclass(frozen=True)
class FaultCase:
    name: str
    fault: Fault
    #: The status the client sees (None: no complete answer arrives).
    status: Optional[int]
    #: Whether the fake handled the request before the fault spoiled the answer.
    processed: bool
    #: Whether the SDK may resend an idempotent call after it.
    retried: bool
    error: Type[ModelArtsError]


GATEWAY_503 = FaultCase("gateway_503", gateway_error(503), 503, False, True, ServerError)
THROTTLED_429 = FaultCase("throttled_429", throttled(2), 429, False, True, ThrottledError)
SERVER_500 = FaultCase("server_500", server_error(500), 500, False, True, ServerError)
IS_SUCCESS_FALSE = FaultCase("is_success_false", Failure(), 200, False, False, APIError)
TRUNCATED = FaultCase("truncated", Truncated(), None, True, True, ConnectionLostError)
NOT_JSON = FaultCase("not_json", NotJSON(), 200, False, False, ResponseFormatError)
DISCONNECT = FaultCase("disconnect_before", Disconnect(), None, False, True, ConnectionLostError)
DISCONNECT_AFTER = FaultCase(
    "disconnect_after", Disconnect(processed=True), None, True, True, ConnectionLostError
)
ONCE = [
    GATEWAY_503,
    THROTTLED_429,
    SERVER_500,
    IS_SUCCESS_FALSE,
    TRUNCATED,
    NOT_JSON,
    DISCONNECT,
    DISCONNECT_AFTER,
]
PERSISTENT = [GATEWAY_503, THROTTLED_429, SERVER_500, TRUNCATED, DISCONNECT]


# -- checks ------------------------------------------------------------------------------------


def _attempts(cloud: Cloud, op: Operation) -> int:
    return len(cloud.fake.calls_to(op.method, op.path))


def _logged(cloud: Cloud, op: Operation, attempts: int) -> int:
    """The attempts in the call log once the late ones are in (a delayed answer is
    logged when it is finally written, after the client gave up on it)."""
    deadline = time.monotonic() + 5
    while _attempts(cloud, op) < attempts and time.monotonic() < deadline:
        time.sleep(0.02)
    return _attempts(cloud, op)


def _check_success(
    outcome: Outcome[Any], op: Operation, cloud: Cloud, figures: Figures, expected: Any
) -> None:
    assert outcome.error is None, f"{op.name} failed: {outcome.error!r}"
    if op.listing:
        assert figures.check_listing(outcome.value, expected), (outcome.value, expected)
    else:
        assert outcome.value == expected
    if op.happened is not None:
        assert op.happened(cloud)


def check_typed_error(
    error: Optional[ModelArtsError], case: FaultCase, op: Operation, cloud: Cloud
) -> None:
    """The error is the expected class and names the operation, the status and the request id."""
    assert isinstance(error, case.error), f"expected {case.error.__name__}, got {error!r}"
    text = str(error)
    last = cloud.fake.calls_to(op.method, op.path)[-1]
    if isinstance(error, APIError):
        assert error.status_code == case.status
        assert error.request_id == last.request_id
        assert f"HTTP {case.status}" in text
        assert f"request id {last.request_id}" in text
        assert error.method == op.method and f"{op.method} {error.path}" in text
        assert path_regex(op.path).match(error.path), error.path
    elif isinstance(error, ResponseFormatError):
        assert (error.status_code, error.request_id) == (case.status, last.request_id)
        assert f"HTTP {case.status}" in text and f"request id {last.request_id}" in text
        assert error.operation and error.operation in text
        assert cloud.job_id in error.operation or "{job_id}" not in op.path
    else:
        # No answer came, so there is no status or request id: the method and URL name it.
        assert isinstance(error, TransportError)
        assert error.method == op.method and error.url.startswith(cloud.server.url)
        assert f"{op.method} {error.url}" in text
        assert path_regex(op.path).match(urlsplit(error.url).path), error.url


# -- one fault ---------------------------------------------------------------------------------


@pytest.mark.parametrize("case", ONCE, ids=[case.name for case in ONCE])
@pytest.mark.parametrize("op", OPERATIONS, ids=OPERATION_IDS)
def test_one_fault(op: Operation, case: FaultCase, cloud: Cloud, figures: Figures) -> None:
    session = cloud.session()
    expected = op.expected(cloud)
    cloud.fake.inject(op.target, case.fault)

    outcome = figures.run(cloud.fake, lambda: op.call(session, cloud))

    assert outcome.faults == 1
    if op.idempotent and case.retried:
        if op.method == "DELETE" and case.processed:
            # The first DELETE did its work but its answer was lost; the resent
            # one finds nothing left to delete. Typed, and the version is gone.
            assert isinstance(outcome.error, NotFoundError), repr(outcome.error)
            assert outcome.error.status_code == 404
        else:
            _check_success(outcome, op, cloud, figures, expected)
        assert _attempts(cloud, op) == 2
        if case is THROTTLED_429:
            assert cloud.clock.sleeps == [2.0]  # the server's Retry-After, not a backoff guess
    else:
        check_typed_error(outcome.error, case, op, cloud)
        assert _attempts(cloud, op) == 1  # not resent: a POST, or a definite answer
    if op.happened is not None:
        assert op.happened(cloud) is (outcome.ok or case.processed)


def test_a_stop_whose_connection_drops_after_processing_is_sent_once(
    cloud: Cloud, figures: Figures
) -> None:
    session = cloud.session()
    stop = f"{VERSION}/stop"
    cloud.fake.inject(f"POST {stop}", Disconnect(processed=True))

    outcome = figures.run(
        cloud.fake, TrainingJob(session, cloud.job_id, cloud.version_id).stop_job_version
    )

    assert isinstance(outcome.error, ConnectionLostError)
    posts = cloud.fake.calls_to("POST", stop)
    assert len(posts) == 1 and posts[0].fault == "disconnect"
    assert cloud.status() == KILLED  # the one POST did stop it
    # And a caller who checks before trying again sees that it worked.
    info = TrainingJob(session, cloud.job_id, cloud.version_id).get_job_info()
    assert info["status"] == KILLED
    assert len(cloud.fake.calls_to("POST", stop)) == 1


# -- persistent faults: beyond the retry budget ------------------------------------------------


@pytest.mark.parametrize("case", PERSISTENT, ids=[case.name for case in PERSISTENT])
@pytest.mark.parametrize("op", OPERATIONS, ids=OPERATION_IDS)
def test_fault_beyond_the_retry_budget(
    op: Operation, case: FaultCase, cloud: Cloud, figures: Figures
) -> None:
    session = cloud.session()
    fault = throttled(1) if case is THROTTLED_429 else case.fault
    cloud.fake.inject(op.target, fault, times=None)

    outcome = figures.run(cloud.fake, lambda: op.call(session, cloud))

    check_typed_error(outcome.error, case, op, cloud)
    attempts = BUDGET if op.idempotent else 1
    assert _attempts(cloud, op) == attempts == outcome.faults
    if isinstance(outcome.error, APIError) and attempts > 1:
        assert f"gave up after {attempts} attempts" in str(outcome.error)
    if case is THROTTLED_429:
        assert cloud.clock.sleeps == [1.0] * (attempts - 1)
    assert sum(cloud.clock.sleeps) <= 30  # the retry deadline, on the shared fake clock


def test_a_retry_after_beyond_the_deadline_ends_the_call_at_once(
    cloud: Cloud, figures: Figures
) -> None:
    session = cloud.session()
    op = OPERATIONS[0]
    cloud.fake.inject(op.target, throttled(60))

    outcome = figures.run(cloud.fake, lambda: op.call(session, cloud))

    assert isinstance(outcome.error, ThrottledError) and outcome.error.retry_after == 60
    check_typed_error(outcome.error, THROTTLED_429, op, cloud)
    assert _attempts(cloud, op) == 1 and cloud.clock.sleeps == []


# -- a delay beyond the read timeout (real time: kept to three calls) --------------------------

DELAYED = [OPERATIONS[0], OPERATIONS[2], OPERATIONS[3]]  # GET, PUT, POST


@pytest.mark.parametrize("op", DELAYED, ids=[op.name.replace(" ", "_") for op in DELAYED])
def test_a_delay_beyond_the_read_timeout(op: Operation, cloud: Cloud, figures: Figures) -> None:
    session = cloud.session(timeout=(1, 0.2))
    expected = op.expected(cloud)
    cloud.fake.inject(op.target, Delay(0.5, real=True))

    outcome = figures.run(cloud.fake, lambda: op.call(session, cloud))

    if op.idempotent:
        _check_success(outcome, op, cloud, figures, expected)
        assert _logged(cloud, op, 2) == 2
    else:
        # The POST was handled before the answer was late: it must not go again.
        error = outcome.error
        assert isinstance(error, ReadTimeout) and "read timeout of 0.2" in str(error)
        assert _logged(cloud, op, 1) == 1
        check_typed_error(
            error, FaultCase("delay", Delay(0.5), None, True, False, ReadTimeout), op, cloud
        )
        assert op.happened is not None and op.happened(cloud)


# -- every fault at random, on every operation -------------------------------------------------


def test_mixed_faults_at_random_never_escape_untyped(cloud: Cloud, figures: Figures) -> None:
    """A noisy link: 30% of requests get one of the fault classes; nothing escapes untyped."""
    session = cloud.session()
    faults: List[Fault] = [case.fault for case in ONCE]
    cloud.fake.inject("*", faults, rate=0.3, seed=20261127)
    reads = [op for op in OPERATIONS if op.method == "GET"]
    outcomes = []
    for _ in range(12):
        for op in reads:
            expected = op.expected(cloud)
            outcome = figures.run(cloud.fake, lambda op=op: op.call(session, cloud))
            outcomes.append(outcome)
            if outcome.ok:
                _check_success(outcome, op, cloud, figures, expected)
            else:
                assert isinstance(outcome.error, (APIError, ResponseFormatError, TransportError))
    assert any(o.ok and o.faults for o in outcomes) and any(not o.ok for o in outcomes)
