from __future__ import annotations

import pytest

from modelarts.endpoints import (
    GLOBAL_IAM_ENDPOINT,
    default_iam_endpoint,
    default_modelarts_endpoint,
    normalize_endpoint,
    validate_region,
)
from modelarts.errors import ConfigurationError


def test_region_defaults_follow_huaweis_table() -> None:
    assert (
        default_modelarts_endpoint("cn-north-4") == "https://modelarts.cn-north-4.myhuaweicloud.com"
    )
    assert (
        default_modelarts_endpoint("ap-southeast-1")
        == "https://modelarts.ap-southeast-1.myhuaweicloud.cn"
    )
    assert default_iam_endpoint("ap-southeast-1") == "https://iam.ap-southeast-1.myhuaweicloud.com"
    assert default_iam_endpoint(None) == GLOBAL_IAM_ENDPOINT


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("https://modelarts.example:8443", "https://modelarts.example:8443"),
        ("https://modelarts.example:8443/", "https://modelarts.example:8443"),
        ("http://127.0.0.1:5000", "http://127.0.0.1:5000"),
        (
            "modelarts.cn-north-4.myhuaweicloud.com",
            "https://modelarts.cn-north-4.myhuaweicloud.com",
        ),
        ("https://gateway.example/prefix/", "https://gateway.example/prefix"),
        ("  https://x.example  ", "https://x.example"),
    ],
)
def test_normalize_endpoint(given: str, expected: str) -> None:
    assert normalize_endpoint(given) == expected


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "   ",
        "ftp://x.example",
        "https://",
        "https://user:pw@x.example",
        "https://x.example?a=1",
        "https://x.example#frag",
        "https://x.example:99999",
    ],
)
def test_bad_endpoints_are_configuration_errors(bad: str) -> None:
    with pytest.raises(ConfigurationError) as info:
        normalize_endpoint(bad, "modelarts_endpoint")
    assert isinstance(info.value, ValueError)
    assert "modelarts_endpoint" in str(info.value)


def test_endpoint_credentials_are_not_echoed() -> None:
    with pytest.raises(ConfigurationError) as info:
        normalize_endpoint("https://user:hunter22@x.example")
    assert "hunter22" not in str(info.value)


@pytest.mark.parametrize("bad", ["", "CN-NORTH-4", "cn north", "cn-north-4.", "-x", "a/b"])
def test_bad_regions_are_rejected(bad: str) -> None:
    with pytest.raises(ConfigurationError):
        validate_region(bad)
