"""The two IAM calls a Session makes: what it sends, and what it reads of the answers.

``POST /v3/auth/tokens`` (iam_30_0001) exchanges a password for a
project-scoped token, returned in the ``X-Subject-Token`` header; ``GET
/v3/projects?name=<region>`` (iam_06_0001) finds the project id of AK/SK
credentials. The Session sends them; the bodies are read by the one IAM schema,
``modelarts/schemas/iam.py``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Dict, Optional, Tuple

from .credentials import PasswordCredentials
from .errors import ConfigurationError, ResponseFormatError
from .redaction import PROJECT_ID_PLACEHOLDER, Redactor
from .transport.base import Response

__all__ = [
    "PROJECTS_PATH",
    "TOKEN_PATH",
    "project_id_from_listing",
    "read_token_answer",
    "token_request_body",
]

TOKEN_PATH = "/v3/auth/tokens"
PROJECTS_PATH = "/v3/projects"

if TYPE_CHECKING:  # the schema loads marshmallow: imported where a body is read
    from .schemas.iam import Token


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


def read_token_answer(
    response: Response, body: Any, operation: str, redactor: Redactor
) -> "Tuple[str, Token]":
    """The token (``X-Subject-Token``) and what the decoded ``body`` says about it.

    ``redactor`` learns the token and the account's ids, so that no log line,
    error or fixture shows them.
    """
    from .schemas.iam import load_token

    token = response.headers.get("X-Subject-Token")
    redactor.add_secret(token, "IAM token")
    if not token:
        raise ResponseFormatError(
            "IAM answered without an X-Subject-Token header",
            operation=operation,
            status_code=response.status,
            request_id=response.request_id,
        )
    details = load_token(
        body, operation=operation, status_code=response.status, request_id=response.request_id
    )
    redactor.add_identifier(details.project_id, PROJECT_ID_PLACEHOLDER)
    redactor.add_identifier(details.user_id, "{user_id}")
    redactor.add_identifier(details.domain_id, "{domain_id}")
    return token, details


def project_id_from_listing(
    body: Any, region: str, operation: str, response: Optional[Response] = None
) -> str:
    """The one project named ``region`` in a ``/v3/projects`` answer."""
    from .schemas.iam import load_iam_projects

    projects = load_iam_projects(
        body,
        operation=operation,
        status_code=response.status if response is not None else None,
        request_id=response.request_id if response is not None else None,
    )
    ids = [project.id for project in projects if project.name in (None, region)]
    if not ids:
        raise ConfigurationError(
            f"no project named {region!r} is visible to these credentials; "
            "check region_name or pass project_id="
        )
    if len(ids) > 1:
        raise ConfigurationError(
            f"several projects are named {region!r}; pass project_id= to choose"
        )
    return ids[0]
