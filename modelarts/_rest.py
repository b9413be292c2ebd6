"""The v1 training-job REST calls (api.md §1, §2), one function each.

``Estimator`` and ``TrainingJob`` are thin, friendly faces over these. Every
function validates its arguments *before* sending anything (``InvalidArgumentError``,
a ``ValueError``), sends exactly the documented method, path and body through
``session.request``, checks the answer against its schema (``ResponseFormatError``
when it cannot be understood) and returns the server's JSON body as a ``dict``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Dict, List, Optional, Tuple, Union

from . import schemas
from .errors import InvalidArgumentError, ModelArtsError
from .schemas import VersionsPage, load_versions_page

if TYPE_CHECKING:
    from .session import Session

__all__ = [
    "JOB_SORT_KEYS",
    "MAX_PAGE_SIZE",
    "delete_job",
    "delete_version",
    "get_log",
    "get_log_file_names",
    "get_version_detail",
    "list_jobs",
    "list_versions",
    "list_versions_page",
    "stop_version",
    "update_description",
]

#: ``per_page`` is documented as [1, 1000] for list-jobs and list-versions.
MAX_PAGE_SIZE = 1000
#: ``page`` of list-jobs is documented as [1, 65535].
MAX_PAGE = 65535
#: ``sortBy`` values of list-jobs (api.md §2.1).
JOB_SORT_KEYS = ("job_name", "job_desc", "status", "duration", "version_count", "create_time")
_ORDERS = ("asc", "desc")
_MAX_DESCRIPTION = 256
_MAX_SEARCH = 64
_MAX_LOG_LINES = 500

_JOBS = "/v1/{project_id}/training-jobs"

Id = Union[str, int]


def job_path(job_id: str) -> str:
    return f"{_JOBS}/{job_id}"


def versions_path(job_id: str) -> str:
    return f"{_JOBS}/{job_id}/versions"


def version_path(job_id: str, version_id: str) -> str:
    return f"{_JOBS}/{job_id}/versions/{version_id}"


def _dict_after(loader: str) -> Callable[..., Dict[str, Any]]:
    """A ``load=`` hook that validates with ``schemas.<loader>`` and hands back the body.

    The loader is looked up on first use, so schemas an import never needs stay unloaded.
    """

    def load(body: Any, **origin: Any) -> Dict[str, Any]:
        getattr(schemas, loader)(body, **origin)
        result: Dict[str, Any] = body
        return result

    return load


_SUCCESS = _dict_after("load_envelope")
_VERSION_DETAIL = _dict_after("check_version_detail")
_VERSIONS = _dict_after("load_versions_page")
_JOBS_PAGE = _dict_after("load_jobs_page")
_LOG_NAMES = _dict_after("load_log_file_names")
_AOM_LOG = _dict_after("load_aom_log")


def check_page_size(value: Any, name: str = "per_page") -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_PAGE_SIZE:
        raise InvalidArgumentError(f"{name} must be an int in [1, {MAX_PAGE_SIZE}], got {value!r}")
    return value


def _check_choice(name: str, value: Any, choices: "Tuple[str, ...]") -> str:
    if value not in choices:
        raise InvalidArgumentError(f"{name} must be one of {', '.join(choices)}; got {value!r}")
    result: str = value
    return result


def get_version_detail(session: "Session", job_id: str, version_id: str) -> Dict[str, Any]:
    """``GET .../training-jobs/{job_id}/versions/{version_id}`` (api.md §2.4)."""
    result: Dict[str, Any] = session.request(
        "GET",
        version_path(job_id, version_id),
        operation=f"get version {version_id} of job {job_id}",
        load=_VERSION_DETAIL,
    )
    return result


def list_versions(session: "Session", job_id: str) -> Dict[str, Any]:
    """``GET .../training-jobs/{job_id}/versions`` without paging: every version (§2.3)."""
    result: Dict[str, Any] = session.request(
        "GET", versions_path(job_id), operation=f"list versions of job {job_id}", load=_VERSIONS
    )
    return result


def list_versions_page(
    session: "Session", job_id: str, *, page: Optional[int], per_page: int
) -> VersionsPage:
    """One page of versions, loaded (the envelope checked, records lazily typed).

    ``page=None`` asks for the documented unpaged listing (no ``page`` and
    ``per_page`` parameters: every version in one answer).
    """
    query = None if page is None else [("per_page", per_page), ("page", page)]
    label = "all" if page is None else f"page {page}"
    page_loaded: VersionsPage = session.request(
        "GET",
        versions_path(job_id),
        query=query,
        operation=f"list versions of job {job_id} ({label})",
        load=load_versions_page,
    )
    return page_loaded


def update_description(session: "Session", job_id: str, description: str) -> Dict[str, Any]:
    """``PUT .../training-jobs/{job_id}`` with ``{"job_desc": ...}`` (§2.6)."""
    if not isinstance(description, str):
        raise InvalidArgumentError(f"description must be a str, got {type(description).__name__}")
    if len(description) > _MAX_DESCRIPTION:
        raise InvalidArgumentError(
            f"description is {len(description)} characters; the limit is {_MAX_DESCRIPTION}"
        )
    result: Dict[str, Any] = session.request(
        "PUT",
        job_path(job_id),
        json={"job_desc": description},
        operation=f"update the description of job {job_id}",
        load=_SUCCESS,
    )
    return result


def stop_version(session: "Session", job_id: str, version_id: str) -> Dict[str, Any]:
    """``POST .../versions/{version_id}/stop``, no body (§2.6)."""
    result: Dict[str, Any] = session.request(
        "POST",
        version_path(job_id, version_id) + "/stop",
        operation=f"stop version {version_id} of job {job_id}",
        load=_SUCCESS,
    )
    return result


def delete_version(session: "Session", job_id: str, version_id: str) -> Dict[str, Any]:
    """``DELETE .../versions/{version_id}`` (§2.6)."""
    result: Dict[str, Any] = session.request(
        "DELETE",
        version_path(job_id, version_id),
        operation=f"delete version {version_id} of job {job_id}",
        load=_SUCCESS,
    )
    return result


def delete_job(session: "Session", job_id: str) -> Dict[str, Any]:
    """``DELETE .../training-jobs/{job_id}``: the job and all its versions (§2.6)."""
    result: Dict[str, Any] = session.request(
        "DELETE", job_path(job_id), operation=f"delete job {job_id}", load=_SUCCESS
    )
    return result


def get_log_file_names(session: "Session", job_id: str, version_id: str) -> Dict[str, Any]:
    """``GET .../versions/{version_id}/log/file-names`` (§2.7)."""
    result: Dict[str, Any] = session.request(
        "GET",
        version_path(job_id, version_id) + "/log/file-names",
        operation=f"list log files of version {version_id} of job {job_id}",
        load=_LOG_NAMES,
    )
    return result


def check_log_arguments(
    log_file: Optional[str], lines: Any, base_line: Optional[str], order: Any
) -> None:
    if log_file is not None and (not isinstance(log_file, str) or not log_file):
        raise InvalidArgumentError(f"log_file must be a non-empty str, got {log_file!r}")
    if isinstance(lines, bool) or not isinstance(lines, int) or not 0 <= lines <= _MAX_LOG_LINES:
        raise InvalidArgumentError(f"lines must be an int in [0, {_MAX_LOG_LINES}], got {lines!r}")
    if base_line is not None and not isinstance(base_line, str):
        raise InvalidArgumentError(f"base_line must be a str (a position), got {base_line!r}")
    _check_choice("order", order, _ORDERS)


def get_log(
    session: "Session",
    job_id: str,
    version_id: str,
    log_file: str,
    *,
    lines: int = 50,
    base_line: Optional[str] = None,
    order: str = "desc",
) -> Dict[str, Any]:
    """``GET .../versions/{version_id}/aom-log`` (§2.7): ``lines`` lines from ``base_line``."""
    check_log_arguments(log_file, lines, base_line, order)
    query: List[Tuple[str, Any]] = [("log_file", log_file), ("lines", lines), ("order", order)]
    if base_line is not None:
        query.append(("base_line", base_line))
    result: Dict[str, Any] = session.request(
        "GET",
        version_path(job_id, version_id) + "/aom-log",
        query=query,
        operation=f"read log {log_file} of version {version_id} of job {job_id}",
        load=_AOM_LOG,
    )
    return result


def first_log_file(names_body: Dict[str, Any], job_id: str, version_id: str) -> str:
    names = schemas.load_log_file_names(names_body)
    if not names:
        raise ModelArtsError(
            f"version {version_id} of job {job_id} has no log files yet; "
            "try again once it is running"
        )
    return names[0]


def list_jobs(
    session: "Session",
    *,
    status: Optional[Any] = None,
    per_page: int = 10,
    page: int = 1,
    sort_by: str = "job_name",
    order: str = "desc",
    search_content: Optional[str] = None,
) -> Dict[str, Any]:
    """``GET .../training-jobs`` with the documented filters (§2.1)."""
    check_page_size(per_page)
    if isinstance(page, bool) or not isinstance(page, int) or not 1 <= page <= MAX_PAGE:
        raise InvalidArgumentError(f"page must be an int in [1, {MAX_PAGE}], got {page!r}")
    _check_choice("sortBy", sort_by, JOB_SORT_KEYS)
    _check_choice("order", order, _ORDERS)
    query: List[Tuple[str, Any]] = [
        ("per_page", per_page),
        ("page", page),
        ("sortBy", sort_by),
        ("order", order),
    ]
    if status is not None:
        if isinstance(status, bool) or not isinstance(status, int) or status < 0:
            raise InvalidArgumentError(f"status must be a status code (int >= 0), got {status!r}")
        query.append(("status", int(status)))
    if search_content is not None:
        if not isinstance(search_content, str) or len(search_content) > _MAX_SEARCH:
            raise InvalidArgumentError(
                f"search_content must be a str of at most {_MAX_SEARCH} characters"
            )
        if search_content:
            query.append(("search_content", search_content))
    result: Dict[str, Any] = session.request(
        "GET", _JOBS, query=query, operation="list training jobs", load=_JOBS_PAGE
    )
    return result
