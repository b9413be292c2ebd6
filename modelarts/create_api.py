"""Creating a training job (modelarts_03_0045) and a version of one (modelarts_03_0050).

::

    from modelarts import create_api

    created = create_api.create_job(session, body)                 # a CreatedJob record
    created.job_id, created.version_id, created.version_name
    version = create_api.create_version(session, "182626", body)    # a CreatedVersion

The bodies come from ``modelarts/run_config.py`` (``RunSettings``). A create
is a POST: the Session never resends it once it may have reached the server.
When its answer is lost that way (the connection broke, or the answer timed
out), ``CreateOutcomeUnknownError`` says so, with the job's name and how to
look for it, instead of a bare transport error.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Mapping, Optional

from .errors import ConnectionLostError, CreateOutcomeUnknownError, ReadTimeout, TransportError
from .training_api import Caller, job_path

if TYPE_CHECKING:  # loaded on first use
    from .schemas import CreatedJob, CreatedVersion

__all__ = ["create_job", "create_version", "unknown_outcome"]


def unknown_outcome(
    error: TransportError, *, job_name: Optional[str], job_id: Optional[str] = None
) -> CreateOutcomeUnknownError:
    """The error for a create whose answer ``error`` lost."""
    if job_id is None:
        what = f"job {job_name!r}"
        check = (
            f"Estimator.find_job(session, {job_name!r}) or "
            f"Estimator.get_job_list(session, search_content={job_name!r})"
        )
    else:
        what = f"a new version of job {job_id}"
        check = f"Estimator(session, job_id={job_id!r}).get_job_version_object_list()"
    return CreateOutcomeUnknownError(
        f"the request creating {what} was sent but its answer was lost ({error}); "
        f"it may have been created: check with {check} before creating it again",
        job_name=job_name,
        job_id=job_id,
        method=error.method,
        url=error.url,
    )


def create_job(client: Caller, body: Mapping[str, Any]) -> CreatedJob:
    """``POST .../training-jobs`` with ``body`` (modelarts_03_0045)."""
    from .schemas import load_created_job

    name = body.get("job_name")
    try:
        created: CreatedJob = client.request(
            "POST",
            "/v1/{project_id}/training-jobs",
            json=dict(body),
            operation=f"create job {name}",
            load=load_created_job,
        )
    except (ConnectionLostError, ReadTimeout) as error:
        raise unknown_outcome(error, job_name=name if isinstance(name, str) else None) from error
    return created


def create_version(client: Caller, job_id: str, body: Mapping[str, Any]) -> CreatedVersion:
    """``POST .../training-jobs/{job_id}/versions`` with ``body`` (modelarts_03_0050)."""
    from .schemas import load_created_version

    try:
        created: CreatedVersion = client.request(
            "POST",
            job_path(job_id) + "/versions",
            json=dict(body),
            operation=f"create a version of job {job_id}",
            load=load_created_version,
        )
    except (ConnectionLostError, ReadTimeout) as error:
        raise unknown_outcome(error, job_name=None, job_id=job_id) from error
    return created
