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
from .base import Request

__all__ = [
    "DEFAULT_TIMEOUT",
    "USER_AGENT",
    "CertInput",
    "PathInput",
    "TimeoutInput",
    "VerifyInput",
    "cert_setting",
    "check_request",
    "timeout_pair",
    "verify_setting",
]

#: ``(connect, read)`` seconds used when no timeout is given (see the module docstring).
DEFAULT_TIMEOUT: Tuple[float, float] = (10.0, 60.0)

TimeoutInput = Union[None, float, Tuple[Optional[float], Optional[float]]]
PathInput = Union[str, "os.PathLike[str]"]
VerifyInput = Union[bool, PathInput]
CertInput = Union[None, PathInput, Tuple[PathInput, PathInput]]

USER_AGENT = f"modelarts-python/{__version__}"
# What urllib3 and the socket layer raise; everything else is a bug of ours.

_TOKEN_RE = re.compile(r"^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$")
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
    if not _TOKEN_RE.match(request.method):
        raise InvalidArgumentError(f"invalid HTTP method {request.method!r}")
    scheme = request.scheme.lower()
    if scheme not in ("http", "https"):
        raise InvalidArgumentError(f"unsupported URL scheme {scheme!r} in {request.url!r}")
    try:
        split = urlsplit(request.url)
        host = split.hostname
        split.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError:
        host = None
    if not host:
        raise InvalidArgumentError(f"URL {request.url!r} has no valid host[:port]")
    target = request.target
    if _BAD_ESCAPE_RE.search(target):
        raise InvalidArgumentError(
            f"URL {request.url!r} has a '%' that does not start a %XX escape; "
            "it would be re-encoded on the wire"
        )
    return target
