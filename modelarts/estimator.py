"""``Estimator``: a training job and its versions, as the old ModelArts SDK offered them.

::

    from modelarts.session import Session
    from modelarts.estimator import Estimator

    estimator = Estimator(Session(), job_id="182626")
    versions = estimator.get_job_version_object_list()   # prints a table, returns TrainingJobs
    for version in estimator.iter_job_versions():       # lazily, one page in memory
        print(version.version_name, version.status.name)

Arguments are checked before any request is sent (``InvalidArgumentError``, a
``ValueError``); ids may be ``int`` or digit strings and come back as ``str``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Dict, Iterator, List, Optional, Union

from . import training_api as api
from ._idset import IdSet
from ._lazy import lazy_attributes
from .errors import InvalidArgumentError
from .schemas import VersionsPage
from .training_api import Caller, normalize_id
from .training_job import TrainingJob

if TYPE_CHECKING:
    from .visualization import VisualizationJob

__all__ = ["Estimator", "RUN_OPTIONS", "VersionIterator", "VisualizationJob"]

# ``VisualizationJob`` is importable from here, as in the old SDK, and loads on first use.
__getattr__, __dir__ = lazy_attributes(
    __name__, {"VisualizationJob": "modelarts.visualization"}, __all__
)

Id = Union[str, int]

#: The old SDK's job-definition keywords (its Estimator constructor). They are kept on the
#: estimator (``run_options``) for code that passes them; a misspelt one is an error.
RUN_OPTIONS = frozenset(
    {
        "config_name",
        "framework_type",
        "framework_version",
        "code_dir",
        "boot_file",
        "model_name",
        "hyperparameters",
        "output_path",
        "log_url",
        "train_instance_type",
        "train_instance_count",
        "job_description",
        "user_image_url",
        "user_command",
        "pool_id",
        "nas_type",
        "nas_share_addr",
        "nas_mount_path",
    }
)

# A guard against a server that keeps answering: list-versions pages are
# numbered like list-jobs pages, 1..65535.
_MAX_PAGES = api.MAX_PAGE


def _check_session(session: Any) -> Caller:
    if not isinstance(session, Caller):
        raise InvalidArgumentError(
            f"Estimator needs a modelarts Session as its first argument, got {session!r}"
        )
    return session


class VersionIterator(Iterator[TrainingJob]):
    """The lazy iterator ``Estimator.iter_job_versions`` returns.

    Besides the versions it knows ``version_count``, the total the server
    announced with the latest page (``None`` until the first page arrived).
    """

    def __init__(self) -> None:
        self.version_count: Optional[int] = None
        self._pages: Iterator[TrainingJob] = iter(())

    def __next__(self) -> TrainingJob:
        return next(self._pages)

    def __iter__(self) -> "VersionIterator":
        return self


class Estimator:
    """A training job (``job_id``), optionally one of its versions (``version_id``)."""

    def __init__(
        self,
        modelarts_session: Caller,
        job_id: Optional[Id] = None,
        version_id: Optional[Id] = None,
        **run_options: Any,
    ) -> None:
        self.session = _check_session(modelarts_session)
        self.job_id = None if job_id is None else normalize_id(job_id, "job_id")
        self.version_id = None if version_id is None else normalize_id(version_id, "version_id")
        unknown = sorted(set(run_options) - RUN_OPTIONS)
        if unknown:
            raise InvalidArgumentError(
                f"unknown Estimator option(s) {', '.join(unknown)}; "
                f"known: {', '.join(sorted(RUN_OPTIONS))}"
            )
        self.run_options: Dict[str, Any] = dict(run_options)

    def __repr__(self) -> str:
        return f"<Estimator job_id={self.job_id!r} version_id={self.version_id!r}>"

    # -- ids -------------------------------------------------------------------------

    def _job(self, operation: str) -> str:
        if self.job_id is None:
            raise InvalidArgumentError(f"{operation} needs an Estimator with job_id=")
        return self.job_id

    def _version(self, operation: str) -> TrainingJob:
        job_id = self._job(operation)
        if self.version_id is None:
            raise InvalidArgumentError(f"{operation} needs an Estimator with version_id=")
        return TrainingJob(self.session, job_id, self.version_id)

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
        """Yield the job's versions page by page, holding one page in memory at a time.

        Pages are requested as ``page=1, 2, ...`` with ``per_page=page_size``
        (1..1000) until ``version_count`` versions were seen, or a page comes
        back short, empty, or holding only versions already seen. Paging past
        page 1 is not documented by Huawei: when pages end before
        ``version_count`` versions arrived (a server that ignores ``page``), the
        rest is fetched once with the documented unpaged listing, so the result
        is complete or the call fails (``ResponseFormatError``), never silently
        short. Besides the page, only the ids already seen are kept (about 8
        bytes per version), so no version is ever yielded twice.

        The iterator's ``version_count`` is the total the server announced with
        the latest page (``None`` before the first page), for progress displays.
        """
        job_id = self._job("iter_job_versions")
        per_page = api.check_page_size(page_size, "page_size")
        iterator = VersionIterator()
        iterator._pages = self._iterate(job_id, per_page, iterator)
        return iterator

    def _iterate(
        self, job_id: str, per_page: int, progress: "VersionIterator"
    ) -> Iterator[TrainingJob]:
        seen = IdSet()

        def unseen(page: VersionsPage) -> List[TrainingJob]:
            jobs = TrainingJob.from_versions_page(self.session, page, job_id=job_id)
            return [job for job in jobs if seen.add(int(job.version_id))]

        for number in range(1, _MAX_PAGES + 1):
            page = api.list_versions_page(
                self.session, job_id, page=number, per_page=per_page, item_type=TrainingJob
            )
            total = progress.version_count = page.version_count
            fresh = unseen(page)
            yield from fresh
            more = bool(fresh) and len(page.versions) >= per_page
            # Let this page go before the next one is fetched and parsed: kept, two
            # pages (and their records) are alive at once, doubling the peak memory.
            del page, fresh
            if total is not None and len(seen) >= total:
                return
            if more:
                continue
            if total is None:
                return  # a short, empty or repeated page is the end
            break
        # Pages ended before version_count versions arrived.
        full = api.list_versions_page(
            self.session, job_id, page=None, per_page=per_page, item_type=TrainingJob
        )
        progress.version_count = full.version_count
        yield from unseen(full)
        if full.version_count is not None and len(seen) < full.version_count:
            raise full.origin.error(
                f"the server reports {full.version_count} versions but sent {len(seen)}",
                ("version_count",),
            )

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
        *,
        lines: int = 50,
        base_line: Optional[str] = None,
        order: str = "desc",
    ) -> Dict[str, Any]:
        return self._version("get_job_log").get_job_log(
            log_file, lines=lines, base_line=base_line, order=order
        )

    # -- the job ---------------------------------------------------------------------------

    def update_job_description(self, description: str) -> Dict[str, Any]:
        job_id = self._job("update_job_description")
        return api.update_description(self.session, job_id, description).as_dict()

    def delete_job(self) -> Dict[str, Any]:
        return api.delete_job(self.session, self._job("delete_job")).as_dict()

    # -- static, as in the old SDK ------------------------------------------------------------

    @staticmethod
    def get_job_list(
        modelarts_session: Caller,
        status: Optional[int] = None,
        per_page: int = 10,
        page: int = 1,
        sortBy: str = "job_name",  # noqa: N803 - the REST API's (and old SDK's) spelling
        order: str = "desc",
        search_content: Optional[str] = None,
        *,
        sort_by: Optional[str] = None,
    ) -> Dict[str, Any]:
        """One page of the project's training jobs, as the server's body (modelarts_03_0046).

        ``sort_by`` is accepted as an alias of ``sortBy`` (the old SDK used it
        under password authentication).
        """
        return api.list_jobs(
            _check_session(modelarts_session),
            status=status,
            per_page=per_page,
            page=page,
            sort_by=sort_by if sort_by is not None else sortBy,
            order=order,
            search_content=search_content,
        ).as_dict()

    @staticmethod
    def delete_job_by_id(modelarts_session: Caller, job_id: Id) -> Dict[str, Any]:
        """Delete a job and all its versions."""
        client = _check_session(modelarts_session)
        return api.delete_job(client, normalize_id(job_id, "job_id")).as_dict()
