"""SDK-HMAC-SHA256 request signing as pure functions.

The algorithm is the one Huawei Cloud's API Gateway documents in its "AK/SK
signing and authentication" developer guide; ``tests/data/sign_vectors.json``
holds the vectors this module reproduces.

The Session builds the URL once with ``build_url`` (which puts the canonical,
sorted and RFC 3986-encoded query on the wire) and signs every attempt afresh
with ``sign_request``::

    from modelarts.signing import build_url, format_sdk_date, sign_request
    from modelarts.transport import Request

    url = build_url("https://modelarts.cn-north-4.myhuaweicloud.com",
                    f"/v1/{project_id}/training-jobs", {"per_page": 10, "page": 1})
    request = Request("GET", url, {"Content-Type": "application/json"})
    signed = sign_request(request, access_key=ak, secret_key=sk,
                          date=format_sdk_date(datetime.now(timezone.utc)))

Everything here is stdlib only and does no I/O. ``sign`` also returns the
intermediate strings (canonical request, string to sign), which is what the
vectors in ``tests/data/sign_vectors.json`` pin down byte for byte.

Deliberate differences from huaweicloudsdkcore's ``Signer``, all on inputs the
official signer mishandles or where the wire is what counts:

* Query pairs are sorted on their *string* forms. The official signer sorts the
  caller's Python values, so a repeated key with the ints ``2`` and ``10``
  would go on the wire as ``k=2&k=10``, which no server re-deriving the
  canonical query from the wire can reproduce. For distinct keys and for string
  values (everything the vectors cover) the results are identical.
* ``Content-Type`` is looked up case-insensitively when deciding on
  ``UNSIGNED-PAYLOAD`` (the official signer only looks at the exact key
  ``Content-Type``).
* ``None`` inside a list value is dropped, like a ``None`` value (the official
  signer would send the text ``None``).
* An empty ``security_token`` adds no header (the official credentials would
  send an empty ``X-Security-Token``).
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import Iterable, List, Mapping, NamedTuple, Optional, Sequence, Tuple, Union
from urllib.parse import quote, unquote, urlsplit

from .errors import ConfigurationError, InvalidArgumentError
from .transport.base import Headers, Request, parse_query

__all__ = [
    "ALGORITHM",
    "DATE_FORMAT",
    "EMPTY_PAYLOAD_HASH",
    "UNSIGNED_PAYLOAD",
    "SigningResult",
    "authorization_header",
    "build_url",
    "canonical_headers",
    "canonical_query",
    "canonical_request",
    "canonical_uri",
    "check_method",
    "encode",
    "format_sdk_date",
    "needs_unsigned_payload",
    "payload_hash",
    "query_pairs",
    "sign",
    "sign_request",
    "signature",
    "signed_header_names",
    "string_to_sign",
    "utf8_text",
]

ALGORITHM = "SDK-HMAC-SHA256"
#: ``X-Sdk-Date`` format: UTC, no separators, a literal ``Z``.
DATE_FORMAT = "%Y%m%dT%H%M%SZ"
#: The hex SHA-256 of no bytes (``tests/test_signing.py`` checks it).
EMPTY_PAYLOAD_HASH = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD"

HEADER_AUTHORIZATION = "Authorization"
HEADER_CONTENT_SHA256 = "X-Sdk-Content-Sha256"
HEADER_DATE = "X-Sdk-Date"
HEADER_HOST = "Host"
HEADER_SECURITY_TOKEN = "X-Security-Token"  # noqa: S105 (a header name)

# Content types whose bodies are hashed; any other Content-Type with a body is
# signed as UNSIGNED-PAYLOAD, as API Gateway's AK/SK signing guide does (its prefix test
# is case-sensitive).
_HASHED_CONTENT_TYPES = ("application/json", "application/bson")

_DATE_SHAPE = re.compile(r"[0-9]{8}T[0-9]{6}Z")
# What may appear in a path on the wire: RFC 3986 pchar, "/" and %XX escapes.
_WIRE_PATH = re.compile(r"/(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/]|%[0-9A-Fa-f]{2})*")
# Anything outside printable ASCII (space and controls included) cannot be sent
# verbatim in a request line, so it would not reach the server as signed.
_NOT_URL_SAFE = re.compile(r"[^\x21-\x7e]")
_BREAKS_HEADER = re.compile(r"[\r\n\x00]")

QueryScalar = Union[str, int, float, bool]
QueryValue = Union[QueryScalar, Sequence[QueryScalar], None]
QueryParams = Union[Mapping[str, QueryValue], Iterable[Tuple[str, QueryValue]]]


class SigningResult(NamedTuple):
    """A signed request and the intermediate strings that produced it."""

    request: Request
    canonical_request: str
    string_to_sign: str
    signed_headers: str
    signature: str


# -- values -----------------------------------------------------------------------


def format_sdk_date(moment: datetime) -> str:
    """``X-Sdk-Date`` for ``moment``, e.g. ``20261127T060000Z``.

    ``moment`` must be timezone-aware: a naive datetime is rejected, because
    ``datetime.now()`` is local time and would sign hours off on most machines.
    """
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise InvalidArgumentError(
            "format_sdk_date needs a timezone-aware datetime, e.g. datetime.now(timezone.utc)"
        )
    return moment.astimezone(timezone.utc).strftime(DATE_FORMAT)


# RFC 9110 5.6.2: a method is a "token".
_METHOD = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")


def check_method(method: object) -> str:
    """``method`` if it is an HTTP method token (``GET``, ``POST``...).

    Else ``InvalidArgumentError``: the method is signed and goes on the request line.
    """
    if not isinstance(method, str) or not _METHOD.fullmatch(method):
        raise InvalidArgumentError(f"invalid HTTP method {method!r}")
    return method


def utf8_text(text: str, what: str) -> str:
    """``text`` if it can be sent as UTF-8, else ``InvalidArgumentError``.

    A lone surrogate (``"\\udc80"``, what Python makes of undecodable bytes in
    a file name or a command line) has no UTF-8 form: sent, it would fail deep
    inside ``encode()`` with a bare ``UnicodeEncodeError``.
    """
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise InvalidArgumentError(
            f"{what} is not valid text: character {exc.start + 1} is a lone surrogate "
            f"({text[exc.start]!a}), which has no UTF-8 form; pass a proper str"
        ) from None
    return text


def encode(text: str) -> str:
    """RFC 3986 percent-encoding of UTF-8: only ``A-Za-z0-9-._~`` stay literal.

    Space becomes ``%20`` (never ``+``), hex digits are upper case. This is also
    the right way to put a value into one path segment: ``/`` becomes ``%2F``.
    """
    return quote(text, safe="~")


def canonical_uri(path: str) -> str:
    """The CanonicalURI line of the canonical request, for a wire path.

    The path is decoded, split on ``/`` (so ``%2F`` counts as a separator), each
    segment re-encoded, and a ``/`` appended when missing; ``""`` gives ``/``.
    """
    encoded = "/".join([encode(segment) for segment in unquote(path).split("/")])
    return encoded if encoded.endswith("/") else encoded + "/"


def _element_text(key: str, value: object) -> str:
    # str(), as the official signer does, but pinned for subclasses: an IntEnum
    # or str-Enum prints differently on Python 3.9 and 3.11.
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, int):
        return str(int(value))
    if isinstance(value, float):
        return repr(float(value))
    if isinstance(value, str):
        return utf8_text(value if type(value) is str else str.__str__(value), f"query {key!r}")
    raise InvalidArgumentError(
        f"query parameter {key!r}: unsupported value type {type(value).__name__}"
    )


def query_pairs(params: Optional[QueryParams]) -> List[Tuple[str, str]]:
    """Caller parameters as ``(key, value)`` strings, in the caller's order.

    ``params`` is a mapping or an iterable of pairs. ``None`` values (and
    ``None`` list elements) are dropped, ``True``/``False`` become ``true`` /
    ``false``, a list or tuple gives one pair per element (each through
    ``str()``, so a bool inside a list is ``True``, unlike a bare bool), numbers print
    as Python prints them.
    """
    if params is None:
        return []
    given: object = params  # typed as pairs, but a caller may pass anything
    if isinstance(given, (str, bytes)) or not isinstance(given, (Mapping, Iterable)):
        raise InvalidArgumentError(
            f"query must be a mapping or (key, value) pairs, got {type(params).__name__}"
        )
    items = params.items() if isinstance(params, Mapping) else params
    pairs: List[Tuple[str, str]] = []
    for item in items:
        if not isinstance(item, (tuple, list)) or len(item) != 2:
            raise InvalidArgumentError(f"query items must be (key, value) pairs, got {item!r}")
        key, value = item
        if not isinstance(key, str):
            raise InvalidArgumentError(f"query parameter names must be str, got {key!r}")
        utf8_text(key, "query parameter name")
        if value is None:
            continue
        if isinstance(value, bool):
            pairs.append((key, "true" if value else "false"))
        elif isinstance(value, (list, tuple)):
            pairs.extend((key, _element_text(key, item)) for item in value if item is not None)
        else:
            pairs.append((key, _element_text(key, value)))
    return pairs


def canonical_query(pairs: Iterable[Tuple[str, str]]) -> str:
    """The CanonicalQueryString: pairs sorted by raw key then raw value, then encoded.

    An empty value keeps its ``=`` (``k=``); no pairs give ``""``. This is also
    exactly the query string to send.
    """
    return "&".join([f"{encode(key)}={encode(value)}" for key, value in sorted(pairs)])


def build_url(base_url: str, path: str, params: Optional[QueryParams] = None) -> str:
    """The wire URL: ``base_url`` + ``path`` as given + ``?`` + the canonical query.

    ``base_url`` is ``scheme://host[:port]`` and may carry a path prefix
    (``https://gw.example/modelarts``), which is then part of the path that is
    sent and signed. ``path`` starts with ``/`` and is already percent-encoded
    where needed (put path parameters through ``encode``): it is sent as given,
    with no trailing slash added (only the signed CanonicalURI ends in ``/``).
    There is no ``?`` when the query is empty.
    """
    try:
        split = urlsplit(base_url)
        host = split.hostname
    except ValueError:  # an unclosed IPv6 bracket
        host = None
    if not host or split.scheme.lower() not in ("http", "https"):
        raise ConfigurationError(f"endpoint must be an http(s) URL with a host, got {base_url!r}")
    if split.query or split.fragment or "@" in split.netloc or _NOT_URL_SAFE.search(base_url):
        raise ConfigurationError(
            f"endpoint must be scheme://host[:port][/prefix] without user, query or fragment, "
            f"got {base_url!r}"
        )
    if not _WIRE_PATH.fullmatch(path):
        raise InvalidArgumentError(
            f"path must start with '/' and be percent-encoded (no spaces, '?', '#' or "
            f"non-ASCII), got {path!r}"
        )
    query = canonical_query(query_pairs(params))
    url = base_url.rstrip("/") + path
    return f"{url}?{query}" if query else url


# -- headers and payload ------------------------------------------------------------


def needs_unsigned_payload(headers: Headers) -> bool:
    """Whether ``X-Sdk-Content-Sha256: UNSIGNED-PAYLOAD`` must be added (§1.1 step 2)."""
    content_type = headers.get("Content-Type", "")
    return content_type != "" and not content_type.startswith(_HASHED_CONTENT_TYPES)


def signed_header_names(headers: Iterable[str]) -> List[str]:
    """Lower-cased, sorted names of the headers to sign: all but those containing ``_``."""
    return sorted({name.lower() for name in headers if "_" not in name})


def canonical_headers(headers: Headers, names: Iterable[str]) -> str:
    """The CanonicalHeaders block: ``name:value\\n`` per signed name, values end-trimmed."""
    return "".join([f"{name}:{headers[name].strip()}\n" for name in names])


def payload_hash(body: Optional[bytes], headers: Headers) -> str:
    """The HashedPayload line, the last line of the canonical request.

    An empty body hashes as the empty string, even when ``X-Sdk-Content-Sha256``
    is set; otherwise that header's value (``UNSIGNED-PAYLOAD``) wins over the
    SHA-256 of the body bytes.
    """
    if not body:
        return EMPTY_PAYLOAD_HASH
    declared = headers.get(HEADER_CONTENT_SHA256, "").strip()
    if declared:
        return declared
    return _sha256(body)


def canonical_request(
    method: str,
    uri: str,
    query: str,
    headers_block: str,
    signed_headers: str,
    hashed_payload: str,
) -> str:
    """The six-part canonical request; ``headers_block`` ends with ``\\n`` itself."""
    return "\n".join([method.upper(), uri, query, headers_block, signed_headers, hashed_payload])


def string_to_sign(date: str, canonical: str) -> str:
    """``SDK-HMAC-SHA256\\n<date>\\n<hex sha256 of the canonical request>``."""
    return f"{ALGORITHM}\n{date}\n{_sha256(canonical.encode('utf-8'))}"


def signature(secret_key: str, to_sign: str) -> str:
    """Lower-case hex HMAC-SHA256 keyed with the raw SK (no key derivation)."""
    import hashlib
    import hmac

    return hmac.new(secret_key.encode("utf-8"), to_sign.encode("utf-8"), hashlib.sha256).hexdigest()


def _sha256(data: bytes) -> str:
    # hashlib is imported when the first request is signed: a Session that
    # replays, and ``modelarts --help``, never load it.
    import hashlib

    return hashlib.sha256(data).hexdigest()


def authorization_header(
    access_key: str, signed_headers: Union[str, Sequence[str]], signature_hex: str
) -> str:
    """``SDK-HMAC-SHA256 Access=<AK>, SignedHeaders=<a;b>, Signature=<hex>``."""
    names = signed_headers if isinstance(signed_headers, str) else ";".join(signed_headers)
    return f"{ALGORITHM} Access={access_key}, SignedHeaders={names}, Signature={signature_hex}"


# -- the whole request -------------------------------------------------------------


def sign(
    request: Request,
    *,
    access_key: str,
    secret_key: str,
    date: str,
    security_token: Optional[str] = None,
) -> SigningResult:
    """Sign ``request``; return the signed copy and the intermediate strings.

    The URL's query must already be canonical (as ``build_url`` writes it): a
    query the server would canonicalise differently raises
    ``ConfigurationError`` rather than being sent unlike it was signed. Any
    ``Authorization`` header is replaced, so a signed request can be re-signed
    with a new date. A ``Host`` header already present is kept (it is signed as
    given): sign the unsigned request again when the URL changes.
    """
    if not access_key or not secret_key:
        raise ConfigurationError("signing needs both an access key and a secret key")
    if not _DATE_SHAPE.fullmatch(date):
        raise InvalidArgumentError(f"X-Sdk-Date must look like 20261127T060000Z, got {date!r}")
    if _NOT_URL_SAFE.search(request.url):
        raise ConfigurationError(
            f"URL must be percent-encoded ASCII without spaces: {request.url!r}"
        )
    try:
        split = urlsplit(request.url)
    except ValueError as exc:  # an unclosed IPv6 bracket
        raise ConfigurationError(f"cannot sign {request.url!r}: {exc}") from None
    if split.fragment or not split.netloc or "@" in split.netloc:
        raise ConfigurationError(
            f"cannot sign a URL without a host, or with a user or a fragment: {request.url!r}"
        )
    query = canonical_query(parse_query(split.query))
    if query != split.query:
        raise ConfigurationError(
            f"the URL's query is not canonical (expected {query!r}, got {split.query!r}); "
            "build the URL with build_url()"
        )

    headers = request.headers.without(HEADER_AUTHORIZATION)
    additions = {HEADER_DATE: date}
    if security_token:
        additions[HEADER_SECURITY_TOKEN] = security_token
    if HEADER_HOST not in headers:
        additions[HEADER_HOST] = split.netloc
    if needs_unsigned_payload(headers):
        additions[HEADER_CONTENT_SHA256] = UNSIGNED_PAYLOAD
    # Values go on the wire end-trimmed, exactly as they were signed (§1.1 step 11).
    final = Headers([(name, value.strip()) for name, value in headers.merged(additions).items()])
    for name, value in final.items():
        if _BREAKS_HEADER.search(value):
            raise ConfigurationError(f"header {name!r} contains a line break or NUL")

    names = signed_header_names(final)
    signed = ";".join(names)
    canonical = canonical_request(
        request.method,
        canonical_uri(split.path),
        query,
        canonical_headers(final, names),
        signed,
        payload_hash(request.body, final),
    )
    to_sign = string_to_sign(date, canonical)
    signature_hex = signature(secret_key, to_sign)
    authorization = authorization_header(access_key, signed, signature_hex)
    final = final.merged({HEADER_AUTHORIZATION: authorization})
    return SigningResult(
        request=request.replace(headers=final),
        canonical_request=canonical,
        string_to_sign=to_sign,
        signed_headers=signed,
        signature=signature_hex,
    )


def sign_request(
    request: Request,
    *,
    access_key: str,
    secret_key: str,
    date: str,
    security_token: Optional[str] = None,
) -> Request:
    """A signed copy of ``request``: ``sign(...).request``."""
    return sign(
        request,
        access_key=access_key,
        secret_key=secret_key,
        date=date,
        security_token=security_token,
    ).request
