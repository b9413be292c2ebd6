"""The ``modelarts configs ...`` and ``modelarts visualizations ...`` commands.

Each is ``(context, args) -> exit status`` like the ``jobs`` commands
(``_cli_commands``): arguments are checked before the session is built (a
usage error needs no credentials), and a destructive command makes sure it
may proceed (``--yes``, or a terminal to ask on) before anything is sent.
Their arguments are declared in ``_cli_resource_args``.
"""

from __future__ import annotations

from typing import Any, Callable, Dict, Iterable, List, Optional, Sequence, Tuple

from . import config_api
from . import visualization_api as vis_api
from ._cli_commands import Aborted, confirm, may_proceed, write_records
from ._cli_console import Context
from ._cli_format import dump_json, record_pairs, render_pairs
from .display import format_duration, format_time
from .errors import InvalidArgumentError
from .job_status import JobStatus
from .listing_tables import render_configs_table, render_visualizations_table
from .run_config import Inputs, RunSettings
from .schemas.visualization import Visualization
from .training_api import normalize_id
from .training_job import clock_of
from .visualization import VisualizationJob

__all__ = ["CONFIG_COMMANDS", "GROUPS", "VISUALIZATION_COMMANDS"]

Handler = Callable[[Context, Any], int]

#: ``per_page`` when ``--per-page`` is not given (the server's own default is 10).
_PER_PAGE = 50


def _show_page(
    ctx: Context,
    args: Any,
    records: Sequence[Any],
    total: Optional[int],
    render: Callable[[Iterable[Any]], str],
    noun: str,
) -> None:
    """A listing in the ``-o`` format; a hint on stderr when the table shows one page of more."""
    if args.output != "table":
        write_records(ctx, (record.raw for record in records), args.output)
        return
    ctx.console.out(render(records) + "\n")
    first = ((args.page or 1) - 1) * (args.per_page or _PER_PAGE)
    if total is not None and first + len(records) < total:
        ctx.console.err(
            f"showing {noun} {first + 1}-{first + len(records)} of {total}; "
            f"--page {(args.page or 1) + 1} for the next page"
        )


def _show_record(ctx: Context, args: Any, pairs: List[Tuple[str, str]], raw: Any) -> None:
    if args.output == "json":
        ctx.console.out(dump_json(raw, indent=2, ascii_only=ctx.console.ascii_only) + "\n")
    else:
        ctx.console.out(render_pairs(pairs) + "\n")


# -- configs ----------------------------------------------------------------------------------


def list_configs(ctx: Context, args: Any) -> int:
    page = config_api.list_configs(
        ctx.session(),
        per_page=args.per_page or _PER_PAGE,
        page=args.page,
        sort_by=args.sort_by,
        order=args.order,
        search_content=args.search,
        config_type=args.config_type,
    )
    _show_page(
        ctx, args, page.configs, page.config_total_count, render_configs_table, "configurations"
    )
    return 0


_CONFIG_LEADING = ("config_name", "config_desc", "create_time", "engine_name", "engine_version",
                   "spec_code", "worker_server_num")  # fmt: skip


def show_config(ctx: Context, args: Any) -> int:
    config = config_api.get_config(ctx.session(), args.config_name, config_type=args.config_type)
    decoded = {"create_time": format_time(config.create_time)}
    _show_record(ctx, args, record_pairs(config.raw, _CONFIG_LEADING, decoded), config.raw)
    return 0


def _run_options(args: Any) -> Tuple[Dict[str, Any], Inputs]:
    """The run keywords and the data of ``--set``, ``--param`` and the data options, checked."""
    options: Dict[str, Any] = {}
    for key, value in args.settings:
        if key == "create_version":
            if value.lower() not in ("true", "false"):
                raise InvalidArgumentError(f"create_version must be true or false, got {value!r}")
            options[key] = value.lower() == "true"
        else:
            options[key] = value
    if args.params:
        options["hyperparameters"] = [{"label": k, "value": v} for k, v in args.params]
    inputs = Inputs.of(
        args.inputs, args.dataset_id, args.dataset_version_id, None, required=False
    )
    RunSettings.from_options(options).plan(inputs, for_config=True)  # every check, no request
    return options, inputs


def create_config(ctx: Context, args: Any) -> int:
    from .job_configs import new_config

    if args.config_name is not None:
        config_api.check_config_name(args.config_name)
    options, inputs = _run_options(args)
    session = ctx.session()
    created = new_config(
        session,
        options,
        inputs,
        name=args.config_name,
        description=args.description,
        now=clock_of(session).now(),
    )
    ctx.console.out(f"created job configuration {created.config_name}\n")
    return 0


def update_config(ctx: Context, args: Any) -> int:
    from .job_configs import replace_config

    config_api.config_path(args.config_name)
    options, inputs = _run_options(args)
    replace_config(
        ctx.session(), options, inputs, name=args.config_name, description=args.description
    )
    ctx.console.out(f"updated job configuration {args.config_name}\n")
    return 0


def delete_config(ctx: Context, args: Any) -> int:
    config_api.config_path(args.config_name)
    may_proceed(ctx, args, f"delete job configuration {args.config_name}")
    session = ctx.session()
    confirm(ctx, args, f"Delete job configuration {args.config_name}? This cannot be undone.")
    config_api.delete_config(session, args.config_name)
    ctx.console.out(f"deleted job configuration {args.config_name}\n")
    return 0


#: command name -> (handler, what it does, for "could not ..." messages).
CONFIG_COMMANDS: Dict[str, Tuple[Handler, str]] = {
    "list": (list_configs, "list job configurations"),
    "show": (show_config, "get job configuration {config_name}"),
    "create": (create_config, "create a job configuration"),
    "update": (update_config, "update job configuration {config_name}"),
    "delete": (delete_config, "delete job configuration {config_name}"),
}


# -- visualizations -------------------------------------------------------------------------


def list_visualizations(ctx: Context, args: Any) -> int:
    page = vis_api.list_visualizations(
        ctx.session(),
        status=args.status,
        per_page=args.per_page or _PER_PAGE,
        page=args.page,
        sort_by=args.sort_by,
        order=args.order,
        search_content=args.search,
    )
    _show_page(ctx, args, page.jobs, page.job_total_count, render_visualizations_table, "jobs")
    return 0


_VISUALIZATION_LEADING = ("job_id", "job_name", "status", "service_url", "create_time",
                          "duration", "remaining_duration", "train_url", "job_desc")  # fmt: skip


def show_visualization(ctx: Context, args: Any) -> int:
    job: Visualization = vis_api.get_visualization(
        ctx.session(), normalize_id(args.job_id, "JOB_ID")
    )
    decoded = {
        "status": f"{job.status.name} ({int(job.status)})",
        "create_time": format_time(job.create_time),
        "duration": format_duration(job.duration),
        "remaining_duration": format_duration(job.remaining_duration),
    }
    _show_record(ctx, args, record_pairs(job.raw, _VISUALIZATION_LEADING, decoded), job.raw)
    return 0


def create_visualization(ctx: Context, args: Any) -> int:
    if args.name is not None:
        vis_api.check_visualization_name(args.name)
    if args.timeout is not None and not args.wait:
        raise InvalidArgumentError("--timeout goes with --wait")
    job = VisualizationJob(ctx.session()).create_visualization_job(
        args.train_url, args.name, args.description, wait=args.wait, timeout=args.timeout
    )
    line = f"visualization job {job.job_id} ({job.job_name}): {job.status.name}"
    if job.status is JobStatus.RUNNING and job.service_url:
        line += f" at {job.service_url}"
    ctx.console.out(line + "\n")
    if args.wait and job.status is not JobStatus.RUNNING:
        raise Aborted(
            f"error: visualization job {job.job_id} ended {job.status.name} without serving"
        )
    return 0


def _change(
    verb: str, call: Callable[[VisualizationJob, Any], Any], *, ask: bool = False
) -> Handler:
    def handle(ctx: Context, args: Any) -> int:
        job_id = normalize_id(args.job_id, "JOB_ID")
        if ask:
            may_proceed(ctx, args, f"{verb} visualization job {job_id}")
        job = VisualizationJob(ctx.session(), job_id)
        if ask:
            confirm(ctx, args, f"{verb.capitalize()} visualization job {job_id}?")
        call(job, args)
        ctx.console.out(f"{verb} visualization job {job_id}: done\n")
        return 0

    return handle


VISUALIZATION_COMMANDS: Dict[str, Tuple[Handler, str]] = {
    "list": (list_visualizations, "list visualization jobs"),
    "show": (show_visualization, "get visualization job {job_id}"),
    "create": (create_visualization, "create a visualization job"),
    "stop": (
        _change("stop", lambda job, _: job.stop_visualization_job(), ask=True),
        "stop visualization job {job_id}",
    ),
    "restart": (
        _change("restart", lambda job, _: job.restart_visualization_job()),
        "restart visualization job {job_id}",
    ),
    "update": (
        _change("update", lambda job, args: job.update_visualization_job(args.description)),
        "update visualization job {job_id}",
    ),
    "delete": (
        _change("delete", lambda job, _: job.delete_visualization_job(), ask=True),
        "delete visualization job {job_id}",
    ),
}

#: The commands of the groups beside ``jobs``, by group.
GROUPS = {"configs": CONFIG_COMMANDS, "visualizations": VISUALIZATION_COMMANDS}
