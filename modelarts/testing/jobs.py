"""The fake cloud's training jobs and versions: an in-memory, thread-safe store.

``FakeModelArts`` owns one ``JobStore`` and exposes its seeding methods
(``fake.add_job``, ``fake.add_version``, ``fake.update_version``) and
read-only snapshots (``fake.jobs``, ``fake.job(job_id)``,
``fake.version(job_id, version_id)``)::

    fake = FakeModelArts(clock=FakeClock())
    job_id = fake.add_job("mnist", job_id=182626, versions=3)
    version_id = fake.add_version(job_id, timeline=[(0, 7), (30, 8), (600, 10)])
    fake.clock.advance(60)
    assert fake.version(job_id, version_id).status == 8     # RUNNING

Statuses are the integer codes of api.md §3 (any ``int``, so
``modelarts.training_job.JobStatus`` members work too).

**Timelines.** A version's status is a function of time: a list of
``(seconds after the version's create_time, status)`` entries evaluated
against ``fake.clock``. ``status=X`` is the timeline ``[(0, X)]``. While a
version is RUNNING (8) its ``duration`` grows with the clock; it freezes when
the timeline leaves RUNNING. ``start_time`` is when it first ran. A version
seeded directly in a finished state (``status=10``) gets a plausible fixed
duration instead. Stopping a version cuts its timeline at the current moment
and appends KILLED (12), immediately (the real service passes through
KILLING (9); the fake does not make clients wait for it).

**Ids** are integers allocated increasingly and never reused: job ids start
at 182626 and version ids at 278813 (the ids in Huawei's SDK samples, so the
README's ``Estimator(session, job_id="182626")`` works against a fresh fake
after one ``add_job()``). Explicit ids are accepted when free; automatic ids
continue above the highest one used.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any, Dict, List, Mapping, Optional, Tuple, Union

from ..clock import Clock
from . import _catalog as catalog
from ._model import (
    ACTIVE_STATUSES,
    COMPLETED,
    FAILED,
    INIT,
    KILLED,
    PER_VERSION,
    RUNNING,
    WAITING,
    Job,
    Moment,
    Timeline,
    Version,
    expand,
    parse_timeline,
    to_ms,
    version_record,
)

__all__ = [
    "ACTIVE_STATUSES",
    "COMPLETED",
    "FAILED",
    "INIT",
    "KILLED",
    "RUNNING",
    "WAITING",
    "JobSnapshot",
    "JobStore",
    "Moment",
    "StoreError",
    "Timeline",
    "VersionSnapshot",
]


FIRST_JOB_ID = 182626
FIRST_VERSION_ID = 278813
#: Reported in list-jobs as ``quotas`` (the sample's value); not enforced.
RUNNING_QUOTA = 5
#: Jobs an account may hold; ``job_count_limit`` counts down from it.
MAX_JOBS = 10_000


class StoreError(Exception):
    """A request the store refuses: HTTP status, ModelArts error code, message."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.status = status
        self.code = code
        self.message = message


def not_found(what: str) -> StoreError:
    return StoreError(404, "ModelArts.0015", f"{what} does not exist.")


@dataclass(frozen=True)
class VersionSnapshot:
    """One version as the fake sees it at one moment."""

    job_id: int
    version_id: int
    version_name: str
    pre_version_id: Optional[int]
    status: int
    create_time: int
    start_time: Optional[int]
    duration: int
    #: The list-versions record (api.md §2.3) at that moment.
    record: Mapping[str, Any]


@dataclass(frozen=True)
class JobSnapshot:
    """One job at one moment; ``versions`` newest first (the list-versions order)."""

    job_id: int
    job_name: str
    job_desc: str
    workspace_id: str
    create_time: int
    versions: Tuple[VersionSnapshot, ...]

    @property
    def status(self) -> Optional[int]:
        """The latest version's status (``None`` without versions)."""
        return self.versions[0].status if self.versions else None

    @property
    def version_ids(self) -> List[int]:
        return [version.version_id for version in self.versions]


class JobStore:
    """Jobs and versions of one project. Every method is safe to call from any thread."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self._lock = threading.RLock()
        self._jobs: Dict[int, Job] = {}
        self._next_job_id = FIRST_JOB_ID
        self._next_version_id = FIRST_VERSION_ID
        #: The timeline of versions created through the API (POST), in seconds.
        self.new_version_timeline: Timeline = (
            (0, INIT),
            (5, WAITING),
            (20, RUNNING),
            (320, COMPLETED),
        )

    def now_ms(self) -> int:
        return int(self.clock.now().timestamp() * 1000)

    # -- seeding -----------------------------------------------------------------------

    def add_job(
        self,
        name: Optional[str] = None,
        *,
        job_id: Optional[int] = None,
        versions: int = 1,
        status: Optional[int] = None,
        timeline: Optional[Timeline] = None,
        desc: str = "",
        created_at: Moment = None,
        workspace_id: str = "0",
        owner: str = "ma_user",
        **fields: Any,
    ) -> int:
        """Add a job with ``versions`` versions; return its id.

        The latest version gets ``status`` (or ``timeline``), older ones are
        COMPLETED. Versions are an hour apart and the job is created with its
        first one, at ``created_at``; by default the latest version is created
        now, so a ``timeline`` starts now.
        ``fields`` override version record fields (``engine_id``, ``spec_id``,
        ``parameter``, ``duration``, ... or undocumented extras) on every version.
        """
        if versions < 0:
            raise ValueError("versions must be >= 0")
        if status is not None and timeline is not None:
            raise ValueError("pass status= or timeline=, not both")
        expand(fields)  # an unknown engine or flavor fails before the job exists
        hour = 3_600_000
        with self._lock:
            now = self.now_ms()
            create_ms = to_ms(created_at, now - max(versions - 1, 0) * hour)
            job_id = self._new_job(name, job_id, desc, workspace_id, create_ms, owner)
            for index in range(versions):
                last = index == versions - 1
                self.add_version(
                    job_id,
                    status=(status if timeline is None else None) if last else COMPLETED,
                    timeline=timeline if last else None,
                    created_at=create_ms + index * hour,
                    **fields,
                )
        return job_id

    def _new_job(
        self,
        name: Optional[str],
        job_id: Optional[int],
        desc: str,
        workspace_id: str,
        create_ms: int,
        owner: str,
    ) -> int:
        if job_id is None:
            job_id = self._next_job_id
        job_id = int(job_id)
        if job_id in self._jobs:
            raise ValueError(f"job {job_id} already exists")
        name = name or f"job-{job_id}"
        if any(job.name == name for job in self._jobs.values()):
            raise ValueError(f"a job named {name!r} already exists")
        self._jobs[job_id] = Job(job_id, name, desc, workspace_id, create_ms, owner)
        self._next_job_id = max(self._next_job_id, job_id + 1)
        return job_id

    def add_version(
        self,
        job_id: Union[int, str],
        *,
        status: Optional[int] = None,
        timeline: Optional[Timeline] = None,
        created_at: Moment = None,
        version_id: Optional[int] = None,
        pre_version_id: Optional[int] = None,
        **fields: Any,
    ) -> int:
        """Add a version to a job; return its id.

        ``status`` (default COMPLETED) or ``timeline`` say how its status
        evolves; ``created_at`` defaults to now; ``pre_version_id`` to the
        latest version. ``fields`` override record fields; an ``engine_id``
        or ``spec_id`` from the catalog brings its engine or flavor fields.
        """
        with self._lock:
            job = self._job(int(job_id))
            steps = parse_timeline(timeline, status)
            if version_id is None:
                version_id = self._next_version_id
            version_id = int(version_id)
            if any(version_id in other.versions for other in self._jobs.values()):
                raise ValueError(f"version {version_id} already exists")
            fixed: Optional[int] = None
            if timeline is None and steps[0][1] not in ACTIVE_STATUSES and steps[0][1] != 0:
                # Seeded as already finished: it ran for a plausible while (1 to 61 min).
                fixed = 60_000 + (version_id * 7919) % 3_600_000
            latest = job.latest()
            if pre_version_id is None and latest is not None:
                pre_version_id = latest.version_id
            number = job.numbers + 1
            record = self._fields(job, number, fields)
            job.numbers = number
            job.versions[version_id] = Version(
                version_id,
                number,
                to_ms(created_at, self.now_ms()),
                steps,
                record,
                pre_version_id,
                fixed,
            )
            self._next_version_id = max(self._next_version_id, version_id + 1)
        return version_id

    def _fields(self, job: Job, number: int, overrides: Mapping[str, Any]) -> Dict[str, Any]:
        fields = catalog.new_version_fields(
            job.name, number, job.job_id, catalog.ENGINES[4], catalog.SPECS[27]
        )
        fields.update(expand(overrides))
        return fields

    def update_version(
        self,
        job_id: Union[int, str],
        version_id: Union[int, str],
        *,
        status: Optional[int] = None,
        timeline: Optional[Timeline] = None,
        **fields: Any,
    ) -> None:
        """Change a version from now on: ``status`` takes effect at once; a
        ``timeline`` (seconds from now) replaces what was still to come."""
        with self._lock:
            version = self._version(int(job_id), int(version_id))
            if status is not None or timeline is not None:
                steps = parse_timeline(timeline, status)
                if timeline is not None and steps[0] == (0, INIT) and timeline[0][0] != 0:
                    steps = steps[1:]
                self._cut(version, steps)
            version.fields.update(fields)

    def _cut(self, version: Version, steps: List[Tuple[int, int]]) -> None:
        elapsed = max(0, self.now_ms() - version.create_ms)
        kept = [entry for entry in version.timeline if entry[0] <= elapsed]
        version.timeline = kept + [(elapsed + offset, code) for offset, code in steps]

    # -- reading -------------------------------------------------------------------------

    def _job(self, job_id: int) -> Job:
        job = self._jobs.get(job_id)
        if job is None:
            raise not_found(f"The training job {job_id}")
        return job

    def _version(self, job_id: int, version_id: int) -> Version:
        version = self._job(job_id).versions.get(version_id)
        if version is None:
            raise not_found(f"The version {version_id} of training job {job_id}")
        return version

    def job(self, job_id: Union[int, str]) -> JobSnapshot:
        """A snapshot of one job (``KeyError`` if there is none)."""
        with self._lock:
            job = self._jobs.get(int(job_id))
            if job is None:
                raise KeyError(f"no job {job_id}")
            now = self.now_ms()
            versions = tuple(
                self._snapshot(job, version, now) for version in reversed(job.versions.values())
            )
            return JobSnapshot(
                job.job_id, job.name, job.desc, job.workspace_id, job.create_ms, versions
            )

    def jobs(self) -> List[JobSnapshot]:
        with self._lock:
            return [self.job(job_id) for job_id in sorted(self._jobs)]

    def version(self, job_id: Union[int, str], version_id: Union[int, str]) -> VersionSnapshot:
        with self._lock:
            job = self._jobs.get(int(job_id))
            version = job.versions.get(int(version_id)) if job else None
            if job is None or version is None:
                raise KeyError(f"no version {version_id} in job {job_id}")
            return self._snapshot(job, version, self.now_ms())

    def _snapshot(self, job: Job, version: Version, now: int) -> VersionSnapshot:
        return VersionSnapshot(
            job.job_id,
            version.version_id,
            version.name,
            version.pre_version_id,
            version.status(now),
            version.create_ms,
            version.start_ms(now),
            version.duration_ms(now),
            version_record(job, version, now),
        )

    def _job_item(self, job: Job, now: int) -> Dict[str, Any]:
        latest = job.latest()
        return {
            "job_id": job.job_id,
            "job_name": job.name,
            "version_id": latest.version_id if latest else None,
            "status": latest.status(now) if latest else 0,
            "create_time": job.create_ms,
            "duration": latest.duration_ms(now) if latest else 0,
            "job_desc": job.desc,
            "version_count": len(job.versions),
            "user": {"name": job.owner},
        }

    def list_jobs(
        self,
        *,
        status: Optional[int],
        page: int,
        per_page: int,
        sort_by: str,
        order: str,
        search: str,
        workspace_id: str,
    ) -> Dict[str, Any]:
        with self._lock:
            now = self.now_ms()
            needle = search.lower()
            items = [
                self._job_item(job, now)
                for job in self._jobs.values()
                if job.workspace_id == workspace_id and needle in job.name.lower()
            ]
            held = len(self._jobs)
        if status is not None:
            items = [item for item in items if item["status"] == status]
        items.sort(
            key=lambda item: (item[sort_by] is None, item[sort_by], item["job_id"]),
            reverse=order == "desc",
        )
        return {
            "is_success": True,
            "quotas": RUNNING_QUOTA,
            "job_total_count": len(items),
            "job_count_limit": max(0, MAX_JOBS - held),
            "jobs": items[(page - 1) * per_page : page * per_page],
        }

    def list_versions(self, job_id: int, page: int, per_page: int) -> Dict[str, Any]:
        """Newest first; ``page`` 0 means all of them, ``page`` n the n-th ``per_page`` slice."""
        with self._lock:
            job = self._job(job_id)
            now = self.now_ms()
            chosen = list(reversed(job.versions.values()))
            if page > 0:
                chosen = chosen[(page - 1) * per_page : page * per_page]
            return {
                "is_success": True,
                "job_id": job.job_id,
                "job_name": job.name,
                "job_desc": job.desc,
                "version_count": len(job.versions),
                "versions": [version_record(job, version, now) for version in chosen],
            }

    def version_detail(self, job_id: int, version_id: int) -> Dict[str, Any]:
        with self._lock:
            version = self._version(job_id, version_id)
            return version_record(self._jobs[job_id], version, self.now_ms(), detail=True)

    def create_job(
        self,
        name: str,
        desc: str,
        workspace_id: str,
        fields: Mapping[str, Any],
        *,
        create_version: bool,
        owner: str,
    ) -> Dict[str, Any]:
        with self._lock:
            if any(job.name == name for job in self._jobs.values()):
                raise StoreError(400, "ModelArts.0103", f"Job name:{name} is existed")
            if len(self._jobs) >= MAX_JOBS:
                raise StoreError(400, "ModelArts.0118", "QuotaInsufficient: too many training jobs")
            now = self.now_ms()
            job_id = self._new_job(name, None, desc, workspace_id, now, owner)
            answer: Dict[str, Any] = {
                "is_success": True,
                "job_id": job_id,
                "job_name": name,
                "status": INIT,
                "create_time": now,
                "resource_id": catalog.resource_id(job_id),
            }
            if create_version:
                version_id = self.add_version(
                    job_id, timeline=self.new_version_timeline, created_at=now, **fields
                )
                answer.update(version_id=version_id, version_name="V0001")
            return answer

    def create_version(
        self, job_id: int, pre_version_id: int, fields: Mapping[str, Any]
    ) -> Dict[str, Any]:
        with self._lock:
            job = self._job(job_id)
            pre = job.versions.get(pre_version_id)
            if pre is None:
                raise StoreError(
                    400,
                    "ModelArts.0104",
                    f"pre_version_id {pre_version_id} is not a version of job {job_id}",
                )
            now = self.now_ms()
            kept = {k: v for k, v in pre.fields.items() if k not in PER_VERSION}
            inherited = {**kept, **expand(fields)}
            version_id = self.add_version(
                job_id,
                timeline=self.new_version_timeline,
                created_at=now,
                pre_version_id=pre_version_id,
                **inherited,
            )
            return {
                "is_success": True,
                "job_id": job_id,
                "job_name": job.name,
                "status": INIT,
                "create_time": now,
                "version_id": version_id,
                "version_name": job.versions[version_id].name,
            }

    def stop(self, job_id: int, version_id: int) -> None:
        with self._lock:
            version = self._version(job_id, version_id)
            status = version.status(self.now_ms())
            if status not in ACTIVE_STATUSES:
                raise StoreError(
                    409,
                    "ModelArts.2796",
                    f"The training job version {version_id} cannot be stopped in status {status}.",
                )
            self._cut(version, [(0, KILLED)])

    def delete_version(self, job_id: int, version_id: int) -> None:
        with self._lock:
            self._version(job_id, version_id)
            del self._jobs[job_id].versions[version_id]

    def delete_job(self, job_id: int) -> None:
        with self._lock:
            self._job(job_id)
            del self._jobs[job_id]

    def set_description(self, job_id: int, desc: str) -> None:
        with self._lock:
            self._job(job_id).desc = desc

    def log_files(self, job_id: int, version_id: int) -> List[str]:
        """One file per node, named like the use case's ``job-jobtest-tf.0``."""
        with self._lock:
            job = self._job(job_id)
            version = self._version(job_id, version_id)
            nodes = version.fields.get("worker_server_num")
            count = nodes if isinstance(nodes, int) and nodes > 0 else 1
            slug = job.name.lower().replace("_", "-")
            return [f"job-{slug}.{node}" for node in range(count)]

    def read_log(
        self,
        job_id: int,
        version_id: int,
        log_file: str,
        *,
        lines: int,
        base_line: Optional[int],
        order: str,
    ) -> Dict[str, Any]:
        """aom-log: no ``base_line`` reads the latest ``lines`` lines; from a
        ``base_line``, ``desc`` reads the next (newer) lines and ``asc`` the
        previous (older) ones. Content is always in chronological order."""
        names = self.log_files(job_id, version_id)
        if log_file not in names:
            raise not_found(f"The log file {log_file}")
        node = names.index(log_file)
        with self._lock:
            version = self._version(job_id, version_id)
            now = self.now_ms()
            status, start = version.status(now), version.start_ms(now)
            total = catalog.log_total_lines(version_id)
            if start is None:
                available = 0
            elif status in ACTIVE_STATUSES:
                available = min(total - 1, 3 + version.duration_ms(now) // 5000)
            else:
                available = total
        positions = catalog.aom_positions(start or 0, node, available)
        indexes = list(range(available))
        if base_line is not None:
            newer = order == "desc"
            indexes = [
                i
                for i in indexes
                if (positions[i] > base_line if newer else positions[i] < base_line)
            ]
            indexes = indexes[:lines] if newer else indexes[len(indexes) - lines :]
        else:
            indexes = indexes[len(indexes) - lines :]
        if lines == 0:
            indexes = []
        text = "".join(catalog.log_line(version_id, node, i, total, status) + "\n" for i in indexes)
        edge = "" if base_line is None else str(base_line)
        return {
            "is_success": True,
            "content": text,
            "lines": len(indexes),
            "start_line": str(positions[indexes[0]]) if indexes else edge,
            "end_line": str(positions[indexes[-1]]) if indexes else edge,
        }
