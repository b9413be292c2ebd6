"""The ``modelarts`` argument parser: ``build_parser(console)``.

Global options are accepted before or after the command: every level of
the parser knows them, and below the top their defaults are ``SUPPRESS`` so
that a value given early is not overwritten by a later level's default. The
parser writes to the ``Console``'s streams and raises ``ParserExit`` instead of
calling ``sys.exit``, so that ``main`` returns the status.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any, Callable, NoReturn, Optional, Sequence

from ._cli_console import EXIT_OK, EXIT_USAGE, Console, version_line
from ._cli_resource_args import add_resource_groups
from ._cli_run_args import add_catalog_commands, add_job_commands, add_watch_commands

if TYPE_CHECKING:  # imported when an option needs them, so that --help stays quick
    from .transport.record_modes import RecordMode

__all__ = ["ParserExit", "build_parser"]

_STATUS_HELP = "a status name (RUNNING, COMPLETED, ...) or code (8, 10, ...)"
_SORT_KEYS = ("job_name", "job_desc", "status", "duration", "version_count", "create_time")


class ParserExit(Exception):
    """Parsing ended the command (help, ``--version``, a usage error): exit with ``status``."""

    def __init__(self, status: int) -> None:
        super().__init__(status)
        self.status = status


class _Parser(argparse.ArgumentParser):
    """Writes to the ``Console``'s streams and raises instead of calling ``sys.exit``."""

    def __init__(
        self,
        *args: Any,
        console: Console,
        populate: Optional[Callable[[], None]] = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.console = console
        self._populate = populate

    def parse_known_args(self, args: Any = None, namespace: Any = None) -> Any:
        # A group declared with ``populate`` gets its commands when it is chosen:
        # ``modelarts --help`` (and every other group's command) builds none of them.
        populate, self._populate = self._populate, None
        if populate is not None:
            populate()
        return super().parse_known_args(args, namespace)

    def print_usage(self, file: Any = None) -> None:
        super().print_usage(self.console.stdout if file is None else file)

    def print_help(self, file: Any = None) -> None:
        super().print_help(self.console.stdout if file is None else file)

    def exit(self, status: int = 0, message: Optional[str] = None) -> NoReturn:
        if message:
            self.console.stderr.write(message)
        raise ParserExit(status)

    def error(self, message: str) -> NoReturn:
        self.print_usage(self.console.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


class _Version(argparse.Action):
    def __call__(
        self, parser: argparse.ArgumentParser, namespace: Any, values: Any, option: Any = None
    ) -> None:
        console = parser.console if isinstance(parser, _Parser) else None
        (console.stdout if console else sys.stdout).write(version_line())
        raise ParserExit(EXIT_OK)


def _bounded(low: int, high: int) -> Any:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{value} is not in [{low}, {high}]")
        return value

    parse.__name__ = "number"
    return parse


def _status(text: str) -> int:
    from .job_status import JobStatus

    word = text.strip()
    if word.isdigit():
        return int(word)
    name = word.upper().replace("-", "_")
    name = name[len("JOBSTAT_") :] if name.startswith("JOBSTAT_") else name
    if name in JobStatus.__members__:
        return int(JobStatus[name])
    raise argparse.ArgumentTypeError(
        f"unknown status {text!r}; use a code or one of {', '.join(JobStatus.__members__)}"
    )


def _record_mode(text: str) -> "RecordMode":
    from .errors import ConfigurationError
    from .transport.record_modes import RecordMode

    try:
        return RecordMode.parse(text)
    except ConfigurationError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _add_globals(parser: _Parser, *, top: bool) -> None:
    # Below the top level the defaults are SUPPRESS, so that an option given before
    # the command is not overwritten by the subcommand's default.
    def default(value: Any) -> Any:
        return value if top else argparse.SUPPRESS

    group = parser.add_argument_group("global options (before or after the command)")
    group.add_argument(
        "--region",
        default=default(None),
        help="region id, e.g. cn-north-4 (default: from the environment, HUAWEICLOUD_SDK_REGION)",
    )
    group.add_argument("--project-id", default=default(None), metavar="ID", help="project id")
    group.add_argument(
        "--endpoint", default=default(None), metavar="URL", help="ModelArts endpoint URL"
    )
    group.add_argument(
        "--iam-endpoint", default=default(None), metavar="URL", help="IAM endpoint URL"
    )
    group.add_argument(
        "--replay",
        default=default(None),
        metavar="FILE",
        help="answer from a recorded fixture instead of the network (no credentials needed)",
    )
    group.add_argument(
        "--record",
        default=default(None),
        metavar="FILE",
        help="record the traffic to FILE (secrets scrubbed), written when the command ends",
    )
    group.add_argument(
        "--record-mode",
        type=_record_mode,
        default=default(None),
        metavar="MODE",
        help="with --record: all (default: record afresh), new_episodes (replay what the "
        "file has, record the rest), once (record only if FILE does not exist), none",
    )
    group.add_argument(
        "--debug",
        action="store_true",
        default=default(False),
        help="log every request on stderr (secrets redacted) and show tracebacks",
    )


_OUTPUT_HELP = {
    "table": "table (default)",
    "json": "json (the server's records exactly as received, as one JSON array)",
    "jsonl": "jsonl (one record per line, streamed)",
}


def _output(parser: _Parser, choices: Sequence[str]) -> None:
    parser.add_argument(
        "-o",
        "--output",
        choices=choices,
        default="table",
        help=", ".join(_OUTPUT_HELP[choice] for choice in choices),
    )


def build_parser(console: Console) -> argparse.ArgumentParser:
    """The argument parser of ``modelarts`` (writing to ``console``'s streams)."""
    parser = _Parser(
        prog="modelarts",
        description="Huawei Cloud ModelArts training jobs (v1 API) from the command line.",
        epilog="Exit status: 0 ok, 1 failed, 2 usage error, 130 interrupted, 141 output closed.",
        console=console,
    )
    parser.add_argument(
        "--version",
        action=_Version,
        nargs=0,
        default=argparse.SUPPRESS,
        help="print the version and exit",
    )
    _add_globals(parser, top=True)
    groups = parser.add_subparsers(dest="group", metavar="COMMAND", required=True)

    Command = Callable[[str, str], _Parser]

    def group(
        name: str, summary: str, commands: Optional[Callable[[Command], None]] = None
    ) -> Command:
        """A command group (``jobs``, ...) and its ``command(name, summary)``; with
        ``commands``, they are declared by ``commands(command)`` once the group is chosen."""
        parent = groups.add_parser(
            name,
            help=summary,
            console=console,
            description=summary[0].upper() + summary[1:] + ".",
            populate=None if commands is None else lambda: commands(member),
        )
        _add_globals(parent, top=False)
        members = parent.add_subparsers(dest="command", metavar="COMMAND", required=True)

        def member(name: str, summary: str) -> _Parser:
            sub = members.add_parser(name, help=summary, description=summary, console=console)
            _add_globals(sub, top=False)
            return sub

        return member

    command = group("jobs", "training jobs and their versions")

    def job_id(sub: _Parser) -> None:
        sub.add_argument("job_id", metavar="JOB_ID", help="training job id")

    def version_id(sub: _Parser) -> None:
        job_id(sub)
        sub.add_argument("version_id", metavar="VERSION_ID", help="version id")

    def yes(sub: _Parser) -> None:
        sub.add_argument(
            "-y",
            "--yes",
            action="store_true",
            help="do not ask for confirmation (required when stdin is not a terminal)",
        )

    listing = command("list", "List the project's training jobs.")
    listing.add_argument("--status", type=_status, help=f"only jobs in this status: {_STATUS_HELP}")
    listing.add_argument("--search", metavar="TEXT", help="only jobs whose name contains TEXT")
    listing.add_argument(
        "--sort-by", choices=_SORT_KEYS, default="create_time", help="default: create_time"
    )
    listing.add_argument("--order", choices=("asc", "desc"), default="desc", help="default: desc")
    listing.add_argument("--page", type=_bounded(1, 65535), help="page number (default 1)")
    listing.add_argument(
        "--per-page",
        type=_bounded(1, 1000),
        metavar="N",
        help="jobs per page (default 50; 1000 per request with --all)",
    )
    listing.add_argument("--all", action="store_true", help="walk every page")
    _output(listing, ("table", "json", "jsonl"))

    versions = command("versions", "List every version of a job (the is_show table).")
    job_id(versions)
    _output(versions, ("table", "json", "jsonl"))
    versions.add_argument(
        "--page-size",
        type=_bounded(1, 1000),
        default=1000,
        metavar="N",
        help="versions per request (default 1000)",
    )

    show = command("show", "Show the details of one version.")
    version_id(show)
    _output(show, ("table", "json"))

    stop = command("stop", "Stop a running version.")
    version_id(stop)
    yes(stop)

    delete_version = command("delete-version", "Delete one version of a job.")
    version_id(delete_version)
    yes(delete_version)

    delete = command("delete", "Delete a job and all its versions.")
    job_id(delete)
    yes(delete)

    describe = command("describe", "Set a job's description.")
    job_id(describe)
    describe.add_argument(
        "-d", "--description", required=True, metavar="TEXT", help="the new description"
    )

    logs = command("logs", "Print the last lines of a version's log.")
    version_id(logs)
    logs.add_argument("--file", metavar="NAME", help="log file (default: the first one)")
    logs.add_argument(
        "-n", "--lines", type=_bounded(0, 500), default=50, help="how many lines (default 50)"
    )
    add_watch_commands(command, version_id=version_id, logs=logs)
    add_resource_groups(group, output=_output, bounded=_bounded, status=_status, yes=yes)
    add_job_commands(command, job_id=job_id, version_id=version_id)

    def top_command(name: str, summary: str) -> _Parser:
        """A command beside ``jobs`` (``modelarts specs``)."""
        described = summary[0].upper() + summary[1:] + "."
        sub = groups.add_parser(name, help=summary, description=described, console=console)
        _add_globals(sub, top=False)
        sub.set_defaults(command=name)
        return sub

    add_catalog_commands(top_command, output=_output)
    return parser
