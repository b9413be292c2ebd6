"""How the fake applies faults: the ``Fault`` contract, and the rules that choose when.

A ``Fault`` acts through a ``FaultContext`` (the request, its id, whether it
came over HTTP, the fake's sleep). ``FakeModelArts.inject`` turns a target and
some faults into an ``Injection``; the fake's ``FaultPlan`` consults its
injections once per request. The faults themselves are in
``modelarts.testing.faults``, which re-exports every public name here.
"""

from __future__ import annotations

import abc
import random
import threading
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Optional, Sequence

from ..errors import ConnectionLostError
from ..transport.base import Request, Response
from .server import Abort

__all__ = ["Fault", "FaultContext", "FaultPlan", "Injection", "Matcher"]


class FaultContext:
    """What a fault may use: the request, its id, whether it came over HTTP, a sleep."""

    __slots__ = ("request", "request_id", "over_http", "sleep")

    def __init__(
        self,
        request: Request,
        request_id: str,
        over_http: bool,
        sleep: Callable[[float], None],
    ) -> None:
        self.request = request
        self.request_id = request_id
        self.over_http = over_http
        self.sleep = sleep

    def connection_lost(self, what: str) -> Exception:
        """``Abort`` over HTTP; in-process, the error the live transport would raise."""
        if self.over_http:
            return Abort(what)
        return ConnectionLostError(
            f"connection lost: {what} (injected fault)",
            method=self.request.method,
            url=self.request.url,
        )


class Fault(abc.ABC):
    """Base class. ``name`` keys ``fake.faults_injected`` and ``Call.fault``.

    A fault either answers instead of the service (``respond``) or, when
    ``processed``, lets the service handle the request and then spoils its
    answer (``spoil``); a subclass overrides the one it uses.
    """

    #: Whether the fake handles the request (and changes state) before the fault acts.
    processed: bool = False

    @property
    @abc.abstractmethod
    def name(self) -> str:
        """The fault's kind, e.g. ``http_503``."""

    def respond(self, context: FaultContext) -> Response:
        """The answer given instead of the service's (faults that are not ``processed``)."""
        raise TypeError(f"{type(self).__name__} only acts on processed requests (spoil)")

    def spoil(self, response: Response, context: FaultContext) -> Response:
        """Change (or withhold) the service's answer (faults that are ``processed``)."""
        return response

    def answers(self) -> bool:
        """Whether a status line reaches the client (for the call log)."""
        return True


#: Whether an injection applies to a request (a ``FakeRequest``; see ``_wire.matcher``).
Matcher = Callable[[Any], bool]


@dataclass
class Injection:
    """One ``fake.inject(...)`` rule: which requests, which faults, how often.

    With ``times`` it acts on the next ``times`` matching requests; with
    ``rate`` on each matching request with that probability (drawn from
    ``random.Random(seed)``), at most ``times`` times if both are given.
    Several faults take turns (count mode) or are chosen at random (rate mode).
    """

    matcher: Matcher
    faults: Sequence[Fault]
    times: Optional[int] = 1
    rate: Optional[float] = None
    seed: Optional[int] = 0
    description: str = ""
    injected: int = 0
    by_name: Dict[str, int] = field(default_factory=dict)
    cancelled: bool = False
    _random: random.Random = field(init=False, repr=False)

    def __post_init__(self) -> None:
        if not self.faults:
            raise ValueError("inject() needs at least one fault")
        for fault in self.faults:
            if not isinstance(fault, Fault):
                raise TypeError(f"not a Fault: {fault!r}")
        if self.times is not None and self.times < 0:
            raise ValueError("times must be >= 0")
        if self.rate is not None and not 0.0 <= self.rate <= 1.0:
            raise ValueError("rate must be between 0 and 1")
        self._random = random.Random(self.seed)

    @property
    def remaining(self) -> Optional[int]:
        """How many more times it may act (``None``: no limit)."""
        if self.cancelled:
            return 0
        return None if self.times is None else self.times - self.injected

    def cancel(self) -> None:
        """Stop acting from now on (``remaining`` becomes 0)."""
        self.cancelled = True

    def _draw(self, probe: Any) -> Optional[Fault]:
        if self.remaining == 0 or not self.matcher(probe):
            return None
        if self.rate is not None:
            if self._random.random() >= self.rate:
                return None
            fault = self._random.choice(list(self.faults))
        else:
            fault = self.faults[self.injected % len(self.faults)]
        self.injected += 1
        self.by_name[fault.name] = self.by_name.get(fault.name, 0) + 1
        return fault


class FaultPlan:
    """The fake's injections, consulted once per request (earliest rule first)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._rules: List[Injection] = []
        self._counts: Dict[str, int] = {}

    def add(self, injection: Injection) -> Injection:
        """Append ``injection`` (consulted after the earlier ones); return it."""
        with self._lock:
            self._rules.append(injection)
        return injection

    def draw(self, probe: Any) -> Optional[Fault]:
        """The fault for this request, from the first injection that acts, or ``None``."""
        with self._lock:
            self._rules = [rule for rule in self._rules if rule.remaining != 0]
            for rule in self._rules:
                fault = rule._draw(probe)
                if fault is not None:
                    self._counts[fault.name] = self._counts.get(fault.name, 0) + 1
                    return fault
        return None

    def clear(self) -> None:
        """Drop every injection; ``counts`` stay."""
        with self._lock:
            self._rules = []

    @property
    def rules(self) -> List[Injection]:
        """The injections that may still act."""
        with self._lock:
            return [rule for rule in self._rules if rule.remaining != 0]

    @property
    def counts(self) -> Dict[str, int]:
        """How many faults were drawn, by name."""
        with self._lock:
            return dict(self._counts)
