"""``Estimator``: a training job and its versions, as the old ModelArts SDK offered them.

::

    from modelarts.session import Session
    from modelarts.estimator import Estimator

    estimator = Estimator(Session(), framework_type="PyTorch",
                          framework_version="PyTorch-1.4.0-python3.6",
                          code_dir="/bucket/code/", boot_file="/bucket/code/train.py",
                          output_path="/bucket/out/", train_instance_type="modelarts.vm.cpu.8u",
                          train_instance_count=1)
    job = estimator.fit(inputs="/bucket/data/", wait=True)     # a TrainingJob
    estimator.output_path = "/bucket/out2/"                    # used by the next call
    job2 = estimator.create_job_version(job.job_id, job.version_id, inputs="/bucket/data/")

    versions = Estimator(Session(), job_id="182626").get_job_version_object_list()

Arguments are checked before any request is sent (``InvalidArgumentError``, a
``ValueError``); ids may be ``int`` or digit strings and come back as ``str``.
The run keywords (``modelarts/run_config.py`` declares them and how each
reaches the create body) are plain attributes, read again at every call.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Dict, List, Optional, Sequence, Tuple, Union

from . import estimator_calls, estimator_configs, job_submission
from . import training_api as api
from ._lazy import lazy_attributes
from .constant import JOB_STATE
from .errors import InvalidArgumentError
from .run_config import RUN_OPTIONS, Inputs, RunSettings
from .training_api import Caller, normalize_id
from .training_job import TrainingJob, clock_of
from .version_listing import VersionIterator, iter_versions

if TYPE_CHECKING:
    from .visualization import VisualizationJob

__all__ = ["Estimator", "JOB_STATE", "RUN_OPTIONS", "VersionIterator", "VisualizationJob"]

# ``VisualizationJob`` is importable from here, as in the old SDK, and loads on first use.
__getattr__, __dir__ = lazy_attributes(
    __name__, {"VisualizationJob": "modelarts.visualization"}, __all__
)

Id = Union[str, int]

#: Defaults of run keywords that are not ``None`` (as in the old SDK).
_DEFAULTS: Dict[str, Any] = {"job_type": "train"}


class Estimator(estimator_configs.JobConfigMethods, estimator_calls.SessionCalls):
    """A training job (``job_id``), optionally one of its versions (``version_id``)."""

    def __init__(
        self,
        modelarts_session: Caller,
        *,
        job_id: Optional[Id] = None,
        version_id: Optional[Id] = None,
        config_name: Optional[str] = None,
        **run_options: Any,
    ) -> None:
        """``run_options``: the old SDK's run keywords (``RUN_OPTIONS``), keyword-only.

        ``hyperparameters`` defaults to ``[]`` and ``job_type`` to ``"train"``,
        every other one to ``None``. ``w3_account``, ``app_id``, ``environment``
        and the like raise ``ConfigurationError``; a misspelt keyword
        ``InvalidArgumentError``. No request is made.
        """
        self.session = estimator_calls.check_session(modelarts_session)
        RunSettings.from_options(run_options)  # unknown or unsupported keywords
        self.job_id = None if job_id is None else normalize_id(job_id, "job_id")
        self.version_id = None if version_id is None else normalize_id(version_id, "version_id")
        self.config_name = config_name
        self.hyperparameters: Any = []
        for name in sorted(RUN_OPTIONS - {"hyperparameters"}):
            setattr(self, name, _DEFAULTS.get(name))
        for name, value in run_options.items():
            if value is not None:  # None keeps the default, as in the old SDK
                setattr(self, name, value)

    @property
    def modelarts_session(self) -> Caller:
        """The session (the old SDK's name for it)."""
        return self.session

    def __repr__(self) -> str:
        return f"<Estimator job_id={self.job_id!r} version_id={self.version_id!r}>"

    # -- ids -------------------------------------------------------------------------

    def _job(self, operation: str) -> str:
        if self.job_id is None:
            raise InvalidArgumentError(f"{operation} needs an Estimator with job_id=")
        return normalize_id(self.job_id, "job_id")

    def _version(self, operation: str) -> TrainingJob:
        job_id = self._job(operation)
        if self.version_id is None:
            raise InvalidArgumentError(f"{operation} needs an Estimator with version_id=")
        return TrainingJob(self.session, job_id, self.version_id)

    # -- creating (modelarts_03_0045, modelarts_03_0050) ------------------------------------

    def run_settings(self) -> RunSettings:
        """The run keywords as they are now (attributes are read at every call)."""
        return RunSettings.from_options({name: getattr(self, name) for name in RUN_OPTIONS})

    def fit(
        self,
        inputs: Optional[str] = None,
        dataset_id: Optional[str] = None,
        dataset_version_id: Optional[str] = None,
        data_source: Optional[Sequence[Dict[str, Any]]] = None,
        wait: bool = False,
        job_name: Optional[str] = None,
        priority: Optional[int] = None,
    ) -> TrainingJob:
        """Create a training job and its first version; return a new ``TrainingJob``.

        The training data is exactly one of ``inputs`` (an OBS path),
        ``dataset_id`` with ``dataset_version_id``, or ``data_source``. The job
        name defaults to ``base_job_name`` (else ``job``) followed by the UTC
        time and six random hex digits, so two fits in one second differ (the
        old SDK used ``base_job_name`` as is, and its names collided within a
        second). ``priority`` (1-3) is sent only when given; ``pool_id`` as the
        documented ``config.pool_id``. With ``wait`` it returns once the
        version is terminal (``TrainingJob.wait``), whatever the outcome.
        A lost answer raises ``CreateOutcomeUnknownError`` (find the job with
        ``Estimator.find_job(session, name)``).
        """
        data = Inputs.of(inputs, dataset_id, dataset_version_id, data_source)
        options = {name: getattr(self, name) for name in RUN_OPTIONS}
        job = job_submission.new_job(
            self.session,
            options,
            data,
            job_name=job_name,
            priority=priority,
            now=clock_of(self.session).now(),
        )
        if wait:
            job.wait()
        return job

    def create_job_version(
        self,
        job_id: Id,
        pre_version_id: Id,
        inputs: Optional[str] = None,
        dataset_id: Optional[str] = None,
        dataset_version_id: Optional[str] = None,
        data_source: Optional[Sequence[Dict[str, Any]]] = None,
        wait: bool = False,
        job_desc: Optional[str] = None,
        priority: Optional[int] = None,
    ) -> TrainingJob:
        """Create a version of ``job_id`` from ``pre_version_id`` with the current settings.

        The body is ``fit``'s config plus ``pre_version_id`` (a JSON integer);
        ``job_desc`` is sent only when given. Returns a new ``TrainingJob``;
        ``wait`` as in ``fit``.
        """
        data = Inputs.of(inputs, dataset_id, dataset_version_id, data_source)
        options = {name: getattr(self, name) for name in RUN_OPTIONS}
        job = job_submission.new_version(
            self.session,
            options,
            data,
            job_id=job_id,
            pre_version_id=pre_version_id,
            job_desc=job_desc,
            priority=priority,
        )
        if wait:
            job.wait()
        return job

    def get_job_state(self, job_id: Id, version_id: Id) -> Tuple[str, int]:
        """``(JOB_STATE name, duration in ms)`` of a version, as the old SDK returned it.

        One version-details request. Every code has a name (``JOBSTAT_CODE_23``
        for one nobody documents), where the old SDK raised ``IndexError``.
        """
        version = api.get_version(
            self.session, normalize_id(job_id, "job_id"), normalize_id(version_id, "version_id")
        )
        code = int(version.status)
        name = JOB_STATE[code] if code < len(JOB_STATE) else f"JOBSTAT_{version.status.name}"
        duration = version.duration
        return name, 0 if duration is None else round(duration.total_seconds() * 1000)

    # -- versions ----------------------------------------------------------------------

    def get_job_version_object_list(self, is_show: bool = True) -> List[TrainingJob]:
        """Every version of the job, in the server's order, as ``TrainingJob`` objects.

        All pages are fetched (1,000 versions each). With ``is_show`` a table of
        the versions is printed to stdout; no request is made per version.
        """
        jobs = list(self.iter_job_versions())
        if is_show:
            from .display import print_versions_table  # only needed to print

            print_versions_table(jobs)
        return jobs

    def iter_job_versions(self, page_size: int = api.MAX_PAGE_SIZE) -> "VersionIterator":
        """Yield the job's versions page by page, holding one page in memory at a time
        (``modelarts/version_listing.py`` says how pages are walked and checked)."""
        return iter_versions(self.session, self._job("iter_job_versions"), page_size)

    def get_job_version_info(self) -> Dict[str, Any]:
        """The list-versions body (every version) as a ``dict``, like the old SDK."""
        return api.list_versions(self.session, self._job("get_job_version_info")).as_dict()

    # -- one version (needs version_id) ----------------------------------------------------

    def get_job_info(self) -> Dict[str, Any]:
        """Details of the estimator's version (modelarts_03_0047), as a ``dict``."""
        return self._version("get_job_info").get_job_info()

    def stop_job_version(self) -> Dict[str, Any]:
        return self._version("stop_job_version").stop_job_version()

    def delete_job_version(self) -> Dict[str, Any]:
        return self._version("delete_job_version").delete_job_version()

    def get_job_log_file_list(self) -> Dict[str, Any]:
        return self._version("get_job_log_file_list").get_job_log_file_list()

    def get_job_log(
        self,
        log_file: Optional[str] = None,
        lines: Optional[int] = None,
        base_line: Optional[str] = None,
        order: Optional[str] = None,
    ) -> Dict[str, Any]:
        """``TrainingJob.get_job_log`` of the estimator's version: only what is given is sent."""
        return self._version("get_job_log").get_job_log(
            log_file, lines=lines, base_line=base_line, order=order
        )

    # -- the job ---------------------------------------------------------------------------

    def update_job_description(self, description: str) -> Dict[str, Any]:
        job_id = self._job("update_job_description")
        return api.update_description(self.session, job_id, description).as_dict()

    def delete_job(self) -> Dict[str, Any]:
        return api.delete_job(self.session, self._job("delete_job")).as_dict()
