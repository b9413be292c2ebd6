"""The answers of create job (modelarts_03_0045) and create version (modelarts_03_0050).

Huawei's sample gives the numbers as strings (``"job_id": "10"``), the use
case as integers; both load, ids as decimal ``str``.
"""

from __future__ import annotations

from ._convert import ID, MS_TIME, STATUS, TEXT
from ._record import field
from .envelope import V1Body

__all__ = ["CreatedJob", "CreatedVersion", "load_created_job", "load_created_version"]


class CreatedVersion(V1Body):
    """The create-version answer: the new version's ids, name and first status."""

    __slots__ = ()

    job_id = field(ID, "The job's id, decimal digits.", required=True)
    job_name = field(TEXT, "The job's name.")
    status = field(STATUS, "The first status (1, INIT).")
    create_time = field(MS_TIME, "When it was created (aware, UTC).")
    version_id = field(ID, "The new version's id, decimal digits.")
    version_name = field(TEXT, "The new version's name, e.g. ``V0002``.")


class CreatedJob(CreatedVersion):
    """The create-job answer; ``version_id`` is absent when no version was created."""

    __slots__ = ()

    resource_id = field(TEXT, "Billing id, e.g. ``jobafd08896``.")


load_created_job = CreatedJob.load
load_created_version = CreatedVersion.load
