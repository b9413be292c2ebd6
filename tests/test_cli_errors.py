"""``modelarts`` command: exit statuses, one-line errors, confirmation, --debug, progress."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Iterator, List

import pytest
from test_cli import (
    JOB,
    RUNNING_VERSION,
    VERSIONS_PATH,
    Cloud,
    Stream,
    record,
    record_commands,
    replay,
    run,
    serve_cloud,
)

from modelarts.cli import main
from modelarts.estimator import Estimator
from modelarts.testing import Disconnect, NotJSON, server_error
from modelarts.training_job import JobStatus

STOP_PATH = VERSIONS_PATH + "/{version_id}/stop"


@pytest.fixture
def cloud(monkeypatch: pytest.MonkeyPatch) -> Iterator[Cloud]:
    yield from serve_cloud(monkeypatch)


@pytest.fixture
def recorded(cloud: Cloud, tmp_path: Path) -> Path:
    return record_commands(cloud, tmp_path)


def only_line(text: str) -> str:
    lines = text.splitlines()
    assert len(lines) == 1, text
    return lines[0]


# -- API errors: exit 1, one line with the error code and the request id --------------------


def test_unknown_job_is_one_line_with_code_and_request_id(cloud: Cloud) -> None:
    result = cloud.run("jobs", "versions", "999999")
    request_id = cloud.fake.calls[-1].request_id
    assert request_id
    assert (result.status, result.out) == (1, "")
    line = only_line(result.err)
    assert line.startswith("modelarts: error: could not list the versions of job 999999: ")
    assert "ModelArts.0015" in line
    assert f"request id {request_id}" in line
    assert "HTTP 404" in line
    assert "'modelarts jobs list'" in line  # what to try
    assert "Traceback" not in result.err


def test_stopping_a_finished_version_fails_with_the_servers_reason(cloud: Cloud) -> None:
    result = cloud.run("jobs", "stop", JOB, "278813", "--yes")
    assert result.status == 1
    line = only_line(result.err)
    assert "could not stop version 278813 of job 182626" in line
    assert "ModelArts.2796" in line
    assert cloud.fake.calls[-1].request_id in line


def test_error_with_http_200_and_is_success_false(cloud: Cloud) -> None:
    cloud.fake.error_status = "200"
    result = cloud.run("jobs", "show", JOB, "999")
    assert result.status == 1
    assert "ModelArts.0015" in only_line(result.err)


def test_server_error_suggests_trying_later(cloud: Cloud) -> None:
    # A POST that reached the server is not retried, so the 500 is the answer.
    cloud.fake.inject("POST " + STOP_PATH, server_error(500))
    result = cloud.run("jobs", "stop", JOB, RUNNING_VERSION, "--yes")
    line = only_line(result.err)
    assert result.status == 1
    assert "ModelArts.0010" in line
    assert "try again later" in line
    assert cloud.fake.calls[-1].request_id in line


def test_an_answer_that_is_not_json_is_a_format_error(cloud: Cloud) -> None:
    cloud.fake.inject("GET " + VERSIONS_PATH, NotJSON())
    result = cloud.run("jobs", "versions", JOB)
    assert result.status == 1
    line = only_line(result.err)
    assert "unexpected response" in line
    assert cloud.fake.calls[-1].request_id in line


def test_a_lost_connection_is_a_transport_error(cloud: Cloud) -> None:
    # A POST is never resent once it may have arrived: the command fails at once.
    cloud.fake.inject("POST " + STOP_PATH, Disconnect())
    result = cloud.run("jobs", "stop", JOB, RUNNING_VERSION, "--yes")
    assert result.status == 1
    line = only_line(result.err)
    assert line.startswith("modelarts: error: could not stop version")
    assert "it may have taken effect" in line
    assert "Traceback" not in result.err


def test_a_request_missing_from_the_fixture(recorded: Path) -> None:
    result = replay(recorded, "jobs", "versions", "5")
    assert result.status == 1
    line = only_line(result.err)
    assert f"the fixture {recorded}" in line
    assert "GET /v1/{project_id}/training-jobs/5/versions?page=1&per_page=1000" in line
    assert "--debug" in line
    debug = replay(recorded, "jobs", "versions", "5", "--debug")
    assert "closest recorded requests" in debug.err


# -- usage errors: exit 2 ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["jobs", "versions", "abc"], "JOB_ID must be a non-negative integer"),
        (["jobs", "show", JOB, "x1"], "VERSION_ID must be a non-negative integer"),
        (["jobs", "versions", JOB, "--page-size", "1001"], "1001 is not in [1, 1000]"),
        (["jobs", "logs", JOB, "1", "--lines", "501"], "501 is not in [0, 500]"),
        (["jobs", "list", "--status", "sleeping"], "unknown status 'sleeping'"),
        (["jobs", "list", "--all", "--page", "2"], "--all walks every page"),
        (["jobs", "list", "--sort-by", "size"], "invalid choice: 'size'"),
        (["jobs", "versions", JOB, "-o", "xml"], "invalid choice: 'xml'"),
        (["jobs", "describe", JOB], "the following arguments are required: -d/--description"),
        (["jobs", "versions", JOB, "--replay", "a", "--record", "b"], "exclude each other"),
        (["jobs", "versions", JOB, "--record-mode", "all"], "--record-mode needs --record"),
        (["jobs", "versions", JOB, "--record", "f", "--record-mode", "onse"], "did you mean"),
        (["jobs", "versions", JOB, "--replay", "no-such.json"], "no such fixture file"),
        (["jobs"], "the following arguments are required: COMMAND"),
        ([], "the following arguments are required: COMMAND"),
        (["jobs", "frobnicate"], "invalid choice: 'frobnicate'"),
    ],
)
def test_usage_errors_exit_2(argv: List[str], message: str) -> None:
    result = run(*argv)
    assert result.status == 2, result.err
    assert message in result.err
    assert result.out == ""
    assert "Traceback" not in result.err


def test_no_credentials_is_a_usage_error_naming_the_variables(
    cloud: Cloud, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("HUAWEICLOUD_SDK_AK")
    monkeypatch.delenv("HUAWEICLOUD_SDK_SK")
    result = cloud.run("jobs", "versions", JOB)
    assert result.status == 2
    line = only_line(result.err)
    assert "no credentials found" in line
    assert "HUAWEICLOUD_SDK_AK" in line
    assert "--replay FILE" in line
    assert cloud.fake.calls == []


def test_a_bad_endpoint_is_a_usage_error(cloud: Cloud) -> None:
    result = run("jobs", "versions", JOB, "--endpoint", "ftp://x", "--project-id", "p")
    assert result.status == 2
    line = only_line(result.err)
    assert line.startswith("modelarts: error: ")
    assert "ftp://x" in line


# -- confirmation ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "argv",
    [
        ["jobs", "stop", JOB, RUNNING_VERSION],
        ["jobs", "delete-version", JOB, RUNNING_VERSION],
        ["jobs", "delete", JOB],
    ],
)
def test_destructive_commands_need_yes_without_a_terminal(cloud: Cloud, argv: List[str]) -> None:
    result = cloud.run(*argv)
    assert result.status == 2
    line = only_line(result.err)
    assert "stdin is not a terminal" in line
    assert "pass --yes" in line
    assert cloud.fake.calls == []  # nothing was sent, not even a credentials lookup
    assert len(cloud.fake.job(JOB).version_ids) == 5


def test_the_yes_check_comes_before_credentials() -> None:
    result = run("jobs", "delete", JOB, "--region", "cn-north-4")
    assert result.status == 2
    assert "pass --yes" in result.err


@pytest.mark.parametrize("answer", ["y\n", "YES\n", " yes \n"])
def test_a_terminal_is_asked_and_yes_proceeds(cloud: Cloud, answer: str) -> None:
    stdin = Stream(answer, tty=True)
    result = cloud.run("jobs", "stop", JOB, RUNNING_VERSION, stdin=stdin)
    assert result.status == 0
    assert result.err == f"Stop version {RUNNING_VERSION} of job {JOB}? [y/N] "
    assert cloud.fake.version(JOB, RUNNING_VERSION).status == JobStatus.KILLED


@pytest.mark.parametrize("answer", ["n\n", "\n", "", "sure\n"])
def test_anything_but_yes_aborts(cloud: Cloud, answer: str) -> None:
    result = cloud.run("jobs", "delete", JOB, stdin=Stream(answer, tty=True))
    assert result.status == 1
    assert result.err.startswith(f"Delete job {JOB} and all its versions? This cannot be undone.")
    assert result.err.endswith("modelarts: aborted; nothing was changed\n")
    assert cloud.calls("DELETE", "/v1/{project_id}/training-jobs/{job_id}") == 0
    assert cloud.fake.job(JOB).job_id == 182626


def test_delete_version_asks_too(cloud: Cloud) -> None:
    result = cloud.run("jobs", "delete-version", JOB, "278813", stdin=Stream("y\n", tty=True))
    assert result.status == 0
    assert "Delete version 278813 of job 182626?" in result.err
    assert 278813 not in cloud.fake.job(JOB).version_ids


def test_yes_skips_the_question_even_on_a_terminal(cloud: Cloud) -> None:
    result = cloud.run("jobs", "delete", JOB, "--yes", stdin=Stream("", tty=True))
    assert (result.status, result.err) == (0, "")


class _Interrupting(Stream):
    def readline(self, size: int = -1) -> str:
        raise KeyboardInterrupt


def test_ctrl_c_exits_130_quietly(cloud: Cloud) -> None:
    stdin = _Interrupting(tty=True)
    result = cloud.run("jobs", "delete", JOB, stdin=stdin)
    assert result.status == 130
    assert "Traceback" not in result.err
    assert result.err == f"Delete job {JOB} and all its versions? This cannot be undone. [y/N] "
    assert cloud.calls("DELETE", "/v1/{project_id}/training-jobs/{job_id}") == 0


# -- --debug ------------------------------------------------------------------------------------


def test_debug_logs_requests_without_secrets(cloud: Cloud) -> None:
    result = cloud.run("jobs", "versions", JOB, "--debug")
    assert result.status == 0
    assert "modelarts.session DEBUG GET /v1/" in result.err
    assert "-> 200" in result.err
    assert cloud.fake.secret_key not in result.err
    assert "Signature=" not in result.err
    assert "Traceback" not in result.err
    quiet = cloud.run("jobs", "versions", JOB)
    assert quiet.err == ""


def test_debug_shows_the_traceback_and_still_ends_with_the_line(cloud: Cloud) -> None:
    result = cloud.run("jobs", "versions", "999999", "--debug")
    assert result.status == 1
    assert "Traceback (most recent call last)" in result.err
    assert "NotFoundError" in result.err
    assert result.err.splitlines()[-1].startswith("modelarts: error: could not list the versions")
    assert cloud.fake.secret_key not in result.err
    assert "Signature=" not in result.err


def test_debug_lines_are_not_repeated_by_a_root_handler(cloud: Cloud) -> None:
    # A program that calls main() may have configured logging; the lines go to stderr once.
    records: List[logging.LogRecord] = []

    class Catch(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    catch = Catch()
    logging.getLogger().addHandler(catch)
    try:
        result = cloud.run("jobs", "versions", JOB, "--debug")
    finally:
        logging.getLogger().removeHandler(catch)
    assert "GET /v1/" in result.err
    assert [record for record in records if record.name.startswith("modelarts")] == []


def test_logging_is_put_back_after_the_command(cloud: Cloud) -> None:
    package = logging.getLogger("modelarts")
    before = (package.level, package.propagate, list(package.handlers))
    cloud.run("jobs", "versions", JOB, "--debug")
    assert (package.level, package.propagate, list(package.handlers)) == before


# -- recording on error --------------------------------------------------------------------------


def test_the_recording_is_written_when_the_command_fails(cloud: Cloud, tmp_path: Path) -> None:
    path = tmp_path / "failure.json"
    result = cloud.run("jobs", "versions", "999999", "--record", str(path))
    assert result.status == 1
    (interaction,) = json.loads(path.read_text())["interactions"]
    assert interaction["response"]["status"] == 404
    replayed = replay(path, "jobs", "versions", "999999")
    assert replayed.status == 1
    assert "ModelArts.0015" in replayed.err


def test_a_recording_that_cannot_be_written_fails_the_command(cloud: Cloud, tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    path = blocker / "versions.json"  # its "directory" is a file
    result = cloud.run("jobs", "versions", JOB, "--record", str(path))
    assert result.status == 1
    assert len(result.lines()) == 6  # the command itself worked
    line = only_line(result.err)
    assert line.startswith(f"modelarts: error: could not save the recording {path}: ")
    failed = cloud.run("jobs", "versions", "999999", "--record", str(path))
    assert failed.status == 1
    first, second = failed.err.splitlines()
    assert "ModelArts.0015" in first
    assert second.startswith("modelarts: error: could not save the recording")


# -- progress ------------------------------------------------------------------------------------


def test_progress_only_when_stderr_is_a_terminal(cloud: Cloud) -> None:
    shown = cloud.run("jobs", "versions", JOB, "--page-size", "2", stderr_tty=True)
    assert shown.status == 0
    assert "\rfetched 5/5 versions" in shown.err
    assert shown.err.endswith("\r")  # the line is wiped before the table is printed
    assert shown.out == cloud.run("jobs", "versions", JOB).out
    hidden = cloud.run("jobs", "versions", JOB, "--page-size", "2")
    assert hidden.err == ""


def test_progress_counts_up_against_the_announced_total(cloud: Cloud, recorded: Path) -> None:
    for _ in range(40):
        cloud.fake.add_version(JOB)
    stderr = _TimedStream()
    argv = ["jobs", "versions", JOB, "--page-size", "10", "-o", "jsonl", *cloud.options]
    assert main(argv, stdin=Stream(), stdout=Stream(), stderr=stderr) == 0
    counts = [part.split()[1] for part in stderr.getvalue().split("\r") if part.strip()]
    assert counts[0] == "1/45"
    assert counts[-1] == "45/45"
    replayed = replay(recorded, "jobs", "versions", JOB, "-o", "json", stderr_tty=True)
    assert "\rfetched 5/5 versions" in replayed.err


class _TimedStream(Stream):
    """A terminal stderr; also checks that the progress line never grows a newline."""

    def __init__(self) -> None:
        super().__init__(tty=True)

    def write(self, text: str) -> int:
        assert "\n" not in text
        return super().write(text)


def test_no_progress_when_jsonl_streams_to_the_same_terminal(cloud: Cloud) -> None:
    result = cloud.run("jobs", "versions", JOB, "-o", "jsonl", stdout_tty=True, stderr_tty=True)
    assert (result.status, result.err) == (0, "")


def test_progress_for_every_page_of_jobs(cloud: Cloud) -> None:
    result = cloud.run("jobs", "list", "--all", "--per-page", "1", stderr_tty=True)
    assert "\rfetched 3/3 jobs" in result.err
    assert len(result.lines()) == 4


def test_the_progress_line_is_wiped_on_error(cloud: Cloud) -> None:
    cloud.fake.inject("GET " + VERSIONS_PATH, NotJSON())
    result = cloud.run("jobs", "versions", JOB, stderr_tty=True)
    assert result.status == 1
    assert result.err.splitlines()[-1].startswith("modelarts: error:")


def test_progress_total_when_replaying_pages(cloud: Cloud, tmp_path: Path) -> None:
    path = record(
        cloud.fake,
        tmp_path / "v.json",
        lambda s: list(Estimator(s, job_id=JOB).iter_job_versions(page_size=2)),
    )
    result = replay(path, "jobs", "versions", JOB, "--page-size", "2", stderr_tty=True)
    assert "fetched 5/5 versions" in result.err
    assert result.status == 0
