"""FixtureTransport: matching, ordered replay, diagnostics, threads, record→replay round trips."""

from __future__ import annotations

import json
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any, Dict, List, Sequence, Tuple
from urllib.parse import quote, urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st

from modelarts.errors import FixtureNotFoundError, UnmatchedRequestError
from modelarts.redaction import PROJECT_ID_PLACEHOLDER, REDACTOR_EXTENSION, SECRET_KEYS, Redactor
from modelarts.transport import (
    FixtureTransport,
    MockTransport,
    RecordingTransport,
    Request,
    Response,
)
from modelarts.transport.fixture_files import write_rendered
from modelarts.transport.fixture_format import (
    Body,
    Fixture,
    Interaction,
    StoredRequest,
    StoredResponse,
    render_fixture,
)

MODELARTS = "https://modelarts.cn-north-4.myhuaweicloud.com"
JSON = {"Content-Type": "application/json"}
PROJECT = "4a5b6c7d8e9f40a1b2c3d4e5f6a7b8c9"
OTHER_PROJECT = "99990000aaaabbbbccccddddeeeeffff"
SK = "sk-replay-secret-0000000000000000000000001"
PASSWORD = "replay-Pa55word!"


def url(path: str, query: Sequence[Tuple[str, str]] = (), endpoint: str = MODELARTS) -> str:
    """What the Session sends: percent-encoded path, canonical (sorted, %20) query."""
    pairs = "&".join(f"{quote(k, safe='~')}={quote(v, safe='~')}" for k, v in sorted(query))
    return endpoint + path + (f"?{pairs}" if pairs else "")


def versions_path(project: str = PROJECT, job: str = "182626") -> str:
    return f"/v1/{quote(project, safe='~')}/training-jobs/{job}/versions"


def write(path: Path, *pairs: Tuple[StoredRequest, StoredResponse]) -> Path:
    fixture = Fixture(tuple(Interaction(req, resp) for req, resp in pairs))
    write_rendered(render_fixture(fixture, path), path)
    return path


def answer(body: Any, status: int = 200) -> StoredResponse:
    return StoredResponse(
        status, {"content-type": "application/json", "x-request-id": "r"}, Body("json", body)
    )


def versions(page: str = "1", job: str = "182626") -> StoredRequest:
    return StoredRequest(
        "GET",
        f"/v1/{{project_id}}/training-jobs/{job}/versions",
        (("page", page), ("per_page", "10")),
    )


def live_versions(page: str = "1", project: str = PROJECT, **headers: str) -> Request:
    """The request a Session of ``project`` sends, its redactor in the extensions."""
    return Request(
        "GET",
        url(versions_path(project), (("per_page", "10"), ("page", page))),
        {
            "X-Sdk-Date": "20260131T120000Z",
            "Authorization": "SDK-HMAC-SHA256 x",
            "User-Agent": "modelarts",
            **headers,
        },
        extensions={REDACTOR_EXTENSION: with_project(project)},
    )


def with_project(project: str) -> Redactor:
    redactor = Redactor()
    redactor.add_identifier(project, PROJECT_ID_PLACEHOLDER)
    return redactor


def carrying(redactor: Redactor, request: Request) -> Request:
    """``request`` as a Session knowing what ``redactor`` knows sends it."""
    return request.replace(extensions={REDACTOR_EXTENSION: redactor})


# -- round trip -----------------------------------------------------------------------


def test_record_then_replay_gives_the_same_responses(tmp_path: Path) -> None:
    path = tmp_path / "scenario.json"
    body = {"is_success": True, "versions": [{"version_id": 1, "status": 8, "名": "ü"}]}

    def server(request: Request) -> Response:
        if request.method == "POST":
            return Response(
                201, {**JSON, "X-Request-Id": "r-2", "Location": "/x/1"}, b'{"job_id": 1}'
            )
        return Response(
            200,
            {
                **JSON,
                "X-Request-Id": "r-1",
                "Retry-After": "3",
                "Date": "Sat, 31 Jan 2026 12:00:00 GMT",
                "Server": "nginx",
            },
            json.dumps(body, indent=4).encode(),
        )

    requests = [
        live_versions(),
        carrying(
            with_project(PROJECT),
            Request(
                "POST",
                url(f"/v1/{PROJECT}/training-jobs"),
                JSON,
                b'{"job_name": "a", "config": {"x": [1, 2]}}',
            ),
        ),
    ]
    with RecordingTransport(MockTransport(server), path) as recorder:
        live = [recorder.send(request) for request in requests]
    replay = FixtureTransport(path)
    for request, original in zip(requests, live):
        replayed = replay.send(request)
        assert replayed.status == original.status
        assert json.loads(replayed.body) == json.loads(original.body)
        for name in ("Content-Type", "X-Request-Id", "Retry-After", "Date", "Location"):
            assert replayed.headers.get(name) == original.headers.get(name)
        assert "Server" not in replayed.headers
        assert replayed.request is request
    assert replay.unplayed() == []


def test_replay_needs_an_existing_file(tmp_path: Path) -> None:
    with pytest.raises(
        FixtureNotFoundError, match="does not exist; record it with RecordingTransport"
    ):
        FixtureTransport(tmp_path / "absent.json")


# -- matching -------------------------------------------------------------------------


def test_scheme_host_port_and_volatile_headers_do_not_matter(tmp_path: Path) -> None:
    path = write(tmp_path / "f.json", *[(versions(), answer({"n": i})) for i in range(3)])
    replay = FixtureTransport(path)
    first = live_versions()
    second = Request(
        "GET",
        url(versions_path(), (("page", "1"), ("per_page", "10")), "http://127.0.0.1:8443"),
        {"X-Auth-Token": "tok", "Host": "h"},
        extensions=first.extensions,
    )
    third = first.replace(url=first.url.replace(MODELARTS, "http://placeholder.invalid"))
    assert [json.loads(replay.send(r).body)["n"] for r in (first, second, third)] == [0, 1, 2]


def test_recording_with_one_project_replays_under_another_or_none(tmp_path: Path) -> None:
    path = write(tmp_path / "f.json", *[(versions(), answer({"a": n})) for n in range(3)])
    replay = FixtureTransport(path)
    assert replay.send(live_versions(project=OTHER_PROJECT)).status == 200
    # A Session without credentials uses the placeholder itself, percent-encoded or not.
    assert replay.send(live_versions(project=PROJECT_ID_PLACEHOLDER)).status == 200
    raw = Request(
        "GET", MODELARTS + "/v1/{project_id}/training-jobs/182626/versions?page=1&per_page=10"
    )
    assert replay.send(raw).status == 200


def test_json_bodies_match_parsed_and_redacted(tmp_path: Path) -> None:
    recorded = StoredRequest(
        "POST",
        "/v3/auth/tokens",
        body=Body(
            "json",
            {
                "auth": {
                    "identity": {"methods": ["password"], "password": "<redacted>"},
                    "scope": {"project": {"id": "{project_id}"}},
                }
            },
        ),
    )
    path = write(tmp_path / "f.json", (recorded, answer({"token": {}}, 201)))
    replay = FixtureTransport(path)
    redactor = with_project(PROJECT)
    redactor.add_secret(PASSWORD, "password")
    # Other key order, no spaces, the real password and project id: still the same request.
    live_body = json.dumps(
        {
            "auth": {
                "scope": {"project": {"id": PROJECT}},
                "identity": {
                    "password": {"user": {"password": PASSWORD, "name": "bob"}},
                    "methods": ["password"],
                },
            }
        },
        separators=(",", ":"),
    )
    live = Request(
        "POST", url("/v3/auth/tokens", endpoint="https://iam.x"), JSON, live_body.encode()
    )
    response = replay.send(carrying(redactor, live))
    assert response.status == 201


def test_identical_requests_replay_in_recorded_order(tmp_path: Path) -> None:
    path = write(
        tmp_path / "poll.json",
        (versions(), answer({"status": "RUNNING"})),
        (versions(page="2"), answer({"other": True})),
        (versions(), answer({"status": "COMPLETED"})),
    )
    replay = FixtureTransport(path)
    assert json.loads(replay.send(live_versions()).body) == {"status": "RUNNING"}
    assert json.loads(replay.send(live_versions()).body) == {"status": "COMPLETED"}
    assert replay.unplayed() == [1]
    with pytest.raises(UnmatchedRequestError) as info:
        replay.send(live_versions())
    assert "this request was recorded 2 times, this is call 3" in str(info.value)
    assert "allow_repeats=True" in str(info.value)


def test_allow_repeats_keeps_returning_the_last_answer(tmp_path: Path) -> None:
    path = write(
        tmp_path / "poll.json",
        (versions(), answer({"status": "RUNNING"})),
        (versions(), answer({"status": "COMPLETED"})),
    )
    replay = FixtureTransport(path, allow_repeats=True)
    statuses = [json.loads(replay.send(live_versions()).body)["status"] for _ in range(4)]
    assert statuses == ["RUNNING", "COMPLETED", "COMPLETED", "COMPLETED"]
    with pytest.raises(UnmatchedRequestError):
        replay.send(live_versions(page="9"))  # repeats, not guesses


# -- the unmatched-request message ----------------------------------------------------


def test_unmatched_message_shows_request_fixture_three_closest_and_how_to_record(
    tmp_path: Path,
) -> None:
    path = write(
        tmp_path / "jobs.json",
        (StoredRequest("DELETE", "/v1/{project_id}/training-jobs/1"), answer({})),
        (versions(page="1"), answer({})),
        (
            StoredRequest(
                "POST",
                "/v1/{project_id}/training-jobs",
                body=Body("json", {"job_name": "a", "config": {"n": 1}}),
            ),
            answer({}),
        ),
        (versions(page="1", job="999"), answer({})),
        (StoredRequest("GET", "/v3/projects", (("name", "cn-north-4"),)), answer({})),
    )
    redactor = with_project(PROJECT)
    redactor.add_secret(SK, "secret key")
    redactor.add_secret(PASSWORD, "password")
    replay = FixtureTransport(path)

    with pytest.raises(UnmatchedRequestError) as info:
        replay.send(carrying(redactor, live_versions(page="2", **{"X-Security-Token": SK})))
    message = str(info.value)
    lines = message.splitlines()
    assert "GET /v1/{project_id}/training-jobs/182626/versions?page=2&per_page=10" in lines[1]
    assert f"fixture: {path.absolute()} (5 interactions)" in message
    closest = [line.strip() for line in lines if line.startswith("  #")]
    assert closest == [
        "#1: GET /v1/{project_id}/training-jobs/182626/versions?page=1&per_page=10",
        "#3: GET /v1/{project_id}/training-jobs/999/versions?page=1&per_page=10",
        "#0: DELETE /v1/{project_id}/training-jobs/1",
    ]
    assert "- query page: '2' here, '1' recorded" in message
    assert (
        "- path: /v1/{project_id}/training-jobs/182626/versions here, "
        "/v1/{project_id}/training-jobs/999/versions recorded" in message
    )
    assert "- method: GET here, DELETE recorded" in message
    assert "MODELARTS_RECORD_MODE=new_episodes" in message
    assert "--modelarts-record-mode=new_episodes" in message
    assert "recorded 1 time" not in message  # nothing was used up

    with pytest.raises(UnmatchedRequestError) as info:
        replay.send(
            Request(
                "POST",
                url(f"/v1/{PROJECT}/training-jobs"),
                JSON,
                json.dumps(
                    {"job_name": "b", "config": {"n": 1, "secret_note": SK}, "pw": PASSWORD}
                ).encode(),
                extensions={REDACTOR_EXTENSION: redactor},
            )
        )
    message = str(info.value)
    assert "body:    {" in message and "<secret key>" in message
    assert "- body keys only here: config.secret_note, pw" in message
    assert "- body job_name: 'b' here, 'a' recorded" in message
    for secret in (SK, PASSWORD, PROJECT):
        assert secret not in message


def test_unmatched_on_an_empty_fixture(tmp_path: Path) -> None:
    replay = FixtureTransport(write(tmp_path / "empty.json"))
    with pytest.raises(UnmatchedRequestError, match="the fixture holds no interactions"):
        replay.send(live_versions())


# -- threads ----------------------------------------------------------------------------


def test_eight_threads_get_each_interaction_exactly_once(tmp_path: Path) -> None:
    path = write(tmp_path / "poll.json", *[(versions(), answer({"n": n})) for n in range(200)])
    replay = FixtureTransport(path)
    seen: List[List[int]] = [[] for _ in range(8)]
    errors: List[BaseException] = []
    start = threading.Barrier(8)

    def worker(mine: List[int]) -> None:
        try:
            start.wait()
            for _ in range(25):
                mine.append(json.loads(replay.send(live_versions()).body)["n"])
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(mine,)) for mine in seen]
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as possible: races show up
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        sys.setswitchinterval(interval)
    assert errors == []
    assert sorted(n for mine in seen for n in mine) == list(range(200))
    assert all(mine == sorted(mine) for mine in seen)  # recorded order, per caller too
    with pytest.raises(UnmatchedRequestError, match="recorded 200 times, this is call 201"):
        replay.send(live_versions())


# -- property: whatever the SDK can send round-trips ---------------------------------

_text = st.text(max_size=12)
_key = st.text(max_size=8).filter(lambda k: k.lower() not in SECRET_KEYS)
_json = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | _text,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_key, inner, max_size=4),
    max_leaves=12,
)
_request = st.fixed_dictionaries(
    {
        "method": st.sampled_from(["GET", "POST", "PUT", "DELETE"]),
        "segments": st.lists(st.text(min_size=1, max_size=8), min_size=1, max_size=4),
        "query": st.lists(st.tuples(_text, _text), max_size=4),
        "body": st.none() | st.dictionaries(_key, _json, max_size=5),
    }
)
_response = st.one_of(
    st.tuples(st.just("json"), st.dictionaries(_key, _json, max_size=5)),
    st.tuples(st.just("text"), st.text(max_size=40)),
    st.tuples(st.just("binary"), st.binary(min_size=1, max_size=64)),
).flatmap(lambda kind: st.tuples(st.sampled_from([200, 201, 400, 404, 500]), st.just(kind)))


def _build(spec: Dict[str, Any], project: str) -> Request:
    segments = [quote(segment, safe="~") for segment in spec["segments"]]
    path = f"/v1/{quote(project, safe='~')}/" + "/".join(segments)
    body = b"" if spec["body"] is None else json.dumps(spec["body"]).encode()
    return Request(
        spec["method"],
        url(path, spec["query"]),
        {**JSON, "X-Sdk-Date": "20260131T120000Z"},
        body,
        extensions={REDACTOR_EXTENSION: with_project(project)},
    )


def _wire(status: int, kind: str, value: Any) -> Response:
    if kind == "json":
        return Response(status, {**JSON, "X-Request-Id": "r"}, json.dumps(value).encode())
    if kind == "text":
        return Response(status, {"Content-Type": "text/plain; charset=utf-8"}, value.encode())
    return Response(status, {"Content-Type": "application/octet-stream"}, value)


@given(st.lists(st.tuples(_request, _response), min_size=1, max_size=5))
def test_any_sdk_request_and_response_round_trips(
    exchanges: List[Tuple[Dict[str, Any], Tuple[int, Tuple[str, Any]]]],
) -> None:
    answers = iter([_wire(status, *kind) for _, (status, kind) in exchanges])
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "prop.json"
        with RecordingTransport(MockTransport(lambda request: next(answers)), path) as recorder:
            originals = [recorder.send(_build(spec, PROJECT)) for spec, _ in exchanges]
        replay = FixtureTransport(path)
        for (spec, (_, (kind, _))), original in zip(exchanges, originals):
            replayed = replay.send(_build(spec, PROJECT_ID_PLACEHOLDER))
            assert replayed.status == original.status
            assert replayed.content_type == original.content_type
            if kind == "json":
                assert json.loads(replayed.body) == json.loads(original.body)
                assert replayed.request_id == "r"
            else:
                assert replayed.body == original.body
        assert replay.unplayed() == []
        assert urlsplit(replayed.request.url if replayed.request else "").path.startswith(
            "/v1/%7Bproject_id%7D/"
        )


def test_changing_a_replayed_answer_does_not_change_the_next_replay(tmp_path: Path) -> None:
    from modelarts.session import Session

    def answer(request: Request) -> Response:
        body = b'{"is_success": true, "items": [1, 2]}'
        return Response(200, {"Content-Type": "application/json"}, body)

    path = tmp_path / "repeat.json"
    recorder = RecordingTransport(MockTransport(answer), path, mode="all")
    keys = {"access_key": "AKREPEAT000000000001", "secret_key": "sk-repeat-0001"}
    with Session(transport=recorder, project_id="p0", region_name="cn-north-4", **keys) as session:
        session.request("GET", "/v1/{project_id}/x")
    session = Session(transport=FixtureTransport(path, allow_repeats=True))
    first = session.request("GET", "/v1/{project_id}/x")
    first["items"].append(3)
    first["is_success"] = False
    assert session.request("GET", "/v1/{project_id}/x") == {"is_success": True, "items": [1, 2]}
