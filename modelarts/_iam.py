"""The two IAM calls a Session makes, as pure request builders and answer readers.

``POST /v3/auth/tokens`` exchanges a password for a project-scoped token (in the
``X-Subject-Token`` header; auth.md §3), and ``GET /v3/projects?name=<region>``
finds the project id of AK/SK credentials (auth.md §2). The Session sends them;
this module knows their shapes.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Dict, NamedTuple, Optional

from ._decode import decode_json
from .credentials import PasswordCredentials, parse_expiry
from .errors import ConfigurationError, ResponseFormatError
from .redaction import PROJECT_ID_PLACEHOLDER, Redactor
from .transport.base import Response

__all__ = ["TokenAnswer", "project_id_from_listing", "read_token_answer", "token_request_body"]

TOKEN_PATH = "/v3/auth/tokens"
PROJECTS_PATH = "/v3/projects"


def token_request_body(
    login: PasswordCredentials, project_id: Optional[str], region: Optional[str]
) -> Dict[str, Any]:
    """The password-login body, scoped to the project (by id when known, else by region)."""
    if project_id not in (None, PROJECT_ID_PLACEHOLDER):
        scope: Dict[str, Any] = {"project": {"id": project_id}}
    elif region:
        scope = {"project": {"name": region}}
    else:
        raise ConfigurationError("password login needs region_name= or project_id=")
    user = {"name": login.username, "password": login.password, "domain": {"name": login.account}}
    return {
        "auth": {
            "identity": {"methods": ["password"], "password": {"user": user}},
            "scope": scope,
        }
    }


class TokenAnswer(NamedTuple):
    token: str
    expires_at: Optional[datetime]
    project_id: Optional[str]
    user_id: Optional[str]
    domain_id: Optional[str]


def _text(value: Any) -> Optional[str]:
    return value if isinstance(value, str) and value else None


def read_token_answer(response: Response, operation: str, redactor: Redactor) -> TokenAnswer:
    """The token and what its body says about the account (ids, expiry)."""
    token = response.headers.get("X-Subject-Token")
    if not token:
        raise ResponseFormatError(
            "IAM answered without an X-Subject-Token header",
            operation=operation,
            status_code=response.status,
            request_id=response.request_id,
        )
    data = decode_json(response, operation, redactor=redactor)
    details = data.get("token") if isinstance(data, dict) else None
    if not isinstance(details, dict):
        details = {}
    project = details.get("project")
    user = details.get("user")
    domain = user.get("domain") if isinstance(user, dict) else None
    return TokenAnswer(
        token,
        parse_expiry(details.get("expires_at")),
        _text(project.get("id")) if isinstance(project, dict) else None,
        _text(user.get("id")) if isinstance(user, dict) else None,
        _text(domain.get("id")) if isinstance(domain, dict) else None,
    )


def project_id_from_listing(data: Any, region: str, operation: str) -> str:
    """The one project named ``region`` in a ``/v3/projects`` answer."""
    projects = data.get("projects") if isinstance(data, dict) else None
    if not isinstance(projects, list) or not all(isinstance(p, dict) for p in projects):
        raise ResponseFormatError(
            "expected a 'projects' list", operation=operation, field="projects"
        )
    ids = [p.get("id") for p in projects if p.get("name", region) == region]
    if not ids:
        raise ConfigurationError(
            f"no project named {region!r} is visible to these credentials; "
            "check region_name or pass project_id="
        )
    if len(ids) > 1:
        raise ConfigurationError(
            f"several projects are named {region!r}; pass project_id= to choose"
        )
    if not isinstance(ids[0], str) or not ids[0]:
        raise ResponseFormatError(
            "the project has no id", operation=operation, field="projects[0].id"
        )
    return ids[0]
