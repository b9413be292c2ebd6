"""Turning a ``Response`` into JSON or into the right ``APIError``.

Huawei's services disagree on error bodies (ModelArts's error-code appendix, the API
gateway's api-sign-errorcode page): v1 ModelArts
says ``error_code`` + ``error_message`` (older pages ``error_msg``), the API
gateway ``error_code`` + ``error_msg``, IAM ``{"error": {"code", "message"}}``,
and a load balancer in front of them an HTML page. All of them become an
``APIError`` carrying the status, code, message and ``X-Request-Id``.
"""

from __future__ import annotations

import json
import re
from typing import Any, Dict, Mapping, Optional, Tuple
from urllib.parse import urlsplit, urlunsplit

from .errors import (
    APIError,
    RedirectError,
    ResponseFormatError,
    ThrottledError,
    api_error_class,
)
from .redaction import REDACTED, Redactor
from .transport.base import Response

__all__ = [
    "decode_json",
    "error_fields",
    "raise_for_error",
    "reports_failure",
    "success_flag",
]

_TITLE = re.compile(rb"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)
_CODE_KEYS = ("error_code", "errorCode", "code")
_MESSAGE_KEYS = ("error_message", "error_msg", "errorMsg", "message")
_MAX_TEXT = 300
# How deep an error body may hide its code: IAM nests it one level down
# ({"error": {"code", "message"}}). Looking no deeper keeps a hostile body
# (thousands of nested objects, which json parses on Python 3.12+) from
# raising RecursionError here instead of the APIError.
_MAX_ERROR_DEPTH = 4


def error_fields(body: Any, status: int) -> "Tuple[str, str]":
    """``(error_code, error_msg)`` from a parsed error body, with fallbacks."""
    return _error_fields(body, status, _MAX_ERROR_DEPTH)


def _error_fields(body: Any, status: int, depth: int) -> "Tuple[str, str]":
    if isinstance(body, dict):
        code = next((body[k] for k in _CODE_KEYS if body.get(k) not in (None, "")), None)
        message = next((body[k] for k in _MESSAGE_KEYS if body.get(k) not in (None, "")), None)
        if code is None and message is None and depth > 0:
            for value in body.values():  # {"error": {"code": ..., "message": ...}}
                if isinstance(value, dict):
                    nested = _error_fields(value, status, depth - 1)
                    if nested != (str(status), ""):
                        return nested
        return (str(code) if code is not None else str(status), str(message or ""))
    if isinstance(body, str):
        return str(status), body
    return str(status), ""


def _summarise_text(response: Response, scrubber: Redactor) -> str:
    """The title of an HTML page, or the text; scrubbed before it is cut short."""
    body = response.body
    if not body:
        return "empty body"
    match = _TITLE.search(body[:4096])
    if match and b"html" in body[:512].lower():
        title = scrubber.scrub(match.group(1).decode("utf-8", "replace").strip())
        return f"HTML page: {_shorten(title)}" if title else "HTML page"
    return _shorten(scrubber.scrub(response.text.strip()))


def _shorten(text: str) -> str:
    return text if len(text) <= _MAX_TEXT else text[:_MAX_TEXT] + "…"


def raise_for_error(
    response: Response, operation: str, hint: str = "", *, redactor: Optional[Redactor] = None
) -> None:
    """Raise the ``APIError`` an answer outside 2xx stands for (no-op for 2xx).

    A 3xx is a ``RedirectError``: the transports follow no redirect, so the
    answer is not the one the call asked for. A 1xx that arrives as the final
    answer (``http.client`` passes 101-199 through as one) is no answer either.
    ``redactor`` (the Session's) scrubs the secrets it knows from everything the
    error carries; without one, secrets are still hidden by shape
    (``modelarts/redaction.py``).
    """
    if 200 <= response.status < 300:
        return
    scrubber = redactor if redactor is not None else Redactor()
    body: Any
    try:
        body = response.json() if response.body else None  # a 401 an auth flow read: no reparse
    except (ValueError, RecursionError):
        body = None
    if isinstance(body, (dict, list)):
        raise _api_error(response, body, operation, hint, scrubber)
    text = response.text if response.body else None
    summary = _summarise_text(response, scrubber)
    raise _api_error(response, text, operation, hint, scrubber, summary=summary)


def _api_error(
    response: Response,
    body: Any,
    operation: str,
    hint: str,
    scrubber: Redactor,
    *,
    summary: str = "",
    unknown_code: bool = False,
) -> APIError:
    """The error for ``response``, scrubbed of secrets.

    ``body`` is the parsed JSON body, or the text (then ``summary`` is the message).
    ``scrubber`` is the Session's ``Redactor``, or a new one that knows secrets by shape.
    """
    try:
        body = scrubber.scrub_json(body)
    except RecursionError:
        body = None  # nested too deep to scrub: dropped rather than kept unscrubbed
    status = response.status
    if isinstance(body, (dict, list)):
        code, message = error_fields(body, status)
        if unknown_code and code == str(status):
            code = "unknown"  # is_success false without an error_code
    else:
        code, message = str(status), summary
    request = response.request
    request_id = response.request_id
    if request_id is None and isinstance(body, dict) and isinstance(body.get("request_id"), str):
        request_id = body["request_id"]
    fields: Dict[str, Any] = dict(
        status_code=status,
        error_code=scrubber.scrub(code),
        error_msg=scrubber.scrub(message),
        request_id=scrubber.scrub(request_id) if request_id is not None else None,
        method=request.method if request is not None else "",
        path=request.path if request is not None else operation,
        body=body,
        hint=hint,
    )
    if 300 <= status < 400:
        location = _location(response, scrubber)
        where = f"to {location}" if location else "without a Location header"
        fields["error_msg"] = (
            f"redirected {where}, which the SDK does not follow; check the endpoint "
            "(https://, the region and the host)"
        )
        return RedirectError(location=location, **fields)
    error = api_error_class(status)(**fields)
    if isinstance(error, ThrottledError):
        retry_after = (response.headers.get("Retry-After") or "").strip()
        # isascii(): "²" is a digit to str.isdigit() but not to float().
        if retry_after.isascii() and retry_after.isdigit():
            error.retry_after = float(retry_after)
    return error


def _location(response: Response, scrubber: Redactor) -> Optional[str]:
    """The ``Location`` header, without user info or known secrets, at most 300 characters."""
    location = (response.headers.get("Location") or "").strip()
    if not location:
        return None
    try:
        parts = urlsplit(location)
        if "@" in parts.netloc:
            host = parts.netloc.rpartition("@")[2]
            location = urlunsplit(parts._replace(netloc=f"{REDACTED}@{host}"))
    except ValueError:
        pass  # not a URL: shown as it is, scrubbed
    return _shorten(scrubber.scrub(location))


def success_flag(body: Mapping[str, Any]) -> Optional[bool]:
    """The one rule for a v1 body's ``is_success``: only JSON ``true`` is success.

    ``None`` when the field is absent; ``True`` for ``true``; ``False`` for
    anything else (``false``, ``"false"``, ``"true"``, ``0``, ``1``, ``null``): a
    server that cannot say ``true`` has not said the call succeeded.
    """
    if "is_success" not in body:
        return None
    return body["is_success"] is True


def reports_failure(body: Any) -> bool:
    """Whether ``body`` is a JSON object whose ``is_success`` says failure (``success_flag``)."""
    return isinstance(body, dict) and success_flag(body) is False


def decode_json(
    response: Response, operation: str, *, redactor: Optional[Redactor] = None
) -> Any:
    """The JSON body of a successful answer, after the v1 ``is_success`` check.

    An empty body decodes to ``{}`` (204 No Content, or a DELETE that says
    nothing). A body that is not JSON raises ``ResponseFormatError``; a JSON
    object whose ``is_success`` is anything but ``true`` (``reports_failure``)
    raises ``APIError`` whatever the status.
    """
    raise_for_error(response, operation, redactor=redactor)
    try:
        data = response.json()
    except (ValueError, RecursionError) as exc:
        if not response.body.strip():
            return {}
        raise ResponseFormatError(
            f"the body is not valid JSON ({_describe_json_error(exc, response)})",
            operation=operation,
            status_code=response.status,
            request_id=response.request_id,
        ) from None
    if reports_failure(data):
        scrubber = redactor if redactor is not None else Redactor()
        raise _api_error(response, data, operation, "", scrubber, unknown_code=True)
    return data


def _describe_json_error(exc: Exception, response: Response) -> str:
    if isinstance(exc, json.JSONDecodeError):
        where = f"{exc.msg} at byte {exc.pos}"
    else:
        where = str(exc)
    content_type: Optional[str] = response.headers.get("Content-Type")
    return f"{where}; Content-Type {content_type!r}, {len(response.body)} bytes"
