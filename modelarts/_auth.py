"""Credentials that change over time: IAM tokens and instance-metadata keys.

Both are fetched under a lock, so eight threads starting at once cause one
fetch, and renewed ahead of their expiry. A token refused as expired is
dropped with ``invalidate(token)``, which only forgets *that* token: threads
that all saw the same 401 trigger a single renewal between them.
"""

from __future__ import annotations

import json
import threading
from datetime import datetime, timedelta
from typing import Callable, Optional, Tuple

from .clock import Clock
from .credentials import AccessKeyCredentials, parse_expiry
from .errors import ConfigurationError, TransportError
from .transport.base import Request, Transport

__all__ = [
    "METADATA_ENDPOINT",
    "RefreshingCredentials",
    "TokenCache",
    "fetch_metadata_credentials",
]

#: The ECS/BMS metadata service (auth.md §2). Only contacted when the user opts in.
METADATA_ENDPOINT = "http://169.254.169.254"
_METADATA_TOKEN_PATH = "/meta-data/latest/api/token"
_METADATA_KEY_PATH = "/openstack/latest/securitykey"
_NO_AGENCY = "Please configure Cloud Service Agency first"

# IAM tokens live 24 h; renewing 15 min early leaves room for clock skew and
# for requests already in flight.
TOKEN_RENEW_MARGIN = timedelta(minutes=15)
# Huawei's core refreshes temporary keys when fewer than 40 minutes remain.
TEMPORARY_KEY_RENEW_MARGIN = timedelta(minutes=40)
# A token whose answer carried no expiry is treated as shorter-lived than IAM's 24 h.
_ASSUMED_TOKEN_LIFETIME = timedelta(hours=12)


class TokenCache:
    """Holds one IAM token; ``get()`` fetches it on first use and before it expires."""

    def __init__(
        self,
        fetch: Callable[[], "Tuple[str, Optional[datetime]]"],
        clock: Clock,
        margin: timedelta = TOKEN_RENEW_MARGIN,
    ) -> None:
        self._fetch = fetch
        self._clock = clock
        self._margin = margin
        self._lock = threading.Lock()
        self._token: Optional[str] = None
        self._expires_at: Optional[datetime] = None

    def get(self) -> str:
        with self._lock:
            now = self._clock.now()
            if (
                self._token is None
                or self._expires_at is None
                or now >= self._expires_at - self._margin
            ):
                token, expires_at = self._fetch()
                self._token = token
                self._expires_at = expires_at or now + _ASSUMED_TOKEN_LIFETIME
            return self._token

    def invalidate(self, token: str) -> None:
        """Forget ``token`` if it is still the cached one (the server said it expired)."""
        with self._lock:
            if self._token == token:
                self._token = None
                self._expires_at = None

    @property
    def expires_at(self) -> Optional[datetime]:
        return self._expires_at


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

    def session_token() -> Optional[str]:
        request = Request(
            "PUT",
            base + _METADATA_TOKEN_PATH,
            {"X-Metadata-Token-Ttl-Seconds": "21600"},
        )
        response = transport.send(request)
        if response.status == 200 and response.body.strip():
            return response.text.strip()
        return None

    try:
        for attempt in range(2):
            token = session_token()
            headers = {"X-Metadata-Token": token} if token else {}
            response = transport.send(Request("GET", base + _METADATA_KEY_PATH, headers))
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
        return AccessKeyCredentials(
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
