"""A clock you move by hand: retries, token expiry and polling tested in no time.

::

    from modelarts.testing import FakeClock
    clock = FakeClock()
    session = Session(..., clock=clock)   # retries "sleep" instantly
    clock.advance(3600)                   # an hour passes
"""

from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone
from typing import List, Optional

__all__ = ["FakeClock"]

_DEFAULT_START = datetime(2026, 11, 27, 6, 0, 0, tzinfo=timezone.utc)


class FakeClock:
    """Implements ``modelarts.clock.Clock``; ``sleep`` advances time instead of waiting.

    Thread-safe. ``sleeps`` lists every requested sleep, in order.
    """

    def __init__(self, start: Optional[datetime] = None) -> None:
        start = start or _DEFAULT_START
        if start.tzinfo is None:
            raise ValueError("FakeClock needs a timezone-aware start time")
        self._lock = threading.Lock()
        self._now = start.astimezone(timezone.utc)
        self._monotonic = 1000.0
        self.sleeps: List[float] = []

    def now(self) -> datetime:
        with self._lock:
            return self._now

    def monotonic(self) -> float:
        with self._lock:
            return self._monotonic

    def sleep(self, seconds: float) -> None:
        with self._lock:
            self.sleeps.append(seconds)
        self.advance(seconds)

    def advance(self, seconds: float) -> None:
        """Move both clocks forward by ``seconds``."""
        if seconds < 0:
            raise ValueError("time only moves forward")
        with self._lock:
            self._now += timedelta(seconds=seconds)
            self._monotonic += seconds

    def set_wall(self, moment: datetime) -> None:
        """Set the wall clock alone (a machine whose clock is wrong)."""
        if moment.tzinfo is None:
            raise ValueError("a timezone-aware datetime is needed")
        with self._lock:
            self._now = moment.astimezone(timezone.utc)

    def __repr__(self) -> str:
        return f"FakeClock(now={self.now().isoformat()})"
