"""Running one ``modelarts`` command: the session, the log on stderr, the exit status.

``run(args, console)`` is what ``modelarts.cli.main`` calls once the command
line parsed; a failure becomes one line on stderr and the exit status
documented in ``modelarts/cli.py``.
"""

from __future__ import annotations

import contextlib
import logging
import sys
import traceback
from typing import Any, Iterator, Optional, TextIO

from . import __version__
from ._cli_commands import COMMANDS, Aborted
from ._cli_console import (
    EXIT_BROKEN_PIPE,
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    EXIT_USAGE,
    Console,
    Context,
    UsageError,
)
from ._cli_resource_args import RESOURCE_GROUPS
from .clock import Clock
from .errors import (
    APIError,
    ConfigurationError,
    ConnectError,
    CredentialsNotFoundError,
    FixtureError,
    ModelArtsError,
    ResponseFormatError,
    ResponseTooLargeError,
    TransportError,
    UnmatchedRequestError,
    safe_for_terminal,
)
from .transport.record_modes import RecordMode

__all__ = ["run"]

logger = logging.getLogger("modelarts.cli")


def run(args: Any, console: Console, clock: Optional[Clock] = None) -> int:
    """Run the parsed command on ``clock`` (default: the system's); the exit status."""
    if args.record_mode is None:
        args.record_mode = RecordMode.ALL
    if args.group in RESOURCE_GROUPS:  # their commands load only when one of them runs
        from ._cli_resources import GROUPS

        handler, template = GROUPS[args.group][args.command]
    else:
        handler, template = COMMANDS[args.command]
    what = template.format(
        job_id=getattr(args, "job_id", ""),
        version_id=getattr(args, "version_id", ""),
        config_name=getattr(args, "config_name", None) or "",
    )
    context = Context(args, console, clock)
    with _logging(console.stderr, debug=args.debug):
        logger.debug(
            "modelarts %s on Python %s, about to %s", __version__, sys.version.split()[0], what
        )
        error: Optional[BaseException] = None
        try:
            status = handler(context, args)
            console.stdout.flush()  # a closed pipe shows here, not at interpreter exit
        except (Exception, KeyboardInterrupt) as exc:
            error = exc
            status = _failure(exc, what, console, debug=args.debug)
        try:
            context.close(error)  # a recording is written here, as far as the outcome allows
        except (Exception, KeyboardInterrupt) as exc:
            done = f"save the recording {args.record}" if args.record else "close the session"
            failed = _failure(exc, done, console, debug=args.debug)
            status = status or failed
        return status


class _TerminalSafe(logging.Formatter):
    """Log lines quote the server (request ids): shown on stderr, never obeyed by it."""

    def format(self, record: logging.LogRecord) -> str:
        return safe_for_terminal(super().format(record), keep_newlines=True)


@contextlib.contextmanager
def _logging(stream: TextIO, *, debug: bool) -> Iterator[None]:
    """The SDK's log on ``stream`` for the command's duration: warnings, or everything
    with ``--debug`` (one line per request; the SDK redacts secrets itself)."""
    package = logging.getLogger("modelarts")
    handler = logging.StreamHandler(stream)
    if debug:
        handler.setFormatter(
            _TerminalSafe("%(asctime)s.%(msecs)03d %(name)s %(levelname)s %(message)s", "%H:%M:%S")
        )
    else:
        handler.setFormatter(_TerminalSafe("modelarts: %(levelname)s: %(message)s"))
    saved = package.level, package.propagate
    package.setLevel(logging.DEBUG if debug else logging.WARNING)
    package.propagate = False
    package.addHandler(handler)
    try:
        yield
    finally:
        package.removeHandler(handler)
        package.setLevel(saved[0])
        package.propagate = saved[1]


def _failure(exc: BaseException, what: str, console: Console, *, debug: bool) -> int:
    """Report ``exc`` as one line on stderr (after the traceback with ``--debug``)."""
    if isinstance(exc, BrokenPipeError):
        # Nothing to say: the reader has gone. The failed write dropped what was
        # buffered, so the interpreter's final flush of stdout stays quiet too.
        return EXIT_BROKEN_PIPE
    if debug:
        trace = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
        console.stderr.write(safe_for_terminal(trace, keep_newlines=True))
    if isinstance(exc, KeyboardInterrupt):
        return EXIT_INTERRUPTED
    status, line = _describe(exc, what)
    try:
        console.err(f"modelarts: {safe_for_terminal(_one_line(line))}")
    except BrokenPipeError:
        pass
    return status


def _describe(exc: BaseException, what: str) -> "tuple[int, str]":
    if isinstance(exc, UsageError):
        return EXIT_USAGE, f"error: {exc}"
    if isinstance(exc, CredentialsNotFoundError):
        tried = "; ".join(f"{source}: {missing}" for source, missing in exc.sources[1:])
        return EXIT_USAGE, (
            f"error: no credentials found ({tried}); set HUAWEICLOUD_SDK_AK and "
            "HUAWEICLOUD_SDK_SK, or replay a recording with --replay FILE"
        )
    if isinstance(exc, ConfigurationError):  # InvalidArgumentError included: a bad id or value
        return EXIT_USAGE, f"error: {exc}"
    if isinstance(exc, Aborted):
        return EXIT_FAILED, str(exc)
    if isinstance(exc, APIError):
        return EXIT_FAILED, f"error: could not {what}: {_api_problem(exc)}"
    if isinstance(exc, TransportError):
        return EXIT_FAILED, f"error: could not {what}: {exc}; {_transport_advice(exc)}"
    if isinstance(exc, ResponseFormatError):
        return EXIT_FAILED, (
            f"error: could not {what}: {exc}; rerun with --debug and report it, "
            "quoting the request id"
        )
    if isinstance(exc, UnmatchedRequestError):
        return EXIT_FAILED, f"error: could not {what}: {_unmatched(exc)}"
    if isinstance(exc, (FixtureError, ModelArtsError, OSError)):
        return EXIT_FAILED, f"error: could not {what}: {exc}"
    return EXIT_FAILED, (
        f"internal error while trying to {what}: {type(exc).__name__}: {exc}; "
        "rerun with --debug for the traceback and please report it"
    )


def _api_problem(exc: APIError) -> str:
    text = f"{exc.error_code}: {exc.error_msg or '(no message)'} "
    text += f"(HTTP {exc.status_code}, request id {exc.request_id or 'none'})"
    advice = [exc.hint] if exc.hint else []
    status = exc.status_code
    if status == 404:
        advice.append(
            "check the ids: 'modelarts jobs list' shows the jobs, "
            "'modelarts jobs versions JOB_ID' the versions of one"
        )
    elif status == 429:
        advice.append("the service is throttling requests; wait a little and try again")
    elif status >= 500:
        advice.append("the service failed; try again later and quote the request id if it persists")
    elif status in (401, 403) and not exc.hint:
        advice.append("check HUAWEICLOUD_SDK_AK/HUAWEICLOUD_SDK_SK and --project-id")
    return "; ".join([text, *advice])


def _transport_advice(exc: TransportError) -> str:
    if isinstance(exc, ResponseTooLargeError):
        return "no ModelArts answer is that big; check that --endpoint points at ModelArts"
    if isinstance(exc, ConnectError) or exc.method in ("", "GET"):
        return "check the endpoint (--endpoint, --region) and the network or proxy settings"
    # Sent, but no answer: a stop or delete may have happened all the same.
    return (
        "the request was sent but no answer came, so it may have taken effect; "
        "check with 'modelarts jobs versions JOB_ID' before trying again"
    )


def _unmatched(exc: UnmatchedRequestError) -> str:
    lines = str(exc).splitlines()
    facts = {
        key.strip(): value.strip()
        for key, _, value in (line.partition(":") for line in lines[1:4])
        if value
    }
    request = facts.get("request", "this request")
    fixture = facts.get("fixture", "")
    return (
        f"the fixture {fixture} holds no answer for {request}; check the ids and options against "
        "the recording (--debug lists the closest recorded requests), or record it "
        "with --record FILE"
    )


def _one_line(text: str) -> str:
    return " ".join(text.split())
