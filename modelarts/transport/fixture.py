"""Record real traffic once, replay it forever: ``RecordingTransport`` and ``FixtureTransport``.

::

    from modelarts.estimator import Estimator
    from modelarts.session import Session
    from modelarts.transport import FixtureTransport, RecordingTransport, Urllib3Transport

    # Once, with real credentials: the file is written (secrets scrubbed) on close.
    with Session(transport=RecordingTransport(Urllib3Transport(), "fixtures/versions.json")) as s:
        Estimator(s, job_id="182626").get_job_version_object_list(is_show=False)

    # Forever after: no network, no credentials, any account.
    with Session(transport=FixtureTransport("fixtures/versions.json")) as s:
        Estimator(s, job_id="182626").get_job_version_object_list(is_show=False)

One class does both: ``FixtureTransport(path)`` is ``RecordingTransport`` in
mode ``none``, with nothing to forward to. Both sides normalise a request the
same way (``_replay``), with the ``Redactor`` the Session sends along in each
request's extensions, so redaction never breaks a match and a match never
depends on what the transport saw before.

Write policy: the recorder writes the whole file once, atomically (temp file in
the same directory, then ``os.replace``), when it is closed. It does not flush
after every interaction: a run that dies half-way then leaves the previous
fixture (or none) rather than half a scenario, so ``once`` records again
instead of replaying a truncated story; and closing costs one write, not one
per request. How the run ended decides what is written (``close`` for a run
that completed, ``close_failed`` for one that did not; a ``with`` block picks
for you):

- a run that recorded nothing writes nothing: no empty new file, and an
  existing fixture is never wiped, in any mode;
- a completed run writes what it recorded (mode ``all`` replaces the file);
- a failed run (an ``Exception``, an ``APIError`` included) keeps the server's
  answers only where that adds: a new file, or new episodes appended; in mode
  ``all`` an existing fixture is left as it was rather than replaced by a
  shorter story;
- an interrupted run (``KeyboardInterrupt``, ``SystemExit``) writes nothing.
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path
from types import TracebackType
from typing import List, Optional, Tuple, Union
from urllib.parse import urlsplit

from .. import __version__
from ..errors import (
    ConfigurationError,
    FixtureError,
    FixtureNotFoundError,
    InvalidArgumentError,
    ResponseFormatError,
    SecretInFixtureError,
)
from ..redaction import redactor_of
from ._content_coding import coding_of, decode_content
from ._fixture_model import MAX_JSON_DEPTH, json_depth
from ._replay import (
    RECORD_HINT,
    Replayer,
    merge_redactors,
    normalise_request,
    normalise_response,
)
from .base import Request, Response, Transport
from .fixture_files import write_rendered
from .fixture_format import (
    Fixture,
    Interaction,
    StoredRequest,
    load_fixture,
    render_fixture,
)
from .leaks import find_leaks
from .record_modes import RecordMode

__all__ = ["FixtureTransport", "RecordingTransport"]

PathLike = Union[str, "os.PathLike[str]"]

_REPLAY_ONLY_HINT = RECORD_HINT.replace(
    "to record it", "to record it (this transport only replays)"
)


class RecordingTransport(Transport):
    """Forwards to ``inner`` and records what it saw, or replays, as ``mode`` says.

    Modes (``RecordMode`` or its value, e.g. ``"new_episodes"``):

    - ``none``: replay only; the file must exist (``inner`` may be ``None``).
    - ``once`` (default): record everything when the file does not exist,
      otherwise replay only, like ``none``.
    - ``new_episodes``: replay what matches; forward the rest and append it.
    - ``all``: ignore the old file; forward and record everything.

    Requests match on method, path, query and body (see ``_replay``); identical
    requests get their answers in recorded order, and once those are used up a
    repeat is unmatched, unless ``allow_repeats=True``, which keeps returning
    the last answer. An unmatched request raises ``UnmatchedRequestError`` when
    this transport only replays.

    Everything is redacted before it reaches the disk: secret headers are
    dropped, JSON bodies lose passwords and account ids (``domain_id``,
    ``user_id``, ``project_id``, IAM and v1 alike), every string loses the
    values the requests' redactors know when the file is written, and the
    project id becomes ``{project_id}``. If a registered secret would still be
    written (inside a binary body, say), ``close()`` raises
    ``SecretInFixtureError`` and writes nothing. ``close()`` also closes
    ``inner``. Safe to share between threads.

    JSON nested deeper than ``MAX_JSON_DEPTH`` (100 levels) is refused where it
    arrives: such an answer raises ``ResponseFormatError`` and is not recorded,
    such a request body raises ``InvalidArgumentError`` before it is sent.
    """

    def __init__(
        self,
        inner: Optional[Transport],
        path: PathLike,
        mode: Union[RecordMode, str] = RecordMode.ONCE,
        *,
        allow_repeats: bool = False,
    ) -> None:
        self.inner = inner
        self.path = Path(path)
        self.mode = RecordMode.parse(mode)
        self._existed = self.path.exists()
        if self.mode is RecordMode.NONE and not self._existed:
            raise FixtureNotFoundError(
                f"fixture file {self.path} does not exist; record it with "
                f"RecordingTransport(inner, {str(self.path)!r}, mode='once') "
                "or MODELARTS_RECORD_MODE=once (pytest: --modelarts-record-mode=once)"
            )
        replays_only = self.mode is RecordMode.NONE or (
            self.mode is RecordMode.ONCE and self._existed
        )
        self._records = not replays_only
        if self._records and inner is None:
            raise ConfigurationError(
                f"record mode {self.mode.value!r} sends unmatched requests on: pass the "
                "transport to record through (RecordingTransport(Urllib3Transport(), ...))"
            )
        self._replays = self.mode is not RecordMode.ALL and self._existed
        loaded = Fixture()
        if self._replays:
            # A transport that only replays parses each answer when it serves it.
            loaded = load_fixture(self.path, defer_answers=not self._records)
        # What a recording writes back ahead of its new interactions. A transport
        # that only replays keeps nothing but the replayer, which hands each
        # answer over as it serves it (no copy: see Replayer).
        self._kept = loaded.interactions if self._records else ()
        self._replayer = Replayer(
            loaded.interactions,
            self.path,
            allow_repeats=allow_repeats,
            hand_over=not self._records,
        )
        #: The requests of the interactions the file held when this transport was
        #: made, in order (empty in mode ``all``); ``unplayed()`` indexes them.
        self.recorded_requests: Tuple[StoredRequest, ...] = self._replayer.requests
        self._hint = _REPLAY_ONLY_HINT if inner is None else RECORD_HINT
        self._lock = threading.Lock()
        self._new: List[Tuple[Request, Response]] = []
        self._interrupted: Optional[BaseException] = None
        self._closed = False

    @property
    def recording(self) -> bool:
        """Whether unmatched requests go to ``inner`` and get recorded."""
        return self._records

    def send(self, request: Request) -> Response:
        if self._closed:
            raise FixtureError(f"{self!r} is closed; its fixture has been written")
        depth = json_depth(request.body) if request.body else 0
        if depth > MAX_JSON_DEPTH:
            raise InvalidArgumentError(
                f"the body of {request.method} {urlsplit(request.url).path} nests {depth} "
                f"levels deep; a fixture holds JSON at most {MAX_JSON_DEPTH} levels deep"
            )
        if self._replays:
            redactor = redactor_of(request.extensions)
            stored = normalise_request(request, redactor)
            take = self._replayer.take(stored)
            if take.response is not None:
                return take.response.to_response(request, handed_over=self._replayer.hands_over)
            if not self._records:
                raise self._replayer.unmatched(stored, take, redactor, self._hint)
        assert self.inner is not None  # checked in __init__ for every recording mode
        try:
            response = self.inner.send(request)
        except (KeyboardInterrupt, SystemExit) as stop:
            # Interrupted mid-request: even a plain close() later (a finaliser at
            # exit) must not write the half scenario.
            self._interrupted = stop
            raise
        if response.request is None:
            response.request = request
        self._check_recordable(request, response)
        with self._lock:
            self._new.append((request, response))
        return response

    def _check_recordable(self, request: Request, response: Response) -> None:
        """Refuse, unrecorded, an answer that could not be written safely.

        A body in a content coding the recorder cannot decode could hide any
        secret from the scrubber and the leak check; JSON deeper than
        ``MAX_JSON_DEPTH`` would exhaust the interpreter's stack when the file
        is written and lose every other interaction.
        """
        problem = ""
        coding = coding_of(response.headers.get("content-encoding"))
        try:
            data = decode_content(response.body, coding)
        except ValueError as exc:
            problem = f"{exc}, so it cannot be checked for secrets"
        else:
            depth = json_depth(data)
            if depth > MAX_JSON_DEPTH:
                problem = (
                    f"the answer nests {depth} levels deep; a recording keeps JSON at most "
                    f"{MAX_JSON_DEPTH} levels deep (ModelArts answers nest fewer than 10)"
                )
        if problem:
            raise ResponseFormatError(
                f"{problem}; it was not recorded",
                operation=f"{request.method} {urlsplit(request.url).path}",
                status_code=response.status,
                request_id=response.request_id,
            )

    def unplayed(self) -> List[int]:
        """Indexes of the recorded interactions (of ``recorded_requests``) not replayed yet."""
        return self._replayer.unplayed()

    def close(self) -> None:
        """The run completed: write what it recorded, then close ``inner``. Idempotent.

        A run that recorded nothing leaves the file as it was (or absent).
        """
        self._finish(self._interrupted)

    def close_failed(self, error: BaseException) -> None:
        """The run ended with ``error``: keep only what cannot shrink the fixture. Idempotent.

        After an ``Exception`` the interactions recorded so far are written when
        that only adds (a new file, or episodes appended in ``new_episodes``);
        in mode ``all`` an existing file stays as it was. After an interruption
        (``KeyboardInterrupt``, ``SystemExit``) nothing is written.
        """
        self._finish(error)

    def _finish(self, error: Optional[BaseException]) -> None:
        with self._lock:
            if self._closed:
                return
            self._closed = True
            new = list(self._new)
            self._new.clear()
        try:
            if self._records and self._keeps(new, error):
                self._write(new)
        finally:
            if self.inner is not None:
                self.inner.close()

    def _keeps(self, new: List[Tuple[Request, Response]], error: Optional[BaseException]) -> bool:
        """Whether a run that recorded ``new`` and ended with ``error`` is written."""
        if not new:
            return False
        if error is None:
            return True
        if not isinstance(error, Exception):
            return False  # interrupted: half a scenario is no fixture
        return not (self.mode is RecordMode.ALL and self._existed)

    def _write(self, new: List[Tuple[Request, Response]]) -> None:
        # Redact with what the sessions know *now*: a token or id learnt after a
        # request went out is still scrubbed from it.
        redactor = merge_redactors(redactor_of(request.extensions) for request, _ in new)
        recorded = tuple(
            Interaction(
                normalise_request(request, redactor),
                normalise_response(response, request, redactor),
            )
            for request, response in new
        )
        fixture = Fixture(
            interactions=self._kept + recorded,
            sdk_version=__version__,
            recorded_at=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        )
        rendered = render_fixture(fixture, self.path)
        leaks = find_leaks(rendered, redactor)
        if leaks:
            places = "; ".join(f"{where} still contains the {label}" for where, label in leaks)
            raise SecretInFixtureError(
                f"refusing to write {self.path}: {places}. Nothing was written. "
                "Secrets inside binary bodies or unusual places cannot be scrubbed; "
                "record a scenario that does not return them"
            )
        self.path.parent.mkdir(parents=True, exist_ok=True)
        write_rendered(rendered, self.path)

    def __enter__(self) -> "RecordingTransport":
        return self

    def __exit__(
        self,
        exc_type: "Optional[type[BaseException]]",
        exc: Optional[BaseException],
        tb: "Optional[TracebackType]",
    ) -> None:
        if exc is None:
            self.close()
        else:
            self.close_failed(exc)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {str(self.path)!r} mode={self.mode.value}>"


class FixtureTransport(RecordingTransport):
    """Answers requests from a fixture file; never touches the network.

    ``RecordingTransport`` in mode ``none``: a ``Session`` given one needs no
    credentials, region or project (``Session(transport=FixtureTransport(path))``).
    """

    def __init__(self, path: PathLike, *, allow_repeats: bool = False) -> None:
        super().__init__(None, path, RecordMode.NONE, allow_repeats=allow_repeats)

    def __enter__(self) -> "FixtureTransport":
        return self

    def __repr__(self) -> str:
        return f"<FixtureTransport {str(self.path)!r}>"
