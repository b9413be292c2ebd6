"""The fake's visualization jobs (modelarts_03_0064..0070) on its clock."""

from __future__ import annotations

from typing import Any, Dict, List

import pytest

from modelarts.errors import APIError
from modelarts.session import Session
from modelarts.testing import FakeClock, FakeModelArts

VIS = "/v1/{project_id}/visualization-jobs"
INIT, DEPLOYING, RUNNING, COMPLETED, KILLED = 1, 7, 8, 10, 12
# modelarts_03_0066 (plus remaining_duration, seen in its sample answers).
DETAIL_FIELDS = {"is_success", "job_name", "service_url", "resource_id", "job_id",
                 "job_desc", "duration", "create_time", "train_url", "status",
                 "remaining_duration"}  # fmt: skip
# modelarts_03_0065 Table 4.
LIST_FIELDS = {"job_name", "status", "create_time", "duration", "job_desc", "service_url",
               "train_url", "job_id", "resource_id"}  # fmt: skip


def api_error(call: Any) -> APIError:
    with pytest.raises(APIError) as info:
        call()
    return info.value


def create(session: Session, name: str = "visualization-job", **extra: Any) -> Any:
    body = {"job_name": name, "job_desc": "this is a visualization job", "train_url": "/obs/name/"}
    body.update(extra)
    return session.request("POST", VIS, json={k: v for k, v in body.items() if v is not None})


def detail(session: Session, job_id: int) -> Any:
    return session.request("GET", f"{VIS}/{job_id}")


def test_a_created_job_deploys_then_serves_on_the_clock(
    cloud_session: Session, cloud_clock: FakeClock, cloud: FakeModelArts
) -> None:
    created = create(cloud_session)
    assert set(created) == {"is_success", "job_id", "job_name", "status", "create_time"}
    assert (created["job_id"], created["job_name"], created["status"]) == (
        8992,
        "visualization-job",
        INIT,
    )
    seen: List[int] = []
    durations: List[int] = []
    for _ in range(30):
        body = detail(cloud_session, created["job_id"])
        seen.append(body["status"])
        durations.append(body["duration"])
        cloud_clock.advance(1)
    assert [s for i, s in enumerate(seen) if i == 0 or s != seen[i - 1]] == [
        INIT,
        DEPLOYING,
        RUNNING,
    ]
    assert seen.index(RUNNING) == 20
    assert durations[:21] == [0] * 21 and durations[-1] == 9_000
    assert set(body) == DETAIL_FIELDS
    assert body["service_url"].startswith("https://") and body["service_url"].endswith(
        f"/{cloud.project_id}/{created['job_id']}/"
    )
    assert body["train_url"] == "/obs/name/" and body["remaining_duration"] is None
    assert cloud.visualization_job(created["job_id"])["status"] == RUNNING


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ({"job_name": "v" * 21}, "job_name"),
        ({"job_name": ""}, "job_name"),
        ({"job_name": "tensor board"}, "job_name"),
        ({"train_url": None}, "train_url"),
        ({"job_desc": "d" * 257}, "job_desc"),
        ({"job_type": "visdom"}, "job_type"),
        ({"flavor": {"code": 1}}, "flavor"),
        ({"schedule": {"type": "stop", "time_unit": "HOURS", "duration": 25}}, "schedule"),
        ({"schedule": {"type": "stop", "time_unit": "MINUTES", "duration": 2}}, "schedule"),
    ],
)
def test_create_checks_the_body(
    cloud_session: Session, body: Dict[str, Any], fragment: str
) -> None:
    body = dict(body)
    name = body.pop("job_name", "tb")
    error = api_error(lambda: create(cloud_session, name, **body))
    assert (error.status_code, error.error_code) == (400, "ModelArts.0104")
    assert fragment in error.error_msg


def test_names_are_1_to_20_and_unique(cloud_session: Session) -> None:
    assert create(cloud_session, "t" * 20)["job_name"] == "t" * 20  # modelarts_03_0064
    assert create(cloud_session, "tensor-1204-020159")["is_success"] is True
    taken = api_error(lambda: create(cloud_session, "t" * 20))
    assert (taken.status_code, taken.error_code) == (400, "ModelArts.0103")
    assert taken.error_msg == f"Job name:{'t' * 20} is existed"


def test_list_filters_sorts_and_pages(cloud_session: Session, cloud_clock: FakeClock) -> None:
    for name in ("tb-b", "tb-a", "other"):
        create(cloud_session, name, job_desc=f"about {name}")
        cloud_clock.advance(8)  # the first serves 20 s after its creation, the others deploy
    listed = cloud_session.request("GET", VIS)
    assert listed["is_success"] is True and listed["job_total_count"] == 3
    assert listed["quotas"] >= 1 and listed["job_count_limit"] == 97
    assert all(set(job) == LIST_FIELDS for job in listed["jobs"])
    assert [job["job_name"] for job in listed["jobs"]] == ["tb-b", "tb-a", "other"]  # job_id asc

    def names(**query: Any) -> List[str]:
        body = cloud_session.request("GET", VIS, query=query)
        return [job["job_name"] for job in body["jobs"]]

    assert names(sortBy="job_name") == ["other", "tb-a", "tb-b"]
    assert names(sortBy="create_time", order="desc") == ["other", "tb-a", "tb-b"]
    assert names(search_content="TB-") == ["tb-b", "tb-a"]
    assert names(status=RUNNING) == ["tb-b"]
    assert names(status=DEPLOYING) == ["tb-a", "other"]
    assert names(per_page=2, page=2) == ["other"]
    assert names(workspace_id="elsewhere") == []


@pytest.mark.parametrize(
    "query",
    [{"per_page": "0"}, {"per_page": "1001"}, {"page": "0"}, {"sortBy": "duration"},
     {"order": "up"}, {"status": "running"}, {"search_content": "s" * 65}],
)  # fmt: skip
def test_list_queries_are_checked(cloud_session: Session, query: Dict[str, str]) -> None:
    error = api_error(lambda: cloud_session.request("GET", VIS, query=query))
    assert (error.status_code, error.error_code) == (400, "ModelArts.0104")


def test_update_description(cloud_session: Session) -> None:
    job_id = create(cloud_session)["job_id"]
    path = f"{VIS}/{job_id}"
    assert cloud_session.request("PUT", path, json={"job_desc": "new words"}) == {
        "is_success": True
    }
    assert detail(cloud_session, job_id)["job_desc"] == "new words"
    for body in ({}, {"job_desc": "d" * 257}, {"job_desc": 5}):
        error = api_error(lambda body=body: cloud_session.request("PUT", path, json=body))
        assert (error.status_code, error.error_code) == (400, "ModelArts.0104")


def test_stop_restart_and_their_errors(cloud_session: Session, cloud_clock: FakeClock) -> None:
    job_id = create(cloud_session)["job_id"]
    cloud_clock.advance(60)
    busy = api_error(lambda: cloud_session.request("POST", f"{VIS}/{job_id}/restart"))
    assert (busy.status_code, busy.error_code) == (400, "ModelArts.0105")
    assert busy.error_msg == "This job can't be restart. job status: 8"
    assert cloud_session.request("POST", f"{VIS}/{job_id}/stop") == {"is_success": True}
    cloud_clock.advance(60)
    stopped = detail(cloud_session, job_id)
    assert (stopped["status"], stopped["duration"]) == (KILLED, 40_000)
    again = api_error(lambda: cloud_session.request("POST", f"{VIS}/{job_id}/stop"))
    assert (again.status_code, again.error_code) == (400, "ModelArts.0105")
    assert again.error_msg == "This job can't be stop. job status: 12"  # modelarts_03_0069
    assert cloud_session.request("POST", f"{VIS}/{job_id}/restart") == {"is_success": True}
    assert detail(cloud_session, job_id)["status"] == INIT
    cloud_clock.advance(25)
    restarted = detail(cloud_session, job_id)
    assert (restarted["status"], restarted["duration"]) == (RUNNING, 45_000)  # 40 s + 5 s


def test_a_schedule_stops_the_job_after_its_hours(
    cloud_session: Session, cloud_clock: FakeClock
) -> None:
    schedule = {"type": "stop", "time_unit": "HOURS", "duration": 1}
    job_id = create(cloud_session, schedule=schedule)["job_id"]
    cloud_clock.advance(20 + 600)
    serving = detail(cloud_session, job_id)
    assert serving["status"] == RUNNING and serving["remaining_duration"] == 3_000_000
    cloud_clock.advance(3000)
    ended = detail(cloud_session, job_id)
    assert (ended["status"], ended["duration"], ended["remaining_duration"]) == (
        COMPLETED,
        3_600_000,
        None,
    )


def test_delete_and_unknown_ids(cloud_session: Session) -> None:
    job_id = create(cloud_session)["job_id"]
    assert cloud_session.request("DELETE", f"{VIS}/{job_id}") == {"is_success": True}
    for method, suffix in (("GET", ""), ("PUT", ""), ("DELETE", ""), ("POST", "/stop"),
                           ("POST", "/restart")):  # fmt: skip
        body = {"job_desc": ""} if method == "PUT" else None
        error = api_error(
            lambda m=method, s=suffix, b=body: cloud_session.request(
                m, f"{VIS}/{job_id}{s}", json=b
            )
        )
        assert (error.status_code, error.error_code) == (404, "ModelArts.0015"), (method, suffix)
    bad_id = api_error(lambda: detail(cloud_session, "tb"))  # type: ignore[arg-type]
    assert (bad_id.status_code, bad_id.error_code) == (400, "ModelArts.0104")


def test_seeding_and_a_failing_deployment(cloud: FakeModelArts, cloud_session: Session) -> None:
    serving = cloud.add_visualization_job("seeded", timeline=[(0, RUNNING)], desc="ready")
    assert detail(cloud_session, serving)["status"] == RUNNING
    with pytest.raises(ValueError, match="1-20"):
        cloud.add_visualization_job("x" * 21)
    with pytest.raises(KeyError):
        cloud.visualization_job(1)
    cloud.new_visualization_timeline = [(0, INIT), (3, DEPLOYING), (10, 11)]
    failing = create(cloud_session, "broken")["job_id"]
    cloud.clock.advance(11)  # type: ignore[attr-defined]
    assert detail(cloud_session, failing)["status"] == 11
    assert cloud.new_visualization_timeline[-1] == (10.0, 11)
