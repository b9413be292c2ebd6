"""How one call leaves a Session: its JSON body, its retries, its auth flow, its answer.

``Sender.call`` is the one path of ``Session.request`` and of the IAM calls
(``modelarts/iam.py``). It encodes the body as compact JSON (anything a server
could not read, such as NaN, a set or a lone surrogate, is an
``InvalidArgumentError`` before anything is sent), repeats the attempt while
the retry policy allows (``modelarts/retry.py``), runs each attempt through the
auth flow (``modelarts/auth.py``, which signs afresh and may send once more)
and the request log (``modelarts/request_log.py``), then raises the
``APIError`` of a status >= 300 or returns the decoded JSON answer.
"""

from __future__ import annotations

import itertools
import json as jsonlib
import logging
from typing import Any, Mapping, Optional, Tuple

from . import __version__
from ._decode import decode_json, raise_for_error
from .auth import Auth, advice
from .clock import Clock
from .errors import InvalidArgumentError
from .redaction import REDACTOR_EXTENSION, Redactor
from .request_log import RequestLog
from .retry import Retry, send_with_retries
from .transport.base import TIME_LEFT_EXTENSION, Request, Response, Transport

__all__ = ["Sender", "json_body"]

logger = logging.getLogger("modelarts.session")

_HEADERS = {"User-Agent": f"modelarts-python/{__version__}", "Content-Type": "application/json"}


def json_body(payload: Any, operation: str) -> bytes:
    """``payload`` as compact UTF-8 JSON (``b""`` for ``None``), or ``InvalidArgumentError``."""
    if payload is None:
        return b""
    try:  # NaN, a set, a lone surrogate: nothing a server could read
        text = jsonlib.dumps(payload, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
        return text.encode()
    except (TypeError, ValueError, RecursionError) as exc:
        raise InvalidArgumentError(
            f"{operation}: the request body cannot be sent as JSON: {exc}"
        ) from None


class Sender:
    """Sends a Session's calls through ``transport``; ``auth_mode`` shapes the advice on errors.

    ``notice``, when given, is logged at WARNING before the first request (which
    fixture file a ``MODELARTS_FIXTURE`` session answers from or records to).
    """

    def __init__(
        self,
        transport: Transport,
        redactor: Redactor,
        clock: Clock,
        retry: Retry,
        auth_mode: str,
        notice: Optional[str] = None,
    ) -> None:
        self._log = RequestLog(transport, redactor, clock)
        self._redactor = redactor
        self._clock = clock
        self._retry = retry
        self._auth_mode = auth_mode
        self._notice = notice
        self._extensions = {REDACTOR_EXTENSION: redactor}

    def call(
        self,
        method: str,
        url: str,
        payload: Any,
        auth: Auth,
        operation: str,
        *,
        headers: Mapping[str, str] = {},
        hint: Optional[str] = None,
    ) -> "Tuple[Any, Response]":
        """Send with retries; the decoded body (or the ``APIError``) and the response."""
        body = json_body(payload, operation)
        request = Request(method, url, {**_HEADERS, **headers}, body, self._extensions)
        if self._notice is not None:
            notice, self._notice = self._notice, None
            logger.warning("%s", notice)
        counter = itertools.count(1)
        response, attempts = send_with_retries(
            lambda time_left: self._attempt(request, auth, next(counter), time_left),
            request.method,
            self._retry,
            self._clock,
        )
        if response.status >= 300:
            hint = advice(response.status, attempts, self._auth_mode) if hint is None else hint
            raise_for_error(response, operation, hint, redactor=self._redactor)
        return decode_json(response, operation, redactor=self._redactor), response

    def _attempt(self, request: Request, auth: Auth, attempt: int, time_left: float) -> Response:
        """One attempt: the auth flow's request, and its resend if the flow asks for one."""
        request = request.replace(extensions={**request.extensions, TIME_LEFT_EXTENSION: time_left})
        return auth.run(request, lambda outgoing: self._log.send(outgoing, attempt))
