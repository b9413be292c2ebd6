"""The pytest plugin, driven through ``pytester``: replay, record, the marker, the network guard.

Fixture files are genuine: the real ``RecordingTransport`` in front of the fake cloud writes
them. Runs that must not inherit this suite's own socket guard, or that record over HTTP,
run in a subprocess; the rest run in-process, which is much faster.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Callable, List

import pytest
from hypothesis import given
from hypothesis import strategies as st

from modelarts.estimator import Estimator
from modelarts.session import Session
from modelarts.testing import FakeClock, FakeModelArts
from modelarts.testing.plugin import RECORD_MODES, safe_file_name
from modelarts.transport import RecordingTransport, RecordMode

pytest_plugins = ["pytester"]

PLUGIN = "modelarts.testing.plugin"


@pytest.fixture
def project(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    """A project that loads the plugin explicitly, with this repository's strict settings."""
    # Whether or not the entry point is installed, load the plugin exactly once, via -p.
    monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")
    pytester.makeini(
        f"""
        [pytest]
        addopts = -p {PLUGIN} --strict-markers
        filterwarnings =
            error
            # in-process runs import the plugin a second time; nothing to rewrite in it
            ignore::pytest.PytestAssertRewriteWarning
        """
    )
    return pytester


def record(path: Path, fake: FakeModelArts, scenario: Callable[[Session], object]) -> None:
    """Write a genuine fixture file: ``scenario`` run through the recorder against ``fake``."""
    recorder = RecordingTransport(fake, path, mode="all")
    with Session(transport=recorder, clock=fake.clock, **fake.session_kwargs()) as session:
        scenario(session)


def version_ids(session: Session, job_id: int) -> List[str]:
    versions = Estimator(session, job_id=job_id).get_job_version_object_list(is_show=False)
    return [version.version_id for version in versions]


# -- import cost, options ----------------------------------------------------------------


def test_importing_the_plugin_loads_neither_the_sdk_nor_its_dependencies() -> None:
    code = (
        "import sys, modelarts.testing.plugin; "
        "print(sorted(m for m in ('urllib3', 'marshmallow', 'modelarts.session', "
        "'modelarts.transport.live', 'modelarts.schemas') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_record_modes_are_those_of_the_transport() -> None:
    assert tuple(mode.value for mode in RecordMode) == RECORD_MODES
    assert RECORD_MODES[0] == "none"


def test_a_misspelt_record_mode_is_a_usage_error_listing_the_modes(
    project: pytest.Pytester,
) -> None:
    project.makepyfile("def test_nothing(): pass")

    # A subprocess: what a user sees (in-process, old pytest and new pluggy add a warning).
    result = project.runpytest_subprocess("--modelarts-record-mode=onse")

    assert result.ret == pytest.ExitCode.USAGE_ERROR
    error = result.stderr.str()
    assert "--modelarts-record-mode" in error and "'onse'" in error
    assert all(mode in error for mode in RECORD_MODES)


def test_the_mode_is_spelt_as_on_a_command_line_and_announced(project: pytest.Pytester) -> None:
    project.makepyfile(
        """
        def test_mode(modelarts_record_mode):
            assert modelarts_record_mode == "new_episodes"
        """
    )

    result = project.runpytest_inprocess("--modelarts-record-mode=New-Episodes")

    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["modelarts: record mode 'new_episodes', fixtures in fixtures"])


# -- fixture file names --------------------------------------------------------------------


def test_safe_file_names_keep_readable_names_and_hash_the_rest() -> None:
    assert safe_file_name("test_x[gpu-2]") == "test_x[gpu-2]"
    assert safe_file_name("TestJobs.test_list") == "TestJobs.test_list"
    assert re.fullmatch(r"test_x\[a_b\]~[0-9a-f]{10}", safe_file_name("test_x[a/b]"))
    assert safe_file_name("test_x[a/b]") != safe_file_name("test_x[a:b]")
    assert safe_file_name("..") != ".." and not safe_file_name("..").startswith(".")


@given(st.lists(st.text(min_size=1, max_size=300), min_size=2, max_size=6, unique=True))
def test_safe_file_names_are_safe_and_distinct(names: List[str]) -> None:
    files = [safe_file_name(name) for name in names]
    assert len(set(files)) == len(files)
    for file in files:
        assert re.fullmatch(r"[A-Za-z0-9_.\[\]~-]{1,161}", file), file
        assert not file.startswith(".")


# -- replay (in-process: no network anywhere) -----------------------------------------------


def test_replays_the_test_file_or_the_marked_one_and_reports_what_no_test_replayed(
    project: pytest.Pytester,
) -> None:
    fake = FakeModelArts(clock=FakeClock())
    job_id = fake.add_job("mnist", versions=2)
    fixtures = project.path / "fixtures"
    expected: List[str] = []

    def versions_then_jobs(session: Session) -> None:
        expected.extend(version_ids(session, job_id))
        Estimator.get_job_list(session)  # recorded, never replayed below

    record(fixtures / "test_replay" / "test_versions.json", fake, versions_then_jobs)
    detail = f"/v1/{{project_id}}/training-jobs/{job_id}/versions/{expected[0]}"
    record(fixtures / "shared" / "detail.json", fake, lambda s: s.request("GET", detail))
    project.makepyfile(
        test_replay=f"""
        import pytest
        from modelarts.estimator import Estimator

        def test_versions(modelarts_session, modelarts_fixture_path):
            assert modelarts_fixture_path.parts[-3:] == (
                "fixtures", "test_replay", "test_versions.json")
            estimator = Estimator(modelarts_session, job_id="{job_id}")
            versions = estimator.get_job_version_object_list(is_show=False)
            assert [v.version_id for v in versions] == {expected!r}

        @pytest.mark.modelarts_fixture("shared/detail.json", allow_repeats=True)
        def test_marked(modelarts_session):
            first = modelarts_session.request("GET", "{detail}")
            assert first["version_id"] == {int(expected[0])}
            # Recorded once; allow_repeats answers the repeat with the last answer.
            assert modelarts_session.request("GET", "{detail}") == first

        class TestMissing:
            def test_never_recorded(self, modelarts_session):
                raise AssertionError("not reached: the fixture file does not exist")
        """
    )

    result = project.runpytest_inprocess("-rE")

    result.assert_outcomes(passed=2, errors=1)
    out = result.stdout.str()
    assert (
        "no recorded traffic for test_replay.py::TestMissing::test_never_recorded: "
        "fixtures/test_replay/TestMissing.test_never_recorded.json does not exist" in out
    )
    assert (
        "pytest --modelarts-record-mode=once "
        "test_replay.py::TestMissing::test_never_recorded" in out
    )
    result.stdout.fnmatch_lines(
        [
            "*= modelarts: recorded interactions no test replayed =*",
            "fixtures/test_replay/test_versions.json: 1 of 2 never replayed: "
            "#1 GET /v1/{project_id}/training-jobs",  # get_job_list sends only what is given
        ]
    )
    assert "shared/detail.json" not in out  # fully replayed


def test_fake_fixtures_in_process_and_over_loopback_http(project: pytest.Pytester) -> None:
    project.makepyfile(
        """
        import socket
        from modelarts.estimator import Estimator
        from modelarts.session import Session
        from modelarts.testing import FakeClock

        SEEN = []

        def test_in_process(modelarts_fake):
            assert isinstance(modelarts_fake.clock, FakeClock)
            job = modelarts_fake.add_job("mnist", versions=3)
            session = Session(transport=modelarts_fake, clock=modelarts_fake.clock,
                              **modelarts_fake.session_kwargs())
            estimator = Estimator(session, job_id=job)
            assert len(estimator.get_job_version_object_list(is_show=False)) == 3

        def test_over_http(modelarts_fake, modelarts_fake_server):
            assert modelarts_fake_server.fake is modelarts_fake
            assert modelarts_fake_server.url.startswith("http://127.0.0.1:")
            job = modelarts_fake.add_job("mnist", versions=2)
            # Loopback stays open under the network guard of record mode none.
            session = modelarts_fake_server.session()
            estimator = Estimator(session, job_id=job)
            assert len(estimator.get_job_version_object_list(is_show=False)) == 2
            assert modelarts_fake_server.server.requests_handled >= 1
            SEEN.append(modelarts_fake_server.server.port)

        def test_fresh_fake_and_server_stopped(modelarts_fake):
            assert modelarts_fake.jobs == [] and modelarts_fake.calls == []
            probe = socket.socket()
            try:
                assert probe.connect_ex(("127.0.0.1", SEEN[0])) != 0
            finally:
                probe.close()
        """
    )

    result = project.runpytest_inprocess()

    result.assert_outcomes(passed=3)


# -- record over loopback, replay offline, the guard (subprocesses) --------------------------

CLOUD_TESTS = """
import pytest
from modelarts.estimator import Estimator

def test_versions(modelarts_session):
    estimator = Estimator(modelarts_session, job_id="JOB_ID")
    assert len(estimator.get_job_version_object_list(is_show=False)) == 2

@pytest.mark.parametrize("search", ["a/b", "a:b"])
def test_search(modelarts_session, search):
    assert Estimator.get_job_list(modelarts_session, search_content=search)["jobs"] == []

class TestJobs:
    @pytest.mark.modelarts_fixture("shared/jobs.json")
    def test_list(self, modelarts_session):
        jobs = Estimator.get_job_list(modelarts_session)["jobs"]
        assert [job["job_name"] for job in jobs] == ["mnist"]
"""

NETWORK_TESTS = """
import socket
import pytest

REACHED = []
real_getaddrinfo = socket.getaddrinfo


@pytest.fixture(autouse=True)
def tripwire(monkeypatch):
    # Set up before the plugin's guard, so whatever gets past the guard lands here:
    # recorded, and refused, so that even a broken guard sends nothing.
    def connect(sock, address):
        REACHED.append(address)
        raise OSError("tripwire: a connect got past the guard")

    def getaddrinfo(host, *args, **kwargs):
        if host != "10.255.255.1":
            REACHED.append(host)
            raise OSError("tripwire: a lookup got past the guard")
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


def test_connect(modelarts_fake):
    socket.create_connection(("10.255.255.1", 9), timeout=5)


def test_lookup(modelarts_session):
    socket.getaddrinfo("modelarts.cn-north-4.myhuaweicloud.com", 443)


def test_swallowed(modelarts_fake):
    try:
        socket.create_connection(("10.255.255.1", 9), timeout=5)
    except BaseException:
        pass


def test_without_the_plugin_fixtures_nothing_is_guarded():
    with pytest.raises(OSError, match="tripwire"):
        socket.create_connection(("10.255.255.1", 19), timeout=5)


def test_only_the_unguarded_attempt_got_past():
    assert REACHED == [("10.255.255.1", 19)]
"""


def test_once_records_from_a_loopback_cloud_then_the_default_mode_replays_offline(
    project: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = FakeModelArts()  # the system clock: a plain Session() signs with it
    job_id = fake.add_job("mnist", versions=2)
    project.makepyfile(test_cloud=CLOUD_TESTS.replace("JOB_ID", str(job_id)))
    fixtures = project.path / "fixtures"

    with fake.serve() as server:
        environment = fake.environment(server.url)
        for name, value in environment.items():
            monkeypatch.setenv(name, value)
        recording = project.runpytest_subprocess("--modelarts-record-mode=once", "test_cloud.py")
        for name in environment:
            monkeypatch.delenv(name)

    recording.assert_outcomes(passed=4)
    assert recording.stderr.str().strip() == ""
    assert len(fake.calls) >= 4  # recorded from the cloud, over HTTP
    files = {p.relative_to(fixtures).as_posix() for p in fixtures.rglob("*.json")}
    searches = files - {"shared/jobs.json", "test_cloud/test_versions.json"}
    # Two ids that clean up to the same text still get files of their own.
    assert len(files) == 4 and len(searches) == 2
    for name in searches:
        assert re.fullmatch(r"test_cloud/test_search\[a_b\]~[0-9a-f]{10}\.json", name)
    for path in fixtures.rglob("*.json"):
        assert fake.secret_key not in path.read_text(encoding="utf-8")

    # No cloud, no credentials, no option: everything replays, and the guard is on.
    project.makepyfile(test_network=NETWORK_TESTS)
    (fixtures / "test_network").mkdir()
    shutil.copy(fixtures / "test_cloud" / "test_versions.json", fixtures / "test_network")
    (fixtures / "test_network" / "test_versions.json").rename(
        fixtures / "test_network" / "test_lookup.json"
    )
    replay = project.runpytest_subprocess()

    replay.assert_outcomes(passed=7, failed=2, errors=1)
    assert replay.stderr.str().strip() == ""  # no unclosed socket, no unraisable warning
    out = replay.stdout.str()
    assert (
        "modelarts: blocked a connection to 10.255.255.1:9 during "
        "test_network.py::test_connect" in out
    )
    assert "pytest --modelarts-record-mode=once test_network.py::test_connect" in out
    assert "blocked a DNS lookup of 'modelarts.cn-north-4.myhuaweicloud.com'" in out
    assert "ERROR at teardown of test_swallowed" in out
    assert "(the test caught the failure)" in out
    assert "never replayed" not in out  # every recorded interaction was used


# -- what the plugin does to tests that do not use it ------------------------------------------


def test_a_test_without_the_fixtures_gets_no_hook_and_set_endpoint_is_cleared_after_one_that_has(
    project: pytest.Pytester,
) -> None:
    project.makepyfile(
        """
        from modelarts.session import Session

        def _hooked(config):
            return config.pluginmanager.has_plugin("modelarts-test-outcomes")

        def test_plain(request):
            assert not _hooked(request.config)
            Session.set_endpoint(modelarts_endpoint="http://127.0.0.1:9")

        def test_plain_keeps_what_it_set(request):
            # Not the plugin's business: it only cleans up after its own fixtures.
            session = Session("AK00000000000000000001", "sk", "p", "cn-north-4")
            assert session.modelarts_endpoint == "http://127.0.0.1:9"

        def test_fake(modelarts_fake, request):
            assert _hooked(request.config)

        def test_after_a_plugin_fixture_nothing_is_left_set():
            session = Session("AK00000000000000000001", "sk", "p", "cn-north-4")
            assert session.modelarts_endpoint == "https://modelarts.cn-north-4.myhuaweicloud.com"
        """
    )
    result = project.runpytest_inprocess("-p", "no:randomly")
    result.assert_outcomes(passed=4)


STORY_TESTS = """
import os

def test_story(modelarts_session):
    path = "/v1/{project_id}/training-jobs/JOB_ID/versions"
    modelarts_session.request("GET", path, query={"page": "1"})
    if os.environ.get("STOP_EARLY"):
        raise AssertionError("stopped half-way")
    modelarts_session.request("GET", path, query={"page": "2"})
"""


def test_a_failing_test_in_mode_all_keeps_its_longer_fixture(
    project: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = FakeModelArts()
    job_id = fake.add_job("mnist", versions=2)
    project.makepyfile(test_story=STORY_TESTS.replace("JOB_ID", str(job_id)))
    path = project.path / "fixtures" / "test_story" / "test_story.json"
    with fake.serve() as server:
        for name, value in fake.environment(server.url).items():
            monkeypatch.setenv(name, value)
        project.runpytest_subprocess("--modelarts-record-mode=all").assert_outcomes(passed=1)
        before = path.read_bytes()
        monkeypatch.setenv("STOP_EARLY", "1")
        project.runpytest_subprocess("--modelarts-record-mode=all").assert_outcomes(failed=1)
    assert path.read_bytes() == before  # not replaced by the one-request story
