"""The v1 training-job REST calls, one function each, returning typed records.

::

    from modelarts import training_api as api

    page = api.list_versions_page(session, "182626", page=1, per_page=1000)
    page.version_count, page.versions[0].gpu_num

``Estimator`` and ``TrainingJob`` are the old SDK's faces over these. Every
function checks its arguments *before* anything is sent
(``InvalidArgumentError``, a ``ValueError``), sends exactly the documented
method, path and body through a ``Caller`` (``Session`` is one), and returns
the answer loaded by its ``schemas`` record, every documented field checked
(``ResponseFormatError`` when it does not fit). Page ids are Huawei's
(``modelarts_03_0049`` is "Querying the Version List of a Training Job").
"""

from __future__ import annotations

from functools import partial
from typing import (
    TYPE_CHECKING,
    Any,
    Callable,
    Iterable,
    List,
    Optional,
    Protocol,
    Tuple,
    Type,
    TypeVar,
    Union,
    runtime_checkable,
)

from .errors import InvalidArgumentError, ModelArtsError
from .schemas import (
    Bad,
    Envelope,
    Version,
    VersionsPage,
    kind_of,
    load_envelope,
    load_version_detail,
    load_versions_page,
    to_id,
)

if TYPE_CHECKING:  # loaded on first use
    from .schemas import AomLog, JobsPage, LogFileNames
    from .session import Session

__all__ = [
    "JOB_SORT_KEYS",
    "MAX_PAGE",
    "MAX_PAGE_SIZE",
    "ORDERS",
    "Caller",
    "Id",
    "Query",
    "check_choice",
    "check_description",
    "check_log_arguments",
    "check_page",
    "check_page_size",
    "check_search",
    "check_status",
    "delete_job",
    "delete_version",
    "envelope_call",
    "get_log",
    "get_log_file_names",
    "get_version",
    "list_jobs",
    "list_versions",
    "list_versions_page",
    "listing_query",
    "normalize_id",
    "stop_version",
    "update_description",
]

#: ``per_page`` is documented as [1, 1000] for list-jobs and list-versions.
MAX_PAGE_SIZE = 1000
#: ``page`` of list-jobs is documented as [1, 65535] (modelarts_03_0046).
MAX_PAGE = 65535
#: ``sortBy`` values of list-jobs (modelarts_03_0046).
JOB_SORT_KEYS = ("job_name", "job_desc", "status", "duration", "version_count", "create_time")
ORDERS = ("asc", "desc")
_MAX_DESCRIPTION = 256
_MAX_SEARCH = 64
_MAX_LOG_LINES = 500

_JOBS = "/v1/{project_id}/training-jobs"

Id = Union[str, int]
Query = Optional[Iterable[Tuple[str, Any]]]
V = TypeVar("V", bound=Version)


@runtime_checkable
class Caller(Protocol):
    """Sends one ModelArts call and returns the decoded answer (``Session`` is one).

    ``path`` may hold ``{project_id}``, which the caller fills in; ``load``,
    when given, is called as ``load(body, operation=, status_code=,
    request_id=)`` on a successful JSON answer and its result returned.
    """

    def request(
        self,
        method: str,
        path: str,
        *,
        query: Query = None,
        json: Any = None,
        operation: Optional[str] = None,
        load: Optional[Callable[..., Any]] = None,
    ) -> Any: ...


if TYPE_CHECKING:

    def _session_is_a_caller(session: Session) -> Caller:
        return session  # mypy checks here that Session satisfies Caller


def normalize_id(value: Any, name: str = "job_id") -> str:
    """A job or version id as the SDK exposes it: the decimal digits, as ``str``.

    Accepts ``int`` or a digit string (``"0010"`` becomes ``"10"``, spaces
    around it are ignored); anything else raises ``InvalidArgumentError``.
    """
    try:
        result = to_id(value.strip() if isinstance(value, str) else value)
    except Bad:
        result = None
    if result is None:
        raise InvalidArgumentError(
            f"{name} must be a non-negative integer or its digits, got {kind_of(value)}"
        )
    return result


def check_page_size(value: Any, name: str = "per_page") -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_PAGE_SIZE:
        raise InvalidArgumentError(f"{name} must be an int in [1, {MAX_PAGE_SIZE}], got {value!r}")
    return value


def check_page(value: Any, name: str = "page") -> int:
    """A page number: ``page`` of the v1 listings is documented as [1, 65535]."""
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_PAGE:
        raise InvalidArgumentError(f"{name} must be an int in [1, {MAX_PAGE}], got {value!r}")
    return value


def check_search(value: Any) -> str:
    """``search_content`` of the v1 listings: a str of at most 64 characters."""
    if not isinstance(value, str) or len(value) > _MAX_SEARCH:
        raise InvalidArgumentError(
            f"search_content must be a str of at most {_MAX_SEARCH} characters, got {value!r}"
        )
    return value


def check_status(value: Any) -> int:
    """A status filter of the v1 listings: a status code (``int`` >= 0, a ``JobStatus``, or
    a string of digits)."""
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InvalidArgumentError(f"status must be a status code (int >= 0), got {value!r}")
    return int(value)


def listing_query(
    *,
    per_page: Optional[int],
    page: Optional[int],
    sort_by: Optional[str],
    sort_keys: Tuple[str, ...],
    order: Optional[str],
    search_content: Optional[str],
    status: Union[int, str, None] = None,
) -> List[Tuple[str, Any]]:
    """The query of a v1 listing (jobs, configurations, visualization jobs): exactly the
    filters given, each checked; an empty ``search_content`` is left out."""
    query: List[Tuple[str, Any]] = []
    if per_page is not None:
        query.append(("per_page", check_page_size(per_page)))
    if page is not None:
        query.append(("page", check_page(page)))
    if sort_by is not None:
        query.append(("sortBy", check_choice("sortBy", sort_by, sort_keys)))
    if order is not None:
        query.append(("order", check_choice("order", order, ORDERS)))
    if status is not None:
        query.append(("status", check_status(status)))
    if search_content is not None and check_search(search_content):
        query.append(("search_content", search_content))
    return query


def check_choice(name: str, value: Any, choices: Tuple[str, ...]) -> str:
    if value not in choices:
        raise InvalidArgumentError(f"{name} must be one of {', '.join(choices)}; got {value!r}")
    result: str = value
    return result


def job_path(job_id: str) -> str:
    return f"{_JOBS}/{job_id}"


def version_path(job_id: str, version_id: str) -> str:
    return f"{_JOBS}/{job_id}/versions/{version_id}"


# -- versions ---------------------------------------------------------------------------


def get_version(client: Caller, job_id: str, version_id: str) -> Version:
    """``GET .../training-jobs/{job_id}/versions/{version_id}`` (modelarts_03_0047)."""
    version: Version = client.request(
        "GET",
        version_path(job_id, version_id),
        operation=f"get version {version_id} of job {job_id}",
        load=load_version_detail,
    )
    return version


def list_versions(client: Caller, job_id: str) -> VersionsPage:
    """Every version in one answer: ``GET .../{job_id}/versions`` unpaged (modelarts_03_0049)."""
    return list_versions_page(client, job_id, page=None, per_page=MAX_PAGE_SIZE)


def list_versions_page(
    client: Caller,
    job_id: str,
    *,
    page: Optional[int],
    per_page: int,
    item_type: Type[Version] = Version,
) -> VersionsPage:
    """One page of versions (modelarts_03_0049), as ``item_type`` records.

    ``page=None`` asks for the documented unpaged listing (no ``page`` and
    ``per_page`` parameters: every version in one answer).
    """
    query = None if page is None else [("per_page", per_page), ("page", page)]
    label = "all" if page is None else f"page {page}"
    loaded: VersionsPage = client.request(
        "GET",
        f"{job_path(job_id)}/versions",
        query=query,
        operation=f"list versions of job {job_id} ({label})",
        load=partial(load_versions_page, item_type=item_type),
    )
    return loaded


# -- changes (modelarts_03_0048, 0051, 0052, 0053) --------------------------------------------


def envelope_call(client: Caller, method: str, path: str, operation: str, **kw: Any) -> Envelope:
    """A call that answers with the v1 envelope alone (stop, delete, update, create)."""
    answer: Envelope = client.request(method, path, operation=operation, load=load_envelope, **kw)
    return answer


def check_description(value: Any, name: str = "description") -> str:
    """A description of the v1 API: a str of at most 256 characters."""
    if not isinstance(value, str):
        raise InvalidArgumentError(f"{name} must be a str, got {type(value).__name__}")
    if len(value) > _MAX_DESCRIPTION:
        raise InvalidArgumentError(
            f"{name} is {len(value)} characters; the limit is {_MAX_DESCRIPTION}"
        )
    return value


def update_description(client: Caller, job_id: str, description: str) -> Envelope:
    """``PUT .../training-jobs/{job_id}`` with ``{"job_desc": ...}`` (modelarts_03_0052)."""
    check_description(description)
    return envelope_call(
        client,
        "PUT",
        job_path(job_id),
        f"update the description of job {job_id}",
        json={"job_desc": description},
    )


def stop_version(client: Caller, job_id: str, version_id: str) -> Envelope:
    """``POST .../versions/{version_id}/stop``, no body (modelarts_03_0051)."""
    return envelope_call(
        client,
        "POST",
        version_path(job_id, version_id) + "/stop",
        f"stop version {version_id} of job {job_id}",
    )


def delete_version(client: Caller, job_id: str, version_id: str) -> Envelope:
    """``DELETE .../versions/{version_id}`` (modelarts_03_0048)."""
    return envelope_call(
        client,
        "DELETE",
        version_path(job_id, version_id),
        f"delete version {version_id} of job {job_id}",
    )


def delete_job(client: Caller, job_id: str) -> Envelope:
    """``DELETE .../training-jobs/{job_id}``: the job and all its versions (modelarts_03_0053)."""
    return envelope_call(client, "DELETE", job_path(job_id), f"delete job {job_id}")


# -- logs (modelarts_03_0054, modelarts_03_0149) ------------------------------------------------


def get_log_file_names(client: Caller, job_id: str, version_id: str) -> LogFileNames:
    """``GET .../versions/{version_id}/log/file-names`` (modelarts_03_0054)."""
    from .schemas import load_log_file_names  # the log schemas load on first use

    names: LogFileNames = client.request(
        "GET",
        version_path(job_id, version_id) + "/log/file-names",
        operation=f"list log files of version {version_id} of job {job_id}",
        load=load_log_file_names,
    )
    return names


def check_log_arguments(
    log_file: Optional[str], lines: Any, base_line: Optional[str], order: Any
) -> None:
    """Check the aom-log parameters; ``None`` means "not given" for each."""
    if log_file is not None and (not isinstance(log_file, str) or not log_file):
        raise InvalidArgumentError(f"log_file must be a non-empty str, got {log_file!r}")
    if lines is not None and (
        isinstance(lines, bool) or not isinstance(lines, int) or not 0 <= lines <= _MAX_LOG_LINES
    ):
        raise InvalidArgumentError(f"lines must be an int in [0, {_MAX_LOG_LINES}], got {lines!r}")
    if base_line is not None and not isinstance(base_line, str):
        raise InvalidArgumentError(f"base_line must be a str (a position), got {base_line!r}")
    if order is not None:
        check_choice("order", order, ORDERS)


def get_log(
    client: Caller,
    job_id: str,
    version_id: str,
    log_file: Optional[str] = None,
    *,
    lines: Optional[int] = None,
    base_line: Optional[str] = None,
    order: Optional[str] = None,
) -> AomLog:
    """``GET .../versions/{version_id}/aom-log``: ``lines`` lines from ``base_line`` (03_0149).

    Only the parameters given are sent (the server's defaults: 50 lines, the
    latest position, ``desc``). With no ``log_file``, the first of
    ``get_log_file_names`` is read (one request more); a version with no log
    file yet raises ``ModelArtsError``.
    """
    from .schemas import load_aom_log

    check_log_arguments(log_file, lines, base_line, order)
    if log_file is None:
        names = get_log_file_names(client, job_id, version_id).log_file_list
        if not names:
            raise ModelArtsError(
                f"version {version_id} of job {job_id} has no log files yet; "
                "try again once it is running"
            )
        log_file = names[0]
    given = (("log_file", log_file), ("lines", lines), ("order", order), ("base_line", base_line))
    query: List[Tuple[str, Any]] = [(name, value) for name, value in given if value is not None]
    log: AomLog = client.request(
        "GET",
        version_path(job_id, version_id) + "/aom-log",
        query=query,
        operation=f"read log {log_file} of version {version_id} of job {job_id}",
        load=load_aom_log,
    )
    return log


# -- jobs (modelarts_03_0046) -----------------------------------------------------------------


def list_jobs(
    client: Caller,
    *,
    status: Union[int, str, None] = None,
    per_page: Optional[int] = None,
    page: Optional[int] = None,
    sort_by: Optional[str] = None,
    order: Optional[str] = None,
    search_content: Optional[str] = None,
) -> JobsPage:
    """``GET .../training-jobs`` with the documented filters (modelarts_03_0046).

    Only the parameters given are sent; the server's defaults apply to the
    rest. ``status`` is a code, as an ``int`` or a string of digits.
    """
    from .schemas import load_jobs_page

    query = listing_query(
        per_page=per_page,
        page=page,
        sort_by=sort_by,
        sort_keys=JOB_SORT_KEYS,
        order=order,
        search_content=search_content,
        status=status,
    )
    jobs: JobsPage = client.request(
        "GET", _JOBS, query=query or None, operation="list training jobs", load=load_jobs_page
    )
    return jobs
