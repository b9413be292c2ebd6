"""Checking transport settings and requests: shared by both live transports.

Pure functions, no network library: ``Urllib3Transport`` and
``RequestsTransport`` must refuse the same settings and the same requests
with the same ``ConfigurationError``/``InvalidArgumentError``.
"""

from __future__ import annotations

import math
import os
import re
from typing import Any, Optional, Tuple, Union
from urllib.parse import urlsplit

from .. import __version__
from ..errors import ConfigurationError, InvalidArgumentError
from ..signing import check_method
from .base import TIME_LEFT_EXTENSION, Request

__all__ = [
    "DEFAULT_MAX_BODY_SIZE",
    "DEFAULT_TIMEOUT",
    "DEFAULT_TOTAL_TIMEOUT",
    "USER_AGENT",
    "CertInput",
    "PathInput",
    "TimeoutInput",
    "VerifyInput",
    "attempt_budget",
    "body_limit",
    "cert_setting",
    "check_request",
    "refused_header",
    "timeout_pair",
    "total_seconds",
    "verify_setting",
    "within_budget",
]

#: ``(connect, read)`` seconds used when no timeout is given (see the module docstring).
DEFAULT_TIMEOUT: Tuple[float, float] = (10.0, 60.0)

#: Seconds one request may take from the first byte sent to the last byte
#: received, whatever the server's pace (a byte every few seconds never trips a
#: read timeout, which is per read).
DEFAULT_TOTAL_TIMEOUT = 120.0

#: Bytes of response body read at most: 64 MiB. The largest ModelArts v1
#: answer, a list of 1,000 versions, is a few MiB.
DEFAULT_MAX_BODY_SIZE = 64 * 1024 * 1024

TimeoutInput = Union[None, float, Tuple[Optional[float], Optional[float]]]
PathInput = Union[str, "os.PathLike[str]"]
VerifyInput = Union[bool, PathInput]
CertInput = Union[None, PathInput, Tuple[PathInput, PathInput]]

USER_AGENT = f"modelarts-python/{__version__}"
# What urllib3 and the socket layer raise; everything else is a bug of ours.

_BAD_ESCAPE_RE = re.compile(r"%(?![0-9A-Fa-f]{2})")


def to_seconds(value: Any, what: str) -> Optional[float]:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ConfigurationError(f"{what} must be a number of seconds, got {value!r}")
    seconds = float(value)
    if not math.isfinite(seconds) or seconds <= 0:
        raise ConfigurationError(f"{what} must be a positive, finite number, got {value!r}")
    return seconds


def total_seconds(value: Any) -> Optional[float]:
    """``total_timeout``: positive seconds, or ``None`` for no limit."""
    return to_seconds(value, "total_timeout")


def body_limit(value: Any) -> Optional[int]:
    """``max_body_size``: a positive number of bytes, or ``None`` for no limit."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ConfigurationError(f"max_body_size must be a positive int (bytes), got {value!r}")
    return value


def attempt_budget(total: Optional[float], request: Request) -> Optional[float]:
    """Seconds this attempt may take: the transport's ``total_timeout`` or, when
    shorter, the time its Session has left (``TIME_LEFT_EXTENSION``)."""
    left = request.extensions.get(TIME_LEFT_EXTENSION)
    if isinstance(left, (int, float)) and not isinstance(left, bool) and left > 0:
        return float(left) if total is None else min(total, float(left))
    return total


def within_budget(
    timeout: Tuple[Optional[float], Optional[float]], budget: Optional[float]
) -> Tuple[Optional[float], Optional[float]]:
    """``(connect, read)`` timeouts, neither longer than the attempt's ``budget``."""
    if budget is None:
        return timeout
    connect, read = timeout
    return (
        budget if connect is None else min(connect, budget),
        budget if read is None else min(read, budget),
    )


def timeout_pair(timeout: Any) -> Tuple[Optional[float], Optional[float]]:
    """``(connect, read)`` from a timeout argument; ``None`` in the pair means no limit."""
    if timeout is None:
        return DEFAULT_TIMEOUT
    if isinstance(timeout, (tuple, list)):
        if len(timeout) != 2:
            raise ConfigurationError(
                f"timeout must be seconds or a (connect, read) pair, got {timeout!r}"
            )
        return to_seconds(timeout[0], "connect timeout"), to_seconds(timeout[1], "read timeout")
    seconds = to_seconds(timeout, "timeout")
    return seconds, seconds


def existing_path(value: Any, what: str) -> str:
    if not isinstance(value, (str, os.PathLike)):
        raise ConfigurationError(f"{what} must be a path, got {value!r}")
    path = os.fspath(value)
    if not isinstance(path, str) or not path:
        raise ConfigurationError(f"{what} must be a path, got {value!r}")
    if not os.path.exists(path):
        raise ConfigurationError(f"{what} {path!r} does not exist")
    return path


def verify_setting(verify: Any) -> Union[bool, str]:
    """``True``, ``False`` or the path of a CA bundle file or directory."""
    if isinstance(verify, bool):
        return verify
    return existing_path(verify, "verify (CA bundle)")


def cert_setting(cert: Any) -> Optional[Tuple[str, Optional[str]]]:
    """``(certificate file, key file or None)``."""
    if cert is None:
        return None
    if isinstance(cert, (tuple, list)):
        if len(cert) != 2:
            raise ConfigurationError(
                f"cert must be a path or a (certificate, key) pair, got {cert!r}"
            )
        return (
            existing_path(cert[0], "client certificate"),
            existing_path(cert[1], "client key"),
        )
    return existing_path(cert, "client certificate"), None


def check_request(request: Request) -> str:
    """The request target, after refusing what urllib3 would send differently."""
    check_method(request.method)
    try:
        split = urlsplit(request.url)
        host = split.hostname
        split.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError:  # also an unclosed IPv6 bracket: "http://[::1"
        raise InvalidArgumentError(f"URL {request.url!r} has no valid host[:port]") from None
    scheme = split.scheme.lower()
    if scheme not in ("http", "https"):
        raise InvalidArgumentError(f"unsupported URL scheme {scheme!r} in {request.url!r}")
    if not host:
        raise InvalidArgumentError(f"URL {request.url!r} has no valid host[:port]")
    target = request.target
    if _BAD_ESCAPE_RE.search(target):
        raise InvalidArgumentError(
            f"URL {request.url!r} has a '%' that does not start a %XX escape; "
            "it would be re-encoded on the wire"
        )
    return target


def refused_header(exc: ValueError, request: Request) -> InvalidArgumentError:
    """The error for a header the HTTP library refused, naming the header, never its value.

    ``http.client`` says ``Invalid header value b'...'`` with the whole value
    (an ``Authorization`` header holds the access key and a valid signature).
    """
    for name, value in request.headers.items():
        bad = any(char in value for char in "\r\n\x00") or not value.isascii()
        if bad or not name.isascii() or any(char in name for char in ":\r\n "):
            return InvalidArgumentError(
                f"invalid request {request.method} {request.url}: header {name!r} has a "
                "character HTTP does not allow (CR, LF, NUL or non-ASCII); value not shown"
            )
    return InvalidArgumentError(
        f"invalid request {request.method} {request.url}: "
        f"{type(exc).__name__} from the HTTP library (details not shown: they quote headers)"
    )
