"""The fixture file: one JSON document per scenario, reviewed in diffs like code.

::

    {
      "interactions": [
        {
          "request": {
            "headers": {"content-type": "application/json"},
            "method": "GET",
            "path": "/v1/{project_id}/training-jobs/182626/versions",
            "query": [
              ["page", "1"],
              ["per_page", "10"]
            ]
          },
          "response": {
            "headers": {"content-type": "application/json", "x-request-id": "r-1"},
            "json": {"is_success": true, "versions": []},
            "status": 200
          }
        }
      ],
      "modelarts_fixture": 1,
      "recorded_at": "2026-01-31T12:00:00Z",
      "sdk_version": "0.1.0"
    }

(shown condensed; the writer puts one value per line, so changing one field
changes one line of the diff). A body is stored under exactly one of ``json``
(parsed JSON, re-serialised compactly on replay), ``text`` (UTF-8 text, replayed
byte for byte) or ``file`` (binary, in a side file ``<stem>.<index>.<sha>.bin``
next to the fixture; content-addressed names let the main file be the single
atomic commit point). No key means an empty body. Header names are lower case.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import math
import os
import re
import stat
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Tuple, Union

from .. import __version__
from ..errors import FixtureError, FixtureFormatError
from .base import Request, Response

__all__ = [
    "FORMAT_VERSION",
    "Body",
    "Fixture",
    "Interaction",
    "RenderedFixture",
    "StoredRequest",
    "StoredResponse",
    "body_from_bytes",
    "load_fixture",
    "pretty_json",
    "render_fixture",
    "write_rendered",
]

#: The ``modelarts_fixture`` value this SDK writes and reads.
FORMAT_VERSION = 1

PathLike = Union[str, "os.PathLike[str]"]

_INLINE_LIST_WIDTH = 72
# A temp file this old belongs to a writer that died (a write takes milliseconds).
_STALE_TEMP_SECONDS = 60.0
_TEXTUAL_MARKERS = ("json", "xml", "javascript", "x-www-form-urlencoded", "charset=")


class _Invalid:
    """Marks bytes that are not strict JSON."""


_INVALID = _Invalid()


@dataclass(frozen=True)
class Body:
    """A body as stored: ``kind`` is ``empty``, ``json``, ``text`` or ``binary``."""

    kind: str = "empty"
    value: Any = None

    def to_bytes(self) -> bytes:
        """The bytes a replayed response carries."""
        if self.kind == "json":
            return _compact_json(self.value).encode("utf-8")
        if self.kind == "text":
            return str(self.value).encode("utf-8")
        if self.kind == "binary":
            return bytes(self.value)
        return b""

    def match_key(self) -> str:
        """Equal for equal content: JSON compared parsed, so key order and spacing don't matter."""
        if self.kind == "json":
            return "json:" + json.dumps(self.value, sort_keys=True, separators=(",", ":"))
        if self.kind == "text":
            return "text:" + str(self.value)
        if self.kind == "binary":
            return "binary:" + hashlib.sha256(bytes(self.value)).hexdigest()
        return ""

    def summary(self, limit: int = 200) -> str:
        """A one-line description for error messages."""
        if self.kind == "json":
            text = _compact_json(self.value)
        elif self.kind == "text":
            text = repr(str(self.value))
        elif self.kind == "binary":
            return f"<{len(self.value)} bytes of binary>"
        else:
            return "(empty)"
        return text if len(text) <= limit else text[: limit - 1] + "…"


EMPTY_BODY = Body()


@dataclass(frozen=True)
class StoredRequest:
    """A request as the fixture keeps it: normalised, redacted, host-free."""

    method: str
    path: str
    query: Tuple[Tuple[str, str], ...] = ()
    headers: Mapping[str, str] = field(default_factory=dict)
    body: Body = EMPTY_BODY

    def target(self) -> str:
        """``path?k=v&...``, readable (not percent-encoded)."""
        if not self.query:
            return self.path
        return self.path + "?" + "&".join(f"{k}={v}" for k, v in self.query)


@dataclass(frozen=True)
class StoredResponse:
    """A response as the fixture keeps it."""

    status: int
    headers: Mapping[str, str] = field(default_factory=dict)
    body: Body = EMPTY_BODY

    def to_response(self, request: Optional[Request] = None) -> Response:
        """A fresh ``Response`` answering ``request``."""
        return Response(self.status, dict(self.headers), self.body.to_bytes(), request=request)


@dataclass(frozen=True)
class Interaction:
    """One request and the response it got."""

    request: StoredRequest
    response: StoredResponse


@dataclass(frozen=True)
class Fixture:
    """A whole fixture file."""

    interactions: Tuple[Interaction, ...] = ()
    sdk_version: str = __version__
    recorded_at: str = ""


# -- bodies ---------------------------------------------------------------------


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


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


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
            parse_constant=_reject_constant,
            object_pairs_hook=_unique_object,
            parse_float=_finite_float,
        )
    except (UnicodeDecodeError, ValueError, RecursionError):
        return _INVALID


def _compact_json(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate from a "\udxxx" escape
        text = json.dumps(value, separators=(",", ":"))
    return text


# -- writing --------------------------------------------------------------------


def pretty_json(value: Any, level: int = 0) -> str:
    """Indented JSON with sorted keys, one value per line.

    Lists of scalars that fit on a line stay on one line (``["page", "1"]``), so
    a query pair or a short array still changes as one line.
    """
    pad = "  " * level
    if isinstance(value, dict):
        if not value:
            return "{}"
        items = [
            f'{pad}  {_scalar(str(key))}: {pretty_json(value[key], level + 1)}'
            for key in sorted(value)
        ]
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    if isinstance(value, (list, tuple)):
        if not value:
            return "[]"
        if not any(isinstance(item, (dict, list, tuple)) for item in value):
            inline = "[" + ", ".join(_scalar(item) for item in value) + "]"
            if len(inline) + len(pad) <= _INLINE_LIST_WIDTH:
                return inline
        items = [f"{pad}  {pretty_json(item, level + 1)}" for item in value]
        return "[\n" + ",\n".join(items) + "\n" + pad + "]"
    return _scalar(value)


def _scalar(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, allow_nan=False)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = json.dumps(value, allow_nan=False)
    return text


@dataclass(frozen=True)
class RenderedFixture:
    """A fixture serialised but not yet written: checked for secrets in between."""

    text: str
    side_files: Dict[str, bytes]
    #: Each interaction as written, to name the one that holds a secret.
    documents: Tuple[Dict[str, Any], ...]


def render_fixture(fixture: Fixture, path: PathLike) -> RenderedFixture:
    """Serialise ``fixture`` as it will be written to ``path``."""
    stem = Path(path).stem
    side_files: Dict[str, bytes] = {}
    documents = []
    for index, interaction in enumerate(fixture.interactions):
        request = interaction.request
        response = interaction.response
        req_doc: Dict[str, Any] = {"method": request.method, "path": request.path}
        if request.query:
            req_doc["query"] = [[k, v] for k, v in request.query]
        if request.headers:
            req_doc["headers"] = dict(request.headers)
        _put_body(req_doc, request.body, f"{stem}.{index}.request", side_files)
        resp_doc: Dict[str, Any] = {"status": response.status}
        if response.headers:
            resp_doc["headers"] = dict(response.headers)
        _put_body(resp_doc, response.body, f"{stem}.{index}", side_files)
        documents.append({"request": req_doc, "response": resp_doc})
    document = {
        "modelarts_fixture": FORMAT_VERSION,
        "sdk_version": fixture.sdk_version,
        "recorded_at": fixture.recorded_at,
        "interactions": documents,
    }
    return RenderedFixture(
        text=pretty_json(document) + "\n",
        side_files=side_files,
        documents=tuple(documents),
    )


def _put_body(doc: Dict[str, Any], body: Body, prefix: str, side_files: Dict[str, bytes]) -> None:
    if body.kind == "json":
        doc["json"] = body.value
    elif body.kind == "text":
        doc["text"] = body.value
    elif body.kind == "binary":
        data = bytes(body.value)
        name = f"{prefix}.{hashlib.sha256(data).hexdigest()[:12]}.bin"
        side_files[name] = data
        doc["file"] = name


def write_rendered(rendered: RenderedFixture, path: PathLike) -> None:
    """Write a rendered fixture so that a crash never leaves a partial fixture.

    Side files go first, under content-addressed names, so they never change a
    file the previous version still refers to; then the main file replaces the
    old one in one ``os.replace``. Only after that are side files no longer
    referenced, and temp files of writers that died, removed.
    """
    target = Path(path)
    directory = target.parent
    mode = _file_mode(target)
    for name, data in rendered.side_files.items():
        side = directory / name
        if not (side.is_file() and side.read_bytes() == data):
            _write_atomically(side, data, mode)
    _write_atomically(target, rendered.text.encode("utf-8"), mode)
    _remove_leftovers(target, set(rendered.side_files))


def _file_mode(target: Path) -> int:
    try:
        return stat.S_IMODE(target.stat().st_mode)
    except OSError:
        return 0o644


def _write_atomically(target: Path, data: bytes, mode: int) -> None:
    fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temp, mode)
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise


def _remove_leftovers(target: Path, keep: "set[str]") -> None:
    stem = re.escape(target.stem)
    side = re.compile(rf"{stem}\.\d+(\.request)?\.[0-9a-f]{{12}}\.bin")
    temp = re.compile(rf"\.{stem}\..*\.tmp")
    now = time.time()
    for entry in target.parent.iterdir():
        with contextlib.suppress(OSError):
            unreferenced = side.fullmatch(entry.name) is not None and entry.name not in keep
            abandoned = temp.fullmatch(entry.name) is not None and (
                now - entry.stat().st_mtime > _STALE_TEMP_SECONDS
            )
            if unreferenced or abandoned:
                entry.unlink()


# -- reading --------------------------------------------------------------------


def load_fixture(path: PathLike) -> Fixture:
    """Read and validate a whole fixture file (and its side files).

    Raises ``FixtureError`` when the file does not exist and
    ``FixtureFormatError`` naming the file, the interaction and the field for
    anything malformed.
    """
    target = Path(path)
    try:
        raw = target.read_bytes()
    except FileNotFoundError:
        raise FixtureError(f"fixture file {target} does not exist") from None
    except OSError as exc:
        raise FixtureError(f"cannot read fixture file {target}: {exc}") from exc
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise FixtureFormatError(f"{target}: not UTF-8 (byte {exc.start})") from None
    try:
        document = json.loads(text, parse_constant=_reject_constant)
    except ValueError as exc:
        where = ""
        if isinstance(exc, json.JSONDecodeError):
            where = f" at line {exc.lineno} column {exc.colno}"
        raise FixtureFormatError(f"{target}: not valid JSON{where}: {exc}") from None
    return _Reader(target).fixture(document)


class _Reader:
    """Validates a parsed fixture document; every error names file, interaction, field."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.index: Optional[int] = None

    def fail(self, field_name: str, problem: str) -> FixtureFormatError:
        where = f"interaction {self.index}, " if self.index is not None else ""
        return FixtureFormatError(f"{self.path}: {where}field {field_name!r}: {problem}")

    def fields(self, value: Any, name: str, required: "set[str]", optional: "set[str]") -> Any:
        if not isinstance(value, dict):
            raise self.fail(name, f"expected an object, got {_kind(value)}")
        prefix = f"{name}." if name else ""
        missing = sorted(required - set(value))
        if missing:
            raise self.fail(prefix + missing[0], "missing")
        unknown = sorted(set(value) - required - optional)
        if unknown:
            raise self.fail(prefix + unknown[0], "unknown field")
        return value

    def string(self, value: Any, name: str) -> str:
        if not isinstance(value, str):
            raise self.fail(name, f"expected a string, got {_kind(value)}")
        return value

    def fixture(self, document: Any) -> Fixture:
        top = {"modelarts_fixture", "sdk_version", "recorded_at", "interactions"}
        self.fields(document, "", top, set())
        version = document["modelarts_fixture"]
        if not isinstance(version, int) or isinstance(version, bool):
            raise self.fail("modelarts_fixture", f"expected an integer, got {_kind(version)}")
        if version != FORMAT_VERSION:
            newer = " (written by a newer modelarts; upgrade)" if version > FORMAT_VERSION else ""
            raise self.fail(
                "modelarts_fixture",
                f"unknown fixture format version {version}{newer}; "
                f"modelarts {__version__} reads version {FORMAT_VERSION}",
            )
        sdk_version = self.string(document["sdk_version"], "sdk_version")
        recorded_at = self.string(document["recorded_at"], "recorded_at")
        items = document["interactions"]
        if not isinstance(items, list):
            raise self.fail("interactions", f"expected a list, got {_kind(items)}")
        interactions = []
        for index, item in enumerate(items):
            self.index = index
            self.fields(item, "interaction", {"request", "response"}, set())
            interactions.append(Interaction(self.request(item["request"]),
                                            self.response(item["response"])))
        self.index = None
        return Fixture(tuple(interactions), sdk_version, recorded_at)

    def request(self, doc: Any) -> StoredRequest:
        optional = {"query", "headers", "json", "text", "file"}
        self.fields(doc, "request", {"method", "path"}, optional)
        method = self.string(doc["method"], "request.method")
        if not method:
            raise self.fail("request.method", "empty")
        path = self.string(doc["path"], "request.path")
        if not path.startswith("/"):
            raise self.fail("request.path", f"must start with '/', got {path!r}")
        query = doc.get("query", [])
        if not isinstance(query, list):
            raise self.fail("request.query", f"expected a list of [key, value], got {_kind(query)}")
        pairs = []
        for number, pair in enumerate(query):
            if not (isinstance(pair, list) and len(pair) == 2
                    and all(isinstance(part, str) for part in pair)):
                raise self.fail(f"request.query[{number}]", f"expected [key, value] strings, "
                                                            f"got {pair!r}")
            pairs.append((pair[0], pair[1]))
        return StoredRequest(method.upper(), path, tuple(pairs),
                             self.headers(doc, "request"), self.body(doc, "request"))

    def response(self, doc: Any) -> StoredResponse:
        self.fields(doc, "response", {"status"}, {"headers", "json", "text", "file"})
        status = doc["status"]
        if not isinstance(status, int) or isinstance(status, bool) or not 100 <= status <= 599:
            raise self.fail("response.status", f"expected an HTTP status 100-599, got {status!r}")
        return StoredResponse(status, self.headers(doc, "response"), self.body(doc, "response"))

    def headers(self, doc: Dict[str, Any], owner: str) -> Dict[str, str]:
        value = doc.get("headers", {})
        if not isinstance(value, dict):
            raise self.fail(f"{owner}.headers", f"expected an object, got {_kind(value)}")
        for name, header in value.items():
            if not isinstance(header, str):
                raise self.fail(f"{owner}.headers.{name}",
                                f"expected a string, got {_kind(header)}")
        return {name.lower(): header for name, header in value.items()}

    def body(self, doc: Dict[str, Any], owner: str) -> Body:
        present = [key for key in ("json", "text", "file") if key in doc]
        if len(present) > 1:
            raise self.fail(f"{owner}.{present[1]}", f"a body is one of json, text, file; "
                                                     f"found {', '.join(present)}")
        if not present:
            return EMPTY_BODY
        key = present[0]
        if key == "json":
            return Body("json", doc["json"])
        value = self.string(doc[key], f"{owner}.{key}")
        if key == "text":
            return Body("text", value)
        bare = Path(value).name == value and value not in ("", ".", "..") and "\\" not in value
        if not bare or value.startswith("."):
            raise self.fail(f"{owner}.file", f"must be a file name next to the fixture, "
                                             f"got {value!r}")
        try:
            return Body("binary", (self.path.parent / value).read_bytes())
        except OSError as exc:
            raise self.fail(f"{owner}.file", f"cannot read side file {value!r}: "
                                             f"{exc.strerror or exc}") from None


def _kind(value: Any) -> str:
    names = {dict: "an object", list: "a list", str: "a string", bool: "a boolean",
             int: "an integer", float: "a number", type(None): "null"}
    return names.get(type(value), type(value).__name__)
