"""The visualization-job REST calls (TensorBoard over a training output), one function each.

::

    from modelarts import visualization_api as vis

    created = vis.create_visualization(session, "/bucket/job/output/", "mnist-board")
    vis.get_visualization(session, created.job_id).service_url

Pages: create modelarts_03_0064, list 03_0065, details 03_0066, modify the
description 03_0067, delete 03_0068, stop 03_0069, restart 03_0070. Creating,
stopping and restarting are asynchronous: the job deploys (status 7) and then
serves (8, RUNNING) at ``service_url``. Arguments are checked before anything
is sent (``InvalidArgumentError``, a ``ValueError``); ids may be ``int`` or
digit strings. ``modelarts.visualization.VisualizationJob`` is the old SDK's
face over these.
"""

from __future__ import annotations

import re
from functools import partial
from typing import Any, Optional, Type, TypeVar

from .errors import InvalidArgumentError
from .schemas import Envelope
from .schemas.visualization import (
    Visualization,
    VisualizationsPage,
    load_visualization,
    load_visualizations_page,
)
from .training_api import (
    Caller,
    Id,
    check_description,
    envelope_call,
    listing_query,
    normalize_id,
)

__all__ = [
    "VISUALIZATION_NAME",
    "VISUALIZATION_SORT_KEYS",
    "check_visualization_name",
    "create_visualization",
    "delete_visualization",
    "get_visualization",
    "list_visualizations",
    "restart_visualization",
    "stop_visualization",
    "update_visualization",
]

#: ``job_name`` (modelarts_03_0064): 1-20 letters, digits, ``-`` and ``_``.
VISUALIZATION_NAME = re.compile(r"[A-Za-z0-9_-]{1,20}")
#: ``sortBy`` of the list (modelarts_03_0065).
VISUALIZATION_SORT_KEYS = ("job_id", "job_name", "job_desc", "create_time", "status")
_MAX_URL = 1024
_JOBS = "/v1/{project_id}/visualization-jobs"

V = TypeVar("V", bound=Visualization)


def check_visualization_name(name: Any) -> str:
    if not isinstance(name, str) or not VISUALIZATION_NAME.fullmatch(name):
        raise InvalidArgumentError(
            f"job_name must be 1-20 letters, digits, '-' or '_' (page modelarts_03_0064), "
            f"got {name!r}"
        )
    return name


def _path(job_id: Id) -> str:
    return f"{_JOBS}/{normalize_id(job_id, 'visualization job id')}"


def create_visualization(
    client: Caller,
    train_url: str,
    job_name: str,
    *,
    job_desc: Optional[str] = None,
    record_type: Type[V] = Visualization,  # type: ignore[assignment]  # V is Visualization
) -> V:
    """``POST .../visualization-jobs`` with ``job_name``, ``train_url`` and, when given,
    ``job_desc`` (modelarts_03_0064); the answer holds the new id, name, status and time."""
    if not isinstance(train_url, str) or not train_url or len(train_url) > _MAX_URL:
        raise InvalidArgumentError(
            "train_url must be the OBS directory of the summary files (a non-empty str of at "
            f"most {_MAX_URL} characters), got {train_url!r}"
        )
    body = {"job_name": check_visualization_name(job_name), "train_url": train_url}
    if job_desc is not None:
        body["job_desc"] = check_description(job_desc, "job_desc")
    created: V = client.request(
        "POST",
        _JOBS,
        json=body,
        operation=f"create visualization job {job_name}",
        load=partial(load_visualization, record_type=record_type),
    )
    return created


def list_visualizations(
    client: Caller,
    *,
    status: Optional[int] = None,
    per_page: Optional[int] = None,
    page: Optional[int] = None,
    sort_by: Optional[str] = None,
    order: Optional[str] = None,
    search_content: Optional[str] = None,
    item_type: Type[Visualization] = Visualization,
) -> VisualizationsPage:
    """``GET .../visualization-jobs`` (modelarts_03_0065) with exactly the filters given.

    The server's defaults apply to the rest: 10 per page, page 1, by
    ``job_id``, ``asc``. ``item_type`` is the ``Visualization`` subclass to build.
    """
    query = listing_query(
        per_page=per_page,
        page=page,
        sort_by=sort_by,
        sort_keys=VISUALIZATION_SORT_KEYS,
        order=order,
        search_content=search_content,
        status=status,
    )
    loaded: VisualizationsPage = client.request(
        "GET",
        _JOBS,
        query=query,
        operation="list visualization jobs",
        load=partial(load_visualizations_page, item_type=item_type),
    )
    return loaded


def get_visualization(
    client: Caller,
    job_id: Id,
    *,
    record_type: Type[V] = Visualization,  # type: ignore[assignment]  # V is Visualization
) -> V:
    """``GET .../visualization-jobs/{job_id}`` (modelarts_03_0066)."""
    path = _path(job_id)
    job: V = client.request(
        "GET",
        path,
        operation=f"get visualization job {job_id}",
        load=partial(load_visualization, record_type=record_type),
    )
    return job


def update_visualization(client: Caller, job_id: Id, job_desc: str) -> Envelope:
    """``PUT .../visualization-jobs/{job_id}`` with ``{"job_desc": ...}`` (modelarts_03_0067)."""
    path = _path(job_id)
    body = {"job_desc": check_description(job_desc, "job_desc")}
    return envelope_call(client, "PUT", path, f"update visualization job {job_id}", json=body)


def stop_visualization(client: Caller, job_id: Id) -> Envelope:
    """``POST .../visualization-jobs/{job_id}/stop``, no body (modelarts_03_0069)."""
    return envelope_call(
        client, "POST", _path(job_id) + "/stop", f"stop visualization job {job_id}"
    )


def restart_visualization(client: Caller, job_id: Id) -> Envelope:
    """``POST .../visualization-jobs/{job_id}/restart``, no body (modelarts_03_0070)."""
    path = _path(job_id) + "/restart"
    return envelope_call(client, "POST", path, f"restart visualization job {job_id}")


def delete_visualization(client: Caller, job_id: Id) -> Envelope:
    """``DELETE .../visualization-jobs/{job_id}`` (modelarts_03_0068)."""
    return envelope_call(client, "DELETE", _path(job_id), f"delete visualization job {job_id}")
