"""Wire JSON -> typed values: every documented variant loads, every broken body is named."""

from __future__ import annotations

import copy
import json
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Callable, Dict

import pytest
from hypothesis import given
from hypothesis import strategies as st

from modelarts.errors import ResponseFormatError
from modelarts.schemas import (
    DataSource,
    Parameter,
    ReadOnlyMapping,
    Version,
    Volume,
    load_aom_log,
    load_envelope,
    load_iam_projects,
    load_jobs_page,
    load_log_file_names,
    load_token_expiry,
    load_version_detail,
    load_versions_page,
    schema_of,
)

EXAMPLES = Path(__file__).parent / "data" / "examples"
UTC = timezone.utc
ENVELOPE_KEYS = {"is_success", "error_code", "error_message", "error_msg"}
DOCUMENTED = {declared.name for declared in Version.FIELDS}
ORIGIN = {
    "operation": "GET /v1/p/training-jobs/10/versions",
    "status_code": 200,
    "request_id": "req-42",
}


def example(name: str) -> Any:
    return json.loads((EXAMPLES / name).read_text(encoding="utf-8"))


def assert_record_kept(record: Dict[str, Any], data: Version) -> None:
    """Every documented field of ``record`` is typed (not lost to None); ``raw`` keeps it all."""
    for key, value in record.items():
        if key in DOCUMENTED and value is not None:
            assert getattr(data, key) is not None, key
    assert data.raw == record


# -- every example body ------------------------------------------------------------------


def _versions(body: Any) -> None:
    page = load_versions_page(body)
    assert len(page.versions) == len(body["versions"])
    assert page.raw == body
    for record, raw in zip(page.versions, body["versions"]):
        assert record.raw == raw
        assert_record_kept(raw, record)


def _detail(body: Any) -> None:
    record = load_version_detail(body)
    assert record.raw == body
    assert_record_kept(body, record)


def _jobs(body: Any) -> None:
    page = load_jobs_page(body)
    assert page.raw == body
    for job, raw in zip(page.jobs, body["jobs"]):
        assert job.job_id == str(raw["job_id"])
        assert job.raw == raw


def _jobs_item(item: Any) -> None:
    _jobs({"is_success": True, "jobs": [item]})


def _log_names(body: Any) -> None:
    assert load_log_file_names(body).log_file_list == tuple(body["log_file_list"])


def _aom(body: Any) -> None:
    log = load_aom_log(body)
    assert log.content == body["content"]
    assert log.start_line == str(body["start_line"])
    assert log.end_line == str(body["end_line"])
    assert log.lines == int(body["lines"])


def _projects(body: Any) -> None:
    projects = load_iam_projects(body)
    assert [(p.id, p.name) for p in projects] == [(p["id"], p["name"]) for p in body["projects"]]


def _envelope(body: Any) -> None:
    envelope = load_envelope(body)
    assert envelope.is_success is body["is_success"]
    assert envelope.error_code == body.get("error_code")


LOADERS: Dict[str, Callable[[Any], None]] = {
    "list_versions.hwcn.response.json": _versions,
    "list_versions.otc.response.json": _versions,
    "version_detail.hwcn.response.json": _detail,
    "version_detail.otc.response.json": _detail,
    "usecase.version_detail.response.json": _detail,
    "otcext.version_detail.response.json": _detail,
    # create responses are partial version records (numbers as strings in the doc sample)
    "create_job.hwcn.response.json": _detail,
    "usecase.create_job.response.json": _detail,
    "create_version.otc.response.json": _detail,
    "list_jobs.hwcn.response.json": _jobs,
    "otcext.list_jobs_item.json": _jobs_item,
    "log_file_names.otc.response.json": _log_names,
    "usecase.log_file_names.response.json": _log_names,
    "aom_log.otc.response.json": _aom,
    "usecase.aom_log.response.json": _aom,
    "iam_projects.response.json": _projects,
    "error.hwcn.response.json": _envelope,
    "create_job.hwcn.error.json": _envelope,
    "simple_success.response.json": _envelope,
    "usecase.delete_job.response.json": _envelope,
    # supporting endpoints: no dedicated schema yet, the envelope must still read them
    "ai_engines.otc.response.json": _envelope,
    "built_in_algorithms.otc.response.json": _envelope,
    "resource_specs.otc.response.json": _envelope,
    "list_job_configs.otc.response.json": _envelope,
}


def test_every_example_file_has_a_loader() -> None:
    assert sorted(p.name for p in EXAMPLES.glob("*.json")) == sorted(LOADERS)


@pytest.mark.parametrize("name", sorted(LOADERS))
def test_example_loads_and_keeps_every_field(name: str) -> None:
    body = example(name)
    pristine = copy.deepcopy(body)
    LOADERS[name](body)
    assert body == pristine  # loading never edits what the server sent


def test_list_versions_example_values() -> None:
    page = load_versions_page(example("list_versions.hwcn.response.json"))
    assert (page.job_id, page.job_name, page.version_count) == ("10", "testModelArtsJob", 2)
    record = data = page.versions[0]
    assert record.version_id == "10"
    assert data.pre_version_id == "5"
    assert record.create_time == datetime(2018, 4, 20, 2, 6, 30, 635000, UTC)
    assert record.duration == timedelta(milliseconds=532003)
    assert data.start_time == datetime(2019, 7, 15, 6, 32, 42, tzinfo=UTC)
    assert (data.core, data.cpu, data.gpu_num) == ("2", "8", 2)
    assert data.parameter == (Parameter("learning_rate", "0.01"),)
    assert data.data_source == (DataSource("obs", "/qianjiajun-test/minst/data/", None, None),)
    assert data.volumes == (
        Volume(
            "nfs",
            "192.168.8.150:/",
            "/home/work/nas",
            False,
            "43b37236-9afa-4855-8174-32254b9562e7",
        ),
        Volume("host_path", "/root/work", "/home/mind", False, None),
    )
    # JSON text in this endpoint, parsed
    assert data.model_metric_list["total_metric"]["total_metric_values"]["recall"] == 0.005833
    assert data.system_metric_list["interval"] == 1
    assert data.job_name == "testModelArtsJob"  # from the page, for every record


def test_detail_examples_metric_lists_as_objects_and_nulls() -> None:
    data = load_version_detail(example("otcext.version_detail.response.json"))
    assert "images_outputs" in data.model_metric_list
    assert data.system_metric_list["cpuUsage"][2] == "18.92"
    assert data.parameter == (Parameter("split_spec", "train:0.8,eval:0.2"),)
    assert data.pre_version_id is None and data.volumes is None and data.log_url is None
    assert data.raw["billing"] == {"unit_num": 1, "code": "modelarts.vm.gpu.v100NV"}
    usecase = load_version_detail(example("usecase.version_detail.response.json"))
    assert usecase.model_metric_list == {}  # the text "{}"
    assert usecase.spec_code == usecase.flavor_code == "modelarts.vm.cpu.8u"


def test_create_response_with_numbers_as_strings() -> None:
    data = load_version_detail(example("create_job.hwcn.response.json"))
    assert (data.job_id, data.version_id, data.status) == ("10", "10", 1)
    assert data.create_time == datetime(2018, 4, 20, 2, 6, 30, 635000, UTC)


def test_aom_log_positions_stay_exact() -> None:
    log = load_aom_log(example("aom_log.otc.response.json"))
    assert log.start_line == "1551252759254000002"  # beyond float precision
    assert log.lines == 1


# -- the envelope -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"is_success": True}, (True, None, None)),
        (
            {"is_success": False, "error_code": "ModelArts.0105", "error_message": "m"},
            (False, "ModelArts.0105", "m"),
        ),
        ({"is_success": False, "error_code": "X", "error_msg": "old"}, (False, "X", "old")),
        ({"is_success": False, "error_message": "new", "error_msg": "old"}, (False, None, "new")),
        ({"is_success": "false", "error_message": None, "error_msg": "old"}, (False, None, "old")),
        ({"projects": []}, (None, None, None)),
    ],
)
def test_envelope(body: Any, expected: Any) -> None:
    envelope = load_envelope(body)
    assert (envelope.is_success, envelope.error_code, envelope.message) == expected
    assert envelope.failed is (expected[0] is False)


# -- generated records: every tolerated variant loads and nothing is lost -------------------

json_scalars = (
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8)
)
json_values = st.recursive(
    json_scalars,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=10,
)
ids = st.integers(0, 2**63 - 1) | st.integers(0, 2**63 - 1).map(str)
ints = (
    st.integers(-(2**40), 2**40)
    | st.integers(0, 10**9).map(str)
    | st.integers(-(10**6), 10**6).map(float)
)
codes = st.integers(0, 40) | st.integers(0, 40).map(str)
millis = st.integers(0, 4102444800000) | st.integers(0, 4102444800000).map(str)
texts = st.text(max_size=12) | st.integers() | st.floats(allow_nan=False) | st.booleans()
bools = st.booleans() | st.sampled_from(["true", "false", "True", 0, 1])
metrics = (
    st.dictionaries(st.text(max_size=6), json_values, max_size=3)
    | st.dictionaries(st.text(max_size=6), json_values, max_size=3).map(json.dumps)
    | st.text(max_size=20)  # garbage text: kept as it is
)
parameters = st.lists(
    st.fixed_dictionaries(
        {"label": st.text(max_size=8)},
        optional={"value": json_scalars, "required": st.booleans()},
    ),
    max_size=3,
)
data_sources = st.lists(
    st.fixed_dictionaries(
        {}, optional={k: st.text(max_size=8) | st.none() for k in DataSource._fields}
    ),
    max_size=2,
)
volume_spec = st.fixed_dictionaries(
    {},
    optional={
        "id": st.text(max_size=5),
        "src_path": st.text(max_size=5),
        "dest_path": st.text(max_size=5),
        "read_only": bools,
    },
)
volumes = st.lists(
    st.fixed_dictionaries({"nfs": volume_spec}) | st.fixed_dictionaries({"host_path": volume_spec}),
    max_size=2,
)
TYPED = {
    "pre_version_id": ids,
    "job_id": ids,
    "status": codes,
    "engine_type": ints,
    "engine_id": ints,
    "spec_id": ints,
    "gpu_num": ints,
    "worker_server_num": ints,
    "model_id": ints,
    "create_time": millis,
    "start_time": millis,
    "duration": millis,
    "gpu": bools,
    "parameter": parameters,
    "data_source": data_sources,
    "volumes": volumes,
    "model_metric_list": metrics,
    "system_metric_list": metrics,
}
FIELD_STRATEGIES = {
    name: st.none() | TYPED.get(name, texts) for name in sorted(DOCUMENTED - {"version_id"})
}
extras = st.dictionaries(
    st.text(min_size=1, max_size=10).filter(lambda k: k not in DOCUMENTED | ENVELOPE_KEYS),
    json_values,
    max_size=4,
)
records = st.tuples(
    st.fixed_dictionaries({"version_id": ids}, optional=FIELD_STRATEGIES), extras
).map(lambda pair: {**pair[1], **pair[0]})


@given(record=records)
def test_generated_records_load_and_keep_everything(record: Dict[str, Any]) -> None:
    pristine = copy.deepcopy(record)
    body = {"is_success": True, "job_id": "7", "version_count": "1", "versions": [record]}
    page = load_versions_page(body)
    loaded = page.versions[0]
    assert loaded.raw == pristine and page.raw["versions"][0] == pristine
    assert_record_kept(record, loaded)
    assert loaded.version_id == str(int(record["version_id"]))
    # the generated loader and the marshmallow schema derived from the same declaration agree
    described = schema_of(Version).load(record)
    for declared in Version.FIELDS:
        expected = described.get(declared.name)
        if expected is None:
            expected = declared.default
        if declared.name in ("job_id", "job_name", "job_desc") and expected is None:
            expected = page.raw.get(declared.name) and getattr(page, declared.name)
        assert getattr(loaded, declared.name) == expected, declared.name
    for name in ("create_time", "start_time"):
        moment = getattr(loaded, name)
        assert moment is None or moment.tzinfo is not None and moment.utcoffset() == timedelta(0)
    if isinstance(record.get("model_metric_list"), str):
        try:
            expected = json.loads(record["model_metric_list"])
        except ValueError:
            expected = record["model_metric_list"]
        assert loaded.model_metric_list == expected


# -- bodies that cannot be understood -----------------------------------------------------


def _page(**record: Any) -> Dict[str, Any]:
    base: Dict[str, Any] = {"version_id": 1, "status": 8}
    base.update(record)
    return {"is_success": True, "job_id": 10, "versions": [{"version_id": 0}, base]}


MISSING = object()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ([], None),
        ("<html>", None),
        (None, None),
        ({"versions": "many"}, "versions"),
        ({"versions": {"0": {}}}, "versions"),
        ({"versions": [{"version_id": 1}, 5]}, "versions[1]"),
        ({"versions": [{"version_id": 1}, None]}, "versions[1]"),
        ({"versions": [{"version_id": 1}, ["x"]]}, "versions[1]"),
        ({"version_count": "many", "versions": []}, "version_count"),
        ({"job_id": "ten", "versions": []}, "job_id"),
        ({"is_success": "maybe", "versions": []}, "is_success"),
        (_page(version_id=MISSING), "versions[1].version_id"),
        (_page(version_id=None), "versions[1].version_id"),
        (_page(version_id="abc"), "versions[1].version_id"),
        (_page(version_id="1.5"), "versions[1].version_id"),
        (_page(version_id=1.5), "versions[1].version_id"),
        (_page(version_id=True), "versions[1].version_id"),
        (_page(version_id=-3), "versions[1].version_id"),
        (_page(version_id={}), "versions[1].version_id"),
        (_page(status="running"), "versions[1].status"),
        (_page(status=-1), "versions[1].status"),
        (_page(status=[8]), "versions[1].status"),
        (_page(status=True), "versions[1].status"),
        (_page(status=8.5), "versions[1].status"),
        (_page(create_time="yesterday"), "versions[1].create_time"),
        (_page(create_time=[1]), "versions[1].create_time"),
        (_page(create_time=False), "versions[1].create_time"),
        (_page(create_time=10**30), "versions[1].create_time"),
        (_page(duration="long"), "versions[1].duration"),
        (_page(duration={}), "versions[1].duration"),
        (_page(version_name={"a": 1}), "versions[1].version_name"),
        (_page(engine_name=[]), "versions[1].engine_name"),
        (_page(spec_id="p100"), "versions[1].spec_id"),
    ],
)
def test_malformed_page_names_the_field(body: Any, field: Any) -> None:
    if isinstance(body, dict) and body.get("versions") and isinstance(body["versions"], list):
        record = body["versions"][-1]
        if isinstance(record, dict) and record.get("version_id") is MISSING:
            del record["version_id"]
    with pytest.raises(ResponseFormatError) as info:
        load_versions_page(body, **ORIGIN)
    error = info.value
    assert error.field == field
    text = str(error)
    assert ORIGIN["operation"] in text and "HTTP 200" in text and "req-42" in text
    if field:
        assert repr(field) in text


@pytest.mark.parametrize(
    ("record", "attribute", "field"),
    [
        ({"gpu_num": "many"}, "gpu_num", "versions[0].gpu_num"),
        ({"gpu": "maybe"}, "gpu", "versions[0].gpu"),
        ({"pre_version_id": "v3"}, "pre_version_id", "versions[0].pre_version_id"),
        ({"start_time": "soon"}, "start_time", "versions[0].start_time"),
        ({"app_url": {"obs": 1}}, "app_url", "versions[0].app_url"),
        ({"parameter": "lr=1"}, "parameter", "versions[0].parameter"),
        ({"parameter": [{"label": "a"}, 5]}, "parameter", "versions[0].parameter[1]"),
        ({"parameter": [{"label": {}}]}, "parameter", "versions[0].parameter[0].label"),
        ({"data_source": [{"data_url": []}]}, "data_source", "versions[0].data_source[0].data_url"),
        (
            {"volumes": [{"nfs": {"read_only": "perhaps"}}]},
            "volumes",
            "versions[0].volumes[0].nfs.read_only",
        ),
        ({"volumes": ["nfs"]}, "volumes", "versions[0].volumes[0]"),
    ],
)
def test_bad_field_fails_the_page_when_it_loads(record: Any, attribute: str, field: str) -> None:
    body = {"versions": [{"version_id": 3, "status": 8, **record}]}
    with pytest.raises(ResponseFormatError) as info:
        load_versions_page(body, **ORIGIN)
    assert info.value.field == field
    assert info.value.operation == ORIGIN["operation"] and info.value.request_id == "req-42"
    del body["versions"][0][attribute]
    assert load_versions_page(body).versions[0].status == 8


def test_several_bad_fields_are_counted() -> None:
    body = {"versions": [{"version_id": 3, "gpu_num": "x", "model_id": "y"}]}
    with pytest.raises(ResponseFormatError, match="1 more invalid field"):
        load_versions_page(body)


def test_detail_body_is_checked_in_full_at_once() -> None:
    body = example("version_detail.hwcn.response.json")
    with pytest.raises(ResponseFormatError) as info:
        load_version_detail({**body, "worker_server_num": "two"}, **ORIGIN)
    assert info.value.field == "worker_server_num"
    del body["job_id"]
    with pytest.raises(ResponseFormatError, match="missing") as info:
        load_version_detail(body)
    assert info.value.field == "job_id"
    with pytest.raises(ResponseFormatError) as info:
        load_version_detail([body])
    assert info.value.field is None


@pytest.mark.parametrize(
    ("loader", "body", "field"),
    [
        (load_jobs_page, {"jobs": "none"}, "jobs"),
        (
            load_jobs_page,
            {"jobs": [{"job_id": 1}, {"job_id": 2, "status": "ok"}]},
            "jobs[1].status",
        ),
        (load_jobs_page, {"jobs": [{"job_name": "x"}]}, "jobs[0].job_id"),
        (load_jobs_page, {"jobs": [{"job_id": None}]}, "jobs[0].job_id"),
        (load_jobs_page, {"jobs": [None]}, "jobs[0]"),
        (load_jobs_page, {"jobs": [], "quotas": "five"}, "quotas"),
        (load_log_file_names, {"log_file_list": {"a": 1}}, "log_file_list"),
        (load_log_file_names, {"log_file_list": ["a", None]}, "log_file_list[1]"),
        (load_aom_log, {"content": "x", "lines": "eight"}, "lines"),
        (load_aom_log, {"content": ["x"]}, "content"),
        (load_iam_projects, {"projects": [{"name": "cn-north-4"}]}, "projects[0].id"),
        (load_iam_projects, {"projects": [{"id": None}]}, "projects[0].id"),
        (load_iam_projects, {"projects": "cn-north-4"}, "projects"),
        (load_token_expiry, {"token": {}}, "token.expires_at"),
        (load_token_expiry, {"token": {"expires_at": None}}, "token.expires_at"),
        (
            load_token_expiry,
            {"token": {"expires_at": "2020-01-04T09:05:22+25:00"}},
            "token.expires_at",
        ),
        (load_token_expiry, {"token": {"expires_at": "2020-02-30T09:05:22Z"}}, "token.expires_at"),
        (load_token_expiry, {"token": {"expires_at": "tomorrow"}}, "token.expires_at"),
        (load_token_expiry, {"token": "abc"}, "token"),
        (load_token_expiry, {}, "token"),
        (load_envelope, ["is_success"], None),
    ],
)
def test_other_malformed_bodies(loader: Callable[..., Any], body: Any, field: Any) -> None:
    with pytest.raises(ResponseFormatError) as info:
        loader(body, operation="OP", status_code=201, request_id="r1")
    assert info.value.field == field
    assert type(info.value) is ResponseFormatError  # never a library exception


def test_log_file_names_variants() -> None:
    def names(body: Dict[str, Any]) -> Any:
        return load_log_file_names(body).log_file_list

    assert names({"log_file_list": None}) == ()
    assert names({}) == ()
    assert names({"log_file_list": "job.0"}) == ("job.0",)
    assert names({"log_file_list": '["a.0", "a.1"]'}) == ("a.0", "a.1")
    assert names({"log_file_list": "[broken"}) == ("[broken",)
    assert names({"log_file_list": ["a.0", 7]}) == ("a.0", "7")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2020-01-04T09:05:22.701000Z", datetime(2020, 1, 4, 9, 5, 22, 701000, UTC)),
        ("2020-01-04T09:05:22Z", datetime(2020, 1, 4, 9, 5, 22, tzinfo=UTC)),
        ("2020-01-04T09:05:22.7", datetime(2020, 1, 4, 9, 5, 22, 700000, UTC)),
        ("2020-01-04T11:05:22.701+02:00", datetime(2020, 1, 4, 9, 5, 22, 701000, UTC)),
        ("2020-01-04 04:05:22-0500", datetime(2020, 1, 4, 9, 5, 22, tzinfo=UTC)),
    ],
)
def test_token_expiry(text: str, expected: datetime) -> None:
    expires = load_token_expiry({"token": {"expires_at": text, "catalog": []}})
    assert expires == expected and expires.utcoffset() == timedelta(0)


# -- read-only views -------------------------------------------------------------------------


def test_read_only_views_are_deep_and_compare_equal() -> None:
    body = example("version_detail.hwcn.response.json")
    view = ReadOnlyMapping(body)
    assert view == body and body == view
    with pytest.raises(TypeError):
        view["status"] = 1  # type: ignore[index]
    with pytest.raises(TypeError):
        view["volumes"][0]["nfs"]["read_only"] = True
    with pytest.raises(TypeError):
        view["parameter"][0] = {}
    assert not hasattr(view["parameter"], "append")
    assert view["volumes"][0:1] == body["volumes"][0:1]
    assert list(view["data_source"]) == body["data_source"]
    copied = view.to_dict()
    copied["volumes"][0]["nfs"]["read_only"] = True
    assert body["volumes"][0]["nfs"]["read_only"] is False
    assert json.loads(json.dumps(view.to_dict())) == body
    assert view["parameter"].to_list() == body["parameter"]


@pytest.mark.parametrize(
    ("field", "value", "ok"),
    [
        ("create_time", 253_402_300_799_999, True),  # 9999-12-31T23:59:59.999Z
        ("create_time", 253_402_300_800_000, False),
        ("create_time", -62_135_596_800_000, True),  # 0001-01-01T00:00:00Z
        ("create_time", -62_135_596_800_001, False),
        ("duration", 86_399_999_999_999_999, True),  # timedelta.max, in ms
        ("duration", 86_399_999_999_999_999 + 1, False),
        ("duration", -86_399_999_913_600_000, True),  # -999999999 days
        ("duration", -86_399_999_913_600_001, False),
    ],
)
def test_time_fields_at_the_edges_of_the_calendar(field: str, value: int, ok: bool) -> None:
    body = {
        "is_success": True,
        "job_id": 1,
        "version_count": 1,
        "versions": [{"version_id": 2, field: value}],
    }
    if ok:
        (record,) = load_versions_page(body).versions
        assert getattr(record, field) is not None  # converted lazily, without overflow
    else:
        with pytest.raises(ResponseFormatError, match=f"versions\\[0\\].{field}"):
            load_versions_page(body)


# -- the declaration machinery -------------------------------------------------------------


def test_a_record_is_its_field_lines() -> None:
    from modelarts.job_status import JobStatus
    from modelarts.schemas import Record
    from modelarts.schemas._convert import INT, JSON, MS_TIME, STATUS, TEXT
    from modelarts.schemas._record import field

    class Probe(Record):
        """A made-up body."""

        __slots__ = ()

        name = field(TEXT, "A name.")
        count = field(INT, "A count.", required=True)
        state = field(STATUS, "A status.", default=JobStatus.UNKNOWN)
        when = field(MS_TIME, "A time.")
        blob = field(JSON, "Some JSON text.")

    names = ["name", "count", "state", "when", "blob"]
    assert [declared.name for declared in Probe.FIELDS] == names
    assert "``count`` (int): A count." in (Probe.__doc__ or "")
    body = {"name": 5, "count": "3", "when": 0, "blob": '{"a": [1]}', "new": {"x": 1}}
    probe = Probe.load(body)
    assert (probe.name, probe.count, probe.state) == ("5", 3, JobStatus.UNKNOWN)
    assert probe.when == datetime(1970, 1, 1, tzinfo=UTC)
    assert probe.blob == {"a": [1]} and probe.blob is probe.blob  # parsed once, on first read
    assert probe.raw == body and probe.raw["new"] == {"x": 1}  # unknown fields kept
    assert probe.as_dict() is body
    with pytest.raises(AttributeError):
        probe.other = 1  # type: ignore[attr-defined]  # slots only
    with pytest.raises(ResponseFormatError) as info:
        Probe.load({"name": [], "count": 1}, operation="OP")
    assert info.value.field == "name" and info.value.operation == "OP"
    with pytest.raises(ResponseFormatError, match="required") as info:
        Probe.load({"name": "x"})
    assert info.value.field == "count"
    described = schema_of(Probe)
    assert set(described.fields) == set(names)
    assert described.load({"count": "4", "new": 1}) == {"count": 4}


def test_every_documented_version_field_is_typed_at_load() -> None:
    wrong: Dict[str, Any] = {
        "id": "x1",
        "int": "many",
        "code": -1,
        "text": ["a"],
        "bool": "perhaps",
        "status": "ok",
        "ms-time": "soon",
        "ms-duration": {},
        "parameters": "a=1",
        "data-sources": [5],
        "volumes": [7],
    }
    for declared in Version.FIELDS:
        if declared.kind.name == "json":
            continue  # any JSON loads: text that is not JSON is kept as it is
        record = {"version_id": 1, declared.name: wrong[declared.kind.name]}
        with pytest.raises(ResponseFormatError) as info:
            load_versions_page({"versions": [record]})
        assert (info.value.field or "").startswith(f"versions[0].{declared.name}"), declared.name
