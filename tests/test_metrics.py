"""Model and system metrics as typed values, from every wire shape seen; sparklines."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from modelarts.errors import ResponseFormatError
from modelarts.metrics import parse_metrics
from modelarts.sparkline import BARS, resample, sparkline

EXAMPLES = Path(__file__).parent / "data" / "examples"


def test_documented_detail_example_json_text_and_string_numbers() -> None:
    body = json.loads((EXAMPLES / "version_detail.hwcn.response.json").read_text())
    metrics = parse_metrics(body["model_metric_list"], body["system_metric_list"])
    assert metrics.model.total["accuracy"] == pytest.approx(0.000937)
    assert metrics.model.classes[0].values["recall"] == pytest.approx(0.005833)
    assert metrics.model.classes[0].class_id == 0
    assert metrics.system.series["cpu_usage"][:3] == (0.0, 3.1, 5.76)
    assert metrics.system.series["net_send_rate"][2] == 10487410.0
    assert metrics.system.interval == 1
    assert metrics.system.unit("cpu_usage") == "%" and metrics.system.unit("x") == ""
    assert metrics.raw["system_metric_list"] is body["system_metric_list"]


def test_objects_and_text_load_alike_and_unknown_series_are_kept() -> None:
    system = {"cpuUsage": [1, "2"], "npuUtil": ["5"], "interval": "2"}
    model = {"total_metric": {"total_metric_values": {"f1_score": "0.5"}}}
    as_objects = parse_metrics(model, system)
    as_text = parse_metrics(json.dumps(model), json.dumps(system))
    assert as_objects.model == as_text.model and as_objects.system == as_text.system
    assert as_objects.system.series == {"cpu_usage": (1.0, 2.0), "npuUtil": (5.0,)}
    assert as_objects.system.interval == 2.0


@pytest.mark.parametrize("empty", [None, "", "{}", {}])
def test_empty_metrics(empty: Any) -> None:
    metrics = parse_metrics(empty, empty)
    assert metrics.model.total == {} and metrics.model.classes == ()
    assert metrics.system.series == {}


@pytest.mark.parametrize(
    ("model", "system", "field"),
    [
        ("not json", None, "model_metric_list"),
        ([], None, "model_metric_list"),
        ({"metric": {}}, None, "model_metric_list.metric"),
        (
            {"metric": [{"metric_values": {"a": "x"}}]},
            None,
            "model_metric_list.metric[0].metric_values.a",
        ),
        (None, {"cpuUsage": "5"}, "system_metric_list.cpuUsage"),
        (None, {"cpuUsage": [True]}, "system_metric_list.cpuUsage[0]"),
        (None, {"cpuUsage": ["nan"]}, "system_metric_list.cpuUsage[0]"),
        (None, "[" * 5000, "system_metric_list"),
    ],
)
def test_bad_shapes_name_the_field(model: Any, system: Any, field: str) -> None:
    with pytest.raises(ResponseFormatError) as caught:
        parse_metrics(model, system)
    assert caught.value.field == field


@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=5),
        lambda inner: (
            st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3)
        ),
        max_leaves=12,
    )
)
def test_any_json_gives_metrics_or_a_typed_error(value: Any) -> None:
    for args in ((value, None), (None, value), (json.dumps(value), json.dumps(value))):
        try:
            parse_metrics(*args)
        except ResponseFormatError:
            pass


def test_sparkline_levels() -> None:
    assert sparkline([0, 3.1, 5.76, 0, 0]) == "▁▅█▁▁"
    assert sparkline([0, 7]) == BARS[0] + BARS[-1]
    assert sparkline([2, 2, 2]) == BARS[0] * 3
    assert sparkline([]) == ""
    assert sparkline([1, math.nan, 3]) == BARS[0] + " " + BARS[-1]
    assert sparkline([50], low=0, high=100) == BARS[4]


def test_sparkline_width_averages() -> None:
    assert resample([1, 3, 5, 7], 2) == [2, 6]
    line = sparkline(list(range(1000)), width=40)
    assert len(line) == 40 and line[0] == BARS[0] and line[-1] == BARS[-1]
    with pytest.raises(ValueError, match="width"):
        resample([1], 0)
