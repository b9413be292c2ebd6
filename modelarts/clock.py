"""Time as the SDK sees it: wall clock for signatures, monotonic clock and sleep for retries.

The Session takes a ``clock=`` so that code which retries (or polls) can be
tested without waiting: ``modelarts.testing.FakeClock`` moves time forward when
asked to sleep.
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone
from typing import Protocol

__all__ = ["Clock", "SkippingClock", "SystemClock"]


class Clock(Protocol):
    """What the SDK needs from a clock."""

    def now(self) -> datetime:
        """The current wall-clock time, timezone-aware UTC."""

    def monotonic(self) -> float:
        """Seconds on a clock that never goes backwards (for deadlines)."""

    def sleep(self, seconds: float) -> None:
        """Wait ``seconds``."""


class SystemClock:
    """The real clock."""

    def now(self) -> datetime:
        return datetime.now(timezone.utc)

    def monotonic(self) -> float:
        return time.monotonic()

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            time.sleep(seconds)

    def __repr__(self) -> str:
        return "SystemClock()"


class SkippingClock:
    """``inner``'s time, but sleeping moves it forward instead of waiting.

    What a wait runs on while a Session replays a recording: the recorded
    answers already say how the job progressed, so no wall time needs to pass
    (``TrainingJob.wait`` in ``modelarts/training_job.py``).
    """

    def __init__(self, inner: Clock) -> None:
        self._inner = inner
        self._skipped = 0.0

    def now(self) -> datetime:
        return self._inner.now() + timedelta(seconds=self._skipped)

    def monotonic(self) -> float:
        return self._inner.monotonic() + self._skipped

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            self._skipped += seconds

    def __repr__(self) -> str:
        return f"SkippingClock({self._inner!r})"
