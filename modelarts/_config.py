"""Resolving a Session's settings: credentials, region, project id, endpoints.

Each setting is resolved on its own, first source wins (contract, "Session"):

======================  ====================================================
setting                 sources, in order
======================  ====================================================
credentials             arguments, environment, credentials file, instance
                        metadata (opt-in); whole sets only, never mixed
region                  argument, ``Session.set_endpoint``,
                        ``HUAWEICLOUD_SDK_REGION``, file key ``region``
project id              argument, ``HUAWEICLOUD_SDK_PROJECT_ID``, file key
                        ``project_id``, then looked up from IAM on first use
ModelArts endpoint      argument, ``set_endpoint``,
                        ``HUAWEICLOUD_SDK_MODELARTS_ENDPOINT``, region default
IAM endpoint            argument, ``set_endpoint``,
                        ``HUAWEICLOUD_SDK_IAM_ENDPOINT``, file key
                        ``iam_endpoint``, region default (global without one)
======================  ====================================================

The credentials file is read at most once, and only when a setting is still
missing after the sources above it, so a damaged file the user does not rely
on cannot break their Session.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Dict, List, Mapping, Optional, Union

from . import credentials as creds
from ._auth import METADATA_ENDPOINT, RefreshingCredentials, fetch_metadata_credentials
from .clock import Clock
from .endpoints import (
    default_iam_endpoint,
    default_modelarts_endpoint,
    normalize_endpoint,
    validate_region,
)
from .errors import ModelArtsError
from .transport.base import Transport
from .transport.choice import ENV_FIXTURE, ENV_RECORD_MODE

__all__ = ["ENV", "FileSettings", "metadata_enabled", "resolve_credentials"]


class ENV:
    """Names of the environment variables the Session reads."""

    AK = creds.ENV_AK
    SK = creds.ENV_SK
    SECURITY_TOKEN = creds.ENV_SECURITY_TOKEN
    CREDENTIALS_FILE = creds.ENV_CREDENTIALS_FILE
    PROJECT_ID = "HUAWEICLOUD_SDK_PROJECT_ID"
    REGION = "HUAWEICLOUD_SDK_REGION"
    MODELARTS_ENDPOINT = "HUAWEICLOUD_SDK_MODELARTS_ENDPOINT"
    IAM_ENDPOINT = "HUAWEICLOUD_SDK_IAM_ENDPOINT"
    METADATA = "HUAWEICLOUD_SDK_METADATA"
    METADATA_ENDPOINT = "HUAWEICLOUD_SDK_METADATA_ENDPOINT"
    FIXTURE = ENV_FIXTURE
    RECORD_MODE = ENV_RECORD_MODE


class FileSettings:
    """The credentials file, read on first need."""

    def __init__(self, env: Mapping[str, str]) -> None:
        self.path: Path = creds.credentials_file_path(env)
        self._values: Optional[Dict[str, str]] = None
        self._read = False

    def values(self) -> Optional[Dict[str, str]]:
        if not self._read:
            self._values = creds.read_credentials_file(self.path)
            self._read = True
        return self._values

    def get(self, key: str) -> Optional[str]:
        values = self.values()
        return (values or {}).get(key) or None


def first(*candidates: Union[Optional[str], Callable[[], Optional[str]]]) -> Optional[str]:
    """The first candidate that is set; callables are only called when reached."""
    for candidate in candidates:
        value = candidate() if callable(candidate) else candidate
        if value:
            return value
    return None


def resolve_region(
    argument: Optional[str], class_value: Optional[str], env: Mapping[str, str], file: FileSettings
) -> Optional[str]:
    region = first(argument, class_value, env.get(ENV.REGION), lambda: file.get("region"))
    return validate_region(region) if region else None


def resolve_endpoint(
    name: str,
    argument: Optional[str],
    class_value: Optional[str],
    env_value: Optional[str],
    file_value: Callable[[], Optional[str]],
    default: Optional[str],
) -> Optional[str]:
    value = first(argument, class_value, env_value, file_value, default)
    return normalize_endpoint(value, name) if value else None


def modelarts_default(region: Optional[str]) -> Optional[str]:
    return default_modelarts_endpoint(region) if region else None


def iam_default(region: Optional[str]) -> str:
    return default_iam_endpoint(region)


def metadata_enabled(argument: Optional[bool], env: Mapping[str, str]) -> bool:
    """Opt-in only: ``use_metadata=True`` or ``HUAWEICLOUD_SDK_METADATA=1``."""
    if argument is not None:
        return bool(argument)
    return env.get(ENV.METADATA, "").strip().lower() in ("1", "true", "yes", "on")


CredentialsSource = Union[creds.Credentials, RefreshingCredentials]


def resolve_credentials(
    *,
    arguments: Optional[creds.Credentials],
    env: Mapping[str, str],
    file: FileSettings,
    use_metadata: bool,
    metadata_transport: Callable[[], Transport],
    clock: Clock,
    required: bool,
) -> Optional[CredentialsSource]:
    """Walk the chain; return the first complete set (None if not ``required``)."""
    if arguments is not None:
        return arguments
    misses: List[creds.Miss] = [("arguments", "no access_key/secret_key or username/password")]
    found, why = creds.from_environment(env)
    if found is not None:
        return found
    misses.append(("environment", why))
    found, why = creds.from_file(file.values(), file.path)
    if found is not None:
        return found
    misses.append(("credentials file", why))
    if not required:
        # A replaying transport needs no credentials, so the metadata service
        # (a network call) is not worth trying.
        return None
    if use_metadata:
        base = normalize_endpoint(
            env.get(ENV.METADATA_ENDPOINT) or METADATA_ENDPOINT, ENV.METADATA_ENDPOINT
        )
        transport = metadata_transport()
        try:
            return RefreshingCredentials(lambda: fetch_metadata_credentials(transport, base), clock)
        except ModelArtsError as exc:
            misses.append(("instance metadata", str(exc)))
    else:
        misses.append(
            ("instance metadata", f"not enabled (set {ENV.METADATA}=1 or use_metadata=True)")
        )
    raise creds.not_found_error(misses)
