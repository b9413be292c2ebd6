"""``FakeModelArts``'s fault-injection methods: ``inject`` and what it left behind.

A mixin, so that these stay methods of ``FakeModelArts`` while living apart
from its gateway and router. The faults are in ``modelarts.testing.faults``;
``Injection`` and the ``FaultPlan`` the fake consults once per request are in
``_fault_plan``.
"""

from __future__ import annotations

import enum
from typing import Dict, List, Optional, Sequence, Union

from ._fault_plan import Fault, FaultPlan, Injection
from ._wire import Target, matcher

__all__ = ["FakeFaults"]


class _Unset(enum.Enum):
    TOKEN = 0


_UNSET = _Unset.TOKEN


class FakeFaults:
    """Fault-injection methods of ``FakeModelArts``, acting on its ``_faults`` plan."""

    #: The fake's injections, set by ``FakeModelArts.__init__``.
    _faults: FaultPlan

    def inject(
        self,
        target: Target,
        fault: Union[Fault, Sequence[Fault]],
        *,
        times: "Union[int, None, _Unset]" = _UNSET,
        rate: Optional[float] = None,
        seed: Optional[int] = 0,
    ) -> Injection:
        """Inject ``fault`` into requests matching ``target``.

        ``target``: ``"GET /v1/{project_id}/training-jobs/{job_id}/versions"``
        (``{name}`` is any one segment), a path for any method, ``"*"``, or a
        predicate on ``FakeRequest``. By default the next matching request
        gets the fault; ``times=N`` the next N, ``times=None`` every one;
        ``rate=p`` each one with probability p (from ``random.Random(seed)``),
        with no limit unless ``times`` is given. Several faults take turns, or
        are drawn at random with ``rate``. Earlier injections are consulted
        first; the returned ``Injection`` counts and can ``cancel()``.

        Faults are drawn before authentication, as a network or gateway
        failure would be: ``"*"`` matches IAM token requests too.
        """
        faults = [fault] if isinstance(fault, Fault) else list(fault)
        if isinstance(times, _Unset):
            times = None if rate is not None else 1
        return self._faults.add(
            Injection(matcher(target), faults, times, rate, seed, description=repr(target))
        )

    def clear_faults(self) -> None:
        """Drop every pending injection (the counts in ``faults_injected`` stay)."""
        self._faults.clear()

    @property
    def injections(self) -> List[Injection]:
        """The injections that may still act."""
        return self._faults.rules

    @property
    def faults_injected(self) -> Dict[str, int]:
        """How many faults were injected, by name (``{"http_503": 2, "disconnect": 1}``)."""
        return self._faults.counts
