"""``FakeModelArts``: an in-memory ModelArts + IAM that checks authentication for real.

It is a ``Transport``, so it runs in-process (``Session(transport=fake)``) or
behind ``LoopbackServer`` over real HTTP (``fake.serve()``). Requests are
authenticated the way API Gateway does it, with the independent verifier in
``modelarts.testing.verifier``: SDK-HMAC-SHA256 signatures (15-minute skew
limit, security tokens) and IAM tokens issued by its own ``/v3/auth/tokens``::

    from modelarts.testing import FakeModelArts

    fake = FakeModelArts()
    with fake.serve() as server:
        session = Session(**fake.session_kwargs(endpoint=server.url))

Services are routed by path: ``/v3/...`` is IAM, ``/v1/{project_id}/...``
ModelArts. Every request is appended to ``calls``.
"""

from __future__ import annotations

import json
import re
import secrets
import threading
import uuid
from datetime import datetime
from email.utils import format_datetime
from typing import Any, Callable, Dict, List, Optional, Pattern, Tuple
from urllib.parse import parse_qsl, unquote, urlsplit

from ..clock import Clock, SystemClock
from ..transport.base import Request, Response, Transport
from .server import LoopbackServer
from .verifier import (
    AccessKeyRecord,
    TokenRegistry,
    VerificationFailure,
    verify_signature,
)

__all__ = ["Call", "FakeModelArts", "FakeRequest", "Reply", "error_reply", "json_reply"]

DEFAULT_AK = "AKFAKEMODELARTS00001"
DEFAULT_SK = "skfakemodelartssecret000000000000000000001"
DEFAULT_PROJECT_ID = "0b5f8c0ea1f94bd8a3c1f2e3d4c5b6a7"
DEFAULT_DOMAIN_ID = "d0d0fa4e1c2b4a5d9e8f7a6b5c4d3e2f"
DEFAULT_USER_ID = "u1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6"

_JSON = "application/json;charset=UTF-8"


class Reply:
    """What a route returns: status, JSON (or raw bytes) body, extra headers."""

    __slots__ = ("status", "body", "headers")

    def __init__(
        self, status: int, body: Any = None, headers: Optional[Dict[str, str]] = None
    ) -> None:
        self.status = status
        self.body = body
        self.headers = headers or {}


def json_reply(body: Any, status: int = 200, **headers: str) -> Reply:
    return Reply(status, body, dict(headers))


def error_reply(status: int, code: str, message: str, *, v1: bool = True) -> Reply:
    """An error body in ModelArts v1 shape (or the gateway's with ``v1=False``)."""
    if v1:
        return Reply(status, {"is_success": False, "error_code": code, "error_message": message})
    return Reply(status, {"error_code": code, "error_msg": message})


class FakeRequest:
    """A request as a route sees it: decoded path parts, query and JSON body."""

    __slots__ = ("request", "method", "path", "query", "params", "identity")

    def __init__(self, request: Request, params: Dict[str, str], identity: str) -> None:
        self.request = request
        self.method = request.method
        self.path = unquote(urlsplit(request.url).path)
        self.query: Dict[str, str] = dict(
            parse_qsl(urlsplit(request.url).query, keep_blank_values=True)
        )
        self.params = params
        self.identity = identity

    def json(self) -> Any:
        """The body as JSON; a route answers 400 itself when this raises ValueError."""
        return json.loads(self.request.body) if self.request.body else None


class Call:
    """One entry of the call log."""

    __slots__ = ("method", "path", "query", "status", "request_id", "identity", "body")

    def __init__(
        self,
        method: str,
        path: str,
        query: Dict[str, str],
        status: int,
        request_id: str,
        identity: str,
        body: bytes,
    ) -> None:
        self.method = method
        self.path = path
        self.query = query
        self.status = status
        self.request_id = request_id
        self.identity = identity
        self.body = body

    def __repr__(self) -> str:
        return f"<Call {self.method} {self.path} -> {self.status}>"


Handler = Callable[[FakeRequest], Reply]


class _User:
    __slots__ = ("name", "password", "account", "user_id")

    def __init__(self, name: str, password: str, account: str, user_id: str) -> None:
        self.name, self.password, self.account, self.user_id = name, password, account, user_id


class FakeModelArts(Transport):
    """An in-memory ModelArts and IAM for one account, region and project."""

    def __init__(
        self,
        *,
        region: str = "cn-north-4",
        project_id: str = DEFAULT_PROJECT_ID,
        access_key: str = DEFAULT_AK,
        secret_key: str = DEFAULT_SK,
        clock: Optional[Clock] = None,
    ) -> None:
        self.region = region
        self.project_id = project_id
        self.domain_id = DEFAULT_DOMAIN_ID
        self.access_key = access_key
        self.secret_key = secret_key
        self.clock: Clock = clock or SystemClock()
        self.tokens = TokenRegistry()
        self.calls: List[Call] = []
        self._keys: Dict[str, AccessKeyRecord] = {access_key: AccessKeyRecord(secret_key)}
        self._users: Dict[str, _User] = {}
        self._routes: List[Tuple[str, Pattern[str], Handler, bool]] = []
        self._lock = threading.RLock()
        self._add_iam_routes()

    # -- accounts ----------------------------------------------------------------

    def add_access_key(
        self, access_key: str, secret_key: str, security_token: Optional[str] = None
    ) -> None:
        """Accept another AK/SK (temporary when it has a security token)."""
        with self._lock:
            self._keys[access_key] = AccessKeyRecord(secret_key, security_token)

    def add_user(self, name: str, password: str, account: Optional[str] = None) -> None:
        """An IAM user who may get tokens with ``password``."""
        with self._lock:
            self._users[name] = _User(name, password, account or name, secrets.token_hex(16))

    def session_kwargs(self, endpoint: Optional[str] = None) -> Dict[str, str]:
        """Arguments for ``Session(...)`` that authenticate against this fake."""
        kwargs = {
            "access_key": self.access_key,
            "secret_key": self.secret_key,
            "project_id": self.project_id,
            "region_name": self.region,
        }
        if endpoint:
            kwargs["modelarts_endpoint"] = endpoint
            kwargs["iam_endpoint"] = endpoint
        return kwargs

    def environment(self, endpoint: str) -> Dict[str, str]:
        """``HUAWEICLOUD_SDK_*`` variables that point a plain ``Session()`` here."""
        return {
            "HUAWEICLOUD_SDK_AK": self.access_key,
            "HUAWEICLOUD_SDK_SK": self.secret_key,
            "HUAWEICLOUD_SDK_PROJECT_ID": self.project_id,
            "HUAWEICLOUD_SDK_REGION": self.region,
            "HUAWEICLOUD_SDK_MODELARTS_ENDPOINT": endpoint,
            "HUAWEICLOUD_SDK_IAM_ENDPOINT": endpoint,
        }

    def serve(self, **kwargs: Any) -> LoopbackServer:
        """A ``LoopbackServer`` for this fake (use it as a context manager)."""
        return LoopbackServer(self, **kwargs)

    # -- routing -------------------------------------------------------------------

    def route(
        self, method: str, pattern: str, *, authenticated: bool = True
    ) -> Callable[[Handler], Handler]:
        """Register ``handler`` for ``method`` and a path pattern like ``/v1/{project_id}/x/{id}``.

        ``{name}`` matches one path segment and reaches the handler in
        ``request.params``; ``{project_id}`` must equal this fake's project. A
        later registration wins over an earlier one for the same request.
        """

        regex = re.compile(
            "^" + re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(pattern)) + "/?$"
        )

        def register(handler: Handler) -> Handler:
            with self._lock:
                self._routes.insert(0, (method.upper(), regex, handler, authenticated))
            return handler

        return register

    def _match(
        self, method: str, path: str
    ) -> "Tuple[Optional[Handler], Dict[str, str], bool, bool]":
        path_known = False
        for route_method, regex, handler, authenticated in self._routes:
            found = regex.match(path)
            if found:
                path_known = True
                if route_method == method:
                    return handler, found.groupdict(), authenticated, True
        return None, {}, True, path_known

    # -- Transport -----------------------------------------------------------------

    def send(self, request: Request) -> Response:
        request_id = uuid.uuid4().hex
        path = unquote(urlsplit(request.url).path)
        handler, params, authenticated, path_known = self._match(request.method, path)
        identity = ""
        reply: Reply
        try:
            if authenticated:
                identity = self._authenticate(request, params)
            if params.get("project_id", self.project_id) != self.project_id:
                reply = error_reply(
                    403, "ModelArts.0210", "The project id in the URL does not match the token."
                )
            elif handler is None:
                reply = (
                    error_reply(405, "ModelArts.0101", f"method {request.method} not allowed")
                    if path_known
                    else error_reply(
                        404,
                        "APIGW.0101",
                        "The API does not exist or has not been published.",
                        v1=False,
                    )
                )
            else:
                reply = handler(FakeRequest(request, params, identity))
        except VerificationFailure as failure:
            reply = Reply(failure.status, failure.body())
        response = self._render(reply, request, request_id)
        with self._lock:
            self.calls.append(
                Call(
                    request.method,
                    path,
                    dict(parse_qsl(urlsplit(request.url).query, keep_blank_values=True)),
                    reply.status,
                    request_id,
                    identity,
                    request.body,
                )
            )
        return response

    def _authenticate(self, request: Request, params: Dict[str, str]) -> str:
        now = self.clock.now()
        if "Authorization" in request.headers:
            with self._lock:
                keys = dict(self._keys)
            verified = verify_signature(request, keys.get, now=now)
            return f"ak:{verified.access_key}"
        token = request.headers.get("X-Auth-Token")
        issued = self.tokens.check(token, now=now, project_id=params.get("project_id"))
        return f"token:{issued.user}"

    def _render(self, reply: Reply, request: Request, request_id: str) -> Response:
        headers = {
            "X-Request-Id": request_id,
            "Date": format_datetime(self.clock.now(), usegmt=True),
        }
        if isinstance(reply.body, bytes):
            body = reply.body
        elif reply.body is None:
            body = b""
        else:
            body = json.dumps(reply.body, ensure_ascii=False).encode("utf-8")
            headers["Content-Type"] = _JSON
        headers.update(reply.headers)
        return Response(reply.status, headers, body, request)

    # -- IAM -------------------------------------------------------------------------

    def _add_iam_routes(self) -> None:
        self.route("POST", "/v3/auth/tokens", authenticated=False)(self._issue_token)
        self.route("GET", "/v3/projects")(self._list_projects)

    def _project(self) -> Dict[str, Any]:
        return {
            "id": self.project_id,
            "name": self.region,
            "domain_id": self.domain_id,
            "parent_id": self.domain_id,
            "is_domain": False,
            "enabled": True,
            "description": "",
        }

    def _list_projects(self, request: FakeRequest) -> Reply:
        name = request.query.get("name")
        projects = [self._project()] if name in (None, self.region) else []
        return json_reply({"projects": projects, "links": {"next": None, "previous": None}})

    def _issue_token(self, request: FakeRequest) -> Reply:
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
            scope.get("id", self.project_id) != self.project_id
            or scope.get("name", self.region) != self.region
        ):
            return iam_error(400, "The project in the scope does not exist.")
        issued = self.tokens.issue(now=self.clock.now(), project_id=self.project_id, user=name)
        body = {
            "token": {
                "expires_at": _iso(issued.expires_at),
                "issued_at": _iso(issued.issued_at),
                "methods": ["password"],
                "project": {
                    "id": self.project_id,
                    "name": self.region,
                    "domain": {"id": self.domain_id, "name": user.account},
                },
                "user": {
                    "id": user.user_id,
                    "name": user.name,
                    "domain": {"id": self.domain_id, "name": user.account},
                },
            }
        }
        return json_reply(body, 201, **{"X-Subject-Token": issued.token})


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%f") + "Z"
