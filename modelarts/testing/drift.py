"""Drift control: do recorded answers still fit the schemas the SDK loads them with?

A fixture replays whatever the cloud said when it was recorded. If the API has
changed since (``status`` now a string, ``versions`` no longer a list), tests
that replay old fixtures keep passing while real calls fail, and fixtures
recorded after the change hold bodies the SDK cannot read. This check loads
every 2xx JSON body of a fixture with the loader the SDK uses for that route
and reports what no longer fits, naming file, interaction, route and field::

    from modelarts.testing.drift import check_fixtures

    for problem in check_fixtures("fixtures"):
        print(problem)

    $ python -m modelarts.testing.drift fixtures     # exit status 1 on any problem

Routes without a schema here are reported as ``unchecked``, which is not a
failure. Error answers (status outside 2xx, or ``is_success`` other than ``true``) are not
checked: they are what the SDK turns into ``APIError``.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, List, Optional, Pattern, Sequence, Tuple, Union

from .._decode import reports_failure
from ..errors import FixtureError, FixtureNotFoundError, ResponseFormatError
from ..schemas import (
    load_aom_log,
    load_config_detail,
    load_configs_page,
    load_envelope,
    load_iam_projects,
    load_jobs_page,
    load_log_file_names,
    load_token_expiry,
    load_version_detail,
    load_versions_page,
    load_visualization,
    load_visualizations_page,
)
from ..transport.fixture_format import Interaction, load_fixture

__all__ = [
    "FAILED_KINDS",
    "ROUTES",
    "Problem",
    "Route",
    "check_fixture",
    "check_fixtures",
    "main",
    "route_for",
]

PathLike = Union[str, "os.PathLike[str]"]

#: ``Problem.kind`` values that fail a check (``unchecked`` does not).
FAILED_KINDS = frozenset({"mismatch", "not-json", "unreadable"})


@dataclass(frozen=True)
class Problem:
    """One finding of a drift check.

    ``kind`` is ``mismatch`` (the body does not fit the route's schema),
    ``not-json`` (a 2xx body on a checked route that is not JSON),
    ``unreadable`` (the fixture file itself cannot be loaded; ``index`` is
    ``None``) or ``unchecked`` (no schema is known for the route: reported,
    not failed). ``field`` is a dotted path such as ``versions[0].status``.
    """

    path: Path
    index: Optional[int]
    route: str
    field: Optional[str]
    message: str
    kind: str = "mismatch"

    @property
    def failed(self) -> bool:
        """Whether this finding fails the check (everything but ``unchecked``)."""
        return self.kind in FAILED_KINDS

    def __str__(self) -> str:
        where = str(self.path)
        if self.index is not None:
            where += f": interaction {self.index}"
        if self.route:
            where += f" ({self.route})"
        field = f": field {self.field!r}" if self.field else ""
        return f"{where}{field}: {self.kind}: {self.message}"


Loader = Callable[..., Any]


@dataclass(frozen=True)
class Route:
    """A documented call: method, path pattern (``{name}`` is one segment), loader."""

    name: str
    method: str
    pattern: str
    load: Loader

    @property
    def regex(self) -> Pattern[str]:
        parts = re.split(r"(\{[a-z_]+\})", self.pattern)
        body = "".join("[^/]+" if part.startswith("{") else re.escape(part) for part in parts)
        return re.compile(body + "/?")


_JOBS = "/v1/{project_id}/training-jobs"
_JOB = _JOBS + "/{job_id}"
_VERSION = _JOB + "/versions/{version_id}"
_CONFIGS = "/v1/{project_id}/training-job-configs"
_VISUALIZATIONS = "/v1/{project_id}/visualization-jobs"
_VISUALIZATION = _VISUALIZATIONS + "/{job_id}"

#: Every route the SDK calls, with the loader it applies to a successful answer.
ROUTES: Tuple[Route, ...] = (
    Route("list jobs", "GET", _JOBS, load_jobs_page),
    Route("update job description", "PUT", _JOB, load_envelope),
    Route("delete job", "DELETE", _JOB, load_envelope),
    Route("list versions", "GET", _JOB + "/versions", load_versions_page),
    Route("version detail", "GET", _VERSION, load_version_detail),
    Route("delete version", "DELETE", _VERSION, load_envelope),
    Route("stop version", "POST", _VERSION + "/stop", load_envelope),
    Route("log file names", "GET", _VERSION + "/log/file-names", load_log_file_names),
    Route("read log", "GET", _VERSION + "/aom-log", load_aom_log),
    Route("create job configuration", "POST", _CONFIGS, load_envelope),
    Route("list job configurations", "GET", _CONFIGS, load_configs_page),
    Route("job configuration detail", "GET", _CONFIGS + "/{config_name}", load_config_detail),
    Route("update job configuration", "PUT", _CONFIGS + "/{config_name}", load_envelope),
    Route("delete job configuration", "DELETE", _CONFIGS + "/{config_name}", load_envelope),
    Route("create visualization job", "POST", _VISUALIZATIONS, load_visualization),
    Route("list visualization jobs", "GET", _VISUALIZATIONS, load_visualizations_page),
    Route("visualization job detail", "GET", _VISUALIZATION, load_visualization),
    Route("update visualization job", "PUT", _VISUALIZATION, load_envelope),
    Route("delete visualization job", "DELETE", _VISUALIZATION, load_envelope),
    Route("stop visualization job", "POST", _VISUALIZATION + "/stop", load_envelope),
    Route("restart visualization job", "POST", _VISUALIZATION + "/restart", load_envelope),
    Route("IAM projects", "GET", "/v3/projects", load_iam_projects),
    Route("IAM token", "POST", "/v3/auth/tokens", load_token_expiry),
)
_COMPILED = tuple((route, route.regex) for route in ROUTES)


def route_for(method: str, path: str) -> Optional[Route]:
    """The route a recorded request belongs to, or ``None`` when no schema is known."""
    wanted = method.upper()
    for route, regex in _COMPILED:
        if route.method == wanted and regex.fullmatch(path):
            return route
    return None


def check_fixture(path: PathLike) -> List[Problem]:
    """Check every successful answer in one fixture file against its route's schema."""
    target = Path(path)
    try:
        fixture = load_fixture(target)
    except FixtureError as exc:
        return [Problem(target, None, "", None, str(exc), kind="unreadable")]
    problems: List[Problem] = []
    for index, interaction in enumerate(fixture.interactions):
        problem = _check_interaction(target, index, interaction)
        if problem is not None:
            problems.append(problem)
    return problems


def check_fixtures(directory: PathLike) -> List[Problem]:
    """``check_fixture`` for every ``*.json`` under ``directory`` (recursively, sorted).

    Hidden files and directories are skipped. Raises ``FixtureNotFoundError``
    when ``directory`` is not a directory.
    """
    root = Path(directory)
    if not root.is_dir():
        raise FixtureNotFoundError(f"fixture directory {root} does not exist")
    problems: List[Problem] = []
    for file in _fixture_files(root):
        problems.extend(check_fixture(file))
    return problems


def _fixture_files(root: Path) -> List[Path]:
    found = []
    for file in root.rglob("*.json"):
        relative = file.relative_to(root).parts
        if file.is_file() and not any(part.startswith(".") for part in relative):
            found.append(file)
    return sorted(found)


def _check_interaction(path: Path, index: int, interaction: Interaction) -> Optional[Problem]:
    request = interaction.request
    response = interaction.response
    if not 200 <= response.status < 300:
        return None
    label = f"{request.method} {request.target()}"
    route = route_for(request.method, request.path)
    if route is None:
        return Problem(path, index, label, None, "no schema is known for this route", "unchecked")
    where = f"{route.name}: {label}"
    body = response.body
    if body.kind == "empty":
        value: Any = {}  # the SDK reads an empty success body as {}
    elif body.kind == "json":
        value = body.value
    elif body.kind == "text":
        try:
            value = json.loads(body.value)
        except ValueError:
            message = f"the body is text, not JSON: {body.summary(80)}"
            return Problem(path, index, where, None, message, "not-json")
    else:
        return Problem(path, index, where, None, "the body is binary, not JSON", "not-json")
    if reports_failure(value):
        return None  # an error answer with a 2xx status: the SDK raises APIError
    try:
        route.load(value, operation=route.name, status_code=response.status)
    except ResponseFormatError as exc:
        return Problem(path, index, where, exc.field, exc.detail)
    return None


# -- the command -----------------------------------------------------------------


def main(argv: Optional[Sequence[str]] = None) -> int:
    """``python -m modelarts.testing.drift [DIR]``: 0 when everything fits, 1 otherwise."""
    parser = argparse.ArgumentParser(
        prog="python -m modelarts.testing.drift",
        description="Check recorded ModelArts fixtures against the SDK's response schemas.",
    )
    parser.add_argument(
        "directory", nargs="?", default="fixtures", help="fixture directory (default: fixtures)"
    )
    options = parser.parse_args(argv)
    try:
        problems = check_fixtures(options.directory)
    except FixtureNotFoundError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    failed = [problem for problem in problems if problem.failed]
    unchecked = [problem for problem in problems if not problem.failed]
    for problem in failed + unchecked:
        print(problem)
    files = len(_fixture_files(Path(options.directory)))
    print(_summary(files, failed, unchecked))
    return 1 if failed else 0


def _summary(files: int, failed: Iterable[Problem], unchecked: Iterable[Problem]) -> str:
    failures = len(list(failed))
    skipped = len(list(unchecked))
    note = f"; {skipped} interaction(s) unchecked (no schema)" if skipped else ""
    if failures:
        return f"{failures} problem(s) in {files} fixture file(s){note}"
    return f"{files} fixture file(s) fit the schemas{note}"


if __name__ == "__main__":
    sys.exit(main())
