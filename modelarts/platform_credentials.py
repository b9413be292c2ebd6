"""Credentials inside ModelArts: the platform's own credentials file.

A ModelArts notebook or training container hands its processes AK/SK in an
INI file named by the environment, as Huawei's old ``modelarts`` SDK read it:

- a notebook sets ``NB_USER`` and ``AWS_CREDENTIAL_PROFILES_FILE`` (or
  ``CREDENTIAL_PROFILES_FILE``); a training container sets
  ``AWS_SHARED_CREDENTIALS_FILE``;
- the file is the first set of ``AWS_CREDENTIAL_PROFILES_FILE``,
  ``CREDENTIAL_PROFILES_FILE``, ``AWS_SHARED_CREDENTIALS_FILE``; its
  ``[default]`` section holds ``access_key_id``, ``secret_access_key``,
  ``security_token`` (``session_token`` in a training container) and
  ``user_id``, which every AK/SK request then carries, signed, as
  ``X-ModelArts-User-Id``;
- when only ``CREDENTIAL_PROFILES_FILE`` is set, the values are encrypted with
  a module internal to the platform, which this SDK cannot read: that is a
  ``ConfigurationError`` saying so, not a silent miss.

``Session()`` looks here after the environment and before the credentials file
(``modelarts/credentials.py``). The file is read when the Session is made; the
old SDK's re-reading of it after any failed call (which could send a POST
twice) is not copied.
"""

from __future__ import annotations

from pathlib import Path
from typing import Mapping, Optional, Tuple

from .credentials import AccessKeyCredentials, read_credentials_file
from .errors import ConfigurationError

__all__ = [
    "ENV_NOTEBOOK_FILE",
    "ENV_NOTEBOOK_USER",
    "ENV_PROFILES_FILE",
    "ENV_TRAINING_FILE",
    "from_modelarts_platform",
]

#: Set in a notebook, with one of the two profiles-file variables.
ENV_NOTEBOOK_USER = "NB_USER"
ENV_PROFILES_FILE = "AWS_CREDENTIAL_PROFILES_FILE"
#: Alone (without the two others), it names an encrypted file.
ENV_NOTEBOOK_FILE = "CREDENTIAL_PROFILES_FILE"
#: Set in a training container.
ENV_TRAINING_FILE = "AWS_SHARED_CREDENTIALS_FILE"
_SECTION = "default"


def from_modelarts_platform(
    env: Mapping[str, str],
) -> "Tuple[Optional[AccessKeyCredentials], str]":
    """AK/SK from the platform's file, or ``(None, why not)`` outside ModelArts."""
    profiles = env.get(ENV_PROFILES_FILE) or None
    notebook_file = env.get(ENV_NOTEBOOK_FILE) or None
    training_file = env.get(ENV_TRAINING_FILE) or None
    in_notebook = bool(env.get(ENV_NOTEBOOK_USER)) and bool(profiles or notebook_file)
    if not (in_notebook or training_file):
        return None, (
            f"not in a ModelArts notebook ({ENV_NOTEBOOK_USER} with {ENV_PROFILES_FILE} or "
            f"{ENV_NOTEBOOK_FILE}) or training container ({ENV_TRAINING_FILE})"
        )
    chosen = profiles or notebook_file or training_file
    assert chosen is not None
    path = Path(chosen).expanduser()
    if notebook_file and not profiles and not training_file:
        raise ConfigurationError(
            f"the ModelArts credentials file {path} (named by {ENV_NOTEBOOK_FILE} alone) is "
            "encrypted by the platform, and this SDK cannot decrypt it; set "
            "HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK (or pass access_key=/secret_key=)"
        )
    values = read_credentials_file(path, _SECTION)
    if values is None:
        return None, f"{path} does not exist"
    if not values:
        return None, f"{path} has no [{_SECTION}] section"
    token_key = "session_token" if training_file else "security_token"
    ak = values.get("access_key_id") or None
    sk = values.get("secret_access_key") or None
    if not (ak and sk):
        missing = [k for k, v in (("access_key_id", ak), ("secret_access_key", sk)) if not v]
        return None, f"{path} [{_SECTION}] lacks {' and '.join(missing)}"
    try:
        return AccessKeyCredentials(
            ak,
            sk,
            values.get(token_key) or None,
            source=f"ModelArts file {path}",
            user_id=values.get("user_id") or None,
        ), ""
    except ConfigurationError as exc:
        raise ConfigurationError(f"credentials in {path} are invalid: {exc}") from None
