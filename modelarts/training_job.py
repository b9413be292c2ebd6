"""``TrainingJob`` (one version of a training job) and ``JobStatus``.

::

    from modelarts.training_job import JobStatus, TrainingJob

    job = TrainingJob.from_version_detail(session, body)   # GET .../versions/{version_id}
    if job.status.is_terminal:
        print(job.version_name, job.status.label, job.duration)

A ``TrainingJob`` built from a list-versions page is cheap: the fields the
versions table prints were checked when the page loaded; every other typed
attribute loads the whole record through ``schemas`` on first use (and a broken
field raises ``ResponseFormatError`` naming it then).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import (
    Any,
    Dict,
    Generic,
    List,
    Mapping,
    Optional,
    Tuple,
    TypeVar,
    Union,
    overload,
)

from . import _rest
from .errors import ConfigurationError, InvalidArgumentError, ResponseFormatError
from .job_status import JobStatus
from .schemas import (
    DataSource,
    Parameter,
    ReadOnlyMapping,
    VersionRecord,
    VersionsPage,
    Volume,
    load_version_detail,
)

__all__ = ["JobStatus", "TrainingJob", "normalize_id"]

_T = TypeVar("_T")


def normalize_id(value: Union[str, int], name: str = "job_id") -> str:
    """A job or version id as the SDK exposes it: the decimal digits, as ``str``.

    Accepts ``int`` or a digit string (``"0010"`` becomes ``"10"``); anything
    else raises ``InvalidArgumentError`` (a ``ValueError``).
    """
    # The same 30-digit bound as for text: str() of a huge int raises a bare ValueError.
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 10**30:
        return str(int(value))
    if isinstance(value, str):
        text = value.strip()
        if text.isascii() and text.isdigit() and len(text) <= 30:
            return str(int(text))
    huge = isinstance(value, int) and abs(value) >= 10**30  # repr() may refuse to print it
    shown = "an integer of more than 30 digits" if huge else repr(value)
    raise InvalidArgumentError(f"{name} must be a non-negative integer or its digits, got {shown}")


def _id_or_none(value: Any) -> Optional[str]:
    try:
        return normalize_id(value)
    except InvalidArgumentError:
        return None  # not an id at all: the record's own check reports it


class _Field(Generic[_T]):
    """A typed, read-only ``TrainingJob`` attribute from the full schema load of its record
    (``VersionRecord.data()``, run once on first use)."""

    def __init__(self, doc: str) -> None:
        self.__doc__ = doc
        self.name = ""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    @overload
    def __get__(self, job: None, owner: Any) -> _Field[_T]: ...

    @overload
    def __get__(self, job: TrainingJob, owner: Any) -> _T: ...

    def __get__(self, job: Optional[TrainingJob], owner: Any) -> Any:
        if job is None:
            return self
        return getattr(job._record.data(), self.name)


class TrainingJob:
    """One version of a training job.

    Build one from ids (``TrainingJob(session, "182626", "278813")``), from a
    version record (``record=``, the server's dict; ``job=`` the job-level
    fields a list-versions page gives once, ``job_name`` and ``job_desc``), or
    with ``from_versions_page`` / ``from_version_detail``. ``session`` is kept
    for the operations and may be ``None`` for pure data use.

    Attributes are typed: ids are decimal ``str``, times aware UTC ``datetime``,
    durations ``timedelta``, ``status`` a ``JobStatus`` (``UNKNOWN`` when the
    record has none). Fields the record lacks are ``None``. ``raw`` is the whole
    record exactly as received, read-only all the way down.

    Two ``TrainingJob`` objects are equal when they name the same version
    (same ``job_id`` and ``version_id``), whatever snapshot of it they hold;
    compare ``raw`` to compare snapshots.
    """

    __slots__ = ("_session", "_job_id", "_version_id", "_record")

    _session: Any
    _job_id: str
    _version_id: str
    _record: VersionRecord

    def __init__(
        self,
        session: Any,
        job_id: Union[str, int],
        version_id: Union[str, int],
        *,
        record: Optional[Mapping[str, Any]] = None,
        job: Optional[Mapping[str, Any]] = None,
    ) -> None:
        self._session = session
        self._job_id = normalize_id(job_id, "job_id")
        self._version_id = normalize_id(version_id, "version_id")
        for argument, mapping in (("record", record), ("job", job)):
            if mapping is not None and not isinstance(mapping, Mapping):
                # Caught here, not as a TypeError from dict() or the first lazy attribute.
                raise InvalidArgumentError(
                    f"{argument} must be a mapping (a JSON object), got {type(mapping).__name__}"
                )
        self._record = VersionRecord({} if record is None else dict(record), job=job)
        for name, given in (("job_id", self._job_id), ("version_id", self._version_id)):
            found = self._record.raw.get(name)
            if found is not None and _id_or_none(found) not in (None, given):
                raise InvalidArgumentError(f"{name}={given!r} but the record says {found!r}")

    @classmethod
    def _wrap(cls, session: Any, job_id: str, record: VersionRecord) -> TrainingJob:
        job = cls.__new__(cls)
        job._session = session
        job._job_id = job_id
        job._version_id = record.version_id or ""
        job._record = record
        return job

    @classmethod
    def from_versions_page(
        cls, session: Any, page: VersionsPage, *, job_id: Union[str, int, None] = None
    ) -> List[TrainingJob]:
        """One ``TrainingJob`` per record of a loaded list-versions page, in server order.

        ``job_id`` is the job that was asked for; the page's own ``job_id`` must
        agree with it, and stands in for it when not given.
        """
        wanted = None if job_id is None else normalize_id(job_id, "job_id")
        found = page.job_id
        if wanted is not None and found is not None and found != wanted:
            raise ResponseFormatError(
                f"the page is for job {found}, not the requested job {wanted}",
                operation=page.operation,
                status_code=page.status_code,
                request_id=page.request_id,
                field="job_id",
            )
        resolved = wanted or found
        if resolved is None:
            raise ResponseFormatError(
                "missing, and no job_id was given",
                operation=page.operation,
                status_code=page.status_code,
                request_id=page.request_id,
                field="job_id",
            )
        wrap = cls._wrap
        return [wrap(session, resolved, record) for record in page.versions]

    @classmethod
    def from_version_detail(
        cls,
        session: Any,
        body: Any,
        *,
        operation: str = "",
        status_code: Optional[int] = None,
        request_id: Optional[str] = None,
    ) -> TrainingJob:
        """A ``TrainingJob`` from the flat version-details body (api.md §2.4), fully checked."""
        record = load_version_detail(
            body, operation=operation, status_code=status_code, request_id=request_id
        )
        return cls._wrap(session, record.data().job_id or "", record)

    # -- identity ---------------------------------------------------------------

    @property
    def job_id(self) -> str:
        """The job's id, decimal digits."""
        return self._job_id

    @property
    def version_id(self) -> str:
        """This version's id, decimal digits."""
        return self._version_id

    @property
    def raw(self) -> Mapping[str, Any]:
        """The server's record exactly as received (unknown fields included), read-only."""
        return ReadOnlyMapping(self._record.raw)

    @property
    def status(self) -> JobStatus:
        """The status code as a ``JobStatus``; ``UNKNOWN`` when the record has none."""
        code = self._record.status
        return JobStatus.UNKNOWN if code is None else JobStatus(code)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, TrainingJob):
            return NotImplemented
        return (self._job_id, self._version_id) == (other._job_id, other._version_id)

    def __hash__(self) -> int:
        return hash((TrainingJob, self._job_id, self._version_id))

    def __repr__(self) -> str:
        name = self._record.version_name
        parts = [f"job_id={self._job_id!r}", f"version_id={self._version_id!r}"]
        if name:
            parts.append(name)
        parts.append(self.status.name)
        return f"<TrainingJob {' '.join(parts)}>"

    # -- the fields the versions table prints (checked when the record loaded) ----
    # Plain properties, not ``_Field``: the table reads them for every row.

    @property
    def version_name(self) -> Optional[str]:
        """Version name, e.g. ``V0004``."""
        return self._record.version_name

    @property
    def engine_name(self) -> Optional[str]:
        """Engine, e.g. ``TensorFlow``."""
        return self._record.engine_name

    @property
    def engine_version(self) -> Optional[str]:
        """Engine version, e.g. ``TF-1.4.0-python2.7``."""
        return self._record.engine_version

    @property
    def create_time(self) -> Optional[datetime]:
        """When the version was created (aware, UTC)."""
        return self._record.create_time

    @property
    def duration(self) -> Optional[timedelta]:
        """How long it ran."""
        return self._record.duration

    @property
    def spec_id(self) -> Optional[int]:
        """Resource flavor id (public pool)."""
        return self._record.spec_id

    @property
    def spec_code(self) -> Optional[str]:
        """Resource flavor code, e.g. ``modelarts.vm.cpu.2u`` (version details only)."""
        return self._record.spec_code

    @property
    def flavor_code(self) -> Optional[str]:
        """Flavor code some responses carry instead of ``spec_code`` (undocumented)."""
        return self._record.flavor_code

    # -- every other documented field (full schema load on first use) -------------

    job_name = _Field[Optional[str]]("The job's name.")
    job_desc = _Field[Optional[str]]("The job's description.")
    pre_version_id = _Field[Optional[str]]("The version this one derives from (digits).")
    engine_type = _Field[Optional[int]]("Engine family code (1 TensorFlow, 10 PyTorch, ...).")
    engine_id = _Field[Optional[int]]("Engine id from the ai-engines catalogue.")
    app_url = _Field[Optional[str]]("OBS code directory.")
    boot_file_url = _Field[Optional[str]]("Boot file inside ``app_url``.")
    start_time = _Field[Optional[datetime]]("When the version started running (UTC).")
    parameter = _Field[Optional[Tuple[Parameter, ...]]]("Run arguments as (label, value).")
    core = _Field[Optional[str]]("CPU cores of the flavor, as text.")
    cpu = _Field[Optional[str]]("CPU memory of the flavor, as text.")
    gpu = _Field[Optional[bool]]("Whether GPUs are used.")
    gpu_num = _Field[Optional[int]]("Number of GPUs.")
    gpu_type = _Field[Optional[str]]("GPU type, e.g. ``P100``.")
    worker_server_num = _Field[Optional[int]]("Number of nodes.")
    data_url = _Field[Optional[str]]("OBS dataset path.")
    train_url = _Field[Optional[str]]("OBS output directory.")
    log_url = _Field[Optional[str]]("OBS log directory.")
    dataset_id = _Field[Optional[str]]("Dataset id.")
    dataset_version_id = _Field[Optional[str]]("Dataset version id.")
    dataset_name = _Field[Optional[str]]("Dataset name.")
    dataset_version_name = _Field[Optional[str]]("Dataset version name.")
    data_source = _Field[Optional[Tuple[DataSource, ...]]]("Input data sources.")
    model_id = _Field[Optional[int]]("Built-in algorithm id.")
    model_metric_list = _Field[Any](
        "Model metrics: the parsed JSON (read-only), or the text when it is not JSON."
    )
    system_metric_list = _Field[Any](
        "Resource usage series: the parsed JSON (read-only), or the text when it is not JSON."
    )
    user_image_url = _Field[Optional[str]]("Custom image (SWR).")
    user_command = _Field[Optional[str]]("Custom image start command.")
    resource_id = _Field[Optional[str]]("Billing id, e.g. ``jobafd08896``.")
    volumes = _Field[Optional[Tuple[Volume, ...]]]("Mounted volumes.")
    pool_id = _Field[Optional[str]]("Dedicated pool id.")
    pool_name = _Field[Optional[str]]("Pool name.")
    nas_mount_path = _Field[Optional[str]]("SFS Turbo mount path in the container.")
    nas_share_addr = _Field[Optional[str]]("SFS Turbo share address.")
    nas_type = _Field[Optional[str]]("NAS type (``nfs``; ``efs`` seen in practice).")

    # -- operations ------------------------------------------------------------------

    def _session_or_fail(self) -> Any:
        if self._session is None:
            raise ConfigurationError(
                "this TrainingJob was built without a session; pass one to call the service"
            )
        return self._session

    def get_job_info(self) -> Dict[str, Any]:
        """This version's details (api.md §2.4), the server's body as a ``dict``."""
        return _rest.get_version_detail(self._session_or_fail(), self._job_id, self._version_id)

    def get_job_version_info(self) -> Dict[str, Any]:
        """Every version of this job: the list-versions body (§2.3) as a ``dict``."""
        return _rest.list_versions(self._session_or_fail(), self._job_id)

    def update_job_description(self, description: str) -> Dict[str, Any]:
        """Replace the job's description (at most 256 characters)."""
        return _rest.update_description(self._session_or_fail(), self._job_id, description)

    def stop_job_version(self) -> Dict[str, Any]:
        """Stop this version; only a running version can be stopped (asynchronous)."""
        return _rest.stop_version(self._session_or_fail(), self._job_id, self._version_id)

    def delete_job_version(self) -> Dict[str, Any]:
        """Delete this version (asynchronous)."""
        return _rest.delete_version(self._session_or_fail(), self._job_id, self._version_id)

    def delete_job(self) -> Dict[str, Any]:
        """Delete the whole job, every version included (asynchronous)."""
        return _rest.delete_job(self._session_or_fail(), self._job_id)

    def get_job_log_file_list(self) -> Dict[str, Any]:
        """The names of this version's log files (one per node), as the server's body."""
        return _rest.get_log_file_names(self._session_or_fail(), self._job_id, self._version_id)

    def get_job_log(
        self,
        log_file: Optional[str] = None,
        *,
        lines: int = 50,
        base_line: Optional[str] = None,
        order: str = "desc",
    ) -> Dict[str, Any]:
        """Read ``lines`` log lines through the line-based ``aom-log`` API (§2.7).

        ``log_file`` defaults to the first file of ``get_job_log_file_list()``;
        ``base_line`` is a position from an earlier answer (``None``: the latest),
        ``order`` ``"desc"`` reads onwards, ``"asc"`` backwards.
        """
        session = self._session_or_fail()
        _rest.check_log_arguments(log_file, lines, base_line, order)
        if log_file is None:
            names = _rest.get_log_file_names(session, self._job_id, self._version_id)
            log_file = _rest.first_log_file(names, self._job_id, self._version_id)
        return _rest.get_log(
            session,
            self._job_id,
            self._version_id,
            log_file,
            lines=lines,
            base_line=base_line,
            order=order,
        )

