"""The values a fixture holds: stored requests, responses and bodies (no I/O).

``fixture_format`` reads and renders them, ``fixture_files`` writes them,
``_replay`` builds them from live traffic. Bodies are classified once, here,
so recording and replay agree.
"""

from __future__ import annotations

import json
import math
import re
from itertools import accumulate
from types import MappingProxyType
from typing import Any, Dict, List, Mapping, NamedTuple, Optional, Tuple

from .. import __version__
from ..errors import FixtureFormatError
from ._body_spans import JSONText
from ._content_coding import coding_of, encode_content
from .base import CONTAINERS, Request, Response, compact_json

__all__ = [
    "EMPTY_BODY",
    "FORMAT_VERSION",
    "MAX_JSON_DEPTH",
    "Body",
    "Fixture",
    "Interaction",
    "StoredRequest",
    "StoredResponse",
    "body_from_bytes",
    "reject_constant",
    "sha256_hex",
]

_TEXTUAL_MARKERS = ("json", "xml", "javascript", "x-www-form-urlencoded", "charset=")

#: The ``modelarts_fixture`` value this SDK writes and reads.
FORMAT_VERSION = 1

#: How deep a JSON body in a fixture may nest (objects and arrays inside each other).
#: ModelArts v1 and IAM bodies nest fewer than 10 levels; 100 leaves room for any
#: real answer and keeps every step that walks a body (scrubbing, the leak check,
#: writing, replaying) far from the interpreter's recursion limit. The recorder
#: refuses a deeper answer when it arrives (``RecordingTransport.send``), and
#: ``load_fixture`` a file holding one.
MAX_JSON_DEPTH = 100

_NOT_SYNTAX = bytes(b for b in range(256) if b not in b'"[]{}\\')
_QUOTED = re.compile(rb'"[^"]*"')
# +1 for an opening bracket, -1 for a closing one, indexed by byte value.
_QUOTE = ord('"')
_BRACKET_STEP = tuple(1 if b in b"[{" else -1 if b in b"]}" else 0 for b in range(256))


class _Invalid:
    """Marks bytes that are not strict JSON."""


_INVALID = _Invalid()


# Immutable values as NamedTuples, not dataclasses: a replay loads this module,
# and the dataclasses machinery would be most of its import time.
_NO_HEADERS: Mapping[str, str] = MappingProxyType({})


class Body(NamedTuple):
    """A body as stored: ``kind`` is ``empty``, ``json``, ``text`` or ``binary``.

    Or ``json-text``: a JSON answer a replay-only load left unparsed (its value a
    ``JSONText``, see ``_body_spans``); ``resolved()`` parses and checks it.
    """

    kind: str = "empty"
    value: Any = None

    def resolved(self) -> "Body":
        """This body, a ``json-text`` one parsed (a fresh value each time) and checked.

        Raises ``FixtureFormatError`` naming the file, interaction and field when
        the text is not one strict JSON value, or nests too deep to parse. (Its
        depth is not held to ``MAX_JSON_DEPTH``: that limit keeps the recorder's
        walks over stored bodies safe, and a replay-only load, the one that
        defers answers, hands each one over as parsed, as a live answer is.)
        """
        if self.kind != "json-text":
            return self
        span: JSONText = self.value
        try:
            value, end = _STRICT.raw_decode(span.text, span.start)
        except RecursionError:
            raise FixtureFormatError(f"{span.where}: nested too deeply to read") from None
        except ValueError as exc:  # the position is the file's: raw_decode reads it in place
            raise FixtureFormatError(f"{span.where}: not valid JSON: {exc}") from None
        if end != span.end:
            line = span.text.count("\n", 0, end) + 1
            raise FixtureFormatError(
                f"{span.where}: its value ends on line {line}, before the line that should "
                "close it (indented as its opening line); indent the body as the recorder "
                "writes it, or record the fixture again"
            )
        return Body("json", value)

    def to_bytes(self) -> bytes:
        """The bytes a replayed response carries."""
        if self.kind == "json-text":
            return self.resolved().to_bytes()
        if self.kind == "json":
            return compact_json(self.value).encode("utf-8")
        if self.kind == "text":
            return str(self.value).encode("utf-8")
        if self.kind == "binary":
            return bytes(self.value)
        return b""

    def match_key(self) -> str:
        """Equal for equal content: JSON compared parsed, so key order and spacing don't matter."""
        if self.kind == "json-text":
            return self.resolved().match_key()
        if self.kind == "json":
            return "json:" + json.dumps(self.value, sort_keys=True, separators=(",", ":"))
        if self.kind == "text":
            return "text:" + str(self.value)
        if self.kind == "binary":
            return "binary:" + sha256_hex(bytes(self.value))
        return ""

    def summary(self, limit: int = 200) -> str:
        """A one-line description for error messages."""
        if self.kind == "json-text":
            return self.resolved().summary(limit)
        if self.kind == "json":
            text = compact_json(self.value)
        elif self.kind == "text":
            text = repr(str(self.value))
        elif self.kind == "binary":
            return f"<{len(self.value)} bytes of binary>"
        else:
            return "(empty)"
        return text if len(text) <= limit else text[: limit - 1] + "…"


EMPTY_BODY = Body()


class StoredRequest(NamedTuple):
    """A request as the fixture keeps it: normalised, redacted, host-free."""

    method: str
    path: str
    query: Tuple[Tuple[str, str], ...] = ()
    headers: Mapping[str, str] = _NO_HEADERS
    body: Body = EMPTY_BODY

    def target(self) -> str:
        """``path?k=v&...``, readable (not percent-encoded)."""
        if not self.query:
            return self.path
        return self.path + "?" + "&".join(f"{k}={v}" for k, v in self.query)


class StoredResponse(NamedTuple):
    """A response as the fixture keeps it."""

    status: int
    headers: Mapping[str, str] = _NO_HEADERS
    body: Body = EMPTY_BODY

    def to_response(
        self, request: Optional[Request] = None, *, handed_over: bool = False
    ) -> Response:
        """A fresh ``Response`` answering ``request``.

        A JSON body is handed over parsed (``Response(json=...)``): a Session
        reads it rather than decoding bytes encoded a moment before, and gets a
        copy unless ``handed_over`` says nothing else holds this value any more
        (as for a ``json-text`` body, parsed afresh for each response).
        A body recorded with a ``content-encoding`` is stored decoded and encoded
        again here, so the header stays true.
        """
        body = self.body.resolved()
        if body is not self.body:
            handed_over = True  # parsed just now: nobody else holds the value
        coding = coding_of(self.headers.get("content-encoding"))
        if coding:
            data = encode_content(body.to_bytes(), coding)
            return Response(self.status, dict(self.headers), data, request=request)
        if body.kind == "json":
            return Response(
                self.status,
                self.headers,  # copied into the Response's own Headers
                json=body.value,
                request=request,
                handed_over=handed_over,
            )
        return Response(self.status, dict(self.headers), body.to_bytes(), request=request)


class Interaction(NamedTuple):
    """One request and the response it got."""

    request: StoredRequest
    response: StoredResponse


class Fixture(NamedTuple):
    """A whole fixture file."""

    interactions: Tuple[Interaction, ...] = ()
    sdk_version: str = __version__
    recorded_at: str = ""


# -- classification -------------------------------------------------------------


def body_from_bytes(data: bytes, content_type: str, *, any_json: bool = False) -> Body:
    """Classify a body for storage.

    JSON when the Content-Type says so (or, with ``any_json``, whenever the
    bytes parse: requests are matched, never replayed) and the bytes are strict
    JSON; text when the type is textual and the bytes are UTF-8; binary
    otherwise. A JSON-typed body that does not parse (a truncated answer) is
    kept as text, byte for byte.
    """
    if not data:
        return EMPTY_BODY
    lowered = content_type.lower()
    looks_structured = not lowered and data.lstrip()[:1] in (b"{", b"[")
    if any_json or "json" in lowered or looks_structured:
        parsed = _strict_json(data)
        if not isinstance(parsed, _Invalid):
            return Body("json", parsed)
    if not lowered or lowered.startswith("text/") or any(m in lowered for m in _TEXTUAL_MARKERS):
        try:
            return Body("text", data.decode("utf-8"))
        except UnicodeDecodeError:
            pass
    return Body("binary", bytes(data))


def json_depth(data: bytes) -> int:
    """How many objects and arrays ``data`` (JSON text) nests inside each other.

    Counted on the bytes, without parsing, so that it is safe on any input; for
    text that is not JSON it is an upper bound. A loaded fixture is checked
    whole (megabytes), so the bytes are walked only by C: everything but quotes,
    brackets and backslashes is dropped, then the quotes escaped in the text,
    then every quoted stretch; the depth is the running sum of the brackets left.
    """
    skeleton = _drop_escaped_quotes(data, data.translate(None, _NOT_SYNTAX))
    skeleton = _QUOTED.sub(b"", skeleton.replace(b'""', b""))
    if not skeleton:
        return 0
    return max(0, max(accumulate(map(_BRACKET_STEP.__getitem__, skeleton))))


def capped_depth(value: Any, cap: int) -> int:
    """How many arrays and objects parsed JSON ``value`` nests, or ``cap`` if at least that many.

    Checks a loaded fixture's bodies, so it is cheap where bodies are big: it
    never recurses more than ``cap`` levels, visits containers only, and passes
    over the arrays and objects that hold no container (series of numbers, flat
    records: most of them) in C, with ``map(type, ...)``.
    """
    kind = type(value)
    if kind is dict:
        items = value.values()
    elif kind is list:
        items = value
    else:
        return 0
    if cap <= 1 or CONTAINERS.isdisjoint(map(type, items)):
        return 1
    deepest = 0
    for item in items:
        if type(item) in CONTAINERS:
            deepest = max(deepest, capped_depth(item, cap - 1))
            if deepest >= cap - 1:
                break
    return 1 + deepest


def _drop_escaped_quotes(data: bytes, skeleton: bytes) -> bytes:
    """``skeleton`` (``data`` without the bytes ``_NOT_SYNTAX`` names) with its backslashes
    gone and every quote a backslash escaped in ``data``.

    Both split at the same backslashes; the byte after a backslash in ``data`` says
    what it escaped (``\\"``, ``\\\\``, or a letter the skeleton no longer holds).
    Splitting ``data`` at its few backslashes costs far less than a regular
    expression over every byte, and text without one is not split at all.
    """
    if b"\\" not in skeleton:
        return skeleton
    kept = skeleton.split(b"\\")
    out = [kept[0]]
    escaping = False  # the backslash before this piece escapes its first byte
    for piece, after in zip(kept[1:], data.split(b"\\")[1:]):
        escaping = not escaping
        if after:  # the run of backslashes ended: ``after[0]`` is escaped when it is odd
            out.append(piece[1:] if escaping and after[0] == _QUOTE else piece)
            escaping = False
    return b"".join(out)


def reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


_STRICT = json.JSONDecoder(parse_constant=reject_constant)


def _unique_object(pairs: List[Tuple[str, Any]]) -> Dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        raise ValueError("duplicate key")  # storing it parsed would lose one value
    return result


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError("number out of range")
    return value


def _strict_json(data: bytes) -> Any:
    try:
        return json.loads(
            data.decode("utf-8"),
            parse_constant=reject_constant,
            object_pairs_hook=_unique_object,
            parse_float=_finite_float,
        )
    except (UnicodeDecodeError, ValueError, RecursionError):
        return _INVALID


def sha256_hex(data: bytes) -> str:
    """The hex SHA-256 of ``data``: names side files and compares binary bodies."""
    import hashlib  # binary bodies are rare: a replay of JSON never loads it

    return hashlib.sha256(data).hexdigest()
