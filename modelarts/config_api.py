"""The training job parameter configuration REST calls, one function each, returning typed records.

::

    from modelarts import config_api

    config_api.create_config(session, "mnist-cpu", {"worker_server_num": 1, ...})
    page = config_api.list_configs(session, per_page=20, search_content="mnist")
    page.configs[0].config_name, config_api.get_config(session, "mnist-cpu").spec_code

A configuration is a named set of run settings: the fields of a create-job
``config`` (page modelarts_03_0045), flat in the body. Pages: create
modelarts_03_0058, list 03_0059, modify 03_0060, delete 03_0061, details
03_0062. Arguments are checked before anything is sent
(``InvalidArgumentError``, a ``ValueError``); a name is percent-encoded in the
path. ``Estimator``'s configuration methods (``modelarts.job_configs``) build
the settings from its run keywords (``modelarts.run_config``).
"""

from __future__ import annotations

import re
from typing import Any, Mapping, Optional

from . import signing
from .errors import InvalidArgumentError
from .schemas import Envelope
from .schemas.configs import ConfigsPage, JobConfig, load_config_detail, load_configs_page
from .training_api import (
    Caller,
    check_choice,
    check_description,
    envelope_call,
    listing_query,
)

__all__ = [
    "CONFIG_NAME",
    "CONFIG_SORT_KEYS",
    "CONFIG_TYPES",
    "check_config_name",
    "config_path",
    "create_config",
    "delete_config",
    "get_config",
    "list_configs",
    "update_config",
]

#: ``config_name`` (modelarts_03_0058, 2025-08-20): 1-64 letters, digits, ``-`` and ``_``
#: (an older copy of the page said 1-20; the current one decides).
CONFIG_NAME = re.compile(r"[A-Za-z0-9_-]{1,64}")
#: ``sortBy`` of the list (modelarts_03_0059).
CONFIG_SORT_KEYS = ("config_name", "config_desc", "create_time")
#: ``config_type``: the user's own (``custom``, the server's default) or the service's samples.
CONFIG_TYPES = ("custom", "sample")
_MAX_NAME = 64
_CONFIGS = "/v1/{project_id}/training-job-configs"


def check_config_name(name: Any) -> str:
    """A name for a new configuration: 1-64 letters, digits, ``-`` and ``_``."""
    if not isinstance(name, str) or not CONFIG_NAME.fullmatch(name):
        raise InvalidArgumentError(
            f"config_name must be 1-{_MAX_NAME} letters, digits, '-' or '_', got {name!r}"
        )
    return name


def config_path(name: Any) -> str:
    """The path of an existing configuration, its name percent-encoded.

    Names are not held to the creation rule here: a configuration made under an
    older rule (or in the console) must stay reachable. Any non-empty name of
    at most 64 characters is sent, encoded so that it stays one path segment.
    """
    if not isinstance(name, str) or not name or len(name) > _MAX_NAME:
        raise InvalidArgumentError(
            f"config_name must be a non-empty str of at most {_MAX_NAME} characters, got {name!r}"
        )
    return f"{_CONFIGS}/{signing.encode(name)}"


def create_config(
    client: Caller,
    name: str,
    settings: Mapping[str, Any],
    *,
    description: Optional[str] = None,
) -> Envelope:
    """``POST .../training-job-configs`` (modelarts_03_0058): the name, the flat settings,
    then ``config_desc`` when given."""
    body = {"config_name": check_config_name(name), **settings}
    if description is not None:
        body["config_desc"] = check_description(description, "config_desc")
    return envelope_call(client, "POST", _CONFIGS, f"create job configuration {name}", json=body)


def list_configs(
    client: Caller,
    *,
    per_page: Optional[int] = None,
    page: Optional[int] = None,
    sort_by: Optional[str] = None,
    order: Optional[str] = None,
    search_content: Optional[str] = None,
    config_type: Optional[str] = None,
) -> ConfigsPage:
    """``GET .../training-job-configs`` (modelarts_03_0059) with exactly the filters given.

    The server's defaults apply to the rest: 10 per page, page 1, by
    ``config_name``, ``desc``, ``custom`` configurations.
    """
    query = listing_query(
        per_page=per_page,
        page=page,
        sort_by=sort_by,
        sort_keys=CONFIG_SORT_KEYS,
        order=order,
        search_content=search_content,
    )
    if config_type is not None:
        query.append(("config_type", check_choice("config_type", config_type, CONFIG_TYPES)))
    loaded: ConfigsPage = client.request(
        "GET",
        _CONFIGS,
        query=query,
        operation="list job configurations",
        load=load_configs_page,
    )
    return loaded


def get_config(client: Caller, name: str, *, config_type: Optional[str] = None) -> JobConfig:
    """``GET .../training-job-configs/{config_name}`` (modelarts_03_0062)."""
    path = config_path(name)
    query = None
    if config_type is not None:
        query = [("config_type", check_choice("config_type", config_type, CONFIG_TYPES))]
    config: JobConfig = client.request(
        "GET",
        path,
        query=query,
        operation=f"get job configuration {name}",
        load=load_config_detail,
    )
    return config


def update_config(
    client: Caller,
    name: str,
    settings: Mapping[str, Any],
    *,
    description: Optional[str] = None,
) -> Envelope:
    """``PUT .../training-job-configs/{config_name}`` (modelarts_03_0060).

    The settings replace the saved ones; ``config_desc`` is sent (first) only
    when given, so that the saved description stays otherwise.
    """
    path = config_path(name)
    body = (
        {}
        if description is None
        else {"config_desc": check_description(description, "config_desc")}
    )
    body.update(settings)
    return envelope_call(client, "PUT", path, f"update job configuration {name}", json=body)


def delete_config(client: Caller, name: str) -> Envelope:
    """``DELETE .../training-job-configs/{config_name}`` (modelarts_03_0061)."""
    path = config_path(name)
    return envelope_call(client, "DELETE", path, f"delete job configuration {name}")
