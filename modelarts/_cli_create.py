"""``modelarts jobs create``, ``jobs new-version`` and ``jobs wait``.

``create`` is ``Estimator(session, <run keywords>).fit(...)`` (pages
modelarts_03_0045 and, for ``--reuse``, modelarts_03_0046); ``new-version`` is
``create_job_version`` (modelarts_03_0050); ``wait`` and ``--wait`` are
``TrainingJob.wait`` (modelarts/waiting.py). Every run flag is the Estimator
keyword of the same meaning (``_cli_run_args.RUN_FLAGS``), checked by
``modelarts/run_config.py`` before anything is sent.

A wait ends with exit status 0 when the version COMPLETED and 1 when it failed
or the ``--timeout`` passed; Ctrl-C leaves the job running (exit 130).
"""

from __future__ import annotations

import json
from typing import Any, Dict, List, Optional

from ._cli_console import Context, UsageError
from ._cli_format import dump_json, render_pairs
from ._cli_run_args import RUN_FLAGS
from .display import format_duration
from .errors import (
    CreateOutcomeUnknownError,
    ModelArtsError,
    WaitTimeoutError,
    safe_for_terminal,
)
from .estimator import Estimator
from .job_status import JobStatus
from .run_config import Inputs, RunSettings, check_job_name
from .training_api import normalize_id
from .training_job import TrainingJob

__all__ = ["create_job", "create_version", "wait_version"]


def run_options(args: Any) -> Dict[str, Any]:
    """The Estimator run keywords the command line gave (``None``: not given)."""
    options: Dict[str, Any] = {
        keyword: getattr(args, keyword)
        for _, keyword, _, _ in RUN_FLAGS
        if getattr(args, keyword) is not None
    }
    if args.hyperparameters:
        options["hyperparameters"] = [
            {"label": name, "value": value} for name, value in args.hyperparameters
        ]
    return options


def _inputs(args: Any) -> Dict[str, Any]:
    """The data arguments of ``fit``/``create_job_version``; ``--data-source`` is JSON."""
    sources: Optional[List[Any]] = None
    if args.data_source is not None:
        try:
            sources = json.loads(args.data_source)
        except ValueError as exc:
            raise UsageError(f"--data-source is not JSON: {exc}") from None
        if not isinstance(sources, list):
            raise UsageError('--data-source must be a JSON list of {"type": ...} objects')
    return {
        "inputs": args.inputs,
        "dataset_id": args.dataset_id,
        "dataset_version_id": args.dataset_version_id,
        "data_source": sources,
    }


def _checked(args: Any, options: Dict[str, Any]) -> Dict[str, Any]:
    """Every flag checked before the session is built (a mistake never needs
    credentials); the data arguments of ``fit``/``create_job_version``."""
    if not args.wait and (args.timeout is not None or args.poll is not None):
        raise UsageError("--timeout and --poll need --wait")
    data = _inputs(args)
    settings = RunSettings.from_options(options)
    settings.plan(Inputs.of(**data), priority=args.priority)  # what fit checks, no request
    if args.description is not None:
        settings.description(args.description)
    return data


def _report(ctx: Context, job: TrainingJob, args: Any, said: str) -> int:
    """Say what was created, wait for it with ``--wait``, print it; the exit status.

    A ``--timeout`` that passes is reported after the version (exit 1): the
    job was created and keeps running.
    """
    ctx.console.err(said)
    status: Optional[JobStatus] = None
    late: Optional[WaitTimeoutError] = None
    if args.wait:
        try:
            status = job.wait(timeout=args.timeout, poll=args.poll)
        except WaitTimeoutError as exc:
            late = exc
    # A wait that timed out leaves the handle as created; the error has the last status.
    shown = late.status if late is not None and isinstance(late.status, JobStatus) else job.status
    if args.output == "json":
        text = dump_json(dict(job.raw), indent=2, ascii_only=ctx.console.ascii_only)
        ctx.console.out(text + "\n")
    else:
        pairs = [
            ("job_id", job.job_id),
            ("version_id", job.version_id),
            ("job_name", job.job_name or "-"),
            ("status", f"{shown.name} ({int(shown)})"),
        ]
        if status is not None:
            pairs.append(("duration", format_duration(job.duration)))
        ctx.console.out(render_pairs(pairs) + "\n")
    if late is not None:
        ctx.console.stdout.flush()
        ctx.console.err(f"modelarts: error: {safe_for_terminal(str(late))}")
        return 1
    return _exit_status(status)


def _exit_status(status: Optional[JobStatus]) -> int:
    return 0 if status is None or status is JobStatus.COMPLETED else 1


def create_job(ctx: Context, args: Any) -> int:
    """``jobs create``: ``Estimator(...).fit(...)``, or the existing job with ``--reuse``."""
    if args.reuse and args.job_name is None:
        raise UsageError("--reuse finds a job by its exact name: give --job-name NAME")
    if args.job_name is not None:
        check_job_name(args.job_name)
    options = run_options(args)
    if args.description is not None:
        options["job_description"] = args.description
    data = _checked(args, options)
    session = ctx.session()
    estimator = Estimator(session, **options)
    if args.reuse:
        found = Estimator.find_job(session, args.job_name)
        if found is not None:
            said = (
                f"job {args.job_name!r} exists (job {found.job_id} version {found.version_id}); "
                "not creating another"
            )
            return _report(ctx, found, args, said)
    try:
        job = estimator.fit(**data, job_name=args.job_name, priority=args.priority)
    except CreateOutcomeUnknownError as exc:
        raise ModelArtsError(
            f"the request to create job {exc.job_name!r} was sent but its answer was lost, so "
            f"the job may exist; run the same command with --job-name {exc.job_name} --reuse "
            "to use it if it does (never create it twice)"
        ) from exc
    name = job.job_name or args.job_name
    said = f"created job {job.job_id} ({name}) version {job.version_id}"
    return _report(ctx, job, args, said)


def create_version(ctx: Context, args: Any) -> int:
    """``jobs new-version JOB --from VERSION``: ``create_job_version``."""
    job_id = normalize_id(args.job_id, "JOB_ID")
    pre_version_id = normalize_id(args.pre_version_id, "--from")
    options = run_options(args)
    data = _checked(args, options)
    estimator = Estimator(ctx.session(), job_id=job_id, **options)
    job = estimator.create_job_version(
        job_id,
        pre_version_id,
        **data,
        job_desc=args.description,
        priority=args.priority,
    )
    said = f"created version {job.version_id} of job {job_id} from version {pre_version_id}"
    return _report(ctx, job, args, said)


def wait_version(ctx: Context, args: Any) -> int:
    """``jobs wait JOB VERSION``: 0 when it COMPLETED, 1 when it failed."""
    job_id = normalize_id(args.job_id, "JOB_ID")
    version_id = normalize_id(args.version_id, "VERSION_ID")
    job = TrainingJob(ctx.session(), job_id, version_id)
    status = job.wait(timeout=args.timeout, poll=args.poll)
    ctx.console.out(
        f"version {version_id} of job {job_id} ended {status.name} ({status.label}) "
        f"after running {format_duration(job.duration)}\n"
    )
    return _exit_status(status)
