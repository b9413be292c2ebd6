"""The two IAM calls a Session makes: what it sends, and what it reads of the answers.

``POST /v3/auth/tokens`` (iam_30_0001) exchanges a password for a
project-scoped token, returned in the ``X-Subject-Token`` header; ``GET
/v3/projects?name=<region>`` (iam_06_0001) finds the project id of AK/SK
credentials. The Session sends them; the bodies are read by the one IAM schema,
``modelarts/schemas/iam.py``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Dict, Optional, Tuple

from .auth import Auth, NoAuth
from .credentials import PasswordCredentials
from .errors import ConfigurationError, ResponseFormatError
from .redaction import PROJECT_ID_PLACEHOLDER, Redactor
from .signing import build_url
from .transport.base import Response

__all__ = [
    "PROJECTS_PATH",
    "TOKEN_PATH",
    "Call",
    "discover_project_id",
    "fetch_token",
    "project_id_from_listing",
    "read_token_answer",
    "token_request_body",
]

TOKEN_PATH = "/v3/auth/tokens"
PROJECTS_PATH = "/v3/projects"
_LOGIN_HINT = "check username, password and account (the account's domain name)"

#: ``Sender.call(method, url, payload, auth, operation, *, hint=None)`` (the Session's): sends
#: with retries and returns ``(decoded body, response)`` or raises the ``APIError``.
Call = Callable[..., Tuple[Any, Response]]

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


def fetch_token(
    call: Call,
    iam_endpoint: str,
    login: PasswordCredentials,
    project_id: Optional[str],
    region: Optional[str],
    redactor: Redactor,
) -> "Tuple[str, Token]":
    """Log in with a password; the token and what IAM says about it (``redactor`` learns both)."""
    operation = "get an IAM token"
    body = token_request_body(login, project_id, region)
    url = build_url(iam_endpoint, TOKEN_PATH, [("nocatalog", "true")])
    # NoAuth: the password in the body is the proof.
    data, response = call("POST", url, body, NoAuth(), operation, hint=_LOGIN_HINT)
    return read_token_answer(response, data, operation, redactor)


def discover_project_id(call: Call, iam_endpoint: str, region: Optional[str], auth: Auth) -> str:
    """The id of the project named after ``region``, asked of IAM with ``auth``."""
    if region is None:
        raise ConfigurationError("project_id unknown and no region to look it up by")
    operation = "look up the project id"
    url = build_url(iam_endpoint, PROJECTS_PATH, [("name", region)])
    data, response = call("GET", url, None, auth, operation)
    return project_id_from_listing(data, region, operation, response)
