"""Waiting for a terminal state: backoff, timeouts, progress, logs and Ctrl-C, on a fake clock."""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Callable, Iterator, List, Optional

import pytest

from modelarts.constant import JOB_STATE
from modelarts.errors import InvalidArgumentError, ModelArtsError, WaitTimeoutError
from modelarts.job_status import JobStatus
from modelarts.testing import FakeClock
from modelarts.waiting import FIRST_POLL, MAX_POLL, format_duration, wait_until_terminal


@dataclass
class Snap:
    status: JobStatus
    duration: Optional[timedelta] = None


def script(*codes: int) -> Callable[[], Snap]:
    """A poll that answers the given codes in turn, then repeats the last one."""
    states: Iterator[int] = iter(codes)
    last = [codes[0]]

    def poll() -> Snap:
        last[0] = next(states, last[0])
        return Snap(JobStatus(last[0]), timedelta(seconds=5))

    return poll


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_waits_through_every_transient_state_until_completed() -> None:
    clock = FakeClock()
    final = wait_until_terminal(
        script(1, 2, 4, 7, 8, 15, 8, 9, 8, 10),
        clock=clock,
        what="job 1 version 2",
        stream=io.StringIO(),
    )
    assert final.status is JobStatus.COMPLETED
    assert len(clock.sleeps) == 9 and all(s > 0 for s in clock.sleeps)


@pytest.mark.parametrize("code", [3, 5, 6, 11, 12, 13, 14, 16, 17, 21, 22])
def test_every_failure_code_ends_the_wait(code: int) -> None:
    clock = FakeClock()
    final = wait_until_terminal(script(8, code), clock=clock, what="j", stream=io.StringIO())
    assert final.status == code
    assert clock.sleeps == [FIRST_POLL]


def test_backoff_grows_while_unchanged_caps_and_restarts_on_change() -> None:
    clock = FakeClock()
    wait_until_terminal(
        script(*([8] * 12), 15, 15, 10), clock=clock, what="j", stream=io.StringIO()
    )
    sleeps = clock.sleeps
    assert sleeps[0] == FIRST_POLL and sleeps[1] > sleeps[0]
    assert max(sleeps) == MAX_POLL
    assert sleeps[12] == FIRST_POLL  # status changed to 15: start again


def test_fixed_interval() -> None:
    clock = FakeClock()
    wait_until_terminal(
        script(1, 8, 8, 10), clock=clock, what="j", interval=7, stream=io.StringIO()
    )
    assert clock.sleeps == [7, 7, 7]


def test_timeout_raises_typed_error_with_last_status_and_never_oversleeps() -> None:
    clock = FakeClock()
    with pytest.raises(WaitTimeoutError) as caught:
        wait_until_terminal(
            script(8), clock=clock, what="job 1 version 2", timeout=100, stream=io.StringIO()
        )
    error = caught.value
    assert isinstance(error, ModelArtsError) and isinstance(error, TimeoutError)
    assert error.status is JobStatus.RUNNING and error.waited == pytest.approx(100)
    assert "job 1 version 2" in str(error) and "RUNNING" in str(error)
    assert sum(clock.sleeps) == pytest.approx(100)


def test_zero_timeout_polls_once() -> None:
    clock = FakeClock()
    with pytest.raises(WaitTimeoutError):
        wait_until_terminal(script(1), clock=clock, what="j", timeout=0, stream=io.StringIO())
    assert clock.sleeps == []


@pytest.mark.parametrize(
    "kwargs",
    [
        {"timeout": -1},
        {"timeout": float("nan")},
        {"timeout": "10"},
        {"interval": 0},
        {"interval": True},
    ],
)
def test_bad_settings_are_argument_errors_before_polling(kwargs: dict) -> None:
    polled: List[int] = []

    def poll() -> Snap:
        polled.append(1)
        return Snap(JobStatus.COMPLETED)

    with pytest.raises(InvalidArgumentError):
        wait_until_terminal(poll, clock=FakeClock(), what="j", **kwargs)
    assert polled == []


def test_state_changes_are_logged_and_unknown_codes_warned_once(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="modelarts.wait")
    wait_until_terminal(
        script(1, 30, 30, 8, 30, 10),
        clock=FakeClock(),
        what="job 1 version 2",
        stream=io.StringIO(),
    )
    messages = [r.getMessage() for r in caplog.records]
    assert "job 1 version 2 is INIT" in messages
    assert "job 1 version 2: INIT -> CODE_30" in messages
    assert sum("does not know" in m for m in messages) == 1
    assert messages[-1] == "job 1 version 2 ended COMPLETED after running 0:00:05"


def test_progress_only_on_a_terminal() -> None:
    plain, tty = io.StringIO(), Tty()
    wait_until_terminal(script(1, 10), clock=FakeClock(), what="j", stream=plain)
    wait_until_terminal(script(1, 10), clock=FakeClock(), what="j", stream=tty)
    assert plain.getvalue() == ""
    shown = tty.getvalue()
    assert (
        shown.startswith("\rj: INIT (initializing)")
        and "COMPLETED" in shown
        and shown.endswith("\n")
    )


def test_ctrl_c_says_the_job_keeps_running_and_reraises(capsys: pytest.CaptureFixture[str]) -> None:
    calls = [0]

    def poll() -> Snap:
        calls[0] += 1
        if calls[0] == 2:
            raise KeyboardInterrupt
        return Snap(JobStatus.RUNNING)

    with pytest.raises(KeyboardInterrupt):
        wait_until_terminal(poll, clock=FakeClock(), what="job 1 version 2", stream=io.StringIO())
    err = capsys.readouterr().err
    assert "job 1 version 2" in err and "keeps running" in err and "RUNNING" in err


def test_format_duration() -> None:
    assert format_duration(None) == "-"
    assert format_duration(timedelta(hours=26, minutes=3, seconds=9)) == "26:03:09"


def test_job_state_keeps_the_old_names_and_covers_every_known_code() -> None:
    assert JOB_STATE[7] == "JOBSTAT_DEPLOYING"
    assert JOB_STATE[16:19] == [
        "JOBSTAT_CHECK_INIT",
        "JOBSTAT_CHECK_RUNNING",
        "JOBSTAT_CHECK_FAILED",
    ]
    assert len(JOB_STATE) == 23
    for code in range(23):
        assert JOB_STATE[code].startswith("JOBSTAT_")
    for code in (0, 1, 8, 10, 11, 12):
        assert JOB_STATE[code] == "JOBSTAT_" + JobStatus(code).name
