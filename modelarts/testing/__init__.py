"""Test helpers users get too: the fake cloud, its faults, a loopback server, a fake clock.

::

    from modelarts.session import Session
    from modelarts.testing import FakeClock, FakeModelArts, gateway_error

    fake = FakeModelArts(clock=FakeClock())
    job_id = fake.add_job("mnist", versions=3)
    fake.inject("GET /v1/{project_id}/training-jobs/{job_id}/versions", gateway_error(503))
    session = Session(transport=fake, **fake.session_kwargs())

``python -m modelarts.testing`` serves a seeded fake on 127.0.0.1.
Nothing here is imported by the SDK itself.
"""

from __future__ import annotations

from .clock import FakeClock
from .fake import Call, FakeModelArts, FakeRequest, Reply, error_reply, json_reply
from .faults import (
    Delay,
    Disconnect,
    ErrorStatus,
    Failure,
    Fault,
    Injection,
    NotJSON,
    Truncated,
    gateway_error,
    server_error,
    throttled,
)
from .jobs import JobSnapshot, VersionSnapshot
from .server import Abort, LoopbackServer

__all__ = [
    "Abort",
    "Call",
    "Delay",
    "Disconnect",
    "ErrorStatus",
    "Failure",
    "FakeClock",
    "FakeModelArts",
    "FakeRequest",
    "Fault",
    "Injection",
    "JobSnapshot",
    "LoopbackServer",
    "NotJSON",
    "Reply",
    "Truncated",
    "VersionSnapshot",
    "error_reply",
    "gateway_error",
    "json_reply",
    "server_error",
    "throttled",
]
