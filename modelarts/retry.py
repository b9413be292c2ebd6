"""The retry policy: an immutable value the Session consults between attempts.

::

    from modelarts.retry import Retry
    Session(retry=Retry(total=8, deadline=60))     # patient
    Session(retry=Retry(total=0))                  # never retry

Rules (as README.md promises; ``tests/test_retry.py`` and
``tests/test_session_retry.py`` hold them): GET, PUT and DELETE are retried on
connection errors, on a lost connection or read timeout, and on 429/500/502/503/504; any
method, POST included, is retried when the connection could not be opened
(``ConnectError``: the server provably never saw it). Waits grow
exponentially with *full jitter* (a uniform draw between 0 and the cap), a
``Retry-After`` answer is honoured, and no attempt starts later than
``deadline`` seconds after the first one. The deadline also bounds the whole
call: each attempt is given the time left until it (at least
``MIN_ATTEMPT_TIME``), which the live transports enforce, so a server that
drips its answer cannot hold a call past ``deadline`` plus that minimum. A
``ResponseTooLargeError`` is never retried.

``send_with_retries`` is the loop that applies a policy: it sits above
authentication, so every attempt is authenticated (signed) afresh.
"""

from __future__ import annotations

import math
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Callable, FrozenSet, Optional, Tuple

from .errors import ConnectError, InvalidArgumentError, ResponseTooLargeError, TransportError

if TYPE_CHECKING:
    from .clock import Clock
    from .transport.base import Response

__all__ = ["MIN_ATTEMPT_TIME", "Retry", "full_jitter", "parse_retry_after", "send_with_retries"]

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
#: Seconds an attempt is given at least, however little of the deadline is left.
MIN_ATTEMPT_TIME = 1.0


def full_jitter(cap: float) -> float:
    """A uniform draw in ``[0, cap]`` (AWS's "full jitter": spreads retrying clients)."""
    import random  # loaded at the first retry, not by every process that imports the SDK

    return random.uniform(0.0, cap)  # noqa: S311 - not cryptographic


def parse_retry_after(value: Optional[str], now: datetime) -> Optional[float]:
    """Seconds to wait from a ``Retry-After`` header (seconds or HTTP date), or None."""
    if value is None:
        return None
    text = value.strip()
    if not text:
        return None
    if text.isascii() and text.isdigit():  # "²" passes isdigit() alone, then float() fails
        return float(text)
    from email.utils import parsedate_to_datetime  # on a retryable answer only (it loads socket)

    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - now).total_seconds())


class Retry:
    """How often and how long to retry. Immutable: ``increment()`` returns a new one."""

    __slots__ = (
        "total",
        "backoff_factor",
        "backoff_max",
        "deadline",
        "statuses",
        "idempotent_methods",
        "jitter",
        "attempts",
    )

    def __init__(
        self,
        total: int = 4,
        *,
        backoff_factor: float = 0.5,
        backoff_max: float = 20.0,
        deadline: float = 30.0,
        statuses: FrozenSet[int] = RETRY_STATUSES,
        idempotent_methods: FrozenSet[str] = IDEMPOTENT_METHODS,
        jitter: Callable[[float], float] = full_jitter,
        attempts: int = 0,
    ) -> None:
        """
        total: retries after the first attempt (0 disables retrying).
        backoff_factor: the n-th retry waits up to ``backoff_factor * 2**(n-1)`` s...
        backoff_max: ...but never more than this.
        deadline: no attempt starts later than this many seconds after the first,
            and an attempt still running then is cut (given ``MIN_ATTEMPT_TIME`` at least).
        jitter: maps the cap of a wait to the actual wait (default: full jitter).
        """
        # int(inf) and int(nan) would escape as OverflowError/ValueError, and 2.5
        # would quietly become 2: a count of retries is an int.
        if isinstance(total, bool) or not isinstance(total, int) or total < 0:
            raise InvalidArgumentError(f"Retry total must be an int >= 0, got {total!r}")
        for name, number in (
            ("backoff_factor", backoff_factor),
            ("backoff_max", backoff_max),
            ("deadline", deadline),
        ):
            # NaN would disable the deadline check; infinities make sleep(inf).
            if (
                isinstance(number, bool)
                or not isinstance(number, (int, float))
                or not math.isfinite(number)
                or number < 0
            ):
                raise InvalidArgumentError(
                    f"Retry {name} must be a finite number >= 0, got {number!r}"
                )
        if not all(isinstance(code, int) and not isinstance(code, bool) for code in statuses):
            raise InvalidArgumentError(f"Retry statuses must be HTTP status ints, got {statuses!r}")
        given: object = idempotent_methods
        # A str is iterable too: "GET" would become {"G", "E", "T"}.
        if isinstance(given, (str, bytes)) or not all(
            isinstance(method, str) for method in idempotent_methods
        ):
            raise InvalidArgumentError(
                f"Retry idempotent_methods must be method names, got {idempotent_methods!r}"
            )
        if not callable(jitter):
            raise InvalidArgumentError(f"Retry jitter must be callable, got {jitter!r}")
        object.__setattr__(self, "total", total)
        object.__setattr__(self, "backoff_factor", float(backoff_factor))
        object.__setattr__(self, "backoff_max", float(backoff_max))
        object.__setattr__(self, "deadline", float(deadline))
        object.__setattr__(self, "statuses", frozenset(statuses))
        methods = frozenset(m.upper() for m in idempotent_methods)
        object.__setattr__(self, "idempotent_methods", methods)
        object.__setattr__(self, "jitter", jitter)
        object.__setattr__(self, "attempts", attempts)

    total: int
    backoff_factor: float
    backoff_max: float
    deadline: float
    statuses: FrozenSet[int]
    idempotent_methods: FrozenSet[str]
    jitter: Callable[[float], float]
    #: retries already made
    attempts: int

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("Retry is immutable; use increment()")

    @classmethod
    def from_value(cls, value: "Retry | int | None") -> "Retry":
        """Accept a ``Retry``, a number of retries, or None for the default."""
        if value is None:
            return cls()
        if isinstance(value, Retry):
            return value
        if isinstance(value, int) and not isinstance(value, bool):
            return cls(total=value)
        raise InvalidArgumentError(f"retry must be a Retry or an int, got {value!r}")

    def increment(self) -> "Retry":
        """The policy after one more retry."""
        return Retry(
            self.total,
            backoff_factor=self.backoff_factor,
            backoff_max=self.backoff_max,
            deadline=self.deadline,
            statuses=self.statuses,
            idempotent_methods=self.idempotent_methods,
            jitter=self.jitter,
            attempts=self.attempts + 1,
        )

    @property
    def exhausted(self) -> bool:
        """No retry left."""
        return self.attempts >= self.total

    def retries_status(self, method: str, status: int) -> bool:
        """Whether an answer with ``status`` to ``method`` may be retried."""
        return status in self.statuses and method.upper() in self.idempotent_methods

    def retries_error(self, method: str, error: TransportError) -> bool:
        """Whether a transport failure may be retried.

        A ``ConnectError`` means nothing was sent, so any method may go again;
        other failures (read timeout, lost connection) may have reached the
        server, so only idempotent methods are resent. A body over the size
        limit would come back as big: never resent.
        """
        if isinstance(error, ResponseTooLargeError):
            return False
        return isinstance(error, ConnectError) or method.upper() in self.idempotent_methods

    def backoff(self) -> float:
        """Seconds to wait before the next retry (after ``attempts`` retries so far)."""
        cap: float = min(self.backoff_max, self.backoff_factor * (2**self.attempts))
        wait = float(self.jitter(cap))
        return max(0.0, min(cap, wait))

    def __repr__(self) -> str:
        return (
            f"Retry(total={self.total}, backoff_factor={self.backoff_factor}, "
            f"backoff_max={self.backoff_max}, deadline={self.deadline}, attempts={self.attempts})"
        )


def send_with_retries(
    attempt: "Callable[[float], Response]", method: str, retry: Retry, clock: "Clock"
) -> "Tuple[Response, int]":
    """Call ``attempt(time_left)`` until its answer is final; return it and the attempts made.

    ``time_left`` is the seconds until the deadline (at least
    ``MIN_ATTEMPT_TIME``): the attempt must not take longer. A
    ``TransportError`` is retried when ``retry`` allows it for ``method``
    (any method when the request never left), a retryable status after the
    server's ``Retry-After`` or else a backoff; no attempt starts after the
    deadline, and a ``Retry-After`` that would pass it returns the answer at once.
    """
    started = clock.monotonic()
    attempts = 0
    while True:
        attempts += 1
        try:
            time_left = retry.deadline - (clock.monotonic() - started)
            response = attempt(max(MIN_ATTEMPT_TIME, time_left))
        except TransportError as exc:
            delay = retry.backoff()
            if (
                retry.exhausted
                or not retry.retries_error(method, exc)
                or clock.monotonic() - started + delay > retry.deadline
            ):
                raise
            retry = retry.increment()
            clock.sleep(delay)
            continue
        if not retry.exhausted and retry.retries_status(method, response.status):
            wait = parse_retry_after(response.headers.get("Retry-After"), clock.now())
            if wait is None:
                wait = retry.backoff()
            if clock.monotonic() - started + wait <= retry.deadline:
                retry = retry.increment()
                clock.sleep(wait)
                continue
        return response, attempts
