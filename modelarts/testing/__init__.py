"""Test helpers users get too: a loopback server, and (later) the fake cloud.

Nothing here is imported by the SDK itself.
"""

from __future__ import annotations

from .clock import FakeClock
from .server import Abort, LoopbackServer

__all__ = ["Abort", "FakeClock", "LoopbackServer"]
