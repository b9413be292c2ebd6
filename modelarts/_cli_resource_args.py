"""The arguments of ``modelarts configs ...`` and ``modelarts visualizations ...``, added to the
parser by ``_cli_parser.build_parser``.

Only ``argparse`` here: building the parser (``modelarts --help``) must not load the SDK.
The commands themselves are in ``_cli_configs`` and ``_cli_visualizations``.
"""

from __future__ import annotations

import argparse
from typing import Any, Callable, Dict, Sequence

__all__ = ["RESOURCE_GROUPS", "add_resource_groups", "key_value"]

#: The command groups declared here (``_cli_resources.GROUPS`` holds their commands).
RESOURCE_GROUPS = ("configs", "visualizations")

# sortBy values: modelarts_03_0059 (configurations), modelarts_03_0065 (visualization jobs).
_CONFIG_SORT = ("config_name", "config_desc", "create_time")
_VISUALIZATION_SORT = ("job_id", "job_name", "job_desc", "create_time", "status")

Command = Callable[[str, str], Any]
Group = Callable[[str, str, Callable[[Command], None]], Command]


def key_value(text: str) -> "tuple[str, str]":
    """``KEY=VALUE`` (``argparse`` type); the value may be empty or hold ``=``."""
    key, sep, value = text.partition("=")
    if not sep or not key.strip():
        raise argparse.ArgumentTypeError(f"expected KEY=VALUE, got {text!r}")
    return key.strip(), value


key_value.__name__ = "KEY=VALUE"


def _settings(sub: Any) -> None:
    sub.add_argument(
        "--set",
        dest="settings",
        type=key_value,
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="a run setting, by the Estimator keyword (train_instance_count=1, "
        "train_instance_type=modelarts.vm.cpu.8u, code_dir=/b/code/, boot_file=/b/code/t.py, "
        "framework_type=..., framework_version=..., output_path=..., ...); repeat it",
    )
    sub.add_argument(
        "-p",
        "--param",
        dest="params",
        type=key_value,
        action="append",
        default=[],
        metavar="LABEL=VALUE",
        help="a run argument (hyperparameter) passed to the training code; repeat it",
    )
    data = sub.add_mutually_exclusive_group()
    data.add_argument("--inputs", metavar="OBS_PATH", help="the training data (an OBS path)")
    data.add_argument("--dataset-id", metavar="ID", help="a dataset (with --dataset-version-id)")
    sub.add_argument("--dataset-version-id", metavar="ID", help="the dataset's version")
    sub.add_argument("-d", "--description", metavar="TEXT", help="the configuration's description")


def _listing(sub: Any, sort_keys: Sequence[str], bounded: Callable[[int, int], Any]) -> None:
    sub.add_argument("--search", metavar="TEXT", help="only names that contain TEXT")
    sub.add_argument("--sort-by", choices=sort_keys, help="(default: the server's)")
    sub.add_argument("--order", choices=("asc", "desc"), help="(default: the server's)")
    sub.add_argument("--page", type=bounded(1, 65535), help="page number (default 1)")
    sub.add_argument("--per-page", type=bounded(1, 1000), metavar="N", help="per page (default 50)")


def add_resource_groups(
    group: Group,
    *,
    output: Callable[[Any, Sequence[str]], None],
    bounded: Callable[[int, int], Any],
    status: Callable[[str], int],
    yes: Callable[[Any], None],
) -> None:
    """``configs`` and ``visualizations``; ``group(name, summary, commands)`` adds a command
    group whose commands ``commands(command)`` declares once the group is chosen (so that
    ``modelarts --help`` builds none of them); the rest are ``build_parser``'s helpers."""

    def configs(command: Command) -> None:
        listing = command("list", "List the project's saved configurations.")
        _listing(listing, _CONFIG_SORT, bounded)
        listing.add_argument(
            "--type", dest="config_type", choices=("custom", "sample"), help="default: custom"
        )
        output(listing, ("table", "json", "jsonl"))
        show = command("show", "Show every setting of one configuration.")
        show.add_argument("config_name", metavar="NAME")
        show.add_argument("--type", dest="config_type", choices=("custom", "sample"))
        output(show, ("table", "json"))
        create = command("create", "Save run settings as a configuration.")
        create.add_argument("config_name", metavar="NAME", nargs="?", help="default: config-<time>")
        _settings(create)
        update = command("update", "Replace a configuration's run settings.")
        update.add_argument("config_name", metavar="NAME")
        _settings(update)
        delete = command("delete", "Delete a configuration.")
        delete.add_argument("config_name", metavar="NAME")
        yes(delete)

    def visualizations(command: Command) -> None:
        listing = command("list", "List the project's visualization jobs.")
        listing.add_argument(
            "--status", type=status, help="only jobs in this status (name or code)"
        )
        _listing(listing, _VISUALIZATION_SORT, bounded)
        output(listing, ("table", "json", "jsonl"))
        ids: Dict[str, str] = {
            "show": "Show one visualization job.",
            "stop": "Stop a visualization job.",
            "restart": "Start a stopped visualization job again.",
            "update": "Set a visualization job's description.",
            "delete": "Delete a visualization job.",
        }
        for name, summary in ids.items():
            sub = command(name, summary)
            sub.add_argument("job_id", metavar="JOB_ID", help="visualization job id")
            if name == "show":
                output(sub, ("table", "json"))
            elif name == "update":
                sub.add_argument("-d", "--description", required=True, metavar="TEXT")
            elif name in ("stop", "delete"):
                yes(sub)
        create = command("create", "Create a visualization job over a training output.")
        create.add_argument("train_url", metavar="TRAIN_URL", help="OBS directory of the summaries")
        create.add_argument(
            "--name", metavar="NAME", help="1-20 of [A-Za-z0-9_-] (default: t-<time>)"
        )
        create.add_argument("-d", "--description", metavar="TEXT")
        create.add_argument("--wait", action="store_true", help="return once it serves")
        create.add_argument(
            "--timeout",
            type=bounded(1, 86400),
            metavar="S",
            help="with --wait: give up after S seconds (the job keeps deploying)",
        )

    config_group, visualization_group = RESOURCE_GROUPS
    group(config_group, "saved training parameter configurations", configs)
    group(
        visualization_group,
        "visualization jobs (TensorBoard over a training output)",
        visualizations,
    )
