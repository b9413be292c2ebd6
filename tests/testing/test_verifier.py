"""The fake gateway's verifier: Huawei's vectors accepted, every tampering refused, tokens.

The verifier never imports the client signer; these tests may, to produce
requests, because agreement between the two is exactly what they check.
"""

from __future__ import annotations

import ast
import hashlib
import json
import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Tuple
from urllib.parse import urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st

import modelarts.testing._auth_common as auth_common_module
import modelarts.testing._tokens as tokens_module
import modelarts.testing.verifier as verifier_module
from modelarts.signing import build_url, encode, format_sdk_date, sign_request
from modelarts.testing.verifier import (
    CODE_IAM_AUTH_FAILED,
    CODE_NOT_AUTHORIZED,
    CODE_TOKEN_EXPIRED,
    MSG_AK_NOT_EXIST,
    MSG_AUTHORIZATION_MISSING,
    MSG_DATE_MISSING,
    MSG_PREFIX,
    MSG_SIGNATURE_MISMATCH,
    MSG_TOKEN_EXPIRED,
    MSG_TOKEN_INVALID,
    MSG_TOKEN_MISSING,
    SIGNATURE_EXPIRED_MARKER,
    AccessKeyRecord,
    TokenRegistry,
    VerificationFailure,
    parse_authorization,
    verify_signature,
)
from modelarts.transport.base import Request

DATA = Path(__file__).resolve().parents[1] / "data" / "sign_vectors.json"
VECTORS = json.loads(DATA.read_text(encoding="utf-8"))
AK = VECTORS["defaults"]["ak"]
SK = VECTORS["defaults"]["sk"]
DATE = VECTORS["defaults"]["x_sdk_date"]
NOW = datetime(2026, 11, 27, 6, 0, 0, tzinfo=timezone.utc)
OTHER_AK, OTHER_SK = "AKOTHER0000000000002", "another-secret-key"
TEMP_AK, TEMP_SK, TEMP_TOKEN = "AKTEMPORARY000000003", "temporary-secret", "security-token-value"
KEYS: Dict[str, Any] = {
    AK: SK,
    OTHER_AK: OTHER_SK,
    TEMP_AK: AccessKeyRecord(TEMP_SK, security_token=TEMP_TOKEN),
}
LOOKUP: Callable[[str], Any] = KEYS.get
BASE = "https://modelarts.cn-north-4.myhuaweicloud.com"
MISMATCH = MSG_PREFIX + "verify aksk signature fail, canonicalRequest:"


def _at(date: str) -> datetime:
    return datetime.strptime(date, "%Y%m%dT%H%M%SZ").replace(tzinfo=timezone.utc)


def _wire_from_vector(entry: Dict[str, Any]) -> Tuple[Request, datetime, Callable[[str], Any]]:
    given_ = entry["input"]
    body = b"" if given_["body"] is None else given_["body"].encode("utf-8")
    if "expected" in entry:
        url, headers = entry["expected"]["url"], dict(entry["expected"]["headers"])
    else:  # published vectors give the caller's (already sorted) URL and the Authorization
        url = given_["url"]
        headers = {**given_["headers"], "Host": given_["host"]}
        headers["Authorization"] = entry["expected_authorization"]
    lookup = {given_["ak"]: given_["sk"]}.get
    return (
        Request(given_["method"], url, headers, body),
        _at(given_["headers"]["X-Sdk-Date"]),
        lookup,
    )


ALL_VECTORS = VECTORS["vectors"] + VECTORS["published_crosscheck"]


def _expect_failure(request: Request, *, now: datetime = NOW, lookup: Any = LOOKUP) -> Any:
    with pytest.raises(VerificationFailure) as caught:
        verify_signature(request, lookup, now=now)
    assert caught.value.status == 401
    assert caught.value.error_code == CODE_IAM_AUTH_FAILED
    return caught.value


# -- Huawei's numbers ----------------------------------------------------------------------


@pytest.mark.parametrize("entry", ALL_VECTORS, ids=[v["id"] for v in ALL_VECTORS])
def test_every_vector_is_accepted(entry: Dict[str, Any]) -> None:
    request, now, lookup = _wire_from_vector(entry)
    verified = verify_signature(request, lookup, now=now)
    assert verified.access_key == entry["input"]["ak"]
    if "canonical_request" in entry:
        assert verified.canonical_request == entry["canonical_request"]
    assert verified.signed_at == now
    assert not verified.temporary


@pytest.mark.parametrize("entry", ALL_VECTORS, ids=[v["id"] for v in ALL_VECTORS])
def test_every_vector_with_a_wrong_signature_is_refused_showing_the_canonical_request(
    entry: Dict[str, Any],
) -> None:
    request, now, lookup = _wire_from_vector(entry)
    flipped = _flip_last(request.headers["Authorization"])
    failure = _expect_failure(
        request.replace(headers=request.headers.merged({"Authorization": flipped})),
        now=now,
        lookup=lookup,
    )
    if "canonical_request" in entry:
        assert failure.error_msg == MSG_SIGNATURE_MISMATCH.format(
            canonical=entry["canonical_request"].replace("\n", "|")
        )
    assert failure.body() == {"error_code": "APIGW.0301", "error_msg": failure.error_msg}


# The verifier is the signature check (verifier.py) plus what it draws on: the codes,
# messages and VerificationFailure (_auth_common.py) and the token registry (_tokens.py).
VERIFIER_MODULES = [verifier_module, auth_common_module, tokens_module]


def test_the_verifier_does_not_use_the_client_signer() -> None:
    imported = set()
    for module in VERIFIER_MODULES:
        tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                imported.add(("." * node.level) + (node.module or ""))
                imported.update(alias.name for alias in node.names)
            elif isinstance(node, ast.Import):
                imported.update(alias.name for alias in node.names)
    assert not any(name.endswith("signing") for name in imported), imported


# -- tampering -------------------------------------------------------------------------------


def _rich(**overrides: Any) -> Request:
    """A request with a query, a JSON body, custom and unsigned headers, signed by the client."""
    url = build_url(
        BASE,
        "/v1/0123/training-jobs/" + encode("a b:c") + "/versions",
        {"page": 2, "sort": "desc", "tag": ["b", "a"], "q": "x y+z"},
    )
    request = Request(
        overrides.pop("method", "POST"),
        url,
        {
            "Content-Type": "application/json",
            "X-Project-Id": "0123",
            "X-Custom": "v  w",
            "X_Unsigned": "u",
        },
        overrides.pop("body", b'{"a": 1}'),
    )
    return sign_request(
        request,
        access_key=overrides.pop("ak", AK),
        secret_key=overrides.pop("sk", SK),
        date=overrides.pop("date", DATE),
        **overrides,
    )


def _with_url(request: Request, url: str) -> Request:
    return request.replace(url=url)


def _with_headers(request: Request, **changes: str) -> Request:
    return request.replace(
        headers=request.headers.merged(
            {name.replace("_", "-"): value for name, value in changes.items()}
        )
    )


def test_the_rich_request_is_accepted() -> None:
    verified = verify_signature(_rich(), LOOKUP, now=NOW)
    assert verified.signed_headers == (
        "content-type",
        "host",
        "x-custom",
        "x-project-id",
        "x-sdk-date",
    )


def _exact(request: Request) -> Tuple[str, str, Dict[str, str], bytes]:
    """Everything of a request, header names in their case (``Request ==`` ignores it)."""
    return request.method, request.url, dict(request.headers.items()), request.body


def _flip_last(text: str) -> str:
    return text[:-1] + ("0" if text[-1] != "0" else "1")


def _replace_in_path(request: Request, old: str, new: str) -> Request:
    split = urlsplit(request.url)
    return _with_url(request, split._replace(path=split.path.replace(old, new, 1)).geturl())


def _replace_in_query(request: Request, old: str, new: str) -> Request:
    split = urlsplit(request.url)
    return _with_url(request, split._replace(query=split.query.replace(old, new, 1)).geturl())


TAMPERINGS: List[Tuple[str, Callable[[Request], Request]]] = [
    ("method", lambda r: r.replace(method="PUT")),
    ("path character", lambda r: _replace_in_path(r, "training", "trainina")),
    ("path segment encoding", lambda r: _replace_in_path(r, "a%20b", "a%2Bb")),
    ("path extra segment", lambda r: _replace_in_path(r, "/versions", "/versions/1")),
    ("query value", lambda r: _replace_in_query(r, "page=2", "page=3")),
    ("query key", lambda r: _replace_in_query(r, "sort=", "sorted=")),
    ("query pair added", lambda r: _with_url(r, r.url + "&zz=1")),
    ("query pair removed", lambda r: _replace_in_query(r, "&tag=a", "")),
    ("signed header value", lambda r: _with_headers(r, X_Custom="v w")),
    ("project header", lambda r: _with_headers(r, X_Project_Id="0124")),
    ("host", lambda r: _with_headers(r, Host="modelarts.cn-north-4.myhuaweicloud.com:443")),
    ("date by a second", lambda r: _with_headers(r, X_Sdk_Date="20261127T060001Z")),
    ("content type", lambda r: _with_headers(r, Content_Type="application/json;charset=utf-8")),
    ("body", lambda r: r.replace(body=b'{"a": 2}')),
    ("body emptied", lambda r: r.replace(body=b"")),
    ("signature", lambda r: _with_headers(r, Authorization=_flip_last(r.headers["Authorization"]))),
    (
        "access key of another user",
        lambda r: _with_headers(r, Authorization=r.headers["Authorization"].replace(AK, OTHER_AK)),
    ),
]


@pytest.mark.parametrize(("what", "tamper"), TAMPERINGS, ids=[t[0] for t in TAMPERINGS])
def test_tampering_is_refused(what: str, tamper: Callable[[Request], Request]) -> None:
    original = _rich()
    tampered = tamper(original)
    assert tampered != original, what
    failure = _expect_failure(tampered)
    assert failure.error_msg.startswith(MISMATCH)


def test_unknown_access_key() -> None:
    request = _rich()
    forged = _with_headers(
        request, Authorization=request.headers["Authorization"].replace(AK, "AKUNKNOWN")
    )
    failure = _expect_failure(forged)
    assert failure.error_msg == MSG_AK_NOT_EXIST.format(access_key="AKUNKNOWN")
    assert failure.error_msg.endswith("ak:AKUNKNOWN,err:ak not exist")


ACCEPTED_CHANGES: List[Tuple[str, Callable[[Request], Request]]] = [
    (
        "unsigned underscore header",
        lambda r: r.replace(headers=r.headers.merged({"X_Unsigned": "changed"})),
    ),
    (
        "headers added after signing",
        lambda r: r.replace(
            headers=r.headers.merged(
                {"Content-Length": "8", "Accept-Encoding": "gzip", "Connection": "keep-alive"}
            )
        ),
    ),
    ("blanks around a signed value", lambda r: _with_headers(r, X_Custom="  v  w\t")),
    (
        "header name case",
        lambda r: r.replace(headers=r.headers.without("X-Custom").merged({"x-CUSTOM": "v  w"})),
    ),
    ("trailing slash on the path", lambda r: _replace_in_path(r, "/versions", "/versions/")),
    ("reserved character left raw", lambda r: _replace_in_path(r, "%3A", ":")),
    ("lower-case percent escapes", lambda r: _replace_in_path(r, "%3A", "%3a")),
    (
        "query order on the wire",
        lambda r: _with_url(
            r, r.url.split("?")[0] + "?" + "&".join(reversed(urlsplit(r.url).query.split("&")))
        ),
    ),
]


@pytest.mark.parametrize(("what", "change"), ACCEPTED_CHANGES, ids=[t[0] for t in ACCEPTED_CHANGES])
def test_changes_outside_the_signature_are_accepted(
    what: str, change: Callable[[Request], Request]
) -> None:
    original, changed = _rich(), change(_rich())
    assert _exact(changed) != _exact(original), what
    verify_signature(changed, LOOKUP, now=NOW)


def test_a_signed_header_that_is_missing_is_refused() -> None:
    request = _rich()
    failure = _expect_failure(request.replace(headers=request.headers.without("X-Custom")))
    assert failure.error_msg == MSG_PREFIX + "signed header x-custom not found"


# -- payload modes ---------------------------------------------------------------------------


def _octet(body: bytes) -> Request:
    return sign_request(
        Request(
            "PUT", build_url(BASE, "/v1/upload"), {"Content-Type": "application/octet-stream"}, body
        ),
        access_key=AK,
        secret_key=SK,
        date=DATE,
    )


def test_unsigned_payload_body_may_change_by_design() -> None:
    request = _octet(b"original")
    verify_signature(request, LOOKUP, now=NOW)
    verify_signature(request.replace(body=b"something else"), LOOKUP, now=NOW)


def test_unsigned_payload_with_empty_body_hashes_the_empty_string() -> None:
    empty = _octet(b"")
    verified = verify_signature(empty, LOOKUP, now=NOW)
    assert verified.canonical_request.endswith("\n" + hashlib.sha256(b"").hexdigest())
    # Adding a body afterwards changes the payload line from the empty hash to UNSIGNED-PAYLOAD.
    assert _expect_failure(empty.replace(body=b"x")).error_msg.startswith(MISMATCH)


def test_an_unsigned_content_sha256_header_is_ignored() -> None:
    request = _rich()
    late = _with_headers(request, X_Sdk_Content_Sha256="UNSIGNED-PAYLOAD")
    verify_signature(late, LOOKUP, now=NOW)
    assert _expect_failure(late.replace(body=b'{"a": 3}')).error_msg.startswith(MISMATCH)


def test_a_declared_body_digest_must_be_the_real_one() -> None:
    body = b'{"a": 1}'

    def declared(digest: str) -> Request:
        headers = {"Content-Type": "application/json", "X-Sdk-Content-Sha256": digest}
        return sign_request(
            Request("POST", build_url(BASE, "/v1/x"), headers, body),
            access_key=AK,
            secret_key=SK,
            date=DATE,
        )

    verify_signature(declared(hashlib.sha256(body).hexdigest()), LOOKUP, now=NOW)
    _expect_failure(declared(hashlib.sha256(b"other").hexdigest()))


# -- the date --------------------------------------------------------------------------------


@pytest.mark.parametrize("minutes", [-15, -14, 0, 14, 15])
def test_clock_skew_up_to_15_minutes_is_accepted(minutes: int) -> None:
    verify_signature(_rich(), LOOKUP, now=NOW + timedelta(minutes=minutes))


@pytest.mark.parametrize(
    "skew",
    [
        timedelta(minutes=16),
        timedelta(minutes=-16),
        timedelta(minutes=15, seconds=1),
        timedelta(days=-3),
    ],
)
def test_clock_skew_beyond_15_minutes_is_refused_as_expired(skew: timedelta) -> None:
    now = NOW + skew
    failure = _expect_failure(_rich(), now=now)
    assert SIGNATURE_EXPIRED_MARKER in failure.error_msg
    assert failure.error_msg == (
        MSG_PREFIX + "calc aksk signature fail:signature expired, signature time:"
        f"{DATE},server time:{now.strftime('%Y%m%dT%H%M%SZ')}"
    )


def test_server_now_in_another_timezone_is_the_same_instant() -> None:
    beijing = NOW.astimezone(timezone(timedelta(hours=8)))
    verify_signature(_rich(), LOOKUP, now=beijing + timedelta(minutes=10))


def test_a_naive_server_clock_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        verify_signature(_rich(), LOOKUP, now=datetime(2026, 11, 27, 6, 0))


def test_missing_authorization_and_missing_date() -> None:
    request = _rich()
    assert (
        _expect_failure(request.replace(headers=request.headers.without("Authorization"))).error_msg
        == MSG_AUTHORIZATION_MISSING
    )
    assert (
        _expect_failure(request.replace(headers=request.headers.without("X-Sdk-Date"))).error_msg
        == MSG_DATE_MISSING
    )


@pytest.mark.parametrize(
    "date",
    [
        "2026-11-27T06:00:00Z",
        "20261127T060000",
        "20261327T060000Z",
        "20261127T250000Z",
        "",
        "２０２６1127T060000Z",
    ],
)
def test_malformed_dates_are_refused(date: str) -> None:
    failure = _expect_failure(_with_headers(_rich(), X_Sdk_Date=date))
    assert failure.error_msg == MSG_PREFIX + f"x-sdk-date is invalid: {date}"


# -- the Authorization header ------------------------------------------------------------------

SIG = "a" * 64


@pytest.mark.parametrize(
    "value",
    [
        f"SDK-HMAC-SM3 Access=AK, SignedHeaders=host;x-sdk-date, Signature={SIG}",
        f"SDK-HMAC-SHA256 Access=AK,SignedHeaders=host;x-sdk-date, Signature={SIG}",
        f"SDK-HMAC-SHA256  Access=AK, SignedHeaders=host;x-sdk-date, Signature={SIG}",
        f"SDK-HMAC-SHA256 Access=AK, SignedHeaders=host;x-sdk-date, Signature={SIG} ",
        f"SDK-HMAC-SHA256 SignedHeaders=host;x-sdk-date, Access=AK, Signature={SIG}",
        f"SDK-HMAC-SHA256 Access=AK, SignedHeaders=host;x-sdk-date, Signature={SIG.upper()}",
        f"SDK-HMAC-SHA256 Access=AK, SignedHeaders=host;x-sdk-date, Signature={SIG[:-1]}",
        f"SDK-HMAC-SHA256 Access=, SignedHeaders=host;x-sdk-date, Signature={SIG}",
        f"SDK-HMAC-SHA256 Access=AK, SignedHeaders=x-sdk-date, Signature={SIG}",
        f"SDK-HMAC-SHA256 Access=AK, SignedHeaders=host, Signature={SIG}",
        f"SDK-HMAC-SHA256 Access=AK, SignedHeaders=Host;x-sdk-date, Signature={SIG}",
        f"SDK-HMAC-SHA256 Access=AK, SignedHeaders=host;host;x-sdk-date, Signature={SIG}",
        f"SDK-HMAC-SHA256 Access=AK, SignedHeaders=host;;x-sdk-date, Signature={SIG}",
        f"SDK-HMAC-SHA256 Access=AK, SignedHeaders=host;x-sdk-date, Signature={SIG}, Extra=1",
        "Bearer abc",
        "",
    ],
)
def test_malformed_authorization_is_refused(value: str) -> None:
    with pytest.raises(VerificationFailure) as caught:
        parse_authorization(value)
    assert caught.value.error_code == CODE_IAM_AUTH_FAILED
    assert caught.value.error_msg.startswith(MSG_PREFIX + "authorization header is malformed")
    _expect_failure(_with_headers(_rich(), Authorization=value))


def test_parse_authorization() -> None:
    value = f"SDK-HMAC-SHA256 Access=AK1, SignedHeaders=host;x-a;x-sdk-date, Signature={SIG}"
    assert parse_authorization(value) == ("AK1", ("host", "x-a", "x-sdk-date"), SIG)


# -- temporary credentials ---------------------------------------------------------------------


def _temporary(token: Optional[str] = TEMP_TOKEN) -> Request:
    return _rich(ak=TEMP_AK, sk=TEMP_SK, security_token=token)


def test_a_temporary_key_with_its_signed_token_is_accepted() -> None:
    verified = verify_signature(_temporary(), LOOKUP, now=NOW)
    assert verified.temporary
    assert "x-security-token" in verified.signed_headers


@pytest.mark.parametrize(
    ("request_factory", "reason"),
    [
        (lambda: _temporary(None), "token not found"),
        (lambda: _temporary("another-token"), "token does not match"),
        (
            lambda: _with_headers(_temporary(None), X_Security_Token=TEMP_TOKEN),
            "token is not signed",
        ),
        (lambda: _rich(security_token="stray-token"), "a permanent AK takes no security token"),
    ],
    ids=["missing", "wrong", "not signed", "permanent key with a token"],
)
def test_security_token_failures(request_factory: Callable[[], Request], reason: str) -> None:
    failure = _expect_failure(request_factory())
    assert failure.error_msg == MSG_PREFIX + f"verify security token fail: {reason}"


def test_a_tampered_token_that_was_signed_is_refused() -> None:
    tampered = _with_headers(_temporary(), X_Security_Token="forged")
    assert "verify security token fail" in _expect_failure(tampered).error_msg


# -- agreement with the client signer and with Huawei's -------------------------------------

_CHARS = st.one_of(
    st.sampled_from(list("&=+?#%/ ~.-_;:@!*'(),")),
    st.characters(codec="utf-8"),
    st.characters(min_codepoint=0x10000, max_codepoint=0x10FFFF, codec="utf-8"),
)
TEXT = st.text(_CHARS, max_size=8)
VALUE = st.lists(
    st.one_of(_CHARS.filter(lambda c: c not in "\r\n\x00"), st.just("  ")), max_size=6
).map("".join)
CONTENT_TYPES = [None, "application/json", "application/octet-stream", "text/plain"]
DATES = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2099, 1, 1), timezones=st.just(timezone.utc)
)


@st.composite
def _cases(draw: Any) -> Dict[str, Any]:
    headers = {f"X-H{i}": draw(VALUE) for i in range(draw(st.integers(0, 3)))}
    content_type = draw(st.sampled_from(CONTENT_TYPES))
    if content_type:
        headers["Content-Type"] = content_type
    return {
        "method": draw(st.sampled_from(["GET", "POST", "PUT", "DELETE", "PATCH"])),
        "path": "/" + "/".join(encode(s) for s in draw(st.lists(TEXT, max_size=4))),
        "params": draw(st.lists(st.tuples(TEXT, TEXT), max_size=5)),
        "headers": headers,
        "body": draw(st.one_of(st.just(b""), st.binary(min_size=1, max_size=40))),
        "moment": draw(DATES),
        "sk": draw(st.text(_CHARS, min_size=1, max_size=20)),
        "token": draw(st.one_of(st.none(), VALUE.filter(lambda v: v.strip() != ""))),
        "skew": draw(st.integers(-15 * 60, 15 * 60)),
    }


@given(_cases())
def test_client_signed_requests_are_accepted(case: Dict[str, Any]) -> None:
    request = Request(
        case["method"],
        build_url("http://127.0.0.1:8443", case["path"], case["params"]),
        case["headers"],
        case["body"],
    )
    signed = sign_request(
        request,
        access_key="AKPROP",
        secret_key=case["sk"],
        date=format_sdk_date(case["moment"]),
        security_token=case["token"],
    )
    token = None if case["token"] is None else case["token"].strip()
    lookup = {"AKPROP": AccessKeyRecord(case["sk"], security_token=token)}.get
    now = case["moment"].replace(microsecond=0) + timedelta(seconds=case["skew"])
    verified = verify_signature(signed, lookup, now=now)
    assert verified.temporary == (token is not None)


@given(_cases())
def test_huaweicloudsdkcore_signed_requests_are_accepted(case: Dict[str, Any]) -> None:
    from huaweicloudsdkcore.auth.credentials import BasicCredentials
    from huaweicloudsdkcore.sdk_request import SdkRequest
    from huaweicloudsdkcore.signer.signer import Signer

    date = format_sdk_date(case["moment"])
    headers = {**case["headers"], "X-Sdk-Date": date}
    if case["token"] is not None:
        headers["X-Security-Token"] = case["token"]
    official = Signer(BasicCredentials("AKORACLE", case["sk"])).sign(
        SdkRequest(
            case["method"],
            "https",
            "10.1.2.3:8443",
            case["path"],
            query_params=list(case["params"]),
            header_params=headers,
            body=case["body"],
        )
    )
    # What a server receives: the SDK's latin-1 strings are the UTF-8 bytes on the wire.
    received = {
        name: value.encode("iso-8859-1").decode("utf-8")
        for name, value in official.header_params.items()
    }
    request = Request(
        case["method"], "https://10.1.2.3:8443" + official.uri, received, case["body"]
    )
    token = None if case["token"] is None else case["token"].strip()
    lookup = {"AKORACLE": AccessKeyRecord(case["sk"], security_token=token)}.get
    verify_signature(request, lookup, now=case["moment"])


# -- IAM tokens -----------------------------------------------------------------------------


def test_token_lifecycle() -> None:
    registry = TokenRegistry()
    issued = registry.issue(now=NOW, project_id="p1", user="alice")
    assert issued.expires_at == NOW + timedelta(hours=24)
    assert len(issued.token) >= 64 and issued.token not in repr(issued)
    assert (
        registry.check(issued.token, now=NOW + timedelta(hours=23, minutes=59), project_id="p1")
        == issued
    )
    with pytest.raises(VerificationFailure) as expired:
        registry.check(issued.token, now=issued.expires_at)
    assert (expired.value.status, expired.value.error_code, expired.value.error_msg) == (
        401,
        CODE_TOKEN_EXPIRED,
        MSG_TOKEN_EXPIRED,
    )
    assert registry.revoke(issued.token) and not registry.revoke(issued.token)
    with pytest.raises(VerificationFailure) as unknown:
        registry.check(issued.token, now=NOW)
    assert (unknown.value.error_code, unknown.value.error_msg) == (
        CODE_IAM_AUTH_FAILED,
        MSG_TOKEN_INVALID,
    )


@pytest.mark.parametrize("token", [None, ""])
def test_a_missing_token(token: Optional[str]) -> None:
    with pytest.raises(VerificationFailure) as caught:
        TokenRegistry().check(token, now=NOW)
    assert (caught.value.status, caught.value.error_code, caught.value.error_msg) == (
        401,
        CODE_IAM_AUTH_FAILED,
        MSG_TOKEN_MISSING,
    )


def test_a_token_of_another_project_is_forbidden() -> None:
    registry = TokenRegistry(lifetime=timedelta(minutes=5))
    issued = registry.issue(now=NOW, project_id="p1")
    assert issued.expires_at == NOW + timedelta(minutes=5)
    with pytest.raises(VerificationFailure) as caught:
        registry.check(issued.token, now=NOW, project_id="p2")
    assert (caught.value.status, caught.value.error_code) == (403, CODE_NOT_AUTHORIZED)
    domain_scoped = registry.issue(now=NOW, lifetime=timedelta(hours=1))
    assert registry.check(domain_scoped.token, now=NOW).project_id is None
    with pytest.raises(VerificationFailure):
        registry.check(domain_scoped.token, now=NOW, project_id="p1")


def test_tokens_are_unique_and_the_registry_is_thread_safe() -> None:
    registry = TokenRegistry()
    issued: List[str] = []
    lock = threading.Lock()

    def work() -> None:
        for _ in range(200):
            token = registry.issue(now=NOW, project_id="p").token
            registry.check(token, now=NOW, project_id="p")
            with lock:
                issued.append(token)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(issued)) == len(issued) == len(registry) == 1600


def test_token_registry_needs_an_aware_clock() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        TokenRegistry().issue(now=datetime(2026, 1, 1))
