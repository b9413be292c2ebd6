"""Every exception the SDK raises on purpose.

Library exceptions (urllib3, requests, marshmallow, json) never escape: each is
translated at the boundary of the module that wraps the library, with the
original kept as ``__cause__``.

::

    ModelArtsError
    ├── ConfigurationError (ValueError)     settings, credentials, arguments
    │   ├── InvalidArgumentError            a bad argument, raised before any request
    │   └── CredentialsNotFoundError        no credential source had a complete set
    ├── TransportError                      no HTTP response was received
    │   ├── ConnectError                    the request never reached the server
    │   │   ├── TLSError                    handshake or certificate failure
    │   │   ├── ProxyError                  the proxy refused or failed the tunnel
    │   │   └── ConnectTimeout (TransportTimeout)
    │   ├── TransportTimeout (TimeoutError)
    │   │   ├── ConnectTimeout
    │   │   └── ReadTimeout                 sent, but the answer did not come in time
    │   └── ConnectionLostError             the connection broke after sending
    ├── APIError                            the service answered with an error
    │   ├── AuthenticationError             401 / 403
    │   ├── NotFoundError                   404
    │   ├── ThrottledError                  429
    │   └── ServerError                     5xx
    ├── ResponseFormatError                 a success answer we cannot understand
    ├── WaitTimeoutError (TimeoutError)     a wait ran out of time; the job runs on
    └── FixtureError                        record and replay
        ├── FixtureNotFoundError (FileNotFoundError)  no such fixture file
        ├── FixtureFormatError              a damaged fixture file
        ├── UnmatchedRequestError           no recorded interaction fits a request
        └── SecretInFixtureError            the recorder refused to write a secret

``ConnectError`` is the one transport failure after which *any* request, POST
included, may be sent again: the server provably never saw it.
"""

from __future__ import annotations

import builtins
from typing import Any, Optional

__all__ = [
    "APIError",
    "AuthenticationError",
    "ConfigurationError",
    "ConnectError",
    "ConnectTimeout",
    "ConnectionLostError",
    "CredentialsNotFoundError",
    "FixtureError",
    "FixtureFormatError",
    "FixtureNotFoundError",
    "InvalidArgumentError",
    "ModelArtsError",
    "NotFoundError",
    "ProxyError",
    "ReadTimeout",
    "ResponseFormatError",
    "SecretInFixtureError",
    "ServerError",
    "TLSError",
    "ThrottledError",
    "TransportError",
    "TransportTimeout",
    "UnmatchedRequestError",
    "WaitTimeoutError",
    "api_error_class",
]


class ModelArtsError(Exception):
    """Base class of every error raised by the ``modelarts`` package."""


# -- configuration ---------------------------------------------------------


class ConfigurationError(ModelArtsError, ValueError):
    """The SDK was given settings it cannot work with."""


class InvalidArgumentError(ConfigurationError):
    """An argument to a public method is invalid; no request was sent."""


class CredentialsNotFoundError(ConfigurationError):
    """No credential source had a complete set of credentials.

    ``sources`` lists ``(source, what was missing)`` pairs, in the order tried.
    """

    def __init__(self, message: str, sources: "list[tuple[str, str]]") -> None:
        super().__init__(message)
        self.sources = sources


# -- transport ---------------------------------------------------------------


class TransportError(ModelArtsError):
    """The request did not produce an HTTP response.

    ``method`` and ``url`` name the request (the URL never holds secrets: they
    travel in headers).
    """

    def __init__(self, message: str, *, method: str = "", url: str = "") -> None:
        super().__init__(message)
        self.method = method
        self.url = url

    def __str__(self) -> str:
        base = super().__str__()
        if self.method and self.url:
            return f"{base} ({self.method} {self.url})"
        return base


class ConnectError(TransportError):
    """The connection could not be opened; the server never saw the request."""


class TLSError(ConnectError):
    """The TLS handshake failed (for example, the certificate was not trusted)."""


class ProxyError(ConnectError):
    """The proxy could not be reached or refused to open the tunnel."""


class TransportTimeout(TransportError, builtins.TimeoutError):
    """A timeout expired. ``ConnectTimeout`` and ``ReadTimeout`` say which."""


class ConnectTimeout(ConnectError, TransportTimeout):
    """The connection was not established in time; nothing was sent."""


class ReadTimeout(TransportTimeout):
    """The request was sent but the response did not arrive in time."""


class ConnectionLostError(TransportError):
    """The connection broke after the request may have been sent."""


# -- API answers -------------------------------------------------------------


class APIError(ModelArtsError):
    """The service answered with an error (HTTP status >= 400 or ``is_success: false``).

    Attributes: ``status_code``, ``error_code`` (``ModelArts.0105``, ``APIGW.0301``
    or the status as text when the body had none), ``error_msg``, ``request_id``
    (the ``X-Request-Id`` header), ``method`` and ``path`` of the request, and
    ``body`` (the parsed JSON body, or the text when it was not JSON).
    """

    def __init__(
        self,
        *,
        status_code: int,
        error_code: str,
        error_msg: str,
        request_id: Optional[str] = None,
        method: str = "",
        path: str = "",
        body: Any = None,
        hint: str = "",
    ) -> None:
        self.status_code = status_code
        self.error_code = error_code
        self.error_msg = error_msg
        self.request_id = request_id
        self.method = method
        self.path = path
        self.body = body
        self.hint = hint
        super().__init__(self._describe())

    @property
    def operation(self) -> str:
        """``"METHOD /path"`` of the request that failed."""
        return f"{self.method} {self.path}".strip()

    def _describe(self) -> str:
        parts = [f"{self.error_code}: {self.error_msg or '(no message)'}"]
        context = [f"HTTP {self.status_code}"]
        if self.operation:
            context.append(self.operation)
        context.append(f"request id {self.request_id or 'none'}")
        parts.append(f"({', '.join(context)})")
        if self.hint:
            parts.append(f"- {self.hint}")
        return " ".join(parts)

    def __reduce__(self) -> Any:
        # Keyword-only constructors need help to pickle (multiprocessing, pytest-xdist).
        return (_rebuild_api_error, (type(self), self.__dict__.copy()))


def _rebuild_api_error(cls: "type[APIError]", state: "dict[str, Any]") -> APIError:
    error = cls.__new__(cls)
    error.__dict__.update(state)
    Exception.__init__(error, error._describe())
    return error


class AuthenticationError(APIError):
    """401 or 403: the credentials, token or signature were refused."""


class NotFoundError(APIError):
    """404: the job, version or path does not exist."""


class ThrottledError(APIError):
    """429: too many requests. ``retry_after`` holds the server's wish, in seconds."""

    retry_after: Optional[float] = None


class ServerError(APIError):
    """5xx: the service (or a gateway in front of it) failed."""


def api_error_class(status_code: int) -> "type[APIError]":
    """The most specific ``APIError`` subclass for an HTTP status."""
    if status_code in (401, 403):
        return AuthenticationError
    if status_code == 404:
        return NotFoundError
    if status_code == 429:
        return ThrottledError
    if status_code >= 500:
        return ServerError
    return APIError


# -- response format -----------------------------------------------------------


class ResponseFormatError(ModelArtsError):
    """A success response whose body is not what the operation expects.

    Raised instead of ``KeyError``/``TypeError``/``json.JSONDecodeError`` or a
    schema library's error. ``field`` names the offending field when known.
    """

    def __init__(
        self,
        message: str,
        *,
        operation: str = "",
        status_code: Optional[int] = None,
        request_id: Optional[str] = None,
        field: Optional[str] = None,
    ) -> None:
        self.detail = message
        self.operation = operation
        self.status_code = status_code
        self.request_id = request_id
        self.field = field
        context = []
        if operation:
            context.append(operation)
        if status_code is not None:
            context.append(f"HTTP {status_code}")
        context.append(f"request id {request_id or 'none'}")
        where = f" in field {field!r}" if field else ""
        super().__init__(
            f"unexpected response{where}: {message} ({', '.join(context)})"
        )

    def __reduce__(self) -> Any:
        return (
            _rebuild_format_error,
            (self.detail, self.operation, self.status_code, self.request_id, self.field),
        )


def _rebuild_format_error(
    detail: str,
    operation: str,
    status_code: Optional[int],
    request_id: Optional[str],
    field: Optional[str],
) -> ResponseFormatError:
    return ResponseFormatError(
        detail,
        operation=operation,
        status_code=status_code,
        request_id=request_id,
        field=field,
    )


# -- record and replay -----------------------------------------------------------


class FixtureError(ModelArtsError):
    """Base class of record-and-replay problems."""


class FixtureNotFoundError(FixtureError, FileNotFoundError):
    """The fixture file to replay does not exist; the message says how to record it."""


class FixtureFormatError(FixtureError):
    """A fixture file is damaged; the message names the file and the place."""


class UnmatchedRequestError(FixtureError):
    """A request has no recorded interaction to replay."""


class SecretInFixtureError(FixtureError):
    """The recorder refused to write a file that would still contain a secret."""


# -- waiting -------------------------------------------------------------------


class WaitTimeoutError(ModelArtsError, builtins.TimeoutError):
    """A wait for a terminal state ran out of time; the job itself keeps running.

    ``status`` is the last status seen, ``waited`` the seconds waited.
    """

    def __init__(self, message: str, *, status: object = None, waited: float = 0.0) -> None:
        super().__init__(message)
        self.status = status
        self.waited = waited
