"""The ``modelarts`` command's surroundings: streams, progress, and the session it owns.

``Console`` holds the three streams ``main`` was given, so that terminal
behaviour (confirmation prompts, progress) is decided by ``isatty()`` on those
streams and tests can hand in a stream that claims to be a terminal.
``Context`` builds the ``Session`` on first use and closes it (writing a
recording) however the command ends.
"""

from __future__ import annotations

import os
import sys
import time
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator, Optional, TextIO, TypeVar

from . import __version__

if TYPE_CHECKING:  # loaded by the first command that talks to ModelArts, not by --help
    from .clock import Clock
    from .session import Session
    from .transport import Transport

__all__ = [
    "EXIT_BROKEN_PIPE",
    "EXIT_FAILED",
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "EXIT_USAGE",
    "Console",
    "Context",
    "Progress",
    "UsageError",
    "version_line",
]

#: The exit statuses of ``modelarts`` (re-exported by ``modelarts.cli``).
EXIT_OK = 0
EXIT_FAILED = 1  # the operation failed, or a confirmation was declined
EXIT_USAGE = 2  # the command line (or the configuration) cannot be carried out
EXIT_INTERRUPTED = 130  # Ctrl-C: 128 + SIGINT, as shells report it
EXIT_BROKEN_PIPE = 141  # the output's reader went away: 128 + SIGPIPE

_T = TypeVar("_T")

_SLICE = 2048


def version_line() -> str:
    """What ``modelarts --version`` prints: ``modelarts 0.1.0 (Python 3.11.7)``."""
    return f"modelarts {__version__} (Python {sys.version.split()[0]})\n"


class UsageError(Exception):
    """The command line cannot be carried out as given (exit status 2)."""


def _isatty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError, OSError):
        return False  # no such method, or a closed stream


class Console:
    """The streams of one ``main`` call."""

    def __init__(self, stdin: TextIO, stdout: TextIO, stderr: TextIO) -> None:
        self.stdin = stdin
        self.stdout = stdout
        self.stderr = stderr

    @property
    def interactive(self) -> bool:
        """Whether a person can answer a question on stdin."""
        return _isatty(self.stdin)

    @property
    def stdout_is_terminal(self) -> bool:
        return _isatty(self.stdout)

    @property
    def stderr_is_terminal(self) -> bool:
        return _isatty(self.stderr)

    @property
    def ascii_only(self) -> bool:
        """JSON escapes non-ASCII unless stdout can encode everything (UTF-8, or text)."""
        encoding = getattr(self.stdout, "encoding", None)
        return bool(encoding) and not str(encoding).lower().replace("-", "").startswith("utf")

    def out(self, text: str) -> None:
        # In slices: a single large write that the reader abandons half-way comes back
        # from BufferedWriter as a short count, which TextIOWrapper ignores, so the
        # loss would go unnoticed (exit 0 after `| head`). Writes that pass through the
        # buffer raise BrokenPipeError (or ENOSPC) instead. 2048 characters stay under
        # the 8 KiB buffer in UTF-8.
        for start in range(0, len(text), _SLICE):
            self.stdout.write(text[start : start + _SLICE])

    def err(self, line: str) -> None:
        self.stderr.write(line + "\n")
        self.stderr.flush()

    def ask(self, question: str) -> bool:
        """Ask a yes/no question on stderr; only ``y``/``yes`` is yes (EOF is no)."""
        self.stderr.write(f"{question} [y/N] ")
        self.stderr.flush()
        answer = self.stdin.readline()
        if not answer.endswith("\n"):
            self.stderr.write("\n")
        return answer.strip().lower() in ("y", "yes")


class Progress:
    """``fetched 3000/5000 versions`` on one self-rewriting stderr line.

    Inert unless ``enabled``; redraws at most every ``interval`` seconds, and
    always once more for the final count. ``finish()`` wipes the line so that
    the result is printed on a clean one.
    """

    def __init__(
        self,
        console: Console,
        noun: str,
        *,
        enabled: bool,
        interval: float = 0.1,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.console = console
        self.noun = noun
        self.enabled = enabled
        self._interval = interval
        self._clock = clock
        self._drawn_at: Optional[float] = None
        self._shown = 0  # characters on the line now

    def update(self, done: int, total: Optional[int] = None, *, force: bool = False) -> None:
        if not self.enabled:
            return
        now = self._clock()
        if not force and self._drawn_at is not None and now - self._drawn_at < self._interval:
            return
        self._drawn_at = now
        count = f"{done}/{total}" if total is not None and total >= done else str(done)
        self._draw(f"fetched {count} {self.noun}")

    def count(self, items: Iterable[_T], total: Callable[[], Optional[int]]) -> Iterator[_T]:
        """Yield ``items``, counting them on the progress line."""
        done = 0
        for item in items:
            done += 1
            self.update(done, total())
            yield item
        self.update(done, total(), force=True)

    def _draw(self, text: str) -> None:
        stream = self.console.stderr
        stream.write("\r" + text + " " * max(0, self._shown - len(text)))
        stream.flush()
        self._shown = len(text)

    def finish(self) -> None:
        if self._shown:
            self.console.stderr.write("\r" + " " * self._shown + "\r")
            self.console.stderr.flush()
            self._shown = 0


class Context:
    """One command's session and progress line, closed together by ``close()``.

    ``clock`` is the Session's clock, which waits and follows sleep on too.
    """

    def __init__(self, args: Any, console: Console, clock: Optional[Clock] = None) -> None:
        from .clock import SystemClock

        self.args = args
        self.console = console
        self.clock: Clock = clock if clock is not None else SystemClock()
        self._session: Optional[Session] = None
        self._progress: Optional[Progress] = None
        self._closed = False

    def progress(self, noun: str, *, streaming: bool) -> Progress:
        """A progress line, shown only when stderr is a terminal and would not be
        interleaved with output streaming to that same screen."""
        enabled = self.console.stderr_is_terminal and not (
            streaming and self.console.stdout_is_terminal
        )
        self._progress = Progress(self.console, noun, enabled=enabled)
        return self._progress

    def finish_progress(self) -> None:
        if self._progress is not None:
            self._progress.finish()

    def session(self) -> Session:
        """The Session for the global options (built once)."""
        if self._session is not None:
            return self._session
        import logging

        from .session import Session

        args = self.args
        transport = self._transport()
        try:
            self._session = Session(
                project_id=args.project_id,
                region_name=args.region,
                modelarts_endpoint=args.endpoint,
                iam_endpoint=args.iam_endpoint,
                transport=transport,
                clock=self.clock,
            )
        except BaseException:
            if transport is not None:
                transport.close()
            raise
        # No secrets in either repr. (logging is loaded by now: the Session uses it.)
        logging.getLogger("modelarts.cli").debug(
            "%r over %r", self._session, self._session.transport
        )
        return self._session

    def _transport(self) -> Optional[Transport]:
        """The transport ``--replay``/``--record`` ask for; ``None`` leaves it to the Session."""
        from .transport.choice import choose_transport

        args = self.args
        if args.replay is not None:
            if not os.path.isfile(args.replay):
                raise UsageError(f"--replay: no such fixture file: {args.replay}")
            return choose_transport(fixture=args.replay).transport
        if args.record is not None:
            return choose_transport(fixture=args.record, mode=args.record_mode).transport
        return None

    def close(self, error: Optional[BaseException] = None) -> None:
        """Wipe the progress line and close the session; idempotent.

        ``error`` is what ended the command, if anything: a recording is then
        kept only as far as it cannot shrink the fixture
        (``RecordingTransport.close_failed``).
        """
        if self._closed:
            return
        self._closed = True
        self.finish_progress()
        if self._session is not None:
            from .transport.choice import close_after

            close_after(self._session.transport, error)  # Session.close() closes just that
