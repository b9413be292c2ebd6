"""The fixture file format: writing, reading, validating; and the record modes."""

from __future__ import annotations

import difflib
import json
import re
from pathlib import Path
from typing import Any, Callable, Dict

import pytest

import modelarts
from modelarts.errors import FixtureError, FixtureFormatError, InvalidArgumentError
from modelarts.transport import RecordMode
from modelarts.transport.fixture_files import write_rendered
from modelarts.transport.fixture_format import (
    FORMAT_VERSION,
    Body,
    Fixture,
    Interaction,
    StoredRequest,
    StoredResponse,
    body_from_bytes,
    load_fixture,
    render_fixture,
)

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe"


def _save(fixture: Fixture, path: Path) -> str:
    write_rendered(render_fixture(fixture, path), path)
    return path.read_text(encoding="utf-8")


def _sample() -> Fixture:
    return Fixture(
        interactions=(
            Interaction(
                StoredRequest(
                    "POST",
                    "/v1/{project_id}/training-jobs",
                    (("a b", "ü"), ("page", "1")),
                    {"content-type": "application/json"},
                    Body("json", {"job_name": "作业", "config": {"worker_server_num": 1}}),
                ),
                StoredResponse(
                    200,
                    {"content-type": "application/json", "x-request-id": "r-1"},
                    Body("json", {"is_success": True, "job_id": 10, "status": 1}),
                ),
            ),
            Interaction(
                StoredRequest("GET", "/v1/{project_id}/training-jobs/10/versions/1/log"),
                StoredResponse(200, {"content-type": "text/plain"}, Body("text", "line 1\nline 2")),
            ),
            Interaction(
                StoredRequest("GET", "/download"),
                StoredResponse(200, {"content-type": "image/png"}, Body("binary", PNG)),
            ),
            Interaction(
                StoredRequest("DELETE", "/v1/{project_id}/training-jobs/10"),
                StoredResponse(204),
            ),
        ),
        recorded_at="2026-01-31T12:00:00Z",
    )


# -- record modes ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "mode"),
    [
        ("none", RecordMode.NONE),
        ("ONCE", RecordMode.ONCE),
        ("new_episodes", RecordMode.NEW_EPISODES),
        ("New-Episodes", RecordMode.NEW_EPISODES),
        (" all ", RecordMode.ALL),
        (RecordMode.ALL, RecordMode.ALL),
    ],
)
def test_record_mode_parse_accepts_values_case_and_dash_insensitively(
    text: Any, mode: RecordMode
) -> None:
    assert RecordMode.parse(text) is mode


def test_record_mode_is_a_str_enum() -> None:
    assert isinstance(RecordMode.NEW_EPISODES, str)
    assert RecordMode.NEW_EPISODES.value == "new_episodes"
    assert str(RecordMode.NEW_EPISODES) == "new_episodes"
    assert [m.value for m in RecordMode] == ["none", "once", "new_episodes", "all"]


def test_misspelt_record_mode_lists_valid_values_and_suggests_one() -> None:
    with pytest.raises(InvalidArgumentError) as info:
        RecordMode.parse("new_episode")
    message = str(info.value)
    assert "'new_episode'" in message
    assert "none, once, new_episodes, all" in message
    assert "did you mean 'new_episodes'?" in message
    assert isinstance(info.value, ValueError)


def test_record_mode_without_close_match_still_lists_values() -> None:
    with pytest.raises(InvalidArgumentError, match="valid modes: none, once, new_episodes, all$"):
        RecordMode.parse("xyzzy")
    with pytest.raises(InvalidArgumentError, match="must be a string"):
        RecordMode.parse(3)  # type: ignore[arg-type]


# -- writing ----------------------------------------------------------------------


def test_write_then_load_gives_the_same_fixture(tmp_path: Path) -> None:
    path = tmp_path / "scenario.json"
    fixture = _sample()
    _save(fixture, path)
    assert load_fixture(path) == fixture


def test_file_is_pretty_sorted_unicode_json_with_a_header(tmp_path: Path) -> None:
    path = tmp_path / "scenario.json"
    text = _save(_sample(), path)
    assert text.endswith("}\n")
    assert "作业" in text and "\\u" not in text  # ensure_ascii=False
    document = json.loads(text)
    assert list(document) == ["interactions", "modelarts_fixture", "recorded_at", "sdk_version"]
    assert document["modelarts_fixture"] == FORMAT_VERSION
    assert document["sdk_version"] == modelarts.__version__
    first = document["interactions"][0]
    assert first["request"]["query"] == [["a b", "ü"], ["page", "1"]]
    assert first["response"]["json"] == {"is_success": True, "job_id": 10, "status": 1}
    # One value per line, two-space indent, keys sorted at every level.
    assert '\n          "config": {\n            "worker_server_num": 1\n          },\n' in text
    assert text.index('"is_success"') < text.index('"job_id"') < text.index('"status": 1')
    assert '["a b", "ü"],' in text  # short scalar lists stay on one line


def test_changing_one_response_field_changes_one_line(tmp_path: Path) -> None:
    before = _save(_sample(), tmp_path / "a.json")
    fixture = _sample()
    first = fixture.interactions[0]
    changed_body = dict(first.response.body.value, status=2)
    changed = Interaction(
        first.request,
        StoredResponse(first.response.status, first.response.headers, Body("json", changed_body)),
    )
    after = _save(Fixture((changed, *fixture.interactions[1:]), recorded_at=fixture.recorded_at),
                  tmp_path / "a.json")
    diff = [
        line
        for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]
    assert diff == ['-          "status": 1', '+          "status": 2']


def test_binary_bodies_go_to_content_addressed_side_files(tmp_path: Path) -> None:
    path = tmp_path / "scenario.json"
    text = _save(_sample(), path)
    name = json.loads(text)["interactions"][2]["response"]["file"]
    assert re.fullmatch(r"scenario\.2\.[0-9a-f]{12}\.bin", name)
    assert (tmp_path / name).read_bytes() == PNG
    # Rewriting without that interaction removes its side file, and only ours.
    (tmp_path / "notes.bin").write_bytes(b"mine")
    _save(Fixture(_sample().interactions[:2]), path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.bin", "scenario.json"]


def test_binary_request_body_gets_its_own_side_file(tmp_path: Path) -> None:
    path = tmp_path / "up.json"
    fixture = Fixture((Interaction(
        StoredRequest("PUT", "/upload", body=Body("binary", b"\xff\x00")),
        StoredResponse(200),
    ),))
    text = _save(fixture, path)
    name = json.loads(text)["interactions"][0]["request"]["file"]
    assert re.fullmatch(r"up\.0\.request\.[0-9a-f]{12}\.bin", name)
    assert load_fixture(path) == fixture


def test_replayed_json_body_is_compact_with_its_content_type() -> None:
    stored = StoredResponse(200, {"content-type": "application/json"},
                            Body("json", {"b": [1, 2.5], "a": "é"}))
    response = stored.to_response()
    assert response.body == '{"b":[1,2.5],"a":"é"}'.encode()
    assert response.content_type == "application/json"
    assert Body("json", {"a": 1, "b": 2}).match_key() == Body("json", {"b": 2, "a": 1}).match_key()


@pytest.mark.parametrize(
    ("data", "content_type", "kind", "value"),
    [
        (b"", "application/json", "empty", None),
        (b'{"a": 1}', "application/json;charset=UTF-8", "json", {"a": 1}),
        (b'{"a": 1', "application/json", "text", '{"a": 1'),  # truncated answers stay verbatim
        (b'{"a": NaN}', "application/json", "text", '{"a": NaN}'),
        (b'{"a": 1, "a": 2}', "application/json", "text", '{"a": 1, "a": 2}'),
        (b"[1e999]", "application/json", "text", "[1e999]"),
        (b' {"a": 1}', "", "json", {"a": 1}),
        (b"123", "text/plain", "text", "123"),  # byte-faithful: not re-serialised
        (b"<html>502</html>", "text/html", "text", "<html>502</html>"),
        ("日志".encode(), "", "text", "日志"),
        (PNG, "image/png", "binary", PNG),
        (b"abc", "application/octet-stream", "binary", b"abc"),
        (b"\xff\xfe", "text/plain", "binary", b"\xff\xfe"),
    ],
)
def test_body_classification(data: bytes, content_type: str, kind: str, value: Any) -> None:
    body = body_from_bytes(data, content_type)
    assert (body.kind, body.value) == (kind, value)
    if kind != "json":
        assert body.to_bytes() == data


def test_requests_parse_json_whatever_their_content_type() -> None:
    assert body_from_bytes(b'{"x": 1}', "text/plain", any_json=True) == Body("json", {"x": 1})


# -- damaged files --------------------------------------------------------------------


def _valid_document(tmp_path: Path) -> Dict[str, Any]:
    path = tmp_path / "good.json"
    document: Dict[str, Any] = json.loads(_save(_sample(), path))
    return document


Edit = Callable[[Dict[str, Any]], None]


def _set(path: str, value: Any) -> Edit:
    def edit(document: Dict[str, Any]) -> None:
        *parents, last = path.split("/")
        node: Any = document
        for part in parents:
            node = node[int(part)] if isinstance(node, list) else node[part]
        if value is _DELETE:
            del node[last]
        else:
            node[int(last) if isinstance(node, list) else last] = value

    return edit


_DELETE = object()
_I = "interactions"


_CASES = [
    # (where to edit, new value, interaction index or None, field, part of the problem)
    ("modelarts_fixture", 2, None, "modelarts_fixture",
     "unknown fixture format version 2 (written by a newer modelarts; upgrade)"),
    ("modelarts_fixture", "1", None, "modelarts_fixture", "expected an integer, got a string"),
    ("modelarts_fixture", True, None, "modelarts_fixture", "expected an integer, got a boolean"),
    (_I, _DELETE, None, "interactions", "missing"),
    (_I, {}, None, "interactions", "expected a list, got an object"),
    ("surprise", 1, None, "surprise", "unknown field"),
    (f"{_I}/1", [], 1, "interaction", "expected an object, got a list"),
    (f"{_I}/1/response", _DELETE, 1, "interaction.response", "missing"),
    (f"{_I}/3/response/status", "204", 3, "response.status",
     "expected an HTTP status 100-599, got '204'"),
    (f"{_I}/3/response/status", 42, 3, "response.status", "got 42"),
    (f"{_I}/0/request/method", _DELETE, 0, "request.method", "missing"),
    (f"{_I}/0/request/method", 1, 0, "request.method", "expected a string, got an integer"),
    (f"{_I}/0/request/path", "v1/x", 0, "request.path", "must start with '/'"),
    (f"{_I}/0/request/query", "a=b", 0, "request.query", "expected a list"),
    (f"{_I}/0/request/query/1", ["page"], 0, "request.query[1]", "expected [key, value]"),
    (f"{_I}/0/request/headers/content-type", 1, 0, "request.headers.content-type",
     "expected a string, got an integer"),
    (f"{_I}/0/response/text", "x", 0, "response.text",
     "a body is one of json, text, file; found json, text"),
    (f"{_I}/1/response/text", None, 1, "response.text", "expected a string, got null"),
    (f"{_I}/2/response/file", "../x.bin", 2, "response.file",
     "must name a side file of this fixture"),
    (f"{_I}/2/response/file", "gone.bin", 2, "response.file",
     "must name a side file of this fixture"),
    (f"{_I}/2/response/file", "good.2.000000000000.bin", 2, "response.file",
     "cannot read side file 'good.2.000000000000.bin'"),
    (f"{_I}/2/response/stauts", 200, 2, "response.stauts", "unknown field"),
]


@pytest.mark.parametrize(("where", "value", "index", "field", "problem"), _CASES)
def test_damaged_fixture_names_file_interaction_and_field(
    tmp_path: Path, where: str, value: Any, index: Any, field: str, problem: str
) -> None:
    document = _valid_document(tmp_path)
    _set(where, value)(document)
    path = tmp_path / "good.json"  # damaged in place: its side files are still named after it
    path.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(FixtureFormatError) as info:
        load_fixture(path)
    message = str(info.value)
    place = f"interaction {index}, " if index is not None else ""
    assert message.startswith(f"{path}: {place}field {field!r}: "), message
    assert problem in message


def test_truncated_json_reports_line_and_column(tmp_path: Path) -> None:
    text = _save(_sample(), tmp_path / "good.json")
    path = tmp_path / "cut.json"
    path.write_text(text[: len(text) // 2], encoding="utf-8")
    with pytest.raises(FixtureFormatError, match=r"not valid JSON at line \d+ column \d+") as info:
        load_fixture(path)
    assert str(path) in str(info.value)


def test_not_utf8_and_not_an_object(tmp_path: Path) -> None:
    path = tmp_path / "bin.json"
    path.write_bytes(b"\xff\xfe{}")
    with pytest.raises(FixtureFormatError, match="not UTF-8"):
        load_fixture(path)
    path.write_text("[]", encoding="utf-8")
    with pytest.raises(FixtureFormatError, match="expected an object, got a list"):
        load_fixture(path)


def test_missing_fixture_is_a_fixture_error_not_a_format_error(tmp_path: Path) -> None:
    with pytest.raises(FixtureError, match="does not exist") as info:
        load_fixture(tmp_path / "absent.json")
    assert not isinstance(info.value, FixtureFormatError)
