"""The Session: credentials, region, endpoints and the request pipeline.

::

    from modelarts.session import Session

    session = Session()            # credentials, region, project from the environment
    session = Session(access_key="...", secret_key="...", region_name="cn-north-4")
    session = Session(username="me", password="...", region_name="cn-north-4")

Every call goes through one pipeline (retry -> authenticate -> log ->
transport): each attempt is signed afresh (the date is part of the
signature), a token refused as expired is renewed once, a signature refused
for clock skew is re-signed with the server's clock, and idempotent calls are
retried on throttling, gateway errors and lost connections.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import weakref
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any, Callable, ClassVar, Dict, Iterable, Mapping, Optional, Tuple, Union

from . import __version__, _config, _iam
from . import _signing as signing
from ._auth import RefreshingCredentials, TokenCache
from ._config import ENV, FileSettings
from ._decode import decode_json, error_fields, raise_for_error
from .clock import Clock, SystemClock
from .credentials import AccessKeyCredentials, PasswordCredentials, from_arguments
from .endpoints import GLOBAL_IAM_ENDPOINT, normalize_endpoint, validate_region
from .errors import ConfigurationError, TransportError
from .redaction import PROJECT_ID_PLACEHOLDER, REDACTOR_EXTENSION, Redactor, mask
from .retry import Retry, parse_retry_after
from .transport.base import Request, Response, Transport
from .transport.choice import choose_transport

__all__ = ["Session", "TOKEN_EXPIRED_CODES"]

logger = logging.getLogger("modelarts.session")

Timeout = Union[float, Tuple[float, float], None]
Query = Union[Mapping[str, Any], Iterable[Tuple[str, Any]], None]

#: 401 codes meaning "your IAM token expired": renew it and resend once.
TOKEN_EXPIRED_CODES = frozenset({"ModelArts.0202", "APIGW.0307"})
_USER_AGENT = f"modelarts-python/{__version__}"
# Used as the endpoint of a replaying Session that was given none: a fixture
# ignores the host, and ".invalid" can never resolve should it be sent anywhere.
_REPLAY_ENDPOINT = "https://modelarts.replay.invalid"

_IAM = "iam"
_IAM_TOKEN = "iam-token"
_MODELARTS = "modelarts"


def _signature_expired(code: str, message: str) -> bool:
    # APIG answers 401 APIGW.0301 "signature expired, signature time:..., server time:..."
    text = message.lower()
    return "signature" in text and "expired" in text


class Session:
    """Authenticated access to ModelArts for one account, region and project."""

    _class_endpoints: ClassVar[Dict[str, str]] = {}

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
    ) -> None:
        env = dict(os.environ)
        self._clock: Clock = clock or SystemClock()
        self._retry = Retry.from_value(retry)
        self._redactor = Redactor()
        self._skew = timedelta(0)
        self._lock = threading.Lock()

        if transport is not None and timeout is not None:
            raise ConfigurationError(
                "timeout= configures the default transport; set it on your transport instead"
            )
        self._owns_transport = transport is None
        self._notice: Optional[str] = None
        if transport is None:
            transport, self._notice = choose_transport(env=env, timeout=timeout)
        self._transport = transport
        self._replaying = _replays_only(transport)
        self._extensions = {REDACTOR_EXTENSION: self._redactor}
        if self._owns_transport:
            # A recording made through MODELARTS_FIXTURE must reach the disk even
            # when a script never closes its session.
            weakref.finalize(self, self._transport.close)

        file = FileSettings(env)
        classwide = dict(type(self)._class_endpoints)
        self.region_name = _config.resolve_region(
            region_name, classwide.get("region_name"), env, file
        )
        explicit = from_arguments(
            access_key=access_key,
            secret_key=secret_key,
            security_token=security_token,
            username=username,
            password=password,
            account=account,
        )
        required = not self._replaying
        source = _config.resolve_credentials(
            arguments=explicit,
            env=env,
            file=file,
            use_metadata=_config.metadata_enabled(use_metadata, env),
            metadata_transport=self._metadata_transport,
            clock=self._clock,
            required=required,
        )
        self._keys: Optional[Union[AccessKeyCredentials, RefreshingCredentials]] = None
        self._login: Optional[PasswordCredentials] = None
        self._tokens: Optional[TokenCache] = None
        if isinstance(source, PasswordCredentials):
            self._login = source
            self._tokens = TokenCache(self._fetch_token, self._clock)
            source.register_secrets(self._redactor)
        elif source is not None:
            self._keys = source
            self._current_keys().register_secrets(self._redactor)

        self._project_id: Optional[str] = _config.first(
            project_id, env.get(ENV.PROJECT_ID), lambda: file.get("project_id")
        )
        if self._project_id is None and (source is None or not required):
            # Replaying: the fixture stands for whichever project it was recorded in.
            self._project_id = PROJECT_ID_PLACEHOLDER
        if self._project_id is not None:
            self._redactor.add_identifier(self._project_id, PROJECT_ID_PLACEHOLDER)

        self.modelarts_endpoint = _config.resolve_endpoint(
            "modelarts_endpoint",
            modelarts_endpoint,
            classwide.get("modelarts_endpoint"),
            env.get(ENV.MODELARTS_ENDPOINT),
            lambda: None,
            _config.modelarts_default(self.region_name),
        ) or self._missing_endpoint(required)
        self.iam_endpoint = (
            _config.resolve_endpoint(
                "iam_endpoint",
                iam_endpoint,
                classwide.get("iam_endpoint"),
                env.get(ENV.IAM_ENDPOINT),
                lambda: file.get("iam_endpoint"),
                _config.iam_default(self.region_name),
            )
            or GLOBAL_IAM_ENDPOINT
        )
        if self._project_id is None and self.region_name is None:
            raise ConfigurationError(
                "cannot determine the project id: pass project_id= (or set "
                f"{ENV.PROJECT_ID}), or pass region_name= (or set {ENV.REGION}) so it "
                "can be looked up"
            )

    # -- configuration ---------------------------------------------------------

    @classmethod
    def set_endpoint(
        cls,
        iam_endpoint: Optional[str] = None,
        obs_endpoint: Optional[str] = None,
        modelarts_endpoint: Optional[str] = None,
        region_name: Optional[str] = None,
    ) -> None:
        """Class-wide endpoints for Sessions created afterwards (old-SDK compatibility).

        Prefer the keyword arguments of ``Session(...)``; they win over this.
        ``obs_endpoint`` is accepted and kept for compatibility, but this SDK
        does not talk to OBS. ``Session.clear_endpoints()`` undoes it.
        """
        values = {
            "iam_endpoint": iam_endpoint,
            "obs_endpoint": obs_endpoint,
            "modelarts_endpoint": modelarts_endpoint,
            "region_name": region_name,
        }
        for name, value in values.items():
            if value is None:
                continue
            if name == "region_name":
                validate_region(value)
                cls._class_endpoints[name] = value
            else:
                cls._class_endpoints[name] = normalize_endpoint(value, name)

    @classmethod
    def clear_endpoints(cls) -> None:
        """Forget everything ``set_endpoint`` stored."""
        cls._class_endpoints.clear()

    def _missing_endpoint(self, required: bool) -> str:
        if not required:
            return _REPLAY_ENDPOINT
        raise ConfigurationError(
            "no region or ModelArts endpoint: pass region_name= (or set "
            f"{ENV.REGION}), or modelarts_endpoint= (or set {ENV.MODELARTS_ENDPOINT})"
        )

    def _metadata_transport(self) -> Transport:
        if not self._owns_transport:
            return self._transport
        from .transport.live import Urllib3Transport

        # The metadata service answers in milliseconds or not at all.
        transport: Transport = Urllib3Transport(timeout=(1.0, 3.0))
        return transport

    def _current_keys(self) -> AccessKeyCredentials:
        keys = self._keys
        if isinstance(keys, RefreshingCredentials):
            current = keys.get()
            current.register_secrets(self._redactor)
            return current
        assert keys is not None
        return keys

    # -- public attributes -----------------------------------------------------

    @property
    def transport(self) -> Transport:
        return self._transport

    @property
    def redactor(self) -> Redactor:
        """The secrets this session knows, for components that must hide them."""
        return self._redactor

    @property
    def auth_mode(self) -> str:
        """``"aksk"``, ``"token"`` or ``"none"`` (replaying without credentials)."""
        if self._keys is not None:
            return "aksk"
        return "token" if self._tokens is not None else "none"

    @property
    def access_key(self) -> Optional[str]:
        return self._current_keys().access_key if self._keys is not None else None

    @property
    def secret_key(self) -> Optional[str]:
        return self._current_keys().secret_key if self._keys is not None else None

    @property
    def security_token(self) -> Optional[str]:
        return self._current_keys().security_token if self._keys is not None else None

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

    # -- lifecycle ---------------------------------------------------------------

    def close(self) -> None:
        """Close the transport, also one passed in as ``transport=`` (as httpx does).

        A recording is written to disk here. Share one transport between
        sessions only if the last one to finish closes it.
        """
        self._transport.close()

    def __enter__(self) -> "Session":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- calls -------------------------------------------------------------------

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
        name = operation or f"{method.upper()} {path}"
        if "{project_id}" in path:
            # Percent-encoded, so the replay placeholder "{project_id}" is a legal path.
            path = path.replace("{project_id}", signing.encode(self.project_id))
        response, attempts = self._send(
            method, self.modelarts_endpoint, path, query, json, name, service=_MODELARTS
        )
        hint = _hint(response, attempts, self.auth_mode)
        raise_for_error(response, name, hint, redactor=self._redactor)
        data = decode_json(response, name, redactor=self._redactor)
        if load is None:
            return data
        return load(
            data, operation=name, status_code=response.status, request_id=response.request_id
        )

    def _send(
        self,
        method: str,
        base: str,
        path: str,
        query: Query,
        payload: Any,
        operation: str,
        *,
        service: str,
    ) -> "Tuple[Response, int]":
        """Send with retries; return the final response (any status) and the attempt count."""
        method = method.upper()
        url = signing.build_url(base, path, query)
        headers = {"User-Agent": _USER_AGENT, "Content-Type": "application/json"}
        body = b""
        if payload is not None:
            body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
        plain = Request(method, url, headers, body, self._extensions)
        if self._notice is not None:
            notice, self._notice = self._notice, None
            if notice:
                logger.warning("%s", notice)
        retry = self._retry
        started = self._clock.monotonic()
        attempts = 0
        renewed_token = corrected_clock = False
        while True:
            attempts += 1
            request, token = self._authenticate(plain, service)
            begun = self._clock.monotonic()
            try:
                response = self._transport.send(request)
            except TransportError as exc:
                self._log(request, None, begun, attempts, exc)
                delay = retry.backoff()
                if (
                    retry.exhausted
                    or not retry.retries_error(method, exc)
                    or self._clock.monotonic() - started + delay > retry.deadline
                ):
                    raise
                retry = retry.increment()
                self._clock.sleep(delay)
                continue
            self._log(request, response, begun, attempts, None)
            if response.status == 401 and service != _IAM_TOKEN:
                code, message = self._error_fields(response)
                if token is not None and code in TOKEN_EXPIRED_CODES and not renewed_token:
                    assert self._tokens is not None
                    self._tokens.invalidate(token)
                    renewed_token = True
                    continue
                if (
                    self._keys is not None
                    and _signature_expired(code, message)
                    and not corrected_clock
                    and self._correct_clock(response)
                ):
                    corrected_clock = True
                    continue
            if retry.retries_status(method, response.status) and not retry.exhausted:
                wait = parse_retry_after(response.headers.get("Retry-After"), self._clock.now())
                if wait is None:
                    wait = retry.backoff()
                if self._clock.monotonic() - started + wait <= retry.deadline:
                    retry = retry.increment()
                    self._clock.sleep(wait)
                    continue
            return response, attempts

    def _authenticate(self, request: Request, service: str) -> "Tuple[Request, Optional[str]]":
        """Sign (AK/SK) or add the token; returns the token used, if any."""
        if service == _IAM_TOKEN or self._replaying:
            # A token request carries its password in the body; a replaying
            # transport answers from disk and needs no signature.
            return request, None
        if self._keys is not None:
            keys = self._current_keys()
            if service == _MODELARTS and self._project_id not in (None, PROJECT_ID_PLACEHOLDER):
                request = request.replace(
                    headers=request.headers.merged({"X-Project-Id": str(self._project_id)})
                )
            date = signing.format_sdk_date(self._clock.now() + self._skew)
            signed = signing.sign_request(
                request,
                access_key=keys.access_key,
                secret_key=keys.secret_key,
                date=date,
                security_token=keys.security_token,
            )
            return signed, None
        if self._tokens is not None:
            token = self._tokens.get()
            return request.replace(headers=request.headers.merged({"X-Auth-Token": token})), token
        return request, None

    def _error_fields(self, response: Response) -> "Tuple[str, str]":
        try:
            body = response.json()
        except (ValueError, RecursionError):
            body = None
        return error_fields(body, response.status)

    def _correct_clock(self, response: Response) -> bool:
        """Adopt the server's clock from its ``Date`` header; False if it has none."""
        date = response.headers.get("Date")
        if not date:
            return False
        try:
            server_now = parsedate_to_datetime(date)
        except (TypeError, ValueError, IndexError):
            return False
        if server_now.tzinfo is None:
            return False
        self._skew = server_now - self._clock.now()
        logger.warning(
            "clock skew of %.0f s detected from the server's Date header; "
            "signing with the corrected time",
            self._skew.total_seconds(),
        )
        return True

    def _log(
        self,
        request: Request,
        response: Optional[Response],
        begun: float,
        attempt: int,
        error: Optional[Exception],
    ) -> None:
        if not logger.isEnabledFor(logging.DEBUG):
            return
        elapsed_ms = (self._clock.monotonic() - begun) * 1000
        target = self._redactor.scrub(request.target)
        if response is None:
            logger.debug(
                "%s %s failed after %.1f ms (attempt %d): %s",
                request.method,
                target,
                elapsed_ms,
                attempt,
                self._redactor.scrub(f"{type(error).__name__}: {error}"),
            )
        else:
            logger.debug(
                "%s %s -> %d in %.1f ms (request id %s, attempt %d)",
                request.method,
                target,
                response.status,
                elapsed_ms,
                response.request_id or "none",
                attempt,
            )

    # -- IAM -----------------------------------------------------------------------

    def _iam_request(self, method: str, path: str, query: Query, operation: str) -> Any:
        response, attempts = self._send(
            method, self.iam_endpoint, path, query, None, operation, service=_IAM
        )
        hint = _hint(response, attempts, self.auth_mode)
        raise_for_error(response, operation, hint, redactor=self._redactor)
        return decode_json(response, operation, redactor=self._redactor)

    def _discover_project_id(self) -> str:
        if self._tokens is not None:
            self._tokens.get()  # a project-scoped token names its project
            if self._project_id is not None:
                return self._project_id
        if self.region_name is None:
            raise ConfigurationError("project_id unknown and no region to look it up by")
        operation = "look up the project id"
        data = self._iam_request("GET", _iam.PROJECTS_PATH, [("name", self.region_name)], operation)
        return _iam.project_id_from_listing(data, self.region_name, operation)

    def _fetch_token(self) -> "Tuple[str, Optional[datetime]]":
        assert self._login is not None
        operation = "get an IAM token"
        body = _iam.token_request_body(self._login, self._project_id, self.region_name)
        response, _ = self._send(
            "POST",
            self.iam_endpoint,
            _iam.TOKEN_PATH,
            [("nocatalog", "true")],
            body,
            operation,
            service=_IAM_TOKEN,
        )
        raise_for_error(
            response,
            operation,
            hint="check username, password and account (the account's domain name)",
            redactor=self._redactor,
        )
        if response.headers.get("X-Subject-Token"):
            self._redactor.add_secret(response.headers["X-Subject-Token"], "IAM token")
        answer = _iam.read_token_answer(response, operation, self._redactor)
        if answer.project_id is not None:
            if self._project_id in (None, PROJECT_ID_PLACEHOLDER):
                self._project_id = answer.project_id
            self._redactor.add_identifier(answer.project_id, PROJECT_ID_PLACEHOLDER)
        self._redactor.add_identifier(answer.user_id, "{user_id}")
        self._redactor.add_identifier(answer.domain_id, "{domain_id}")
        return answer.token, answer.expires_at


def _replays_only(transport: Transport) -> bool:
    """Whether ``transport`` answers only from a fixture (so no credentials are needed).

    Decided by the type the caller built, not by asking the transport.
    """
    from .transport.fixture import FixtureTransport

    return isinstance(transport, FixtureTransport)


def _hint(response: Response, attempts: int, auth_mode: str) -> str:
    parts = []
    if attempts > 1:
        parts.append(f"gave up after {attempts} attempts")
    if response.status == 401:
        parts.append(
            "check the AK/SK and that the machine's clock is right"
            if auth_mode == "aksk"
            else "check the credentials"
        )
    elif response.status == 403:
        parts.append("the credentials lack permission for this project or operation")
    return "; ".join(parts)
