"""The catalogue calls (resource-specs, ai-engines, built-in-algorithms): requests, typed
answers, the once-per-Session cache and the errors for names that match nothing."""

from __future__ import annotations

from typing import Any, Dict, List, Tuple

import pytest

from modelarts import catalog_api
from modelarts.errors import ConfigurationError, InvalidArgumentError
from modelarts.session import Session
from modelarts.testing.fake import FakeModelArts


def requests(fake: FakeModelArts) -> List[Tuple[str, str, Dict[str, str]]]:
    prefix = f"/v1/{fake.project_id}"
    return [(c.method, c.path.replace(prefix, ""), dict(c.query)) for c in fake.calls]


def test_resource_specs_typed_with_the_old_sdks_request(
    fake_cloud: FakeModelArts, fake_session: Session
) -> None:
    page = catalog_api.list_resource_specs(fake_session)
    assert requests(fake_cloud) == [("GET", "/job/resource-specs", {})]
    codes = {spec.spec_code: spec for spec in page.specs}
    assert codes["modelarts.vm.cpu.8u"].spec_id == 27
    assert codes["modelarts.kat1.8xlarge"].max_num == 16
    assert page.spec_total_count == len(page.specs)


def test_engines_query_only_when_given(fake_cloud: FakeModelArts, fake_session: Session) -> None:
    catalog_api.list_ai_engines(fake_session)
    engines = catalog_api.list_ai_engines(fake_session, job_type="train").engines
    assert requests(fake_cloud) == [
        ("GET", "/job/ai-engines", {}),
        ("GET", "/job/ai-engines", {"job_type": "train"}),
    ]
    names = {engine.engine_name for engine in engines}
    assert {"TensorFlow", "PyTorch", "MXNet", "Caffe", "Ascend-Powered-Engine"} <= names


def test_all_algorithms_reads_every_page(fake_cloud: FakeModelArts, fake_session: Session) -> None:
    algorithms = catalog_api.all_built_in_algorithms(fake_session)
    assert requests(fake_cloud) == [
        ("GET", "/built-in-algorithms", {"page": "1", "per_page": "100"})
    ]
    assert {a.model_name for a in algorithms} >= {"ResNet_v1_50", "BERT_Base_Chinese"}
    first = next(a for a in algorithms if a.model_name == "ResNet_v1_50")
    assert first.parameter[0]["label"] == "batch_size"  # JSON text parsed on first read


def test_algorithm_paging_stops_at_the_total(
    fake_cloud: FakeModelArts, fake_session: Session
) -> None:
    page = catalog_api.list_built_in_algorithms(fake_session, page=2, per_page=3)
    assert len(page.models) == 3 and page.model_total_count == 8
    assert requests(fake_cloud) == [("GET", "/built-in-algorithms", {"page": "2", "per_page": "3"})]


@pytest.mark.parametrize(
    "call",
    [
        lambda s: catalog_api.list_ai_engines(s, job_type="serve"),
        lambda s: catalog_api.list_resource_specs(s, job_type=""),
        lambda s: catalog_api.list_built_in_algorithms(s, per_page=101),
        lambda s: catalog_api.list_built_in_algorithms(s, page=0),
        lambda s: catalog_api.list_built_in_algorithms(s, per_page=True),
    ],
)
def test_bad_arguments_send_nothing(
    fake_cloud: FakeModelArts, fake_session: Session, call: Any
) -> None:
    with pytest.raises(InvalidArgumentError):
        call(fake_session)
    assert fake_cloud.calls == []


def test_catalogues_are_fetched_once_per_session(
    fake_cloud: FakeModelArts, fake_session: Session
) -> None:
    catalogues = catalog_api.catalogues(fake_session)
    assert catalog_api.catalogues(fake_session) is catalogues
    for _ in range(3):
        assert catalogues.spec("modelarts.vm.cpu.2u").spec_id == 2
        assert catalogues.engine("PyTorch", "PyTorch-1.4.0-python3.6").engine_id == 124
        assert catalogues.algorithm("Inception_v3").model_id == 2
    assert len(fake_cloud.calls) == 3
    other = Session(transport=fake_cloud, clock=fake_cloud.clock, **fake_cloud.session_kwargs())
    catalog_api.catalogues(other).spec("modelarts.vm.cpu.2u")
    assert len(fake_cloud.calls) == 4  # a new fake_session asks again


def test_unknown_names_list_what_is_available(fake_session: Session) -> None:
    catalogues = catalog_api.catalogues(fake_session)
    with pytest.raises(
        InvalidArgumentError, match=r"modelarts\.vm\.cpu\.2u.*modelarts\.vm\.cpu\.8u"
    ):
        catalogues.spec("modelarts.vm.cpu.64u")
    with pytest.raises(InvalidArgumentError, match="PyTorch-1.3.0-python3.6"):
        catalogues.engine("PyTorch", "PyTorch-9")
    with pytest.raises(InvalidArgumentError, match="frameworks: .*TensorFlow"):
        catalogues.engine("Torch", "1")
    with pytest.raises(InvalidArgumentError, match="ResNet_v1_50"):
        catalogues.algorithm("resnet")


@pytest.mark.parametrize("name", ["w3_account", "w3_password", "app_id", "app_token"])
def test_session_refuses_huawei_internal_keywords(fake_cloud: FakeModelArts, name: str) -> None:
    with pytest.raises(ConfigurationError, match="not supported"):
        Session(transport=fake_cloud, **{name: "x"}, **fake_cloud.session_kwargs())


def test_session_unknown_keyword_is_a_type_error(fake_cloud: FakeModelArts) -> None:
    with pytest.raises(TypeError, match="colour"):
        Session(transport=fake_cloud, colour="blue", **fake_cloud.session_kwargs())  # type: ignore[call-arg]


def test_session_exposes_its_clock(fake_cloud: FakeModelArts, fake_session: Session) -> None:
    assert fake_session.clock is fake_cloud.clock


def test_deploying_is_an_alias_of_waiting() -> None:
    from modelarts.training_job import JobStatus

    assert JobStatus.DEPLOYING is JobStatus.WAITING is JobStatus(7)
    assert JobStatus(7).name == "WAITING" and len(JobStatus) == 22


def test_threads_sharing_a_session_fetch_each_catalogue_once(
    fake_cloud: FakeModelArts, fake_session: Session
) -> None:
    import threading

    catalogues = catalog_api.catalogues(fake_session)
    threads = [
        threading.Thread(target=catalogues.spec, args=("modelarts.vm.cpu.2u",)) for _ in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(fake_cloud.calls) == 1
