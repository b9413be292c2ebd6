"""``modelarts jobs metrics`` and ``modelarts jobs logs --follow`` against the fake cloud.

The command's Session runs on the fake's own clock (``main(clock=...)``): a
follow that polls for minutes of the fake's time takes none of ours.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any, Iterator, List, Tuple

import pytest
from test_cli import Cloud, Result, Stream, run, serve_cloud

from modelarts.cli import main
from modelarts.sparkline import BARS
from modelarts.testing import FakeClock
from modelarts.training_job import TrainingJob

#: INIT, RUNNING from 30 s, COMPLETED at 330 s after creation.
TIMELINE = [(0, 7), (30, 8), (330, 10)]


@pytest.fixture
def cloud(monkeypatch: pytest.MonkeyPatch) -> Iterator[Cloud]:
    yield from serve_cloud(monkeypatch)


def run_on(cloud: Cloud, *argv: str, clock: Any = None, stdout: Any = None) -> Result:
    """``main`` in-process on the fake's clock (or ``clock``), pointed at the fake."""
    out = stdout if stdout is not None else Stream()
    err = Stream()
    status = main(
        [*argv, *cloud.options],
        stdin=Stream(),
        stdout=out,
        stderr=err,
        clock=clock if clock is not None else cloud.fake.clock,
    )
    return Result(status, out.getvalue(), err.getvalue())


def new_version(cloud: Cloud, **kwargs: Any) -> Tuple[str, str]:
    job_id = cloud.fake.add_job("watch-demo", versions=0)
    version_id = cloud.fake.add_version(job_id, timeline=TIMELINE, **kwargs)
    return str(job_id), str(version_id)


# -- jobs metrics ----------------------------------------------------------------------------


def test_metrics_table_shows_model_metrics_and_a_sparkline_per_series(cloud: Cloud) -> None:
    job_id, version_id = new_version(cloud)
    cloud.fake.clock.advance(30 + 300)  # five minutes of running
    result = run_on(cloud, "jobs", "metrics", job_id, version_id)
    assert result.status == 0, result.err
    lines = result.lines()
    header = lines[0].split()
    assert header[0] == "CLASS" and set(header) >= {"ACCURACY", "PRECISION", "RECALL"}
    assert lines[1].split()[0] == "total" and lines[2].split()[0] == "0"
    series = {line.split()[0]: line for line in lines if line.split() and line[0].islower()}
    cpu = series["cpu_usage"].split()
    assert set(cpu[1]) <= set(BARS) and len(cpu[1]) > 10  # a curve, not forty numbers
    assert cpu[-1] == "%" and cpu[2] == "0"  # MIN 0 %, then MAX and LAST with units
    assert series["net_send_rate"].rstrip().endswith("B/s")
    assert "one sample every 1 min" in result.out


def test_metrics_json_is_the_typed_metrics(cloud: Cloud) -> None:
    job_id, version_id = new_version(cloud)
    cloud.fake.clock.advance(400)  # completed
    result = run_on(cloud, "jobs", "metrics", job_id, version_id, "-o", "json")
    assert result.status == 0, result.err
    with cloud.session() as session:
        expected = TrainingJob(session, job_id, version_id).metrics()
    data = result.json()
    assert (data["job_id"], data["version_id"]) == (job_id, version_id)
    assert data["model"]["total"] == dict(expected.model.total)
    assert data["model"]["classes"][0]["values"]["recall"] == pytest.approx(0.005833)
    cpu = data["system"]["series"]["cpu_usage"]
    assert cpu == {"unit": "%", "values": list(expected.system.series["cpu_usage"])}
    assert data["system"]["interval"] == 1


def test_metrics_of_a_version_that_has_not_run(cloud: Cloud) -> None:
    job_id, version_id = new_version(cloud)
    result = run_on(cloud, "jobs", "metrics", job_id, version_id)
    assert result.status == 0
    assert result.lines()[0] == "no model metrics yet"


def test_metrics_draw_in_ascii_when_stdout_cannot_encode_blocks(cloud: Cloud) -> None:
    class Latin1(Stream):
        encoding = "latin-1"

    job_id, version_id = new_version(cloud)
    cloud.fake.clock.advance(200)
    result = run_on(cloud, "jobs", "metrics", job_id, version_id, stdout=Latin1())
    assert result.status == 0
    assert result.out.isascii() and "cpu_usage" in result.out


def test_metrics_of_an_unknown_version_fails_in_one_line(cloud: Cloud) -> None:
    result = run_on(cloud, "jobs", "metrics", "182626", "999999")
    assert result.status == 1 and result.out == ""
    assert len(result.err.splitlines()) == 1 and "could not read the metrics" in result.err


# -- jobs logs --follow ---------------------------------------------------------------------


def full_log(cloud: Cloud, job_id: str, version_id: str) -> List[str]:
    with cloud.session() as session:
        content = TrainingJob(session, job_id, version_id).get_job_log(lines=500)["content"]
    return str(content).splitlines()


def test_follow_streams_every_line_once_until_the_version_ends(cloud: Cloud) -> None:
    job_id, version_id = new_version(cloud)
    cloud.fake.clock.advance(60)  # running for 30 s: a few lines so far
    result = run_on(cloud, "jobs", "logs", job_id, version_id, "--follow", "-n", "2")
    assert result.status == 0, result.err
    everything = full_log(cloud, job_id, version_id)
    assert everything[-1].endswith("Training completed.")
    started = len(everything) - len(result.lines())
    assert started > 0 and result.lines() == everything[started:]  # no gap, no repeat
    assert result.err.strip() == f"version {version_id} of job {job_id} ended COMPLETED"
    assert set(cloud.fake.clock.sleeps) == {5.0}  # polled on the fake's clock


def test_follow_waits_for_a_version_that_has_not_started(cloud: Cloud) -> None:
    job_id, version_id = new_version(cloud)
    result = run_on(cloud, "jobs", "logs", job_id, version_id, "-f", "--poll", "20")
    assert result.status == 0, result.err
    assert result.lines() == full_log(cloud, job_id, version_id)
    assert cloud.fake.clock.sleeps[0] == 20.0


def test_follow_of_a_finished_version_prints_its_tail_and_ends(cloud: Cloud) -> None:
    job_id, version_id = new_version(cloud)
    cloud.fake.clock.advance(1000)
    result = run_on(cloud, "jobs", "logs", job_id, version_id, "--follow", "-n", "5")
    assert result.status == 0
    assert result.lines() == full_log(cloud, job_id, version_id)[-5:]
    assert cloud.fake.clock.sleeps == []


class _Interrupting(FakeClock):
    """A clock on which the person presses Ctrl-C during the second pause."""

    def sleep(self, seconds: float) -> None:
        if self.sleeps:
            raise KeyboardInterrupt
        super().sleep(seconds)


def test_ctrl_c_while_following_exits_130_and_says_the_job_keeps_running(cloud: Cloud) -> None:
    job_id, version_id = new_version(cloud)
    clock = _Interrupting(cloud.fake.clock.now())
    result = run_on(cloud, "jobs", "logs", job_id, version_id, "-f", clock=clock)
    assert result.status == 130
    assert "stopped following" in result.err and "keeps running" in result.err


@pytest.mark.parametrize("poll", ["0", "-1", "soon", "nan"])
def test_follow_poll_must_be_positive_seconds(cloud: Cloud, poll: str) -> None:
    result = run_on(cloud, "jobs", "logs", "1", "2", "-f", "--poll", poll)
    assert result.status == 2 and "--poll" in result.err
    assert cloud.calls("*", "/v1/{project_id}/{rest:.*}") == 0


def test_follow_json_help_lists_the_options(cloud: Cloud) -> None:
    result = run_on(cloud, "jobs", "logs", "--help")
    assert result.status == 0 and "--follow" in result.out and "--poll" in result.out
    assert json.dumps(result.out)  # printable help, no terminal control characters


def test_recorded_metrics_and_follow_replay_offline_without_waiting(
    cloud: Cloud, tmp_path: Path
) -> None:
    job_id, version_id = new_version(cloud)
    cloud.fake.clock.advance(120)
    for name, argv in (
        ("metrics", ["jobs", "metrics", job_id, version_id]),
        ("follow", ["jobs", "logs", job_id, version_id, "--follow"]),
    ):
        fixture = tmp_path / f"{name}.json"
        live = run_on(cloud, *argv, "--record", str(fixture))
        assert live.status == 0, live.err
        started = time.monotonic()
        replayed = run(*argv, "--replay", str(fixture))  # the system clock, no credentials
        assert time.monotonic() - started < 5  # the follow's pauses are skipped
        assert (replayed.status, replayed.out, replayed.err) == (0, live.out, live.err)


def test_follow_with_no_past_lines_prints_only_new_ones(cloud: Cloud) -> None:
    job_id, version_id = new_version(cloud)
    cloud.fake.clock.advance(90)  # a minute of running: some lines already
    before = full_log(cloud, job_id, version_id)
    result = run_on(cloud, "jobs", "logs", job_id, version_id, "--follow", "-n", "0")
    assert result.status == 0, result.err
    everything = full_log(cloud, job_id, version_id)
    assert len(before) > 2 and result.lines() == everything[len(before) :]
