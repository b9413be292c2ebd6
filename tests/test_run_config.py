"""The run settings declaration: what each keyword sends and every check before a request."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Dict, Optional

import pytest
from hypothesis import given
from hypothesis import strategies as st

from modelarts.errors import ConfigurationError, InvalidArgumentError
from modelarts.run_config import (
    JOB_NAME,
    RUN_OPTIONS,
    Inputs,
    RunSettings,
    check_job_name,
    default_name,
)

BASE: Dict[str, Any] = {
    "train_instance_count": 1,
    "train_instance_type": "modelarts.vm.cpu.2u",
    "code_dir": "/bucket/code/",
    "boot_file": "/bucket/code/train.py",
    "output_path": "/bucket/out/",
    "framework_type": "TensorFlow",
    "framework_version": "TF-1.8.0-python3.6",
    "hyperparameters": [{"label": "lr", "value": "0.01"}],
    "log_url": "/bucket/log/",
}


def plan(options: Dict[str, Any], **inputs: Any) -> Any:
    return RunSettings.from_options(options).plan(Inputs.of(**(inputs or {"inputs": "/b/data/"})))


def test_config_holds_the_documented_fields_with_integer_ids() -> None:
    p = plan(BASE)
    assert (p.spec_code, p.engine, p.model_name, p.job_type) == (
        "modelarts.vm.cpu.2u",
        ("TensorFlow", "TF-1.8.0-python3.6"),
        None,
        "train",
    )
    assert p.config(spec_id=27, engine_id=4) == {
        "worker_server_num": 1,
        "app_url": "/bucket/code/",
        "boot_file_url": "/bucket/code/train.py",
        "train_url": "/bucket/out/",
        "parameter": [{"label": "lr", "value": "0.01"}],
        "log_url": "/bucket/log/",
        "spec_id": 27,
        "engine_id": 4,
        "data_url": "/b/data/",
    }


def test_pool_id_is_sent_as_documented_and_priority_only_when_given() -> None:
    options = {**BASE, "pool_id": "pool-1"}
    del options["train_instance_type"]
    settings = RunSettings.from_options(options)
    config = settings.plan(Inputs.of(inputs="/d/"), priority=2).config(engine_id=4)
    assert config["pool_id"] == "pool-1" and "poolId" not in config and config["priority"] == 2
    assert "priority" not in settings.plan(Inputs.of(inputs="/d/")).config()


def test_job_body_and_autosearch_only_when_asked() -> None:
    settings = RunSettings.from_options({**BASE, "job_description": "d"})
    p = settings.plan(Inputs.of(inputs="/d/"))
    body = settings.job_body(p, p.config(spec_id=1, engine_id=2), "my-job")
    assert set(body) == {"job_name", "job_desc", "config"} and body["job_desc"] == "d"
    s2 = RunSettings.from_options({**BASE, "config_path": "obs://c.yaml"})
    p2 = s2.plan(Inputs.of(inputs="/d/"))
    assert s2.job_body(p2, {}, "j")["autosearch_config"] == {
        "config_path": "obs://c.yaml",
        "autosearch_path": "",
    }


def test_hyperparameters_as_mapping_and_numbers_become_text() -> None:
    p = plan({**BASE, "hyperparameters": {"lr": 0.01, "epochs": 3}})
    assert p.fields["parameter"] == [
        {"label": "lr", "value": "0.01"},
        {"label": "epochs", "value": "3"},
    ]


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"train_instance_count": None}, "train_instance_count"),
        ({"train_instance_count": 0}, "train_instance_count"),
        ({"train_instance_count": True}, "train_instance_count"),
        ({"train_instance_type": None}, "train_instance_type or pool_id"),
        ({"pool_id": "p"}, "not both"),
        ({"framework_version": None}, "together"),
        ({"model_name": "ResNet_v1_50"}, "model_name"),
        ({"hyperparameters": [{"value": "1"}]}, "hyperparameters[0]"),
        ({"hyperparameters": [{"label": "a", "value": None}]}, "hyperparameters[0].value"),
        ({"code_dir": 5}, "code_dir must be a str"),
        ({"create_version": "no"}, "create_version"),
    ],
)
def test_bad_settings_are_argument_errors(change: Dict[str, Any], words: str) -> None:
    with pytest.raises(InvalidArgumentError, match=words.replace("[", r"\[").replace("]", r"\]")):
        plan({**BASE, **change})


@pytest.mark.parametrize(
    "name", ["environment", "w3_account", "w3_password", "app_id", "app_token"]
)
def test_unsupported_keywords_say_so(name: str) -> None:
    with pytest.raises(ConfigurationError, match="not"):
        RunSettings.from_options({**BASE, name: "x"})


def test_unknown_keyword_lists_the_known_ones() -> None:
    with pytest.raises(
        InvalidArgumentError, match="train_instance_cnt.*known: .*train_instance_count"
    ):
        RunSettings.from_options({"train_instance_cnt": 1})
    assert "train_instance_count" in RUN_OPTIONS


def test_local_training_is_refused() -> None:
    with pytest.raises(ConfigurationError, match="local"):
        plan({**BASE, "train_instance_type": "local"})


def test_node_count_above_the_flavor_maximum() -> None:
    with pytest.raises(InvalidArgumentError, match="exceeds"):
        plan({**BASE, "train_instance_count": 5}).config(spec_id=1, max_nodes=4)


def test_priority_range() -> None:
    with pytest.raises(InvalidArgumentError, match="priority"):
        RunSettings.from_options(BASE).plan(Inputs.of(inputs="/d/"), priority=9)


def test_saved_configs_may_leave_nodes_and_flavor_out() -> None:
    p = RunSettings.from_options({"code_dir": "/c/"}).plan(
        Inputs.of(required=False), for_config=True
    )
    assert p.config() == {"app_url": "/c/"}


SOURCES = st.one_of(
    st.none(),
    st.just([{"type": "obs", "data_url": "/d/"}]),
    st.just([{"type": "dataset", "dataset_id": "a", "dataset_version": "b"}]),
)


@given(
    inputs=st.one_of(st.none(), st.just("/d/")),
    dataset_id=st.one_of(st.none(), st.just("ds")),
    dataset_version_id=st.one_of(st.none(), st.just("v1")),
    data_source=SOURCES,
    required=st.booleans(),
)
def test_inputs_exactly_one_kind(
    inputs: Optional[str],
    dataset_id: Optional[str],
    dataset_version_id: Optional[str],
    data_source: Any,
    required: bool,
) -> None:
    kinds = [
        inputs is not None,
        dataset_id is not None or dataset_version_id is not None,
        data_source is not None,
    ]
    pair_broken = (dataset_id is None) != (dataset_version_id is None)
    args = dict(
        inputs=inputs,
        dataset_id=dataset_id,
        dataset_version_id=dataset_version_id,
        data_source=data_source,
    )
    if sum(kinds) > 1 or (sum(kinds) == 0 and required) or (kinds[1] and pair_broken):
        with pytest.raises(InvalidArgumentError):
            Inputs.of(**args, required=required)
        return
    wire = Inputs.of(**args, required=required).wire
    if inputs is not None:
        assert wire == {"data_url": "/d/"}
    elif dataset_id is not None:
        assert wire == {"dataset_id": "ds", "dataset_version_id": "v1"}
    elif data_source is not None:
        assert wire == {"data_source": data_source}
    else:
        assert wire == {}


@pytest.mark.parametrize(
    "source",
    [[], [{"type": "ftp"}], [{"type": "obs"}], [{"type": "dataset", "dataset_id": "a"}], ["x"]],
)
def test_bad_data_sources(source: Any) -> None:
    with pytest.raises(InvalidArgumentError, match="data_source"):
        Inputs.of(data_source=source)


@given(st.text(alphabet="abcXYZ019_-", min_size=1, max_size=90))
def test_default_names_are_valid_and_differ_within_a_second(prefix: str) -> None:
    now = datetime(2026, 12, 3, 20, 1, 59, tzinfo=timezone.utc)
    first, second = default_name(prefix, now), default_name(prefix, now)
    assert JOB_NAME.fullmatch(first) and len(first) <= 64
    assert "-1203-200159-" in first and first != second


@pytest.mark.parametrize("name", ["", "a" * 65, "has space", "ünï", None, 5])
def test_bad_job_names(name: Any) -> None:
    with pytest.raises(InvalidArgumentError, match="job_name"):
        check_job_name(name)
