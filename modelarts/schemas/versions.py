"""Version records: one declaration for a ``versions[]`` item of list-versions
(modelarts_03_0049) and the flat version-details body (modelarts_03_0047).

::

    page = load_versions_page(body, operation="GET .../versions")   # every field checked
    version = page.versions[0]
    version.gpu_num, version.create_time, version.model_metric_list

Adding a documented field is one ``field()`` line in ``Version`` (and its test):
the slot, the typed attribute, the check at load, the marshmallow schema and
the drift check all follow from it.
"""

from __future__ import annotations

from typing import Any, Optional, Type, TypeVar

from ..job_status import JobStatus
from ._convert import (
    BOOL,
    CODE,
    DURATION_MS,
    ID,
    INT,
    JSON,
    MS_TIME,
    STATUS,
    TEXT,
    Path,
)
from ._record import Origin, Record, field, items
from ._structures import DATA_SOURCES, PARAMETERS, VOLUMES
from .envelope import V1Body

__all__ = ["Version", "VersionsPage", "load_version_detail", "load_versions_page"]

V = TypeVar("V", bound="Version")


class Version(Record):
    """One version of a training job, every documented field typed.

    Ids are decimal ``str``; times aware UTC ``datetime``; durations
    ``timedelta``; ``status`` a ``JobStatus`` (``UNKNOWN`` when absent); the
    metric lists the parsed JSON (read-only), or the text itself when it is not
    JSON. Fields the server left out or sent as ``null`` are ``None``.
    """

    __slots__ = ()

    version_id = field(ID, "This version's id, decimal digits.")
    job_id = field(ID, "The job's id, decimal digits.")
    job_name = field(TEXT, "The job's name.")
    job_desc = field(TEXT, "The job's description.")
    version_name = field(TEXT, "Version name, e.g. ``V0004``.")
    pre_version_id = field(ID, "The version this one derives from (digits).")
    status = field(STATUS, "The status code as a ``JobStatus``.", default=JobStatus.UNKNOWN)
    engine_type = field(INT, "Engine family code (1 TensorFlow, 10 PyTorch, ...).")
    engine_name = field(TEXT, "Engine, e.g. ``TensorFlow``.")
    engine_id = field(INT, "Engine id from the ai-engines catalogue.")
    engine_version = field(TEXT, "Engine version, e.g. ``TF-1.4.0-python2.7``.")
    app_url = field(TEXT, "OBS code directory.")
    boot_file_url = field(TEXT, "Boot file inside ``app_url``.")
    create_time = field(MS_TIME, "When the version was created (aware, UTC).")
    start_time = field(MS_TIME, "When the version started running (aware, UTC).")
    duration = field(DURATION_MS, "How long it ran.")
    parameter = field(PARAMETERS, "Run arguments as (label, value).")
    spec_id = field(INT, "Resource flavor id (public pool).")
    spec_code = field(TEXT, "Resource flavor code, e.g. ``modelarts.vm.cpu.2u``.")
    flavor_code = field(TEXT, "Flavor code some answers carry instead of ``spec_code``.")
    core = field(TEXT, "CPU cores of the flavor, as text.")
    cpu = field(TEXT, "CPU memory of the flavor, as text.")
    gpu = field(BOOL, "Whether GPUs are used.")
    gpu_num = field(INT, "Number of GPUs.")
    gpu_type = field(TEXT, "GPU type, e.g. ``P100``.")
    worker_server_num = field(INT, "Number of nodes.")
    data_url = field(TEXT, "OBS dataset path.")
    train_url = field(TEXT, "OBS output directory.")
    log_url = field(TEXT, "OBS log directory.")
    dataset_id = field(TEXT, "Dataset id.")
    dataset_version_id = field(TEXT, "Dataset version id.")
    dataset_name = field(TEXT, "Dataset name.")
    dataset_version_name = field(TEXT, "Dataset version name.")
    data_source = field(DATA_SOURCES, "Input data sources.")
    model_id = field(INT, "Built-in algorithm id.")
    model_metric_list = field(JSON, "Model metrics (JSON text on the wire, parsed on first read).")
    system_metric_list = field(JSON, "Resource usage series (JSON text, parsed on first read).")
    user_image_url = field(TEXT, "Custom image (SWR).")
    user_command = field(TEXT, "Custom image start command.")
    resource_id = field(TEXT, "Billing id, e.g. ``jobafd08896``.")
    volumes = field(VOLUMES, "Mounted volumes.")
    pool_id = field(TEXT, "Dedicated pool id.")
    pool_name = field(TEXT, "Pool name.")
    nas_mount_path = field(TEXT, "SFS Turbo mount path in the container.")
    nas_share_addr = field(TEXT, "SFS Turbo share address.")
    nas_type = field(TEXT, "NAS type (``nfs``; ``efs`` seen in practice).")

    def __repr__(self) -> str:
        return f"<{type(self).__name__} version_id={self.version_id!r} {self.status.name}>"


class VersionsPage(V1Body):
    """One list-versions body (modelarts_03_0049); ``versions`` in server order.

    The page gives ``job_id``, ``job_name`` and ``job_desc`` once for all its
    versions; ``load_versions_page`` fills them into each version that lacks
    them (``raw`` stays as received).
    """

    __slots__ = ()

    job_id = field(ID, "The job's id, decimal digits.")
    job_name = field(TEXT, "The job's name.")
    job_desc = field(TEXT, "The job's description.")
    version_count = field(CODE, "How many versions the job has (all pages).")
    versions = field(items(Version), "The versions on this page.", default=())


def load_versions_page(
    body: Any,
    *,
    operation: str = "",
    status_code: Optional[int] = None,
    request_id: Optional[str] = None,
    item_type: Type[Version] = Version,
) -> VersionsPage:
    """The list-versions body, every documented field of every version checked.

    ``item_type`` is the ``Version`` subclass to build (``TrainingJob``).
    Each version must have its id; the page's job fields fill in for the
    versions' own.
    """
    page = VersionsPage.load(
        body,
        operation=operation,
        status_code=status_code,
        request_id=request_id,
        item_type=item_type,
    )
    inherited = [
        (name, value)
        for name, value in (
            ("job_id", page.job_id),
            ("job_name", page.job_name),
            ("job_desc", page.job_desc),
        )
        if value is not None
    ]
    origin = Origin(operation, status_code, request_id)
    for index, version in enumerate(page.versions):
        if version.version_id is None:
            raise _missing_id(version, "version_id", origin, ("versions", index))
        for name, value in inherited:
            if getattr(version, name) is None:
                setattr(version, name, value)
    return page


def load_version_detail(
    body: Any,
    *,
    operation: str = "",
    status_code: Optional[int] = None,
    request_id: Optional[str] = None,
    record_type: Type[V] = Version,  # type: ignore[assignment]  # V is Version by default
) -> V:
    """The flat version-details body (modelarts_03_0047); its two ids are required.

    ``record_type`` is the ``Version`` subclass to build (``TrainingJob``).
    """
    version = record_type.load(
        body, operation=operation, status_code=status_code, request_id=request_id
    )
    origin = Origin(operation, status_code, request_id)
    for name in ("version_id", "job_id"):
        if getattr(version, name) is None:
            raise _missing_id(version, name, origin, ())
    return version


def _missing_id(version: Version, name: str, origin: Origin, path: Path) -> Exception:
    state = "null" if name in version.raw else "missing"
    return origin.error(f"{state}, but an integer id is required", path + (name,))
