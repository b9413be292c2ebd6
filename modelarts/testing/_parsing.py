"""Reading a v1 request in the fake's routes: query values, path ids, JSON bodies.

Every handler of the fake's v1 routes takes the request as the router hands it
over (``Incoming``) and returns ``(status, body)`` (``Answer``); a refused
request raises ``StoreError``, which ``FakeModelArts`` renders as a v1 error
body (``is_success: false``, ``error_code``, ``error_message``) with the HTTP
status its ``error_status`` mode asks for. Parameter problems are
``400 ModelArts.0104`` (parameter error) and unreadable bodies
``400 ModelArts.0101`` (invalid argument), both from the global error table
of modelarts_03_0095.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any, Dict, List, Optional, Protocol, Tuple, TypeVar

from ._job_seeding import StoreError

__all__ = [
    "Answer",
    "Incoming",
    "RouteHandler",
    "bad",
    "choice",
    "int_query",
    "json_body",
    "page_of",
    "path_id",
    "search_query",
    "status_query",
    "text",
    "whole",
]

Answer = Tuple[int, Dict[str, Any]]

T = TypeVar("T")

_INTEGER = re.compile(r"-?[0-9]{1,19}")


class Incoming(Protocol):
    """What a handler reads from ``FakeRequest``."""

    query: Dict[str, str]
    params: Dict[str, str]
    identity: str

    def json(self) -> Any: ...


RouteHandler = Callable[[Incoming], Answer]


def bad(message: str) -> StoreError:
    """``400 ModelArts.0104``: a parameter is wrong; ``message`` says which and how."""
    return StoreError(400, "ModelArts.0104", f"Invalid parameter: {message}")


def int_query(query: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    """An integer query value in ``[low, high]``; ``default`` when absent or empty."""
    raw = query.get(name, "")
    if raw == "":
        return default
    if not _INTEGER.fullmatch(raw):
        raise bad(f"{name} must be an integer, got {raw!r}")
    value = int(raw)
    if not low <= value <= high:
        raise bad(f"{name} must be in [{low}, {high}], got {value}")
    return value


def choice(query: Mapping[str, str], name: str, default: str, allowed: Tuple[str, ...]) -> str:
    """A query value from ``allowed``; ``default`` when absent or empty."""
    value = query.get(name) or default
    if value not in allowed:
        raise bad(f"{name} must be one of {', '.join(allowed)}, got {value!r}")
    return value


def path_id(request: Incoming, name: str) -> int:
    """A numeric id from the path (job and version ids are Long)."""
    raw = request.params[name]
    if not raw.isdigit() or len(raw) > 19:
        raise bad(f"{name} must be a number, got {raw!r}")
    return int(raw)


def json_body(request: Incoming) -> Dict[str, Any]:
    """The body as a JSON object, or ``400 ModelArts.0101``."""
    try:
        body = request.json()
    except ValueError:
        raise StoreError(400, "ModelArts.0101", "The request body is not valid JSON.") from None
    if not isinstance(body, dict):
        raise StoreError(400, "ModelArts.0101", "The request body must be a JSON object.")
    return body


def text(body: Mapping[str, Any], name: str, limit: int, prefix: str = "") -> Optional[str]:
    """An optional string field of at most ``limit`` characters (``None`` when absent)."""
    value = body.get(name)
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > limit:
        raise bad(f"{prefix}{name} must be a string of at most {limit} characters")
    return value


def whole(body: Mapping[str, Any], name: str, prefix: str = "") -> Optional[int]:
    """An optional JSON integer field (booleans and numeric strings are refused)."""
    value = body.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise bad(f"{prefix}{name} must be an integer, got {value!r}")
    return value


def search_query(query: Mapping[str, str]) -> str:
    """``search_content`` (0-64 characters, modelarts_03_0046/0065), lower-cased for matching."""
    search = query.get("search_content", "")
    if len(search) > 64:
        raise bad("search_content must be at most 64 characters")
    return search.lower()


def status_query(query: Mapping[str, str]) -> Optional[int]:
    """The ``status`` filter of a list query (``None``: every status)."""
    if query.get("status", "") == "":
        return None
    return int_query(query, "status", 0, 0, 255)


def page_of(items: List[T], page: int, per_page: int) -> List[T]:
    """The ``page``-th (from 1) slice of ``per_page`` items; past the end, empty."""
    return items[(page - 1) * per_page : page * per_page]
