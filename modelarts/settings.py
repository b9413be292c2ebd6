"""Resolving a Session's settings: region, project id and endpoints.

Each setting is resolved on its own, first source wins:

======================  ====================================================
setting                 sources, in order
======================  ====================================================
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

Credentials follow their own chain (``modelarts/credentials.py``). A Session
that only replays a fixture needs none of these: its project id is the
placeholder the fixture was recorded with, and its endpoint a name that can
never resolve (a fixture ignores the host).
"""

from __future__ import annotations

from typing import Callable, Mapping, NamedTuple, Optional, Union

from .credential_chain import CredentialsFile
from .credentials import (
    ENV_AK,
    ENV_CREDENTIALS_FILE,
    ENV_SECURITY_TOKEN,
    ENV_SK,
    require_header_text,
)
from .endpoints import (
    GLOBAL_IAM_ENDPOINT,
    OVERRIDES,
    default_iam_endpoint,
    default_modelarts_endpoint,
    normalize_endpoint,
    validate_region,
)
from .errors import ConfigurationError
from .metadata import ENV_METADATA, ENV_METADATA_ENDPOINT
from .redaction import PROJECT_ID_PLACEHOLDER
from .transport.choice import ENV_FIXTURE, ENV_RECORD_MODE

__all__ = ["ENV", "REPLAY_ENDPOINT", "Settings", "metadata_enabled", "resolve_settings"]

#: The endpoint of a replaying Session given none: a fixture ignores the host, and
#: ".invalid" can never resolve should a request be sent anywhere.
REPLAY_ENDPOINT = "https://modelarts.replay.invalid"


class ENV:
    """Names of the environment variables a Session reads."""

    AK = ENV_AK
    SK = ENV_SK
    SECURITY_TOKEN = ENV_SECURITY_TOKEN
    CREDENTIALS_FILE = ENV_CREDENTIALS_FILE
    PROJECT_ID = "HUAWEICLOUD_SDK_PROJECT_ID"
    REGION = "HUAWEICLOUD_SDK_REGION"
    MODELARTS_ENDPOINT = "HUAWEICLOUD_SDK_MODELARTS_ENDPOINT"
    IAM_ENDPOINT = "HUAWEICLOUD_SDK_IAM_ENDPOINT"
    METADATA = ENV_METADATA
    METADATA_ENDPOINT = ENV_METADATA_ENDPOINT
    FIXTURE = ENV_FIXTURE
    RECORD_MODE = ENV_RECORD_MODE


class Settings(NamedTuple):
    """Where a Session's calls go, and for which project (``None``: look it up)."""

    region_name: Optional[str]
    project_id: Optional[str]
    modelarts_endpoint: str
    iam_endpoint: str


Candidate = Union[Optional[str], Callable[[], Optional[str]]]


def first(*candidates: Candidate) -> Optional[str]:
    """The first candidate that is set; callables are only called when reached."""
    for candidate in candidates:
        value = candidate() if callable(candidate) else candidate
        if value:
            return value
    return None


def resolve_settings(
    *,
    region_name: Optional[str],
    project_id: Optional[str],
    modelarts_endpoint: Optional[str],
    iam_endpoint: Optional[str],
    env: Mapping[str, str],
    file: CredentialsFile,
    replaying: bool,
) -> Settings:
    """Each setting from its first source (the table above)."""
    overrides = OVERRIDES.snapshot()
    region = first(
        region_name, overrides.get("region_name"), env.get(ENV.REGION), _in(file, "region")
    )
    if region is not None:
        validate_region(region)
    project = first(project_id, env.get(ENV.PROJECT_ID), _in(file, "project_id"))
    if project is not None:
        require_header_text("project_id", project)  # it travels in X-Project-Id
    if project is None and replaying:
        project = PROJECT_ID_PLACEHOLDER  # the fixture stands for whichever project recorded it
    modelarts = first(
        modelarts_endpoint,
        overrides.get("modelarts_endpoint"),
        env.get(ENV.MODELARTS_ENDPOINT),
        default_modelarts_endpoint(region) if region else None,
    )
    if modelarts is None:
        if not replaying:
            raise ConfigurationError(
                "no region or ModelArts endpoint: pass region_name= (or set "
                f"{ENV.REGION}), or modelarts_endpoint= (or set {ENV.MODELARTS_ENDPOINT})"
            )
        modelarts = REPLAY_ENDPOINT
    iam = first(
        iam_endpoint,
        overrides.get("iam_endpoint"),
        env.get(ENV.IAM_ENDPOINT),
        _in(file, "iam_endpoint"),
        default_iam_endpoint(region),
    )
    if project is None and region is None:
        raise ConfigurationError(
            "cannot determine the project id: pass project_id= (or set "
            f"{ENV.PROJECT_ID}), or pass region_name= (or set {ENV.REGION}) so it "
            "can be looked up"
        )
    return Settings(
        region,
        project,
        normalize_endpoint(modelarts, "modelarts_endpoint"),
        normalize_endpoint(iam or GLOBAL_IAM_ENDPOINT, "iam_endpoint"),
    )


def _in(file: CredentialsFile, key: str) -> Callable[[], Optional[str]]:
    return lambda: file.get(key)


def metadata_enabled(argument: Optional[bool], env: Mapping[str, str]) -> bool:
    """Opt-in only: ``use_metadata=True`` or ``HUAWEICLOUD_SDK_METADATA=1``."""
    if argument is not None:
        return bool(argument)
    return env.get(ENV.METADATA, "").strip().lower() in ("1", "true", "yes", "on")
