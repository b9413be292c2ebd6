"""The arguments of the commands that run and watch jobs (``modelarts jobs metrics``,
``logs --follow``, ...), added to the parser by ``_cli_parser.build_parser``.

Only ``argparse`` here: building the parser (``modelarts --help``) must not load the SDK.
"""

from __future__ import annotations

import argparse
import math
from typing import Any, Callable, Sequence

__all__ = ["add_watch_commands", "seconds"]

#: Seconds between status polls while following a log.
FOLLOW_POLL = 5.0


def seconds(text: str) -> float:
    """A positive, finite number of seconds (``argparse`` type)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"{text} is not a positive number of seconds")
    return value


seconds.__name__ = "seconds"


def add_watch_commands(
    command: Callable[[str, str], Any],
    *,
    version_id: Callable[[Any], None],
    output: Callable[[Any, Sequence[str]], None],
    logs: Any,
) -> None:
    """``logs --follow`` and ``metrics``; ``command``, ``version_id`` and ``output`` are
    ``build_parser``'s helpers for a ``jobs`` subcommand, its ids and its ``-o``."""
    logs.add_argument(
        "-f",
        "--follow",
        action="store_true",
        help="keep printing new lines until the version has ended (Ctrl-C stops)",
    )
    logs.add_argument(
        "--poll",
        type=seconds,
        default=FOLLOW_POLL,
        metavar="S",
        help=f"with --follow: seconds between checks (default {FOLLOW_POLL:g})",
    )
    metrics = command("metrics", "Show a version's model metrics and its resource usage over time.")
    version_id(metrics)
    output(metrics, ("table", "json"))
