"""Regressions for the SDK bugs the reliability suite found: each escaped untyped or lied.

* A deeply nested error body made ``error_fields`` recurse without bound
  (``RecursionError``; reachable over the wire on Python 3.12+, whose json
  parses deeper than Python can recurse).
* A deeply nested ``parameter`` value made ``json.dumps`` raise ``RecursionError``.
* ``Retry-After: ²`` (``str.isdigit()`` is true, ``float()`` fails) escaped as
  ``ValueError`` from the retry loop and from building the ``ThrottledError``.
* ``log_file_list: ""`` became one file named ``""``, so ``get_job_log()`` blamed
  the caller (``InvalidArgumentError``) for the server's answer.
* A volume whose setting is not an object became a ``Volume`` of ``None`` s.
* IAM times: non-ASCII digits were accepted, and an offset pushing year 1 or
  9999 out of range escaped as ``OverflowError`` (schema and token expiry).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, Callable, List, Tuple

import pytest

from modelarts._decode import decode_json, error_fields, raise_for_error
from modelarts.credentials import parse_expiry
from modelarts.errors import (
    APIError,
    InvalidArgumentError,
    ModelArtsError,
    ResponseFormatError,
    ServerError,
    ThrottledError,
)
from modelarts.estimator import Estimator
from modelarts.retry import parse_retry_after
from modelarts.schemas import Volume, load_log_file_names, load_token_expiry
from modelarts.session import Session
from modelarts.testing import ErrorStatus, FakeClock, FakeModelArts
from modelarts.training_job import TrainingJob
from modelarts.transport import MockTransport, Request, Response, Transport

if TYPE_CHECKING:
    from conftest import Cloud, Figures

DEPTH = 5000  # beyond any recursion limit


def _nested_dict(depth: int) -> Any:
    value: Any = {"detail": "innermost"}
    for _ in range(depth):
        value = {"wrapper": value}
    return value


def _nested_list(depth: int) -> Any:
    value: Any = 0
    for _ in range(depth):
        value = [value]
    return value


# -- error bodies nested without bound ---------------------------------------------------------


def test_error_fields_looks_only_a_few_levels_deep() -> None:
    assert error_fields(_nested_dict(DEPTH), 503) == ("503", "")
    # IAM's one level of nesting is still read.
    assert error_fields({"error": {"code": 401, "message": "expired"}}, 401) == ("401", "expired")


@pytest.mark.parametrize("status", [200, 500])
@pytest.mark.parametrize("depth", [1200, DEPTH])
def test_a_deeply_nested_error_body_is_an_api_error(status: int, depth: int) -> None:
    """json parses this deep on Python 3.12 (1,200) and 3.13 (5,000), deeper than Python
    recurses; the answer must still be an APIError (or, where json gives up, a format error)."""
    text = '{"a":' * depth + "1" + "}" * depth
    body = ('{"is_success": false, "detail": ' + text + "}").encode()
    response = Response(status, {"X-Request-Id": "r1"}, body, Request("GET", "http://h/v1/x"))

    def answer() -> None:
        raise_for_error(response, "op")  # status >= 400
        decode_json(response, "op")  # is_success false with 200

    with pytest.raises((APIError, ResponseFormatError)) as caught:
        answer()
    assert caught.value.request_id == "r1"


# -- parameter values nested without bound -----------------------------------------------------


def test_a_deeply_nested_parameter_value_is_a_format_error() -> None:
    # Deeper than json.dumps walks on any version (3.13 manages several thousand levels).
    deep = _nested_list(200_000)
    record = {"parameter": [{"label": "ok", "value": 1}, {"label": "x", "value": deep}]}
    with pytest.raises(ResponseFormatError) as caught:  # checked when the record loads
        TrainingJob(None, 1, 2, record=record)
    assert caught.value.field == "parameter[1].value"


# -- Retry-After with a digit float() refuses --------------------------------------------------


def test_parse_retry_after_ignores_non_ascii_digits() -> None:
    from datetime import datetime, timezone

    now = datetime(2026, 11, 27, tzinfo=timezone.utc)
    assert parse_retry_after("²", now) is None
    assert parse_retry_after("٣", now) is None  # HTTP's delta-seconds are ASCII digits
    assert parse_retry_after(" 3 ", now) == 3.0


def test_a_superscript_retry_after_over_http_falls_back_to_backoff(
    cloud: Cloud, figures: Figures
) -> None:
    session = cloud.session()
    odd = ErrorStatus(429, b"", (("Retry-After", "\u00b2"),))  # latin-1 on the wire
    versions = "GET /v1/{project_id}/training-jobs/{job_id}/versions"
    stop = "POST /v1/{project_id}/training-jobs/{job_id}/versions/{version_id}/stop"
    cloud.fake.inject(versions, odd)
    cloud.fake.inject(stop, odd)
    estimator = Estimator(session, job_id=cloud.job_id, version_id=cloud.version_id)

    listed = figures.run(cloud.fake, lambda: estimator.get_job_version_object_list(is_show=False))
    stopped = figures.run(cloud.fake, estimator.stop_job_version)

    assert listed.error is None and listed.faults == 1
    assert figures.check_listing([j.version_id for j in listed.value or []], cloud.version_ids())
    assert len(cloud.clock.sleeps) == 1 and cloud.clock.sleeps[0] <= 0.5  # a backoff, not "²"
    assert isinstance(stopped.error, ThrottledError) and stopped.error.retry_after is None


# -- log_file_list "" --------------------------------------------------------------------------


def answers(sent: List[Request], **bodies: Any) -> MockTransport:
    """Answers by path suffix (``file_names`` for ``file-names``), keeping requests in ``sent``."""
    by_suffix = {key.replace("_", "-"): value for key, value in bodies.items()}

    def answer(request: Request) -> Response:
        sent.append(request)
        for suffix, body in by_suffix.items():
            if request.path.endswith(suffix):
                return Response(200, {"X-Request-Id": "r2"}, json.dumps(body).encode())
        return Response(404, {"X-Request-Id": "r2"}, b"")

    return MockTransport(answer)


def _session(transport: Transport) -> Session:
    return Session(
        access_key="AKREGRESSION00000001",
        secret_key="regression-secret-000000000000000000001",
        project_id="0b5f8c0ea1f94bd8a3c1f2e3d4c5b6a7",
        region_name="cn-north-4",
        transport=transport,
        retry=0,
    )


def test_an_empty_log_file_list_means_no_log_files() -> None:
    assert load_log_file_names({"log_file_list": ""}).log_file_list == ()
    assert load_log_file_names({"log_file_list": "  "}).log_file_list == ()
    sent: List[Request] = []
    transport = answers(sent, file_names={"is_success": True, "log_file_list": ""})
    job = TrainingJob(_session(transport), 182626, 278813)

    with pytest.raises(ModelArtsError) as caught:
        job.get_job_log()

    assert not isinstance(caught.value, InvalidArgumentError)  # not the caller's mistake
    assert "has no log files yet" in str(caught.value)
    assert len(sent) == 1  # no aom-log request for a file named ""


def test_an_empty_name_in_a_log_file_list_is_a_format_error() -> None:
    transport = answers([], file_names={"is_success": True, "log_file_list": ["", "job-a.1"]})
    with pytest.raises(ResponseFormatError) as caught:
        TrainingJob(_session(transport), 182626, 278813).get_job_log()
    assert caught.value.field == "log_file_list[0]" and caught.value.request_id == "r2"


# -- volumes -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("volumes", "field"),
    [
        ([{"nfs": "192.168.8.150:/"}], "volumes[0].nfs"),
        ([{"host_path": ["/a", "/b"]}], "volumes[0].host_path"),
        ([{"nfs": {"src_path": "/a"}}, {"nfs": 7}], "volumes[1].nfs"),
        ([{}], "volumes[0]"),
    ],
)
def test_a_volume_setting_that_is_not_an_object_is_a_format_error(volumes: Any, field: str) -> None:
    with pytest.raises(ResponseFormatError) as caught:  # checked when the record loads
        TrainingJob(None, 1, 2, record={"volumes": volumes})
    assert caught.value.field == field


def test_volume_settings_that_are_objects_or_null_still_load() -> None:
    record = {
        "volumes": [
            {"nfs": {"src_path": "/s", "read_only": "true"}},
            {"host_path": None},
            {"note": "x", "nfs": {"id": 3}},
        ]
    }
    assert TrainingJob(None, 1, 2, record=record).volumes == (
        Volume("nfs", "/s", None, True, None),
        Volume("host_path", None, None, None, None),
        Volume("nfs", None, None, None, "3"),
    )


# -- IAM times ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "\u0662\u0660\u0662\u0666-11-27T06:00:00Z",  # Arabic-Indic digits
        "2026-\uff11\uff11-27T06:00:00Z",  # full-width digits
    ],
)
def test_iam_expiry_times_out_of_reach_are_format_errors(text: str) -> None:
    with pytest.raises(ResponseFormatError) as caught:
        load_token_expiry({"token": {"expires_at": text}}, operation="get an IAM token")
    assert caught.value.field == "token.expires_at"


@pytest.mark.parametrize(
    "text",
    [
        "0001-01-01T00:00:00+05:00",  # before year 1 in UTC
        "9999-12-31T23:59:59-05:00",  # after 9999 in UTC
        "0001-01-01T00:00:00Z",
    ],
)
def test_iam_expiry_times_at_the_ends_of_the_calendar_are_unknown(text: str) -> None:
    # The one IAM token schema serves the Session too, which must keep working.
    assert load_token_expiry({"token": {"expires_at": text}}) is None


@pytest.mark.parametrize(
    "text", ["0001-01-01T00:00:00+05:00", "9999-12-31T23:59:59-05:00", "0001-01-01T00:00:00Z"]
)
def test_parse_expiry_gives_up_on_times_at_the_ends_of_the_calendar(text: str) -> None:
    assert parse_expiry(text) is None
    assert parse_expiry("2026-11-27T06:00:00.000000Z") is not None


def rewrite_expiry(fake: FakeModelArts, expires_at: str) -> MockTransport:
    """The fake in-process, with the IAM token's ``expires_at`` replaced."""

    def answer(request: Request) -> Response:
        response = fake.send(request)
        if request.path.endswith("/v3/auth/tokens") and response.status == 201:
            body = json.loads(response.body)
            body["token"]["expires_at"] = expires_at
            return Response(response.status, response.headers, json.dumps(body).encode())
        return response

    return MockTransport(answer)


@pytest.mark.parametrize("expires_at", ["0001-01-01T00:00:00+05:00", "0001-01-01T00:00:00Z"])
def test_a_password_session_survives_a_token_expiry_at_the_end_of_time(expires_at: str) -> None:
    clock = FakeClock()
    fake = FakeModelArts(clock=clock)
    fake.add_user("alice", "s3cret-password")
    job_id = fake.add_job("mnist", versions=2)
    session = Session(
        username="alice",
        password="s3cret-password",
        project_id=fake.project_id,
        region_name=fake.region,
        transport=rewrite_expiry(fake, expires_at),
        clock=clock,
    )
    call: Callable[[], Tuple[Any, ...]] = lambda: tuple(  # noqa: E731
        job.version_id
        for job in Estimator(session, job_id=job_id).get_job_version_object_list(is_show=False)
    )
    assert call() == tuple(str(v) for v in fake.job(job_id).version_ids)
    assert call() == tuple(str(v) for v in fake.job(job_id).version_ids)
    assert len(fake.calls_to("POST", "/v3/auth/tokens")) == 1  # the token is reused, not refetched


def test_server_errors_still_name_nested_codes() -> None:
    """The depth limit keeps the documented shapes: gateway, v1 and IAM error bodies."""
    request = Request("GET", "http://h/v1/x")
    for body, code in (
        ({"error_code": "APIGW.0301", "error_msg": "bad"}, "APIGW.0301"),
        ({"error": {"code": "ModelArts.0010", "message": "m"}}, "ModelArts.0010"),
    ):
        response = Response(500, {}, json.dumps(body).encode(), request)
        with pytest.raises(ServerError) as caught:
            raise_for_error(response, "op")
        assert caught.value.error_code == code
