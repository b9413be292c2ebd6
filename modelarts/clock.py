"""Time as the SDK sees it: wall clock for signatures, monotonic clock and sleep for retries.

The Session takes a ``clock=`` so that code which retries (or polls) can be
tested without waiting: ``modelarts.testing.FakeClock`` moves time forward when
asked to sleep.
"""

from __future__ import annotations

import time
from datetime import datetime, timezone
from typing import Protocol

__all__ = ["Clock", "SystemClock"]


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
