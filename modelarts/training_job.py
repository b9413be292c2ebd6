"""``TrainingJob`` (one version of a training job) and ``JobStatus``.

::

    from modelarts.training_job import JobStatus, TrainingJob

    job = TrainingJob(session, "182626", "278813")
    info = job.get_job_info()                      # the version-details body, a dict
    job.metrics().model.total["accuracy"]          # typed metrics (modelarts.metrics)
    for version in Estimator(session, job_id="182626").iter_job_versions():
        if version.status.is_terminal:
            print(version.version_name, version.status.label, version.duration)

A ``TrainingJob`` is a ``schemas.Version`` record (every documented field a
typed attribute, checked when its page or body loaded, ``raw`` the record as
received) plus the session its operations use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Dict, List, Mapping, Optional, Tuple, Union, cast

from . import training_api as api
from .errors import ConfigurationError, InvalidArgumentError
from .job_status import JobStatus
from .schemas import Version, VersionsPage, load_version_detail
from .training_api import Caller, normalize_id

if TYPE_CHECKING:
    from .clock import Clock
    from .metrics import Metrics

__all__ = ["JobStatus", "TrainingJob", "clock_of"]


class TrainingJob(Version):
    """One version of a training job.

    Build one from ids (``TrainingJob(session, "182626", "278813")``,
    optionally with ``record=``, the server's dict for it), or get them from
    ``Estimator``. ``session`` (any ``training_api.Caller``) is kept for the
    operations and may be ``None`` for pure data use.

    Attributes are typed: ids are decimal ``str``, times aware UTC ``datetime``,
    durations ``timedelta``, ``status`` a ``JobStatus`` (``UNKNOWN`` when the
    record has none). Fields the record lacks are ``None``. ``raw`` is the whole
    record exactly as received, read-only all the way down.

    Two ``TrainingJob`` objects are equal when they name the same version
    (same ``job_id`` and ``version_id``), whatever snapshot of it they hold;
    compare ``raw`` to compare snapshots.
    """

    __slots__ = ("_config_name", "_session")

    _session: Optional[Caller]
    job_id: str
    version_id: str

    def __init__(
        self,
        session: Optional[Caller],
        job_id: Union[str, int],
        version_id: Union[str, int],
        *,
        record: Optional[Mapping[str, Any]] = None,
        job: Optional[Mapping[str, Any]] = None,
    ) -> None:
        wanted = normalize_id(job_id, "job_id"), normalize_id(version_id, "version_id")
        for argument, mapping in (("record", record), ("job", job)):
            if mapping is not None and not isinstance(mapping, Mapping):
                # Caught here, not as a TypeError from dict() or a loader.
                raise InvalidArgumentError(
                    f"{argument} must be a mapping (a JSON object), got {type(mapping).__name__}"
                )
        body = {} if record is None else dict(record)
        self.assign(body, operation="TrainingJob(record=...)")
        self._session = session
        for name, given in zip(("job_id", "version_id"), wanted):
            found = getattr(self, name)
            if found is not None and found != given:
                raise InvalidArgumentError(
                    f"{name}={given!r} but the record says {body.get(name)!r}"
                )
            setattr(self, name, given)
        for name, value in (job or {}).items():
            if name in ("job_name", "job_desc") and getattr(self, name) is None:
                setattr(self, name, value)

    @classmethod
    def from_versions_page(
        cls,
        session: Optional[Caller],
        page: VersionsPage,
        *,
        job_id: Union[str, int, None] = None,
    ) -> List[TrainingJob]:
        """The versions of a page loaded with ``item_type=TrainingJob``, bound to ``session``.

        ``job_id`` is the job that was asked for; the page's own ``job_id`` must
        agree with it, and stands in for it when not given.
        """
        wanted = None if job_id is None else normalize_id(job_id, "job_id")
        found = page.job_id
        if wanted is not None and found is not None and found != wanted:
            raise page.origin.error(
                f"the page is for job {found}, not the requested job {wanted}", ("job_id",)
            )
        resolved = wanted or found
        if resolved is None:
            raise page.origin.error("missing, and no job_id was given", ("job_id",))
        jobs = cast(Tuple[TrainingJob, ...], page.versions)
        for job in jobs:
            if not isinstance(job, TrainingJob):
                raise InvalidArgumentError("pass a page loaded with item_type=TrainingJob")
            job._session = session
            job.job_id = resolved  # type: ignore[misc]  # a slot of Version, narrowed here
        return list(jobs)

    @classmethod
    def from_version_detail(
        cls,
        session: Optional[Caller],
        body: Any,
        *,
        operation: str = "",
        status_code: Optional[int] = None,
        request_id: Optional[str] = None,
    ) -> TrainingJob:
        """A ``TrainingJob`` from the flat version-details body (modelarts_03_0047)."""
        job = load_version_detail(
            body,
            operation=operation,
            status_code=status_code,
            request_id=request_id,
            record_type=cls,
        )
        job._session = session
        return job

    # -- identity ---------------------------------------------------------------

    @property
    def modelarts_session(self) -> Optional[Caller]:
        """The session the operations use (the old SDK's name for it)."""
        return self._session

    @property
    def config_name(self) -> Optional[str]:
        """The saved configuration this object stands for (old SDK); ``None`` for a version."""
        return getattr(self, "_config_name", None)

    @config_name.setter
    def config_name(self, value: Optional[str]) -> None:
        self._config_name = value

    @property
    def inputs(self) -> Optional[str]:
        """The version's ``data_url``, under the old SDK's name for it."""
        return self.data_url

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, TrainingJob):
            return NotImplemented
        return (self.job_id, self.version_id) == (other.job_id, other.version_id)

    def __hash__(self) -> int:
        return hash((TrainingJob, self.job_id, self.version_id))

    def __repr__(self) -> str:
        parts = [f"job_id={self.job_id!r}", f"version_id={self.version_id!r}"]
        if self.version_name:
            parts.append(self.version_name)
        parts.append(self.status.name)
        return f"<TrainingJob {' '.join(parts)}>"

    # -- operations ------------------------------------------------------------------

    def _client(self) -> Caller:
        if self._session is None:
            raise ConfigurationError(
                "this TrainingJob was built without a session; pass one to call the service"
            )
        return self._session

    def get_job_info(self) -> Dict[str, Any]:
        """This version's details (modelarts_03_0047), the server's body as a ``dict``."""
        return api.get_version(self._client(), self.job_id, self.version_id).as_dict()

    def get_job_version_info(self) -> Dict[str, Any]:
        """Every version of this job: the list-versions body (modelarts_03_0049) as a ``dict``."""
        return api.list_versions(self._client(), self.job_id).as_dict()

    def update_job_description(self, description: str) -> Dict[str, Any]:
        """Replace the job's description (at most 256 characters)."""
        return api.update_description(self._client(), self.job_id, description).as_dict()

    def stop_job_version(self) -> Dict[str, Any]:
        """Stop this version; only a running version can be stopped (asynchronous)."""
        return api.stop_version(self._client(), self.job_id, self.version_id).as_dict()

    def delete_job_version(self) -> Dict[str, Any]:
        """Delete this version (asynchronous)."""
        return api.delete_version(self._client(), self.job_id, self.version_id).as_dict()

    def delete_job(self) -> Dict[str, Any]:
        """Delete the whole job, every version included (asynchronous)."""
        return api.delete_job(self._client(), self.job_id).as_dict()

    def get_job_log_file_list(self) -> Dict[str, Any]:
        """The names of this version's log files (one per node), as the server's body."""
        return api.get_log_file_names(self._client(), self.job_id, self.version_id).as_dict()

    def get_job_log(
        self,
        log_file: Optional[str] = None,
        lines: Optional[int] = None,
        base_line: Optional[str] = None,
        order: Optional[str] = None,
    ) -> Dict[str, Any]:
        """Read log lines through the line-based ``aom-log`` call (modelarts_03_0149).

        Only the parameters given are sent, as the old SDK did (the server
        reads 50 lines from the latest position, ``desc``, by default).
        ``log_file`` defaults to the first file of ``get_job_log_file_list()``
        (one request more; the old SDK required it); ``base_line`` is a
        position from an earlier answer, ``order`` ``"desc"`` reads onwards,
        ``"asc"`` backwards.
        """
        log = api.get_log(
            self._client(),
            self.job_id,
            self.version_id,
            log_file,
            lines=lines,
            base_line=base_line,
            order=order,
        )
        return log.as_dict()

    def metrics(self, *, refresh: bool = False) -> Metrics:
        """This version's model and system metrics, typed (``modelarts.metrics.Metrics``).

        Read from this handle's record when it holds both metric fields (a
        listing or a details body: a snapshot, which does not change as the
        version runs); otherwise, or with ``refresh=True``, from a fresh
        version-details call (modelarts_03_0047).
        """
        from .metrics import parse_metrics  # loaded on first use, like the log schemas

        record = self.raw
        names = ("model_metric_list", "system_metric_list")
        if refresh or not all(name in record for name in names):
            record = api.get_version(self._client(), self.job_id, self.version_id).raw
        return parse_metrics(record.get(names[0]), record.get(names[1]))

    # -- waiting -----------------------------------------------------------------------

    def wait(self, timeout: Optional[float] = None, poll: Optional[float] = None) -> JobStatus:
        """Wait until this version reaches a terminal status and return it.

        Terminal is ``JobStatus.is_terminal``: COMPLETED or a failure code;
        transient states on the way (image creation, submission, queuing,
        KILLING, SCALING, codes this SDK does not know) are waited through,
        where Huawei's old SDK stopped at the first state it did not expect.
        Polls back off from 2 s to 30 s (``poll``: a fixed period in seconds)
        and sleep through the session's clock (``modelarts/waiting.py``).
        ``timeout`` (seconds; ``None``: as long as the job runs) raises
        ``WaitTimeoutError``. Afterwards this object holds the final details
        (``status``, ``duration``, ``raw``, ...).
        """
        client = self._client()
        job_id, version_id = self.job_id, self.version_id
        from .waiting import wait_until_terminal

        final = wait_until_terminal(
            lambda: api.get_version(client, job_id, version_id),
            clock=clock_of(client),
            what=f"job {job_id} version {version_id}",
            timeout=timeout,
            interval=poll,
        )
        self.assign(final.as_dict(), operation=f"get version {version_id} of job {job_id}")
        return self.status


def clock_of(client: Caller) -> "Clock":
    """The clock waits sleep on: the session's (``Session.clock``), else the system's.

    While the session replays a recording (a ``FixtureTransport``) sleeping
    is skipped (``SkippingClock``): a replayed wait takes no wall time.
    """
    from .clock import SkippingClock, SystemClock
    from .transport.choice import replays_only

    clock: Optional[Clock] = getattr(client, "clock", None)
    transport = getattr(client, "transport", None)
    base = SystemClock() if clock is None else clock
    if transport is not None and replays_only(transport):
        return SkippingClock(base)
    return base
