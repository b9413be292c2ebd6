"""The job configuration calls (modelarts_03_0058..0062): exact requests, checks before sending."""

from __future__ import annotations

import json
from typing import Any, Callable, Dict, Iterator, List

import pytest

from modelarts import config_api
from modelarts.errors import APIError, InvalidArgumentError, NotFoundError
from modelarts.session import Session
from modelarts.testing import FakeClock, FakeModelArts
from modelarts.transport import MockTransport, Request, Response

SETTINGS: Dict[str, Any] = {
    "worker_server_num": 1,
    "app_url": "/bucket/code/",
    "boot_file_url": "/bucket/code/train.py",
    "spec_id": 27,
    "engine_id": 4,
    "parameter": [{"label": "lr", "value": "0.01"}],
    "data_url": "/bucket/data/",
}


@pytest.fixture
def fake() -> FakeModelArts:
    return FakeModelArts(clock=FakeClock())


@pytest.fixture
def session(fake: FakeModelArts) -> Iterator[Session]:
    with Session(transport=fake, clock=fake.clock, retry=0, **fake.session_kwargs()) as s:
        yield s


def sent(fake: FakeModelArts) -> List[Any]:
    out = []
    for call in fake.calls:
        body = json.loads(call.body) if call.body else None
        out.append((call.method, call.path.replace(fake.project_id, "{p}"), call.query, body))
    return out


def refused(fake: FakeModelArts, call: Callable[[], Any], *words: str) -> None:
    with pytest.raises(InvalidArgumentError) as info:
        call()
    assert fake.calls == [], "a bad argument must be refused before sending"
    for word in words:
        assert word in str(info.value)


def test_create_sends_the_name_then_the_flat_settings_then_the_description(
    session: Session, fake: FakeModelArts
) -> None:
    answer = config_api.create_config(session, "mnist-cpu", SETTINGS, description="nightly")
    assert answer.is_success is True and answer.raw == {"is_success": True}
    (call,) = sent(fake)
    assert call[:3] == ("POST", "/v1/{p}/training-job-configs", {})
    assert list(call[3]) == ["config_name", *SETTINGS, "config_desc"]
    assert call[3] == {"config_name": "mnist-cpu", **SETTINGS, "config_desc": "nightly"}


def test_create_without_a_description_leaves_it_out(session: Session, fake: FakeModelArts) -> None:
    config_api.create_config(session, "c", SETTINGS)
    assert "config_desc" not in sent(fake)[0][3]


def test_details_are_typed(session: Session, fake: FakeModelArts) -> None:
    fake.add_job_config("mnist-cpu", desc="nightly", **SETTINGS)
    config = config_api.get_config(session, "mnist-cpu")
    assert (config.config_name, config.config_desc, config.spec_id) == ("mnist-cpu", "nightly", 27)
    assert config.spec_code == "modelarts.vm.cpu.8u" and config.worker_server_num == 1
    assert [(p.label, p.value) for p in config.parameter or ()] == [("lr", "0.01")]
    assert config.create_time == fake.clock.now().replace(microsecond=0)
    assert config.raw["is_success"] is True
    config_api.get_config(session, "flowers-resnet50", config_type="sample")
    assert [c[:3] for c in sent(fake)] == [
        ("GET", "/v1/{p}/training-job-configs/mnist-cpu", {}),
        ("GET", "/v1/{p}/training-job-configs/flowers-resnet50", {"config_type": "sample"}),
    ]


def test_update_sends_the_description_first_and_only_when_given(
    session: Session, fake: FakeModelArts
) -> None:
    fake.add_job_config("c", desc="old", **SETTINGS)
    config_api.update_config(
        session, "c", {**SETTINGS, "train_url": "/bucket/out/"}, description=""
    )
    config_api.update_config(session, "c", SETTINGS)
    first, second = sent(fake)
    assert first[:2] == ("PUT", "/v1/{p}/training-job-configs/c")
    assert list(first[3])[0] == "config_desc" and first[3]["config_desc"] == ""
    assert second[3] == SETTINGS
    assert fake.job_config("c")["config_desc"] == ""


def test_delete(session: Session, fake: FakeModelArts) -> None:
    fake.add_job_config("c")
    assert config_api.delete_config(session, "c").as_dict() == {"is_success": True}
    assert sent(fake) == [("DELETE", "/v1/{p}/training-job-configs/c", {}, None)]
    assert fake.job_configs == []


def test_list_sends_only_what_was_given(session: Session, fake: FakeModelArts) -> None:
    for name in ("b", "a", "c"):
        fake.add_job_config(name)
    page = config_api.list_configs(session)
    assert page.config_total_count == 3 and [c.config_name for c in page.configs] == ["c", "b", "a"]
    page = config_api.list_configs(
        session, per_page=2, page=2, sort_by="config_name", order="asc", search_content="",
        config_type="custom",
    )  # fmt: skip
    assert [c.config_name for c in page.configs] == ["c"]
    assert [c[2] for c in sent(fake)] == [
        {},
        {"per_page": "2", "page": "2", "sortBy": "config_name", "order": "asc",
         "config_type": "custom"},
    ]  # fmt: skip


def test_names_of_existing_configurations_are_percent_encoded(fake: FakeModelArts) -> None:
    # The current rule is [A-Za-z0-9_-]; an older name is still sent, as one path segment.
    urls: List[str] = []

    def tap(request: Request) -> Response:  # forwards to the fake, keeping each URL as sent
        urls.append(request.url)
        return fake.send(request)

    kwargs = fake.session_kwargs()
    with Session(transport=MockTransport(tap), clock=fake.clock, retry=0, **kwargs) as session:
        with pytest.raises(APIError) as info:
            config_api.delete_config(session, "old name")
        with pytest.raises(APIError):
            config_api.get_config(session, "a/b")
        config_api.create_config(session, "new_name-2", SETTINGS)
        config_api.get_config(session, "new_name-2")
    assert info.value.error_code == "ModelArts.0104"  # the fake holds names to the current rule
    assert urls[0].endswith("/training-job-configs/old%20name")
    assert urls[1].endswith("/training-job-configs/a%2Fb")
    assert urls[3].endswith("/training-job-configs/new_name-2")


def test_unknown_and_taken_names_are_the_services_errors(
    session: Session, fake: FakeModelArts
) -> None:
    fake.add_job_config("c")
    with pytest.raises(NotFoundError) as unknown:
        config_api.get_config(session, "nope")
    assert unknown.value.error_code == "ModelArts.0015"
    with pytest.raises(APIError) as taken:
        config_api.create_config(session, "c", SETTINGS)
    assert (taken.value.status_code, taken.value.error_code) == (400, "ModelArts.0103")


@pytest.mark.parametrize(
    ("call", "words"),
    [
        (lambda s: config_api.create_config(s, "", SETTINGS), ["config_name", "1-64"]),
        (lambda s: config_api.create_config(s, "c" * 65, SETTINGS), ["config_name"]),
        (lambda s: config_api.create_config(s, "a b", SETTINGS), ["config_name"]),
        (lambda s: config_api.create_config(s, "c", SETTINGS, description="d" * 257), ["256"]),
        (lambda s: config_api.get_config(s, ""), ["config_name"]),
        (lambda s: config_api.get_config(s, "c", config_type="mine"), ["config_type"]),
        (lambda s: config_api.delete_config(s, "x" * 65), ["config_name"]),
        (lambda s: config_api.update_config(s, None, SETTINGS), ["config_name"]),
        (lambda s: config_api.list_configs(s, per_page=0), ["per_page"]),
        (lambda s: config_api.list_configs(s, page=0), ["page"]),
        (lambda s: config_api.list_configs(s, sort_by="engine"), ["sortBy"]),
        (lambda s: config_api.list_configs(s, order="down"), ["order"]),
        (lambda s: config_api.list_configs(s, config_type="all"), ["config_type"]),
        (lambda s: config_api.list_configs(s, search_content=3), ["search_content"]),
    ],
)
def test_bad_arguments_are_refused_before_sending(
    session: Session, fake: FakeModelArts, call: Callable[[Session], Any], words: List[str]
) -> None:
    refused(fake, lambda: call(session), *words)
