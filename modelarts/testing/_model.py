"""How a fake version lives: its status over time, its fields, its wire record.

Private to ``modelarts.testing``; ``jobs.JobStore`` holds these objects under
its lock and hands out snapshots.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple, Union

from . import catalog, offerings

__all__ = [
    "ACTIVE_STATUSES",
    "COMPLETED",
    "FAILED",
    "INIT",
    "KILLED",
    "PER_VERSION",
    "RUNNING",
    "WAITING",
    "Job",
    "Moment",
    "Timeline",
    "Version",
    "expand",
    "parse_timeline",
    "to_ms",
    "version_record",
]

INIT, WAITING, RUNNING, COMPLETED, FAILED, KILLED = 1, 7, 8, 10, 11, 12
#: Statuses of a version that has not finished (it can still be stopped):
#: init, image creating, submitting, waiting, running, scaling.
ACTIVE_STATUSES = frozenset({1, 2, 4, 7, 8, 15})

#: ``[(seconds after create_time, status), ...]``, offsets non-decreasing.
Timeline = Sequence[Tuple[float, int]]
Moment = Union[datetime, int, None]


class Version:
    __slots__ = ("version_id", "number", "create_ms", "timeline", "fields", "pre_version_id",
                 "fixed_run_ms")  # fmt: skip

    def __init__(
        self,
        version_id: int,
        number: int,
        create_ms: int,
        timeline: List[Tuple[int, int]],
        fields: Dict[str, Any],
        pre_version_id: Optional[int],
        fixed_run_ms: Optional[int],
    ) -> None:
        self.version_id = version_id
        self.number = number
        self.create_ms = create_ms
        self.timeline = timeline  # [(ms after create_ms, status)], first offset 0
        self.fields = fields
        self.pre_version_id = pre_version_id
        self.fixed_run_ms = fixed_run_ms  # the run time of a version seeded as finished

    @property
    def name(self) -> str:
        return f"V{self.number:04d}"

    def status(self, now: int) -> int:
        current = self.timeline[0][1]
        for offset, status in self.timeline:
            if self.create_ms + offset > now:
                break
            current = status
        return current

    def _segments(self, now: int) -> Iterable[Tuple[int, int, int]]:
        """``(start, end, status)`` in absolute ms, clipped at ``now``."""
        for index, (offset, status) in enumerate(self.timeline):
            start = self.create_ms + offset
            if start > now:
                return
            following = self.timeline[index + 1 : index + 2]
            end = self.create_ms + following[0][0] if following else now
            yield start, min(end, now), status

    def start_ms(self, now: int) -> Optional[int]:
        for start, _, status in self._segments(now):
            if status == RUNNING:
                return start
        if self.fixed_run_ms is not None:
            return self.create_ms + 15_000
        return None

    def duration_ms(self, now: int) -> int:
        ran = [end - start for start, end, status in self._segments(now) if status == RUNNING]
        if ran:
            return sum(ran)
        return self.fixed_run_ms or 0


class Job:
    __slots__ = ("job_id", "name", "desc", "workspace_id", "create_ms", "versions", "numbers",
                 "owner")  # fmt: skip

    def __init__(
        self, job_id: int, name: str, desc: str, workspace_id: str, create_ms: int, owner: str
    ) -> None:
        self.job_id = job_id
        self.name = name
        self.desc = desc
        self.workspace_id = workspace_id
        self.create_ms = create_ms
        self.versions: Dict[int, Version] = {}  # creation order
        self.numbers = 0  # version names are never reused, like the ids
        self.owner = owner

    def latest(self) -> Optional[Version]:
        return next(reversed(self.versions.values()), None) if self.versions else None


def to_ms(moment: Moment, default: int) -> int:
    if moment is None:
        return default
    if isinstance(moment, datetime):
        if moment.tzinfo is None:
            raise ValueError("created_at must be timezone-aware (or milliseconds since the epoch)")
        return int(moment.astimezone(timezone.utc).timestamp() * 1000)
    return int(moment)


def parse_timeline(timeline: Optional[Timeline], status: Optional[int]) -> List[Tuple[int, int]]:
    if timeline is not None and status is not None:
        raise ValueError("pass status= or timeline=, not both")
    if timeline is None:
        return [(0, int(status if status is not None else COMPLETED))]
    entries = [(int(round(float(offset) * 1000)), int(code)) for offset, code in timeline]
    if not entries:
        raise ValueError("a timeline needs at least one (seconds, status) entry")
    offsets = [offset for offset, _ in entries]
    if offsets[0] < 0 or offsets != sorted(offsets):
        raise ValueError(f"timeline offsets must be >= 0 and non-decreasing, got {timeline!r}")
    if offsets[0] > 0:
        entries.insert(0, (0, INIT))
    return entries


def version_record(job: Job, version: Version, now: int, *, detail: bool = False) -> Dict[str, Any]:
    """The wire record: list-versions shape (modelarts_03_0049), or the flat details
    shape (modelarts_03_0047)."""
    status = version.status(now)
    start = version.start_ms(now)
    run_ms = version.duration_ms(now) if start is not None else None
    finished = status not in ACTIVE_STATUSES
    metrics = catalog.system_metrics(run_ms, finished)
    computed = {
        "version_id": version.version_id,
        "version_name": version.name,
        "pre_version_id": version.pre_version_id,
        "status": status,
        "create_time": version.create_ms,
        "duration": version.duration_ms(now),
        "start_time": start,
        "model_metric_list": catalog.model_metrics(run_ms, status == COMPLETED),
        "system_metric_list": metrics if detail else _compact(metrics),
    }
    # Explicitly seeded values win over computed ones (a fixed duration, say).
    merged = {**computed, **version.fields, "status": status, "version_id": version.version_id}
    head: Dict[str, Any] = (
        {"is_success": True, "job_id": job.job_id, "job_name": job.name, "job_desc": job.desc}
        if detail
        else {}
    )
    record = {**head, **{key: merged.get(key) for key in catalog.LIST_KEYS}}
    hidden = () if detail else catalog.DETAIL_EXTRAS
    record.update(
        (key, value) for key, value in merged.items() if key not in record and key not in hidden
    )
    return record


def expand(overrides: Mapping[str, Any]) -> Dict[str, Any]:
    """``overrides`` plus the engine and flavor fields its ``engine_id``/``spec_id`` imply."""
    derived: Dict[str, Any] = {}
    if "engine_id" in overrides:
        engine = offerings.ENGINES.get(overrides["engine_id"])
        if engine is None and "engine_name" not in overrides:
            known = sorted(offerings.ENGINES)
            raise ValueError(
                f"unknown engine_id {overrides['engine_id']!r}: one of {known}, or pass engine_name"
            )
        if engine is not None:
            derived.update(offerings.engine_record(engine), pod_version=engine.pod_version)
    if "spec_id" in overrides:
        spec = offerings.SPECS.get(overrides["spec_id"])
        if spec is None and "core" not in overrides:
            known = sorted(offerings.SPECS)
            raise ValueError(
                f"unknown spec_id {overrides['spec_id']!r}: one of {known}, or pass core and cpu"
            )
        if spec is not None:
            derived.update(
                {k: v for k, v in offerings.spec_record(spec).items() if k in _SPEC_FIELDS},
                gpu=spec.gpu_num > 0,
                pool_id=spec.pool_id,
                pool_name=spec.pool_name,
                flavor_code=spec.flavor_code,
            )
    derived.update(overrides)
    return derived


#: Fields a new version never inherits from its parent.
PER_VERSION = frozenset(
    {"version_id", "version_name", "pre_version_id", "status", "create_time", "duration",
     "start_time", "model_metric_list", "system_metric_list"}
)  # fmt: skip
_SPEC_FIELDS = frozenset({"spec_id", "core", "cpu", "gpu_num", "gpu_type", "spec_code", "max_num"})


def _compact(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"))
