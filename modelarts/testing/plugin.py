"""The ``modelarts`` pytest plugin: tests replay recorded ModelArts traffic, offline by default.

::

    # tests/test_versions.py
    from modelarts.estimator import Estimator

    def test_versions(modelarts_session):
        estimator = Estimator(modelarts_session, job_id="182626")
        assert len(estimator.get_job_version_object_list(is_show=False)) == 3

    $ pytest --modelarts-record-mode=once tests/test_versions.py   # once, with credentials
    $ pytest                                # ever after: replays, no network, no credentials

``modelarts_session`` replays ``<fixtures dir>/<module stem>/<test name>.json``
(``modelarts_fixtures_dir`` in the ini file, default ``fixtures`` under the
rootdir; class methods are named ``Class.test``, parametrized ids made safe
for a file name). ``@pytest.mark.modelarts_fixture("shared/x.json",
allow_repeats=True)`` picks another file. ``--modelarts-record-mode`` is
``none`` (the default: replay only, so CI never records), ``once``,
``new_episodes`` or ``all``, as for ``RecordingTransport``. In ``none`` mode
a test using these fixtures cannot reach the network: connecting anywhere but
loopback fails it, with the command that records it; and the run ends with a
list of recorded interactions that no test replayed.

``modelarts_fake`` is a fresh in-memory ``FakeModelArts`` on a ``FakeClock``;
``modelarts_fake_server`` serves that same fake on 127.0.0.1 and builds
Sessions that reach it over real HTTP (``modelarts_fake_server.session()``).

Registered through the ``pytest11`` entry point, this module is imported by
every pytest run of a project that installs the SDK, so it imports only pytest
and the standard library; the SDK loads inside the fixtures that use it. It
hooks no test's setup, and no test's report until a test uses one of its
fixtures (``_Outcomes``): a project that never does runs as if it were not
installed. After a test that used them, whatever
``Session.set_endpoint`` stored is cleared (``Session.clear_endpoints()``).
"""

from __future__ import annotations

import hashlib
import os
import re
import shlex
from pathlib import Path
from typing import (
    TYPE_CHECKING,
    Any,
    Dict,
    Iterator,
    List,
    NoReturn,
    Optional,
    Set,
    Tuple,
)

import pytest

from ._fake_server import FakeCloudServer
from ._network_guard import NetworkGuard

if TYPE_CHECKING:
    from ..session import Session
    from ..transport.fixture import RecordingTransport
    from .fake import FakeModelArts

__all__ = [
    "DEFAULT_FIXTURES_DIR",
    "MARKER",
    "RECORD_MODES",
    "FakeCloudServer",
    "NetworkGuard",
    "safe_file_name",
]

#: The values of ``--modelarts-record-mode`` (those of ``RecordMode``), the first the default.
RECORD_MODES = ("none", "once", "new_episodes", "all")
#: The ini option naming the fixture directory, and its default (relative to the rootdir).
FIXTURES_DIR_INI = "modelarts_fixtures_dir"
DEFAULT_FIXTURES_DIR = "fixtures"
#: The marker choosing a test's fixture file.
MARKER = "modelarts_fixture"

_MARKER_HELP = (
    f"{MARKER}(path=None, *, allow_repeats=False): replay this fixture file (relative to the "
    f"{FIXTURES_DIR_INI} directory) in modelarts_session instead of "
    "<module stem>/<test name>.json; allow_repeats=True answers a repeated request with "
    "its last recorded answer."
)
# Longest file name we produce before ".json": room below the usual 255-byte limit.
_MAX_NAME = 150
_UNSAFE = re.compile(r"[^A-Za-z0-9_.\[\]-]")
_SHOWN_UNPLAYED = 10


# -- options and configuration ---------------------------------------------------------


def _record_mode(value: str) -> str:
    # Spelled as on a command line ("New-Episodes"); argparse then checks the choices.
    return value.strip().lower().replace("-", "_")


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("modelarts", "ModelArts record and replay")
    group.addoption(
        "--modelarts-record-mode",
        action="store",
        dest="modelarts_record_mode",
        default=RECORD_MODES[0],
        type=_record_mode,
        choices=RECORD_MODES,
        help=(
            "how modelarts_session treats fixture files: none (default) replays only and "
            "blocks the network; once records a missing file; new_episodes records requests "
            "not in the file; all records everything again. Recording needs credentials "
            "(HUAWEICLOUD_SDK_* variables or ~/.huaweicloud/credentials)."
        ),
    )
    parser.addini(
        FIXTURES_DIR_INI,
        help=f"directory of modelarts fixture files, relative to the rootdir "
        f"(default: {DEFAULT_FIXTURES_DIR})",
        default=DEFAULT_FIXTURES_DIR,
    )


class _State:
    """What one pytest run knows: the mode, the fixture directory, replay coverage."""

    def __init__(self, config: pytest.Config) -> None:
        self.mode: str = config.getoption("modelarts_record_mode")
        self.rootpath = Path(config.rootpath)
        configured = str(config.getini(FIXTURES_DIR_INI) or DEFAULT_FIXTURES_DIR)
        self.fixtures_dir = self.rootpath / configured
        self.coverage = _Coverage()

    def show(self, path: Path) -> str:
        """``path`` relative to the rootdir when it is inside it."""
        try:
            return str(path.relative_to(self.rootpath))
        except ValueError:
            return str(path)


_STATE = pytest.StashKey[_State]()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", _MARKER_HELP)
    config.stash[_STATE] = _State(config)


def pytest_report_header(config: pytest.Config) -> Optional[str]:
    state = config.stash.get(_STATE, None)
    if state is None or state.mode == "none":
        return None  # the quiet default; a recording run should say so
    return f"modelarts: record mode {state.mode!r}, fixtures in {state.show(state.fixtures_dir)}"


def _state(config: pytest.Config) -> _State:
    return config.stash[_STATE]


_OUTCOME = pytest.StashKey[Tuple[bool, Optional[BaseException]]]()
_OUTCOMES_PLUGIN = "modelarts-test-outcomes"


class _Outcomes:
    """Keeps the call-phase outcome of the tests that use this plugin's fixtures.

    Fixture teardowns need it: a blocked connection the test swallowed fails
    the test anyway, and replay coverage counts passing tests only. It is
    registered the first time a test uses one of the fixtures, so a project
    that never does has no hook on its tests at all; after that it keeps
    nothing for a test that does not use them.
    """

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: "pytest.CallInfo[None]") -> None:
        if call.when == "call" and _OUTCOME in item.stash:
            item.stash[_OUTCOME] = (True, call.excinfo.value if call.excinfo else None)


def _watch(item: pytest.Item) -> None:
    """Keep ``item``'s outcome for ``_call_outcome``, registering ``_Outcomes`` once."""
    item.stash[_OUTCOME] = (False, None)
    plugins = item.config.pluginmanager
    if not plugins.has_plugin(_OUTCOMES_PLUGIN):
        plugins.register(_Outcomes(), _OUTCOMES_PLUGIN)


def _call_outcome(item: pytest.Item) -> Tuple[bool, Optional[BaseException]]:
    """``(ran, exception)`` for the call phase of a ``_watch``-ed ``item``."""
    return item.stash.get(_OUTCOME, (False, None))


# -- fixture file names --------------------------------------------------------------


def safe_file_name(name: str) -> str:
    """A file name for a test name, distinct for distinct names.

    Letters, digits, ``_ . - [ ]`` are kept, so ``test_x[gpu-2]`` stays
    readable; when anything else had to be replaced (``test_x[a/b]``), a name
    starts with a dot, or it is too long, a hash of the original is appended
    after ``~`` (a character never kept), so two ids never share a file.
    """
    cleaned = _UNSAFE.sub("_", name)
    if cleaned.startswith("."):
        cleaned = "_" + cleaned[1:]
    if cleaned == name and len(name) <= _MAX_NAME:
        return name
    digest = hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()[:10]
    return f"{cleaned[:_MAX_NAME]}~{digest}"


def _default_relative_path(node: pytest.Item) -> Path:
    classes = [parent.name for parent in node.listchain() if isinstance(parent, pytest.Class)]
    name = ".".join([*classes, node.name])
    return Path(Path(str(node.path)).stem) / f"{safe_file_name(name)}.json"


def _marker_options(node: pytest.Item) -> Tuple[Optional[str], bool]:
    """``(path, allow_repeats)`` from the closest ``modelarts_fixture`` marker."""
    marker = node.get_closest_marker(MARKER)
    if marker is None:
        return None, False
    kwargs = dict(marker.kwargs)
    args = list(marker.args)
    if "path" in kwargs:
        args.insert(0, kwargs.pop("path"))
    allow_repeats = kwargs.pop("allow_repeats", False)
    usage = f"use @pytest.mark.{MARKER}('dir/name.json', allow_repeats=False)"
    if kwargs:
        _fail_setup(f"{MARKER}: unknown argument(s) {', '.join(sorted(kwargs))}; {usage}")
    if len(args) > 1:
        _fail_setup(f"{MARKER}: takes one path, got {len(args)}; {usage}")
    path = args[0] if args else None
    if path is not None and not isinstance(path, (str, os.PathLike)):
        _fail_setup(f"{MARKER}: the path must be a str, got {type(path).__name__}; {usage}")
    if not isinstance(allow_repeats, bool):
        _fail_setup(f"{MARKER}: allow_repeats must be True or False, got {allow_repeats!r}")
    return (os.fspath(path) if path is not None else None), allow_repeats


def _fail_setup(message: str) -> NoReturn:
    __tracebackhide__ = True
    pytest.fail(message, pytrace=False)


def _test_item(request: pytest.FixtureRequest) -> pytest.Item:
    node = request.node
    if not isinstance(node, pytest.Item):  # pragma: no cover - function-scoped fixtures only
        raise TypeError("modelarts fixtures are function-scoped")
    return node


# -- replay coverage -------------------------------------------------------------------


class _Coverage:
    """Which recorded interactions of each fixture file some passing test replayed."""

    def __init__(self) -> None:
        self.files: Dict[Path, Tuple[Dict[int, str], Set[int]]] = {}

    def note(self, path: Path, transport: "RecordingTransport") -> None:
        described = {
            index: f"{request.method} {request.target()}"
            for index, request in enumerate(transport.recorded_requests)
        }
        played = set(described) - set(transport.unplayed())
        entry = self.files.setdefault(path, (described, set()))
        entry[1].update(played)

    def unplayed(self) -> List[Tuple[Path, Dict[int, str], List[int]]]:
        found = []
        for path in sorted(self.files):
            described, played = self.files[path]
            missing = sorted(set(described) - played)
            if missing:
                found.append((path, described, missing))
        return found


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    state = config.stash.get(_STATE, None)
    if state is None or state.mode != "none":
        return
    unplayed = state.coverage.unplayed()
    if not unplayed:
        return
    terminalreporter.write_sep("=", "modelarts: recorded interactions no test replayed")
    for path, described, missing in unplayed:
        shown = ", ".join(f"#{index} {described[index]}" for index in missing[:_SHOWN_UNPLAYED])
        if len(missing) > _SHOWN_UNPLAYED:
            shown += f", ... and {len(missing) - _SHOWN_UNPLAYED} more"
        terminalreporter.write_line(
            f"{state.show(path)}: {len(missing)} of {len(described)} never replayed: {shown}"
        )


# -- fixtures ---------------------------------------------------------------------------


@pytest.fixture
def modelarts_record_mode(request: pytest.FixtureRequest) -> str:
    """The run's record mode: ``none``, ``once``, ``new_episodes`` or ``all``."""
    return _state(request.config).mode


@pytest.fixture
def modelarts_fixture_path(request: pytest.FixtureRequest) -> Path:
    """The fixture file ``modelarts_session`` replays (or records) for this test."""
    state = _state(request.config)
    chosen, _ = _marker_options(_test_item(request))
    relative = Path(chosen) if chosen is not None else _default_relative_path(_test_item(request))
    return state.fixtures_dir / relative


@pytest.fixture
def modelarts_network_guard(request: pytest.FixtureRequest) -> Iterator[Optional[NetworkGuard]]:
    """In record mode ``none``, a ``NetworkGuard`` for this test; ``None`` otherwise."""
    if _state(request.config).mode != "none":
        yield None
        return
    item = _test_item(request)
    _watch(item)
    guard = NetworkGuard(item.nodeid)
    guard.install()
    try:
        yield guard
    finally:
        guard.uninstall()
    ran, error = _call_outcome(item)
    if ran and guard.swallowed(error):
        pytest.fail(
            guard.message(", ".join(guard.blocked)) + " (the test caught the failure)",
            pytrace=False,
        )


@pytest.fixture
def modelarts_session(
    request: pytest.FixtureRequest,
    modelarts_fixture_path: Path,
    modelarts_network_guard: Optional[NetworkGuard],
) -> Iterator["Session"]:
    """A ``Session`` that replays (or, when recording, records) this test's fixture file.

    Record mode ``none``: a ``FixtureTransport``, no credentials needed, and a
    missing file fails the test with the command that records it. Other
    modes: a ``RecordingTransport`` around the live ``Urllib3Transport``, with
    credentials, region and project resolved as a plain ``Session()`` does.
    The session is closed at teardown, which writes the recording.
    """
    from ..session import Session

    state = _state(request.config)
    item = _test_item(request)
    path = modelarts_fixture_path
    _watch(item)
    _, allow_repeats = _marker_options(item)
    if state.mode == "none" and not path.exists():
        _fail_setup(
            f"no recorded traffic for {item.nodeid}: {state.show(path)} does not exist. "
            "Record it once (with credentials in HUAWEICLOUD_SDK_* variables): "
            f"pytest --modelarts-record-mode=once {shlex.quote(item.nodeid)} "
            "and commit the file; later runs replay it offline."
        )
    from ..transport.choice import choose_transport, close_after
    from ..transport.fixture import RecordingTransport

    transport = choose_transport(
        fixture=path, mode=state.mode, allow_repeats=allow_repeats
    ).transport
    try:
        session = Session(transport=transport)
    except BaseException:
        # Closing a recorder would write an empty fixture: close what it wraps.
        inner = transport.inner if isinstance(transport, RecordingTransport) else transport
        if inner is not None:
            inner.close()
        raise
    try:
        yield session
    finally:
        # A test that failed keeps the fixture it had rather than write a shorter one.
        close_after(session.transport, _call_outcome(item)[1])
        _forget_endpoints()
    ran, error = _call_outcome(item)
    if isinstance(transport, RecordingTransport) and state.mode == "none" and ran and not error:
        state.coverage.note(path, transport)


@pytest.fixture
def modelarts_fake(modelarts_network_guard: Optional[NetworkGuard]) -> Iterator["FakeModelArts"]:
    """A fresh in-memory ``FakeModelArts`` on a ``FakeClock`` (``modelarts_fake.clock``).

    Use it as a transport, passing its clock so signatures agree with it::

        session = Session(transport=modelarts_fake, clock=modelarts_fake.clock,
                          **modelarts_fake.session_kwargs())
    """
    from .clock import FakeClock
    from .fake import FakeModelArts

    yield FakeModelArts(clock=FakeClock())
    _forget_endpoints()


def _forget_endpoints() -> None:
    """``Session.set_endpoint`` holds for the whole process; a test using these
    fixtures leaves nothing set for the next one."""
    from ..session import Session

    Session.clear_endpoints()


@pytest.fixture
def modelarts_fake_server(modelarts_fake: "FakeModelArts") -> Iterator[FakeCloudServer]:
    """``modelarts_fake`` served on 127.0.0.1; see ``FakeCloudServer``."""
    server = modelarts_fake.serve().start()
    served = FakeCloudServer(modelarts_fake, server)
    try:
        yield served
    finally:
        served.close()
