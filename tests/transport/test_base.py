"""The transport seam's values: Headers, Request, Response, and the Transport ABC."""

from __future__ import annotations

import json
from typing import List

import pytest
from hypothesis import given
from hypothesis import strategies as st

from modelarts.transport import Headers, MockTransport, Request, Response, Transport

# -- Headers ----------------------------------------------------------------


def test_headers_look_up_names_case_insensitively_and_keep_the_written_case() -> None:
    headers = Headers({"X-Request-Id": "abc", "content-type": "application/json"})
    assert headers["x-request-id"] == "abc"
    assert headers["X-REQUEST-ID"] == "abc"
    assert "CONTENT-TYPE" in headers
    assert list(headers) == ["X-Request-Id", "content-type"]
    assert len(headers) == 2
    assert headers.get("missing") is None


def test_headers_accept_pairs_and_a_repeated_name_keeps_its_last_value() -> None:
    headers = Headers([("Accept", "a"), ("accept", "b")])
    assert headers["Accept"] == "b"
    assert len(headers) == 1
    assert list(headers) == ["accept"]


def test_headers_reject_non_string_names_and_values() -> None:
    with pytest.raises(TypeError, match="must be str"):
        Headers({"Content-Length": 3})  # type: ignore[dict-item]
    with pytest.raises(TypeError):
        Headers([(b"X", "y")])  # type: ignore[list-item]


def test_headers_are_immutable() -> None:
    headers = Headers({"A": "1"})
    with pytest.raises(TypeError):
        headers["A"] = "2"  # type: ignore[index]
    with pytest.raises(AttributeError):
        headers.extra = 1  # type: ignore[attr-defined]


def test_headers_equality_ignores_name_case_and_works_with_plain_mappings() -> None:
    assert Headers({"A": "1"}) == Headers({"a": "1"})
    assert Headers({"A": "1"}) == {"a": "1"}
    assert Headers({"A": "1"}) != Headers({"A": "2"})
    assert Headers({"A": "1"}) != ["A"]
    assert hash(Headers({"A": "1"})) == hash(Headers({"a": "1"}))


def test_merged_replaces_same_named_headers_and_leaves_the_original_alone() -> None:
    base = Headers({"Host": "a", "X-Keep": "k"})
    merged = base.merged({"host": "b", "X-New": "n"})
    assert merged["Host"] == "b"
    assert merged["X-Keep"] == "k"
    assert merged["x-new"] == "n"
    assert base["Host"] == "a"
    assert "X-New" not in base
    assert base.merged(None) == base


def test_without_drops_names_case_insensitively() -> None:
    headers = Headers({"Authorization": "secret", "X-Sdk-Date": "d", "Host": "h"})
    stripped = headers.without("authorization", "X-SDK-DATE")
    assert list(stripped) == ["Host"]
    assert "Authorization" in headers


def test_headers_repr_shows_names_but_never_values() -> None:
    text = repr(Headers({"X-Auth-Token": "very-secret-token", "Accept": "json"}))
    assert "X-Auth-Token" in text
    assert "very-secret-token" not in text
    assert "json" not in text


def test_lower_items() -> None:
    assert Headers({"A-B": "1"}).lower_items() == {"a-b": "1"}


@given(st.dictionaries(st.text("abcXYZ-", min_size=1, max_size=5), st.text(max_size=5)))
def test_headers_round_trip_any_mapping(data: "dict[str, str]") -> None:
    headers = Headers(data)
    expected = {name.lower(): value for name, value in data.items()}
    assert headers.lower_items() == expected
    for name in data:
        assert headers[name.swapcase()] == expected[name.lower()]


# -- Request ----------------------------------------------------------------


def test_request_normalizes_method_and_copies_body() -> None:
    body = bytearray(b"abc")
    request = Request("post", "https://h/x", {"A": "1"}, body)
    body[0] = ord("z")
    assert request.method == "POST"
    assert request.body == b"abc"
    assert isinstance(request.body, bytes)
    assert isinstance(request.headers, Headers)
    assert request.headers["a"] == "1"


def test_request_rejects_a_text_body() -> None:
    with pytest.raises(TypeError, match="bytes"):
        Request("POST", "https://h/x", body="text")  # type: ignore[arg-type]


def test_request_is_immutable_and_replace_makes_a_changed_copy() -> None:
    request = Request("GET", "https://h/x", {"A": "1"})
    with pytest.raises(AttributeError, match="immutable"):
        request.url = "https://other/"  # type: ignore[misc]
    changed = request.replace(method="delete", body=b"z")
    assert (changed.method, changed.url, changed.body) == ("DELETE", "https://h/x", b"z")
    assert changed.headers == request.headers
    assert request.method == "GET"
    assert request.body == b""
    with pytest.raises(TypeError):
        request.replace(colour="red")


def test_request_equality_and_unhashability() -> None:
    a = Request("GET", "https://h/x", {"A": "1"})
    assert a == Request("get", "https://h/x", {"a": "1"})
    assert a != Request("GET", "https://h/y", {"A": "1"})
    assert a != "GET https://h/x"
    with pytest.raises(TypeError):
        hash(a)


@pytest.mark.parametrize(
    ("url", "scheme", "host", "path", "target"),
    [
        (
            "https://h.example:8443/v1/p%2Fq?b=2&a=1",
            "https",
            "h.example:8443",
            "/v1/p%2Fq",
            "/v1/p%2Fq?b=2&a=1",
        ),
        ("http://127.0.0.1", "http", "127.0.0.1", "/", "/"),
        ("http://h/x?", "http", "h", "/x", "/x"),
        ("https://h/a%20b?q=%7E~#frag", "https", "h", "/a%20b", "/a%20b?q=%7E~"),
        ("http://[::1]:80/x", "http", "[::1]:80", "/x", "/x"),
    ],
)
def test_request_url_parts(url: str, scheme: str, host: str, path: str, target: str) -> None:
    request = Request("GET", url)
    assert request.scheme == scheme
    assert request.host == host
    assert request.path == path
    assert request.target == target


def test_request_query_decodes_pairs_in_wire_order_and_keeps_blanks() -> None:
    request = Request("GET", "https://h/x?b=2&a=%20x%2B&empty=&flag&b=1")
    assert request.query == [("b", "2"), ("a", " x+"), ("empty", ""), ("flag", ""), ("b", "1")]
    assert Request("GET", "https://h/x").query == []


def test_request_repr_shows_method_and_url_but_no_headers() -> None:
    text = repr(Request("GET", "https://h/x", {"X-Auth-Token": "tok-secret"}))
    assert text == "<Request GET https://h/x>"


# -- Response ---------------------------------------------------------------


def test_response_helpers() -> None:
    request = Request("GET", "https://h/x")
    response = Response(
        201,
        {"x-request-id": "rid-1", "Content-Type": "application/json"},
        bytearray(b'{"a": "\xc3\xa9\xff"}'),
        request,
    )
    assert response.status == 201
    assert response.request is request
    assert response.request_id == "rid-1"
    assert response.content_type == "application/json"
    assert isinstance(response.body, bytes)
    assert response.text == '{"a": "\u00e9\ufffd"}'
    assert repr(response) == "<Response [201]>"


def test_response_defaults() -> None:
    response = Response(204)
    assert response.body == b""
    assert response.headers == Headers()
    assert response.request is None
    assert response.request_id is None
    assert response.content_type == ""


# -- Transport ----------------------------------------------------------------


class _Echo(Transport):
    # Subclasses Transport on purpose: these tests check what the base class gives
    # a subclass (the context manager, a harmless default close()).
    def __init__(self) -> None:
        self.closed: List[bool] = []

    def send(self, request: Request) -> Response:
        return Response(200, body=request.body, request=request)

    def close(self) -> None:
        self.closed.append(True)


def test_transport_is_abstract() -> None:
    with pytest.raises(TypeError):
        Transport()  # type: ignore[abstract]


def test_transport_context_manager_closes_and_defaults_are_harmless() -> None:
    echo = _Echo()
    with echo as entered:
        assert entered is echo
        assert entered.send(Request("POST", "http://h/", body=b"x")).body == b"x"
    assert echo.closed == [True]
    Transport.close(echo)  # the base close is a no-op


def test_the_interface_is_send_and_close() -> None:
    public = {name for name in vars(Transport) if not name.startswith("_")}
    assert public == {"send", "close"}


def test_query_decoding_keeps_a_literal_plus() -> None:
    request = Request("GET", "https://h.example/p?a=1+2&b=%2B%20x&c&d=")
    assert request.query == [("a", "1+2"), ("b", "+ x"), ("c", ""), ("d", "")]


def test_headers_compare_unequal_to_a_non_header_mapping() -> None:
    assert Headers({"a": "1"}) != {"a": 1}


def test_a_json_response_holds_the_value_and_hands_out_copies() -> None:
    value = {"versions": [{"version_id": 1}], "is_success": True, "name": "再训练"}
    response = Response(200, {"Content-Type": "application/json"}, json=value)
    copy = response.json()
    assert copy == value and copy is not value and copy["versions"] is not value["versions"]
    copy["versions"].append("changed")
    assert response.json() == value  # a caller's change never reaches the recording
    assert json.loads(response.body) == value
    assert (
        response.body
        == '{"versions":[{"version_id":1}],"is_success":true,"name":"再训练"}'.encode()
    )


def test_a_response_has_one_body() -> None:
    with pytest.raises(TypeError, match="one body"):
        Response(200, {}, b"{}", json={})
    assert Response(200, json=None).body == b"null"


def test_a_bytes_response_parses_on_request() -> None:
    response = Response(200, {}, b'{"a": [1]}')
    assert response.json() == {"a": [1]}
    with pytest.raises(json.JSONDecodeError, match="Expecting value"):
        Response(200, {}, b"<html>").json()


def test_request_extensions_travel_but_are_not_the_request() -> None:
    marker = object()
    request = Request("GET", "http://h/", extensions={"k": marker})
    assert request.extensions["k"] is marker
    assert request.replace(url="http://h/x").extensions["k"] is marker
    assert request == Request("GET", "http://h/")
    assert dict(Request("GET", "http://h/").extensions) == {}


def test_mock_transport_answers_from_its_handler() -> None:
    seen: List[Request] = []

    def handler(request: Request) -> Response:
        seen.append(request)
        return Response(201, json={"path": request.path})

    with MockTransport(handler) as transport:
        request = Request("POST", "http://h/v1/x")
        response = transport.send(request)
    assert response.status == 201 and response.json() == {"path": "/v1/x"}
    assert response.request is request and seen == [request]
    assert "handler" in repr(transport)
