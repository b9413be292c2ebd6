"""The v1 training-job routes of the fake (api.md §2): parse and check a request, ask the store.

Each handler takes the request as the fake's router hands it over and
returns ``(status, body)``; a refused request raises ``StoreError``, which
``FakeModelArts`` renders as a v1 error body (``is_success: false``,
``error_code``, ``error_message``) with the HTTP status its ``error_status``
mode asks for. Parameter problems are ``400 ModelArts.0104`` (parameter
error) and unreadable bodies ``400 ModelArts.0101`` (invalid argument), both
from the global error table (api.md §5).
"""

from __future__ import annotations

import re
from typing import Any, Callable, Dict, List, Mapping, Optional, Protocol, Tuple

from . import _catalog as catalog
from .jobs import JobStore, StoreError

__all__ = ["JobRoutes"]

Answer = Tuple[int, Dict[str, Any]]

_PREFIX = "/v1/{project_id}"
_JOB = _PREFIX + "/training-jobs/{job_id}"
_VERSION = _JOB + "/versions/{version_id}"
_NAME = re.compile(r"[A-Za-z0-9_-]{1,64}")
_INTEGER = re.compile(r"-?[0-9]{1,19}")
_SORT_KEYS = ("job_name", "job_desc", "status", "duration", "version_count", "create_time")


class Incoming(Protocol):
    """What a handler reads from ``FakeRequest``."""

    query: Dict[str, str]
    params: Dict[str, str]
    identity: str

    def json(self) -> Any: ...


Handler = Callable[[Incoming], Answer]


def bad(message: str) -> StoreError:
    return StoreError(400, "ModelArts.0104", f"Invalid parameter: {message}")


def _int_query(query: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    raw = query.get(name, "")
    if raw == "":
        return default
    if not _INTEGER.fullmatch(raw):
        raise bad(f"{name} must be an integer, got {raw!r}")
    value = int(raw)
    if not low <= value <= high:
        raise bad(f"{name} must be in [{low}, {high}], got {value}")
    return value


def _choice(query: Mapping[str, str], name: str, default: str, allowed: Tuple[str, ...]) -> str:
    value = query.get(name) or default
    if value not in allowed:
        raise bad(f"{name} must be one of {', '.join(allowed)}, got {value!r}")
    return value


def _path_id(request: Incoming, name: str) -> int:
    raw = request.params[name]
    if not raw.isdigit() or len(raw) > 19:
        raise bad(f"{name} must be a number, got {raw!r}")
    return int(raw)


def _body(request: Incoming) -> Dict[str, Any]:
    try:
        body = request.json()
    except ValueError:
        raise StoreError(400, "ModelArts.0101", "The request body is not valid JSON.") from None
    if not isinstance(body, dict):
        raise StoreError(400, "ModelArts.0101", "The request body must be a JSON object.")
    return body


def _text(body: Mapping[str, Any], name: str, limit: int) -> Optional[str]:
    value = body.get(name)
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > limit:
        raise bad(f"{name} must be a string of at most {limit} characters")
    return value


def _whole(config: Mapping[str, Any], name: str) -> Optional[int]:
    value = config.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise bad(f"config.{name} must be an integer, got {value!r}")
    return value


def _config(body: Mapping[str, Any]) -> Dict[str, Any]:
    config = body.get("config")
    if not isinstance(config, dict):
        raise bad("config is mandatory and must be an object")
    return config


def config_fields(config: Mapping[str, Any], *, complete: bool) -> Dict[str, Any]:
    """Version fields from a create body's ``config`` (api.md §2.2).

    ``complete`` (create job) requires what a first version needs; a new
    version (§2.5) inherits the rest from its ``pre_version_id``.
    """
    fields: Dict[str, Any] = {}
    workers = _whole(config, "worker_server_num")
    if workers is not None:
        if workers < 1:
            raise bad("config.worker_server_num must be >= 1")
        fields["worker_server_num"] = workers
    elif complete:
        raise bad("config.worker_server_num is mandatory")
    fields.update(_flavor(config, complete, workers))
    engine_id = _whole(config, "engine_id")
    if engine_id is not None:
        if engine_id not in catalog.ENGINES:
            raise bad(f"config.engine_id {engine_id} is not an available engine")
        fields["engine_id"] = engine_id
    elif complete:
        fields["engine_id"] = 1  # the documented default
    for name in ("app_url", "boot_file_url", "train_url", "log_url", "user_image_url",
                 "user_command"):  # fmt: skip
        value = _text(config, name, 1024)
        if value is not None:
            fields[name] = value
    model_id = _whole(config, "model_id")
    if model_id is not None:
        fields["model_id"] = model_id
    code_given = "app_url" in fields and "boot_file_url" in fields
    if complete and not code_given and model_id is None and "user_image_url" not in fields:
        raise bad("config.app_url and config.boot_file_url are mandatory without model_id")
    fields.update(_data(config, complete))
    parameter = config.get("parameter")
    if parameter is not None:
        valid = isinstance(parameter, list) and all(
            isinstance(item, dict) and isinstance(item.get("label"), str) for item in parameter
        )
        if not valid:
            raise bad("config.parameter must be a list of {label, value} objects")
        fields["parameter"] = parameter
    if complete and config.get("volumes") is not None:
        if not isinstance(config["volumes"], list):
            raise bad("config.volumes must be a list")
        fields["volumes"] = config["volumes"]
    return fields


def _flavor(config: Mapping[str, Any], complete: bool, workers: Optional[int]) -> Dict[str, Any]:
    spec_id = _whole(config, "spec_id")
    pool_id = config.get("pool_id")
    flavor = config.get("flavor")
    if spec_id is not None and pool_id is not None:
        raise bad("config.spec_id and config.pool_id cannot be used together")
    spec: Optional[catalog.Spec] = None
    if spec_id is not None:
        spec = catalog.SPECS.get(spec_id)
        if spec is None:
            raise bad(f"config.spec_id {spec_id} is not an available flavor")
    elif isinstance(flavor, dict) and isinstance(flavor.get("code"), str):
        spec = catalog.spec_by_code(flavor["code"])
        if spec is None:
            raise bad(f"config.flavor.code {flavor['code']!r} is not an available flavor")
    elif isinstance(pool_id, str) and pool_id:
        return {"pool_id": pool_id, "pool_name": pool_id, "pool_type": "USER_DEFINED"}
    elif complete:
        raise bad("one of config.spec_id, config.pool_id and config.flavor.code is mandatory")
    if spec is None:
        return {}
    if workers is not None and workers > spec.max_num:
        raise bad(f"config.worker_server_num {workers} exceeds max_num {spec.max_num}")
    return {"spec_id": spec.spec_id}


def _data(config: Mapping[str, Any], complete: bool) -> Dict[str, Any]:
    data_url = _text(config, "data_url", 1024)
    dataset_id = _text(config, "dataset_id", 64)
    dataset_version_id = _text(config, "dataset_version_id", 64)
    sources = config.get("data_source")
    if (dataset_id is None) != (dataset_version_id is None):
        raise bad("config.dataset_id and config.dataset_version_id must be given together")
    kinds = [data_url is not None, dataset_id is not None, sources is not None]
    if sum(kinds) > 1:
        raise bad("use only one of data_url, dataset_id + dataset_version_id and data_source")
    if sum(kinds) == 0:
        if complete:
            raise bad("one of data_url, dataset_id + dataset_version_id and data_source is needed")
        return {}
    if data_url is not None:
        return {"data_url": data_url, "data_source": [{"type": "obs", "data_url": data_url}]}
    if dataset_id is not None:
        return {
            "dataset_id": dataset_id,
            "dataset_version_id": dataset_version_id,
            "data_url": None,
            "data_source": None,
        }
    if not isinstance(sources, list) or not all(isinstance(s, dict) for s in sources):
        raise bad("config.data_source must be a list of objects")
    first = next((s.get("data_url") for s in sources if s.get("data_url")), None)
    return {"data_source": sources, "data_url": first}


def _owner(identity: str) -> str:
    kind, _, who = identity.partition(":")
    return who if kind == "token" and who else "ma_user"


class JobRoutes:
    """The route table of the training-job API over one ``JobStore``."""

    def __init__(self, store: JobStore) -> None:
        self.store = store

    def table(self) -> List[Tuple[str, str, Handler]]:
        return [
            ("GET", _PREFIX + "/training-jobs", self.list_jobs),
            ("POST", _PREFIX + "/training-jobs", self.create_job),
            ("PUT", _JOB, self.update_description),
            ("DELETE", _JOB, self.delete_job),
            ("GET", _JOB + "/versions", self.list_versions),
            ("POST", _JOB + "/versions", self.create_version),
            ("GET", _VERSION, self.version_detail),
            ("DELETE", _VERSION, self.delete_version),
            ("POST", _VERSION + "/stop", self.stop),
            ("GET", _VERSION + "/log/file-names", self.log_file_names),
            ("GET", _VERSION + "/aom-log", self.aom_log),
            ("GET", _PREFIX + "/job/resource-specs", self.resource_specs),
            ("GET", _PREFIX + "/job/ai-engines", self.ai_engines),
        ]

    def list_jobs(self, request: Incoming) -> Answer:
        query = request.query
        status: Optional[int] = None
        if query.get("status", "") != "":
            status = _int_query(query, "status", 0, 0, 255)
        search = query.get("search_content", "")
        if len(search) > 64:
            raise bad("search_content must be at most 64 characters")
        return 200, self.store.list_jobs(
            status=status,
            per_page=_int_query(query, "per_page", 10, 1, 1000),
            page=_int_query(query, "page", 1, 1, 65535),
            sort_by=_choice(query, "sortBy", "job_name", _SORT_KEYS),
            order=_choice(query, "order", "asc", ("asc", "desc")),
            search=search,
            workspace_id=query.get("workspace_id") or "0",
        )

    def create_job(self, request: Incoming) -> Answer:
        body = _body(request)
        name = body.get("job_name")
        if not isinstance(name, str) or not _NAME.fullmatch(name):
            raise bad("job_name must be 1-64 characters of letters, digits, '-' and '_'")
        desc = _text(body, "job_desc", 256) or ""
        workspace = body.get("workspace_id") or "0"
        if not isinstance(workspace, str):
            raise bad("workspace_id must be a string")
        config = _config(body)
        fields = config_fields(config, complete=True)
        create_version = config.get("create_version", True)
        if not isinstance(create_version, bool):
            raise bad("config.create_version must be a boolean")
        answer = self.store.create_job(
            name,
            desc,
            workspace,
            fields,
            create_version=create_version,
            owner=_owner(request.identity),
        )
        return 200, answer

    def update_description(self, request: Incoming) -> Answer:
        body = _body(request)
        if "job_desc" not in body:
            raise bad("job_desc is mandatory")
        desc = _text(body, "job_desc", 256)
        self.store.set_description(_path_id(request, "job_id"), desc or "")
        return 200, {"is_success": True}

    def delete_job(self, request: Incoming) -> Answer:
        self.store.delete_job(_path_id(request, "job_id"))
        return 200, {"is_success": True}

    def list_versions(self, request: Incoming) -> Answer:
        job_id = _path_id(request, "job_id")
        per_page = _int_query(request.query, "per_page", 10, 1, 1000)
        page = _int_query(request.query, "page", 0, 0, 65535)
        return 200, self.store.list_versions(job_id, page, per_page)

    def create_version(self, request: Incoming) -> Answer:
        job_id = _path_id(request, "job_id")
        body = _body(request)
        _text(body, "job_desc", 256)
        config = _config(body)
        fields = config_fields(config, complete=False)
        pre_version_id = _whole(config, "pre_version_id")
        if pre_version_id is None:
            raise bad("config.pre_version_id is mandatory")
        return 200, self.store.create_version(job_id, pre_version_id, fields)

    def version_detail(self, request: Incoming) -> Answer:
        ids = _path_id(request, "job_id"), _path_id(request, "version_id")
        return 200, self.store.version_detail(*ids)

    def delete_version(self, request: Incoming) -> Answer:
        self.store.delete_version(_path_id(request, "job_id"), _path_id(request, "version_id"))
        return 200, {"is_success": True}

    def stop(self, request: Incoming) -> Answer:
        self.store.stop(_path_id(request, "job_id"), _path_id(request, "version_id"))
        return 200, {"is_success": True}

    def log_file_names(self, request: Incoming) -> Answer:
        ids = _path_id(request, "job_id"), _path_id(request, "version_id")
        return 200, {"is_success": True, "log_file_list": self.store.log_files(*ids)}

    def aom_log(self, request: Incoming) -> Answer:
        query = request.query
        log_file = query.get("log_file", "")
        if not log_file:
            raise bad("log_file is mandatory")
        raw_base = query.get("base_line", "")
        if raw_base and not raw_base.isdigit():
            raise bad(f"base_line must be a position from a previous answer, got {raw_base!r}")
        return 200, self.store.read_log(
            _path_id(request, "job_id"),
            _path_id(request, "version_id"),
            log_file,
            lines=_int_query(query, "lines", 50, 0, 500),
            base_line=int(raw_base) if raw_base else None,
            order=_choice(query, "order", "desc", ("asc", "desc")),
        )

    def resource_specs(self, request: Incoming) -> Answer:
        _choice(request.query, "job_type", "train", ("train", "inference"))
        _int_query(request.query, "engine_id", 0, 0, 2**63 - 1)
        _int_query(request.query, "project_type", 0, 0, 2**31 - 1)
        specs = [catalog.spec_record(spec) for spec in catalog.SPECS.values()]
        return 200, {"specs": specs, "is_success": True, "spec_total_count": len(specs)}

    def ai_engines(self, request: Incoming) -> Answer:
        _choice(request.query, "job_type", "train", ("train", "inference"))
        engines = [catalog.engine_record(engine) for engine in catalog.ENGINES.values()]
        return 200, {"is_success": True, "engines": engines}
