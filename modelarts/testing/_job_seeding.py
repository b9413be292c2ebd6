"""The job store's state and its test-facing side: seeding, and snapshots to assert on.

``SeededJobs`` holds the jobs and versions of one project under a lock,
allocates ids, seeds jobs and versions and hands out snapshots; its subclass
``modelarts.testing.jobs.JobStore`` adds what the v1 routes ask of it
(listing, creating, stopping, deleting, logs). The module docstring of
``modelarts.testing.jobs`` describes timelines and ids; every public name
here is importable from there.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any, Dict, List, Mapping, Optional, Tuple, Union

from ..clock import Clock
from . import catalog, offerings
from ._model import (
    ACTIVE_STATUSES,
    COMPLETED,
    INIT,
    Job,
    Moment,
    Timeline,
    Version,
    expand,
    parse_timeline,
    to_ms,
    version_record,
)
from ._version_plans import DEFAULT_TIMELINE, PlanBook

__all__ = [
    "FIRST_JOB_ID",
    "FIRST_VERSION_ID",
    "JobSnapshot",
    "SeededJobs",
    "StoreError",
    "VersionSnapshot",
    "not_found",
]

#: The first automatic job id (the job id in Huawei's SDK samples).
FIRST_JOB_ID = 182626
#: The first automatic version id (the version id in Huawei's SDK samples).
FIRST_VERSION_ID = 278813


class StoreError(Exception):
    """A request the store refuses: HTTP status, ModelArts error code, message."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.status = status
        self.code = code
        self.message = message


def not_found(what: str) -> StoreError:
    """``404 ModelArts.0015``: ``what`` does not exist."""
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
    #: The list-versions record (modelarts_03_0049) at that moment.
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
        """The version ids, newest first."""
        return [version.version_id for version in self.versions]


class SeededJobs:
    """Jobs and versions of one project: seeding and snapshots. Safe from any thread."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self._lock = threading.RLock()
        self._jobs: Dict[int, Job] = {}
        self._next_job_id = FIRST_JOB_ID
        self._next_version_id = FIRST_VERSION_ID
        #: The timeline of versions created through the API (POST), in seconds,
        #: unless a plan in ``plans`` says otherwise (``_version_plans``).
        self.new_version_timeline: Timeline = DEFAULT_TIMELINE
        self.plans = PlanBook()

    def now_ms(self) -> int:
        """The clock's now, in milliseconds since the epoch (the API's times)."""
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
            job.name, number, job.job_id, offerings.ENGINES[4], offerings.SPECS[27]
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
        """Snapshots of every job, by id."""
        with self._lock:
            return [self.job(job_id) for job_id in sorted(self._jobs)]

    def version(self, job_id: Union[int, str], version_id: Union[int, str]) -> VersionSnapshot:
        """A snapshot of one version (``KeyError`` if there is none)."""
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
