"""The fake's IAM: users with passwords, ``POST /v3/auth/tokens`` and ``GET /v3/projects``.

``FakeModelArts`` registers ``IamRoutes.table()`` with its router (the token
route needs no authentication) and adds users through ``add_user``. Tokens
go into the fake's ``TokenRegistry`` (``fake.tokens``), where the gateway
side of the fake checks them. The account (project, region, domain, clock,
registry) is read from the fake at each request.
"""

from __future__ import annotations

import secrets
import threading
from datetime import datetime
from typing import Any, Dict, List, Optional, Protocol, Tuple

from ..clock import Clock
from ._tokens import TokenRegistry
from ._wire import FakeRequest, Handler, Reply, json_reply

__all__ = ["IamAccount", "IamRoutes", "Route"]

#: ``(method, path pattern, handler, authenticated)``, as ``FakeModelArts.route`` takes them.
Route = Tuple[str, str, Handler, bool]


class IamAccount(Protocol):
    """What the IAM routes read from the fake: its account, clock and token registry."""

    project_id: str
    region: str
    domain_id: str
    clock: Clock
    tokens: TokenRegistry


class _User:
    __slots__ = ("name", "password", "account", "user_id")

    def __init__(self, name: str, password: str, account: str, user_id: str) -> None:
        self.name, self.password, self.account, self.user_id = name, password, account, user_id


class IamRoutes:
    """The IAM of one fake account: its users, its project, the tokens it issues."""

    def __init__(self, account: IamAccount) -> None:
        self._account = account
        self._users: Dict[str, _User] = {}
        self._lock = threading.Lock()

    def add_user(self, name: str, password: str, account: Optional[str] = None) -> None:
        """An IAM user who may get tokens with ``password``."""
        with self._lock:
            self._users[name] = _User(name, password, account or name, secrets.token_hex(16))

    def table(self) -> List[Route]:
        """The IAM routes, in the order the fake registers them."""
        return [
            ("POST", "/v3/auth/tokens", self.issue_token, False),
            ("GET", "/v3/projects", self.list_projects, True),
        ]

    def project(self) -> Dict[str, Any]:
        """The fake's project as IAM lists it."""
        return {
            "id": self._account.project_id,
            "name": self._account.region,
            "domain_id": self._account.domain_id,
            "parent_id": self._account.domain_id,
            "is_domain": False,
            "enabled": True,
            "description": "",
        }

    def list_projects(self, request: FakeRequest) -> Reply:
        """``GET /v3/projects``: the fake's one project (filtered by ``name``)."""
        name = request.query.get("name")
        projects = [self.project()] if name in (None, self._account.region) else []
        return json_reply({"projects": projects, "links": {"next": None, "previous": None}})

    def issue_token(self, request: FakeRequest) -> Reply:
        """``POST /v3/auth/tokens``: a password-scoped token in ``X-Subject-Token``."""

        def iam_error(status: int, message: str) -> Reply:
            title = "Unauthorized" if status == 401 else "Bad Request"
            return Reply(status, {"error": {"code": status, "message": message, "title": title}})

        try:
            auth = request.json()["auth"]
            user_info = auth["identity"]["password"]["user"]
            name, password = user_info["name"], user_info["password"]
            account = user_info.get("domain", {}).get("name")
            scope = auth.get("scope", {}).get("project", {})
        except (ValueError, KeyError, TypeError, AttributeError):
            return iam_error(400, "The request body is invalid.")
        with self._lock:
            user = self._users.get(name) if isinstance(name, str) else None
        if user is None or user.password != password or (account or name) != user.account:
            return iam_error(401, "The username or password is wrong.")
        if (
            scope.get("id", self._account.project_id) != self._account.project_id
            or scope.get("name", self._account.region) != self._account.region
        ):
            return iam_error(400, "The project in the scope does not exist.")
        issued = self._account.tokens.issue(
            now=self._account.clock.now(), project_id=self._account.project_id, user=name
        )
        body = {
            "token": {
                "expires_at": _iso(issued.expires_at),
                "issued_at": _iso(issued.issued_at),
                "methods": ["password"],
                "project": {
                    "id": self._account.project_id,
                    "name": self._account.region,
                    "domain": {"id": self._account.domain_id, "name": user.account},
                },
                "user": {
                    "id": user.user_id,
                    "name": user.name,
                    "domain": {"id": self._account.domain_id, "name": user.account},
                },
            }
        }
        return json_reply(body, 201, **{"X-Subject-Token": issued.token})


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%f") + "Z"
