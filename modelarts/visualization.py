"""``VisualizationJob``: TensorBoard over a training output, as the old ModelArts SDK offered it.

::

    from modelarts.session import Session
    from modelarts.estimator import VisualizationJob

    session = Session()
    board = VisualizationJob(session).create_visualization_job(
        "/bucket/mnist/output/", job_name="mnist-board", wait=True)
    print(board.status.name, board.service_url)          # RUNNING https://...
    VisualizationJob.get_visualization_job_object_list(session)   # prints a table

A ``VisualizationJob`` is a ``schemas.Visualization`` record (every documented
field typed; ``raw`` the record as received) plus the session its operations
use. Calls that the old SDK documented as returning dicts return the server's
body as a dict (pages modelarts_03_0064 .. 03_0070); a failure raises
``APIError`` instead of returning ``is_success: false``.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any, Dict, List, Mapping, Optional, Union, cast

from . import visualization_api as api
from .errors import ConfigurationError, InvalidArgumentError
from .job_status import JobStatus
from .run_config import default_name
from .schemas.visualization import Visualization, VisualizationsPage
from .training_api import Caller, normalize_id
from .training_job import clock_of

__all__ = ["DEFAULT_PREFIX", "VisualizationJob"]

logger = logging.getLogger("modelarts.visualization")

Id = Union[str, int]
#: Default names are ``t-MMDD-HHMMSS-xxxxxx`` (UTC, 6 random hex digits): all a
#: 20-character name leaves room for (the old SDK used ``tensor-`` and local time + 8 h).
DEFAULT_PREFIX = "tensor"


def _serving(status: JobStatus) -> bool:
    return status is JobStatus.RUNNING


def _ms(value: Union[int, datetime]) -> int:
    if isinstance(value, datetime):
        return int(value.timestamp() * 1000)
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidArgumentError(
            f"create_time must be milliseconds since the epoch or a datetime, got {value!r}"
        )
    return value


class VisualizationJob(Visualization):
    """One visualization job; ``visualization_id`` is its id (``job_id`` on the wire).

    ``VisualizationJob(session)`` is enough to create one or to list them; the
    operations on one job need ``visualization_id`` (or take ``job_id=``, as
    the old SDK's did). ``create_time``, ``job_name`` and ``status`` may be
    given to describe a known job without asking the service.
    """

    __slots__ = ("_session",)

    _session: Optional[Caller]

    def __init__(
        self,
        modelarts_session: Optional[Caller],
        visualization_id: Optional[Id] = None,
        *,
        create_time: Union[int, datetime, None] = None,
        job_name: Optional[str] = None,
        status: Optional[int] = None,
        record: Optional[Mapping[str, Any]] = None,
    ) -> None:
        if modelarts_session is not None and not isinstance(modelarts_session, Caller):
            raise InvalidArgumentError(
                f"VisualizationJob needs a modelarts Session, got {modelarts_session!r}"
            )
        if record is not None and not isinstance(record, Mapping):
            raise InvalidArgumentError(
                f"record must be a mapping (a JSON object), got {type(record).__name__}"
            )
        body: Dict[str, Any] = dict(record or {})
        if visualization_id is not None:
            body["job_id"] = int(normalize_id(visualization_id, "visualization_id"))
        if create_time is not None:
            body["create_time"] = _ms(create_time)
        if job_name is not None:
            body["job_name"] = job_name
        if status is not None:
            body["status"] = int(status)
        self.assign(body, operation="VisualizationJob(...)")
        self._session = modelarts_session

    @classmethod
    def _bound(cls, session: Caller, job: VisualizationJob) -> VisualizationJob:
        job._session = session
        return job

    # -- identity ------------------------------------------------------------------

    @property
    def visualization_id(self) -> Optional[str]:
        """The job's id (decimal digits), under the old SDK's name."""
        return self.job_id

    @property
    def modelarts_session(self) -> Optional[Caller]:
        return self._session

    def _client(self) -> Caller:
        if self._session is None:
            raise ConfigurationError(
                "this VisualizationJob was built without a session; pass one to call the service"
            )
        return self._session

    def _id(self, job_id: Optional[Id], operation: str) -> str:
        if job_id is not None:
            return normalize_id(job_id, "job_id")
        if self.job_id is None:
            raise InvalidArgumentError(
                f"{operation} needs a job: VisualizationJob(session, visualization_id=...) "
                "or job_id="
            )
        return self.job_id

    # -- create and wait -------------------------------------------------------------

    def create_visualization_job(
        self,
        train_url: str,
        job_name: Optional[str] = None,
        job_desc: Optional[str] = None,
        wait: bool = False,
        *,
        timeout: Optional[float] = None,
    ) -> VisualizationJob:
        """Create a visualization job over ``train_url`` (modelarts_03_0064); a new object.

        ``job_name`` defaults to ``t-MMDD-HHMMSS-xxxxxx`` (20 characters, the
        limit). With ``wait`` it returns once the job serves (RUNNING, with its
        ``service_url``) or has ended, polling its details with backoff on the
        session's clock; ``timeout`` (seconds) bounds that wait
        (``WaitTimeoutError``).
        """
        session = self._client()
        if job_name is None:
            job_name = default_name(DEFAULT_PREFIX, clock_of(session).now(), limit=20)
        created = api.create_visualization(
            session, train_url, job_name, job_desc=job_desc, record_type=VisualizationJob
        )
        created = self._bound(session, created)
        logger.info("created visualization job %s (%s)", created.job_id, job_name)
        return created.wait(timeout=timeout) if wait else created

    def wait(
        self, timeout: Optional[float] = None, poll: Optional[float] = None
    ) -> VisualizationJob:
        """Poll until the job serves (RUNNING) or has ended; the last snapshot.

        Unlike the old SDK, which stopped at the first state it did not
        expect, every transient state is waited through. ``poll`` fixes the
        period (seconds) instead of the backoff.
        """
        from .waiting import wait_until_terminal

        session = self._client()
        job_id = self._id(None, "wait")
        final = wait_until_terminal(
            lambda: self._bound(
                session, api.get_visualization(session, job_id, record_type=VisualizationJob)
            ),
            clock=clock_of(session),
            what=f"visualization job {job_id}",
            timeout=timeout,
            interval=poll,
            until=_serving,
        )
        if final.status is not JobStatus.RUNNING:
            logger.warning(
                "visualization job %s ended %s without serving", job_id, final.status.name
            )
        return final

    # -- one job ---------------------------------------------------------------------

    def get_visualization_job_info(self, job_id: Optional[Id] = None) -> Dict[str, Any]:
        """The job's details (modelarts_03_0066) as the server's body."""
        found = self._id(job_id, "get_visualization_job_info")
        return api.get_visualization(self._client(), found).as_dict()

    def update_visualization_job(
        self, job_desc: str, job_id: Optional[Id] = None
    ) -> Dict[str, Any]:
        """Replace the description (at most 256 characters; modelarts_03_0067)."""
        found = self._id(job_id, "update_visualization_job")
        answer = api.update_visualization(self._client(), found, job_desc).as_dict()
        logger.info("updated the description of visualization job %s", found)
        return answer

    def stop_visualization_job(self, job_id: Optional[Id] = None) -> Dict[str, Any]:
        """Stop the job (only while deploying or running; modelarts_03_0069)."""
        found = self._id(job_id, "stop_visualization_job")
        answer = api.stop_visualization(self._client(), found).as_dict()
        logger.info("stopped visualization job %s", found)
        return answer

    def restart_visualization_job(self, job_id: Optional[Id] = None) -> Dict[str, Any]:
        """Deploy a stopped job again (modelarts_03_0070); it serves once RUNNING."""
        found = self._id(job_id, "restart_visualization_job")
        answer = api.restart_visualization(self._client(), found).as_dict()
        logger.info("restarted visualization job %s", found)
        return answer

    def delete_visualization_job(self, job_id: Optional[Id] = None) -> Dict[str, Any]:
        """Delete the job (modelarts_03_0068)."""
        found = self._id(job_id, "delete_visualization_job")
        answer = api.delete_visualization(self._client(), found).as_dict()
        logger.info("deleted visualization job %s", found)
        return answer

    # -- the project's jobs (static, as in the old SDK) ------------------------------------

    @staticmethod
    def get_visualization_job_list(
        modelarts_session: Caller,
        status: Optional[int] = None,
        per_page: Optional[int] = None,
        page: Optional[int] = None,
        sortBy: Optional[str] = None,  # noqa: N803 - the REST API's (and old SDK's) spelling
        order: Optional[str] = None,
        search_content: Optional[str] = None,
        *,
        sort_by: Optional[str] = None,
    ) -> Dict[str, Any]:
        """One page of the project's visualization jobs (modelarts_03_0065), as the body.

        Only the filters given are sent; the server's defaults apply to the
        rest (10 per page, by ``job_id``, ``asc``). ``sort_by`` is an alias of
        ``sortBy``.
        """
        return _page(
            modelarts_session, status, per_page, page, sort_by or sortBy, order, search_content
        ).as_dict()

    @staticmethod
    def get_visualization_job_object_list(
        modelarts_session: Caller,
        is_show: bool = True,
        status: Optional[int] = None,
        per_page: Optional[int] = None,
        page: Optional[int] = None,
        sortBy: Optional[str] = None,  # noqa: N803
        order: Optional[str] = None,
        search_content: Optional[str] = None,
        *,
        sort_by: Optional[str] = None,
    ) -> List[VisualizationJob]:
        """The jobs of one listing as ``VisualizationJob`` objects, from that one request.

        (The old SDK fetched every job's details once more, one request per
        job; the listing already holds the same fields.) With ``is_show`` a
        table of them is printed to stdout.
        """
        client = _session(modelarts_session)
        loaded = _page(client, status, per_page, page, sort_by or sortBy, order, search_content)
        jobs = [VisualizationJob._bound(client, cast(VisualizationJob, job)) for job in loaded.jobs]
        if is_show:
            from .listing_tables import print_visualizations_table

            print_visualizations_table(jobs)
        return jobs


def _session(session: Any) -> Caller:
    if not isinstance(session, Caller):
        raise InvalidArgumentError(f"pass a modelarts Session, got {session!r}")
    return session


def _page(
    session: Any,
    status: Optional[int],
    per_page: Optional[int],
    page: Optional[int],
    sort_by: Optional[str],
    order: Optional[str],
    search_content: Optional[str],
) -> VisualizationsPage:
    return api.list_visualizations(
        _session(session),
        status=status,
        per_page=per_page,
        page=page,
        sort_by=sort_by,
        order=order,
        search_content=search_content,
        item_type=VisualizationJob,
    )
