"""The is_show table: aligned, truncated, '-' for gaps, deterministic."""

from __future__ import annotations

import io
import json
import unicodedata
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, List, Optional

import pytest

from modelarts.display import (
    COLUMNS,
    MAX_CELL_WIDTH,
    format_duration,
    format_time,
    print_versions_table,
    render_versions_table,
)
from modelarts.schemas import Version, load_versions_page
from modelarts.training_job import TrainingJob

EXAMPLES = Path(__file__).parent / "data" / "examples"


def job(version_id: int = 1, **record: Any) -> TrainingJob:
    return TrainingJob(None, 10, version_id, record=record)


def example_jobs() -> List[Version]:
    body = json.loads((EXAMPLES / "list_versions.hwcn.response.json").read_text("utf-8"))
    return list(load_versions_page(body).versions)


def width(text: str) -> int:
    return sum(
        0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "WF" else 1
        for c in text
    )


def column_starts(table: str) -> List[List[int]]:
    """For each line, the display column where each header's cell begins."""
    lines = table.split("\n")
    header_starts = [lines[0].index(name) for name in COLUMNS]
    starts = []
    for line in lines:
        row = []
        for start in header_starts:
            # the character sitting at display column `start`
            column, index = 0, 0
            while column < start:
                column += width(line[index])
                index += 1
            assert column == start, f"a wide character straddles column {start}: {line!r}"
            if start:
                assert line[index - 2:index] == "  ", line
            assert line[index] != " ", line
            row.append(column)
        starts.append(row)
    return starts


def test_header_and_example_row() -> None:
    table = render_versions_table(example_jobs())
    header, row = table.split("\n")
    assert header.split("  ")[:3] == ["VERSION", "VERSION ID", "STATUS"]
    assert row.split() == [
        "V0004", "10", "COMPLETED", "TensorFlow", "TF-1.4.0-python2.7",
        "2018-04-20", "02:06:30", "0:08:52", "spec", "1",
    ]


def test_rows_share_column_starts() -> None:
    jobs = [
        job(1, version_name="V0001", status=8, engine_name="PyTorch",
            engine_version="PyTorch-1.8.0-python3.7", create_time=0, duration=1000,
            spec_code="modelarts.vm.gpu.p100"),
        job(123456789012, version_name="a-much-longer-version-name", status=22),
        job(2, version_name="识别手写数字", engine_name="MindSpore", flavor_code="x"),
        job(3, version_name="e\u0301te\u0301", status=10, duration=90_000_000),
    ]
    starts = column_starts(render_versions_table(jobs))
    assert len(starts) == len(jobs) + 1
    assert all(row == starts[0] for row in starts)


def test_missing_values_show_as_dash() -> None:
    lines = render_versions_table([TrainingJob(None, 1, 2)]).split("\n")
    assert lines[1].split() == ["-", "2", "UNKNOWN", "-", "-", "-", "-"]


def test_unknown_status_shows_its_code() -> None:
    assert "CODE_22" in render_versions_table([job(status=22)]).split("\n")[1]


def test_long_values_are_truncated() -> None:
    name = "v" + "x" * 98 + "z"
    line = render_versions_table([job(version_name=name, spec_code="s" * 41)]).split("\n")[1]
    cell = line.split()[0]
    assert cell == name[: MAX_CELL_WIDTH - 1] + "…" and len(cell) == MAX_CELL_WIDTH
    assert line.rstrip().endswith("s" * (MAX_CELL_WIDTH - 1) + "…")
    wide = render_versions_table([job(version_name="识" * 30)]).split("\n")[1].split()[0]
    assert width(wide) <= MAX_CELL_WIDTH and wide.endswith("…")
    fits = "y" * MAX_CELL_WIDTH
    assert render_versions_table([job(version_name=fits)]).split("\n")[1].startswith(fits + "  ")


def test_control_characters_cannot_break_a_row() -> None:
    table = render_versions_table([job(version_name="V1\nV2\tx", engine_name="a\rb")])
    assert table.count("\n") == 1
    assert "V1 V2 x" in table and "a b" in table


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (timedelta(0), "0:00:00"),
        (timedelta(seconds=59), "0:00:59"),
        (timedelta(seconds=59, milliseconds=999), "0:00:59"),
        (timedelta(minutes=1), "0:01:00"),
        (timedelta(hours=1), "1:00:00"),
        (timedelta(hours=25, minutes=3, seconds=4), "25:03:04"),
        (timedelta(days=10), "240:00:00"),
        (timedelta(seconds=-5), "-0:00:05"),
        (None, "-"),
    ],
)
def test_format_duration(value: Optional[timedelta], text: str) -> None:
    assert format_duration(value) == text


def test_duration_column() -> None:
    jobs = [job(1, duration=0), job(2, duration=59_000), job(3, duration=3_600_000),
            job(4, duration=90_061_000)]
    durations = [line.split()[-2] for line in render_versions_table(jobs).split("\n")[1:]]
    assert durations == ["0:00:00", "0:00:59", "1:00:00", "25:01:01"]


def test_format_time_is_utc() -> None:
    moment = datetime(2018, 4, 20, 2, 6, 30, 635000, tzinfo=timezone.utc)
    assert format_time(moment) == "2018-04-20 02:06:30"
    assert format_time(moment.astimezone(timezone(timedelta(hours=8)))) == "2018-04-20 02:06:30"
    assert format_time(datetime(2018, 4, 20, 2, 6, 30)) == "2018-04-20 02:06:30"
    assert format_time(None) == "-"


@pytest.mark.parametrize(
    ("record", "spec"),
    [
        ({"spec_code": "a.code", "flavor_code": "f.code", "spec_id": 3}, "a.code"),
        ({"flavor_code": "f.code", "spec_id": 3}, "f.code"),
        ({"spec_code": "", "spec_id": 3}, "spec 3"),
        ({"spec_id": "0"}, "spec 0"),
        ({}, "-"),
    ],
)
def test_spec_column(record: Any, spec: str) -> None:
    line = render_versions_table([job(**record)]).split("\n")[1]
    assert line.split("  ")[-1].strip() == spec


@pytest.mark.parametrize(
    ("record", "engine"),
    [
        ({"engine_name": "TensorFlow", "engine_version": "TF-2.1"}, "TensorFlow TF-2.1"),
        ({"engine_version": "TF-2.1"}, "TF-2.1"),
        ({"engine_name": "MXNet", "engine_version": None}, "MXNet"),
        ({}, "-"),
    ],
)
def test_engine_column(record: Any, engine: str) -> None:
    table = render_versions_table([job(**record)])
    start = table.split("\n")[0].index("ENGINE")
    end = table.split("\n")[0].index("CREATED")
    assert table.split("\n")[1][start:end].strip() == engine


def test_deterministic_and_pure() -> None:
    jobs = example_jobs() + [job(5, status=22, version_name="V0005")]
    first = render_versions_table(jobs)
    assert render_versions_table(jobs) == first
    assert render_versions_table(list(example_jobs()) + [job(5, status=22, version_name="V0005")]) \
        == first
    assert jobs[-1].raw == {"status": 22, "version_name": "V0005"}


def test_rows_follow_the_given_order() -> None:
    jobs = [job(3), job(1), job(2)]
    ids = [line.split()[1] for line in render_versions_table(jobs).split("\n")[1:]]
    assert ids == ["3", "1", "2"]


def test_no_versions_prints_the_header_only() -> None:
    assert render_versions_table([]).split() == [
        "VERSION", "VERSION", "ID", "STATUS", "ENGINE", "CREATED", "DURATION", "SPEC"
    ]


def test_print_versions_table(capsys: pytest.CaptureFixture[str]) -> None:
    jobs = example_jobs()
    buffer = io.StringIO()
    print_versions_table(jobs, file=buffer)
    assert buffer.getvalue() == render_versions_table(jobs) + "\n"
    print_versions_table(jobs)
    assert capsys.readouterr().out == buffer.getvalue()
