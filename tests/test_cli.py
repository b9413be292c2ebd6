"""``modelarts`` command: every command against the fake cloud over HTTP and from a fixture.

The helpers here (``Stream``, ``run``, the ``cloud`` and ``recorded`` fixtures)
are shared with ``test_cli_errors.py`` and ``test_cli_process.py``.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional

import pytest

from modelarts.cli import main
from modelarts.display import render_versions_table
from modelarts.estimator import Estimator
from modelarts.session import Session
from modelarts.testing import FakeClock, FakeModelArts
from modelarts.training_job import JobStatus, TrainingJob
from modelarts.transport import RecordingTransport

JOB = "182626"  # the README's job: 5 versions, the latest running
OTHER = "182627"  # 2 versions, completed, a CJK name and a description
FAILED_JOB = "182628"  # 1 version, failed
RUNNING_VERSION = "278817"
VERSIONS_PATH = "/v1/{project_id}/training-jobs/{job_id}/versions"


class Stream(io.StringIO):
    """A text stream that says whether it is a terminal, and can be read from like stdin."""

    def __init__(self, text: str = "", *, tty: bool = False) -> None:
        super().__init__(text)
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


@dataclass
class Result:
    status: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)

    def lines(self) -> List[str]:
        return self.out.splitlines()


def run(
    *argv: str,
    stdin: Optional[Stream] = None,
    stdout_tty: bool = False,
    stderr_tty: bool = False,
) -> Result:
    """``main(argv)`` in-process with captured streams (none a terminal unless asked)."""
    out = Stream(tty=stdout_tty)
    err = Stream(tty=stderr_tty)
    status = main(list(argv), stdin=stdin or Stream(), stdout=out, stderr=err)
    return Result(status, out.getvalue(), err.getvalue())


def seeded_fake() -> FakeModelArts:
    # A frozen clock: a running version's duration does not move between two runs,
    # so live and replayed output can be compared byte for byte.
    fake = FakeModelArts(clock=FakeClock(datetime.now(timezone.utc).replace(microsecond=0)))
    fake.add_job("mnist-tensorflow", versions=5, status=JobStatus.RUNNING, desc="TF MNIST")
    fake.add_job("resnet-训练", versions=2, desc="图像\n分类", engine_id=1, spec_id=2)
    fake.add_job("bert-finetune", versions=1, status=JobStatus.FAILED)
    return fake


@dataclass
class Cloud:
    """The fake cloud served on 127.0.0.1, and the options that point the command at it."""

    fake: FakeModelArts
    url: str

    @property
    def options(self) -> List[str]:
        return [
            "--endpoint",
            self.url,
            "--iam-endpoint",
            self.url,
            "--region",
            self.fake.region,
            "--project-id",
            self.fake.project_id,
        ]

    def run(self, *argv: str, **kwargs: Any) -> Result:
        return run(*argv, *self.options, **kwargs)

    def session(self) -> Session:
        """An in-process session on the same fake, for expected values."""
        return Session(transport=self.fake, **self.fake.session_kwargs())

    def calls(self, method: str, pattern: str) -> int:
        return len(self.fake.calls_to(method, pattern))


def serve_cloud(monkeypatch: pytest.MonkeyPatch) -> Iterator[Cloud]:
    """The body of the ``cloud`` fixture (each CLI test module declares its own)."""
    fake = seeded_fake()
    monkeypatch.setenv("HUAWEICLOUD_SDK_AK", fake.access_key)
    monkeypatch.setenv("HUAWEICLOUD_SDK_SK", fake.secret_key)
    with fake.serve() as server:
        yield Cloud(fake, server.url)


@pytest.fixture
def cloud(monkeypatch: pytest.MonkeyPatch) -> Iterator[Cloud]:
    yield from serve_cloud(monkeypatch)


def record(fake: FakeModelArts, path: Path, calls: Any) -> Path:
    """Record ``calls(session)`` against the in-process fake with the real recorder."""
    recorder = RecordingTransport(fake, path, mode="all")
    session = Session(transport=recorder, **fake.session_kwargs())
    try:
        calls(session)
    finally:
        session.close()  # writes the file
    return path


def the_commands_calls(session: Session) -> None:
    """The SDK calls the read-only commands below make, with the command's defaults."""
    list(Estimator(session, job_id=JOB).iter_job_versions())  # jobs versions (page size 1000)
    Estimator.get_job_list(session, per_page=50, page=1, sortBy="create_time", order="desc")
    version = TrainingJob(session, JOB, RUNNING_VERSION)
    version.get_job_info()  # jobs show
    version.get_job_log(lines=50, order="desc")  # jobs logs


def record_commands(cloud: Cloud, tmp_path: Path) -> Path:
    """A fixture file of the read-only commands, recorded from the same fake as ``cloud``."""
    return record(cloud.fake, tmp_path / "commands.json", the_commands_calls)


@pytest.fixture
def recorded(cloud: Cloud, tmp_path: Path) -> Path:
    return record_commands(cloud, tmp_path)


def replay(fixture: Path, *argv: str, **kwargs: Any) -> Result:
    return run(*argv, "--replay", str(fixture), **kwargs)


def expected_records(fake: FakeModelArts, job_id: str) -> List[Dict[str, Any]]:
    """The list-versions records the server sends for a job, newest first."""
    return [dict(version.record) for version in fake.job(job_id).versions]


# -- jobs versions ---------------------------------------------------------------------------


def test_versions_table_is_the_is_show_table_live_and_replayed(
    cloud: Cloud, recorded: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    live = cloud.run("jobs", "versions", JOB)
    expected = render_versions_table(Estimator(cloud.session(), job_id=JOB).iter_job_versions())
    assert (live.status, live.err) == (0, "")
    assert live.out == expected + "\n"
    rows = live.lines()
    assert rows[0].split()[:3] == ["VERSION", "VERSION", "ID"]
    assert [row.split()[:3] for row in rows[1:]] == [
        ["V0005", "278817", "RUNNING"],
        ["V0004", "278816", "COMPLETED"],
        ["V0003", "278815", "COMPLETED"],
        ["V0002", "278814", "COMPLETED"],
        ["V0001", "278813", "COMPLETED"],
    ]
    # The README's command: a fixture, and no credentials at all.
    monkeypatch.delenv("HUAWEICLOUD_SDK_AK")
    monkeypatch.delenv("HUAWEICLOUD_SDK_SK")
    replayed = replay(recorded, "jobs", "versions", JOB)
    assert (replayed.status, replayed.out, replayed.err) == (0, live.out, "")


@pytest.mark.parametrize("output", ["json", "jsonl"])
def test_versions_json_outputs_are_the_servers_records(
    cloud: Cloud, recorded: Path, output: str
) -> None:
    expected = expected_records(cloud.fake, JOB)
    for result in (
        cloud.run("jobs", "versions", JOB, "-o", output),
        replay(recorded, "jobs", "versions", JOB, "--output", output),
    ):
        assert (result.status, result.err) == (0, "")
        if output == "json":
            assert result.json() == expected
        else:
            assert [json.loads(line) for line in result.lines()] == expected


def test_versions_page_size_pages_through_the_job(cloud: Cloud) -> None:
    result = cloud.run("jobs", "versions", JOB, "--page-size", "2", "-o", "jsonl")
    assert result.status == 0
    assert [json.loads(line)["version_id"] for line in result.lines()] == [
        278817,
        278816,
        278815,
        278814,
        278813,
    ]
    assert cloud.calls("GET", VERSIONS_PATH) == 3  # 2 + 2 + 1


class _WatchingStdout(Stream):
    """Notes how many list-versions requests the fake had seen when each line was complete."""

    def __init__(self, cloud: Cloud) -> None:
        super().__init__()
        self.cloud = cloud
        self.requests_seen: List[int] = []

    def write(self, text: str) -> int:
        if text.endswith("\n"):  # a record is complete
            self.requests_seen.append(self.cloud.calls("GET", VERSIONS_PATH))
        return super().write(text)


def test_jsonl_streams_each_page_before_fetching_the_next(cloud: Cloud) -> None:
    out = _WatchingStdout(cloud)
    argv = ["jobs", "versions", JOB, "--page-size", "2", "-o", "jsonl", *cloud.options]
    assert main(argv, stdin=Stream(), stdout=out, stderr=Stream()) == 0
    assert out.requests_seen == [1, 1, 2, 2, 3]


def test_json_output_keeps_non_ascii_as_text(cloud: Cloud) -> None:
    result = cloud.run("jobs", "list", "-o", "jsonl", "--search", "resnet")
    assert "resnet-训练" in result.out
    assert json.loads(result.out)["job_name"] == "resnet-训练"


# -- jobs list -------------------------------------------------------------------------------


def test_list_table_live_and_replayed(cloud: Cloud, recorded: Path) -> None:
    live = cloud.run("jobs", "list")
    assert (live.status, live.err) == (0, "")
    header, *rows = live.lines()
    assert header.split() == [
        "JOB",
        "ID",
        "NAME",
        "STATUS",
        "VERSIONS",
        "CREATED",
        "DURATION",
        "DESCRIPTION",
    ]
    # Newest first by default; a newline in a description does not break its row.
    assert [row.split()[:4] for row in rows] == [
        ["182628", "bert-finetune", "FAILED", "1"],
        ["182627", "resnet-训练", "COMPLETED", "2"],
        ["182626", "mnist-tensorflow", "RUNNING", "5"],
    ]
    assert rows[1].endswith("图像 分类")
    assert replay(recorded, "jobs", "list").out == live.out


def test_list_filters_and_sorting_reach_the_server(cloud: Cloud) -> None:
    running = cloud.run("jobs", "list", "--status", "running", "-o", "json")
    assert [job["job_id"] for job in running.json()] == [182626]
    by_code = cloud.run("jobs", "list", "--status", "11", "-o", "json")
    assert [job["job_id"] for job in by_code.json()] == [182628]
    found = cloud.run("jobs", "list", "--search", "BERT", "-o", "json")
    assert [job["job_name"] for job in found.json()] == ["bert-finetune"]
    ordered = cloud.run("jobs", "list", "--sort-by", "job_name", "--order", "asc", "-o", "json")
    assert [job["job_name"] for job in ordered.json()] == [
        "bert-finetune",
        "mnist-tensorflow",
        "resnet-训练",
    ]
    (query,) = [
        call.query
        for call in cloud.fake.calls_to("GET", "/v1/{project_id}/training-jobs")
        if call.query.get("search_content")
    ]
    assert query["search_content"] == "BERT"


def test_list_json_is_the_servers_records(cloud: Cloud) -> None:
    expected = Estimator.get_job_list(
        cloud.session(), per_page=50, sortBy="create_time", order="desc"
    )["jobs"]
    result = cloud.run("jobs", "list", "-o", "json")
    assert result.json() == expected


def test_list_one_page_says_there_is_more(cloud: Cloud) -> None:
    result = cloud.run("jobs", "list", "--per-page", "2", "--page", "1")
    assert len(result.lines()) == 3
    assert result.err == "showing jobs 1-2 of 3; --page 2 for the next page, --all for every job\n"
    last = cloud.run("jobs", "list", "--per-page", "2", "--page", "2")
    assert (len(last.lines()), last.err) == (2, "")


def test_list_all_walks_every_page(cloud: Cloud) -> None:
    result = cloud.run("jobs", "list", "--all", "--per-page", "1", "-o", "jsonl")
    assert [json.loads(line)["job_id"] for line in result.lines()] == [182628, 182627, 182626]
    pages = [
        call.query["page"] for call in cloud.fake.calls_to("GET", "/v1/{project_id}/training-jobs")
    ]
    assert pages == ["1", "2", "3"]
    table = cloud.run("jobs", "list", "--all")
    assert (len(table.lines()), table.err) == (4, "")


# -- jobs show / logs ------------------------------------------------------------------------


def test_show_json_is_the_version_details(cloud: Cloud, recorded: Path) -> None:
    expected = TrainingJob(cloud.session(), JOB, RUNNING_VERSION).get_job_info()
    live = cloud.run("jobs", "show", JOB, RUNNING_VERSION, "-o", "json")
    assert (live.status, live.json()) == (0, expected)
    assert replay(recorded, "jobs", "show", JOB, RUNNING_VERSION, "-o", "json").json() == expected


def test_show_table_lists_every_field_main_ones_first(cloud: Cloud, recorded: Path) -> None:
    live = cloud.run("jobs", "show", JOB, RUNNING_VERSION)
    assert live.status == 0
    pairs = [line.split(None, 1) for line in live.lines()]
    keys = [pair[0] for pair in pairs]
    assert keys[:5] == ["job_id", "job_name", "version_id", "version_name", "status"]
    details = TrainingJob(cloud.session(), JOB, RUNNING_VERSION).get_job_info()
    assert sorted(keys) == sorted(set(details) - {"is_success"})
    shown = dict(pairs)
    assert shown["status"] == "RUNNING (8)"
    assert shown["version_name"] == "V0005"
    assert shown["job_name"] == "mnist-tensorflow"
    assert replay(recorded, "jobs", "show", JOB, RUNNING_VERSION).out == live.out


def test_logs_print_the_log_text(cloud: Cloud, recorded: Path) -> None:
    expected = TrainingJob(cloud.session(), JOB, RUNNING_VERSION).get_job_log(
        lines=50, order="desc"
    )
    assert expected["content"]
    live = cloud.run("jobs", "logs", JOB, RUNNING_VERSION)
    assert (live.status, live.out) == (0, expected["content"])
    assert replay(recorded, "jobs", "logs", JOB, RUNNING_VERSION).out == live.out


def test_logs_of_a_named_file_and_line_count(cloud: Cloud) -> None:
    names = TrainingJob(cloud.session(), OTHER, "278819").get_job_log_file_list()
    first = names["log_file_list"][0]
    result = cloud.run("jobs", "logs", OTHER, "278819", "--file", first, "--lines", "3")
    assert result.status == 0
    assert len(result.lines()) == 3
    (call,) = cloud.fake.calls_to("GET", VERSIONS_PATH + "/{version_id}/aom-log")[-1:]
    assert (call.query["log_file"], call.query["lines"]) == (first, "3")


# -- changes ---------------------------------------------------------------------------------


def test_stop_with_yes(cloud: Cloud) -> None:
    result = cloud.run("jobs", "stop", JOB, RUNNING_VERSION, "--yes")
    assert (result.status, result.out, result.err) == (
        0,
        f"stopping version {RUNNING_VERSION} of job {JOB}\n",
        "",
    )
    assert cloud.fake.version(JOB, RUNNING_VERSION).status == JobStatus.KILLED


def test_delete_version_with_yes(cloud: Cloud) -> None:
    result = cloud.run("jobs", "delete-version", JOB, "278813", "-y")
    assert result.status == 0
    assert 278813 not in cloud.fake.job(JOB).version_ids
    assert len(cloud.fake.job(JOB).version_ids) == 4


def test_delete_job_with_yes(cloud: Cloud) -> None:
    result = cloud.run("jobs", "delete", OTHER, "--yes")
    assert (result.status, result.out) == (0, f"deleting job {OTHER} and all its versions\n")
    assert [job.job_id for job in cloud.fake.jobs] == [182626, 182628]


def test_describe(cloud: Cloud) -> None:
    result = cloud.run("jobs", "describe", JOB, "--description", "digits, again")
    assert (result.status, result.out) == (0, f"updated the description of job {JOB}\n")
    assert cloud.fake.job(JOB).job_desc == "digits, again"
    assert cloud.run("jobs", "describe", JOB, "-d", "").status == 0
    assert cloud.fake.job(JOB).job_desc == ""


# -- options ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "argv",
    [
        ["--replay", "{f}", "jobs", "versions", JOB],
        ["jobs", "--replay", "{f}", "versions", JOB],
        ["jobs", "versions", "--replay", "{f}", JOB],
        ["jobs", "versions", JOB, "--replay", "{f}"],
    ],
)
def test_global_options_go_anywhere(recorded: Path, argv: List[str]) -> None:
    result = run(*(str(recorded) if arg == "{f}" else arg for arg in argv))
    assert (result.status, len(result.lines())) == (0, 6)


def test_global_options_before_the_command_reach_the_session(cloud: Cloud) -> None:
    result = run(*cloud.options, "jobs", "versions", JOB, "-o", "json")
    assert (result.status, len(result.json())) == (0, 5)


def test_record_writes_a_fixture_that_replays_the_same(cloud: Cloud, tmp_path: Path) -> None:
    path = tmp_path / "sub" / "versions.json"
    live = cloud.run("jobs", "versions", JOB, "--record", str(path))
    assert live.status == 0
    text = path.read_text()
    assert cloud.fake.secret_key not in text
    assert cloud.fake.project_id not in text
    assert replay(path, "jobs", "versions", JOB).out == live.out


def test_record_mode_new_episodes_adds_to_a_fixture(cloud: Cloud, tmp_path: Path) -> None:
    path = tmp_path / "two.json"
    assert cloud.run("jobs", "versions", JOB, "--record", str(path)).status == 0
    again = cloud.run(
        "jobs", "versions", OTHER, "--record", str(path), "--record-mode", "new-episodes"
    )
    assert again.status == 0
    assert len(json.loads(path.read_text())["interactions"]) == 2
    assert replay(path, "jobs", "versions", JOB).status == 0
    assert replay(path, "jobs", "versions", OTHER).out == again.out


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    import modelarts

    result = run("--version")
    assert result.status == 0
    assert result.out.startswith(f"modelarts {modelarts.__version__} (Python ")
    assert main(["--version"]) == 0  # the process's own stdout by default
    assert capsys.readouterr().out == result.out


def test_help_goes_to_stdout_and_exits_0() -> None:
    result = run("jobs", "versions", "--help")
    assert result.status == 0
    assert "--page-size" in result.out
    assert "--replay" in result.out
    assert result.err == ""
