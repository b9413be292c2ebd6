"""A replay-only load leaves each JSON answer as text until it is replayed
(modelarts/transport/_body_spans.py), and hands each parsed answer over without a copy.

What must hold: a deferred load reads every file exactly as the whole-text load does,
whatever its layout; what it defers is checked when replayed, with the same
``FixtureFormatError``; no caller can change what another replay gets.
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any, List

import pytest

from modelarts.errors import FixtureFormatError
from modelarts.session import Session
from modelarts.transport import FixtureTransport, RecordingTransport
from modelarts.transport._body_spans import cut_bodies
from modelarts.transport.base import Request, Response
from modelarts.transport.fixture_files import write_rendered
from modelarts.transport.fixture_format import (
    Body,
    Fixture,
    Interaction,
    StoredRequest,
    StoredResponse,
    load_fixture,
    render_fixture,
)
from modelarts.transport.mock import MockTransport

TRICKY_TEXT = ["}", "]", "\n        }", '"json": {', "\\", '"', "\u0000", "é", "{[", ""]


def _value(rng: random.Random, level: int) -> Any:
    roll = rng.random()
    if level > 3 or roll < 0.35:
        return rng.choice([0, -1.5, True, None, "x", *TRICKY_TEXT, "long " * 20])
    if roll < 0.65:
        return [_value(rng, level + 1) for _ in range(rng.randint(0, 12))]
    keys = ["json", "status", "a", "}", "headers", "b c"]
    return {rng.choice(keys) + str(n): _value(rng, level + 1) for n in range(rng.randint(0, 6))}


def _random_fixture(rng: random.Random) -> Fixture:
    interactions = []
    for index in range(rng.randint(1, 6)):
        request_body = Body("json", _value(rng, 1)) if rng.random() < 0.4 else Body()
        answer = _value(rng, 0)
        interactions.append(
            Interaction(
                StoredRequest("POST", f"/v1/{{project_id}}/x/{index}", body=request_body),
                StoredResponse(200, {"content-type": "application/json"}, Body("json", answer)),
            )
        )
    return Fixture(tuple(interactions), "0.0.1", "2026-12-03T00:00:00Z")


def _resolved(fixture: Fixture) -> List[Any]:
    return [
        (
            item.request,
            item.response.status,
            dict(item.response.headers),
            item.response.body.resolved(),
        )
        for item in fixture.interactions
    ]


def test_a_deferred_load_reads_what_the_whole_text_load_reads(tmp_path: Path) -> None:
    rng = random.Random(5)
    path = tmp_path / "f.json"
    deferred_answers = 0
    for _ in range(150):
        fixture = _random_fixture(rng)
        write_rendered(render_fixture(fixture, path), path)
        whole = load_fixture(path)
        deferred = load_fixture(path, defer_answers=True)
        assert _resolved(deferred) == _resolved(whole) == _resolved(fixture)
        deferred_answers += sum(
            item.response.body.kind == "json-text" for item in deferred.interactions
        )
    assert deferred_answers > 100  # the cut fits what the recorder writes


@pytest.mark.parametrize(
    "layout",
    [
        lambda doc: json.dumps(doc),
        lambda doc: json.dumps(doc, indent=4),
        lambda doc: json.dumps(doc, indent=8),
        lambda doc: json.dumps(doc, indent="\t"),
    ],
    ids=["compact", "indent-4", "indent-8", "tabs"],
)
def test_any_other_layout_reads_the_same(tmp_path: Path, layout: Any) -> None:
    rng = random.Random(11)
    path = tmp_path / "f.json"
    for _ in range(40):
        fixture = _random_fixture(rng)
        write_rendered(render_fixture(fixture, path), path)
        path.write_text(layout(json.loads(path.read_text(encoding="utf-8"))), encoding="utf-8")
        assert _resolved(load_fixture(path, defer_answers=True)) == _resolved(fixture)


def _one_answer_file(tmp_path: Path, answer: Any) -> Path:
    path = tmp_path / "one.json"
    fixture = Fixture(
        (
            Interaction(
                StoredRequest("GET", "/v1/{project_id}/x"),
                StoredResponse(200, {"content-type": "application/json"}, Body("json", answer)),
            ),
        )
    )
    write_rendered(render_fixture(fixture, path), path)
    return path


def _replay(path: Path) -> Any:
    with Session(transport=FixtureTransport(path)) as session:
        return session.request("GET", "/v1/{project_id}/x")


def test_text_that_holds_a_placeholder_is_read_whole(tmp_path: Path) -> None:
    path = _one_answer_file(tmp_path, {"is_success": True, "note": "\u0000body:0", "a": [1, 2]})
    text = path.read_text(encoding="utf-8")
    assert cut_bodies(text) is None
    assert _replay(path)["note"] == "\u0000body:0"


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (lambda text: text.replace('"v": 1', '"v": NaN'), "NaN is not JSON"),
        (lambda text: text.replace('"v": 1', '"v": 1 2'), "Expecting"),
        (
            lambda text: text.replace('"v": 1', '"v": ' + "[" * 5000 + "]" * 5000),
            "nested too deeply to read",
        ),
    ],
    ids=["nan", "garbage", "too-deep-to-parse"],
)
def test_a_bad_deferred_answer_is_a_format_error_when_replayed(
    tmp_path: Path, change: Any, problem: str
) -> None:
    path = _one_answer_file(tmp_path, {"is_success": True, "v": 1, "w": [1, 2]})
    path.write_text(change(path.read_text(encoding="utf-8")), encoding="utf-8")
    transport = FixtureTransport(path)  # the frame is sound: the answer waits
    with pytest.raises(FixtureFormatError) as caught, Session(transport=transport) as session:
        session.request("GET", "/v1/{project_id}/x")
    assert "interaction 0, field 'response.json'" in str(caught.value)
    assert problem in str(caught.value)
    with pytest.raises(FixtureFormatError, match=problem):
        load_fixture(path)  # the whole-text load says the same, up front


def test_a_body_closing_inside_itself_is_named_when_replayed(tmp_path: Path) -> None:
    # Valid JSON, but the answer's own brace closes on a line indented deeper than
    # the line that opened it, and a key of the response hides after it.
    path = tmp_path / "odd.json"
    path.write_text(
        "{\n"
        '  "interactions": [\n'
        "    {\n"
        '      "request": {\n'
        '        "method": "GET",\n'
        '        "path": "/v1/{project_id}/x"\n'
        "      },\n"
        '      "response": {\n'
        '        "json": {\n'
        '          "is_success": true\n'
        "          },\n"
        '          "headers": {"content-type": "application/json"\n'
        "        },\n"
        '        "status": 200\n'
        "      }\n"
        "    }\n"
        "  ],\n"
        '  "modelarts_fixture": 1,\n'
        '  "recorded_at": "",\n'
        '  "sdk_version": "0"\n'
        "}\n",
        encoding="utf-8",
    )
    assert load_fixture(path).interactions[0].response.headers == {
        "content-type": "application/json"
    }
    with pytest.raises(FixtureFormatError, match="its value ends on line 11, before the line"):
        _replay(path)


@pytest.mark.parametrize("compact", [False, True], ids=["deferred", "read-whole"])
def test_a_replayed_answer_is_the_callers_own(tmp_path: Path, compact: bool) -> None:
    path = _one_answer_file(tmp_path, {"is_success": True, "items": [{"a": 1}]})
    if compact:  # no cut fits: the answers are parsed at load, then copied per replay
        path.write_text(json.dumps(json.loads(path.read_text(encoding="utf-8"))), "utf-8")
    with Session(transport=FixtureTransport(path, allow_repeats=True)) as session:
        first = session.request("GET", "/v1/{project_id}/x")
        first["items"][0]["a"] = "changed"
        first["new"] = True
        again = session.request("GET", "/v1/{project_id}/x")
    assert again == {"is_success": True, "items": [{"a": 1}]}


def test_a_recording_that_replays_writes_back_what_it_read(tmp_path: Path) -> None:
    path = _one_answer_file(tmp_path, {"is_success": True, "items": [{"a": 1}]})
    before = path.read_text(encoding="utf-8")
    cloud = MockTransport(
        lambda request: Response(200, {"content-type": "application/json"}, b'{"is_success": true}')
    )
    transport = RecordingTransport(cloud, path, "new_episodes")
    with Session(
        transport=transport,
        access_key="AKIDEXAMPLE1234567",
        secret_key="secret-key-example-0987654321",
        project_id="0123456789abcdef",
        region_name="cn-north-4",
    ) as session:
        replayed = session.request("GET", "/v1/{project_id}/x")
        replayed["items"].append("the caller's")
        session.request("GET", "/v1/{project_id}/y")  # recorded: the file is written back
    written = json.loads(path.read_text(encoding="utf-8"))
    assert written["interactions"][0] == json.loads(before)["interactions"][0]
    assert len(written["interactions"]) == 2


def test_a_response_handed_its_value_gives_it_once_then_copies() -> None:
    value = {"a": [1, {"b": 2}], "s": ["0", "1.5"], "n": 3}
    response = Response(200, json=value, handed_over=True)
    assert response.json() is value
    copy = response.json()
    assert copy == value and copy is not value
    assert copy["a"] is not value["a"] and copy["a"][1] is not value["a"][1]
    assert copy["s"] is not value["s"]  # an array of scalars is copied too
    kept = Response(200, json=value)
    assert kept.json() is not value


def test_recorded_requests_and_unplayed_index_the_file(tmp_path: Path) -> None:
    path = _one_answer_file(tmp_path, {"is_success": True})
    transport = FixtureTransport(path)
    assert [request.path for request in transport.recorded_requests] == ["/v1/{project_id}/x"]
    assert transport.unplayed() == [0]
    transport.send(Request("GET", "https://h.example/v1/%7Bproject_id%7D/x"))
    assert transport.unplayed() == []


def test_a_real_value_that_looks_like_a_placeholder_is_read_whole(tmp_path: Path) -> None:
    # The same string as the placeholder of span 0, spelt with another escape, as the
    # one-line answer of a second interaction: the frame then holds it twice.
    lookalike = "\u0000body:0"
    fixture = Fixture(
        (
            Interaction(
                StoredRequest("GET", "/v1/{project_id}/x"),
                StoredResponse(200, {}, Body("json", {"is_success": True, "a": [1, 2]})),
            ),
            Interaction(
                StoredRequest("GET", "/v1/{project_id}/y"),
                StoredResponse(200, {}, Body("json", lookalike)),
            ),
        )
    )
    path = tmp_path / "look.json"
    write_rendered(render_fixture(fixture, path), path)
    text = path.read_text(encoding="utf-8").replace("\\u0000body", "\\u0000\\u0062ody")
    path.write_text(text, encoding="utf-8")
    assert cut_bodies(text) is not None  # the cut is tried, and the frame gives it away
    assert _resolved(load_fixture(path, defer_answers=True)) == _resolved(fixture)


def test_a_deferred_load_renders_as_the_file_it_came_from(tmp_path: Path) -> None:
    rng = random.Random(3)
    path, again = tmp_path / "f.json", tmp_path / "f2.json"
    for _ in range(20):
        write_rendered(render_fixture(_random_fixture(rng), path), path)
        rendered = render_fixture(load_fixture(path, defer_answers=True), again)
        assert rendered.text == path.read_text(encoding="utf-8")
