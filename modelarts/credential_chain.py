"""Where a parameter-less ``Session()`` finds its credentials: the chain of sources.

In order: explicit arguments, the environment (the names Huawei's own SDK core
reads), the ModelArts platform's own file (inside a notebook or training
container, ``modelarts/platform_credentials.py``), the credentials file, and,
only when asked for, the instance-metadata service (``modelarts/metadata.py``).
Credentials come whole from the first source with a complete set and are never
mixed across sources; when none has one, ``CredentialsNotFoundError`` lists
every source and what it lacked. The values themselves are in
``modelarts/credentials.py``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Dict, List, Mapping, Optional, Union

from .credentials import (
    ENV_AK,
    ENV_SK,
    Credentials,
    Miss,
    credentials_file_path,
    from_environment,
    from_file,
    read_credentials_file,
)
from .errors import CredentialsNotFoundError, ModelArtsError

if TYPE_CHECKING:
    from .clock import Clock
    from .metadata import RefreshingCredentials
    from .transport.base import Transport

__all__ = ["CredentialsFile", "not_found_error", "resolve_credentials"]


class CredentialsFile:
    """The credentials file, read on first need and at most once.

    Read only when a setting is still missing after the sources above it, so
    a damaged file the user does not rely on cannot break their Session.
    """

    def __init__(self, env: Mapping[str, str]) -> None:
        self.path: Path = credentials_file_path(env)
        self._values: Optional[Dict[str, str]] = None
        self._read = False

    def values(self) -> Optional[Dict[str, str]]:
        if not self._read:
            self._values = read_credentials_file(self.path)
            self._read = True
        return self._values

    def get(self, key: str) -> Optional[str]:
        return (self.values() or {}).get(key) or None


def resolve_credentials(
    *,
    arguments: Optional[Credentials],
    env: Mapping[str, str],
    file: CredentialsFile,
    use_metadata: bool,
    metadata_transport: "Optional[Transport]",
    clock: "Clock",
    required: bool = True,
) -> "Union[Credentials, RefreshingCredentials, None]":
    """The first complete set: arguments, environment, ModelArts platform, file, metadata.

    ``metadata_transport`` reaches the metadata service (a short-timeout live
    transport when ``None``). With ``required=False`` (a Session that only
    replays) that service, a network call, is not tried and finding nothing
    returns ``None``.
    Otherwise finding nothing raises the ``CredentialsNotFoundError`` that
    lists every source and what it lacked.
    """
    if arguments is not None:
        return arguments
    misses: List[Miss] = [("arguments", "no access_key/secret_key or username/password")]
    found, why = from_environment(env)
    if found is not None:
        return found
    misses.append(("environment", why))
    from .platform_credentials import from_modelarts_platform

    found, why = from_modelarts_platform(env)
    if found is not None:
        return found
    misses.append(("ModelArts platform", why))
    found, why = from_file(file.values(), file.path)
    if found is not None:
        return found
    misses.append(("credentials file", why))
    if not required:
        return None
    from . import metadata
    from .endpoints import normalize_endpoint

    if not use_metadata:
        hint = f"not enabled (set {metadata.ENV_METADATA}=1 or use_metadata=True)"
        raise not_found_error([*misses, ("instance metadata", hint)])
    base = normalize_endpoint(
        env.get(metadata.ENV_METADATA_ENDPOINT) or metadata.METADATA_ENDPOINT,
        metadata.ENV_METADATA_ENDPOINT,
    )
    transport = metadata_transport
    if transport is None:
        from .transport.live import Urllib3Transport

        transport = Urllib3Transport(timeout=(1.0, 3.0))  # it answers at once or not at all
    try:
        return metadata.RefreshingCredentials(
            lambda: metadata.fetch_metadata_credentials(transport, base), clock
        )
    except ModelArtsError as exc:
        raise not_found_error([*misses, ("instance metadata", str(exc))]) from None


def not_found_error(misses: "List[Miss]") -> CredentialsNotFoundError:
    """The ``CredentialsNotFoundError`` listing every source tried."""
    lines = "\n".join(f"  - {source}: {reason}" for source, reason in misses)
    return CredentialsNotFoundError(
        "no credentials found. Sources tried, in order:\n"
        f"{lines}\n"
        "Pass access_key=/secret_key= (or username=/password=) to Session(), set "
        f"{ENV_AK} and {ENV_SK}, or write them to the credentials file.",
        misses,
    )
