"""The Session: one account, region and project, and the path every call takes.

::

    from modelarts.session import Session

    session = Session()            # credentials, region, project from the environment
    session = Session(access_key="...", secret_key="...", region_name="cn-north-4")
    session = Session(username="me", password="...", region_name="cn-north-4")
    session = Session(transport=FixtureTransport("fixtures/x.json"))   # replays; no credentials

A call goes retry -> authenticate -> transport through the session's
``Sender`` (``modelarts/sender.py``); the auth flows (AK/SK signing, IAM token
with renewal, clock-skew correction) are in ``modelarts/auth.py``. Where the
settings and credentials come from is in ``modelarts/settings.py`` and
``modelarts/credential_chain.py``.
"""

from __future__ import annotations

import os
import threading
import weakref
from datetime import datetime
from typing import Any, Callable, Dict, Iterable, Mapping, Optional, Tuple, Union

from . import iam, signing
from .auth import TOKEN_EXPIRED_CODES, AccessKeyAuth, auth_for
from .clock import Clock, SystemClock
from .credential_chain import CredentialsFile, resolve_credentials
from .credentials import AccessKeyCredentials, PasswordCredentials, from_arguments
from .endpoints import OVERRIDES
from .errors import ConfigurationError
from .metadata import RefreshingCredentials
from .redaction import PROJECT_ID_PLACEHOLDER, Redactor, mask
from .retry import Retry
from .run_config import refuse_unsupported
from .sender import Sender
from .settings import metadata_enabled, resolve_settings
from .transport.base import Transport
from .transport.choice import choose_transport, close_after, replays_only

__all__ = ["Session", "TOKEN_EXPIRED_CODES"]

Timeout = Union[float, Tuple[float, float], None]
Query = Union[Mapping[str, Any], Iterable[Tuple[str, Any]], None]


class Session:
    """Authenticated access to ModelArts for one account, region and project."""

    def __init__(
        self,
        access_key: Optional[str] = None,
        secret_key: Optional[str] = None,
        project_id: Optional[str] = None,
        region_name: Optional[str] = None,
        *,
        security_token: Optional[str] = None,
        username: Optional[str] = None,
        password: Optional[str] = None,
        account: Optional[str] = None,
        modelarts_endpoint: Optional[str] = None,
        iam_endpoint: Optional[str] = None,
        transport: Optional[Transport] = None,
        timeout: Timeout = None,
        retry: Union[Retry, int, None] = None,
        use_metadata: Optional[bool] = None,
        clock: Optional[Clock] = None,
        **unsupported: Any,
    ) -> None:
        refuse_unsupported(unsupported)  # the old SDK's w3_account, app_id, ...
        for name in unsupported:
            raise TypeError(f"Session() got an unexpected keyword argument {name!r}")
        env = dict(os.environ)
        self._clock: Clock = clock or SystemClock()
        #: Answers kept for the session's life by the modules that fetch them, each under
        #: its own key (the catalogues: ``modelarts/catalog_api.py``).
        self.cache: Dict[str, Any] = {}
        retry_policy = Retry.from_value(retry)
        self._redactor = Redactor()
        self._lock = threading.Lock()
        if transport is not None and timeout is not None:
            raise ConfigurationError(
                "timeout= configures the default transport; set it on your transport instead"
            )
        self._owns_transport = transport is None
        notice: Optional[str] = None
        if transport is None:
            transport, notice = choose_transport(env=env, timeout=timeout)
            # A recording made through MODELARTS_FIXTURE must reach the disk even
            # when a script never closes its session.
            weakref.finalize(self, transport.close)
        self._transport = transport
        replaying = replays_only(transport)  # decided by what the caller built

        file = CredentialsFile(env)
        credentials = resolve_credentials(
            arguments=from_arguments(
                access_key=access_key,
                secret_key=secret_key,
                security_token=security_token,
                username=username,
                password=password,
                account=account,
            ),
            env=env,
            file=file,
            use_metadata=metadata_enabled(use_metadata, env),
            metadata_transport=None if self._owns_transport else transport,
            clock=self._clock,
            required=not replaying,
        )
        self.region_name, self._project_id, self.modelarts_endpoint, self.iam_endpoint = (
            resolve_settings(
                region_name=region_name,
                project_id=project_id,
                modelarts_endpoint=modelarts_endpoint,
                iam_endpoint=iam_endpoint,
                env=env,
                file=file,
                replaying=replaying,
            )
        )
        self._redactor.add_identifier(self._project_id, PROJECT_ID_PLACEHOLDER)
        self._keys = None if isinstance(credentials, PasswordCredentials) else credentials
        self._login = credentials if isinstance(credentials, PasswordCredentials) else None
        self._auth, self._tokens = auth_for(
            credentials, self._fetch_token, self._clock, self._redactor, replaying=replaying
        )
        self._sender = Sender(
            transport, self._redactor, self._clock, retry_policy, self.auth_mode, notice
        )

    # -- configuration -----------------------------------------------------------

    @classmethod
    def set_endpoint(
        cls,
        iam_endpoint: Optional[str] = None,
        obs_endpoint: Optional[str] = None,
        modelarts_endpoint: Optional[str] = None,
        region_name: Optional[str] = None,
    ) -> None:
        """Endpoints for every Session created afterwards in this process (old-SDK compatibility).

        Prefer the keyword arguments of ``Session(...)``; they win over this.
        ``obs_endpoint`` is accepted and kept for compatibility, but this SDK
        does not talk to OBS. Held in ``modelarts.endpoints.OVERRIDES``;
        ``Session.clear_endpoints()`` undoes it.
        """
        OVERRIDES.set(
            iam_endpoint=iam_endpoint,
            obs_endpoint=obs_endpoint,
            modelarts_endpoint=modelarts_endpoint,
            region_name=region_name,
        )

    @classmethod
    def clear_endpoints(cls) -> None:
        """Forget everything ``set_endpoint`` stored."""
        OVERRIDES.clear()

    # -- public attributes -----------------------------------------------------------

    @property
    def transport(self) -> Transport:
        return self._transport

    @property
    def clock(self) -> Clock:
        """The clock this session signs, retries and waits (polls) by."""
        return self._clock

    @property
    def redactor(self) -> Redactor:
        """The secrets this session knows, for components that must hide them."""
        return self._redactor

    @property
    def auth_mode(self) -> str:
        """``"aksk"``, ``"token"`` or ``"none"`` (replaying without credentials)."""
        return "aksk" if self._keys is not None else "token" if self._login else "none"

    def _current_keys(self) -> Optional[AccessKeyCredentials]:
        keys = self._keys
        return keys.get() if isinstance(keys, RefreshingCredentials) else keys

    access_key = property(lambda self: getattr(self._current_keys(), "access_key", None))
    secret_key = property(lambda self: getattr(self._current_keys(), "secret_key", None))
    security_token = property(lambda self: getattr(self._current_keys(), "security_token", None))

    @property
    def project_id(self) -> str:
        """The project id, looked up from IAM on first use when not configured."""
        if self._project_id is None:
            with self._lock:
                if self._project_id is None:
                    self._project_id = self._discover_project_id()
                    self._redactor.add_identifier(self._project_id, PROJECT_ID_PLACEHOLDER)
        return self._project_id

    def __repr__(self) -> str:
        who = {"aksk": f"access_key={mask(self.access_key)}", "none": "no credentials"}.get(
            self.auth_mode, f"username={self._login.username if self._login else None!r}"
        )
        return (
            f"<Session region={self.region_name!r} project_id={self._project_id!r} "
            f"{who} endpoint={self.modelarts_endpoint!r}>"
        )

    # -- lifecycle -------------------------------------------------------------------

    def close(self) -> None:
        """Close the transport, also one passed in as ``transport=`` (as httpx does).

        A recording is written to disk here. Share one transport between
        sessions only if the last one to finish closes it.
        """
        self._transport.close()

    def __enter__(self) -> "Session":
        return self

    def __exit__(self, exc_type: object, exc: Optional[BaseException], tb: object) -> None:
        if exc is None:
            self.close()
        else:
            close_after(self._transport, exc)  # a recording never shrinks after a failure

    # -- calls -----------------------------------------------------------------------

    def request(
        self,
        method: str,
        path: str,
        *,
        query: Query = None,
        json: Any = None,
        operation: Optional[str] = None,
        load: Optional[Callable[..., Any]] = None,
    ) -> Any:
        """Call ModelArts and return the decoded JSON body (or what ``load`` makes of it).

        ``path`` may contain ``{project_id}``, filled in here. Raises
        ``APIError`` for a status >= 300 or an ``is_success`` other than ``true``, and
        ``ResponseFormatError`` when a success body is not JSON. ``load`` is
        called as ``load(body, operation=, status_code=, request_id=)`` so that
        a schema can blame the right request when the body is not as expected.
        """
        signing.check_method(method)
        name = operation or f"{method.upper()} {path}"
        if "{project_id}" in path:
            # Percent-encoded, so the replay placeholder "{project_id}" is a legal path.
            path = path.replace("{project_id}", signing.encode(self.project_id))
        headers = {}
        if isinstance(self._auth, AccessKeyAuth) and self._project_id != PROJECT_ID_PLACEHOLDER:
            headers["X-Project-Id"] = str(self._project_id)  # AK/SK calls name their project
        url = signing.build_url(self.modelarts_endpoint, path, query)
        data, response = self._sender.call(method, url, json, self._auth, name, headers=headers)
        if load is None:
            return data
        return load(
            data, operation=name, status_code=response.status, request_id=response.request_id
        )

    # -- IAM ---------------------------------------------------------------------------

    def _discover_project_id(self) -> str:
        if self._tokens is not None:
            self._tokens.get()  # a project-scoped token names its project
        if self._project_id is not None:
            return self._project_id
        call = self._sender.call
        return iam.discover_project_id(call, self.iam_endpoint, self.region_name, self._auth)

    def _fetch_token(self) -> "Tuple[str, Optional[datetime]]":
        assert self._login is not None
        token, details = iam.fetch_token(
            self._sender.call,
            self.iam_endpoint,
            self._login,
            self._project_id,
            self.region_name,
            self._redactor,
        )
        if details.project_id is not None and self._project_id in (None, PROJECT_ID_PLACEHOLDER):
            self._project_id = details.project_id
        return token, details.expires_at
