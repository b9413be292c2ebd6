"""Visualization jobs (TensorBoard over a training output): the fake's store and routes.

Pages: create modelarts_03_0064, list 03_0065, details 03_0066, modify
description 03_0067, delete 03_0068, stop 03_0069, restart 03_0070.

* Create takes ``job_name`` (1-20 letters, digits, ``-``, ``_``; 03_0064),
  ``train_url`` (mandatory), ``job_desc`` (0-256), ``job_type``
  (``tensorboard``, the default, or ``mindinsight``), ``flavor.code`` and
  ``schedule`` (``{"type": "stop", "time_unit": "HOURS", "duration": 0-24}``);
  it answers ``job_id``, ``job_name``, ``status`` and ``create_time``.
* A job is INIT (1), then deploying (7, the old SDK's ``JOBSTAT_DEPLOYING``),
  then RUNNING (8) on the fake's clock: ``new_visualization_timeline`` (in
  seconds; default ``((0, 1), (3, 7), (20, 8))``). ``service_url`` is the
  TensorBoard address (shaped like 03_0066's sample); ``duration`` counts
  the milliseconds it has run. A ``schedule`` of N hours stops it N hours
  after it starts running (status 10); ``remaining_duration`` is the
  milliseconds left until then (``null`` without a schedule).
* Stop (deploying or running only) makes it KILLED (12) at once; stopping
  it in any other status is ``400 ModelArts.0105`` "This job can't be stop.
  job status: N" (the failure sample of 03_0069). Restart (only when it is
  no longer deploying or running) deploys it again; otherwise the same code.
* Listing: ``status``, ``per_page`` [1, 1000] (default 10), ``page`` >= 1,
  ``sortBy`` ``job_id`` (default), ``job_name``, ``job_desc``,
  ``create_time`` or ``status``, ``order`` ``asc`` (default) or ``desc``,
  ``search_content`` (0-64, a case-insensitive part of the name),
  ``workspace_id`` (default ``"0"``).
* A taken name is ``400 ModelArts.0103`` ("Job name:<name> is existed", as
  for training jobs, modelarts_03_0045); an unknown id ``404 ModelArts.0015``.
"""

from __future__ import annotations

import re
import threading
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

from ._job_seeding import StoreError, not_found
from ._model import ACTIVE_STATUSES, COMPLETED, INIT, KILLED, RUNNING
from ._parsing import (
    Answer,
    Incoming,
    RouteHandler,
    bad,
    choice,
    int_query,
    json_body,
    page_of,
    path_id,
    search_query,
    status_query,
)
from ._parsing import text as text_field

__all__ = [
    "DEPLOYING",
    "VISUALIZATION_NAME",
    "VisualizationRoutes",
    "VisualizationStore",
]

#: modelarts_03_0064: 1 to 20 letters, digits, underscores and hyphens.
VISUALIZATION_NAME = re.compile(r"[A-Za-z0-9_-]{1,20}")
DEPLOYING = 7
#: The first visualization job id (the id in Huawei's SDK samples, modelarts_04_0184).
FIRST_ID = 8992
#: Reported in the list as ``quotas``; ``job_count_limit`` counts down from ``MAX_JOBS``.
RUNNING_QUOTA, MAX_JOBS = 5, 100

_PREFIX = "/v1/{project_id}/visualization-jobs"
_SORT_KEYS = ("job_id", "job_name", "job_desc", "create_time", "status")
_LIST_KEYS = ("job_name", "status", "create_time", "duration", "job_desc", "service_url",
              "train_url", "job_id", "resource_id")  # fmt: skip
_LIVE = frozenset({INIT, DEPLOYING, RUNNING})


class _Job:
    __slots__ = (
        "create_ms",
        "desc",
        "job_id",
        "job_type",
        "name",
        "stop_after_ms",
        "timeline",
        "train_url",
        "workspace_id",
    )  # fmt: skip

    def __init__(
        self,
        job_id: int,
        name: str,
        desc: str,
        train_url: str,
        job_type: str,
        workspace_id: str,
        create_ms: int,
        stop_after_ms: Optional[int],
    ) -> None:
        self.job_id = job_id
        self.name = name
        self.desc = desc
        self.train_url = train_url
        self.job_type = job_type
        self.workspace_id = workspace_id
        self.create_ms = create_ms
        self.timeline: List[Tuple[int, int]] = []  # (absolute ms, status), sorted
        self.stop_after_ms = stop_after_ms

    def status(self, now: int) -> int:
        current = INIT
        for at, status in self.timeline:
            if at > now:
                break
            current = status
        return current

    def running_ms(self, now: int) -> int:
        total = 0
        for index, (at, status) in enumerate(self.timeline):
            if status != RUNNING or at > now:
                continue
            following = self.timeline[index + 1 : index + 2]
            end = following[0][0] if following else now
            total += max(0, min(end, now) - at)
        return total

    def deploy(self, start_ms: int, timeline: Sequence[Tuple[float, int]]) -> None:
        """Append a deployment that starts at ``start_ms`` (and its scheduled stop)."""
        steps = [(start_ms + int(round(offset * 1000)), status) for offset, status in timeline]
        running = next((at for at, status in steps if status == RUNNING), None)
        if running is not None and self.stop_after_ms is not None:
            ends = running + self.stop_after_ms
            steps = [entry for entry in steps if entry[0] < ends] + [(ends, COMPLETED)]
        self.timeline = [entry for entry in self.timeline if entry[0] < start_ms] + steps


class VisualizationStore:
    """The visualization jobs of one project. Safe from any thread."""

    def __init__(self, now_ms: Callable[[], int], project_id: str) -> None:
        self._now_ms = now_ms  # the fake clock, in milliseconds since the epoch
        self._project_id = project_id
        self._lock = threading.RLock()
        self._jobs: Dict[int, _Job] = {}
        self._next_id = FIRST_ID
        #: ``(seconds after (re)start, status)`` of every deployment.
        self.new_timeline: Tuple[Tuple[float, int], ...] = (
            (0, INIT),
            (3, DEPLOYING),
            (20, RUNNING),
        )

    def create(self, name: str, desc: str, train_url: str, *, job_type: str = "tensorboard",
               workspace_id: str = "0", schedule_hours: Optional[int] = None,
               timeline: Optional[Sequence[Tuple[float, int]]] = None,
               created_at: Optional[int] = None) -> Dict[str, Any]:  # fmt: skip
        with self._lock:
            if any(job.name == name for job in self._jobs.values()):
                raise StoreError(400, "ModelArts.0103", f"Job name:{name} is existed")
            if len(self._jobs) >= MAX_JOBS:
                raise StoreError(400, "ModelArts.0118", "QuotaInsufficient: too many jobs")
            now = self._now_ms() if created_at is None else created_at
            stop_ms = schedule_hours * 3_600_000 if schedule_hours else None
            job = _Job(
                self._next_id,
                name,
                desc,
                train_url,
                job_type,
                workspace_id,
                now,
                stop_ms,
            )
            job.deploy(now, self.new_timeline if timeline is None else timeline)
            self._jobs[job.job_id] = job
            self._next_id += 1
            return {"is_success": True, "job_id": job.job_id, "job_name": name,
                    "status": job.status(now), "create_time": now}  # fmt: skip

    def _job(self, job_id: int) -> _Job:
        job = self._jobs.get(job_id)
        if job is None:
            raise not_found(f"The visualization job {job_id}")
        return job

    def record(self, job_id: int) -> Dict[str, Any]:
        """The details shape of modelarts_03_0066 (without ``is_success``)."""
        with self._lock:
            job, now = self._job(job_id), self._now_ms()
            status = job.status(now)
            remaining: Optional[int] = None
            if job.stop_after_ms is not None and status == RUNNING:
                remaining = max(0, job.stop_after_ms - job.running_ms(now))
            return {
                "duration": job.running_ms(now),
                "service_url": f"https://console.huaweicloud.com/modelarts/{job.job_type}/"
                f"{self._project_id}/{job.job_id}/",
                "job_name": job.name,
                "create_time": job.create_ms,
                "train_url": job.train_url,
                "job_id": job.job_id,
                "job_desc": job.desc,
                "resource_id": f"vis{(job.job_id * 2654435761) & 0xFFFFFFFF:08x}",
                "remaining_duration": remaining,
                "status": status,
            }

    def listing(self, workspace_id: str) -> List[Dict[str, Any]]:
        with self._lock:
            ids = [job.job_id for job in self._jobs.values() if job.workspace_id == workspace_id]
            return [self.record(job_id) for job_id in ids]

    def counts(self) -> Tuple[int, int]:
        with self._lock:
            return len(self._jobs), MAX_JOBS

    def set_description(self, job_id: int, desc: str) -> None:
        with self._lock:
            self._job(job_id).desc = desc

    def stop(self, job_id: int) -> None:
        with self._lock:
            job, now = self._job(job_id), self._now_ms()
            status = job.status(now)
            if status not in _LIVE:
                raise StoreError(
                    400,
                    "ModelArts.0105",
                    f"This job can't be stop. job status: {status}",
                )
            job.timeline = [entry for entry in job.timeline if entry[0] <= now] + [(now, KILLED)]

    def restart(self, job_id: int) -> None:
        with self._lock:
            job, now = self._job(job_id), self._now_ms()
            status = job.status(now)
            if status in _LIVE or status in ACTIVE_STATUSES:
                raise StoreError(
                    400,
                    "ModelArts.0105",
                    f"This job can't be restart. job status: {status}",
                )
            job.deploy(now, self.new_timeline)

    def delete(self, job_id: int) -> None:
        with self._lock:
            self._job(job_id)
            del self._jobs[job_id]


def _job_name(body: Dict[str, Any]) -> str:
    name = body.get("job_name")
    if not isinstance(name, str) or not VISUALIZATION_NAME.fullmatch(name):
        raise bad("job_name must be 1-20 characters of letters, digits, '-' and '_'")
    return name


def _schedule(body: Dict[str, Any]) -> Optional[int]:
    schedule = body.get("schedule")
    if schedule is None:
        return None
    duration = schedule.get("duration") if isinstance(schedule, dict) else None
    valid = (
        isinstance(schedule, dict)
        and schedule.get("type") == "stop"
        and schedule.get("time_unit") == "HOURS"
        and isinstance(duration, int)
        and not isinstance(duration, bool)
        and 0 <= duration <= 24
    )
    if not valid:
        raise bad('schedule must be {"type": "stop", "time_unit": "HOURS", "duration": 0-24}')
    return duration


class VisualizationRoutes:
    """The route table of the visualization-job API over one ``VisualizationStore``."""

    def __init__(self, store: VisualizationStore) -> None:
        self.store = store

    def table(self) -> List[Tuple[str, str, RouteHandler]]:
        one = _PREFIX + "/{job_id}"
        return [
            ("POST", _PREFIX, self.create),
            ("GET", _PREFIX, self.list_jobs),
            ("GET", one, self.detail),
            ("PUT", one, self.update),
            ("DELETE", one, self.delete),
            ("POST", one + "/stop", self.stop),
            ("POST", one + "/restart", self.restart),
        ]

    def create(self, request: Incoming) -> Answer:
        body = json_body(request)
        name = _job_name(body)
        train_url = text_field(body, "train_url", 1024)
        if not train_url:
            raise bad("train_url is mandatory: the OBS path of the summary files")
        desc = text_field(body, "job_desc", 256) or ""
        job_type = body.get("job_type") or "tensorboard"
        if job_type not in ("tensorboard", "mindinsight"):
            raise bad(f"job_type must be tensorboard or mindinsight, got {job_type!r}")
        flavor = body.get("flavor")
        if flavor is not None and not (
            isinstance(flavor, dict) and isinstance(flavor.get("code"), str)
        ):
            raise bad("flavor must be an object with a string code")
        hours = _schedule(body)
        return 200, self.store.create(
            name, desc, train_url, job_type=job_type, schedule_hours=hours
        )

    def list_jobs(self, request: Incoming) -> Answer:
        query = request.query
        status = status_query(query)
        per_page = int_query(query, "per_page", 10, 1, 1000)
        page = int_query(query, "page", 1, 1, 65535)
        sort_by = choice(query, "sortBy", "job_id", _SORT_KEYS)
        order = choice(query, "order", "asc", ("asc", "desc"))
        search = search_query(query)
        records = [
            record
            for record in self.store.listing(query.get("workspace_id") or "0")
            if search in record["job_name"].lower()
            and (status is None or record["status"] == status)
        ]
        records.sort(
            key=lambda record: (record[sort_by], record["job_id"]),
            reverse=order == "desc",
        )
        held, limit = self.store.counts()
        chosen = page_of(records, page, per_page)
        return 200, {
            "is_success": True,
            "job_total_count": len(records),
            "job_count_limit": max(0, limit - held),
            "quotas": RUNNING_QUOTA,
            "jobs": [{key: record[key] for key in _LIST_KEYS} for record in chosen],
        }

    def detail(self, request: Incoming) -> Answer:
        return 200, {
            "is_success": True,
            **self.store.record(path_id(request, "job_id")),
        }

    def update(self, request: Incoming) -> Answer:
        body = json_body(request)
        if "job_desc" not in body:
            raise bad("job_desc is mandatory")
        desc = text_field(body, "job_desc", 256) or ""
        self.store.set_description(path_id(request, "job_id"), desc)
        return 200, {"is_success": True}

    def delete(self, request: Incoming) -> Answer:
        self.store.delete(path_id(request, "job_id"))
        return 200, {"is_success": True}

    def stop(self, request: Incoming) -> Answer:
        self.store.stop(path_id(request, "job_id"))
        return 200, {"is_success": True}

    def restart(self, request: Incoming) -> Answer:
        self.store.restart(path_id(request, "job_id"))
        return 200, {"is_success": True}
