"""Credential values and the resolution chain, with a clean environment and HOME."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest

from modelarts.credentials import (
    AccessKeyCredentials,
    PasswordCredentials,
    credentials_file_path,
    from_arguments,
    from_environment,
    from_file,
    parse_expiry,
    read_credentials_file,
)
from modelarts.errors import ConfigurationError

AK, SK = "AKTESTEXAMPLE0000001", "sktestexamplesecret0000000000000000000001"


def test_reprs_hide_secrets() -> None:
    keys = AccessKeyCredentials(AK, SK, "security-token-value")
    login = PasswordCredentials("alice", "correct horse battery", "acme")
    for text in (repr(keys), str(keys), repr(login)):
        assert SK not in text
        assert "security-token-value" not in text
        assert "correct horse battery" not in text
    assert AK not in repr(keys) and "AKTE" in repr(keys)


def test_account_defaults_to_username() -> None:
    assert PasswordCredentials("alice", "pw").account == "alice"
    assert PasswordCredentials("alice", "pw", "acme").account == "acme"


@pytest.mark.parametrize(
    "kwargs",
    [
        {"access_key": AK},
        {"secret_key": SK},
        {"security_token": "t"},
        {"username": "alice"},
        {"password": "pw"},
        {"access_key": AK, "secret_key": SK, "username": "alice", "password": "pw"},
        {"access_key": "", "secret_key": SK},
        {"access_key": f" {AK}", "secret_key": SK},
    ],
)
def test_partial_or_mixed_arguments_are_errors(kwargs: "dict[str, str]") -> None:
    full = dict.fromkeys(
        ("access_key", "secret_key", "security_token", "username", "password", "account")
    )
    full.update(kwargs)
    with pytest.raises(ConfigurationError) as info:
        from_arguments(**full)
    assert SK not in str(info.value)


def test_no_arguments_means_look_elsewhere() -> None:
    none = dict.fromkeys(
        ("access_key", "secret_key", "security_token", "username", "password", "account")
    )
    assert from_arguments(**none) is None


def test_environment() -> None:
    found, _ = from_environment(
        {
            "HUAWEICLOUD_SDK_AK": AK,
            "HUAWEICLOUD_SDK_SK": SK,
            "HUAWEICLOUD_SDK_SECURITY_TOKEN": "tok",
        }
    )
    assert isinstance(found, AccessKeyCredentials)
    assert found.temporary and found.source == "environment"
    missing, why = from_environment({"HUAWEICLOUD_SDK_AK": AK})
    assert missing is None and "HUAWEICLOUD_SDK_SK" in why
    nothing, why = from_environment({})
    assert nothing is None and "not set" in why


def test_credentials_file_location(tmp_path: Path) -> None:
    assert (
        credentials_file_path({"HOME": str(tmp_path)}) == tmp_path / ".huaweicloud" / "credentials"
    )
    custom = tmp_path / "creds.ini"
    assert credentials_file_path({"HUAWEICLOUD_SDK_CREDENTIALS_FILE": str(custom)}) == custom


def test_credentials_file(tmp_path: Path) -> None:
    path = tmp_path / "credentials"
    assert read_credentials_file(path) is None
    assert from_file(None, path)[1].endswith("does not exist")
    path.write_text(f"[basic]\nak = {AK}\nsk = {SK}\nproject_id = p1\n", encoding="utf-8")
    values = read_credentials_file(path)
    assert values is not None and values["project_id"] == "p1"
    found, _ = from_file(values, path)
    assert found == AccessKeyCredentials(AK, SK)
    path.write_text("[basic]\nak = only-ak\n", encoding="utf-8")
    found, why = from_file(read_credentials_file(path), path)
    assert found is None and "lacks sk" in why
    path.write_text("[global]\nak = x\n", encoding="utf-8")
    found, why = from_file(read_credentials_file(path), path)
    assert found is None and "no [basic] section" in why


def test_a_damaged_credentials_file_does_not_echo_the_secret(tmp_path: Path) -> None:
    path = tmp_path / "credentials"
    path.write_text(f"ak = {AK}\nsk = {SK}\n", encoding="utf-8")  # no section header
    with pytest.raises(ConfigurationError) as info:
        read_credentials_file(path)
    assert SK not in str(info.value)
    assert str(path) in str(info.value)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2020-01-04T09:05:22.701000Z", datetime(2020, 1, 4, 9, 5, 22, 701000, timezone.utc)),
        ("2020-01-04T09:05:22Z", datetime(2020, 1, 4, 9, 5, 22, tzinfo=timezone.utc)),
        ("2020-01-04T09:05:22.701Z", datetime(2020, 1, 4, 9, 5, 22, 701000, timezone.utc)),
        ("garbage", None),
        (None, None),
        (12, None),
    ],
)
def test_parse_expiry(text: object, expected: "datetime | None") -> None:
    assert parse_expiry(text) == expected
