"""The arguments of the commands that create, run and watch jobs (``modelarts jobs create``,
``new-version``, ``wait``, ``metrics``, ``logs --follow``) and of the catalogues
(``modelarts specs``, ``engines``, ``algorithms``), added to the parser by
``_cli_parser.build_parser``. The commands are in ``_cli_create``, ``_cli_watch``
and ``_cli_catalog``.

Only ``argparse`` here: building the parser (``modelarts --help``) must not load the SDK.
"""

from __future__ import annotations

import argparse
import math
from typing import Any, Callable, Sequence

from ._cli_resource_args import key_value

__all__ = [
    "RUN_FLAGS",
    "add_catalog_commands",
    "add_job_commands",
    "add_watch_commands",
    "seconds",
]

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


#: ``(flag, Estimator run keyword, metavar, help)``: one flag per run keyword
#: (``modelarts/run_config.py`` checks the values, as it does for ``Estimator``).
RUN_FLAGS = (
    ("--framework-type", "framework_type", "NAME", "engine, e.g. PyTorch ('modelarts engines')"),
    ("--framework-version", "framework_version", "VERSION", "e.g. PyTorch-1.4.0-python3.6"),
    ("--code-dir", "code_dir", "OBS_PATH", "OBS folder of the training code"),
    ("--boot-file", "boot_file", "OBS_PATH", "the script to run, inside --code-dir"),
    ("--output-path", "output_path", "OBS_PATH", "OBS folder for the outputs"),
    ("--log-url", "log_url", "OBS_PATH", "OBS folder for the logs"),
    ("--instance-type", "train_instance_type", "SPEC", "flavor code ('modelarts specs')"),
    ("--instance-count", "train_instance_count", "N", "number of nodes"),
    ("--pool-id", "pool_id", "ID", "a dedicated pool instead of --instance-type"),
    ("--user-image-url", "user_image_url", "IMAGE", "a custom image (SWR)"),
    ("--user-command", "user_command", "COMMAND", "the custom image's start command"),
    ("--model-name", "model_name", "NAME", "a built-in algorithm ('modelarts algorithms')"),
    ("--nas-type", "nas_type", "TYPE", "NAS type (nfs)"),
    ("--nas-share-addr", "nas_share_addr", "ADDRESS", "SFS Turbo share address"),
    ("--nas-mount-path", "nas_mount_path", "PATH", "where the share is mounted"),
)


def _run_flags(sub: Any, *, description: str) -> None:
    group = sub.add_argument_group("run settings (the Estimator's keywords)")
    for flag, keyword, metavar, text in RUN_FLAGS:
        group.add_argument(flag, dest=keyword, metavar=metavar, help=text)
    group.add_argument(
        "--hyperparameter",
        dest="hyperparameters",
        type=key_value,
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a run argument for the training code; repeat it",
    )
    group.add_argument("--description", metavar="TEXT", help=description)
    group.add_argument("--priority", type=int, choices=(1, 2, 3), help="1 (low) to 3 (high)")
    data = sub.add_argument_group("training data (exactly one)")
    data.add_argument("--inputs", metavar="OBS_PATH", help="an OBS path")
    data.add_argument("--dataset-id", metavar="ID", help="a dataset, with --dataset-version-id")
    data.add_argument("--dataset-version-id", metavar="ID", help="the dataset's version")
    data.add_argument(
        "--data-source",
        metavar="JSON",
        help='a JSON list, e.g. \'[{"type": "obs", "data_url": "/bucket/data/"}]\'',
    )


def _wait_flags(sub: Any, *, optional: bool) -> None:
    if optional:
        sub.add_argument(
            "--wait",
            action="store_true",
            help="wait until the version has ended; exit 1 unless it COMPLETED",
        )
    within = "with --wait: " if optional else ""
    sub.add_argument(
        "--timeout",
        type=seconds,
        metavar="S",
        help=f"{within}give up waiting after S seconds (exit 1; the job keeps running)",
    )
    sub.add_argument(
        "--poll",
        type=seconds,
        metavar="S",
        help=f"{within}seconds between status checks (default: 2, backing off to 30)",
    )


def _json_output(sub: Any, json_help: str) -> None:
    sub.add_argument(
        "-o",
        "--output",
        choices=("table", "json"),
        default="table",
        help=f"table (default), json ({json_help})",
    )


def add_job_commands(
    command: Callable[[str, str], Any],
    *,
    job_id: Callable[[Any], None],
    version_id: Callable[[Any], None],
) -> None:
    """``jobs create``, ``jobs new-version`` and ``jobs wait`` (helpers as in
    ``add_watch_commands``)."""
    create = command("create", "Create a training job and its first version (Estimator.fit).")
    _run_flags(create, description="the job's description")
    create.add_argument("--job-name", metavar="NAME", help="default: job-MMDD-HHMMSS-xxxxxx")
    create.add_argument(
        "--reuse",
        action="store_true",
        help="with --job-name: if a job of exactly that name exists, use its latest "
        "version instead of creating a second job",
    )
    _wait_flags(create, optional=True)
    _json_output(create, "the version's record as the server gave it, one JSON object")

    new_version = command(
        "new-version", "Create a version of a job from one of its versions (create_job_version)."
    )
    job_id(new_version)
    new_version.add_argument(
        "--from",
        dest="pre_version_id",
        required=True,
        metavar="VERSION_ID",
        help="the version the new one derives from",
    )
    _run_flags(new_version, description="a new description for the job")
    _wait_flags(new_version, optional=True)
    _json_output(new_version, "the version's record as the server gave it, one JSON object")

    wait = command(
        "wait", "Wait until a version has ended: exit 0 if it COMPLETED, 1 if it failed."
    )
    version_id(wait)
    _wait_flags(wait, optional=False)


def add_catalog_commands(
    top_command: Callable[[str, str], Any], *, output: Callable[[Any, Sequence[str]], None]
) -> None:
    """``modelarts specs``, ``engines`` and ``algorithms``; ``top_command`` adds a
    command beside ``jobs``."""
    specs = top_command("specs", "resource flavors a job can run on")
    engines = top_command("engines", "AI engines (framework type and version)")
    for sub in (specs, engines):
        sub.add_argument(
            "--job-type", choices=("train", "inference"), help="only those for this job type"
        )
    algorithms = top_command("algorithms", "built-in algorithms")
    for sub in (specs, engines, algorithms):
        output(sub, ("table", "json"))


def add_watch_commands(
    command: Callable[[str, str], Any],
    *,
    version_id: Callable[[Any], None],
    logs: Any,
) -> None:
    """``logs --follow`` and ``metrics``; ``command`` and ``version_id`` are
    ``build_parser``'s helpers for a ``jobs`` subcommand and its ids."""
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
    _json_output(metrics, "the typed metrics: model totals and classes, each series with its unit")
