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

Statuses are the integer codes of modelarts_03_0074 (any ``int``, so
``modelarts.training_job.JobStatus`` members work too).

**Timelines.** A version's status is a function of time: a list of
``(seconds after the version's create_time, status)`` entries evaluated
against ``fake.clock``. ``status=X`` is the timeline ``[(0, X)]``. While a
version is RUNNING (8) its ``duration`` grows with the clock; it freezes when
the timeline leaves RUNNING. ``start_time`` is when it first ran. A version
seeded directly in a finished state (``status=10``) gets a plausible fixed
duration instead. Stopping a version cuts its timeline at the current moment
and appends KILLED (12), immediately (the real service passes through
KILLING (9); the fake does not make clients wait for it). Versions created
through the API follow ``fake.new_version_timeline`` (INIT, IMAGE_CREATING,
SUBMIT_TRYING, WAITING, RUNNING at 20 s, COMPLETED at 320 s) unless
``fake.plan_version(...)`` queued another ending (``_version_plans``).

**Ids** are integers allocated increasingly and never reused: job ids start
at 182626 and version ids at 278813 (the ids in Huawei's SDK samples, so the
README's ``Estimator(session, job_id="182626")`` works against a fresh fake
after one ``add_job()``). Explicit ids are accepted when free; automatic ids
continue above the highest one used.
"""

from __future__ import annotations

from typing import Any, Dict, List, Mapping, Optional

from . import catalog
from ._job_seeding import FIRST_JOB_ID as FIRST_JOB_ID
from ._job_seeding import FIRST_VERSION_ID as FIRST_VERSION_ID
from ._job_seeding import (
    JobSnapshot,
    SeededJobs,
    StoreError,
    VersionSnapshot,
    not_found,
)
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
    expand,
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


#: The flavor fields a version drops when it moves to a dedicated pool.
_FLAVOR_FIELDS = frozenset(
    {"spec_id", "spec_code", "flavor_code", "core", "cpu", "gpu", "gpu_num", "gpu_type",
     "max_num", "pool_type"}
)  # fmt: skip

#: Reported in list-jobs as ``quotas`` (the sample's value); not enforced.
RUNNING_QUOTA = 5
#: Jobs an account may hold; ``job_count_limit`` counts down from it.
MAX_JOBS = 10_000


class JobStore(SeededJobs):
    """Jobs and versions of one project. Every method is safe to call from any thread.

    Seeding and snapshots come from ``SeededJobs``; this class adds what the
    v1 routes (``_job_routes``) ask: listing, creating, stopping, deleting, logs.
    """

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
                    job_id, timeline=self._api_timeline(name), created_at=now, **fields
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
            if "pool_id" in fields and "spec_id" not in fields:
                # A dedicated pool replaces the parent's public flavor.
                kept.update(dict.fromkeys(_FLAVOR_FIELDS))
            inherited = {**kept, **expand(fields)}
            version_id = self.add_version(
                job_id,
                timeline=self._api_timeline(job.name),
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

    def _api_timeline(self, job_name: str) -> Timeline:
        """A queued plan for this job (``FakeModelArts.plan_version``), else the default."""
        plan = self.plans.take(job_name)
        return plan.timeline() if plan is not None else self.new_version_timeline

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
