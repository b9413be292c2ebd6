"""Turning a ``Response`` into JSON or into the right ``APIError``.

Huawei's services disagree on error bodies (api.md §5, auth.md §4): v1 ModelArts
says ``error_code`` + ``error_message`` (older pages ``error_msg``), the API
gateway ``error_code`` + ``error_msg``, IAM ``{"error": {"code", "message"}}``,
and a load balancer in front of them an HTML page. All of them become an
``APIError`` carrying the status, code, message and ``X-Request-Id``.
"""

from __future__ import annotations

import json
import re
from typing import Any, Optional, Tuple

from .errors import APIError, ResponseFormatError, ThrottledError, api_error_class
from .transport.base import Response

__all__ = ["decode_json", "error_fields", "raise_for_error"]

_TITLE = re.compile(rb"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)
_CODE_KEYS = ("error_code", "errorCode", "code")
_MESSAGE_KEYS = ("error_message", "error_msg", "errorMsg", "message")
_MAX_TEXT = 300
_NOT_PARSED = object()
# How deep an error body may hide its code: IAM nests it one level down
# ({"error": {"code", "message"}}). Looking no deeper keeps a hostile body
# (thousands of nested objects, which json parses on Python 3.12+) from
# raising RecursionError here instead of the APIError.
_MAX_ERROR_DEPTH = 4


def _parse(body: bytes) -> Any:
    return json.loads(body)


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


def _summarise_text(response: Response) -> str:
    body = response.body
    if not body:
        return "empty body"
    match = _TITLE.search(body[:4096])
    if match and b"html" in body[:512].lower():
        title = match.group(1).decode("utf-8", "replace").strip()
        return f"HTML page: {title}" if title else "HTML page"
    text = response.text.strip()
    return text if len(text) <= _MAX_TEXT else text[:_MAX_TEXT] + "…"


def raise_for_error(response: Response, operation: str, hint: str = "") -> None:
    """Raise the ``APIError`` a status >= 400 answer stands for (no-op below 400)."""
    if response.status < 400:
        return
    body: Any
    try:
        body = _parse(response.body) if response.body else None
    except (ValueError, RecursionError):
        body = None
    if isinstance(body, (dict, list)):
        code, message = error_fields(body, response.status)
    else:
        code, message = str(response.status), _summarise_text(response)
        body = response.text if response.body else None
    raise _api_error(response, code, message, body, operation, hint)


def _api_error(
    response: Response, code: str, message: str, body: Any, operation: str, hint: str
) -> APIError:
    request = response.request
    request_id = response.request_id
    if request_id is None and isinstance(body, dict) and isinstance(body.get("request_id"), str):
        request_id = body["request_id"]
    error = api_error_class(response.status)(
        status_code=response.status,
        error_code=code,
        error_msg=message,
        request_id=request_id,
        method=request.method if request is not None else "",
        path=request.path if request is not None else operation,
        body=body,
        hint=hint,
    )
    if isinstance(error, ThrottledError):
        retry_after = (response.headers.get("Retry-After") or "").strip()
        # isascii(): "²" is a digit to str.isdigit() but not to float().
        if retry_after.isascii() and retry_after.isdigit():
            error.retry_after = float(retry_after)
    return error


def decode_json(response: Response, operation: str) -> Any:
    """The JSON body of a successful answer, after the v1 ``is_success`` check.

    An empty body decodes to ``{}`` (204 No Content, or a DELETE that says
    nothing). A body that is not JSON raises ``ResponseFormatError``; a JSON
    object with ``"is_success": false`` raises ``APIError`` whatever the status.
    """
    raise_for_error(response, operation)
    data: Any = _NOT_PARSED
    if response.has_json_value:
        try:
            data = response.json_value()  # a replayed body: already parsed, copied
        except RecursionError:
            pass  # nested deeper than a copy can go: decode the bytes, as for any answer
    if data is not _NOT_PARSED:
        pass
    elif not response.body.strip():
        return {}
    else:
        try:
            data = _parse(response.body)
        except (ValueError, RecursionError) as exc:
            raise ResponseFormatError(
                f"the body is not valid JSON ({_describe_json_error(exc, response)})",
                operation=operation,
                status_code=response.status,
                request_id=response.request_id,
            ) from None
    if isinstance(data, dict) and data.get("is_success") is False:
        code, message = error_fields(data, response.status)
        if code == str(response.status):
            code = "unknown"
        raise _api_error(response, code, message, data, operation, hint="")
    return data


def _describe_json_error(exc: Exception, response: Response) -> str:
    if isinstance(exc, json.JSONDecodeError):
        where = f"{exc.msg} at byte {exc.pos}"
    else:
        where = str(exc)
    content_type: Optional[str] = response.headers.get("Content-Type")
    return f"{where}; Content-Type {content_type!r}, {len(response.body)} bytes"
