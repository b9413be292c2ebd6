"""Walking the versions of a training job page by page (list versions, modelarts_03_0048).

``Estimator.iter_job_versions`` and ``modelarts jobs versions`` both call
``iter_versions``; it needs only the training API and the version records, so
listing loads none of the create or configuration modules.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterator, List, Optional

from . import training_api as api
from ._idset import IdSet
from .training_api import Caller
from .training_job import TrainingJob

if TYPE_CHECKING:
    from .schemas import VersionsPage

__all__ = ["VersionIterator", "iter_versions"]

# A guard against a server that keeps answering: list-versions pages are
# numbered like list-jobs pages, 1..65535.
_MAX_PAGES = api.MAX_PAGE


class VersionIterator(Iterator[TrainingJob]):
    """The lazy iterator ``iter_versions`` (and ``Estimator.iter_job_versions``) returns.

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


def iter_versions(
    session: Caller, job_id: Any, page_size: int = api.MAX_PAGE_SIZE
) -> VersionIterator:
    """Yield the job's versions page by page, holding one page in memory at a time.

    Pages are requested as ``page=1, 2, ...`` with ``per_page=page_size``
    (1..1000) until ``version_count`` versions were seen, or a page comes
    back short, empty, or holding only versions already seen. Paging past
    page 1 is not documented by Huawei: when pages end before
    ``version_count`` versions arrived (a server that ignores ``page``), the
    rest is fetched once with the documented unpaged listing, so the result
    is complete or the call fails (``ResponseFormatError``), never silently
    short. Besides the page, only the ids already seen are kept (about 8
    bytes per version), so no version is ever yielded twice. A server that
    keeps sending full pages of new versions is stopped with
    ``ResponseFormatError``: one page past what the first announced
    ``version_count`` needs, or after page 65,535 when it announces none.

    The iterator's ``version_count`` is the total the server announced with
    the latest page (``None`` before the first page), for progress displays.
    """
    job = api.normalize_id(job_id, "job_id")
    per_page = api.check_page_size(page_size, "page_size")
    iterator = VersionIterator()
    iterator._pages = _walk(session, job, per_page, iterator)
    return iterator


def _walk(
    session: Caller, job_id: str, per_page: int, progress: VersionIterator
) -> Iterator[TrainingJob]:
    seen = IdSet()

    def unseen(page: VersionsPage) -> List[TrainingJob]:
        jobs = TrainingJob.from_versions_page(session, page, job_id=job_id)
        return [job for job in jobs if seen.add(int(job.version_id))]

    first: Optional[int] = None  # the version_count of the first page that had one
    for number in range(1, _MAX_PAGES + 1):
        page = api.list_versions_page(
            session, job_id, page=number, per_page=per_page, item_type=TrainingJob
        )
        total = progress.version_count = page.version_count
        first = total if first is None else first
        origin = page.origin
        fresh = unseen(page)
        yield from fresh
        more = bool(fresh) and len(page.versions) >= per_page
        # Let this page go before the next one is fetched and parsed: kept, two
        # pages (and their records) are alive at once, doubling the peak memory.
        del page, fresh
        if total is not None and len(seen) >= total:
            return
        if more:
            # One page more than the first count needs (versions created meanwhile).
            if first is not None and number > -(-first // per_page):
                raise origin.error(
                    f"the server keeps sending new versions: {len(seen)} in {number} pages "
                    f"of {per_page}, when it first announced {first}",
                    ("version_count",),
                )
            continue
        if total is None:
            return  # a short, empty or repeated page is the end
        break
    else:
        raise origin.error(
            f"the server sent {_MAX_PAGES} full pages of new versions; listing stops there",
            ("version_count",),
        )
    # Pages ended before version_count versions arrived.
    full = api.list_versions_page(
        session, job_id, page=None, per_page=per_page, item_type=TrainingJob
    )
    progress.version_count = full.version_count
    yield from unseen(full)
    if full.version_count is not None and len(seen) < full.version_count:
        raise full.origin.error(
            f"the server reports {full.version_count} versions but sent {len(seen)}",
            ("version_count",),
        )
