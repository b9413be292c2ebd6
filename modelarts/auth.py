"""How a request proves who sent it: the Session's auth flows.

An auth flow is a generator, as httpx's ``Auth.auth_flow`` is: it yields the
request to send, receives the response, and may yield the request once more,
freshly authenticated, when the response says the first try could not count.
``Auth.run`` drives a flow over a send function::

    response = AccessKeyAuth(keys, clock, redactor).run(request, transport.send)

``AccessKeyAuth`` signs with SDK-HMAC-SHA256 (``modelarts/signing.py``); on a
401 saying the signature expired (the ``X-Sdk-Date`` is more than 15 minutes
off, APIGW.0301) it measures the skew from the response's ``Date`` header,
corrects its clock for every later signature, and signs once more (a ``Date``
outside the years 2000-2199 is no clock to adopt: the 401 is raised as is).
``TokenAuth`` sends an IAM token as ``X-Auth-Token`` from a ``TokenCache``; on a
401 saying the token expired (ModelArts.0202, or APIGW.0307 from the gateway) it
fetches a new token and sends once more, POST included, since the request was
refused before it was processed. ``NoAuth`` sends a request as built (a token
request, whose password is in its body, or a replay).
"""

from __future__ import annotations

import logging
import threading
from datetime import datetime, timedelta
from typing import Callable, Generator, NamedTuple, Optional, Tuple, Union

from . import signing
from ._decode import error_fields
from .clock import Clock
from .credentials import USER_ID_HEADER, AccessKeyCredentials, PasswordCredentials
from .metadata import RefreshingCredentials
from .redaction import Redactor
from .transport.base import Request, Response

__all__ = [
    "TOKEN_EXPIRED_CODES",
    "AccessKeyAuth",
    "Auth",
    "AuthFlow",
    "ErrorReading",
    "NoAuth",
    "TokenAuth",
    "TokenCache",
    "advice",
    "auth_for",
    "read_error",
]

logger = logging.getLogger("modelarts.session")

#: 401 codes meaning "your IAM token expired": renew it and resend once.
TOKEN_EXPIRED_CODES = frozenset({"ModelArts.0202", "APIGW.0307"})

# IAM tokens live 24 h; renewing 15 min early leaves room for clock skew and
# for requests already in flight.
TOKEN_RENEW_MARGIN = timedelta(minutes=15)
# A token whose answer carried no expiry is treated as shorter-lived than IAM's 24 h.
_ASSUMED_TOKEN_LIFETIME = timedelta(hours=12)

#: Yields requests, receives their responses, may return the response it read.
AuthFlow = Generator[Request, Response, Optional[Response]]


class ErrorReading(NamedTuple):
    """A refusal read once: its code, message, and the response holding the parsed body."""

    code: str
    message: str
    response: Response


def read_error(response: Response) -> ErrorReading:
    """Parse an error body once; the response handed back holds it parsed.

    What comes back is what the Session raises from, so the body is not
    parsed a second time there.
    """
    try:
        body = response.json()
    except (ValueError, RecursionError):
        return ErrorReading(*error_fields(None, response.status), response)
    parsed = Response(response.status, response.headers, json=body, request=response.request)
    return ErrorReading(*error_fields(body, response.status), parsed)


class Auth:
    """Sends a request as built. Subclasses override ``flow``."""

    def flow(self, request: Request) -> AuthFlow:
        yield request
        return None

    def run(self, request: Request, send: Callable[[Request], Response]) -> Response:
        """Send ``request`` through this flow; the final response.

        A flow may end by returning the response it read (its error body
        parsed), which then stands for the last one sent.
        """
        flow = self.flow(request)
        outgoing = next(flow)
        while True:
            response = send(outgoing)
            try:
                outgoing = flow.send(response)
            except StopIteration as done:
                return done.value or response


class NoAuth(Auth):
    """Sends each request as built, once (a replaying Session: fixtures ignore signatures)."""

    def run(self, request: Request, send: Callable[[Request], Response]) -> Response:
        return send(request)  # the one-step flow, without a generator per call


class AccessKeyAuth(Auth):
    """SDK-HMAC-SHA256 signing, afresh for every send, with clock-skew correction."""

    def __init__(
        self,
        keys: Union[AccessKeyCredentials, RefreshingCredentials],
        clock: Clock,
        redactor: Redactor,
    ) -> None:
        self._keys = keys
        self._clock = clock
        self._redactor = redactor
        self._skew = timedelta(0)
        self.current()  # registers the keys' secrets

    def current(self) -> AccessKeyCredentials:
        """The keys to sign with now (temporary keys are renewed ahead of expiry)."""
        keys = self._keys.get() if isinstance(self._keys, RefreshingCredentials) else self._keys
        keys.register_secrets(self._redactor)
        return keys

    def flow(self, request: Request) -> AuthFlow:
        response = yield self._sign(request)
        if response.status != 401:
            return None
        error = read_error(response)
        if _signature_expired(error.message) and self._correct_clock(response):
            yield self._sign(request)
            return None
        return error.response

    def _sign(self, request: Request) -> Request:
        keys = self.current()
        if keys.user_id is not None:  # keys from inside ModelArts act for a platform user
            request = request.replace(
                headers=request.headers.merged({USER_ID_HEADER: keys.user_id})
            )
        return signing.sign_request(
            request,
            access_key=keys.access_key,
            secret_key=keys.secret_key,
            date=signing.format_sdk_date(self._clock.now() + self._skew),
            security_token=keys.security_token,
        )

    def _correct_clock(self, response: Response) -> bool:
        """Adopt the server's clock from its ``Date`` header; False if it has none."""
        date = response.headers.get("Date")
        if not date:
            return False
        from email.utils import parsedate_to_datetime  # rarely needed; it loads socket

        try:
            server_now = parsedate_to_datetime(date)
        except (TypeError, ValueError, IndexError):
            return False
        if server_now.tzinfo is None or not 2000 <= server_now.year < 2200:
            # Year 9999 would overflow the clock once added to a later "now":
            # no clock to adopt; the 401 stands as it is.
            return False
        self._skew = server_now - self._clock.now()
        logger.warning(
            "clock skew of %.0f s detected from the server's Date header; "
            "signing with the corrected time",
            self._skew.total_seconds(),
        )
        return True


def _signature_expired(message: str) -> bool:
    # APIG answers 401 APIGW.0301 "signature expired, signature time:..., server time:..."
    text = message.lower()
    return "signature" in text and "expired" in text


class TokenAuth(Auth):
    """An IAM token in ``X-Auth-Token``, renewed once when refused as expired."""

    def __init__(self, tokens: "TokenCache") -> None:
        self._tokens = tokens

    def flow(self, request: Request) -> AuthFlow:
        token = self._tokens.get()
        response = yield _with_token(request, token)
        if response.status != 401:
            return None
        error = read_error(response)
        if error.code not in TOKEN_EXPIRED_CODES:
            return error.response
        self._tokens.invalidate(token)
        yield _with_token(request, self._tokens.get())
        return None


def _with_token(request: Request, token: str) -> Request:
    return request.replace(headers=request.headers.merged({"X-Auth-Token": token}))


class TokenCache:
    """Holds one IAM token; ``get()`` fetches it on first use and before it expires.

    Fetched under a lock, so eight threads starting at once cause one fetch.
    A token refused as expired is dropped with ``invalidate(token)``, which only
    forgets *that* token: threads that all saw the same 401 renew it once.
    """

    def __init__(
        self,
        fetch: Callable[[], "Tuple[str, Optional[datetime]]"],
        clock: Clock,
        margin: timedelta = TOKEN_RENEW_MARGIN,
    ) -> None:
        self._fetch = fetch
        self._clock = clock
        self._margin = margin
        self._lock = threading.Lock()
        self._token: Optional[str] = None
        self._expires_at: Optional[datetime] = None

    def get(self) -> str:
        with self._lock:
            now = self._clock.now()
            if (
                self._token is None
                or self._expires_at is None
                or now >= self._expires_at - self._margin
            ):
                token, expires_at = self._fetch()
                self._token = token
                self._expires_at = expires_at or now + _ASSUMED_TOKEN_LIFETIME
            return self._token

    def invalidate(self, token: str) -> None:
        """Forget ``token`` if it is still the cached one (the server said it expired)."""
        with self._lock:
            if self._token == token:
                self._token = None
                self._expires_at = None

    @property
    def expires_at(self) -> Optional[datetime]:
        return self._expires_at


def advice(status: int, attempts: int, auth_mode: str) -> str:
    """What to check after a refusal, for the ``APIError``'s hint."""
    parts = []
    if attempts > 1:
        parts.append(f"gave up after {attempts} attempts")
    if status == 401:
        parts.append(
            "check the AK/SK and that the machine's clock is right"
            if auth_mode == "aksk"
            else "check the credentials"
        )
    elif status == 403:
        parts.append("the credentials lack permission for this project or operation")
    return "; ".join(parts)


def auth_for(
    credentials: Union[AccessKeyCredentials, PasswordCredentials, RefreshingCredentials, None],
    fetch_token: Callable[[], "Tuple[str, Optional[datetime]]"],
    clock: Clock,
    redactor: Redactor,
    *,
    replaying: bool,
) -> "Tuple[Auth, Optional[TokenCache]]":
    """The flow for ``credentials`` (and its token cache), their secrets told to ``redactor``.

    A replaying Session sends requests as built: a fixture looks at neither
    signatures nor tokens.
    """
    if isinstance(credentials, (AccessKeyCredentials, PasswordCredentials)):
        credentials.register_secrets(redactor)
    if replaying or credentials is None:
        return NoAuth(), None
    if isinstance(credentials, PasswordCredentials):
        tokens = TokenCache(fetch_token, clock)
        return TokenAuth(tokens), tokens
    return AccessKeyAuth(credentials, clock, redactor), None
