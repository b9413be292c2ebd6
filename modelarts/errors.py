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
    │   ├── ConnectionLostError             the connection broke after sending
    │   └── CreateOutcomeUnknownError       a create was sent; whether it happened is unknown
    ├── APIError                            the service answered with an error
    │   ├── RedirectError                   3xx: pointed elsewhere; never followed
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

What an ``APIError`` carries came from the server: ``modelarts._decode`` scrubs
it of the secrets the Session knows (``modelarts/redaction.py``) before the
error is made, and the message (``str``, ``repr``, a traceback) shows the
server's text through ``safe_for_terminal``, so a hostile answer can neither
echo a secret nor drive the terminal that prints it.
"""

from __future__ import annotations

import builtins
import re
from typing import Any, Optional

__all__ = [
    "APIError",
    "AuthenticationError",
    "ConfigurationError",
    "ConnectError",
    "ConnectTimeout",
    "ConnectionLostError",
    "CreateOutcomeUnknownError",
    "CredentialsNotFoundError",
    "FixtureError",
    "FixtureFormatError",
    "FixtureNotFoundError",
    "InvalidArgumentError",
    "ModelArtsError",
    "NotFoundError",
    "ProxyError",
    "ReadTimeout",
    "RedirectError",
    "ResponseFormatError",
    "ResponseTooLargeError",
    "SecretInFixtureError",
    "ServerError",
    "TLSError",
    "ThrottledError",
    "TransportError",
    "TransportTimeout",
    "UnmatchedRequestError",
    "WaitTimeoutError",
    "api_error_class",
    "safe_for_terminal",
]

# C0 and C1 control characters (ESC starts every terminal escape sequence; CR
# rewrites a line), the bidirectional overrides and isolates that reorder what a
# line shows, line and paragraph separators, and lone surrogates (not encodable).
_UNSAFE = re.compile(
    r"[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e"
    r"\u2066-\u2069\ud800-\udfff]"
)


def safe_for_terminal(text: str, *, keep_newlines: bool = False) -> str:
    """``text`` with every character that could drive a terminal shown as an escape.

    An ESC that would clear the screen shows as the text ``\\x1b`` instead, a
    bidirectional override as ``\\u202e``. With ``keep_newlines`` (a traceback),
    ``\\n`` is kept and every other control character escaped.
    """

    def escape(match: "re.Match[str]") -> str:
        char = match.group()
        if keep_newlines and char == "\n":
            return char
        return f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}"

    return _UNSAFE.sub(escape, text)


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


class ResponseTooLargeError(TransportError):
    """The response body passed the transport's ``max_body_size``; reading stopped there.

    The request was sent and may have taken effect. Not retried: the same
    request would bring the same answer. ``limit`` is the size in bytes.
    """

    def __init__(self, message: str, *, limit: int = 0, method: str = "", url: str = "") -> None:
        super().__init__(message, method=method, url=url)
        self.limit = limit

    def __reduce__(self) -> Any:
        return (_rebuild_too_large, (str(self.args[0]), self.limit, self.method, self.url))


def _rebuild_too_large(message: str, limit: int, method: str, url: str) -> "ResponseTooLargeError":
    return ResponseTooLargeError(message, limit=limit, method=method, url=url)


# -- API answers -------------------------------------------------------------


class APIError(ModelArtsError):
    """The service answered with an error: HTTP status >= 300, or ``is_success`` not ``true``.

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
        # Code, message and request id are the server's text: shown, never obeyed.
        code, message = safe_for_terminal(self.error_code), safe_for_terminal(self.error_msg)
        parts = [f"{code}: {message or '(no message)'}"]
        context = [f"HTTP {self.status_code}"]
        if self.operation:
            context.append(self.operation)
        context.append(f"request id {safe_for_terminal(self.request_id or 'none')}")
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


class RedirectError(APIError):
    """3xx: the service pointed elsewhere, and the SDK follows no redirect.

    Following one could send a signed request (or a password) to another host,
    and a 3xx with an empty body is no answer to the call either. ``location``
    holds the ``Location`` header (scrubbed of secrets, at most 300 characters),
    or ``None`` when there was none; the message names it. A redirect usually
    means a wrong endpoint: ``http://`` for ``https://``, a wrong region or host.
    """

    def __init__(self, *, location: Optional[str] = None, **fields: Any) -> None:
        self.location = location
        super().__init__(**fields)


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
    if 300 <= status_code < 400:
        return RedirectError
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
        super().__init__(f"unexpected response{where}: {message} ({', '.join(context)})")

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


# -- creating --------------------------------------------------------------------


class CreateOutcomeUnknownError(TransportError):
    """A create request (job or version) may have reached ModelArts, but its answer was lost.

    It is never sent again by itself (a second POST could create a second job).
    ``job_name`` is the name the job was created under, ``job_id`` the job a
    version was created in (``None`` for a new job); the message says how to
    find out whether it exists. ``__cause__`` is the transport error.
    """

    def __init__(
        self,
        message: str,
        *,
        job_name: Optional[str] = None,
        job_id: Optional[str] = None,
        method: str = "",
        url: str = "",
    ) -> None:
        super().__init__(message, method=method, url=url)
        self.job_name = job_name
        self.job_id = job_id
