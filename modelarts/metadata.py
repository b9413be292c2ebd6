"""Temporary AK/SK from the ECS/BMS instance-metadata service (opt-in).

Only contacted when the user asks (``HUAWEICLOUD_SDK_METADATA=1`` or
``Session(use_metadata=True)``): the SDK never probes it by default. The keys
it hands out expire; ``RefreshingCredentials`` fetches new ones ahead of time,
under a lock, so eight threads starting at once cause one fetch.
"""

from __future__ import annotations

import json
import threading
from datetime import timedelta
from typing import Callable, Optional

from .clock import Clock
from .credentials import AccessKeyCredentials, parse_expiry
from .errors import ConfigurationError, TransportError
from .redaction import REDACTOR_EXTENSION, Redactor
from .transport.base import Request, Transport

__all__ = [
    "ENV_METADATA",
    "ENV_METADATA_ENDPOINT",
    "METADATA_ENDPOINT",
    "RefreshingCredentials",
    "fetch_metadata_credentials",
]

#: The ECS/BMS metadata service (ecs_03_0166). Only contacted when the user opts in.
METADATA_ENDPOINT = "http://169.254.169.254"
#: ``1`` turns the metadata source on; the endpoint variable points it elsewhere (tests).
ENV_METADATA = "HUAWEICLOUD_SDK_METADATA"
ENV_METADATA_ENDPOINT = "HUAWEICLOUD_SDK_METADATA_ENDPOINT"
_METADATA_TOKEN_PATH = "/meta-data/latest/api/token"
_METADATA_KEY_PATH = "/openstack/latest/securitykey"
_NO_AGENCY = "Please configure Cloud Service Agency first"

# Huawei's core refreshes temporary keys when fewer than 40 minutes remain.
TEMPORARY_KEY_RENEW_MARGIN = timedelta(minutes=40)


class RefreshingCredentials:
    """Temporary AK/SK that are fetched again when fewer than ``margin`` remain."""

    def __init__(
        self,
        fetch: Callable[[], AccessKeyCredentials],
        clock: Clock,
        margin: timedelta = TEMPORARY_KEY_RENEW_MARGIN,
    ) -> None:
        self._fetch = fetch
        self._clock = clock
        self._margin = margin
        self._lock = threading.Lock()
        self._current = fetch()

    def get(self) -> AccessKeyCredentials:
        with self._lock:
            expires_at = self._current.expires_at
            if expires_at is not None and self._clock.now() >= expires_at - self._margin:
                self._current = self._fetch()
            return self._current


def fetch_metadata_credentials(transport: Transport, base_url: str) -> AccessKeyCredentials:
    """Temporary AK/SK of the instance's agency from the metadata service.

    First ``PUT`` a session token (IMDSv2 style; an old service without it is
    tolerated), then ``GET`` the security key, retrying once with a new token
    on a 401 unless the answer says the instance has no agency.
    """
    base = base_url.rstrip("/")
    # What these requests reveal travels with them, as a Session's own requests
    # carry its redactor: a recorder in ``transport`` then scrubs the session
    # token and the keys from both answers, though no Session knows them yet.
    redactor = Redactor()
    extensions = {REDACTOR_EXTENSION: redactor}

    def session_token() -> Optional[str]:
        request = Request(
            "PUT",
            base + _METADATA_TOKEN_PATH,
            {"X-Metadata-Token-Ttl-Seconds": "21600"},
            extensions=extensions,
        )
        response = transport.send(request)
        if response.status == 200 and response.body.strip():
            token = response.text.strip()
            redactor.add_secret(token, "metadata session token")
            return token
        return None

    try:
        for attempt in range(2):
            token = session_token()
            headers = {"X-Metadata-Token": token} if token else {}
            response = transport.send(
                Request("GET", base + _METADATA_KEY_PATH, headers, extensions=extensions)
            )
            if response.status == 401 and attempt == 0 and _NO_AGENCY not in response.text:
                continue
            break
    except TransportError as exc:
        raise ConfigurationError(f"instance metadata at {base} unreachable: {exc}") from exc
    if response.status != 200:
        if _NO_AGENCY in response.text:
            raise ConfigurationError(
                "the instance has no agency: attach one in the ECS console to use "
                "instance-metadata credentials"
            )
        raise ConfigurationError(f"instance metadata at {base} answered HTTP {response.status}")
    try:
        credential = json.loads(response.body)["credential"]
        keys = AccessKeyCredentials(
            credential["access"],
            credential["secret"],
            credential.get("securitytoken") or None,
            expires_at=parse_expiry(credential.get("expires_at")),
            source=f"instance metadata {base}",
        )
    except (ValueError, KeyError, TypeError, AttributeError):
        # Never echo the body: it holds the secret key.
        raise ConfigurationError(
            f"instance metadata at {base} answered without a usable credential object"
        ) from None
    keys.register_secrets(redactor)
    return keys
