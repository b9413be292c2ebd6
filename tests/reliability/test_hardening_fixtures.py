"""Issue 13, item 12: a fixture's side file may not reach outside the fixture.

A binary body lives in a side file next to the fixture. Replay used to read
whatever the name pointed at: a symbolic link to any file on the machine, a
file of another fixture. Now a side file must be a regular file of its own in
the fixture's directory, named after the fixture, holding what its name's hash
says; anything else is a ``FixtureFormatError``.
"""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path
from typing import List

import pytest

from modelarts.errors import FixtureFormatError
from modelarts.transport import (
    FixtureTransport,
    MockTransport,
    RecordingTransport,
    Request,
    Response,
)

PAYLOAD = b"PK\x03\x04 model weights \xff\xfe"


def download_answer(request: Request) -> Response:
    return Response(200, {"Content-Type": "application/zip"}, PAYLOAD)


def download() -> Request:
    return Request("GET", "https://obs.example/v1/P/model.zip")


def recorded(directory: Path, name: str = "model.json") -> Path:
    path = directory / name
    with RecordingTransport(MockTransport(download_answer), path, "all") as recorder:
        recorder.send(download())
    return path


def side_file(path: Path) -> Path:
    (side,) = [p for p in path.parent.iterdir() if p.suffix == ".bin"]
    return side


def refused(path: Path) -> str:
    with pytest.raises(FixtureFormatError) as info:
        FixtureTransport(path)
    return str(info.value)


def test_a_recorded_side_file_replays(tmp_path: Path) -> None:
    path = recorded(tmp_path)
    assert FixtureTransport(path).send(download()).body == PAYLOAD


@pytest.mark.parametrize("same_content", [False, True])
def test_a_symlinked_side_file_is_refused(tmp_path: Path, same_content: bool) -> None:
    path = recorded(tmp_path)
    side = side_file(path)
    elsewhere = tmp_path.parent / f"{tmp_path.name}-private.key"
    elsewhere.write_bytes(PAYLOAD if same_content else b"-----BEGIN PRIVATE KEY-----\n")
    side.unlink()
    side.symlink_to(elsewhere)
    message = refused(path)
    assert "symbolic link" in message and side.name in message
    assert "PRIVATE KEY" not in message


def test_a_hard_linked_side_file_is_refused(tmp_path: Path) -> None:
    path = recorded(tmp_path)
    side = side_file(path)
    elsewhere = tmp_path.parent / f"{tmp_path.name}-hard.bin"
    os.link(side, elsewhere)
    assert "hard link" in refused(path)


def test_a_directory_or_fifo_in_its_place_is_refused(tmp_path: Path) -> None:
    path = recorded(tmp_path)
    side = side_file(path)
    side.unlink()
    side.mkdir()
    assert "not a regular file" in refused(path)
    side.rmdir()
    os.mkfifo(side)
    outcome: List[str] = []
    reader = threading.Thread(target=lambda: outcome.append(refused(path)), daemon=True)
    reader.start()
    reader.join(10)  # opening a FIFO to read would block forever without a writer
    assert outcome and "not a regular file" in outcome[0]


@pytest.mark.parametrize(
    "name",
    [
        "other.0.{hash}.bin",  # another fixture's side file
        "../model.0.{hash}.bin",
        "/etc/passwd",
        "model.json",
        ".model.0.{hash}.bin",
    ],
)
def test_a_side_file_not_named_after_the_fixture_is_refused(tmp_path: Path, name: str) -> None:
    path = recorded(tmp_path)
    digest = side_file(path).name.split(".")[-2]
    document = json.loads(path.read_text(encoding="utf-8"))
    document["interactions"][0]["response"]["file"] = name.format(hash=digest)
    path.write_text(json.dumps(document), encoding="utf-8")
    assert "must name a side file of this fixture" in refused(path)


def test_a_side_file_changed_after_recording_is_refused(tmp_path: Path) -> None:
    path = recorded(tmp_path)
    side_file(path).write_bytes(b"something else")
    assert "hash differs" in refused(path)


def test_recording_again_replaces_a_link_and_leaves_its_target_alone(tmp_path: Path) -> None:
    path = recorded(tmp_path)
    side = side_file(path)
    elsewhere = tmp_path.parent / f"{tmp_path.name}-target.bin"
    elsewhere.write_bytes(PAYLOAD)
    side.unlink()
    side.symlink_to(elsewhere)
    recorded(tmp_path)
    assert not side.is_symlink() and side.read_bytes() == PAYLOAD
    assert elsewhere.read_bytes() == PAYLOAD
    assert FixtureTransport(path).send(download()).body == PAYLOAD
