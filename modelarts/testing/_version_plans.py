"""How a version created through the API progresses: the default path and planned ones.

A version created by ``POST .../training-jobs`` (modelarts_03_0045) or
``POST .../versions`` (modelarts_03_0050) goes, on the fake's clock, through
the statuses of modelarts_03_0074::

    INIT (1) -> IMAGE_CREATING (2) -> SUBMIT_TRYING (4) -> WAITING (7)
             -> RUNNING (8) -> COMPLETED (10)

``VersionPlan`` builds that timeline; its ``outcome`` may instead be a failure
(FAILED 11 after running, IMAGE_FAILED 3 at the image step, SUBMIT_FAILED 5 at
the submit step, or any other finished code after running), or ``None`` for
a version that runs until it is stopped. ``PlanBook`` holds the plans a test
queued with ``FakeModelArts.plan_version``; each API-created version takes the
first one that matches its job name, else follows the default timeline.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import List, Optional, Tuple

from ._model import ACTIVE_STATUSES, COMPLETED, INIT, RUNNING, WAITING

__all__ = [
    "DEFAULT_TIMELINE",
    "IMAGE_CREATING",
    "IMAGE_FAILED",
    "SUBMIT_FAILED",
    "SUBMIT_TRYING",
    "PlanBook",
    "VersionPlan",
]

IMAGE_CREATING, IMAGE_FAILED, SUBMIT_TRYING, SUBMIT_FAILED = 2, 3, 4, 5

#: Seconds after creation at which the image and submit steps begin and the version queues.
_IMAGE_AT, _SUBMIT_AT, _QUEUE_AT = 2.0, 4.0, 6.0


@dataclass(frozen=True)
class VersionPlan:
    """The life of one API-created version.

    It queues (WAITING) for ``queue_seconds``, runs for ``run_seconds`` and
    ends in ``outcome``; ``job_name`` limits the plan to versions of that job.
    """

    outcome: Optional[int] = COMPLETED
    run_seconds: float = 300.0
    queue_seconds: float = 14.0
    job_name: Optional[str] = None

    def __post_init__(self) -> None:
        if self.outcome is not None and (self.outcome in ACTIVE_STATUSES or self.outcome < 0):
            raise ValueError(
                f"outcome must be a finished status (10, 11, 3, 5, 12, ...) or None, "
                f"got {self.outcome!r}"
            )
        if self.run_seconds < 0 or self.queue_seconds < 0:
            raise ValueError("run_seconds and queue_seconds must be >= 0")

    def timeline(self) -> Tuple[Tuple[float, int], ...]:
        """``(seconds after creation, status)`` entries, as ``add_version(timeline=)`` takes."""
        steps: List[Tuple[float, int]] = [(0.0, INIT), (_IMAGE_AT, IMAGE_CREATING)]
        if self.outcome == IMAGE_FAILED:
            return tuple(steps + [(_SUBMIT_AT, IMAGE_FAILED)])
        steps.append((_SUBMIT_AT, SUBMIT_TRYING))
        if self.outcome == SUBMIT_FAILED:
            return tuple(steps + [(_QUEUE_AT, SUBMIT_FAILED)])
        started = _QUEUE_AT + self.queue_seconds
        steps += [(_QUEUE_AT, WAITING), (started, RUNNING)]
        if self.outcome is not None:
            steps.append((started + self.run_seconds, self.outcome))
        return tuple(steps)


#: The default life: RUNNING 20 s after creation, COMPLETED 300 s later.
DEFAULT_TIMELINE = VersionPlan().timeline()


class PlanBook:
    """Plans queued by a test, consumed first-come by the versions they match."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._plans: List[VersionPlan] = []

    def add(self, plan: VersionPlan, times: int) -> None:
        if times < 1:
            raise ValueError("times must be >= 1")
        with self._lock:
            self._plans.extend([plan] * times)

    def take(self, job_name: str) -> Optional[VersionPlan]:
        """The first plan for ``job_name`` (or for any job), removed from the book."""
        with self._lock:
            for index, plan in enumerate(self._plans):
                if plan.job_name in (None, job_name):
                    return self._plans.pop(index)
        return None

    def pending(self) -> Sequence[VersionPlan]:
        with self._lock:
            return tuple(self._plans)
