"""What the fake gateway's two authentication checks share.

The signature check lives in ``verifier``, the IAM token check in ``_tokens``;
both answer with the error codes and messages below (see ``verifier``'s module
docstring for where each one comes from), raise ``VerificationFailure``, and
read the server clock as UTC. Everything public here is re-exported by
``modelarts.testing.verifier``. Like the verifier, this never imports
``modelarts.signing``.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Dict

__all__ = [
    "CODE_IAM_AUTH_FAILED",
    "CODE_NOT_AUTHORIZED",
    "CODE_TOKEN_EXPIRED",
    "MSG_AK_NOT_EXIST",
    "MSG_AUTHORIZATION_MALFORMED",
    "MSG_AUTHORIZATION_MISSING",
    "MSG_DATE_INVALID",
    "MSG_DATE_MISSING",
    "MSG_PREFIX",
    "MSG_SECURITY_TOKEN_FAIL",
    "MSG_SIGNATURE_EXPIRED",
    "MSG_SIGNATURE_MISMATCH",
    "MSG_SIGNED_HEADER_MISSING",
    "MSG_TOKEN_EXPIRED",
    "MSG_TOKEN_INVALID",
    "MSG_TOKEN_MISSING",
    "MSG_TOKEN_WRONG_PROJECT",
    "SIGNATURE_EXPIRED_MARKER",
    "VerificationFailure",
    "as_utc",
]

#: 401: any AK/SK or token problem, as API Gateway reports it.
CODE_IAM_AUTH_FAILED = "APIGW.0301"
#: 401: the IAM token has expired and must be fetched again.
CODE_TOKEN_EXPIRED = "APIGW.0307"
#: 403: authenticated, but not allowed here (a token scoped to another project).
CODE_NOT_AUTHORIZED = "APIGW.0302"

MSG_PREFIX = "Incorrect IAM authentication information: "
#: ``{canonical}`` is the server's canonical request with ``\n`` shown as ``|``.
MSG_SIGNATURE_MISMATCH = MSG_PREFIX + "verify aksk signature fail, canonicalRequest:{canonical}"
MSG_SIGNATURE_EXPIRED = (
    MSG_PREFIX
    + "calc aksk signature fail:signature expired, signature time:{signed},server time:{server}"
)
#: What a client looks for to recognise clock skew.
SIGNATURE_EXPIRED_MARKER = "signature expired"
MSG_AK_NOT_EXIST = MSG_PREFIX + "Get secretKey failed,ak:{access_key},err:ak not exist"
MSG_AUTHORIZATION_MISSING = MSG_PREFIX + "authorization header not found"
MSG_AUTHORIZATION_MALFORMED = MSG_PREFIX + "authorization header is malformed: {reason}"
MSG_DATE_MISSING = MSG_PREFIX + "x-sdk-date not found"
MSG_DATE_INVALID = MSG_PREFIX + "x-sdk-date is invalid: {value}"
MSG_SIGNED_HEADER_MISSING = MSG_PREFIX + "signed header {name} not found"
MSG_SECURITY_TOKEN_FAIL = MSG_PREFIX + "verify security token fail: {reason}"
MSG_TOKEN_MISSING = MSG_PREFIX + "x-auth-token not found"
MSG_TOKEN_INVALID = MSG_PREFIX + "decrypt token fail"
MSG_TOKEN_EXPIRED = "The token must be updated."
MSG_TOKEN_WRONG_PROJECT = "The IAM user is not authorized to access the API."


class VerificationFailure(Exception):
    """A request the gateway refuses: ``status``, ``error_code``, ``error_msg``."""

    def __init__(
        self, error_msg: str, *, error_code: str = CODE_IAM_AUTH_FAILED, status: int = 401
    ) -> None:
        super().__init__(f"{status} {error_code}: {error_msg}")
        self.status = status
        self.error_code = error_code
        self.error_msg = error_msg

    def body(self) -> Dict[str, str]:
        """The JSON error body the gateway sends."""
        return {"error_code": self.error_code, "error_msg": self.error_msg}


def as_utc(now: datetime) -> datetime:
    """``now`` (the server clock) in UTC; ``ValueError`` if it is not timezone-aware."""
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be a timezone-aware datetime")
    return now.astimezone(timezone.utc)
