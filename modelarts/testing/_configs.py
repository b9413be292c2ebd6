"""Training job parameter configurations: the fake's store and its five routes.

Pages: create modelarts_03_0058, list 03_0059, modify 03_0060, delete
03_0061, details 03_0062. A configuration is a named set of run settings
(the fields of a create-job ``config``, flat in the body), checked by
``_run_settings`` exactly as a job's are.

* Names are 1-64 letters, digits, ``-`` and ``_``: the current
  modelarts_03_0058 (2025-08-20) says 1-64 where its older copy said 1-20.
* ``config_type`` ``custom`` (the default) is the user's configurations,
  ``sample`` a few read-only ones the service ships; list and details take it.
* Listing: ``per_page`` [1, 1000] (default 10), ``page`` >= 1 (default 1),
  ``sortBy`` ``config_name`` (default), ``config_desc`` or ``create_time``
  (not for samples, modelarts_03_0059), ``order`` ``desc`` (default) or
  ``asc``, ``search_content`` a case-insensitive part of the name (0-64).
* Errors: a taken name is ``400 ModelArts.0103`` ("Config name:<name> is
  existed", the duplicate-name answer of modelarts_03_0045 applied to
  configurations); an unknown name ``404 ModelArts.0015``; a bad field or
  query value ``400 ModelArts.0104``.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Mapping
from typing import Any, Callable, Dict, List, Optional, Tuple

from . import offerings
from ._job_seeding import StoreError, not_found
from ._parsing import (
    Answer,
    Incoming,
    RouteHandler,
    bad,
    choice,
    int_query,
    json_body,
    page_of,
    search_query,
    text,
)
from ._run_settings import run_settings
from .catalog import BUCKET

__all__ = [
    "CONFIG_NAME",
    "SAMPLE_CONFIGS",
    "ConfigRoutes",
    "ConfigStore",
    "config_record",
]

#: modelarts_03_0058 (2025-08-20): 1 to 64 letters, digits, underscores and hyphens.
CONFIG_NAME = re.compile(r"[A-Za-z0-9_-]{1,64}")

_PREFIX = "/v1/{project_id}/training-job-configs"
_SORT_KEYS = ("config_name", "config_desc", "create_time")
_LIST_KEYS = ("config_name", "config_desc", "create_time", "engine_type", "engine_name",
              "engine_id", "engine_version", "user_image_url", "user_command")  # fmt: skip
#: The run fields of a details answer (modelarts_03_0062), in its table's order.
_DETAIL_KEYS = (
    "config_name", "config_desc", "worker_server_num", "app_url", "boot_file_url", "model_id",
    "parameter", "spec_id", "data_url", "dataset_id", "dataset_version_id", "data_source",
    "engine_type", "engine_name", "engine_id", "engine_version", "train_url", "log_url",
    "user_image_url", "user_command", "spec_code", "gpu_type", "create_time", "cpu", "gpu_num",
    "core", "dataset_name", "dataset_version_name", "pool_id", "pool_name", "volumes",
    "nas_mount_path", "nas_share_addr", "nas_type",
)  # fmt: skip

_Config = Tuple[str, int, Dict[str, Any]]  # (description, create_time ms, run fields)


def config_record(
    name: str, desc: str, create_ms: int, fields: Mapping[str, Any]
) -> Dict[str, Any]:
    """The details shape of modelarts_03_0062 (without ``is_success``)."""
    derived: Dict[str, Any] = {}
    engine = offerings.ENGINES.get(fields.get("engine_id", -1))
    if engine is not None:
        derived.update(offerings.engine_record(engine))
    spec = offerings.SPECS.get(fields.get("spec_id", -1))
    if spec is not None:
        derived.update(
            spec_code=spec.spec_code, gpu_type=spec.gpu_type, cpu=spec.cpu,
            gpu_num=spec.gpu_num, core=spec.core, pool_id=spec.pool_id, pool_name=spec.pool_name,
        )  # fmt: skip
    merged = {**derived, **fields, "config_name": name, "config_desc": desc,
              "create_time": create_ms}  # fmt: skip
    return {key: merged.get(key) for key in _DETAIL_KEYS}


def _sample(name: str, desc: str, model_id: int, spec_id: int) -> Tuple[str, _Config]:
    algorithm = offerings.ALGORITHMS[model_id]
    fields = {
        "worker_server_num": 1,
        "model_id": model_id,
        "engine_id": algorithm.engine_id,
        "spec_id": spec_id,
        "parameter": [
            {"label": label, "value": value}
            for label, _, value in (pair.partition("=") for pair in algorithm.parameters.split(";"))
        ],
        "data_url": f"/{BUCKET}/datasets/{name}/",
        "train_url": f"/{BUCKET}/samples/{name}/output/",
    }
    return name, (desc, algorithm.create_time, fields)


#: The read-only configurations listed with ``config_type=sample``.
SAMPLE_CONFIGS: Dict[str, _Config] = dict(
    (
        _sample("flowers-resnet50", "Classify flowers with ResNet_v1_50", 1, 5),
        _sample("voc-faster-rcnn", "Detect objects with Faster R-CNN", 5, 1),
        _sample("imagenet-ascend", "ResNet-50 on Ascend 910", 8, 40),
    )
)


class ConfigStore:
    """The custom configurations of one project. Safe from any thread."""

    def __init__(self, now_ms: Callable[[], int]) -> None:
        self._now_ms = now_ms  # the fake clock, in milliseconds since the epoch
        self._lock = threading.RLock()
        self._configs: Dict[str, _Config] = {}

    def create(self, name: str, desc: str, fields: Mapping[str, Any]) -> None:
        with self._lock:
            if name in self._configs:
                raise StoreError(400, "ModelArts.0103", f"Config name:{name} is existed")
            self._configs[name] = (desc, self._now_ms(), dict(fields))

    def update(self, name: str, desc: Optional[str], fields: Mapping[str, Any]) -> None:
        """Replace the run settings (modelarts_03_0060); the description only when given."""
        with self._lock:
            old_desc, created, _ = self._get(name, "custom")
            self._configs[name] = (
                old_desc if desc is None else desc,
                created,
                dict(fields),
            )

    def delete(self, name: str) -> None:
        with self._lock:
            self._get(name, "custom")
            del self._configs[name]

    def _get(self, name: str, config_type: str) -> _Config:
        table = self._configs if config_type == "custom" else SAMPLE_CONFIGS
        found = table.get(name)
        if found is None:
            raise not_found(f"The training job configuration {name}")
        return found

    def detail(self, name: str, config_type: str = "custom") -> Dict[str, Any]:
        with self._lock:
            desc, created, fields = self._get(name, config_type)
            return config_record(name, desc, created, fields)

    def names(self) -> List[str]:
        with self._lock:
            return sorted(self._configs)

    def listing(self, config_type: str) -> List[Dict[str, Any]]:
        with self._lock:
            table = dict(self._configs if config_type == "custom" else SAMPLE_CONFIGS)
        return [config_record(name, *entry) for name, entry in table.items()]


def _name(raw: Any, where: str) -> str:
    if not isinstance(raw, str) or not CONFIG_NAME.fullmatch(raw):
        raise bad(f"{where} must be 1-64 characters of letters, digits, '-' and '_'")
    return raw


class ConfigRoutes:
    """The route table of the configuration API over one ``ConfigStore``."""

    def __init__(self, store: ConfigStore) -> None:
        self.store = store

    def table(self) -> List[Tuple[str, str, RouteHandler]]:
        one = _PREFIX + "/{config_name}"
        return [
            ("POST", _PREFIX, self.create),
            ("GET", _PREFIX, self.list_configs),
            ("GET", one, self.detail),
            ("PUT", one, self.update),
            ("DELETE", one, self.delete),
        ]

    def create(self, request: Incoming) -> Answer:
        body = json_body(request)
        name = _name(body.get("config_name"), "config_name")
        desc = text(body, "config_desc", 256) or ""
        self.store.create(name, desc, run_settings(body, complete=True, prefix=""))
        return 200, {"is_success": True}

    def list_configs(self, request: Incoming) -> Answer:
        query = request.query
        per_page = int_query(query, "per_page", 10, 1, 1000)
        page = int_query(query, "page", 1, 1, 65535)
        sort_by = choice(query, "sortBy", "config_name", _SORT_KEYS)
        order = choice(query, "order", "desc", ("asc", "desc"))
        config_type = choice(query, "config_type", "custom", ("custom", "sample"))
        if config_type == "sample" and sort_by == "create_time":
            raise bad("sortBy create_time is not supported for sample configurations")
        search = search_query(query)
        records = [
            record
            for record in self.store.listing(config_type)
            if search in record["config_name"].lower()
        ]
        records.sort(
            key=lambda record: (record[sort_by] or "" if sort_by != "create_time"
                                else record[sort_by], record["config_name"]),
            reverse=order == "desc",
        )  # fmt: skip
        chosen = page_of(records, page, per_page)
        return 200, {
            "is_success": True,
            "config_total_count": len(records),
            "configs": [{key: record[key] for key in _LIST_KEYS} for record in chosen],
        }

    def detail(self, request: Incoming) -> Answer:
        name = _name(request.params["config_name"], "config_name")
        config_type = choice(request.query, "config_type", "custom", ("custom", "sample"))
        return 200, {"is_success": True, **self.store.detail(name, config_type)}

    def update(self, request: Incoming) -> Answer:
        name = _name(request.params["config_name"], "config_name")
        body = json_body(request)
        desc = text(body, "config_desc", 256)
        self.store.update(name, desc, run_settings(body, complete=True, prefix=""))
        return 200, {"is_success": True}

    def delete(self, request: Incoming) -> Answer:
        self.store.delete(_name(request.params["config_name"], "config_name"))
        return 200, {"is_success": True}
