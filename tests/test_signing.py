"""SDK-HMAC-SHA256 signing: Huawei's vectors byte for byte, auth.md §5 pitfalls, properties."""

from __future__ import annotations

import enum
import hashlib
import json
import re
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Dict, List, Tuple
from urllib.parse import unquote, urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st

from modelarts import signing
from modelarts.errors import ConfigurationError, InvalidArgumentError
from modelarts.signing import (
    EMPTY_PAYLOAD_HASH,
    UNSIGNED_PAYLOAD,
    authorization_header,
    build_url,
    canonical_query,
    canonical_uri,
    encode,
    format_sdk_date,
    query_pairs,
    sign,
    sign_request,
)
from modelarts.transport.base import Headers, Request, parse_query

VECTORS = json.loads(
    (Path(__file__).resolve().parent / "data" / "sign_vectors.json").read_text(encoding="utf-8")
)
AK = VECTORS["defaults"]["ak"]
SK = VECTORS["defaults"]["sk"]
DATE = VECTORS["defaults"]["x_sdk_date"]
BASE = "https://modelarts.cn-north-4.myhuaweicloud.com"


def _base_of(url: str) -> str:
    split = urlsplit(url)
    return f"{split.scheme}://{split.netloc}"


def _body(value: Any) -> bytes:
    return b"" if value is None else value.encode("utf-8")


def _sign_vector(entry: Dict[str, Any]) -> Tuple[str, signing.SigningResult]:
    given_ = entry["input"]
    params = [(key, value) for key, value in given_["query_params"]]
    url = build_url(_base_of(given_["url"]), given_["resource_path"], params)
    request = Request(given_["method"], url, given_["headers"], _body(given_["body"]))
    result = sign(
        request,
        access_key=given_["ak"],
        secret_key=given_["sk"],
        date=given_["headers"]["X-Sdk-Date"],
        security_token=given_.get("security_token"),
    )
    return url, result


def _simple(path: str = "/v1/p/jobs", headers: Any = None, body: bytes = b"", **kw: Any) -> Request:
    return Request(
        kw.pop("method", "GET"), build_url(BASE, path, kw.pop("params", None)), headers, body
    )


def _signed(request: Request, **kw: Any) -> signing.SigningResult:
    return sign(
        request,
        access_key=kw.pop("ak", AK),
        secret_key=kw.pop("sk", SK),
        date=kw.pop("date", DATE),
        **kw,
    )


# -- Huawei's vectors -------------------------------------------------------------------


@pytest.mark.parametrize("entry", VECTORS["vectors"], ids=[v["id"] for v in VECTORS["vectors"]])
def test_official_signer_vectors(entry: Dict[str, Any]) -> None:
    url, result = _sign_vector(entry)
    expected = entry["expected"]
    assert result.canonical_request == entry["canonical_request"]
    assert result.signed_headers == entry["signed_headers"]
    assert result.string_to_sign == entry["string_to_sign"]
    assert url == expected["url"]
    assert result.request.url == expected["url"]
    assert dict(result.request.headers.items()) == expected["headers"]
    assert result.request.headers["Authorization"] == expected["authorization"]
    assert (
        hashlib.sha256(_body(entry["input"]["body"])).hexdigest() == entry["input"]["body_sha256"]
    )


@pytest.mark.parametrize("entry", VECTORS["vectors"], ids=[v["id"] for v in VECTORS["vectors"]])
def test_caller_written_url_rebuilds_to_the_vector_wire_url(entry: Dict[str, Any]) -> None:
    """The URL as a caller wrote it, re-canonicalised, is the wire URL; unsorted, it is refused."""
    split = urlsplit(entry["input"]["url"])
    rebuilt = build_url(_base_of(entry["input"]["url"]), split.path, parse_query(split.query))
    assert rebuilt == entry["expected"]["url"]
    raw = Request(entry["input"]["method"], entry["input"]["url"], entry["input"]["headers"])
    if entry["input"]["url"] != entry["expected"]["url"]:
        with pytest.raises(ConfigurationError, match="not canonical"):
            sign_request(raw, access_key=AK, secret_key=SK, date=DATE)


@pytest.mark.parametrize(
    "entry", VECTORS["published_crosscheck"], ids=[v["id"] for v in VECTORS["published_crosscheck"]]
)
def test_published_vectors(entry: Dict[str, Any]) -> None:
    _, result = _sign_vector(entry)
    assert result.request.headers["Authorization"] == entry["expected_authorization"]
    if "canonical_request" in entry:
        assert result.canonical_request == entry["canonical_request"]
    if "expected_hashed_canonical_request" in entry:
        assert result.string_to_sign.split("\n")[2] == entry["expected_hashed_canonical_request"]
    assert result.string_to_sign.split("\n")[1] == entry["input"]["headers"]["X-Sdk-Date"]


def test_vector_file_is_the_shared_spec_when_present() -> None:
    shared = Path(__file__).resolve().parents[2] / "shared" / "spec" / "sign_vectors.json"
    if not shared.exists():
        pytest.skip("the shared spec folder only exists in the development checkout")
    assert json.loads(shared.read_text(encoding="utf-8")) == VECTORS


# -- §5.1 the query is built by us, never form-encoded ----------------------------------------


def test_query_is_rfc3986_encoded_never_form_encoded() -> None:
    url = build_url(BASE, "/v1/x", {"q": "a b+c", "s": "/:=&?#"})
    assert url == BASE + "/v1/x?q=a%20b%2Bc&s=%2F%3A%3D%26%3F%23"


@pytest.mark.parametrize(
    "query",
    ["q=a+b", "b=1&a=2", "a=%7e", "a=%7E", "a", "a=1&&b=2", "a=%2f", "a=b=c", "k=%41"],
)
def test_sign_refuses_a_query_that_is_not_canonical(query: str) -> None:
    with pytest.raises(ConfigurationError, match="not canonical") as caught:
        sign_request(
            Request("GET", f"{BASE}/v1/x?{query}"), access_key=AK, secret_key=SK, date=DATE
        )
    assert isinstance(caught.value, ValueError)


@pytest.mark.parametrize("query", ["a=1&b=2", "a=&b=%20", "a=~", "%C3%A9=1", "a=b%3Dc"])
def test_sign_accepts_a_canonical_query_and_signs_it(query: str) -> None:
    result = _signed(Request("GET", f"{BASE}/v1/x?{query}"))
    assert result.request.url == f"{BASE}/v1/x?{query}"
    assert result.canonical_request.split("\n")[2] == query


def test_no_query_means_no_question_mark() -> None:
    assert build_url(BASE, "/v1/x") == BASE + "/v1/x"
    assert build_url(BASE, "/v1/x", {}) == BASE + "/v1/x"
    assert build_url(BASE, "/v1/x", {"a": None}) == BASE + "/v1/x"


# -- §5.2 / §5.3 paths ----------------------------------------------------------------------


def test_trailing_slash_only_in_the_canonical_uri() -> None:
    bare, slashed = _signed(_simple("/v1/p/jobs")), _signed(_simple("/v1/p/jobs/"))
    assert bare.request.url == BASE + "/v1/p/jobs"
    assert slashed.request.url == BASE + "/v1/p/jobs/"
    assert bare.canonical_request == slashed.canonical_request
    assert bare.signature == slashed.signature
    assert canonical_uri("/v1/p/jobs") == canonical_uri("/v1/p/jobs/") == "/v1/p/jobs/"


@pytest.mark.parametrize(
    ("wire", "canonical"),
    [
        ("", "/"),
        ("/", "/"),
        ("/v1/a%2Fb", "/v1/a/b/"),
        ("/v1/a%2fb", "/v1/a/b/"),
        ("/v1/a%20b", "/v1/a%20b/"),
        ("/v1/a b", "/v1/a%20b/"),
        ("/v1/a%25b", "/v1/a%25b/"),
        ("/v1/:@!*'()+=,", "/v1/%3A%40%21%2A%27%28%29%2B%3D%2C/"),
        ("/v1/%3A%40%21%2A%27%28%29%2B%3D%2C", "/v1/%3A%40%21%2A%27%28%29%2B%3D%2C/"),
        ("/v1/~a-b_c.d", "/v1/~a-b_c.d/"),
        ("/v1/%7E", "/v1/~/"),
        ("/v1/\u6d4b\u8bd5", "/v1/%E6%B5%8B%E8%AF%95/"),
        ("/v1/%E6%B5%8B", "/v1/%E6%B5%8B/"),
        ("//v1//x", "//v1//x/"),
        ("/v1/./../x", "/v1/./../x/"),
        ("/urn:fss:a", "/urn%3Afss%3Aa/"),
    ],
)
def test_canonical_uri_decodes_then_encodes_each_segment(wire: str, canonical: str) -> None:
    assert canonical_uri(wire) == canonical


def test_encoded_slash_stays_encoded_on_the_wire() -> None:
    path = "/v1/p/jobs/" + encode("a/b")
    result = _signed(_simple(path))
    assert result.request.url == BASE + "/v1/p/jobs/a%2Fb"
    assert result.canonical_request.split("\n")[1] == "/v1/p/jobs/a/b/"


def test_reserved_characters_may_go_raw_on_the_wire_and_sign_encoded() -> None:
    raw, escaped = _signed(_simple("/v1/a:b@c")), _signed(_simple("/v1/a%3Ab%40c"))
    assert raw.request.url.endswith("/v1/a:b@c")
    assert raw.canonical_request == escaped.canonical_request


@pytest.mark.parametrize(
    "path", ["v1/x", "/v1/a b", "/v1/x?y", "/v1/x#y", "/v1/\u00e9", "/v1/%zz", "/v1/%4", "/v1/\n"]
)
def test_build_url_refuses_a_path_that_would_not_reach_the_server_as_signed(path: str) -> None:
    with pytest.raises(InvalidArgumentError):
        build_url(BASE, path)


@pytest.mark.parametrize(
    "base",
    [
        "ftp://h",
        "https://",
        "https://h?x=1",
        "https://h#f",
        "https://u:p@h",
        "h:8443",
        "https://h x",
    ],
)
def test_build_url_refuses_a_bad_endpoint(base: str) -> None:
    with pytest.raises(ConfigurationError):
        build_url(base, "/v1/x")


def test_build_url_keeps_port_and_prefix() -> None:
    assert build_url("http://127.0.0.1:8443/", "/v1/x") == "http://127.0.0.1:8443/v1/x"
    assert build_url("https://gw.example/ma/", "/v1/x") == "https://gw.example/ma/v1/x"
    result = _signed(Request("GET", build_url("https://gw.example/ma", "/v1/x")))
    assert result.canonical_request.split("\n")[1] == "/ma/v1/x/"


@pytest.mark.parametrize(
    "url", [BASE + "/v1/a b", BASE + "/v1/\u00e9", BASE + "/v1/x#frag", "/v1/x"]
)
def test_sign_refuses_urls_that_cannot_go_on_the_wire_as_written(url: str) -> None:
    with pytest.raises(ConfigurationError):
        sign_request(Request("GET", url), access_key=AK, secret_key=SK, date=DATE)


# -- §5.4 / §5.5 the query ------------------------------------------------------------------


def test_sort_by_raw_key_not_by_encoded_key() -> None:
    # Raw: "a.b" < "a/b" ('.' < '/'); encoded first, "a%2Fb" would come first ('%' < '.').
    assert canonical_query([("a/b", "1"), ("a.b", "2")]) == "a.b=2&a%2Fb=1"
    # Raw: "z" < "~" < "é"; encoded first, "%C3%A9" would lead.
    assert canonical_query([("\u00e9", "1"), ("~", "2"), ("z", "3")]) == "z=3&~=2&%C3%A9=1"


def test_repeated_keys_sort_by_raw_value() -> None:
    assert canonical_query([("k", "b"), ("k", "a")]) == "k=a&k=b"
    assert canonical_query([("k", "a/b"), ("k", "a.b")]) == "k=a.b&k=a%2Fb"
    assert canonical_query([("k", "10"), ("k", "2")]) == "k=10&k=2"


def test_value_types() -> None:
    params = {
        "b": True,
        "f": False,
        "n": None,
        "l": [True, "x", 3, None],
        "e": "",
        "i": 0,
        "fl": 1.5,
        "t": ("z", "a"),
    }
    pairs = query_pairs(params)
    assert ("n", "None") not in pairs
    assert canonical_query(pairs) == "b=true&e=&f=false&fl=1.5&i=0&l=3&l=True&l=x&t=a&t=z"


def test_query_pairs_accepts_pairs_and_keeps_caller_order() -> None:
    assert query_pairs([("b", 1), ("a", "x"), ("b", 0)]) == [("b", "1"), ("a", "x"), ("b", "0")]
    assert query_pairs(None) == []


def test_enum_values_print_the_same_on_every_python() -> None:
    class Status(enum.IntEnum):
        RUNNING = 8

    class Order(str, enum.Enum):
        DESC = "desc"

    assert query_pairs({"s": Status.RUNNING, "o": Order.DESC, "l": [Status.RUNNING]}) == [
        ("s", "8"),
        ("o", "desc"),
        ("l", "8"),
    ]


@pytest.mark.parametrize("params", [{"a": b"x"}, {"a": {"b": 1}}, {1: "x"}, {"a": [object()]}])
def test_query_pairs_refuses_values_it_cannot_print_faithfully(params: Any) -> None:
    with pytest.raises(InvalidArgumentError):
        query_pairs(params)


def test_empty_value_keeps_its_equals_sign() -> None:
    assert canonical_query([("k", "")]) == "k="
    assert build_url(BASE, "/x", {"k": ""}) == BASE + "/x?k="


def test_parse_query_uses_plain_percent_decoding() -> None:
    assert parse_query("") == []
    assert parse_query("a=x+y&b=%20&&c") == [("a", "x+y"), ("b", " "), ("c", "")]
    assert parse_query("%E6%B5%8B=%3D%26") == [("\u6d4b", "=&")]


# -- §5.6 headers ---------------------------------------------------------------------------


def test_headers_with_underscores_are_sent_but_not_signed() -> None:
    result = _signed(_simple(headers={"X_Custom": "v", "TEST_UNDERSCORE": "x", "X-Ok": "y"}))
    assert result.signed_headers == "host;x-ok;x-sdk-date"
    assert result.request.headers["X_Custom"] == "v"
    other = _signed(_simple(headers={"X_Custom": "changed", "TEST_UNDERSCORE": "x", "X-Ok": "y"}))
    assert other.signature == result.signature


def test_everything_else_is_signed_and_keeps_its_case_on_the_wire() -> None:
    headers = {
        "User-Agent": "ua",
        "Accept": "application/json",
        "X-Project-Id": "p",
        "Content-Type": "application/json",
    }
    result = _signed(_simple(headers=headers))
    assert result.signed_headers == ("accept;content-type;host;user-agent;x-project-id;x-sdk-date")
    assert {"User-Agent", "Accept", "X-Project-Id", "X-Sdk-Date", "Host"} <= set(
        result.request.headers
    )


def test_header_values_trimmed_at_the_ends_only() -> None:
    result = _signed(_simple(headers={"X-Pad": "  a   b \t"}))
    assert "\nx-pad:a   b\n" in result.canonical_request
    assert result.request.headers["X-Pad"] == "a   b"


def test_non_ascii_header_value_signed_as_utf8() -> None:
    result = _signed(_simple(headers={"X-Name": "\u6d4b\u8bd5"}))
    assert "\nx-name:\u6d4b\u8bd5\n" in result.canonical_request
    digest = hashlib.sha256(result.canonical_request.encode("utf-8")).hexdigest()
    assert result.string_to_sign == f"SDK-HMAC-SHA256\n{DATE}\n{digest}"


def test_line_breaks_at_the_ends_are_trimmed_like_other_blanks() -> None:
    result = _signed(_simple(headers={"X-A": "v\r\n"}), security_token="\ttok\n")
    assert result.request.headers["X-A"] == "v"
    assert result.request.headers["X-Security-Token"] == "tok"


@pytest.mark.parametrize("value", ["a\r\nInjected: x", "a\nb", "a\x00b"])
def test_header_values_that_would_split_the_header_are_refused(value: str) -> None:
    with pytest.raises(ConfigurationError):
        _signed(_simple(headers={"X-Bad": value}))


# -- §5.7 / §5.8 payload --------------------------------------------------------------------


@pytest.mark.parametrize(
    "content_type",
    [
        "application/octet-stream",
        "multipart/form-data; boundary=x",
        "text/plain",
        "application/x-www-form-urlencoded",
        "application/xml",
    ],
)
def test_unsigned_payload_for_non_json_bodies(content_type: str) -> None:
    result = _signed(_simple(headers={"Content-Type": content_type}, body=b"data", method="POST"))
    assert result.request.headers["X-Sdk-Content-Sha256"] == UNSIGNED_PAYLOAD
    assert "x-sdk-content-sha256" in result.signed_headers.split(";")
    assert result.canonical_request.endswith("\n" + UNSIGNED_PAYLOAD)


def test_unsigned_payload_header_with_empty_body_hashes_the_empty_string() -> None:
    result = _signed(_simple(headers={"Content-Type": "application/octet-stream"}))
    assert result.request.headers["X-Sdk-Content-Sha256"] == UNSIGNED_PAYLOAD
    assert "x-sdk-content-sha256" in result.signed_headers.split(";")
    assert result.canonical_request.endswith("\n" + EMPTY_PAYLOAD_HASH)


@pytest.mark.parametrize(
    "content_type", ["application/json", "application/json;charset=utf-8", "application/bson", None]
)
def test_json_bson_and_untyped_bodies_are_hashed_exactly(content_type: Any) -> None:
    body = b'{"a": "\\u6d4b", "b": [1, 2]}\x00\xff'
    headers = {} if content_type is None else {"Content-Type": content_type}
    result = _signed(_simple(headers=headers, body=body, method="POST"))
    assert "X-Sdk-Content-Sha256" not in result.request.headers
    assert result.canonical_request.endswith("\n" + hashlib.sha256(body).hexdigest())
    assert result.request.body == body


def test_content_type_is_found_whatever_its_case() -> None:
    result = _signed(_simple(headers={"content-type": "text/plain"}, body=b"x", method="PUT"))
    assert result.request.headers["X-Sdk-Content-Sha256"] == UNSIGNED_PAYLOAD


def test_a_declared_content_hash_is_used_for_json() -> None:
    declared = hashlib.sha256(b"x").hexdigest()
    headers = {"Content-Type": "application/json", "X-Sdk-Content-Sha256": declared}
    result = _signed(_simple(headers=headers, body=b"x", method="POST"))
    assert result.canonical_request.endswith("\n" + declared)


# -- §5.9 host, §5.10 date, §5.13 token ---------------------------------------------------


@pytest.mark.parametrize(
    ("base", "host"),
    [
        ("https://10.1.2.3:8443", "10.1.2.3:8443"),
        ("https://modelarts.example:443", "modelarts.example:443"),
        ("https://modelarts.example", "modelarts.example"),
        ("http://[::1]:8080", "[::1]:8080"),
        ("http://Upper.Example", "Upper.Example"),
    ],
)
def test_host_is_the_netloc_exactly_as_written(base: str, host: str) -> None:
    result = _signed(Request("GET", build_url(base, "/v1/x")))
    assert result.request.headers["Host"] == host
    assert f"\nhost:{host}\n" in result.canonical_request


def test_a_host_header_already_present_is_kept() -> None:
    result = _signed(_simple(headers={"HOST": "proxy.example:81"}))
    assert result.request.headers["host"] == "proxy.example:81"
    assert "\nhost:proxy.example:81\n" in result.canonical_request


def test_security_token_is_added_before_signing() -> None:
    result = _signed(_simple(), security_token="tok-123")
    assert result.request.headers["X-Security-Token"] == "tok-123"
    assert result.signed_headers == "host;x-sdk-date;x-security-token"
    assert "\nx-security-token:tok-123\n" in result.canonical_request
    assert _signed(_simple(), security_token="tok-124").signature != result.signature
    assert "X-Security-Token" not in _signed(_simple(), security_token="").request.headers


def test_format_sdk_date() -> None:
    moment = datetime(2026, 11, 27, 6, 0, 0, 999999, tzinfo=timezone.utc)
    assert format_sdk_date(moment) == "20261127T060000Z"
    beijing = timezone(timedelta(hours=8))
    assert format_sdk_date(datetime(2026, 11, 27, 14, 0, tzinfo=beijing)) == "20261127T060000Z"
    with pytest.raises(InvalidArgumentError, match="timezone-aware"):
        format_sdk_date(datetime(2026, 11, 27, 6, 0))


@pytest.mark.parametrize("date", ["2026-11-27T06:00:00Z", "20261127T060000", "20261127060000Z", ""])
def test_sign_refuses_a_malformed_date(date: str) -> None:
    with pytest.raises(InvalidArgumentError):
        _signed(_simple(), date=date)


def test_the_date_header_is_the_one_signed() -> None:
    result = _signed(_simple(headers={"x-sdk-date": "19990101T000000Z"}), date="20300101T000000Z")
    assert result.request.headers["X-Sdk-Date"] == "20300101T000000Z"
    assert "\nx-sdk-date:20300101T000000Z\n" in result.canonical_request
    assert result.string_to_sign.split("\n")[1] == "20300101T000000Z"


@pytest.mark.parametrize(("ak", "sk"), [("", SK), (AK, "")])
def test_both_keys_are_required(ak: str, sk: str) -> None:
    with pytest.raises(ConfigurationError):
        _signed(_simple(), ak=ak, sk=sk)


# -- §5.12 formatting, re-signing -------------------------------------------------------


def test_authorization_header_format() -> None:
    assert authorization_header("AK", ["host", "x-sdk-date"], "ab") == (
        "SDK-HMAC-SHA256 Access=AK, SignedHeaders=host;x-sdk-date, Signature=ab"
    )
    assert authorization_header("AK", "host", "ab").endswith("SignedHeaders=host, Signature=ab")


def test_resigning_a_signed_request_equals_signing_the_original() -> None:
    original = _simple(
        headers={"Content-Type": "application/octet-stream"},
        body=b"b",
        method="POST",
        params={"a": 1},
    )
    first = _signed(original, security_token="t")
    again = _signed(first.request, date="20261127T061000Z", security_token="t")
    fresh = _signed(original, date="20261127T061000Z", security_token="t")
    assert again.request == fresh.request
    assert "authorization" not in again.signed_headers.split(";")
    assert _signed(first.request, security_token="t").request == first.request


def test_sign_returns_a_new_request_and_leaves_the_input_alone() -> None:
    original = _simple(headers={"X-A": " v "})
    result = _signed(original)
    assert original.headers == Headers({"X-A": " v "})
    assert result.request is not original
    assert result.request.method == original.method and result.request.body == original.body


def test_sign_request_is_sign_dot_request() -> None:
    request = _simple(params={"x": "1"})
    assert (
        sign_request(request, access_key=AK, secret_key=SK, date=DATE) == _signed(request).request
    )


# -- properties -----------------------------------------------------------------------------

_CHARS = st.one_of(
    st.sampled_from(list("&=+?#%/ ~.-_;:@!*'(),")),
    st.characters(codec="utf-8"),
    st.characters(min_codepoint=0x10000, max_codepoint=0x10FFFF, codec="utf-8"),
)
TEXT = st.text(_CHARS, max_size=10)
PAIRS = st.lists(st.tuples(TEXT, TEXT), max_size=8)


@given(PAIRS, st.randoms(use_true_random=False))
def test_canonical_query_ignores_parameter_order(pairs: List[Tuple[str, str]], rnd: Any) -> None:
    shuffled = list(pairs)
    rnd.shuffle(shuffled)
    assert canonical_query(shuffled) == canonical_query(pairs)


@given(PAIRS)
def test_canonical_query_round_trips_through_the_wire(pairs: List[Tuple[str, str]]) -> None:
    query = canonical_query(pairs)
    assert parse_query(query) == sorted(pairs)
    assert canonical_query(parse_query(query)) == query
    assert set(query) <= set(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~%&="
    )


@given(TEXT)
def test_encode_is_rfc3986(text: str) -> None:
    encoded = encode(text)
    assert set(encoded) <= set(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~%"
    )
    assert all(re.fullmatch(r"%[0-9A-F]{2}", m) for m in re.findall(r"%..?", encoded))
    assert unquote(encoded) == text


@given(st.text(_CHARS, max_size=30))
def test_canonical_uri_is_never_empty_and_ends_with_a_slash(path: str) -> None:
    uri = canonical_uri(path)
    assert uri.endswith("/")
    assert canonical_uri(uri) == uri  # already canonical: decode + encode changes nothing


@given(st.lists(TEXT, max_size=5))
def test_encoded_segments_survive_canonicalisation(segments: List[str]) -> None:
    path = "/" + "/".join(encode(segment) for segment in segments)
    # Decoding then encoding gives back every segment; an encoded "/" becomes a separator.
    pieces = [encode(piece) for segment in segments for piece in segment.split("/")]
    expected = "/".join(["", *pieces])
    assert canonical_uri(path) == (expected if expected.endswith("/") else expected + "/")
    assert build_url(BASE, path) == BASE + path


_METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD"]


@st.composite
def _requests(draw: Any) -> Dict[str, Any]:
    segments = draw(st.lists(TEXT, max_size=4))
    return {
        "method": draw(st.sampled_from(_METHODS)),
        "path": "/" + "/".join(encode(s) for s in segments),
        "params": draw(PAIRS),
        "value": draw(TEXT.filter(lambda v: not any(c in v for c in "\r\n\x00"))),
        "body": draw(st.binary(max_size=40)),
        "date": format_sdk_date(
            draw(
                st.datetimes(
                    min_value=datetime(2000, 1, 1),
                    max_value=datetime(2099, 1, 1),
                    timezones=st.just(timezone.utc),
                )
            )
        ),
        "sk": draw(st.text(_CHARS, min_size=1, max_size=20)),
    }


def _sign_spec(spec: Dict[str, Any]) -> str:
    request = Request(
        spec["method"],
        build_url(BASE, spec["path"], spec["params"]),
        {"Content-Type": "application/json", "X-Custom": spec["value"]},
        spec["body"],
    )
    return _signed(request, date=spec["date"], sk=spec["sk"]).signature


@given(_requests(), st.sampled_from(["method", "path", "query", "header", "body", "date", "sk"]))
def test_the_signature_changes_when_any_signed_input_changes(
    spec: Dict[str, Any], what: str
) -> None:
    changed = dict(spec)
    if what == "method":
        changed["method"] = _METHODS[(_METHODS.index(spec["method"]) + 1) % len(_METHODS)]
    elif what == "path":
        changed["path"] = spec["path"].rstrip("/") + "/x"
    elif what == "query":
        changed["params"] = [*spec["params"], ("k", "v")]
    elif what == "header":
        changed["value"] = spec["value"] + "z"
    elif what == "body":
        changed["body"] = spec["body"] + b"!"
    elif what == "date":
        changed["date"] = "20991231T235959Z" if spec["date"] != "20991231T235959Z" else DATE
    else:
        changed["sk"] = spec["sk"] + "0"
    assert _sign_spec(changed) != _sign_spec(spec)


def test_the_empty_payload_hash_is_the_sha256_of_nothing() -> None:
    import hashlib

    assert hashlib.sha256(b"").hexdigest() == EMPTY_PAYLOAD_HASH
