"""The one place that decides which transport a Session talks through.

``Session()`` without ``transport=``, the ``modelarts`` command (``--replay``,
``--record``) and the pytest plugin (``--modelarts-record-mode``) all call
``choose_transport``::

    from modelarts.transport.choice import choose_transport

    choose_transport().transport                              # Urllib3Transport()
    choose_transport(fixture="f.json").transport              # FixtureTransport("f.json")
    choose_transport(fixture="f.json", mode="new_episodes")   # RecordingTransport(live, ...)

Without a ``fixture`` argument the environment decides: ``MODELARTS_FIXTURE``
names a fixture file and ``MODELARTS_RECORD_MODE`` its mode (default
``none``). Such a choice is easy to forget in a shell, so it comes with a
``notice`` the Session logs at WARNING on its first request.

A mode that can only replay (``none``, or ``once`` with the file present)
gives a ``FixtureTransport``: nothing can reach the network, so a Session built
on it needs no credentials.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any, Mapping, NamedTuple, Optional, Union

from .base import Transport
from .record_modes import RecordMode

__all__ = [
    "ENV_FIXTURE",
    "ENV_RECORD_MODE",
    "TransportChoice",
    "choose_transport",
    "close_after",
    "replays_only",
]

#: The fixture file a ``Session()`` replays (or records) instead of the network.
ENV_FIXTURE = "MODELARTS_FIXTURE"
#: The record mode for ``MODELARTS_FIXTURE`` (``none`` when unset).
ENV_RECORD_MODE = "MODELARTS_RECORD_MODE"


class TransportChoice(NamedTuple):
    """A transport, and what to tell the user about it before the first request."""

    transport: Transport
    notice: Optional[str] = None


def choose_transport(
    *,
    fixture: "Union[str, os.PathLike[str], None]" = None,
    mode: Union[RecordMode, str, None] = None,
    env: Optional[Mapping[str, str]] = None,
    timeout: Any = None,
    allow_repeats: bool = False,
) -> TransportChoice:
    """The transport for these arguments, else for the environment, else the live one.

    ``timeout`` configures the live ``Urllib3Transport`` (sent through, or
    recorded). ``mode`` defaults to ``none`` (replay only).
    """
    from_environment = fixture is None
    if from_environment:
        environ = os.environ if env is None else env
        fixture = environ.get(ENV_FIXTURE) or None
        if fixture is None:
            return TransportChoice(_live(timeout))
        if mode is None:
            mode = environ.get(ENV_RECORD_MODE) or None
    assert fixture is not None
    path = Path(fixture)
    record_mode = RecordMode.parse(mode if mode is not None else RecordMode.NONE)
    only_replays = record_mode is RecordMode.NONE or (
        record_mode is RecordMode.ONCE and path.exists()
    )
    notice = None
    if from_environment:
        how = "answers from it, not from ModelArts" if only_replays else "records to it"
        notice = (
            f"{ENV_FIXTURE} is set: this session uses the fixture file {path} "
            f"(record mode {record_mode.value!r}) and {how}; unset {ENV_FIXTURE} to stop"
        )
    transport: Transport
    if only_replays:
        from .fixture import FixtureTransport

        transport = FixtureTransport(path, allow_repeats=allow_repeats)
    else:
        from .fixture import RecordingTransport

        live = _live(timeout)
        try:
            transport = RecordingTransport(live, path, record_mode, allow_repeats=allow_repeats)
        except BaseException:
            live.close()
            raise
    return TransportChoice(transport, notice)


def _live(timeout: Any) -> Transport:
    from .live import Urllib3Transport

    return Urllib3Transport(timeout)


def replays_only(transport: Transport) -> bool:
    """Whether ``transport`` can only replay a fixture (so a Session needs no credentials).

    Decided by the type the caller built, ``FixtureTransport``, not by asking
    the transport. Such an object exists only once its module is imported;
    looking it up this way keeps a live Session from loading the replay code.
    """
    fixture = sys.modules.get(f"{__package__}.fixture")
    return fixture is not None and isinstance(transport, fixture.FixtureTransport)


def close_after(transport: Transport, error: Optional[BaseException]) -> None:
    """Close ``transport`` after a run that ended with ``error`` (``None``: it completed).

    A ``RecordingTransport`` is told how the run ended
    (``RecordingTransport.close_failed``), so that a failed or interrupted run
    never replaces or shrinks its fixture; any other transport is just closed.
    The Transport interface stays ``send`` + ``close``: this looks the
    recorder's type up as ``replays_only`` does.
    """
    fixture = sys.modules.get(f"{__package__}.fixture")
    if error is not None and fixture is not None and isinstance(
        transport, fixture.RecordingTransport
    ):
        transport.close_failed(error)
    else:
        transport.close()
