"""Fixtures for the fake cloud's route tests: one fake, reached in-process and over HTTP."""

from __future__ import annotations

from typing import Iterator

import pytest

from modelarts.session import Session
from modelarts.testing import FakeClock, FakeModelArts


@pytest.fixture
def cloud_clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def cloud(cloud_clock: FakeClock) -> FakeModelArts:
    return FakeModelArts(clock=cloud_clock)


@pytest.fixture(params=["in-process", "http"])
def cloud_session(
    request: pytest.FixtureRequest, cloud: FakeModelArts, cloud_clock: FakeClock
) -> Iterator[Session]:
    """A Session on ``cloud``: the fake as a Transport, or behind a loopback HTTP server."""
    if request.param == "in-process":
        with Session(transport=cloud, clock=cloud_clock, retry=0, **cloud.session_kwargs()) as s:
            yield s
        return
    with cloud.serve() as server:
        kwargs = cloud.session_kwargs(endpoint=server.url)
        with Session(clock=cloud_clock, retry=0, **kwargs) as session:
            yield session
