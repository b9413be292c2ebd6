"""Suite-wide guards: a clean environment and loopback-only networking."""

from __future__ import annotations

import ipaddress
import os
import socket
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

# Hypothesis: deterministic in CI, quick everywhere; `--hypothesis-profile=thorough` for more.
settings.register_profile(
    "default", max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("thorough", max_examples=1000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

# Variables that would let a developer's real account or proxy leak into a test.
_ENV_PREFIXES = ("HUAWEICLOUD_", "MODELARTS_", "HC_")
_PROXY_VARS = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY")


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: Any) -> None:
    """No test sees the developer's credentials, proxies or home directory."""
    for name in list(os.environ):
        if name.startswith(_ENV_PREFIXES) or name.upper() in _PROXY_VARS:
            monkeypatch.delenv(name)
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("USERPROFILE", str(home))


def _is_loopback(address: Any) -> bool:
    if not isinstance(address, tuple):
        return True  # AF_UNIX paths and the like never leave the machine
    host = address[0]
    if host in ("localhost",):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex
_real_getaddrinfo = socket.getaddrinfo


@pytest.fixture(autouse=True)
def _loopback_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any connection attempt to a non-loopback address fails the test loudly."""

    def guard(address: Any) -> None:
        if not _is_loopback(address):
            pytest.fail(f"test tried to connect to {address!r}: only 127.0.0.1 is allowed")

    def connect(self: socket.socket, address: Any) -> None:
        guard(address)
        _real_connect(self, address)

    def connect_ex(self: socket.socket, address: Any) -> int:
        guard(address)
        return _real_connect_ex(self, address)

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        # A DNS query is traffic too: only literal addresses and localhost resolve.
        name = host.decode() if isinstance(host, bytes) else host
        if name is not None and name != "localhost":
            try:
                ipaddress.ip_address(name)
            except ValueError:
                pytest.fail(f"test tried to resolve {name!r}: only 127.0.0.1 is allowed")
        return _real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)


# -- TLS: one test CA for the whole run --------------------------------------------


@pytest.fixture(scope="session")
def ca() -> Any:
    """A throwaway certificate authority (``trustme``) for HTTPS on loopback."""
    import trustme

    return trustme.CA()


@pytest.fixture(scope="session")
def ca_file(ca: Any, tmp_path_factory: pytest.TempPathFactory) -> str:
    """The CA's certificate as a PEM file, for ``verify=``."""
    path = tmp_path_factory.mktemp("ca") / "ca.pem"
    ca.cert_pem.write_to_path(str(path))
    return str(path)
