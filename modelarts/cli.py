"""The ``modelarts`` command: training jobs from a shell (also ``python -m modelarts``).

::

    $ modelarts jobs list --all
    $ modelarts jobs versions 182626                                  # the versions table
    $ modelarts jobs versions 182626 --output jsonl | jq -r .version_name
    $ modelarts jobs versions 182626 --replay fixtures/versions.json   # no credentials needed
    $ modelarts jobs stop 182626 278815 --yes

Credentials, region and project are found as ``Session()`` finds them
(``HUAWEICLOUD_SDK_*`` variables, the credentials file); the global options
override region, project and endpoints, and may come before or after the
command. Only the public API is used: Session, Estimator, TrainingJob, the
transports and the errors.

Exit status: 0 success; 1 the operation failed (the service refused it, the
network failed, an answer could not be understood, a fixture had no answer, or
a confirmation was declined); 2 usage error (bad options or ids, no
credentials, a destructive command with neither ``--yes`` nor a terminal to
ask on); 130 interrupted (Ctrl-C); 141 the reader of the output went away
(``| head``). A failure is reported as one line on stderr; ``--debug`` adds
the request log and the traceback.
"""

from __future__ import annotations

import io
import sys
from typing import TYPE_CHECKING, Optional, Sequence, TextIO

from ._cli_console import (
    EXIT_BROKEN_PIPE,
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_USAGE,
    Console,
    version_line,
)
from ._lazy import lazy_attributes

if TYPE_CHECKING:
    from ._cli_parser import build_parser
    from .clock import Clock

__all__ = [
    "EXIT_BROKEN_PIPE",
    "EXIT_FAILED",
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "EXIT_USAGE",
    "build_parser",
    "main",
]

# The parser loads on first use: ``modelarts --version`` needs none of it.
__getattr__, __dir__ = lazy_attributes(__name__, {"build_parser": "._cli_parser"}, __all__)


def main(
    argv: Optional[Sequence[str]] = None,
    *,
    stdin: Optional[TextIO] = None,
    stdout: Optional[TextIO] = None,
    stderr: Optional[TextIO] = None,
    clock: Optional[Clock] = None,
) -> int:
    """Run the command line ``argv`` (default ``sys.argv[1:]``); return the exit status.

    The streams default to the process's own; whether to prompt or to draw
    progress is decided by their ``isatty()``. Each step imports what it
    needs when it needs it: ``--version`` loads no parser, ``--help`` no SDK.
    ``clock`` is the Session's clock (``modelarts.testing.FakeClock`` makes
    waits and follows take no time).
    """
    out = stdout if stdout is not None else sys.stdout
    # Python sets sys.stdout/sys.stderr to None when the descriptor was closed (>&-).
    err = (stderr if stderr is not None else sys.stderr) or io.StringIO()
    if out is None:
        err.write("modelarts: error: standard output is closed; run with it open (>&- closes it)\n")
        return EXIT_USAGE
    console = Console(stdin if stdin is not None else sys.stdin, out, err)
    arguments = list(sys.argv[1:] if argv is None else argv)
    if arguments == ["--version"]:  # what the parser's --version prints, without the parser
        console.out(version_line())
        return EXIT_OK
    from ._cli_parser import ParserExit, build_parser

    parser = build_parser(console)
    try:
        args = parser.parse_args(arguments)
        if args.replay is not None and args.record is not None:
            parser.error("--replay and --record exclude each other")
        if args.record_mode is not None and args.record is None:
            parser.error("--record-mode needs --record FILE")
    except ParserExit as done:
        return done.status
    from ._cli_run import run

    return run(args, console, clock)
