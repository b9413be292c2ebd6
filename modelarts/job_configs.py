"""What ``Estimator``'s parameter-configuration methods do, step by step.

A configuration is a named set of run settings (pages modelarts_03_0058 ..
03_0062). Saving one sends the same settings ``fit`` sends, checked and
resolved the same way (``modelarts/run_config.py``, then the session's
catalogues through ``job_submission.resolve_config``), flat in the body, with
the training data optional. Loading one (``run_keywords``) turns a saved
configuration back into the estimator's run keywords, so that ``fit`` and
``create_job_version`` send it again::

    estimator = Estimator.from_job_config(session, "mnist-cpu")
    estimator.train_instance_type, estimator.hyperparameters   # as saved
    estimator.fit(inputs="/bucket/data/")                       # the data is fit's argument

Each keyword is read back from the wire field ``run_config.RUN_FIELDS``
names for it; the three that ``fit`` resolves through catalogues come back
from what the details hold: ``spec_code`` (``train_instance_type``),
``engine_name``/``engine_version`` (the framework) and ``model_id`` (looked
up in the built-in algorithms for ``model_name``).
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any, Dict, List, Mapping, Optional

from . import config_api
from .catalog_api import catalogues
from .job_submission import resolve_config
from .run_config import RUN_FIELDS, Inputs, RunSettings, default_name
from .schemas.configs import JobConfig
from .training_api import Caller, check_description

__all__ = ["DEFAULT_PREFIX", "new_config", "replace_config", "run_keywords", "saved"]

logger = logging.getLogger("modelarts.job_configs")

#: Default names: ``config-MMDD-HHMMSS-xxxxxx`` (UTC, 6 random hex digits; 25 of the 64
#: characters a name may have). The old SDK used local time + 8 h and no random part.
DEFAULT_PREFIX = "config"


def _settings(client: Caller, options: Mapping[str, Any], inputs: Inputs) -> Dict[str, Any]:
    plan = RunSettings.from_options(options).plan(inputs, for_config=True)
    return resolve_config(client, plan)


def saved(name: str, description: Optional[str], settings: Mapping[str, Any]) -> JobConfig:
    """The configuration as it was sent, typed (the create answer holds no more than success)."""
    record: Dict[str, Any] = {"config_name": name, **settings}
    if description is not None:
        record["config_desc"] = description
    return JobConfig.load(record, operation=f"job configuration {name}")


def new_config(
    client: Caller,
    options: Mapping[str, Any],
    inputs: Inputs,
    *,
    name: Optional[str],
    description: Optional[str],
    now: datetime,
) -> JobConfig:
    """Save the estimator's run settings as configuration ``name`` (modelarts_03_0058)."""
    chosen = default_name(DEFAULT_PREFIX, now) if name is None else name
    config_api.check_config_name(chosen)  # before the catalogues are asked
    if description is not None:
        check_description(description, "config_desc")
    settings = _settings(client, options, inputs)
    config_api.create_config(client, chosen, settings, description=description)
    logger.info("created job configuration %s", chosen)
    return saved(chosen, description, settings)


def replace_config(
    client: Caller,
    options: Mapping[str, Any],
    inputs: Inputs,
    *,
    name: str,
    description: Optional[str],
) -> Dict[str, Any]:
    """Replace configuration ``name``'s settings with the estimator's (modelarts_03_0060)."""
    config_api.config_path(name)  # checked before the catalogues are asked
    if description is not None:
        check_description(description, "config_desc")
    settings = _settings(client, options, inputs)
    answer = config_api.update_config(client, name, settings, description=description)
    logger.info("updated job configuration %s", name)
    return answer.as_dict()


def _model_name(client: Caller, model_id: int) -> Optional[str]:
    for algorithm in catalogues(client).algorithms():
        if algorithm.model_id == model_id:
            return algorithm.model_name
    return None


def run_keywords(client: Caller, config: JobConfig) -> Dict[str, Any]:
    """The ``Estimator`` run keywords a saved configuration holds (``None`` ones left out).

    A ``model_id`` asks the built-in algorithms catalogue once per session for
    its name; a model that is no longer offered raises ``InvalidArgumentError``
    naming the configuration.
    """
    from .errors import InvalidArgumentError

    raw = config.raw
    found: Dict[str, Any] = {}
    for run_field in RUN_FIELDS:
        if run_field.wire is not None and raw.get(run_field.wire) is not None:
            found[run_field.keyword] = raw[run_field.wire]
    if config.parameter is not None:
        found["hyperparameters"] = _parameters(config)
    if config.model_id is not None:
        name = _model_name(client, config.model_id)
        if name is None:
            raise InvalidArgumentError(
                f"configuration {config.config_name} uses built-in algorithm {config.model_id}, "
                "which the service no longer offers"
            )
        found["model_name"] = name
    elif config.engine_name and config.engine_version:
        found["framework_type"] = config.engine_name
        found["framework_version"] = config.engine_version
    if config.spec_code:
        found["train_instance_type"] = config.spec_code
        found.pop("pool_id", None)  # the pool the public flavor runs in, not a dedicated one
    return found


def _parameters(config: JobConfig) -> List[Dict[str, str]]:
    return [
        {"label": item.label, "value": "" if item.value is None else item.value}
        for item in config.parameter or ()
        if item.label  # an argument without a name cannot be passed on
    ]
