"""Huawei's own signer (huaweicloudsdkcore, a test-only dependency) as an oracle for ours.

For random methods, hosts, paths, queries, headers and bodies, our ``sign`` must
produce the Authorization, the wire target and the header values that
``huaweicloudsdkcore.signer.Signer`` produces for the same request. The inputs
stay where the official signer is well defined (see the module docstring of
``modelarts.signing``): non-string query values only under keys that occur
once, and Content-Type always spelled ``Content-Type``.

Importing huaweicloudsdkcore writes ``~/.huaweicloud/application_id``; the
suite's conftest points HOME at a temporary folder, and the import happens
inside the tests.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Dict, List, Tuple
from urllib.parse import quote

from hypothesis import given
from hypothesis import strategies as st

from modelarts.signing import build_url, encode, format_sdk_date, sign
from modelarts.transport.base import Request

_CHARS = st.one_of(
    st.sampled_from(list("&=+?#%/ ~.-_;:@!*'(),")),
    st.characters(codec="utf-8"),
    st.characters(min_codepoint=0x10000, max_codepoint=0x10FFFF, codec="utf-8"),
)
TEXT = st.text(_CHARS, max_size=8)
# Header values: anything but what would split a header line, with runs of inner
# and outer blanks (only the ends are trimmed).
VALUE = st.lists(
    st.one_of(
        _CHARS.filter(lambda c: c not in "\r\n\x00"),
        st.sampled_from(["  ", " \t ", "   "]),
    ),
    max_size=8,
).map("".join)
BODY = st.one_of(st.just(b""), st.binary(min_size=1, max_size=48))
# Sub-delimiters that RFC 3986 allows raw in a path; a wire path may or may not escape them.
_RAW_OK = "!$&'()*+,;=:@"
CONTENT_TYPES = [
    None,
    "application/json",
    "application/json;charset=UTF-8",
    "application/bson",
    "application/octet-stream",
    "multipart/form-data; boundary=b",
    "text/plain",
]
HEADER_NAME = st.text(
    st.sampled_from("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_"),
    min_size=1,
    max_size=12,
)
_RESERVED_NAMES = {
    "host",
    "x-sdk-date",
    "authorization",
    "content-type",
    "x-sdk-content-sha256",
    "x-security-token",
}


@st.composite
def signing_cases(draw: Any) -> Dict[str, Any]:
    segments = draw(st.lists(TEXT, max_size=4))
    raw_ok = draw(st.booleans())
    path = "/" + "/".join(quote(s, safe=_RAW_OK) if raw_ok else encode(s) for s in segments)
    if draw(st.booleans()):
        path += "/"
    params: List[Tuple[str, Any]] = [
        (k, v) for k, v in draw(st.lists(st.tuples(TEXT, TEXT), max_size=6))
    ]
    used = {k for k, _ in params}
    singles = draw(
        st.dictionaries(
            TEXT.filter(lambda k: k not in used),
            st.one_of(
                st.integers(-(10**6), 10**6),
                st.booleans(),
                st.lists(TEXT, min_size=1, max_size=3),
            ),
            max_size=3,
        )
    )
    params.extend(singles.items())
    names = draw(
        st.lists(
            HEADER_NAME.filter(lambda n: n.lower() not in _RESERVED_NAMES),
            max_size=4,
            unique_by=str.lower,
        )
    )
    headers = {name: draw(VALUE) for name in names}
    content_type = draw(st.sampled_from(CONTENT_TYPES))
    if content_type is not None:
        headers["Content-Type"] = content_type
    port = draw(st.sampled_from(["", ":443", ":8443", ":80"]))
    return {
        "method": draw(st.sampled_from(["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD"])),
        "scheme": draw(st.sampled_from(["https", "http"])),
        "host": draw(st.sampled_from(["modelarts.cn-north-4.myhuaweicloud.com", "10.1.2.3"]))
        + port,
        "path": path,
        "params": params,
        "headers": headers,
        "body": draw(BODY),
        "date": format_sdk_date(
            draw(
                st.datetimes(
                    min_value=datetime(2000, 1, 1),
                    max_value=datetime(2099, 12, 31),
                    timezones=st.just(timezone.utc),
                )
            )
        ),
        "ak": draw(st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", min_size=1, max_size=20)),
        "sk": draw(st.text(_CHARS, min_size=1, max_size=40)),
        "token": draw(st.one_of(st.none(), VALUE)),
    }


def oracle_sign(case: Dict[str, Any]) -> Any:
    """Sign ``case`` with huaweicloudsdkcore's Signer; return its mutated SdkRequest."""
    from huaweicloudsdkcore.auth.credentials import BasicCredentials
    from huaweicloudsdkcore.sdk_request import SdkRequest
    from huaweicloudsdkcore.signer.signer import Signer

    headers = dict(case["headers"])
    headers["X-Sdk-Date"] = case["date"]
    if case["token"]:  # as the official credentials add it (empty: see modelarts/signing.py)
        headers["X-Security-Token"] = case["token"]
    request = SdkRequest(
        method=case["method"],
        schema=case["scheme"],
        host=case["host"],
        resource_path=case["path"],
        query_params=[(k, list(v) if isinstance(v, list) else v) for k, v in case["params"]],
        header_params=headers,
        body=case["body"],
    )
    return Signer(BasicCredentials(case["ak"], case["sk"])).sign(request)


def ours(case: Dict[str, Any]) -> Request:
    url = build_url(f"{case['scheme']}://{case['host']}", case["path"], case["params"])
    request = Request(case["method"], url, case["headers"], case["body"])
    return sign(
        request,
        access_key=case["ak"],
        secret_key=case["sk"],
        date=case["date"],
        security_token=case["token"],
    ).request


@given(signing_cases())
def test_our_signature_equals_huaweicloudsdkcore(case: Dict[str, Any]) -> None:
    official = oracle_sign(case)
    signed = ours(case)
    assert signed.headers["Authorization"] == official.header_params["Authorization"]
    assert signed.target == official.uri
    # The official signer leaves header values as UTF-8 bytes in latin-1 strings for requests.
    wire = {
        name: value.encode("iso-8859-1").decode("utf-8")
        for name, value in official.header_params.items()
    }
    assert dict(signed.headers.items()) == wire
