"""The run settings of a training job, checked the way Huawei's pages describe them.

The same fields reach the fake in three bodies: ``config`` of create job
(modelarts_03_0045), ``config`` of create version (modelarts_03_0050), and the
flat body of create/modify job configuration (modelarts_03_0058/0060).
``run_settings`` checks them and returns the version (or configuration)
fields they set; a problem is ``400 ModelArts.0104`` naming the field.

Rules, by page:

* ``worker_server_num`` >= 1 and at most the flavor's ``max_num``
  (modelarts_03_0045, modelarts_03_0072).
* ``spec_id`` (a public flavor) or ``pool_id`` (a dedicated pool), not both;
  one of them is needed for a job or configuration (modelarts_03_0045); a new
  version inherits its parent's when it gives neither. The use case's
  ``flavor.code`` is accepted in place of ``spec_id``.
* ``engine_id`` from ai-engines (modelarts_03_0073), default 1;
  ``model_id`` from built-in algorithms (modelarts_03_0056), which brings its
  engine and makes ``app_url``/``boot_file_url`` unnecessary.
* ``app_url`` and ``boot_file_url`` together, unless ``model_id`` or a custom
  image (``user_image_url``) is given.
* Exactly one data source: ``data_url``, ``dataset_id`` with
  ``dataset_version_id``, or ``data_source`` (modelarts_03_0045, 03_0058).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Dict, Optional

from . import offerings
from ._parsing import bad, text, whole

__all__ = ["run_settings"]

_URLS = (
    "app_url",
    "boot_file_url",
    "train_url",
    "log_url",
    "user_image_url",
    "user_command",
)


def run_settings(
    source: Mapping[str, Any], *, complete: bool, prefix: str = "config."
) -> Dict[str, Any]:
    """The fields ``source`` sets; ``complete`` requires what a first version needs.

    ``prefix`` is how error messages name the fields (``config.`` in a job
    body, nothing in a configuration's flat body).
    """
    fields: Dict[str, Any] = {}
    workers = whole(source, "worker_server_num", prefix)
    if workers is not None:
        if workers < 1:
            raise bad(f"{prefix}worker_server_num must be >= 1")
        fields["worker_server_num"] = workers
    elif complete:
        raise bad(f"{prefix}worker_server_num is mandatory")
    fields.update(_flavor(source, complete, workers, prefix))
    model_id = whole(source, "model_id", prefix)
    algorithm = None
    if model_id is not None:
        algorithm = offerings.ALGORITHMS.get(model_id)
        if algorithm is None:
            raise bad(f"{prefix}model_id {model_id} is not a built-in algorithm")
        fields["model_id"] = model_id
    engine_id = whole(source, "engine_id", prefix)
    if engine_id is not None:
        if engine_id not in offerings.ENGINES:
            raise bad(f"{prefix}engine_id {engine_id} is not an available engine")
        fields["engine_id"] = engine_id
    elif algorithm is not None:
        fields["engine_id"] = algorithm.engine_id
    elif complete:
        fields["engine_id"] = 1  # the documented default
    for name in _URLS:
        value = text(source, name, 1024, prefix)
        if value is not None:
            fields[name] = value
    code_given = "app_url" in fields and "boot_file_url" in fields
    if complete and not code_given and model_id is None and "user_image_url" not in fields:
        raise bad(f"{prefix}app_url and {prefix}boot_file_url are mandatory without model_id")
    fields.update(_data(source, complete, prefix))
    parameter = source.get("parameter")
    if parameter is not None:
        valid = isinstance(parameter, list) and all(
            isinstance(item, dict) and isinstance(item.get("label"), str) for item in parameter
        )
        if not valid:
            raise bad(f"{prefix}parameter must be a list of {{label, value}} objects")
        fields["parameter"] = parameter
    volumes = source.get("volumes")
    if volumes is not None:
        if not isinstance(volumes, list):
            raise bad(f"{prefix}volumes must be a list")
        fields["volumes"] = volumes
    return fields


def _flavor(
    source: Mapping[str, Any], complete: bool, workers: Optional[int], prefix: str
) -> Dict[str, Any]:
    spec_id = whole(source, "spec_id", prefix)
    pool_id = source.get("pool_id")
    flavor = source.get("flavor")
    if pool_id is not None and (not isinstance(pool_id, str) or not pool_id):
        raise bad(f"{prefix}pool_id must be a non-empty string")
    if spec_id is not None and pool_id is not None:
        raise bad(f"{prefix}spec_id and {prefix}pool_id cannot be used together")
    spec: Optional[offerings.Spec] = None
    if spec_id is not None:
        spec = offerings.SPECS.get(spec_id)
        if spec is None:
            raise bad(f"{prefix}spec_id {spec_id} is not an available flavor")
    elif isinstance(flavor, dict) and isinstance(flavor.get("code"), str):
        spec = offerings.spec_by_code(flavor["code"])
        if spec is None:
            raise bad(f"{prefix}flavor.code {flavor['code']!r} is not an available flavor")
    elif pool_id is not None:
        return {"pool_id": pool_id, "pool_name": pool_id, "pool_type": "USER_DEFINED"}
    elif complete:
        raise bad(f"one of {prefix}spec_id and {prefix}pool_id is mandatory")
    if spec is None:
        return {}
    if workers is not None and workers > spec.max_num:
        raise bad(f"{prefix}worker_server_num {workers} exceeds max_num {spec.max_num}")
    return {"spec_id": spec.spec_id}


def _data(source: Mapping[str, Any], complete: bool, prefix: str) -> Dict[str, Any]:
    data_url = text(source, "data_url", 1024, prefix)
    dataset_id = text(source, "dataset_id", 64, prefix)
    dataset_version_id = text(source, "dataset_version_id", 64, prefix)
    sources = source.get("data_source")
    if (dataset_id is None) != (dataset_version_id is None):
        raise bad(f"{prefix}dataset_id and {prefix}dataset_version_id must be given together")
    kinds = [data_url is not None, dataset_id is not None, sources is not None]
    if sum(kinds) > 1:
        raise bad("use only one of data_url, dataset_id + dataset_version_id and data_source")
    if sum(kinds) == 0:
        if complete:
            raise bad("one of data_url, dataset_id + dataset_version_id and data_source is needed")
        return {}
    if data_url is not None:
        return {
            "data_url": data_url,
            "data_source": [{"type": "obs", "data_url": data_url}],
        }
    if dataset_id is not None:
        return {
            "dataset_id": dataset_id,
            "dataset_version_id": dataset_version_id,
            "data_url": None,
            "data_source": None,
        }
    if (
        not isinstance(sources, list)
        or not sources
        or not all(isinstance(item, dict) for item in sources)
    ):
        raise bad(f"{prefix}data_source must be a non-empty list of objects")
    first = next((item.get("data_url") for item in sources if item.get("data_url")), None)
    return {"data_source": sources, "data_url": first}
