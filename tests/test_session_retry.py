"""Retries live in the Session: which calls are resent, how long it waits, when it stops."""

from __future__ import annotations

from typing import Iterator, List, Optional, Union

import pytest

from modelarts.errors import (
    APIError,
    ConnectError,
    ConnectionLostError,
    ReadTimeout,
    ServerError,
    ThrottledError,
    TransportError,
)
from modelarts.retry import Retry
from modelarts.session import Session
from modelarts.testing import FakeClock
from modelarts.testing.fake import FakeModelArts, FakeRequest, Reply, json_reply
from modelarts.transport import MockTransport, Request, Response

PATH = "/v1/{project_id}/thing"
Step = Union[int, TransportError, "tuple[int, str]"]


@pytest.fixture
def fake() -> FakeModelArts:
    fake = FakeModelArts(clock=FakeClock())
    fake.next_status = 200  # type: ignore[attr-defined]
    fake.retry_after = None  # type: ignore[attr-defined]

    def answer(request: FakeRequest) -> Reply:
        status: int = fake.next_status  # type: ignore[attr-defined]
        after: Optional[str] = fake.retry_after  # type: ignore[attr-defined]
        headers = {"Retry-After": after} if after else {}
        if status >= 400:
            return Reply(status, {"error_code": f"X.{status}", "error_msg": "busy"}, headers)
        return json_reply({"is_success": True, "method": request.method})

    for method in ("GET", "PUT", "DELETE", "POST"):
        fake.route(method, PATH)(answer)
    return fake


def session_for(
    fake: FakeModelArts, script: "List[Step]", retry: Optional[Retry] = None
) -> "tuple[Session, List[Request], FakeClock]":
    """A Session in front of ``fake`` playing ``script``: an int is a status the fake
    answers with, an exception is raised instead of sending, ``(status, retry_after)``
    adds the header. Also returns the requests sent, and the Session's clock."""
    steps: Iterator[Step] = iter(script)
    sent: List[Request] = []

    def play(request: Request) -> Response:
        sent.append(request)
        step = next(steps, 200)
        if isinstance(step, TransportError):
            raise step
        status, retry_after = step if isinstance(step, tuple) else (step, None)
        fake.next_status = status  # type: ignore[attr-defined]
        fake.retry_after = retry_after  # type: ignore[attr-defined]
        return fake.send(request)

    clock = FakeClock()
    retry = retry or Retry(total=4, backoff_factor=1.0, jitter=lambda cap: cap)
    transport = MockTransport(play)
    session = Session(transport=transport, clock=clock, retry=retry, **fake.session_kwargs())
    return session, sent, clock


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE"])
@pytest.mark.parametrize("status", [429, 500, 502, 503, 504])
def test_idempotent_calls_retry_retryable_statuses(
    fake: FakeModelArts, method: str, status: int
) -> None:
    session, sent, clock = session_for(fake, [status, status, 200])
    assert session.request(method, PATH)["is_success"] is True
    assert len(sent) == 3
    assert clock.sleeps == [1.0, 2.0]  # exponential: factor * 2**n


@pytest.mark.parametrize("status", [429, 500, 503])
def test_post_is_never_resent_once_it_reached_the_server(fake: FakeModelArts, status: int) -> None:
    session, sent, clock = session_for(fake, [status])
    with pytest.raises((ServerError, ThrottledError)) as info:
        session.request("POST", PATH, json={"a": 1})
    assert info.value.status_code == status
    assert len(sent) == 1 and clock.sleeps == []


def test_post_is_resent_when_the_connection_never_opened(fake: FakeModelArts) -> None:
    session, sent, _ = session_for(fake, [ConnectError("refused"), 200])
    assert session.request("POST", PATH, json={"a": 1})["is_success"] is True
    assert len(sent) == 2
    assert len([c for c in fake.calls if c.method == "POST"]) == 1


@pytest.mark.parametrize("error", [ReadTimeout("slow"), ConnectionLostError("reset")])
def test_post_is_not_resent_when_it_may_have_arrived(
    fake: FakeModelArts, error: TransportError
) -> None:
    session, sent, _ = session_for(fake, [error])
    with pytest.raises(type(error)):
        session.request("POST", PATH, json={"a": 1})
    assert len(sent) == 1


@pytest.mark.parametrize(
    "error", [ReadTimeout("slow"), ConnectionLostError("reset"), ConnectError("x")]
)
def test_get_is_resent_after_transport_errors(fake: FakeModelArts, error: TransportError) -> None:
    session, sent, _ = session_for(fake, [error, error, 200])
    assert session.request("GET", PATH)["is_success"] is True
    assert len(sent) == 3


def test_retry_after_is_honoured(fake: FakeModelArts) -> None:
    session, _, clock = session_for(fake, [(429, "7"), 200])
    session.request("GET", PATH)
    assert clock.sleeps == [7.0]


def test_retry_after_beyond_the_deadline_ends_the_call_at_once(fake: FakeModelArts) -> None:
    session, sent, clock = session_for(fake, [(429, "100")])
    with pytest.raises(ThrottledError) as info:
        session.request("GET", PATH)
    assert info.value.retry_after == 100.0
    assert clock.sleeps == [] and len(sent) == 1


def test_no_attempt_starts_after_the_deadline(fake: FakeModelArts) -> None:
    policy = Retry(
        total=100, backoff_factor=4.0, backoff_max=10.0, deadline=30.0, jitter=lambda cap: cap
    )
    session, sent, clock = session_for(fake, [503] * 100, policy)
    with pytest.raises(ServerError) as info:
        session.request("GET", PATH)
    assert sum(clock.sleeps) <= 30.0
    assert clock.sleeps == [4.0, 8.0, 10.0]  # a fourth wait would pass 30 s
    assert len(sent) == 4
    assert "gave up after 4 attempts" in str(info.value)


def test_retries_run_out(fake: FakeModelArts) -> None:
    session, sent, _ = session_for(fake, [503] * 10, Retry(total=2, jitter=lambda cap: 0))
    with pytest.raises(ServerError):
        session.request("GET", PATH)
    assert len(sent) == 3


def test_zero_retries(fake: FakeModelArts) -> None:
    session, sent, _ = session_for(fake, [503], Retry(total=0))
    with pytest.raises(ServerError):
        session.request("GET", PATH)
    assert len(sent) == 1


def test_non_retryable_statuses_fail_at_once(fake: FakeModelArts) -> None:
    session, sent, _ = session_for(fake, [400])
    with pytest.raises(APIError) as info:
        session.request("GET", PATH)
    assert info.value.status_code == 400
    assert len(sent) == 1
