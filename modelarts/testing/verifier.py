"""The gateway's side of authentication, for the fake cloud: AK/SK signatures and IAM tokens.

Written from API Gateway's public "AK/SK signing and authentication" guide alone
and on purpose **without** importing
``modelarts.signing``: a misreading shared by the client signer and this
checker would otherwise pass every test. Both are held to Huawei's own numbers
(``tests/data/sign_vectors.json``) separately. ::

    from datetime import datetime, timezone
    from modelarts.testing.verifier import VerificationFailure, verify_signature

    keys = {"AKTESTEXAMPLE0000001": "sktestexamplesecret0000000000000000000001"}
    try:
        verified = verify_signature(request, keys.get, now=datetime.now(timezone.utc))
    except VerificationFailure as failure:
        status, body = failure.status, failure.body()   # 401, {"error_code": ..., "error_msg": ...}

``request`` is the request as a server sees it: the method, the absolute URL
rebuilt from the ``Host`` header and the request line (path and query exactly
as sent), the headers and the body bytes.

Error codes and messages follow what API Gateway answers, as far as Huawei's
documentation and public issue threads show them: ``APIGW.0301`` with
``Incorrect IAM authentication information: verify aksk signature fail, ...``,
``... Get secretKey failed,ak:<AK>,err:ak not exist``, ``... calc aksk signature
fail:signature expired, signature time:<date>,server time:<date>`` (Huawei Java
SDK issue #44), ``... decrypt token fail``, ``... x-auth-token not found``, and
``APIGW.0307`` ``The token must be updated.`` for an expired token. Messages
for cases no public source shows (malformed ``Authorization``, missing
``X-Sdk-Date``, security-token errors, a token scoped to another project) are
our own, in the same style; a client should match on the error code and on
``SIGNATURE_EXPIRED_MARKER``, not on whole messages.

This module is the signature check. The codes, messages and
``VerificationFailure`` live in ``_auth_common`` and the token registry in
``_tokens``; every public name is importable from here.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Callable, List, Optional, Tuple, Union
from urllib.parse import urlsplit

from ..transport.base import Request
from ._auth_common import (
    CODE_IAM_AUTH_FAILED,
    CODE_NOT_AUTHORIZED,
    CODE_TOKEN_EXPIRED,
    MSG_AK_NOT_EXIST,
    MSG_AUTHORIZATION_MALFORMED,
    MSG_AUTHORIZATION_MISSING,
    MSG_DATE_INVALID,
    MSG_DATE_MISSING,
    MSG_PREFIX,
    MSG_SECURITY_TOKEN_FAIL,
    MSG_SIGNATURE_EXPIRED,
    MSG_SIGNATURE_MISMATCH,
    MSG_SIGNED_HEADER_MISSING,
    MSG_TOKEN_EXPIRED,
    MSG_TOKEN_INVALID,
    MSG_TOKEN_MISSING,
    MSG_TOKEN_WRONG_PROJECT,
    SIGNATURE_EXPIRED_MARKER,
    VerificationFailure,
    as_utc,
)
from ._tokens import TOKEN_LIFETIME, IssuedToken, TokenRegistry

__all__ = [
    "AccessKeyRecord",
    "CODE_IAM_AUTH_FAILED",
    "CODE_NOT_AUTHORIZED",
    "CODE_TOKEN_EXPIRED",
    "IssuedToken",
    "Lookup",
    "MAX_CLOCK_SKEW",
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
    "TOKEN_LIFETIME",
    "TokenRegistry",
    "VerificationFailure",
    "VerifiedRequest",
    "parse_authorization",
    "server_canonical_request",
    "verify_signature",
]

#: APIG refuses an ``X-Sdk-Date`` further than this from its clock.
MAX_CLOCK_SKEW = timedelta(minutes=15)

_SCHEME = "SDK-HMAC-SHA256"
_DATE_LAYOUT = "%Y%m%dT%H%M%SZ"
_EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
_UNSIGNED = "UNSIGNED-PAYLOAD"
_UNRESERVED = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
_HEX = frozenset(b"0123456789abcdefABCDEF")
_AUTHORIZATION = re.compile(
    r"SDK-HMAC-SHA256 Access=(?P<ak>[^\s,=]+), "
    r"SignedHeaders=(?P<names>[^\s,=]+), "
    r"Signature=(?P<signature>[0-9a-f]{64})"
)
# RFC 9110 token characters, lower case only: the client lower-cases the names it signs.
_HEADER_NAME = re.compile(r"[a-z0-9!#$%&'*+.^_`|~-]+")
_DATE_DIGITS = re.compile(r"\d{8}T\d{6}Z", re.ASCII)


# -- results ------------------------------------------------------------------------


@dataclass(frozen=True)
class AccessKeyRecord:
    """What the server knows about an AK: its SK, and the token of a temporary AK."""

    secret_key: str = field(repr=False)
    security_token: Optional[str] = field(default=None, repr=False)


#: AK -> its SK (or a full record), or ``None`` for an unknown AK.
Lookup = Callable[[str], Union[str, AccessKeyRecord, None]]


@dataclass(frozen=True)
class VerifiedRequest:
    """What a valid signature established about a request."""

    access_key: str
    signed_headers: Tuple[str, ...]
    signed_at: datetime
    canonical_request: str
    temporary: bool


# -- the canonical request, server side -------------------------------------------------


def _percent_encode(text: str) -> str:
    out: List[str] = []
    for byte in text.encode("utf-8"):
        out.append(chr(byte) if byte in _UNRESERVED else f"%{byte:02X}")
    return "".join(out)


def _percent_decode(text: str) -> str:
    raw = text.encode("utf-8")
    decoded = bytearray()
    i = 0
    while i < len(raw):
        if raw[i] == 0x25 and i + 2 < len(raw) and raw[i + 1] in _HEX and raw[i + 2] in _HEX:
            decoded.append(int(raw[i + 1 : i + 3], 16))
            i += 3
        else:
            decoded.append(raw[i])
            i += 1
    return decoded.decode("utf-8", errors="replace")


def _server_uri(path: str) -> str:
    pieces = [_percent_encode(piece) for piece in _percent_decode(path).split("/")]
    uri = "/".join(pieces)
    if not uri.endswith("/"):
        uri += "/"
    return uri


def _server_query(query: str) -> str:
    decoded: List[Tuple[str, str]] = []
    for piece in query.split("&"):
        if piece == "":
            continue
        if "=" in piece:
            name, value = piece.split("=", 1)
        else:
            name, value = piece, ""
        decoded.append((_percent_decode(name), _percent_decode(value)))
    decoded.sort()
    return "&".join(_percent_encode(name) + "=" + _percent_encode(value) for name, value in decoded)


def server_canonical_request(request: Request, signed_headers: Tuple[str, ...]) -> str:
    """The canonical request the server derives from the wire request.

    Every name in ``signed_headers`` must be a header of ``request``.
    """
    split = urlsplit(request.url)
    header_lines = "".join(
        name + ":" + request.headers[name].strip() + "\n" for name in signed_headers
    )
    if not request.body:
        hashed = _EMPTY_SHA256
    elif (
        "x-sdk-content-sha256" in signed_headers
        and request.headers["x-sdk-content-sha256"].strip() == _UNSIGNED
    ):
        hashed = _UNSIGNED
    else:
        # A signed X-Sdk-Content-Sha256 holding a digest is held to the real one.
        hashed = hashlib.sha256(request.body).hexdigest()
    lines = [
        request.method.upper(),
        _server_uri(split.path),
        _server_query(split.query),
        header_lines,  # ends with its own newline, so a blank line follows
        ";".join(signed_headers),
        hashed,
    ]
    return "\n".join(lines)


# -- verification ---------------------------------------------------------------------


def parse_authorization(value: str) -> Tuple[str, Tuple[str, ...], str]:
    """``(access_key, signed header names, signature)`` from an ``Authorization`` value.

    Strict: exactly ``SDK-HMAC-SHA256 Access=.., SignedHeaders=a;b, Signature=<64 hex>``,
    lower-case header names, no duplicates; anything else raises ``VerificationFailure``.
    """
    match = _AUTHORIZATION.fullmatch(value)
    if match is None:
        scheme = value.split(" ", 1)[0]
        reason = f"unsupported algorithm {scheme!r}" if scheme != _SCHEME else "bad field layout"
        raise VerificationFailure(MSG_AUTHORIZATION_MALFORMED.format(reason=reason))
    names = tuple(match.group("names").split(";"))
    for name in names:
        if not _HEADER_NAME.fullmatch(name):
            raise VerificationFailure(
                MSG_AUTHORIZATION_MALFORMED.format(reason=f"bad signed header name {name!r}")
            )
    if len(set(names)) != len(names):
        raise VerificationFailure(
            MSG_AUTHORIZATION_MALFORMED.format(reason="a signed header is listed twice")
        )
    for required in ("host", "x-sdk-date"):
        if required not in names:
            raise VerificationFailure(
                MSG_AUTHORIZATION_MALFORMED.format(reason=f"{required} is not signed")
            )
    return match.group("ak"), names, match.group("signature")


def _parse_date(value: str) -> datetime:
    if not _DATE_DIGITS.fullmatch(value):
        raise VerificationFailure(MSG_DATE_INVALID.format(value=value))
    try:
        parsed = datetime.strptime(value, _DATE_LAYOUT)
    except ValueError:
        raise VerificationFailure(MSG_DATE_INVALID.format(value=value)) from None
    return parsed.replace(tzinfo=timezone.utc)


def verify_signature(
    request: Request,
    lookup: Lookup,
    *,
    now: datetime,
    max_skew: timedelta = MAX_CLOCK_SKEW,
) -> VerifiedRequest:
    """Check an SDK-HMAC-SHA256 request as API Gateway does; raise ``VerificationFailure``.

    ``lookup`` maps an AK to its SK, or to an ``AccessKeyRecord`` whose
    ``security_token`` marks a temporary AK: such a request must carry that
    exact ``X-Security-Token`` and sign it. ``now`` (timezone-aware) is the
    server clock; an ``X-Sdk-Date`` more than ``max_skew`` away from it is
    refused as expired.
    """
    server_now = as_utc(now)
    authorization = request.headers.get("Authorization")
    if authorization is None:
        raise VerificationFailure(MSG_AUTHORIZATION_MISSING)
    access_key, names, claimed = parse_authorization(authorization)

    date_text = request.headers.get("X-Sdk-Date")
    if date_text is None:
        raise VerificationFailure(MSG_DATE_MISSING)
    signed_at = _parse_date(date_text)

    known = lookup(access_key)
    if known is None:
        raise VerificationFailure(MSG_AK_NOT_EXIST.format(access_key=access_key))
    record = known if isinstance(known, AccessKeyRecord) else AccessKeyRecord(known)

    if abs(server_now - signed_at) > max_skew:
        raise VerificationFailure(
            MSG_SIGNATURE_EXPIRED.format(signed=date_text, server=server_now.strftime(_DATE_LAYOUT))
        )

    for name in names:
        if name not in request.headers:
            raise VerificationFailure(MSG_SIGNED_HEADER_MISSING.format(name=name))

    _check_security_token(request, names, record)

    canonical = server_canonical_request(request, names)
    digest = hashlib.sha256(canonical.encode("utf-8")).hexdigest()
    string_to_sign = _SCHEME + "\n" + date_text + "\n" + digest
    expected = hmac.new(
        record.secret_key.encode("utf-8"), string_to_sign.encode("utf-8"), hashlib.sha256
    ).hexdigest()
    if not hmac.compare_digest(expected, claimed):
        raise VerificationFailure(
            MSG_SIGNATURE_MISMATCH.format(canonical=canonical.replace("\n", "|"))
        )
    return VerifiedRequest(
        access_key=access_key,
        signed_headers=names,
        signed_at=signed_at,
        canonical_request=canonical,
        temporary=record.security_token is not None,
    )


def _check_security_token(
    request: Request, names: Tuple[str, ...], record: AccessKeyRecord
) -> None:
    sent = request.headers.get("X-Security-Token")
    expected = record.security_token
    if expected is None:
        if sent is not None:
            raise VerificationFailure(
                MSG_SECURITY_TOKEN_FAIL.format(reason="a permanent AK takes no security token")
            )
        return
    if sent is None:
        raise VerificationFailure(MSG_SECURITY_TOKEN_FAIL.format(reason="token not found"))
    if "x-security-token" not in names:
        raise VerificationFailure(MSG_SECURITY_TOKEN_FAIL.format(reason="token is not signed"))
    if not hmac.compare_digest(sent.strip().encode("utf-8"), expected.encode("utf-8")):
        raise VerificationFailure(MSG_SECURITY_TOKEN_FAIL.format(reason="token does not match"))
