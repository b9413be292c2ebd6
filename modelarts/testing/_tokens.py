"""The fake IAM's tokens, checked the way API Gateway checks ``X-Auth-Token``.

``TokenRegistry`` and ``IssuedToken`` are re-exported by
``modelarts.testing.verifier``, next to the signature check.
"""

from __future__ import annotations

import secrets
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Dict, Optional

from ._auth_common import (
    CODE_NOT_AUTHORIZED,
    CODE_TOKEN_EXPIRED,
    MSG_TOKEN_EXPIRED,
    MSG_TOKEN_INVALID,
    MSG_TOKEN_MISSING,
    MSG_TOKEN_WRONG_PROJECT,
    VerificationFailure,
    as_utc,
)

__all__ = ["TOKEN_LIFETIME", "IssuedToken", "TokenRegistry"]

#: IAM tokens are valid for 24 hours.
TOKEN_LIFETIME = timedelta(hours=24)


@dataclass(frozen=True)
class IssuedToken:
    """One IAM token the fake IAM handed out."""

    token: str = field(repr=False)
    project_id: Optional[str]
    issued_at: datetime
    expires_at: datetime
    user: str = ""


class TokenRegistry:
    """The tokens a fake IAM issued, checked the way the gateway checks ``X-Auth-Token``.

    Thread-safe (the loopback server answers from several threads). Time is
    always passed in, so tests expire tokens by passing a later ``now``::

        registry = TokenRegistry()
        issued = registry.issue(now=start, project_id="0123...")
        registry.check(issued.token, now=start + timedelta(hours=25))   # APIGW.0307
    """

    def __init__(self, *, lifetime: timedelta = TOKEN_LIFETIME, token_bytes: int = 96) -> None:
        self._lifetime = lifetime
        self._token_bytes = token_bytes
        self._tokens: Dict[str, IssuedToken] = {}
        self._lock = threading.Lock()

    def issue(
        self,
        *,
        now: datetime,
        project_id: Optional[str] = None,
        user: str = "",
        lifetime: Optional[timedelta] = None,
    ) -> IssuedToken:
        """A new random token valid from ``now`` for ``lifetime`` (default: the registry's)."""
        issued_at = as_utc(now)
        issued = IssuedToken(
            token=secrets.token_urlsafe(self._token_bytes),
            project_id=project_id,
            issued_at=issued_at,
            expires_at=issued_at + (self._lifetime if lifetime is None else lifetime),
            user=user,
        )
        with self._lock:
            self._tokens[issued.token] = issued
        return issued

    def revoke(self, token: str) -> bool:
        """Forget ``token`` (a password change); ``True`` if it was known."""
        with self._lock:
            return self._tokens.pop(token, None) is not None

    def __len__(self) -> int:
        with self._lock:
            return len(self._tokens)

    def check(
        self, token: Optional[str], *, now: datetime, project_id: Optional[str] = None
    ) -> IssuedToken:
        """The record of a valid ``token``, or ``VerificationFailure``.

        A missing or unknown token is ``APIGW.0301``, an expired one ``APIGW.0307``
        (401), a token scoped to another project than ``project_id``
        ``APIGW.0302`` (403).
        """
        if not token:
            raise VerificationFailure(MSG_TOKEN_MISSING)
        with self._lock:
            issued = self._tokens.get(token)
        if issued is None:
            raise VerificationFailure(MSG_TOKEN_INVALID)
        if as_utc(now) >= issued.expires_at:
            raise VerificationFailure(MSG_TOKEN_EXPIRED, error_code=CODE_TOKEN_EXPIRED)
        if project_id is not None and issued.project_id != project_id:
            raise VerificationFailure(
                MSG_TOKEN_WRONG_PROJECT, error_code=CODE_NOT_AUTHORIZED, status=403
            )
        return issued
