"""The seam between the SDK and the network: ``Request``, ``Response``, ``Transport``.

A transport turns one fully prepared request (already signed, URL final, body
bytes final) into one response. It never retries, never signs and never parses
JSON; the Session above it does those, so every implementation stays one method
deep::

    from modelarts.transport import Request, Urllib3Transport

    with Urllib3Transport(timeout=(3.05, 30)) as transport:
        response = transport.send(Request("GET", "https://example.test/v1/x"))
        print(response.status, response.headers.get("X-Request-Id"))
"""

from __future__ import annotations

import abc
from typing import (
    TYPE_CHECKING,
    Any,
    Callable,
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

    from ..redaction import Redactor

__all__ = ["Headers", "Request", "Response", "Transport"]

HeaderInput = Union["Headers", Mapping[str, str], Iterable[Tuple[str, str]], None]


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
    canonical one), so transports must not re-encode it.
    """

    __slots__ = ("method", "url", "headers", "body")

    method: str
    url: str
    headers: Headers
    body: bytes

    def __init__(
        self,
        method: str,
        url: str,
        headers: HeaderInput = None,
        body: bytes = b"",
    ) -> None:
        if not isinstance(body, (bytes, bytearray)):
            raise TypeError(f"Request body must be bytes, got {type(body).__name__}")
        object.__setattr__(self, "method", method.upper())
        object.__setattr__(self, "url", url)
        object.__setattr__(
            self, "headers", headers if isinstance(headers, Headers) else Headers(headers)
        )
        object.__setattr__(self, "body", bytes(body))

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("Request is immutable; use replace()")

    def replace(self, **changes: Any) -> "Request":
        """A copy with some of ``method``, ``url``, ``headers``, ``body`` changed."""
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
        """The query as decoded ``(key, value)`` pairs, in wire order.

        Decoded with plain percent-decoding: a literal ``+`` stays ``+`` (the
        signer encodes a space as ``%20``, never ``+``).
        """
        pairs = []
        for piece in self._split.query.split("&"):
            if piece:
                key, _, value = piece.partition("=")
                pairs.append((unquote(key), unquote(value)))
        return pairs

    @property
    def target(self) -> str:
        """Path plus query, as on the request line."""
        split = self._split
        return (split.path or "/") + (f"?{split.query}" if split.query else "")

    def __eq__(self, other: object) -> bool:
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


class Response:
    """One HTTP response and the request that produced it.

    A transport that already holds the body as parsed JSON (a replay) builds
    the response with ``Response.from_json``: the bytes are then only made if
    someone reads ``body``, and the Session takes a copy of the parsed value
    (``json_value()``) instead of decoding bytes it would first have to encode.
    """

    __slots__ = ("status", "headers", "_body", "request", "_json", "_encode")

    def __init__(
        self,
        status: int,
        headers: HeaderInput = None,
        body: bytes = b"",
        request: Optional[Request] = None,
    ) -> None:
        self.status = status
        self.headers = headers if isinstance(headers, Headers) else Headers(headers)
        self._body: Optional[bytes] = bytes(body)
        self.request = request
        self._json: Any = None
        self._encode: Optional[Callable[[Any], bytes]] = None

    @classmethod
    def from_json(
        cls,
        status: int,
        headers: HeaderInput,
        value: Any,
        request: Optional[Request] = None,
        *,
        encode: Callable[[Any], bytes],
    ) -> "Response":
        """A response whose body is ``encode(value)``, made only when ``body`` is read."""
        response = cls(status, headers, b"", request)
        response._body = None
        response._json = value
        response._encode = encode
        return response

    @property
    def body(self) -> bytes:
        """The body bytes."""
        if self._body is None:
            assert self._encode is not None
            self._body = self._encode(self._json)
        return self._body

    @property
    def has_json_value(self) -> bool:
        """Whether the transport handed over the body already parsed (``from_json``)."""
        return self._encode is not None

    def json_value(self) -> Any:
        """A fresh copy of the parsed body of a ``from_json`` response.

        A copy, so that a caller changing what it got cannot change a recording
        that may be replayed again. Raises ``LookupError`` for other responses.
        """
        if self._encode is None:
            raise LookupError("this response was built from bytes; decode its body")
        return _copy_json(self._json)

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


def _copy_json(value: Any) -> Any:
    kind = type(value)
    if kind is dict:
        return {key: _copy_json(item) for key, item in value.items()}
    if kind is list:
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

    #: Whether requests through this transport need real credentials. A replaying
    #: transport answers from disk, so the Session may use placeholders.
    requires_credentials: bool = True

    @abc.abstractmethod
    def send(self, request: Request) -> Response:
        """Send ``request`` and return the response, whatever its status."""

    def close(self) -> None:
        """Release connections and files. Safe to call more than once."""

    def attach_redactor(self, redactor: "Redactor") -> None:
        """Learn the secrets of a Session that will use this transport.

        The Session calls this once; transports that write traffic somewhere
        (the recorder) use it to scrub secrets. The default does nothing.
        """

    def __enter__(self) -> "Transport":
        return self

    def __exit__(
        self,
        exc_type: "Optional[type[BaseException]]",
        exc: Optional[BaseException],
        tb: "Optional[TracebackType]",
    ) -> None:
        self.close()
