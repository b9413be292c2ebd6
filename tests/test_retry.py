from __future__ import annotations

from datetime import datetime, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from modelarts.errors import (
    ConnectError,
    ConnectionLostError,
    ConnectTimeout,
    InvalidArgumentError,
    ReadTimeout,
)
from modelarts.retry import Retry, parse_retry_after

NOW = datetime(2026, 11, 27, 6, 0, 0, tzinfo=timezone.utc)


def test_increment_returns_a_new_policy() -> None:
    first = Retry(total=2)
    second = first.increment()
    assert (first.attempts, second.attempts) == (0, 1)
    assert not second.exhausted
    assert second.increment().exhausted
    with pytest.raises(AttributeError):
        first.total = 9  # type: ignore[misc]


def test_backoff_grows_exponentially_up_to_the_cap() -> None:
    policy = Retry(total=10, backoff_factor=0.5, backoff_max=3.0, jitter=lambda cap: cap)
    waits = []
    for _ in range(5):
        waits.append(policy.backoff())
        policy = policy.increment()
    assert waits == [0.5, 1.0, 2.0, 3.0, 3.0]


@given(st.integers(min_value=0, max_value=30))
def test_full_jitter_stays_within_the_cap(attempts: int) -> None:
    policy = Retry(total=40, backoff_factor=0.25, backoff_max=20.0, attempts=attempts)
    cap = min(20.0, 0.25 * 2**attempts)
    assert 0.0 <= policy.backoff() <= cap


def test_a_jitter_that_misbehaves_is_clamped() -> None:
    assert Retry(jitter=lambda cap: cap * 10).backoff() == 0.5
    assert Retry(jitter=lambda cap: -1.0).backoff() == 0.0


@pytest.mark.parametrize(
    ("method", "status", "expected"),
    [
        ("GET", 503, True),
        ("get", 429, True),
        ("PUT", 502, True),
        ("DELETE", 504, True),
        ("GET", 500, True),
        ("GET", 501, False),
        ("GET", 404, False),
        ("GET", 401, False),
        ("POST", 503, False),
        ("POST", 429, False),
    ],
)
def test_which_statuses_are_retried(method: str, status: int, expected: bool) -> None:
    assert Retry().retries_status(method, status) is expected


def test_post_is_retried_only_when_it_never_left() -> None:
    policy = Retry()
    assert policy.retries_error("POST", ConnectError("refused"))
    assert policy.retries_error("POST", ConnectTimeout("slow connect"))
    assert not policy.retries_error("POST", ReadTimeout("slow answer"))
    assert not policy.retries_error("POST", ConnectionLostError("reset"))
    assert policy.retries_error("GET", ReadTimeout("slow answer"))
    assert policy.retries_error("DELETE", ConnectionLostError("reset"))


def test_from_value() -> None:
    assert Retry.from_value(None).total == 4
    assert Retry.from_value(0).exhausted
    custom = Retry(total=7)
    assert Retry.from_value(custom) is custom
    with pytest.raises(InvalidArgumentError):
        Retry.from_value("3")  # type: ignore[arg-type]
    with pytest.raises(InvalidArgumentError):
        Retry(total=-1)
    with pytest.raises(InvalidArgumentError):
        Retry(deadline=True)


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("120", 120.0),
        (" 3 ", 3.0),
        ("Fri, 27 Nov 2026 06:00:30 GMT", 30.0),
        ("Fri, 27 Nov 2026 05:00:00 GMT", 0.0),  # in the past: go now
        ("soon", None),
        ("", None),
        (None, None),
        ("-5", None),
    ],
)
def test_parse_retry_after(header: "str | None", expected: "float | None") -> None:
    assert parse_retry_after(header, NOW) == expected
