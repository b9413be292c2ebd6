"""Where each service of a region answers, and the process-wide endpoint overrides.

Defaults follow Huawei's own region table (the ModelArts "Endpoints" page):
every region is ``https://<service>.<region>.myhuaweicloud.com`` except
ap-southeast-1, whose ModelArts endpoint ends in ``.myhuaweicloud.cn``. Private
clouds and local fakes pass their own endpoints, which may use ``http://`` and
carry a port.

``Session.set_endpoint`` (the old SDK's class method) sets endpoints for every
Session created afterwards in the process. They are held here, in
``OVERRIDES`` and nowhere else; ``Session.clear_endpoints()`` empties it, and
the pytest plugin does so around each test that uses its fixtures.
"""

from __future__ import annotations

import re
import threading
from typing import Dict, Optional
from urllib.parse import urlsplit

from .errors import ConfigurationError

__all__ = [
    "GLOBAL_IAM_ENDPOINT",
    "OVERRIDES",
    "EndpointOverrides",
    "default_iam_endpoint",
    "default_modelarts_endpoint",
    "normalize_endpoint",
    "validate_region",
]

GLOBAL_IAM_ENDPOINT = "https://iam.myhuaweicloud.com"

# Regions whose ModelArts endpoint differs from the pattern (huaweicloudsdkmodelarts
# 3.1.219, v1/region/modelarts_region.py).
_MODELARTS_EXCEPTIONS = {
    "ap-southeast-1": "https://modelarts.ap-southeast-1.myhuaweicloud.cn",
}

# Region ids look like cn-north-4, ap-southeast-1, la-south-2, cn-north-9a? Keep it
# permissive (private clouds name their own regions) but refuse what can't be a
# DNS label, since the id lands in a host name.
_REGION = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def validate_region(region: str) -> str:
    """Return ``region`` if it can be a region id, else raise ``ConfigurationError``."""
    # fullmatch: "$" alone also matches before a trailing newline ("cn-north-4\n");
    # 63 characters is the most a DNS label holds.
    if not isinstance(region, str) or len(region) > 63 or not _REGION.fullmatch(region):
        raise ConfigurationError(
            f"invalid region {region!r}: expected a region id such as 'cn-north-4'"
        )
    return region


def default_modelarts_endpoint(region: str) -> str:
    """``https://modelarts.<region>.myhuaweicloud.com`` (or the region's exception)."""
    validate_region(region)
    return _MODELARTS_EXCEPTIONS.get(region, f"https://modelarts.{region}.myhuaweicloud.com")


def default_iam_endpoint(region: Optional[str]) -> str:
    """The regional IAM endpoint, or the global one when no region is known."""
    if not region:
        return GLOBAL_IAM_ENDPOINT
    validate_region(region)
    return f"https://iam.{region}.myhuaweicloud.com"


def normalize_endpoint(value: str, name: str = "endpoint") -> str:
    """Check an endpoint URL and return it as ``scheme://host[:port][/prefix]``.

    A bare host (``modelarts.example.com``, as the old SDK's ``set_endpoint``
    accepted) gets ``https://``. A trailing ``/`` is dropped so paths can be
    appended. Query strings, fragments and credentials in the URL are refused.
    """
    if not isinstance(value, str) or not value.strip():
        raise ConfigurationError(f"{name} must be a non-empty URL, got {value!r}")
    text = value.strip()
    if "://" not in text:
        text = "https://" + text
    try:
        parts = urlsplit(text)
    except ValueError as exc:  # "http://[::1": an IPv6 bracket left open
        raise ConfigurationError(f"{name} {value!r} is not a valid URL: {exc}") from None
    if parts.scheme not in ("http", "https"):
        raise ConfigurationError(f"{name} {value!r}: only http:// and https:// are supported")
    if not parts.hostname:
        raise ConfigurationError(f"{name} {value!r} has no host name")
    if any(char.isspace() or not char.isprintable() for char in parts.netloc):
        # "not a url" would otherwise become the host "not a url" and be looked up.
        raise ConfigurationError(f"{name} {value!r} has a space or control character in its host")
    if parts.username or parts.password:
        raise ConfigurationError(f"{name} must not contain credentials")
    if parts.query or parts.fragment:
        raise ConfigurationError(f"{name} {value!r} must not have a query or fragment")
    try:
        port = parts.port
    except ValueError as exc:
        raise ConfigurationError(f"{name} {value!r} has an invalid port") from exc
    if port == 0:
        raise ConfigurationError(f"{name} {value!r} has an invalid port")
    return f"{parts.scheme}://{parts.netloc}{parts.path.rstrip('/')}"


class EndpointOverrides:
    """Endpoints and region set for the whole process (``Session.set_endpoint``).

    Keys are ``iam_endpoint``, ``obs_endpoint``, ``modelarts_endpoint`` and
    ``region_name``; values are checked when set. Thread-safe.
    """

    NAMES = ("iam_endpoint", "obs_endpoint", "modelarts_endpoint", "region_name")

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._values: Dict[str, str] = {}

    def set(self, **values: Optional[str]) -> None:
        """Check and store the values given; ``None`` leaves a setting as it was."""
        checked = {}
        for name, value in values.items():
            if name not in self.NAMES:
                raise ConfigurationError(f"unknown endpoint setting {name!r}")
            if value is None:
                continue
            if name == "region_name":
                checked[name] = validate_region(value)
            else:
                checked[name] = normalize_endpoint(value, name)
        with self._lock:
            self._values.update(checked)

    def clear(self) -> None:
        with self._lock:
            self._values.clear()

    def snapshot(self) -> Dict[str, str]:
        """A copy of what is set now."""
        with self._lock:
            return dict(self._values)


#: The one store of process-wide endpoints.
OVERRIDES = EndpointOverrides()
