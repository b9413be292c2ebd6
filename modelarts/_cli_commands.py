"""The ``modelarts jobs ...`` commands: one function each, ``(context, args) -> exit status``.

Each one checks its arguments before building the session (so a usage error
never needs credentials), and a destructive one makes sure it may proceed
(``--yes``, or a terminal to ask on) before anything is sent.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any, Callable, Dict, Iterator, Optional, Set, Tuple

from . import training_api as api
from ._cli_console import Context, UsageError
from ._cli_format import (
    JOB_COLUMNS,
    dump_json,
    job_row,
    render_pairs,
    render_table,
    version_pairs,
)
from .display import render_versions_table
from .errors import ResponseFormatError
from .training_api import normalize_id
from .training_job import TrainingJob
from .version_listing import iter_versions

if TYPE_CHECKING:
    from .schemas import JobSummary

__all__ = ["COMMANDS", "Aborted", "confirm", "may_proceed", "write_records"]

#: list-jobs ``page`` is documented as [1, 65535].
_LAST_PAGE = 65535


class Aborted(Exception):
    """The person at the terminal answered no (exit status 1)."""


def write_records(ctx: Context, records: Iterator[Any], output: str) -> None:
    """``json``: one indented array, written once complete; ``jsonl``: a line per record, as
    it arrives (nothing but the current page is held)."""
    ascii_only = ctx.console.ascii_only
    if output == "jsonl":
        for record in records:
            ctx.console.out(dump_json(record, ascii_only=ascii_only) + "\n")
        return
    collected = list(records)
    ctx.finish_progress()
    ctx.console.out(dump_json(collected, indent=2, ascii_only=ascii_only) + "\n")


# -- jobs list ------------------------------------------------------------------------------


class _JobPages:
    """The list-jobs records of one page, or of every page (``--all``)."""

    def __init__(self, ctx: Context, args: Any, per_page: int) -> None:
        self.ctx = ctx
        self.args = args
        self.per_page = per_page
        self.total: Optional[int] = None

    def fetch(self, page: int) -> "Tuple[JobSummary, ...]":
        args = self.args
        answer = api.list_jobs(
            self.ctx.session(),
            status=args.status,
            per_page=self.per_page,
            page=page,
            sort_by=args.sort_by,
            order=args.order,
            search_content=args.search,
        )
        self.total = answer.job_total_count
        return answer.jobs

    def every_page(self) -> "Iterator[JobSummary]":
        # Stops at the announced total, a short or empty page, or a page holding only
        # jobs already seen (a server that ignores ``page`` must not loop forever).
        # A server inventing jobs is stopped one page past what its first
        # job_total_count needs, or at the last page: an error, never a short list.
        seen: Set[Optional[str]] = set()
        first: Optional[int] = None
        for page in range(1, _LAST_PAGE + 1):
            jobs = self.fetch(page)
            first = self.total if first is None else first
            fresh = [job for job in jobs if job.job_id not in seen]
            seen.update(job.job_id for job in fresh)
            yield from fresh
            done = self.total is not None and len(seen) >= self.total
            if done or not fresh or len(jobs) < self.per_page:
                return
            if first is not None and page > -(-first // self.per_page):
                raise ResponseFormatError(
                    f"the server keeps sending new jobs: {len(seen)} in {page} pages, "
                    f"when it first announced {first}",
                    operation="list training jobs",
                )
        raise ResponseFormatError(
            f"the server sent {_LAST_PAGE} full pages of new jobs; listing stops there",
            operation="list training jobs",
        )


def list_jobs(ctx: Context, args: Any) -> int:
    if args.all and args.page is not None:
        raise UsageError("--all walks every page; leave out --page")
    per_page = args.per_page if args.per_page is not None else (1000 if args.all else 50)
    pages = _JobPages(ctx, args, per_page)
    records: "Iterator[JobSummary]"
    if args.all:
        progress = ctx.progress("jobs", streaming=args.output == "jsonl")
        records = progress.count(pages.every_page(), lambda: pages.total)
    else:
        records = iter(pages.fetch(args.page or 1))
    if args.output != "table":
        write_records(ctx, (job.raw for job in records), args.output)
        return 0
    rows = [job_row(job) for job in records]
    ctx.finish_progress()
    ctx.console.out(render_table(JOB_COLUMNS, rows) + "\n")
    if not args.all and pages.total is not None:
        first = ((args.page or 1) - 1) * per_page
        if first + len(rows) < pages.total:
            ctx.console.err(
                f"showing jobs {first + 1}-{first + len(rows)} of {pages.total}; "
                f"--page {(args.page or 1) + 1} for the next page, --all for every job"
            )
    return 0


# -- jobs versions / show / logs ------------------------------------------------------------


def list_versions(ctx: Context, args: Any) -> int:
    job_id = normalize_id(args.job_id, "JOB_ID")
    progress = ctx.progress("versions", streaming=args.output == "jsonl")
    versions = iter_versions(ctx.session(), job_id, page_size=args.page_size)
    counted = progress.count(versions, lambda: versions.version_count)
    if args.output == "table":
        table = render_versions_table(counted)
        ctx.finish_progress()
        ctx.console.out(table + "\n")
    else:
        write_records(ctx, (job.raw for job in counted), args.output)
    return 0


def show_version(ctx: Context, args: Any) -> int:
    job_id = normalize_id(args.job_id, "JOB_ID")
    version_id = normalize_id(args.version_id, "VERSION_ID")
    version = api.get_version(ctx.session(), job_id, version_id)
    if args.output == "json":
        text = dump_json(version.raw, indent=2, ascii_only=ctx.console.ascii_only)
        ctx.console.out(text + "\n")
    else:
        ctx.console.out(render_pairs(version_pairs(version)) + "\n")
    return 0


def show_logs(ctx: Context, args: Any) -> int:
    if args.follow:
        from ._cli_watch import follow_logs

        return follow_logs(ctx, args)
    job_id = normalize_id(args.job_id, "JOB_ID")
    version_id = normalize_id(args.version_id, "VERSION_ID")
    text = api.get_log(
        ctx.session(), job_id, version_id, args.file, lines=args.lines, order="desc"
    ).content
    if text:
        ctx.console.out(text if text.endswith("\n") else text + "\n")
    return 0


# -- changes -------------------------------------------------------------------------------


def may_proceed(ctx: Context, args: Any, what: str) -> None:
    """Refuse early when nobody can confirm: before credentials are even looked at."""
    if not args.yes and not ctx.console.interactive:
        raise UsageError(
            f"refusing to {what} without confirmation: stdin is not a terminal; "
            "pass --yes to confirm"
        )


def confirm(ctx: Context, args: Any, question: str) -> None:
    if args.yes:
        return
    if not ctx.console.ask(question):
        raise Aborted("aborted; nothing was changed")


def _version_action(
    ctx: Context, args: Any, verb: str, doing: str, warning: str, act: Callable[[TrainingJob], Any]
) -> int:
    """Stop or delete one version: check the ids, ask, act, say what is happening."""
    job_id = normalize_id(args.job_id, "JOB_ID")
    version_id = normalize_id(args.version_id, "VERSION_ID")
    what = f"version {version_id} of job {job_id}"
    may_proceed(ctx, args, f"{verb} {what}")
    version = TrainingJob(ctx.session(), job_id, version_id)
    confirm(ctx, args, f"{verb.capitalize()} {what}?{warning}")
    act(version)
    ctx.console.out(f"{doing} {what}\n")
    return 0


def stop_version(ctx: Context, args: Any) -> int:
    return _version_action(ctx, args, "stop", "stopping", "", TrainingJob.stop_job_version)


def delete_version(ctx: Context, args: Any) -> int:
    return _version_action(
        ctx, args, "delete", "deleting", " This cannot be undone.", TrainingJob.delete_job_version
    )


def delete_job(ctx: Context, args: Any) -> int:
    job_id = normalize_id(args.job_id, "JOB_ID")
    may_proceed(ctx, args, f"delete job {job_id}")
    session = ctx.session()
    confirm(ctx, args, f"Delete job {job_id} and all its versions? This cannot be undone.")
    api.delete_job(session, job_id)
    ctx.console.out(f"deleting job {job_id} and all its versions\n")
    return 0


def describe_job(ctx: Context, args: Any) -> int:
    job_id = normalize_id(args.job_id, "JOB_ID")
    api.update_description(ctx.session(), job_id, args.description)
    ctx.console.out(f"updated the description of job {job_id}\n")
    return 0


def _later(module: str, name: str) -> Callable[[Context, Any], int]:
    """The handler ``name`` of ``module``, imported when its command runs: creating jobs
    and the catalogues load nothing for the other commands (a replay starts faster)."""

    def handler(ctx: Context, args: Any) -> int:
        found: Callable[[Context, Any], int] = getattr(import_module(module, __package__), name)
        return found(ctx, args)

    return handler


#: command name -> (handler, what it does, for "could not ..." messages).
COMMANDS: Dict[str, Tuple[Callable[[Context, Any], int], str]] = {
    "list": (list_jobs, "list training jobs"),
    "versions": (list_versions, "list the versions of job {job_id}"),
    "show": (show_version, "get version {version_id} of job {job_id}"),
    "stop": (stop_version, "stop version {version_id} of job {job_id}"),
    "delete-version": (delete_version, "delete version {version_id} of job {job_id}"),
    "delete": (delete_job, "delete job {job_id}"),
    "describe": (describe_job, "update the description of job {job_id}"),
    "logs": (show_logs, "read the log of version {version_id} of job {job_id}"),
    "metrics": (
        _later("._cli_watch", "show_metrics"),
        "read the metrics of version {version_id} of job {job_id}",
    ),
    "create": (_later("._cli_create", "create_job"), "create a training job"),
    "new-version": (_later("._cli_create", "create_version"), "create a version of job {job_id}"),
    "wait": (
        _later("._cli_create", "wait_version"),
        "wait for version {version_id} of job {job_id}",
    ),
    "specs": (_later("._cli_catalog", "list_specs"), "list the resource flavors"),
    "engines": (_later("._cli_catalog", "list_engines"), "list the AI engines"),
    "algorithms": (_later("._cli_catalog", "list_algorithms"), "list the built-in algorithms"),
}
