"""IAM bodies (``GET /v3/projects`` and a token): only the few fields the SDK reads.

Unlike the v1 bodies these keep no ``extra``: every other field is dropped
(``EXCLUDE``); the comment on each schema says why.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Dict, NamedTuple, Optional, Tuple

from marshmallow import EXCLUDE, Schema, fields, post_load

from ._base import Converted, text, validate
from ._convert import to_iso_datetime, to_text
from ._record import Origin

__all__ = ["Project", "load_iam_projects", "load_token_expiry"]


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


class _TokenSchema(Schema):
    class Meta:
        unknown = EXCLUDE  # the catalog, roles and user: nothing else is read

    expires_at = Converted(to_iso_datetime, required=True)


class _TokenBodySchema(Schema):
    class Meta:
        unknown = EXCLUDE

    token = fields.Nested(_TokenSchema, required=True)


_TOKEN_SCHEMA = _TokenBodySchema()


def load_token_expiry(
    body: Any,
    *,
    operation: str = "",
    status_code: Optional[int] = None,
    request_id: Optional[str] = None,
) -> datetime:
    """``token.expires_at`` of an IAM token body, as an aware UTC ``datetime``."""
    top = validate(_TOKEN_SCHEMA, body, Origin(operation, status_code, request_id))
    expires: datetime = top["token"]["expires_at"]
    return expires
