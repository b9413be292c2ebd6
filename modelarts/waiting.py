"""Waiting for a training-job version to reach a terminal state.

::

    from modelarts.waiting import wait_until_terminal

    final = wait_until_terminal(job.get_state, clock=session.clock,
                                what="job 182626 version 278816", timeout=3600)

The wait polls until ``JobStatus.is_terminal`` (COMPLETED or a failure code),
whatever transient states come on the way: unlike Huawei's old SDK it never
stops at a state it did not expect, and a code this SDK does not know is logged
once and waited through. Polls back off from ``FIRST_POLL`` seconds by
``BACKOFF`` up to ``MAX_POLL`` while the status stays the same and start again
from ``FIRST_POLL`` when it changes; ``interval=`` fixes the period instead.
Every sleep goes through the given clock, so a test (or a replayed recording
under ``modelarts.testing.FakeClock``) waits no wall time.

Each state change is logged at INFO on ``modelarts.wait``. When ``stream``
(default: stderr) is a terminal, one progress line is kept up to date on it.
Ctrl-C stops the wait, says on stderr that the version keeps running on
ModelArts, and is re-raised.
"""

from __future__ import annotations

import logging
import math
import sys
from datetime import timedelta
from typing import Callable, Optional, Protocol, Set, TextIO, TypeVar

from .clock import Clock
from .errors import InvalidArgumentError, WaitTimeoutError
from .job_status import JobStatus

__all__ = [
    "BACKOFF",
    "FIRST_POLL",
    "MAX_POLL",
    "Snapshot",
    "format_duration",
    "wait_until_terminal",
]

logger = logging.getLogger("modelarts.wait")

#: Seconds before the second poll, the growth factor, and the longest pause.
FIRST_POLL = 2.0
BACKOFF = 1.5
MAX_POLL = 30.0


class Snapshot(Protocol):
    """What a poll returns: the version's status and how long it has run."""

    @property
    def status(self) -> JobStatus: ...

    @property
    def duration(self) -> Optional[timedelta]: ...


S = TypeVar("S", bound=Snapshot)


def _seconds(value: Optional[float], name: str, *, positive: bool) -> Optional[float]:
    if value is None:
        return None
    ok = isinstance(value, (int, float)) and not isinstance(value, bool)
    if not ok or not math.isfinite(value) or value < 0 or (positive and value == 0):
        need = "a positive" if positive else "a non-negative"
        raise InvalidArgumentError(f"{name} must be {need} number of seconds, got {value!r}")
    return float(value)


def format_duration(value: Optional[timedelta]) -> str:
    """``H:MM:SS`` (days folded into hours), or ``-`` when unknown."""
    if value is None:
        return "-"
    total = int(value.total_seconds())
    sign = "-" if total < 0 else ""
    hours, rest = divmod(abs(total), 3600)
    return f"{sign}{hours}:{rest // 60:02d}:{rest % 60:02d}"


class _Progress:
    """One line on a terminal, rewritten in place; nothing at all elsewhere."""

    def __init__(self, stream: TextIO) -> None:
        try:
            self.live = stream.isatty()
        except (AttributeError, ValueError, OSError):  # closed or not a real stream
            self.live = False
        self.stream = stream
        self.width = 0

    def show(self, text: str) -> None:
        if self.live:
            pad = " " * max(0, self.width - len(text))
            self._write(f"\r{text}{pad}")
            self.width = len(text)

    def end(self) -> None:
        if self.live and self.width:
            self._write("\n")
            self.width = 0

    def _write(self, text: str) -> None:
        try:
            self.stream.write(text)
            self.stream.flush()
        except (OSError, ValueError):  # a closed terminal must not end the wait
            self.live = False


def wait_until_terminal(
    poll: Callable[[], S],
    *,
    clock: Clock,
    what: str,
    timeout: Optional[float] = None,
    interval: Optional[float] = None,
    stream: Optional[TextIO] = None,
    until: Optional[Callable[[JobStatus], bool]] = None,
) -> S:
    """Call ``poll()`` until its status is terminal and return that last snapshot.

    ``what`` names the version in logs and messages (``"job 1 version 2"``).
    ``until`` ends the wait earlier, at the first status it accepts
    (``lambda s: s is JobStatus.RUNNING`` waits for a service to come up).
    ``timeout`` (seconds, ``None``: as long as it runs) raises
    ``WaitTimeoutError`` carrying the last status; ``interval`` fixes the poll
    period. Errors from ``poll`` propagate (the Session has already retried a
    failed GET).
    """
    limit = _seconds(timeout, "timeout", positive=False)
    fixed = _seconds(interval, "poll", positive=True)
    progress = _Progress(stream if stream is not None else sys.stderr)
    started = clock.monotonic()
    delay = fixed or FIRST_POLL
    last: Optional[JobStatus] = None
    warned: Set[int] = set()
    try:
        while True:
            snapshot = poll()
            status = snapshot.status
            waited = clock.monotonic() - started
            if status is not last:
                _log_change(what, last, status, warned)
                delay = fixed or FIRST_POLL
                last = status
            progress.show(
                f"{what}: {status.name} ({status.label}), "
                f"ran {format_duration(snapshot.duration)}, "
                f"waited {format_duration(timedelta(seconds=waited))}"
            )
            if status.is_terminal or (until is not None and until(status)):
                progress.end()
                logger.info(
                    "%s %s %s after running %s",
                    what,
                    "ended" if status.is_terminal else "is",
                    status.name,
                    format_duration(snapshot.duration),
                )
                return snapshot
            if limit is not None and waited >= limit:
                progress.end()
                raise WaitTimeoutError(
                    f"{what} is still {status.name} after waiting {waited:.0f} s "
                    f"(timeout={limit:g}); it keeps running on ModelArts",
                    status=status,
                    waited=waited,
                )
            pause = delay if limit is None else min(delay, max(0.0, limit - waited))
            clock.sleep(pause)
            if fixed is None:
                delay = min(delay * BACKOFF, MAX_POLL)
    except KeyboardInterrupt:
        progress.end()
        state = f" (last seen {last.name})" if last is not None else ""
        _say(f"\nstopped waiting for {what}{state}; it keeps running on ModelArts\n")
        raise


def _log_change(what: str, before: Optional[JobStatus], now: JobStatus, warned: Set[int]) -> None:
    if before is None:
        logger.info("%s is %s", what, now.name)
    else:
        logger.info("%s: %s -> %s", what, before.name, now.name)
    if now.name.startswith("CODE_") and not now.is_terminal and int(now) not in warned:
        warned.add(int(now))
        logger.warning(
            "%s reports status code %d, which this SDK does not know; waiting through it",
            what,
            int(now),
        )


def _say(text: str) -> None:
    try:
        sys.stderr.write(text)
        sys.stderr.flush()
    except (OSError, ValueError, AttributeError):
        pass
