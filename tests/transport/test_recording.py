"""RecordingTransport: the four record modes, redaction before disk, atomic writes."""

from __future__ import annotations

import difflib
import json
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple, Union
from urllib.parse import quote, urlsplit

import pytest

from modelarts.errors import (
    FixtureError,
    InvalidArgumentError,
    SecretInFixtureError,
    UnmatchedRequestError,
)
from modelarts.redaction import PROJECT_ID_PLACEHOLDER, REDACTOR_EXTENSION, Redactor
from modelarts.transport import (
    FixtureTransport,
    MockTransport,
    RecordingTransport,
    RecordMode,
    Request,
    Response,
    Transport,
)

ROOT = Path(__file__).resolve().parents[2]
MODELARTS = "https://modelarts.cn-north-4.myhuaweicloud.com"
IAM = "https://iam.cn-north-4.myhuaweicloud.com"
JSON = {"Content-Type": "application/json"}

Answer = Union[Response, List[Response]]


class FakeCloud(Transport):
    """A fake server in-process: answers from a table of ``(METHOD, path)``.

    A list of answers is served in order, the last one repeating; every request
    is kept so tests can see what was forwarded. A class rather than a
    ``MockTransport`` handler: it counts ``close()`` calls (a recorder must close
    what it wraps) and serves from several threads under a lock.
    """

    def __init__(self, routes: Dict[Tuple[str, str], Answer]) -> None:
        self.routes = {key: list(v) if isinstance(v, list) else [v] for key, v in routes.items()}
        self.requests: List[Request] = []
        self.closed = 0
        self._lock = threading.Lock()

    def send(self, request: Request) -> Response:
        with self._lock:
            self.requests.append(request)
            answers = self.routes.get((request.method, urlsplit(request.url).path))
            if not answers:
                return Response(404, JSON, b'{"error_code": "ModelArts.404"}', request=request)
            answer = answers.pop(0) if len(answers) > 1 else answers[0]
        return Response(answer.status, answer.headers, answer.body, request=request)

    def close(self) -> None:
        self.closed += 1

    def forwarded(self) -> List[str]:
        return [f"{r.method} {urlsplit(r.url).path}" for r in self.requests]


def url(path: str, query: Sequence[Tuple[str, str]] = (), endpoint: str = MODELARTS) -> str:
    """What the Session sends: percent-encoded path, canonical (sorted, %20) query."""
    pairs = "&".join(f"{quote(k, safe='~')}={quote(v, safe='~')}" for k, v in sorted(query))
    return endpoint + path + (f"?{pairs}" if pairs else "")


def ok(body: object, status: int = 200, headers: Union[Dict[str, str], None] = None) -> Response:
    return Response(
        status, {**JSON, "X-Request-Id": "req-1", **(headers or {})}, json.dumps(body).encode()
    )


def jobs_cloud() -> FakeCloud:
    return FakeCloud(
        {
            ("GET", "/v1/P1/training-jobs"): ok({"is_success": True, "jobs": []}),
            ("GET", "/v1/P1/training-jobs/1"): ok({"is_success": True, "job_id": 1}),
            ("GET", "/v1/P1/training-jobs/2"): ok({"is_success": True, "job_id": 2}),
            ("DELETE", "/v1/P1/training-jobs/2"): ok({"is_success": True}),
        }
    )


def carried(redactor: Optional[Redactor]) -> Dict[str, Redactor]:
    """The extensions of a request from a Session knowing what ``redactor`` knows."""
    return {REDACTOR_EXTENSION: redactor} if redactor is not None else {}


def get(path: str, redactor: Optional[Redactor] = None) -> Request:
    headers = {"Authorization": "SDK-HMAC-SHA256 Access=X", **JSON}
    return Request("GET", url(path), headers, extensions=carried(redactor))


def run(transport: Transport, *requests: Request) -> List[Response]:
    return [transport.send(request) for request in requests]


def recorded_paths(path: Path) -> List[str]:
    document = json.loads(path.read_text(encoding="utf-8"))
    return [f"{i['request']['method']} {i['request']['path']}" for i in document["interactions"]]


# -- modes --------------------------------------------------------------------------


def test_once_without_file_forwards_everything_and_writes_on_close(tmp_path: Path) -> None:
    path = tmp_path / "jobs.json"
    cloud = jobs_cloud()
    recorder = RecordingTransport(cloud, path)
    assert recorder.mode is RecordMode.ONCE and recorder.recording
    responses = run(recorder, get("/v1/P1/training-jobs"), get("/v1/P1/training-jobs/1"))
    assert [r.status for r in responses] == [200, 200]
    assert cloud.forwarded() == ["GET /v1/P1/training-jobs", "GET /v1/P1/training-jobs/1"]
    assert not path.exists()  # written once, at close
    recorder.close()
    assert recorded_paths(path) == ["GET /v1/P1/training-jobs", "GET /v1/P1/training-jobs/1"]
    assert cloud.closed == 1


def test_once_with_file_replays_only(tmp_path: Path) -> None:
    path = tmp_path / "jobs.json"
    with RecordingTransport(jobs_cloud(), path) as first:
        run(first, get("/v1/P1/training-jobs/1"))
    before = path.read_bytes()
    cloud = jobs_cloud()
    with RecordingTransport(cloud, path, "once") as replay:
        assert not replay.recording
        assert json.loads(replay.send(get("/v1/P1/training-jobs/1")).body)["job_id"] == 1
        with pytest.raises(UnmatchedRequestError, match="new_episodes"):
            replay.send(get("/v1/P1/training-jobs/2"))
    assert cloud.requests == []
    assert path.read_bytes() == before
    assert cloud.closed == 1


def test_none_replays_only_and_requires_the_file(tmp_path: Path) -> None:
    path = tmp_path / "jobs.json"
    with pytest.raises(FixtureError, match="does not exist; record it with"):
        RecordingTransport(jobs_cloud(), path, "none")
    with RecordingTransport(jobs_cloud(), path, "once") as first:
        run(first, get("/v1/P1/training-jobs/1"))
    cloud = jobs_cloud()
    with RecordingTransport(cloud, path, RecordMode.NONE) as replay:
        assert not replay.recording
        assert replay.send(get("/v1/P1/training-jobs/1")).status == 200
        with pytest.raises(UnmatchedRequestError):
            replay.send(get("/v1/P1/training-jobs/1"))  # used up: no repeats by default
    assert cloud.requests == []


def test_new_episodes_replays_matches_and_appends_the_rest(tmp_path: Path) -> None:
    path = tmp_path / "jobs.json"
    with RecordingTransport(jobs_cloud(), path) as first:
        run(first, get("/v1/P1/training-jobs/1"), get("/v1/P1/training-jobs"))
    cloud = jobs_cloud()
    with RecordingTransport(cloud, path, "New-Episodes") as recorder:
        assert recorder.recording
        run(
            recorder,
            get("/v1/P1/training-jobs/1"),  # recorded: replayed
            get("/v1/P1/training-jobs/2"),  # new: forwarded
            get("/v1/P1/training-jobs/1"),  # recorded once, this is call 2: forwarded
            Request("DELETE", url("/v1/P1/training-jobs/2")),
        )
    assert cloud.forwarded() == [
        "GET /v1/P1/training-jobs/2",
        "GET /v1/P1/training-jobs/1",
        "DELETE /v1/P1/training-jobs/2",
    ]
    assert recorded_paths(path) == [
        "GET /v1/P1/training-jobs/1",
        "GET /v1/P1/training-jobs",
        "GET /v1/P1/training-jobs/2",
        "GET /v1/P1/training-jobs/1",
        "DELETE /v1/P1/training-jobs/2",
    ]


def test_new_episodes_with_allow_repeats_replays_the_last_instead_of_forwarding(
    tmp_path: Path,
) -> None:
    path = tmp_path / "jobs.json"
    with RecordingTransport(jobs_cloud(), path) as first:
        run(first, get("/v1/P1/training-jobs/1"))
    cloud = jobs_cloud()
    with RecordingTransport(cloud, path, "new_episodes", allow_repeats=True) as recorder:
        run(recorder, *[get("/v1/P1/training-jobs/1")] * 3, get("/v1/P1/training-jobs/2"))
    assert cloud.forwarded() == ["GET /v1/P1/training-jobs/2"]


def test_new_episodes_without_news_leaves_the_file_alone(tmp_path: Path) -> None:
    path = tmp_path / "jobs.json"
    with RecordingTransport(jobs_cloud(), path) as first:
        run(first, get("/v1/P1/training-jobs/1"))
    os.utime(path, (1_000_000, 1_000_000))
    before = path.read_bytes()
    with RecordingTransport(jobs_cloud(), path, "new_episodes") as recorder:
        run(recorder, get("/v1/P1/training-jobs/1"))
    assert path.read_bytes() == before and path.stat().st_mtime == 1_000_000


def test_new_episodes_without_file_records_everything(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "dir" / "jobs.json"
    cloud = jobs_cloud()
    with RecordingTransport(cloud, path, "new_episodes") as recorder:
        run(recorder, get("/v1/P1/training-jobs/1"))
    assert cloud.forwarded() == ["GET /v1/P1/training-jobs/1"]
    assert recorded_paths(path) == ["GET /v1/P1/training-jobs/1"]


def test_all_ignores_the_old_file_and_rerecords(tmp_path: Path) -> None:
    path = tmp_path / "jobs.json"
    with RecordingTransport(jobs_cloud(), path) as first:
        run(first, get("/v1/P1/training-jobs/1"), get("/v1/P1/training-jobs"))
    cloud = jobs_cloud()
    with RecordingTransport(cloud, path, "all") as recorder:
        assert recorder.recording
        run(recorder, get("/v1/P1/training-jobs/1"), get("/v1/P1/training-jobs/2"))
    assert cloud.forwarded() == ["GET /v1/P1/training-jobs/1", "GET /v1/P1/training-jobs/2"]
    assert recorded_paths(path) == ["GET /v1/P1/training-jobs/1", "GET /v1/P1/training-jobs/2"]


def test_misspelt_mode_is_refused_before_anything_happens(tmp_path: Path) -> None:
    with pytest.raises(InvalidArgumentError, match="valid modes: none, once, new_episodes, all"):
        RecordingTransport(jobs_cloud(), tmp_path / "x.json", "new_episode")
    assert list(tmp_path.iterdir()) == []


def test_close_is_idempotent_and_send_after_close_is_refused(tmp_path: Path) -> None:
    cloud = jobs_cloud()
    recorder = RecordingTransport(cloud, tmp_path / "x.json")
    recorder.send(get("/v1/P1/training-jobs/1"))
    recorder.close()
    first = (tmp_path / "x.json").read_bytes()
    recorder.close()
    assert cloud.closed == 1
    assert (tmp_path / "x.json").read_bytes() == first
    with pytest.raises(FixtureError, match="is closed"):
        recorder.send(get("/v1/P1/training-jobs/1"))


def test_inner_transport_errors_propagate_and_are_not_recorded(tmp_path: Path) -> None:
    from modelarts.errors import ConnectError

    def down(request: Request) -> Response:
        raise ConnectError("refused", method=request.method, url=request.url)

    recorder = RecordingTransport(MockTransport(down), tmp_path / "x.json")
    with recorder, pytest.raises(ConnectError):
        recorder.send(get("/v1/P1/training-jobs/1"))
    assert not (tmp_path / "x.json").exists()  # a run that recorded nothing writes no file


def test_recording_from_several_threads_keeps_every_interaction(tmp_path: Path) -> None:
    path = tmp_path / "x.json"
    with RecordingTransport(jobs_cloud(), path) as recorder:
        threads = [
            threading.Thread(target=run, args=(recorder, *[get("/v1/P1/training-jobs/1")] * 10))
            for _ in range(8)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert len(recorded_paths(path)) == 80


def test_header_records_format_version_sdk_version_and_utc_time(tmp_path: Path) -> None:
    import modelarts

    with RecordingTransport(jobs_cloud(), tmp_path / "x.json") as recorder:
        recorder.send(get("/v1/P1/training-jobs/1"))
    document = json.loads((tmp_path / "x.json").read_text(encoding="utf-8"))
    assert document["modelarts_fixture"] == 1
    assert document["sdk_version"] == modelarts.__version__
    stamp = datetime.strptime(document["recorded_at"], "%Y-%m-%dT%H:%M:%SZ")
    age = datetime.now(timezone.utc) - stamp.replace(tzinfo=timezone.utc)
    assert abs(age.total_seconds()) < 120


def test_rerecording_a_changed_field_is_a_one_line_diff(tmp_path: Path) -> None:
    path = tmp_path / "poll.json"

    def record(status: int) -> List[str]:
        cloud = FakeCloud({("GET", "/v1/P1/training-jobs/1/versions/2"): ok(
            {"is_success": True, "job_id": 1, "version_id": 2, "status": status, "duration": 5}
        )})
        with RecordingTransport(cloud, path, "all") as recorder:
            recorder.send(get("/v1/P1/training-jobs/1/versions/2"))
        return path.read_text(encoding="utf-8").splitlines()

    before, after = record(8), record(10)
    changed = [
        line
        for line in difflib.unified_diff(before, after, lineterm="", n=0)
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]
    # Besides the recording time, exactly the one field that changed.
    assert [line for line in changed if '"recorded_at"' not in line] == [
        '-          "status": 8,',
        '+          "status": 10,',
    ]


# -- secrets --------------------------------------------------------------------------

AK = "AKFAKE0000000000TEST"
SK = "skfake-secret-000000000000000000000000001"
SECURITY_TOKEN = "sectoken-FAKE-" + "s" * 48
PASSWORD = "Pa55word-fake-9000"
IAM_TOKEN = "MIIfaketoken-" + "t" * 64
PROJECT = "0aa1bb2cc3dd4ee5ff6a7b8c9d0e1f2a"
DOMAIN = "d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0"
USER = "u1u1u1u1u1u1u1u1u1u1u1u1u1u1u1u1"
SECRETS = {
    "AK": AK, "SK": SK, "security token": SECURITY_TOKEN, "password": PASSWORD,
    "IAM token": IAM_TOKEN, "project id": PROJECT, "domain id": DOMAIN, "user id": USER,
}


def session_redactor() -> Redactor:
    """What a Session registers at construction (the token comes later)."""
    redactor = Redactor()
    redactor.add_secret(AK, "access key")
    redactor.add_secret(SK, "secret key")
    redactor.add_secret(SECURITY_TOKEN, "security token")
    redactor.add_secret(PASSWORD, "password")
    redactor.add_identifier(PROJECT, PROJECT_ID_PLACEHOLDER)
    return redactor


def signed(method: str, path: str, query: Sequence[Tuple[str, str]] = (), body: bytes = b"",
           endpoint: str = MODELARTS, redactor: Optional[Redactor] = None) -> Request:
    return Request(method, url(path, query, endpoint), {
        "Authorization": f"SDK-HMAC-SHA256 Access={AK}, SignedHeaders=host;x-sdk-date, "
                         f"Signature=9f{'0' * 62}",
        "X-Sdk-Date": "20260131T120000Z",
        "X-Security-Token": SECURITY_TOKEN,
        "X-Project-Id": PROJECT,
        "Host": urlsplit(endpoint).netloc,
        "User-Agent": "modelarts-python/0.1.0",
        "Cookie": f"session={IAM_TOKEN}",
        **JSON,
    }, body, carried(redactor))


def account_cloud() -> FakeCloud:
    token_body = {"token": {
        "expires_at": "2026-02-01T12:00:00.000000Z",
        "methods": ["password"],
        "user": {"id": USER, "name": "alice", "domain": {"id": DOMAIN, "name": "acme"}},
        "project": {"id": PROJECT, "name": "cn-north-4", "domain": {"id": DOMAIN}},
        "catalog": [{"endpoints": [{"url": f"https://ecs.example/v2.1/{PROJECT}"}]}],
    }}
    return FakeCloud({
        ("POST", "/v3/auth/tokens"): ok(token_body, 201, {
            "X-Subject-Token": IAM_TOKEN, "Set-Cookie": f"t={IAM_TOKEN}; sk={SK}"}),
        ("GET", "/v3/projects"): ok({"projects": [
            {"id": PROJECT, "domain_id": DOMAIN, "name": "cn-north-4", "parent_id": DOMAIN}]}),
        ("GET", f"/v1/{PROJECT}/training-jobs/182626/versions"): ok(
            {"is_success": True, "versions": [{"version_id": 1, "train_url": f"/bkt/{PROJECT}/o"}]},
            headers={"Set-Cookie": f"x={AK}"}),
        ("POST", f"/v1/{PROJECT}/training-jobs"): ok(
            {"is_success": True, "job_id": 7, "echo": f"token={IAM_TOKEN} project={PROJECT}"}),
    })


def test_no_secret_or_account_id_reaches_any_file(tmp_path: Path) -> None:
    redactor = session_redactor()
    path = tmp_path / "account.json"
    cloud = account_cloud()
    with RecordingTransport(cloud, path) as recorder:
        login = json.dumps({"auth": {
            "identity": {"methods": ["password"], "password": {"user": {
                "name": "alice", "password": PASSWORD, "domain": {"name": "acme"}}}},
            "scope": {"project": {"id": PROJECT}},
        }}).encode()
        recorder.send(signed("POST", "/v3/auth/tokens", (("nocatalog", "true"),), login, IAM,
                             redactor))
        # The Session learns these only from the answer, after it went through the recorder.
        redactor.add_secret(IAM_TOKEN, "IAM token")
        redactor.add_identifier(USER, "{user_id}")
        redactor.add_identifier(DOMAIN, "{domain_id}")
        recorder.send(signed("GET", "/v3/projects", (("name", "cn-north-4"),), endpoint=IAM,
                             redactor=redactor))
        recorder.send(signed("GET", f"/v1/{PROJECT}/training-jobs/182626/versions",
                             (("page", "1"), ("workspace_id", PROJECT)), redactor=redactor))
        recorder.send(signed("POST", f"/v1/{PROJECT}/training-jobs", body=json.dumps(
            {"job_name": "j", "config": {"parameter": [{"label": "t", "value": IAM_TOKEN}],
                                         "train_url": f"/bkt/{PROJECT}/", PROJECT: 1}}).encode(),
                             redactor=redactor))
    assert len(cloud.requests) == 4
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert [p.name for p in files] == ["account.json"]
    for file in files:
        data = file.read_bytes()
        for name, secret in SECRETS.items():
            assert secret.encode() not in data, f"{name} written to {file.name}"
    text = path.read_text(encoding="utf-8")
    for visible in ('"/v1/{project_id}/training-jobs/182626/versions"', '"x-project-id": '
                    '"{project_id}"', '"{user_id}"', '"{domain_id}"', '"x-subject-token": '
                    '"<redacted>"', '["workspace_id", "{project_id}"]', '"{project_id}": 1'):
        assert visible in text
    for header in ("authorization", "x-sdk-date", "x-security-token", "cookie", "set-cookie",
                   "user-agent", "host"):
        assert f'"{header}"' not in text


def test_the_scrubbed_recording_replays_under_another_account(tmp_path: Path) -> None:
    path = tmp_path / "account.json"
    with RecordingTransport(account_cloud(), path) as recorder:
        recorder.send(signed("GET", f"/v1/{PROJECT}/training-jobs/182626/versions",
                             (("page", "1"), ("workspace_id", PROJECT)),
                             redactor=session_redactor()))
    other = Redactor()
    other.add_identifier("ffff0000ffff0000ffff0000ffff0000", PROJECT_ID_PLACEHOLDER)
    replay = FixtureTransport(path)
    response = replay.send(Request("GET", url(
        "/v1/ffff0000ffff0000ffff0000ffff0000/training-jobs/182626/versions",
        (("page", "1"), ("workspace_id", "ffff0000ffff0000ffff0000ffff0000"))),
        extensions=carried(other)))
    assert json.loads(response.body)["versions"][0]["train_url"] == "/bkt/{project_id}/o"


def test_binary_body_holding_a_secret_is_refused_and_nothing_written(tmp_path: Path) -> None:
    path = tmp_path / "dump.json"
    cloud = FakeCloud({("GET", "/download"): Response(
        200, {"Content-Type": "application/octet-stream"}, b"\x00\x01" + SK.encode() + b"\xff")})
    recorder = RecordingTransport(cloud, path)
    recorder.send(signed("GET", "/download", redactor=session_redactor()))
    with pytest.raises(SecretInFixtureError) as info:
        recorder.close()
    message = str(info.value)
    assert "secret key" in message and "interaction 0" not in message
    assert "side file dump.0." in message and "Nothing was written" in message
    assert SK not in message
    assert list(tmp_path.iterdir()) == []
    assert cloud.closed == 1  # inner closed even when the write is refused
    recorder.close()  # and a second close stays harmless


def test_refusal_keeps_the_previous_fixture_intact(tmp_path: Path) -> None:
    path = tmp_path / "dump.json"
    with RecordingTransport(jobs_cloud(), path) as first:
        first.send(get("/v1/P1/training-jobs/1"))
    before = sorted((p.name, p.read_bytes()) for p in tmp_path.iterdir())
    cloud = FakeCloud({("GET", "/download"): Response(
        200, {"Content-Type": "image/png"}, b"\x89PNG" + PROJECT.encode())})
    recorder = RecordingTransport(cloud, path, "all")
    recorder.send(get("/download", session_redactor()))
    with pytest.raises(SecretInFixtureError, match="still contains the project id"):
        recorder.close()
    assert sorted((p.name, p.read_bytes()) for p in tmp_path.iterdir()) == before


def test_a_secret_in_a_json_number_cannot_be_scrubbed_so_it_is_refused(tmp_path: Path) -> None:
    redactor = Redactor()
    redactor.add_secret("20260131", "password")
    cloud = FakeCloud({("GET", "/echo"): ok({"pin": 20260131})})
    recorder = RecordingTransport(cloud, tmp_path / "n.json")
    recorder.send(get("/echo", redactor))
    with pytest.raises(SecretInFixtureError, match="interaction 0 still contains the password"):
        recorder.close()
    assert list(tmp_path.iterdir()) == []


def test_a_short_secret_inside_a_redaction_marker_is_no_false_alarm(tmp_path: Path) -> None:
    redactor = Redactor()
    redactor.add_secret("edact", "password")  # occurs in "<redacted>"
    cloud = FakeCloud({("POST", "/v3/auth/tokens"): ok({"token": {}}, 201)})
    with RecordingTransport(cloud, tmp_path / "m.json") as recorder:
        recorder.send(Request("POST", url("/v3/auth/tokens", endpoint=IAM), JSON,
                              b'{"auth": {"identity": {"password": {"user": {}}}}}',
                              carried(redactor)))
    assert '"password": "<redacted>"' in (tmp_path / "m.json").read_text(encoding="utf-8")


def test_placeholder_shaped_values_are_never_treated_as_secrets(tmp_path: Path) -> None:
    redactor = Redactor()
    redactor.add_secret("<redacted>", "IAM token")  # what a replayed login hands out
    cloud = FakeCloud({("GET", "/echo"): ok({"note": "<redacted> and {project_id}"})})
    with RecordingTransport(cloud, tmp_path / "p.json") as recorder:
        recorder.send(get("/echo", redactor))
    text = (tmp_path / "p.json").read_text(encoding="utf-8")
    assert '"note": "<redacted> and {project_id}"' in text


def test_x_project_id_is_a_placeholder_even_when_unregistered(tmp_path: Path) -> None:
    with RecordingTransport(jobs_cloud(), tmp_path / "h.json") as recorder:
        recorder.send(Request("GET", url("/v1/P1/training-jobs/1"), {"X-Project-Id": "P1"}))
    text = (tmp_path / "h.json").read_text(encoding="utf-8")
    assert '"x-project-id": "{project_id}"' in text


def test_unchanged_side_files_are_not_rewritten(tmp_path: Path) -> None:
    path = tmp_path / "bin.json"

    def record() -> Path:
        cloud = FakeCloud({("GET", "/download"): Response(
            200, {"Content-Type": "application/zip"}, b"PK\x03\x04\xff")})
        with RecordingTransport(cloud, path, "all") as recorder:
            recorder.send(get("/download"))
        (side,) = [p for p in tmp_path.iterdir() if p.suffix == ".bin"]
        return side

    side = record()
    os.utime(side, (1_000_000, 1_000_000))
    assert record() == side and side.stat().st_mtime == 1_000_000
    assert FixtureTransport(path).send(get("/download")).body == b"PK\x03\x04\xff"


def test_redactors_of_several_sessions_all_count(tmp_path: Path) -> None:
    path = tmp_path / "two.json"
    first, second = Redactor(), Redactor()
    first.add_secret(SK, "secret key")
    cloud = FakeCloud({("GET", "/echo"): ok({"a": SK, "b": PASSWORD})})
    with RecordingTransport(cloud, path) as recorder:
        recorder.send(get("/echo", first))
        recorder.send(get("/echo", second))
        recorder.send(get("/echo", second))
        second.add_secret(PASSWORD, "password")  # learnt after the request: still scrubbed
    interactions = json.loads(path.read_text(encoding="utf-8"))["interactions"]
    bodies = [interaction["response"]["json"] for interaction in interactions]
    assert bodies == [{"a": "<secret key>", "b": "<password>"}] * 3


def test_a_replayed_login_token_is_not_taken_for_a_leak(tmp_path: Path) -> None:
    # Replaying a recorded login teaches the Session the token "<redacted>"; recording
    # new episodes afterwards must neither refuse nor rewrite the markers.
    path = tmp_path / "login.json"
    with RecordingTransport(account_cloud(), path) as recorder:
        recorder.send(signed("POST", "/v3/auth/tokens", body=b'{"auth": {}}', endpoint=IAM,
                             redactor=session_redactor()))
    redactor = session_redactor()
    with RecordingTransport(account_cloud(), path, "new_episodes") as recorder:
        token = recorder.send(signed("POST", "/v3/auth/tokens", body=b'{"auth": {}}',
                                     endpoint=IAM, redactor=redactor)).headers["X-Subject-Token"]
        redactor.add_secret(token, "IAM token")
        recorder.send(signed("GET", "/v3/projects", (("name", "cn-north-4"),), endpoint=IAM,
                             redactor=redactor))
    text = path.read_text(encoding="utf-8")
    assert token == "<redacted>" and text.count('"x-subject-token": "<redacted>"') == 1
    assert len(recorded_paths(path)) == 2


# -- atomic writes ---------------------------------------------------------------------

_CHILD = textwrap.dedent(
    """
    import json, os, sys, time
    from modelarts.transport import MockTransport, RecordingTransport, Request, Response

    def cloud(request):
        body = json.dumps({"is_success": True, "log": "x" * 20000}).encode()
        return Response(200, {"Content-Type": "application/json"}, body)

    path, how = sys.argv[1], sys.argv[2]
    if how == "kill":
        real_replace = os.replace
        def replace(source, target):
            if str(target) == path:
                print("between temp write and replace", flush=True)
                time.sleep(60)
            real_replace(source, target)
        os.replace = replace
    else:
        import resource, signal
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))
    recorder = RecordingTransport(MockTransport(cloud), path, "all")
    recorder.send(Request("GET", "https://modelarts.example/v1/p/training-jobs/1"))
    try:
        recorder.close()
    except OSError as exc:
        print(type(exc).__name__, exc.errno, flush=True)
    """
)


def _child(path: Path, how: str) -> "subprocess.Popen[str]":
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [sys.executable, "-c", _CHILD, str(path), how],
        stdout=subprocess.PIPE, text=True, env=env, cwd=path.parent,
    )


def _previous_fixture(path: Path) -> bytes:
    with RecordingTransport(jobs_cloud(), path) as first:
        first.send(get("/v1/P1/training-jobs/1"))
    return path.read_bytes()


@pytest.mark.skipif(sys.platform == "win32", reason="needs SIGKILL")
def test_killed_between_temp_write_and_replace_keeps_the_previous_file(tmp_path: Path) -> None:
    path = tmp_path / "scenario.json"
    before = _previous_fixture(path)
    child = _child(path, "kill")
    try:
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "between temp write and replace"
        temps = [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
        assert len(temps) == 1 and len(temps[0].read_bytes()) > 20000  # the new file was written
        child.send_signal(signal.SIGKILL)
    finally:
        child.kill()
        child.wait()
        if child.stdout is not None:
            child.stdout.close()
    assert path.read_bytes() == before
    assert FixtureTransport(path).send(get("/v1/P1/training-jobs/1")).status == 200
    # SIGKILL leaves the hidden temp file; the next write of this fixture clears it
    # once it is clearly abandoned.
    old = time.time() - 3600
    os.utime(temps[0], (old, old))
    with RecordingTransport(jobs_cloud(), path, "all") as again:
        again.send(get("/v1/P1/training-jobs/2"))
    assert [p.name for p in tmp_path.iterdir()] == ["scenario.json"]


@pytest.mark.skipif(not hasattr(signal, "SIGXFSZ"), reason="needs RLIMIT_FSIZE")
def test_failed_write_keeps_the_previous_file_and_leaves_no_temp(tmp_path: Path) -> None:
    path = tmp_path / "scenario.json"
    before = _previous_fixture(path)
    child = _child(path, "full")
    output, _ = child.communicate(timeout=30)
    assert output.split()[:2] == ["OSError", "27"]  # EFBIG: "disk full" for one process
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["scenario.json"]


def test_empty_values_under_secret_keys_replay_as_they_were(tmp_path: Path) -> None:
    # Nothing to hide in null, "", [] or {}: redacting them would change what replays.
    body = {"COOKIE": [], "password": {}, "token_id": None, "secret": "", "sk": "x"}
    cloud = FakeCloud({("GET", "/v1/P1/empty"): ok(body)})
    with RecordingTransport(cloud, tmp_path / "e.json") as recorder:
        recorder.send(get("/v1/P1/empty"))
    replayed = FixtureTransport(tmp_path / "e.json").send(get("/v1/P1/empty")).json()
    assert replayed == {**body, "sk": "<redacted>"}
