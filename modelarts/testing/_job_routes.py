"""The v1 training-job routes of the fake: parse and check a request, ask the store.

Pages: list jobs modelarts_03_0046, create job 03_0045, version details
03_0047, delete version 03_0048, list versions 03_0049, create version
03_0050, stop 03_0051, modify description 03_0052, delete job 03_0053, log
file names 03_0054, logs 03_0149. How a handler reads its request and how a
refusal becomes an error body is in ``_parsing``; the run settings of create
job and create version are checked by ``_run_settings``.
"""

from __future__ import annotations

import re
from typing import Any, Dict, List, Tuple

from ._parsing import (
    Answer,
    Incoming,
    RouteHandler,
    bad,
    choice,
    int_query,
    json_body,
    path_id,
    search_query,
    status_query,
    text,
    whole,
)
from ._run_settings import run_settings
from .jobs import JobStore

__all__ = ["JobRoutes"]

_PREFIX = "/v1/{project_id}"
_JOB = _PREFIX + "/training-jobs/{job_id}"
_VERSION = _JOB + "/versions/{version_id}"
_NAME = re.compile(r"[A-Za-z0-9_-]{1,64}")
_SORT_KEYS = ("job_name", "job_desc", "status", "duration", "version_count", "create_time")


def _config(body: Dict[str, Any]) -> Dict[str, Any]:
    config = body.get("config")
    if not isinstance(config, dict):
        raise bad("config is mandatory and must be an object")
    return config


def _owner(identity: str) -> str:
    kind, _, who = identity.partition(":")
    return who if kind == "token" and who else "ma_user"


class JobRoutes:
    """The route table of the training-job API over one ``JobStore``."""

    def __init__(self, store: JobStore) -> None:
        self.store = store

    def table(self) -> List[Tuple[str, str, RouteHandler]]:
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
        ]

    def list_jobs(self, request: Incoming) -> Answer:
        query = request.query
        return 200, self.store.list_jobs(
            status=status_query(query),
            per_page=int_query(query, "per_page", 10, 1, 1000),
            page=int_query(query, "page", 1, 1, 65535),
            sort_by=choice(query, "sortBy", "job_name", _SORT_KEYS),
            order=choice(query, "order", "asc", ("asc", "desc")),
            search=search_query(query),
            workspace_id=query.get("workspace_id") or "0",
        )

    def create_job(self, request: Incoming) -> Answer:
        body = json_body(request)
        name = body.get("job_name")
        if not isinstance(name, str) or not _NAME.fullmatch(name):
            raise bad("job_name must be 1-64 characters of letters, digits, '-' and '_'")
        desc = text(body, "job_desc", 256) or ""
        workspace = body.get("workspace_id") or "0"
        if not isinstance(workspace, str):
            raise bad("workspace_id must be a string")
        config = _config(body)
        fields = run_settings(config, complete=True)
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
        body = json_body(request)
        if "job_desc" not in body:
            raise bad("job_desc is mandatory")
        desc = text(body, "job_desc", 256)
        self.store.set_description(path_id(request, "job_id"), desc or "")
        return 200, {"is_success": True}

    def delete_job(self, request: Incoming) -> Answer:
        self.store.delete_job(path_id(request, "job_id"))
        return 200, {"is_success": True}

    def list_versions(self, request: Incoming) -> Answer:
        job_id = path_id(request, "job_id")
        per_page = int_query(request.query, "per_page", 10, 1, 1000)
        page = int_query(request.query, "page", 0, 0, 65535)
        return 200, self.store.list_versions(job_id, page, per_page)

    def create_version(self, request: Incoming) -> Answer:
        job_id = path_id(request, "job_id")
        body = json_body(request)
        text(body, "job_desc", 256)
        config = _config(body)
        fields = run_settings(config, complete=False)
        pre_version_id = whole(config, "pre_version_id")
        if pre_version_id is None:
            raise bad("config.pre_version_id is mandatory")
        return 200, self.store.create_version(job_id, pre_version_id, fields)

    def version_detail(self, request: Incoming) -> Answer:
        ids = path_id(request, "job_id"), path_id(request, "version_id")
        return 200, self.store.version_detail(*ids)

    def delete_version(self, request: Incoming) -> Answer:
        self.store.delete_version(path_id(request, "job_id"), path_id(request, "version_id"))
        return 200, {"is_success": True}

    def stop(self, request: Incoming) -> Answer:
        self.store.stop(path_id(request, "job_id"), path_id(request, "version_id"))
        return 200, {"is_success": True}

    def log_file_names(self, request: Incoming) -> Answer:
        ids = path_id(request, "job_id"), path_id(request, "version_id")
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
            path_id(request, "job_id"),
            path_id(request, "version_id"),
            log_file,
            lines=int_query(query, "lines", 50, 0, 500),
            base_line=int(raw_base) if raw_base else None,
            order=choice(query, "order", "desc", ("asc", "desc")),
        )
