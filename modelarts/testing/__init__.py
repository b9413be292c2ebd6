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

from typing import TYPE_CHECKING

from .._lazy import lazy_attributes

if TYPE_CHECKING:
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

# Loaded on first use: pytest imports this package for the plugin at every start.
_LAZY = {
    "Abort": ".server",
    "Call": ".fake",
    "Delay": ".faults",
    "Disconnect": ".faults",
    "ErrorStatus": ".faults",
    "Failure": ".faults",
    "FakeClock": ".clock",
    "FakeModelArts": ".fake",
    "FakeRequest": ".fake",
    "Fault": ".faults",
    "Injection": ".faults",
    "JobSnapshot": ".jobs",
    "LoopbackServer": ".server",
    "NotJSON": ".faults",
    "Reply": ".fake",
    "Truncated": ".faults",
    "VersionSnapshot": ".jobs",
    "error_reply": ".fake",
    "gateway_error": ".faults",
    "json_reply": ".fake",
    "server_error": ".faults",
    "throttled": ".faults",
}

__getattr__, __dir__ = lazy_attributes(__name__, _LAZY, __all__)
