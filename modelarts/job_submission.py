"""What ``Estimator.fit`` and ``Estimator.create_job_version`` do, step by step.

1. Check everything: the run settings and inputs (``modelarts/run_config.py``),
   the job name, the version ids. A bad argument raises before any request.
2. Resolve names through the session's catalogues (``modelarts/catalog_api.py``,
   fetched once per Session): ``train_instance_type`` to ``spec_id`` (and its
   ``max_num`` enforced), the framework type and version to ``engine_id``,
   ``model_name`` to ``model_id``. A name that matches nothing raises
   ``InvalidArgumentError`` listing what is on offer.
3. Send the documented body once (``modelarts/create_api.py``; pages
   modelarts_03_0045 and modelarts_03_0050) and return a new ``TrainingJob``.

``find_job`` looks a job up by its exact name, so a script whose create
answer was lost (``CreateOutcomeUnknownError``) can resume instead of
creating the job twice.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, Dict, Mapping, Optional, Union

from . import create_api
from . import training_api as api
from .catalog_api import catalogues
from .errors import InvalidArgumentError
from .run_config import Inputs, RunPlan, RunSettings, check_job_name, default_name
from .training_api import Caller, normalize_id
from .training_job import TrainingJob

if TYPE_CHECKING:
    from .schemas import CreatedVersion

__all__ = ["find_job", "new_job", "new_version", "resolve_config"]

#: The old attributes a created ``TrainingJob`` carries from its arguments, by wire field.
_SENT = ("train_url", "data_url", "dataset_id", "dataset_version_id", "data_source")


def resolve_config(client: Caller, plan: RunPlan) -> Dict[str, Any]:
    """The wire ``config`` of ``plan``, its names resolved through the catalogues."""
    found = catalogues(client)
    spec = None if plan.spec_code is None else found.spec(plan.spec_code)
    engine = None if plan.engine is None else found.engine(*plan.engine, job_type=plan.job_type)
    model = None if plan.model_name is None else found.algorithm(plan.model_name)
    return plan.config(
        spec_id=None if spec is None else spec.spec_id,
        engine_id=None if engine is None else engine.engine_id,
        model_id=None if model is None else model.model_id,
        max_nodes=None if spec is None else spec.max_num,
    )


def _created(
    client: Caller, created: CreatedVersion, config: Mapping[str, Any], job_id: Optional[str] = None
) -> TrainingJob:
    """A ``TrainingJob`` from a create answer; the inputs and output path that were sent
    fill in for the fields the answer does not repeat (``raw`` holds both)."""
    if created.version_id is None:
        raise created.origin.error("missing, but the new version's id is required", ("version_id",))
    record: Dict[str, Any] = {name: config[name] for name in _SENT if name in config}
    if job_id is not None:
        record["job_id"] = job_id
    record.update(created.as_dict())
    return TrainingJob(client, created.job_id, created.version_id, record=record)


def new_job(
    client: Caller,
    options: Mapping[str, Any],
    inputs: Inputs,
    *,
    job_name: Optional[str],
    priority: Optional[int],
    now: datetime,
) -> TrainingJob:
    """Create a job (and its first version) from an estimator's run keywords."""
    settings = RunSettings.from_options(options)
    plan = settings.plan(inputs, priority=priority)
    if options.get("create_version") is False:
        raise InvalidArgumentError(
            "fit creates a job with its first version; create_version=False is not supported"
        )
    if job_name is None:
        prefix = options.get("base_job_name") or "job"
        job_name = default_name(check_job_name(prefix), now)
    body = settings.job_body(plan, {}, check_job_name(job_name))  # every check, no request
    body["config"] = resolve_config(client, plan)
    created = create_api.create_job(client, body)
    return _created(client, created, body["config"])


def new_version(
    client: Caller,
    options: Mapping[str, Any],
    inputs: Inputs,
    *,
    job_id: Union[str, int],
    pre_version_id: Union[str, int],
    job_desc: Optional[str],
    priority: Optional[int],
) -> TrainingJob:
    """Create a version of ``job_id`` derived from ``pre_version_id`` (modelarts_03_0050)."""
    job = normalize_id(job_id, "job_id")
    parent = int(normalize_id(pre_version_id, "pre_version_id"))
    settings = RunSettings.from_options(options)
    plan = settings.plan(inputs, priority=priority)
    body: Dict[str, Any] = {}
    if job_desc is not None:
        body["job_desc"] = settings.description(job_desc)
    config = resolve_config(client, plan)
    config.pop("create_version", None)  # a job's setting; not in the version body
    config["pre_version_id"] = parent
    body["config"] = config
    created = create_api.create_version(client, job, body)
    return _created(client, created, config, job_id=job)


def find_job(client: Caller, job_name: str) -> Optional[TrainingJob]:
    """The latest version of the job named exactly ``job_name``, or ``None``.

    Searches list-jobs (modelarts_03_0046) with ``search_content=job_name``,
    a substring match, and keeps the exact one; pages of 1,000 until the
    announced total.
    """
    name = check_job_name(job_name)
    seen = 0
    for page in range(1, api.MAX_PAGE + 1):
        answer = api.list_jobs(client, per_page=api.MAX_PAGE_SIZE, page=page, search_content=name)
        for summary in answer.jobs:
            if summary.job_name == name and summary.version_id is not None:
                return TrainingJob(
                    client, summary.job_id, summary.version_id, record=summary.as_dict()
                )
        seen += len(answer.jobs)
        total = answer.job_total_count
        if len(answer.jobs) < api.MAX_PAGE_SIZE or (total is not None and seen >= total):
            break
    return None
