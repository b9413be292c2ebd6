"""The seam between the SDK and the network: ``Request``, ``Response``, ``Transport``.

A transport has two methods: ``send(request) -> response`` and ``close()``. It
turns one fully prepared request (already signed, URL final, body bytes final)
into one response, whatever its status. It never retries, never signs and
never decides what an error status means; the Session above it does those::

    from modelarts.transport import Request, Urllib3Transport

    with Urllib3Transport(timeout=(3.05, 30)) as transport:
        response = transport.send(Request("GET", "https://example.test/v1/x"))
        print(response.status, response.headers.get("X-Request-Id"))

Writing a transport (over another HTTP library, say) takes this file only:
subclass ``Transport``, implement ``send`` (and ``close`` if it holds
connections), raise only ``modelarts.errors.TransportError`` subclasses for
failures (``ConnectError`` when the request provably never left, so that the
Session may resend even a POST), and return ``Response(status, headers, body,
request)``. ``request.extensions`` carries per-request values for transports
that want them (the Session puts its ``Redactor`` there, under
``modelarts.redaction.REDACTOR_EXTENSION``, so that a recorder can scrub the
secrets it knows, and under ``TIME_LEFT_EXTENSION`` the seconds left before
its retry deadline, so that one attempt cannot outlast the whole call); a
transport that does not know a key ignores it.
"""

from __future__ import annotations

import abc
import json as jsonlib
from types import MappingProxyType
from typing import (
    TYPE_CHECKING,
    Any,
    Iterable,
    Iterator,
    List,
    Mapping,
    Optional,
    Tuple,
    Union,
)
from urllib.parse import unquote, urlsplit

if TYPE_CHECKING:
    from types import TracebackType

__all__ = [
    "TIME_LEFT_EXTENSION",
    "Headers",
    "Request",
    "Response",
    "Transport",
    "compact_json",
    "parse_query",
]

#: ``request.extensions`` key: seconds (float) this attempt may still take, set by
#: the Session from its retry deadline (``modelarts/retry.py``); the live
#: transports end the attempt with a timeout error when they pass.
TIME_LEFT_EXTENSION = "modelarts.time_left"

HeaderInput = Union["Headers", Mapping[str, str], Iterable[Tuple[str, str]], None]

_NO_EXTENSIONS: Mapping[str, Any] = MappingProxyType({})


def parse_query(query: str) -> List[Tuple[str, str]]:
    """Decode a query string as sent into ``(key, value)`` pairs, in wire order.

    Plain percent-decoding: ``+`` stays ``+``, because the signer's canonical
    encoding writes a space as ``%20``, never as ``+``. Empty pieces
    (``a=1&&b=2``) are skipped; a piece without ``=`` is a key with an empty
    value. The one query parser of the package: the signer, the replayer and
    the fake cloud all read a query through it.
    """
    pairs: List[Tuple[str, str]] = []
    for piece in query.split("&"):
        if piece:
            key, _, value = piece.partition("=")
            pairs.append((unquote(key), unquote(value)))
    return pairs


class Headers(Mapping[str, str]):
    """An immutable, case-insensitive header mapping that keeps the original case.

    Names compare case-insensitively (``headers["x-request-id"]`` finds
    ``X-Request-Id``), iteration yields the names as they were first written,
    and a repeated name keeps its last value.
    """

    __slots__ = ("_items",)

    _items: "dict[str, Tuple[str, str]]"

    def __init__(self, headers: HeaderInput = None) -> None:
        items: "dict[str, Tuple[str, str]]" = {}
        if headers is not None:
            pairs = headers.items() if isinstance(headers, Mapping) else headers
            for name, value in pairs:
                if not isinstance(name, str) or not isinstance(value, str):
                    raise TypeError(f"header names and values must be str, got {name!r}: {value!r}")
                items[name.lower()] = (name, value)
        self._items = items

    def __getitem__(self, name: str) -> str:
        return self._items[name.lower()][1]

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name.lower() in self._items

    def __iter__(self) -> Iterator[str]:
        return (original for original, _ in self._items.values())

    def __len__(self) -> int:
        return len(self._items)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Headers):
            return self.lower_items() == other.lower_items()
        if isinstance(other, Mapping):
            try:
                return self == Headers(other)
            except TypeError:  # a mapping with non-str values is not a header set
                return False
        return NotImplemented

    def __hash__(self) -> int:
        return hash(frozenset(self.lower_items().items()))

    def __repr__(self) -> str:
        # Header values can be secrets; the repr shows names only.
        return f"Headers({sorted(self)!r})"

    def lower_items(self) -> "dict[str, str]":
        """``{lower-case name: value}``."""
        return {lower: value for lower, (_, value) in self._items.items()}

    def merged(self, other: HeaderInput) -> "Headers":
        """A copy with ``other``'s headers added, replacing same-named ones."""
        result = Headers()
        result._items = dict(self._items)
        for name, value in Headers(other)._items.values():
            result._items[name.lower()] = (name, value)
        return result

    def without(self, *names: str) -> "Headers":
        """A copy without the named headers (case-insensitive)."""
        drop = {n.lower() for n in names}
        result = Headers()
        result._items = {k: v for k, v in self._items.items() if k not in drop}
        return result


class Request:
    """One HTTP request, final down to the byte: method, absolute URL, headers, body.

    The URL's query string is sent exactly as written (the signer builds the
    canonical one), so transports must not re-encode it. ``extensions`` holds
    values for the transports rather than the server (httpx's request
    extensions); it never goes on the wire.
    """

    __slots__ = ("method", "url", "headers", "body", "extensions")

    method: str
    url: str
    headers: Headers
    body: bytes
    extensions: Mapping[str, Any]

    def __init__(
        self,
        method: str,
        url: str,
        headers: HeaderInput = None,
        body: bytes = b"",
        extensions: Optional[Mapping[str, Any]] = None,
    ) -> None:
        if not isinstance(body, (bytes, bytearray)):
            raise TypeError(f"Request body must be bytes, got {type(body).__name__}")
        object.__setattr__(self, "method", method.upper())
        object.__setattr__(self, "url", url)
        object.__setattr__(
            self, "headers", headers if isinstance(headers, Headers) else Headers(headers)
        )
        object.__setattr__(self, "body", bytes(body))
        object.__setattr__(self, "extensions", extensions or _NO_EXTENSIONS)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("Request is immutable; use replace()")

    def replace(self, **changes: Any) -> "Request":
        """A copy with some of the fields (``method``, ``url``, ``body``, ...) changed."""
        fields = {name: getattr(self, name) for name in self.__slots__}
        fields.update(changes)
        return Request(**fields)

    @property
    def _split(self) -> Any:
        return urlsplit(self.url)

    @property
    def scheme(self) -> str:
        return str(self._split.scheme)

    @property
    def host(self) -> str:
        """The ``host[:port]`` part of the URL, as written."""
        return str(self._split.netloc)

    @property
    def path(self) -> str:
        """The path as sent (percent-encoding kept), ``/`` when empty."""
        return str(self._split.path) or "/"

    @property
    def query(self) -> "List[Tuple[str, str]]":
        """The query as decoded ``(key, value)`` pairs, in wire order (``parse_query``)."""
        return parse_query(self._split.query)

    @property
    def target(self) -> str:
        """Path plus query, as on the request line."""
        split = self._split
        return (split.path or "/") + (f"?{split.query}" if split.query else "")

    def __eq__(self, other: object) -> bool:
        # Extensions are not part of what a request *is*: two sessions sending
        # the same bytes send the same request.
        if not isinstance(other, Request):
            return NotImplemented
        return (self.method, self.url, self.headers, self.body) == (
            other.method,
            other.url,
            other.headers,
            other.body,
        )

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"<Request {self.method} {self.url}>"


_NO_JSON: Any = object()


class Response:
    """One HTTP response and the request that produced it.

    The body is held once, either as the bytes received or, for a response
    built from parsed JSON (``Response(200, json={...})``, as a replay or a test
    does), as that value; ``body`` encodes such a value when read and
    ``json()`` decodes bytes when called. ``json()`` of a JSON-built response
    returns a fresh copy, so a caller changing it never changes a recording
    that may be replayed again. A builder that keeps no reference to the value
    says so with ``handed_over=True``: the first ``json()`` then returns the
    value itself, as decoding bytes would have given a value of the caller's
    own (later calls copy it as it then is, and so does ``body``).
    """

    __slots__ = ("status", "headers", "request", "_body", "_json", "_handed_over")

    def __init__(
        self,
        status: int,
        headers: HeaderInput = None,
        body: bytes = b"",
        request: Optional[Request] = None,
        *,
        json: Any = _NO_JSON,
        handed_over: bool = False,
    ) -> None:
        self.status = status
        self.headers = headers if isinstance(headers, Headers) else Headers(headers)
        self.request = request
        self._body: Optional[bytes] = bytes(body)
        self._json: Any = None
        self._handed_over = False
        if json is not _NO_JSON:
            if body:
                raise TypeError("a Response has one body: pass body= or json=, not both")
            self._body = None
            self._json = json
            self._handed_over = handed_over

    @property
    def body(self) -> bytes:
        """The body bytes (a JSON-built body encoded compactly, as UTF-8)."""
        if self._body is None:
            return compact_json(self._json).encode("utf-8")
        return self._body

    def json(self) -> Any:
        """The body parsed as JSON.

        Raises ``ValueError`` (``json.JSONDecodeError``) when the bytes are not
        JSON, or ``RecursionError`` when they nest too deep to parse.
        """
        if self._body is None:
            if self._handed_over:
                self._handed_over = False
                return self._json
            return _copy_json(self._json)
        return jsonlib.loads(self._body)

    @property
    def request_id(self) -> Optional[str]:
        """The ``X-Request-Id`` header, the handle Huawei support asks for."""
        return self.headers.get("X-Request-Id")

    @property
    def content_type(self) -> str:
        return self.headers.get("Content-Type", "")

    @property
    def text(self) -> str:
        """The body decoded as UTF-8, undecodable bytes replaced."""
        return self.body.decode("utf-8", errors="replace")

    def __repr__(self) -> str:
        return f"<Response [{self.status}]>"


def compact_json(value: Any) -> str:
    """``value`` as JSON without spaces; non-ASCII kept unless it cannot be UTF-8."""
    text = jsonlib.dumps(value, ensure_ascii=False, separators=(",", ":"))
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate from a "\udxxx" escape
        text = jsonlib.dumps(value, separators=(",", ":"))
    return text


#: The types of parsed JSON that hold other values.
CONTAINERS = frozenset((dict, list))


def _copy_json(value: Any) -> Any:
    """A copy of parsed JSON that shares only the immutable leaves.

    Containers whose items are all leaves (the common case: arrays of numbers,
    flat objects) are copied by C in one call; ``map(type, ...)`` finds them
    without a Python step per item.
    """
    kind = type(value)
    if kind is dict:
        copied = value.copy()
        if not CONTAINERS.isdisjoint(map(type, value.values())):
            for key, item in value.items():
                if type(item) in CONTAINERS:
                    copied[key] = _copy_json(item)
        return copied
    if kind is list:
        if CONTAINERS.isdisjoint(map(type, value)):
            return value.copy()
        return [_copy_json(item) for item in value]
    return value  # str, int, float, bool, None: immutable


class Transport(abc.ABC):
    """Sends one prepared ``Request`` and returns its ``Response``.

    Implementations raise only ``modelarts.errors.TransportError`` subclasses
    (or, for replay, ``FixtureError`` subclasses) and return every HTTP status
    as a ``Response``: turning a 4xx into an ``APIError`` is the Session's job.
    A transport is a context manager; ``close()`` releases its connections and
    must be safe to call twice.
    """

    @abc.abstractmethod
    def send(self, request: Request) -> Response:
        """Send ``request`` and return the response, whatever its status."""

    def close(self) -> None:
        """Release connections and files. Safe to call more than once."""

    def __enter__(self) -> "Transport":
        return self

    def __exit__(
        self,
        exc_type: "Optional[type[BaseException]]",
        exc: Optional[BaseException],
        tb: "Optional[TracebackType]",
    ) -> None:
        self.close()
