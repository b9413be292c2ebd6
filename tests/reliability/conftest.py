"""The reliability suite's fake cloud over real HTTP, and the figures it prints at the end.

Every test that injects faults runs its calls through ``figures.run(fake, call)``:
the faults the fake injected during the call are counted as *recovered* when the
call returned, or as *surfaced* when it raised a ``ModelArtsError``. Any other
exception propagates and fails the test. Listings are compared with the fake's
own state through ``figures.check_listing``; one that came back incomplete,
reordered or duplicated while claiming success counts as *data lost*.

When a fake is torn down, every fault it injected (``fake.faults_injected``)
must have been attributed to a call; a fault injected outside ``figures.run``
fails the test, so the printed figures cannot silently drift from the truth.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, Generic, Iterator, List, Optional, Sequence, TypeVar

import pytest

from modelarts.errors import ModelArtsError
from modelarts.session import Session
from modelarts.testing import FakeClock, FakeModelArts, LoopbackServer

_T = TypeVar("_T")

#: Versions of the seeded job; the newest is RUNNING so that it can be stopped.
SEEDED_VERSIONS = 3
RUNNING = 8


def faults_so_far(fake: FakeModelArts) -> int:
    return sum(fake.faults_injected.values())


@dataclass
class Outcome(Generic[_T]):
    """What one call under faults came to: a value, or the typed error it raised."""

    value: Optional[_T]
    error: Optional[ModelArtsError]
    faults: int

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass
class Figures:
    """Counts across the whole suite; shared by every test through the ``figures`` fixture."""

    injected: int = 0
    recovered: int = 0
    surfaced: int = 0
    data_lost: int = 0
    listings: int = 0
    calls: int = 0
    bodies: int = 0
    by_fault: Dict[str, int] = field(default_factory=dict)
    _attributed: Dict[int, int] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def track(self, fake: FakeModelArts) -> None:
        with self._lock:
            self._attributed.setdefault(id(fake), 0)

    def run(self, fake: FakeModelArts, call: Callable[[], _T]) -> Outcome[_T]:
        """Call ``call``; attribute the faults ``fake`` injected meanwhile to its outcome."""
        before = faults_so_far(fake)
        try:
            value = call()
        except ModelArtsError as error:
            faults = self._attribute(fake, before, surfaced=True)
            return Outcome(None, error, faults)
        except BaseException:
            self._attribute(fake, before, surfaced=None)
            raise
        faults = self._attribute(fake, before, surfaced=False)
        return Outcome(value, None, faults)

    def _attribute(self, fake: FakeModelArts, before: int, *, surfaced: Optional[bool]) -> int:
        faults = faults_so_far(fake) - before
        with self._lock:
            self.calls += 1
            self._attributed[id(fake)] = self._attributed.get(id(fake), 0) + faults
            if surfaced is True:
                self.surfaced += faults
            elif surfaced is False:
                self.recovered += faults
        return faults

    def check_listing(self, got: Sequence[str], expected: Sequence[str]) -> bool:
        """Whether a listing that claimed success holds exactly the expected ids, in order."""
        complete = list(got) == list(expected)
        with self._lock:
            self.listings += 1
            if not complete:
                self.data_lost += 1
        return complete

    def count_bodies(self, number: int = 1) -> None:
        with self._lock:
            self.bodies += number

    def release(self, fake: FakeModelArts) -> int:
        """Add ``fake``'s injected faults to the totals; return how many were not attributed."""
        counts = fake.faults_injected
        total = sum(counts.values())
        with self._lock:
            self.injected += total
            for name, number in counts.items():
                self.by_fault[name] = self.by_fault.get(name, 0) + number
            return total - self._attributed.pop(id(fake), 0)

    def summary(self) -> List[str]:
        lines = [
            f"reliability: {self.injected} faults injected, {self.recovered} recovered, "
            f"{self.surfaced} surfaced as typed errors, {self.data_lost} data lost"
        ]
        kinds = ", ".join(f"{name} {number}" for name, number in sorted(self.by_fault.items()))
        lines.append(
            f"reliability: {self.calls} calls under faults, {self.listings} listings checked"
            + (f"; faults by kind: {kinds}" if kinds else "")
        )
        if self.bodies:
            lines.append(
                f"reliability: {self.bodies} generated response bodies, each answered "
                "with a value or a ModelArtsError"
            )
        return lines


_FIGURES = pytest.StashKey[Figures]()


@pytest.fixture(scope="session")
def figures(pytestconfig: pytest.Config) -> Figures:
    """The suite-wide counters (one object per run, printed by ``pytest_terminal_summary``)."""
    if _FIGURES not in pytestconfig.stash:
        pytestconfig.stash[_FIGURES] = Figures()
    return pytestconfig.stash[_FIGURES]


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    found = config.stash.get(_FIGURES, None)
    if found is None:
        return
    terminalreporter.section("reliability figures")
    for line in found.summary():
        terminalreporter.write_line(line)


# -- the fake cloud over HTTP ------------------------------------------------------------------


@dataclass
class Cloud:
    """A seeded fake served on 127.0.0.1, the clock it shares with its sessions, and ids."""

    fake: FakeModelArts
    server: LoopbackServer
    clock: FakeClock
    job_id: str
    version_id: str
    sessions: List[Session] = field(default_factory=list)

    def session(self, **kwargs: Any) -> Session:
        """A Session with its default (urllib3) transport, pointed at the server."""
        session = Session(clock=self.clock, **self.fake.session_kwargs(self.server.url), **kwargs)
        self.sessions.append(session)
        return session

    def version_ids(self, job_id: Optional[str] = None) -> List[str]:
        """The fake's own list of the job's version ids, in list-versions order."""
        return [str(v) for v in self.fake.job(job_id or self.job_id).version_ids]

    def status(self, version_id: Optional[str] = None) -> int:
        return self.fake.version(self.job_id, version_id or self.version_id).status


@pytest.fixture
def tracked_fake(figures: Figures) -> Iterator[Callable[..., FakeModelArts]]:
    """Make fakes whose injected faults must all be attributed by the end of the test."""
    made: List[FakeModelArts] = []

    def make(**kwargs: Any) -> FakeModelArts:
        fake = FakeModelArts(**kwargs)
        figures.track(fake)
        made.append(fake)
        return fake

    yield make
    stray = sum(figures.release(fake) for fake in made)
    assert stray == 0, f"{stray} injected fault(s) happened outside figures.run()"


@pytest.fixture
def cloud(tracked_fake: Callable[..., FakeModelArts]) -> Iterator[Cloud]:
    clock = FakeClock()
    fake = tracked_fake(clock=clock)
    job_id = fake.add_job("mnist", versions=SEEDED_VERSIONS, status=RUNNING, desc="first")
    newest = fake.job(job_id).version_ids[0]
    with fake.serve() as server:
        cloud = Cloud(fake, server, clock, str(job_id), str(newest))
        yield cloud
        for session in cloud.sessions:
            session.close()
