"""Injected faults, in-process and over real HTTP: the client sees the same error either way."""

from __future__ import annotations

import http.client
import importlib
import socket
import time
from typing import Any, Callable, Iterator, List, Optional, Tuple, Type
from urllib.parse import urlsplit

import pytest

from modelarts.errors import (
    APIError,
    ConnectError,
    ConnectionLostError,
    ModelArtsError,
    ReadTimeout,
    ResponseFormatError,
    ServerError,
    ThrottledError,
)
from modelarts.retry import Retry
from modelarts.session import Session
from modelarts.testing import (
    Delay,
    Disconnect,
    Failure,
    FakeClock,
    FakeModelArts,
    Fault,
    NotJSON,
    Truncated,
    gateway_error,
    server_error,
    throttled,
)
from modelarts.transport import Request, Response, Transport

JOBS = "/v1/{project_id}/training-jobs"
VERSIONS = "GET /v1/{project_id}/training-jobs/{job_id}/versions"


class StdlibTransport(Transport):
    """A minimal ``http.client`` transport, so the HTTP tests need no third-party client.

    A real transport over TCP, not a stand-in for one: ``MockTransport`` has no place here.
    """

    def __init__(self, timeout: float = 5.0) -> None:
        self.timeout = timeout

    def send(self, request: Request) -> Response:
        split = urlsplit(request.url)
        where = {"method": request.method, "url": request.url}
        connection = http.client.HTTPConnection(
            split.hostname or "", split.port, timeout=self.timeout
        )
        try:
            try:
                connection.request(
                    request.method, request.target, request.body or None, dict(request.headers)
                )
            except OSError as exc:
                raise ConnectError(str(exc), **where) from exc
            try:
                answer = connection.getresponse()
                body = answer.read()
            except socket.timeout as exc:
                raise ReadTimeout(str(exc), **where) from exc
            except (http.client.HTTPException, OSError) as exc:
                raise ConnectionLostError(repr(exc), **where) from exc
            return Response(answer.status, answer.getheaders(), body, request)
        finally:
            connection.close()


def _urllib3(timeout: float) -> Transport:
    live = importlib.import_module("modelarts.transport.live")
    transport: Transport = live.Urllib3Transport(timeout=timeout, proxies={})
    return transport


def _has_urllib3_transport() -> bool:
    try:
        importlib.import_module("modelarts.transport.live")
    except ImportError:
        return False
    return True


HTTP_CLIENTS = [
    pytest.param(StdlibTransport, id="http.client"),
    pytest.param(
        _urllib3,
        id="urllib3",
        marks=pytest.mark.skipif(
            not _has_urllib3_transport(), reason="modelarts.transport.live not available"
        ),
    ),
]


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def fake(clock: FakeClock) -> FakeModelArts:
    fake = FakeModelArts(clock=clock)
    fake.add_job("mnist", versions=3)
    return fake


@pytest.fixture(params=["in-process", *HTTP_CLIENTS])
def connect(
    request: pytest.FixtureRequest, fake: FakeModelArts, clock: FakeClock
) -> Iterator[Callable[..., Session]]:
    """Sessions that reach the fake directly, or over HTTP with each client."""
    if request.param == "in-process":
        yield lambda retry=0, **_: Session(
            transport=fake, clock=clock, retry=retry, **fake.session_kwargs()
        )
        return
    make_transport: Callable[[float], Transport] = request.param
    sessions: List[Session] = []
    with fake.serve() as server:

        def connect(retry: Any = 0, timeout: float = 5.0) -> Session:
            session = Session(
                transport=make_transport(timeout),
                clock=clock,
                retry=retry,
                **fake.session_kwargs(endpoint=server.url),
            )
            sessions.append(session)
            return session

        yield connect
        for session in sessions:
            session.close()


def job_id(fake: FakeModelArts) -> int:
    return fake.jobs[0].job_id


def list_versions(session: Session, fake: FakeModelArts) -> Any:
    return session.request("GET", f"{JOBS}/{job_id(fake)}/versions")


def create_body(name: str) -> Any:
    return {
        "job_name": name,
        "config": {
            "worker_server_num": 1,
            "spec_id": 2,
            "engine_id": 4,
            "app_url": "/b/code/",
            "boot_file_url": "/b/code/train.py",
            "data_url": "/b/data/",
        },
    }


# -- each fault, each way of reaching the fake ---------------------------------------------

SURFACED = [
    pytest.param(gateway_error(503), ServerError, 503, id="gateway-503"),
    pytest.param(gateway_error(502), ServerError, 502, id="gateway-502"),
    pytest.param(throttled(None), ThrottledError, 429, id="throttled-429"),
    pytest.param(server_error(), ServerError, 500, id="json-500"),
    pytest.param(Failure(), APIError, 200, id="is_success-false"),
    pytest.param(NotJSON(), ResponseFormatError, None, id="not-json"),
    pytest.param(Truncated(), ConnectionLostError, None, id="truncated"),
    pytest.param(Disconnect(), ConnectionLostError, None, id="disconnect"),
    pytest.param(Disconnect(processed=True), ConnectionLostError, None, id="disconnect-after"),
]


@pytest.mark.parametrize(("fault", "error", "status"), SURFACED)
def test_every_fault_surfaces_as_the_same_error_class_everywhere(
    fake: FakeModelArts,
    connect: Callable[..., Session],
    fault: Fault,
    error: Type[ModelArtsError],
    status: Optional[int],
) -> None:
    session = connect()
    rule = fake.inject(VERSIONS, fault)
    with pytest.raises(error) as info:
        list_versions(session, fake)
    if status is not None:
        assert isinstance(info.value, APIError) and info.value.status_code == status
    (call,) = fake.calls_to("GET", "/v1/{project_id}/training-jobs/{job_id}/versions")
    assert call.fault == fault.name and rule.injected == 1 and rule.remaining == 0
    assert call.status == (0 if isinstance(fault, Disconnect) else status or 200)
    assert fake.faults_injected == {fault.name: 1}
    assert list_versions(session, fake)["version_count"] == 3  # one time only


def test_details_of_surfaced_errors(fake: FakeModelArts, clock: FakeClock) -> None:
    session = Session(transport=fake, clock=clock, retry=0, **fake.session_kwargs())
    fake.inject(VERSIONS, [gateway_error(503), throttled(7), server_error(), Failure()], times=4)
    messages = []
    for _ in range(4):
        with pytest.raises(APIError) as info:
            list_versions(session, fake)
        messages.append((info.value.error_code, info.value.error_msg))
        assert info.value.request_id == fake.calls[-1].request_id
    assert messages[0] == ("503", "HTML page: 503 Service Temporarily Unavailable")
    assert messages[1][0] == "APIGW.0308"
    assert messages[2] == ("ModelArts.0010", "Internal server error.")
    assert messages[3] == ("ModelArts.0105", "Error string")
    throttled_call = fake.calls[1]
    assert throttled_call.fault == "http_429"


def test_processed_faults_change_state_and_unprocessed_ones_do_not(
    fake: FakeModelArts, connect: Callable[..., Session]
) -> None:
    session = connect()
    post = "POST " + JOBS
    for index, fault in enumerate([Disconnect(), gateway_error(503), Failure()]):
        fake.inject(post, fault)
        with pytest.raises(ModelArtsError):
            session.request("POST", JOBS, json=create_body(f"never-{index}"))
    assert [job.job_name for job in fake.jobs] == ["mnist"]
    for index, fault in enumerate([Disconnect(processed=True), Truncated()]):
        fake.inject(post, fault)
        with pytest.raises(ConnectionLostError):
            session.request("POST", JOBS, json=create_body(f"happened-{index}"))
    assert [job.job_name for job in fake.jobs] == ["mnist", "happened-0", "happened-1"]
    # The client must not resend such a POST: the Session did not.
    assert len(fake.calls_to("POST", JOBS)) == 5


@pytest.mark.parametrize("make_transport", HTTP_CLIENTS)
def test_a_real_delay_trips_the_read_timeout(
    fake: FakeModelArts, clock: FakeClock, make_transport: Callable[[float], Transport]
) -> None:
    with fake.serve() as server:
        session = Session(
            transport=make_transport(0.1),
            clock=clock,
            retry=0,
            **fake.session_kwargs(endpoint=server.url),
        )
        fake.inject(VERSIONS, Delay(0.6, real=True))
        started = time.monotonic()
        with pytest.raises(ReadTimeout):
            list_versions(session, fake)
        assert time.monotonic() - started < 0.6
        assert fake.faults_injected == {"delay": 1}
        session.close()


def test_a_delay_on_the_fake_clock_takes_no_real_time(
    fake: FakeModelArts, clock: FakeClock
) -> None:
    session = Session(transport=fake, clock=clock, retry=0, **fake.session_kwargs())
    fake.inject(VERSIONS, Delay(45))
    before, started = clock.monotonic(), time.monotonic()
    assert list_versions(session, fake)["version_count"] == 3
    assert clock.monotonic() - before == 45 and time.monotonic() - started < 1
    real = Delay(0.05, real=True)
    fake.inject(VERSIONS, real)
    started = time.monotonic()
    list_versions(session, fake)
    assert time.monotonic() - started >= 0.05
    assert [c.fault for c in fake.calls] == ["delay", "delay"]


# -- recovery through the Session's retries ------------------------------------------------


@pytest.mark.parametrize(
    "fault",
    [gateway_error(503), throttled(2), server_error(502), Disconnect(), Truncated()],
    ids=lambda f: f.name,
)
def test_transient_faults_are_recovered_by_retrying_a_get(
    fake: FakeModelArts, connect: Callable[..., Session], clock: FakeClock, fault: Fault
) -> None:
    session = connect(retry=Retry(total=3, backoff_factor=1.0, jitter=lambda cap: cap))
    fake.inject(VERSIONS, fault, times=2)
    assert list_versions(session, fake)["version_count"] == 3
    calls = fake.calls_to("GET", "/v1/{project_id}/training-jobs/{job_id}/versions")
    assert [call.fault for call in calls] == [fault.name, fault.name, None]
    assert fake.faults_injected == {fault.name: 2}
    expected_sleeps = [2.0, 2.0] if fault.name == "http_429" else [1.0, 2.0]
    assert clock.sleeps == expected_sleeps


# -- selecting requests, counting, rates ------------------------------------------------------


def test_targets_select_requests(fake: FakeModelArts, clock: FakeClock) -> None:
    session = Session(transport=fake, clock=clock, retry=0, **fake.session_kwargs())
    by_page = fake.inject(lambda r: r.query.get("page") == "2", Failure(), times=None)
    anything = fake.inject("*", NotJSON(), times=1)
    any_method = fake.inject("/v1/{project_id}/job/ai-engines", gateway_error(504), times=5)
    with pytest.raises(ResponseFormatError):
        session.request("GET", JOBS)  # "*" takes the first request
    assert session.request("GET", JOBS)["is_success"] is True
    for _ in range(3):
        with pytest.raises(APIError):
            session.request("GET", JOBS, query={"page": 2})
    with pytest.raises(ServerError):
        session.request("GET", "/v1/{project_id}/job/ai-engines")
    assert (by_page.injected, by_page.remaining) == (3, None)
    assert (anything.remaining, any_method.remaining) == (0, 4)
    assert fake.injections == [by_page, any_method]
    by_page.cancel()
    fake.clear_faults()
    assert fake.injections == []
    assert session.request("GET", JOBS, query={"page": 2})["is_success"] is True
    assert fake.faults_injected == {"not_json": 1, "is_success_false": 3, "http_504": 1}


def test_rate_mode_is_seeded_and_counted(clock: FakeClock) -> None:
    def run(seed: int) -> "Tuple[List[Optional[str]], FakeModelArts]":
        fake = FakeModelArts(clock=clock)
        fake.add_job("load", versions=1)
        fake.inject("*", [gateway_error(503), Disconnect()], rate=0.2, seed=seed)
        session = Session(transport=fake, clock=clock, retry=0, **fake.session_kwargs())
        for _ in range(300):
            try:
                list_versions(session, fake)
            except (ServerError, ConnectionLostError):
                pass
        return [call.fault for call in fake.calls], fake

    first, fake = run(11)
    again, _ = run(11)
    other, _ = run(12)
    assert first == again and first != other
    injected = fake.faults_injected
    assert 30 <= sum(injected.values()) <= 90 and set(injected) == {"http_503", "disconnect"}
    assert injected["http_503"] == first.count("http_503")
    assert injected["disconnect"] == first.count("disconnect")


def test_inject_rejects_nonsense(fake: FakeModelArts) -> None:
    with pytest.raises(ValueError, match="rate"):
        fake.inject("*", Failure(), rate=1.5)
    with pytest.raises(TypeError):
        fake.inject("*", ["not a fault"])  # type: ignore[list-item]
    with pytest.raises(ValueError, match="at least one"):
        fake.inject("*", [])
    with pytest.raises(ValueError, match="METHOD"):
        fake.inject("GE7 /v1/x", Failure())


# -- the call log ------------------------------------------------------------------------------


def test_call_log_records_what_users_assert_on(fake: FakeModelArts, clock: FakeClock) -> None:
    session = Session(transport=fake, clock=clock, retry=0, **fake.session_kwargs())
    clock.advance(5)
    created = session.request("POST", JOBS, json=create_body("logged"))
    session.request("GET", JOBS, query={"per_page": 5})
    fake.inject("DELETE " + JOBS + "/{job_id}", Disconnect())
    with pytest.raises(ConnectionLostError):
        session.request("DELETE", f"{JOBS}/{created['job_id']}")
    post, listing, delete = fake.calls
    assert (post.method, post.path, post.status) == (
        "POST",
        f"/v1/{fake.project_id}/training-jobs",
        200,
    )
    assert post.json()["job_name"] == "logged" and post.identity == f"ak:{fake.access_key}"
    assert post.at == clock.now() and post.fault is None and len(post.request_id) == 32
    assert listing.query == {"per_page": "5"} and listing.json() is None
    assert (delete.status, delete.fault, delete.identity) == (0, "disconnect", "")
    assert fake.calls_to("*", JOBS) == [post, listing]
    assert fake.calls_to("delete", JOBS + "/{job_id}") == [delete]
    assert fake.calls_to("GET", JOBS + "/{job_id}") == []
    assert "disconnect" in repr(delete)
