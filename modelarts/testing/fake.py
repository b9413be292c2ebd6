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

ModelArts serves the v1 training-job API (modelarts_03_0045..0074) from an
in-memory store (``modelarts.testing.jobs``): seed it with ``add_job`` and
``add_version``, assert on ``jobs``/``job()``/``version()``; ``plan_version()``
decides how the next API-created versions end. Job configurations and
visualization jobs are seeded with ``add_job_config`` and
``add_visualization_job``. Faults are injected with ``inject()``
(``modelarts.testing.faults``). Those methods come from the mixins in
``_fake_jobs``, ``_fake_resources`` and ``_fake_faults``; the routes are in
``_iam_routes``, ``_job_routes``, ``_catalog_routes``, ``_configs`` and
``_visualizations``.

**Error statuses.** Huawei does not document the HTTP status of v1 errors
(modelarts_03_0095 lists none of the v1 codes): it may be a 4xx/5xx or 200
with ``is_success: false``. By default (``error_status="http"``) the fake
answers with the status of the global error table: 400 ``ModelArts.0104``
for a bad parameter, 400 ``ModelArts.0101`` for an unreadable body, 400
``ModelArts.0103`` for a taken job, configuration or visualization-job name,
404 ``ModelArts.0015`` for an unknown job, version, log file, configuration
or visualization job, 409 ``ModelArts.2796`` for stopping a finished
version, 400 ``ModelArts.0105`` for stopping or restarting a visualization
job in the wrong state. With ``error_status="200"`` the same bodies come with
HTTP 200, so clients get tested against both. Gateway answers
(authentication, unknown API) keep their 4xx either way.

**Listing versions** answers newest first (the most recently created first, as
the console shows them). ``page`` 0 (the default) returns every version;
``page`` n >= 1 returns the n-th slice of ``per_page`` versions in that order,
and a page past the end is empty; ``version_count`` is always the total.
List-jobs shows the jobs of one ``workspace_id`` (default ``"0"``), sorts by
``sortBy`` then job id, and ``search_content`` is a case-insensitive
substring of the job name.
"""

from __future__ import annotations

import json
import threading
import uuid
from email.utils import format_datetime
from typing import Any, Callable, Dict, List, Optional, Pattern, Tuple
from urllib.parse import unquote, urlsplit

from ..clock import Clock, SystemClock
from ..errors import ConnectionLostError
from ..transport.base import Request, Response, Transport
from ._catalog_routes import CatalogRoutes
from ._configs import ConfigRoutes, ConfigStore
from ._fake_faults import FakeFaults
from ._fake_jobs import FakeJobs
from ._fake_resources import FakeResources
from ._fault_plan import Fault, FaultContext, FaultPlan
from ._fault_plan import Injection as Injection
from ._iam_routes import IamRoutes
from ._job_routes import JobRoutes
from ._parsing import Answer, Incoming
from ._visualizations import VisualizationRoutes, VisualizationStore
from ._wire import (
    Call,
    FakeRequest,
    Handler,
    Reply,
    Target,
    error_reply,
    json_reply,
    path_regex,
)
from ._wire import matcher as matcher
from .jobs import JobSnapshot as JobSnapshot
from .jobs import JobStore, StoreError
from .jobs import Moment as Moment
from .jobs import Timeline as Timeline
from .jobs import VersionSnapshot as VersionSnapshot
from .server import Abort, LoopbackServer
from .verifier import (
    AccessKeyRecord,
    TokenRegistry,
    VerificationFailure,
    verify_signature,
)

# The ``X as X`` imports are re-exports: every name of ``_wire``, and the types in
# FakeModelArts's job and fault methods (importable from here since before the split).
__all__ = [
    "Call",
    "FakeModelArts",
    "FakeRequest",
    "Reply",
    "Target",
    "error_reply",
    "json_reply",
    "path_regex",
]

DEFAULT_AK = "AKFAKEMODELARTS00001"
DEFAULT_SK = "skfakemodelartssecret000000000000000000001"
DEFAULT_PROJECT_ID = "0b5f8c0ea1f94bd8a3c1f2e3d4c5b6a7"
DEFAULT_DOMAIN_ID = "d0d0fa4e1c2b4a5d9e8f7a6b5c4d3e2f"

_JSON = "application/json;charset=UTF-8"


class FakeModelArts(FakeJobs, FakeResources, FakeFaults, Transport):
    """An in-memory ModelArts and IAM for one account, region and project.

    ``error_status`` is ``"http"`` (v1 errors carry a 4xx status) or ``"200"``
    (v1 errors come with HTTP 200 and ``is_success: false``); see the module doc.
    """

    def __init__(
        self,
        *,
        region: str = "cn-north-4",
        project_id: str = DEFAULT_PROJECT_ID,
        access_key: str = DEFAULT_AK,
        secret_key: str = DEFAULT_SK,
        clock: Optional[Clock] = None,
        error_status: str = "http",
    ) -> None:
        if error_status not in ("http", "200"):
            raise ValueError(f'error_status must be "http" or "200", got {error_status!r}')
        self.region = region
        self.project_id = project_id
        self.domain_id = DEFAULT_DOMAIN_ID
        self.access_key = access_key
        self.secret_key = secret_key
        self.clock: Clock = clock or SystemClock()
        self.error_status = error_status
        self.tokens = TokenRegistry()
        self.calls: List[Call] = []
        self._keys: Dict[str, AccessKeyRecord] = {access_key: AccessKeyRecord(secret_key)}
        self._routes: List[Tuple[str, Pattern[str], Handler, bool]] = []
        self._lock = threading.RLock()
        self._faults = FaultPlan()
        self._store = JobStore(self.clock)
        self._iam = IamRoutes(self)
        for method, pattern, handler, authenticated in self._iam.table():
            self.route(method, pattern, authenticated=authenticated)(handler)
        self._configs = ConfigStore(self._store.now_ms)
        self._visualizations = VisualizationStore(self._store.now_ms, project_id)
        for table in (
            JobRoutes(self._store).table(),
            CatalogRoutes().table(),
            ConfigRoutes(self._configs).table(),
            VisualizationRoutes(self._visualizations).table(),
        ):
            for method, pattern, v1_handler in table:
                self.route(method, pattern)(self._v1(v1_handler))

    # -- accounts ----------------------------------------------------------------

    def add_access_key(
        self, access_key: str, secret_key: str, security_token: Optional[str] = None
    ) -> None:
        """Accept another AK/SK (temporary when it has a security token)."""
        with self._lock:
            self._keys[access_key] = AccessKeyRecord(secret_key, security_token)

    def add_user(self, name: str, password: str, account: Optional[str] = None) -> None:
        """An IAM user who may get tokens with ``password``."""
        self._iam.add_user(name, password, account)

    def session_kwargs(self, endpoint: Optional[str] = None) -> Dict[str, Any]:
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
        """A ``LoopbackServer`` for this fake (use it as a context manager).

        Serve through this method rather than ``LoopbackServer(fake)``: over
        HTTP, injected disconnects and truncations act on the socket instead
        of raising ``ConnectionLostError``.
        """
        return LoopbackServer(_OverHTTP(self), **kwargs)

    # -- the call log --------------------------------------------------------------------

    def calls_to(self, method: str, pattern: str) -> List[Call]:
        """The logged calls with ``method`` (``"*"`` for any) on a path pattern."""
        regex = path_regex(pattern)
        wanted = method.upper()
        with self._lock:
            calls = list(self.calls)
        return [
            call
            for call in calls
            if wanted in ("*", call.method) and regex.match(call.path) is not None
        ]

    # -- routing -------------------------------------------------------------------

    def route(
        self, method: str, pattern: str, *, authenticated: bool = True
    ) -> Callable[[Handler], Handler]:
        """Register ``handler`` for ``method`` and a path pattern like ``/v1/{project_id}/x/{id}``.

        ``{name}`` matches one path segment and reaches the handler in
        ``request.params``; ``{project_id}`` must equal this fake's project. A
        later registration wins over an earlier one for the same request.
        """

        regex = path_regex(pattern)

        def register(handler: Handler) -> Handler:
            with self._lock:
                self._routes.insert(0, (method.upper(), regex, handler, authenticated))
            return handler

        return register

    def _match(
        self, method: str, path: str
    ) -> "Tuple[Optional[Handler], Dict[str, str], bool, bool]":
        path_known = False
        with self._lock:
            routes = list(self._routes)
        for route_method, regex, handler, authenticated in routes:
            found = regex.match(path)
            if found:
                path_known = True
                if route_method == method:
                    return handler, found.groupdict(), authenticated, True
        return None, {}, True, path_known

    # -- Transport -----------------------------------------------------------------

    def send(self, request: Request) -> Response:
        return self._handle(request, over_http=False)

    def _handle(self, request: Request, *, over_http: bool) -> Response:
        request_id = uuid.uuid4().hex
        path = unquote(urlsplit(request.url).path)
        query = dict(request.query)
        handler, params, authenticated, path_known = self._match(request.method, path)
        fault = self._faults.draw(FakeRequest(request, params, ""))
        context = FaultContext(request, request_id, over_http, self.clock.sleep)
        identity = ""
        response: Optional[Response] = None
        try:
            if fault is not None and not fault.processed:
                response = self._stamp(fault.respond(context), request_id)
            else:
                identity, reply = self._process(request, handler, params, authenticated, path_known)
                response = self._render(reply, request, request_id)
                if fault is not None:
                    response = fault.spoil(response, context)
        except (Abort, ConnectionLostError):
            status = response.status if response is not None and fault and fault.answers() else 0
            self._log(request, path, query, status, request_id, identity, fault)
            raise
        assert response is not None
        self._log(request, path, query, response.status, request_id, identity, fault)
        return response

    def _process(
        self,
        request: Request,
        handler: Optional[Handler],
        params: Dict[str, str],
        authenticated: bool,
        path_known: bool,
    ) -> "Tuple[str, Reply]":
        identity = ""
        try:
            if authenticated:
                identity = self._authenticate(request, params)
            if params.get("project_id", self.project_id) != self.project_id:
                return identity, error_reply(
                    403, "ModelArts.0210", "The project id in the URL does not match the token."
                )
            if handler is None:
                if path_known:
                    return identity, error_reply(
                        405, "ModelArts.0101", f"method {request.method} not allowed"
                    )
                return identity, error_reply(
                    404,
                    "APIGW.0101",
                    "The API does not exist or has not been published.",
                    v1=False,
                )
            return identity, handler(FakeRequest(request, params, identity))
        except VerificationFailure as failure:
            return identity, Reply(failure.status, failure.body())

    def _log(
        self,
        request: Request,
        path: str,
        query: Dict[str, str],
        status: int,
        request_id: str,
        identity: str,
        fault: Optional[Fault],
    ) -> None:
        call = Call(
            request.method,
            path,
            query,
            status,
            request_id,
            identity,
            request.body,
            fault.name if fault is not None else None,
            self.clock.now(),
        )
        with self._lock:
            self.calls.append(call)

    def _stamp(self, response: Response, request_id: str) -> Response:
        """A fault's own answer, with the headers every answer carries."""
        headers = response.headers.merged(
            {"X-Request-Id": request_id, "Date": format_datetime(self.clock.now(), usegmt=True)}
        )
        return Response(response.status, headers, response.body, response.request)

    def _v1(self, handler: "Callable[[Incoming], Answer]") -> Handler:
        """A job route as a ``Handler``: a ``StoreError`` becomes a v1 error body."""

        def handle(request: FakeRequest) -> Reply:
            try:
                status, body = handler(request)
            except StoreError as error:
                status = error.status if self.error_status == "http" else 200
                body = {
                    "is_success": False,
                    "error_code": error.code,
                    "error_message": error.message,
                }
            return Reply(status, body)

        return handle

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


class _OverHTTP(Transport):
    """The fake as ``LoopbackServer`` serves it: faults act on the socket."""

    def __init__(self, fake: FakeModelArts) -> None:
        self.fake = fake

    def send(self, request: Request) -> Response:
        return self.fake._handle(request, over_http=True)
