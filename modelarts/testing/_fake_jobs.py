"""``FakeModelArts``'s training-job methods: seed its store, read snapshots of it.

A mixin, so that these stay methods of ``FakeModelArts`` while living apart
from its gateway and router; each one hands over to the fake's ``JobStore``
(``modelarts.testing.jobs``, which describes timelines and ids).
"""

from __future__ import annotations

from typing import Any, List, Optional, Union

from ._version_plans import VersionPlan
from .jobs import COMPLETED, JobSnapshot, JobStore, Moment, Timeline, VersionSnapshot

__all__ = ["FakeJobs"]


class FakeJobs:
    """Seeding and snapshot methods of ``FakeModelArts``, delegated to its ``_store``."""

    #: The fake's job store, set by ``FakeModelArts.__init__``.
    _store: JobStore

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
        **fields: Any,
    ) -> int:
        """Seed a job with ``versions`` versions (the latest has ``status`` or
        ``timeline``, older ones are COMPLETED); return its id."""
        return self._store.add_job(
            name,
            job_id=job_id,
            versions=versions,
            status=status,
            timeline=timeline,
            desc=desc,
            created_at=created_at,
            workspace_id=workspace_id,
            **fields,
        )

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
        """Seed a version; ``timeline=[(seconds, status), ...]`` makes its status
        change as ``clock`` advances. Returns the version id."""
        return self._store.add_version(
            job_id,
            status=status,
            timeline=timeline,
            created_at=created_at,
            version_id=version_id,
            pre_version_id=pre_version_id,
            **fields,
        )

    def update_version(
        self,
        job_id: Union[int, str],
        version_id: Union[int, str],
        *,
        status: Optional[int] = None,
        timeline: Optional[Timeline] = None,
        **fields: Any,
    ) -> None:
        """Change a version from now on (a status, a timeline from now, record fields)."""
        self._store.update_version(job_id, version_id, status=status, timeline=timeline, **fields)

    @property
    def jobs(self) -> List[JobSnapshot]:
        """Snapshots of every job, by id."""
        return self._store.jobs()

    def job(self, job_id: Union[int, str]) -> JobSnapshot:
        """A snapshot of one job; ``KeyError`` if it does not exist (or was deleted)."""
        return self._store.job(job_id)

    def version(self, job_id: Union[int, str], version_id: Union[int, str]) -> VersionSnapshot:
        """A snapshot of one version; ``KeyError`` if it does not exist."""
        return self._store.version(job_id, version_id)

    def plan_version(
        self,
        outcome: Optional[int] = COMPLETED,
        *,
        run_seconds: float = 300.0,
        queue_seconds: float = 14.0,
        job_name: Optional[str] = None,
        times: int = 1,
    ) -> None:
        """Decide how the next ``times`` versions created through the API end.

        Each such version (of the job named ``job_name``, or of any job) goes
        INIT (1) -> IMAGE_CREATING (2) -> SUBMIT_TRYING (4) -> WAITING (7) for
        ``queue_seconds`` -> RUNNING (8) for ``run_seconds`` -> ``outcome``, on
        ``clock``. ``outcome`` is a finished status: COMPLETED (10), FAILED
        (11), KILLED (12), ...; IMAGE_FAILED (3) and SUBMIT_FAILED (5) end the
        version at that step, before it runs; ``None`` runs until stopped.
        Plans are used first come, first served; versions without one follow
        ``new_version_timeline``.
        """
        plan = VersionPlan(outcome, run_seconds, queue_seconds, job_name)
        self._store.plans.add(plan, times)

    @property
    def new_version_timeline(self) -> Timeline:
        """How versions created through the API progress (seconds, status)."""
        return self._store.new_version_timeline

    @new_version_timeline.setter
    def new_version_timeline(self, timeline: Timeline) -> None:
        self._store.new_version_timeline = tuple(timeline)
