"""Visualization jobs (TensorBoard over a training output): one declaration for a job, as the
create answer (modelarts_03_0064), a ``jobs[]`` item of the list (03_0065) and the details body
(03_0066) give it, and the list page.

::

    page = load_visualizations_page(body, operation="list visualization jobs")
    job = page.jobs[0]
    job.job_id, job.status, job.service_url, job.duration
"""

from __future__ import annotations

from typing import Any, Optional, Type, TypeVar

from ..job_status import JobStatus
from ._convert import CODE, DURATION_MS, ID, INT, MS_TIME, STATUS, TEXT
from ._record import Origin, Record, field, items
from .envelope import V1Body

__all__ = [
    "Visualization",
    "VisualizationsPage",
    "load_visualization",
    "load_visualizations_page",
]

V = TypeVar("V", bound="Visualization")


class Visualization(Record):
    """One visualization job, every documented field typed.

    ``status`` uses the training-job status codes (modelarts_03_0074): 1
    initializing, 7 deploying, 8 running (serving at ``service_url``), 12
    stopped. The create answer carries only the id, name, status and time.
    """

    __slots__ = ()

    job_id = field(ID, "The visualization job's id, decimal digits.")
    job_name = field(TEXT, "Its name (1-20 of ``[A-Za-z0-9_-]``).")
    status = field(STATUS, "The status code as a ``JobStatus``.", default=JobStatus.UNKNOWN)
    create_time = field(MS_TIME, "When it was created (aware, UTC).")
    duration = field(DURATION_MS, "How long it has run.")
    job_desc = field(TEXT, "Its description.")
    service_url = field(TEXT, "Where TensorBoard is served once it runs.")
    train_url = field(TEXT, "The OBS directory of the summary files it shows.")
    resource_id = field(TEXT, "Billing id.")
    remaining_duration = field(DURATION_MS, "Time left before a scheduled stop.")

    def __repr__(self) -> str:
        return f"<{type(self).__name__} job_id={self.job_id!r} {self.status.name}>"


class VisualizationsPage(V1Body):
    """One page of the project's visualization jobs (modelarts_03_0065), in server order."""

    __slots__ = ()

    job_total_count = field(CODE, "How many jobs match (all pages).")
    job_count_limit = field(INT, "How many more jobs the project may create.")
    quotas = field(INT, "How many may run at once.")
    jobs = field(items(Visualization), "The jobs on this page.", default=())


def load_visualizations_page(
    body: Any,
    *,
    operation: str = "",
    status_code: Optional[int] = None,
    request_id: Optional[str] = None,
    item_type: Type[Visualization] = Visualization,
) -> VisualizationsPage:
    """The list body; ``item_type`` is the ``Visualization`` subclass to build. Ids are required."""
    page = VisualizationsPage.load(
        body,
        operation=operation,
        status_code=status_code,
        request_id=request_id,
        item_type=item_type,
    )
    for index, job in enumerate(page.jobs):
        if job.job_id is None:
            raise page.origin.error(
                "missing or null, but an id is required", ("jobs", index, "job_id")
            )
    return page


def load_visualization(
    body: Any,
    *,
    operation: str = "",
    status_code: Optional[int] = None,
    request_id: Optional[str] = None,
    record_type: Type[V] = Visualization,  # type: ignore[assignment]  # V is Visualization
) -> V:
    """A create answer or a details body; its ``job_id`` is required."""
    job = record_type.load(
        body, operation=operation, status_code=status_code, request_id=request_id
    )
    if job.job_id is None:
        origin = Origin(operation, status_code, request_id)
        raise origin.error("missing or null, but an id is required", ("job_id",))
    return job
