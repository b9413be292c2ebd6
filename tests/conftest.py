"""Suite-wide guards: a clean environment and loopback-only networking."""

from __future__ import annotations

import os
import signal
from typing import Any, Iterator

import pytest
from hypothesis import HealthCheck, settings

from modelarts.session import Session
from modelarts.testing.plugin import NetworkGuard

# Hypothesis: deterministic in CI, quick everywhere; `--hypothesis-profile=thorough` for more.
settings.register_profile(
    "default", max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("thorough", max_examples=1000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

# A shell that runs the suite as a background job (``cmd &`` in a script) starts it with
# SIGINT ignored, and every process a test starts would inherit that: the tests that press
# Ctrl-C on a command (tests/test_cli_process*.py, tests/testing/test_fake_main.py) would
# wait for it forever. A handled SIGINT is reset to the default in a child, as usual.
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)

# Variables that would let a developer's real account or proxy leak into a test.
_ENV_PREFIXES = ("HUAWEICLOUD_", "MODELARTS_", "HC_")
_PROXY_VARS = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY")
# Inside a ModelArts notebook or training container these name the platform's credentials.
_PLATFORM_VARS = (
    "NB_USER",
    "CREDENTIAL_PROFILES_FILE",
    "AWS_CREDENTIAL_PROFILES_FILE",
    "AWS_SHARED_CREDENTIALS_FILE",
)


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: Any) -> None:
    """No test sees the developer's credentials, proxies or home directory."""
    for name in list(os.environ):
        if name.startswith(_ENV_PREFIXES) or name.upper() in _PROXY_VARS + _PLATFORM_VARS:
            monkeypatch.delenv(name)
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("USERPROFILE", str(home))


@pytest.fixture(autouse=True)
def _loopback_only(request: pytest.FixtureRequest) -> Iterator[None]:
    """Any network use but loopback fails the test: the guard the plugin ships.

    Subprocesses are allowed (the CLI and recorder tests start Python), and
    ``Session.set_endpoint`` is forgotten after every test.
    """
    guard = NetworkGuard(request.node.nodeid, allow_subprocesses=True)
    guard.install()
    try:
        yield
    finally:
        guard.uninstall()
        Session.clear_endpoints()


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


# -- the fake cloud in-process, on a fake clock ---------------------------------------


@pytest.fixture
def fake_cloud() -> Any:
    """A ``FakeModelArts`` on a ``FakeClock``: its versions progress as the clock moves."""
    from modelarts.testing import FakeClock
    from modelarts.testing.fake import FakeModelArts

    return FakeModelArts(clock=FakeClock())


@pytest.fixture
def fake_session(fake_cloud: Any) -> Any:
    """A ``Session`` calling ``fake_cloud`` in-process, sleeping on its clock."""
    from modelarts.session import Session

    return Session(transport=fake_cloud, clock=fake_cloud.clock, **fake_cloud.session_kwargs())
