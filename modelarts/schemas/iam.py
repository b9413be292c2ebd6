"""IAM bodies (``GET /v3/projects`` and a token): only the few fields the SDK reads.

Unlike the v1 bodies these keep no ``extra``: every other field is dropped
(``EXCLUDE``); the comment on each schema says why.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Dict, NamedTuple, Optional, Tuple

from marshmallow import EXCLUDE, Schema, fields, post_load

from ._base import Converted, text, validate
from ._convert import Bad, to_iso_datetime, to_text
from ._record import Origin

__all__ = ["Project", "Token", "load_iam_projects", "load_token", "load_token_expiry"]


class Project(NamedTuple):
    """One IAM project: ``name`` is the region id (``cn-north-4``)."""

    id: str
    name: Optional[str]


class _ProjectSchema(Schema):
    class Meta:
        unknown = EXCLUDE  # domain ids and links are never exposed (nor recorded)

    id = Converted(to_text, required=True)
    name = text()

    @post_load
    def _make(self, data: Dict[str, Any], **kwargs: Any) -> Project:
        return Project(data["id"], data.get("name"))


class _ProjectsSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    projects = fields.List(fields.Nested(_ProjectSchema), allow_none=True)


_PROJECTS_SCHEMA = _ProjectsSchema()


def load_iam_projects(
    body: Any,
    *,
    operation: str = "",
    status_code: Optional[int] = None,
    request_id: Optional[str] = None,
) -> Tuple[Project, ...]:
    """``GET /v3/projects``: the projects, in server order."""
    top = validate(_PROJECTS_SCHEMA, body, Origin(operation, status_code, request_id))
    return tuple(top.get("projects") or ())


def _to_expiry(value: Any) -> Optional[datetime]:
    """IAM's ``expires_at``; a time at the very ends of the calendar is no real expiry.

    Year 1 or 9999 (or an offset that moves a time there off the calendar)
    becomes ``None``, "unknown": a renewal margin subtracted from it would
    overflow, and no token lives that long or expired that early.
    """
    try:
        moment = to_iso_datetime(value)
    except Bad:
        if isinstance(value, str) and value.strip()[:4] in ("0001", "9999"):
            return None
        raise
    return moment if moment is None or 1 < moment.year < 9999 else None


class Token(NamedTuple):
    """What the SDK reads of an IAM token body (``POST /v3/auth/tokens``, iam_30_0001).

    The token itself travels in the ``X-Subject-Token`` header, not here. The
    ids are read so that the Session can keep them out of logs and fixtures and
    learn its project id from a project-scoped token.
    """

    expires_at: Optional[datetime]  # None: at an end of the calendar, so unknown
    project_id: Optional[str]
    user_id: Optional[str]
    domain_id: Optional[str]


class _IdSchema(Schema):
    class Meta:
        unknown = EXCLUDE  # names and links: only the id is read

    id = text()


class _UserSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    id = text()
    domain = fields.Nested(_IdSchema, allow_none=True)


class _TokenSchema(Schema):
    class Meta:
        unknown = EXCLUDE  # the catalog, roles and methods: nothing else is read

    expires_at = Converted(_to_expiry, required=True)
    project = fields.Nested(_IdSchema, allow_none=True)
    user = fields.Nested(_UserSchema, allow_none=True)


class _TokenBodySchema(Schema):
    class Meta:
        unknown = EXCLUDE

    token = fields.Nested(_TokenSchema, required=True)


_TOKEN_SCHEMA = _TokenBodySchema()


def load_token(
    body: Any,
    *,
    operation: str = "",
    status_code: Optional[int] = None,
    request_id: Optional[str] = None,
) -> Token:
    """An IAM token body: its expiry and the project, user and domain ids it names."""
    top = validate(_TOKEN_SCHEMA, body, Origin(operation, status_code, request_id))
    token = top["token"]
    user = token.get("user") or {}
    return Token(
        token["expires_at"],
        (token.get("project") or {}).get("id"),
        user.get("id"),
        (user.get("domain") or {}).get("id"),
    )


def load_token_expiry(
    body: Any,
    *,
    operation: str = "",
    status_code: Optional[int] = None,
    request_id: Optional[str] = None,
) -> Optional[datetime]:
    """``token.expires_at`` of an IAM token body, as an aware UTC ``datetime``.

    ``None`` for a time at an end of the calendar (year 1 or 9999).
    """
    token = load_token(body, operation=operation, status_code=status_code, request_id=request_id)
    return token.expires_at
