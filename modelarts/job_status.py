"""``JobStatus``: the training-job status codes (Huawei page modelarts_03_0074) as an ``IntEnum``.

::

    from modelarts.training_job import JobStatus
    JobStatus(8)              # JobStatus.RUNNING
    JobStatus(22).name        # 'CODE_22': unknown codes never raise
    JobStatus.KILLED.is_terminal
"""

from __future__ import annotations

from enum import IntEnum
from typing import Dict, Optional

__all__ = ["JobStatus"]


class JobStatus(IntEnum):
    """Training job status codes (modelarts_03_0074), named without the ``JOBSTAT_`` prefix.

    A code this SDK does not know (the real service has sent 22) is not an
    error: ``JobStatus(22)`` is a pseudo-member named ``CODE_22``, created once
    and reused, so ``JobStatus(22) is JobStatus(22)``.
    """

    UNKNOWN = 0
    INIT = 1
    IMAGE_CREATING = 2
    IMAGE_FAILED = 3
    SUBMIT_TRYING = 4
    SUBMIT_FAILED = 5
    DELETE_FAILED = 6
    WAITING = 7
    #: The old SDK's name for 7 (its ``JOBSTAT_DEPLOYING``): an alias, ``JobStatus(7)`` is WAITING.
    DEPLOYING = 7
    RUNNING = 8
    KILLING = 9
    COMPLETED = 10
    FAILED = 11
    KILLED = 12
    CANCELED = 13
    LOST = 14
    SCALING = 15
    SUBMIT_MODEL_FAILED = 16
    DEPLOY_SERVICE_FAILED = 17
    CHECK_INIT = 18
    CHECK_RUNNING = 19
    CHECK_RUNNING_COMPLETED = 20
    CHECK_FAILED = 21

    @classmethod
    def _missing_(cls, value: object) -> Optional[JobStatus]:
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            return None
        code = int(value)
        member = _PSEUDO.get(code)
        if member is None:
            member = int.__new__(cls, code)
            member._name_ = f"CODE_{code}"
            member._value_ = code
            member = _PSEUDO.setdefault(code, member)  # two threads: the first one wins
        return member

    @property
    def label(self) -> str:
        """What the code means, in lower case: ``"running"``, ``"image creation failed"``."""
        return _LABELS.get(self.value, f"code {self.value}")

    @property
    def is_success(self) -> bool:
        """The job finished and succeeded (``COMPLETED``)."""
        return self.value == 10

    @property
    def is_failure(self) -> bool:
        """The job ended without success: a failed, killed, cancelled or lost state."""
        return self.value in _FAILURES

    @property
    def is_terminal(self) -> bool:
        """Polling can stop: the status will not change by itself any more.

        ``KILLING`` (9) is *not* terminal, although a third-party helper treats
        it so: the containers are still being torn down and the
        version moves on to ``KILLED`` (12); stopping the poll early would let a
        following delete race the teardown. Unknown codes are not terminal
        either (the caller's timeout bounds the wait), except 22, which that
        helper saw the real service use as a failure.
        """
        return self.value == 10 or self.value in _FAILURES

    @property
    def is_running(self) -> bool:
        """The job's containers are executing (``RUNNING``, or ``SCALING`` while running)."""
        return self.value in (8, 15)


_PSEUDO: Dict[int, JobStatus] = {}
_FAILURES = frozenset({3, 5, 6, 11, 12, 13, 14, 16, 17, 21, 22})
_LABELS = {
    0: "unknown",
    1: "initializing",
    2: "image being created",
    3: "image creation failed",
    4: "being submitted",
    5: "submission failed",
    6: "deletion failed",
    7: "queuing",
    8: "running",
    9: "being cancelled",
    10: "completed",
    11: "run failed",
    12: "cancelled successfully",
    13: "cancelled",
    14: "lost",
    15: "scaling",
    16: "model submission failed",
    17: "service deployment failed",
    18: "review initializing",
    19: "under review",
    20: "review completed",
    21: "review failed",
}
