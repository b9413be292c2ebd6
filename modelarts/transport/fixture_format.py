"""The fixture file: one JSON document per scenario, reviewed in diffs like code.

Exactly as written (keys sorted, two-space indent, one value per line, so that
changing one field changes one line of the diff; short lists of scalars such
as a query pair stay on one line; UTF-8, not ``\\u`` escapes; a final newline)::

    {
      "interactions": [
        {
          "request": {
            "method": "GET",
            "path": "/v1/{project_id}/training-jobs/182626/versions",
            "query": [
              ["page", "1"],
              ["per_page", "10"]
            ]
          },
          "response": {
            "headers": {
              "content-type": "application/json",
              "x-request-id": "r-1"
            },
            "json": {
              "is_success": true,
              "version_count": 1,
              "versions": [
                {
                  "status": 8,
                  "version_id": 2
                }
              ]
            },
            "status": 200
          }
        }
      ],
      "modelarts_fixture": 1,
      "recorded_at": "2026-01-31T12:00:00Z",
      "sdk_version": "0.1.0"
    }

``request``: ``method``, ``path`` (percent-decoded, project id as
``{project_id}``), optional ``query`` (sorted ``[key, value]`` pairs) and
``headers``; ``response``: ``status`` and optional ``headers``. Header names are
lower case. A body is stored under exactly one of ``json`` (parsed JSON,
re-serialised compactly on replay), ``text`` (UTF-8 text, replayed byte for
byte) or ``file`` (binary, in a side file ``<stem>.<index>.<sha256:12>.bin``
next to the fixture; ``.request.`` before the hash for a request body).
Content-addressed names make the main file the single atomic commit point.
No body key means an empty body. On reading, a side file must be a regular
file next to the fixture, named as above after it, whose content still hashes
to its name: a symbolic link (it could point at any file on the machine), a
hard link, a directory or device, another fixture's file or a changed one is a
``FixtureFormatError``.

A transport that only replays loads with ``defer_answers``: the JSON answers
stay text until replayed (``_body_spans``), which for the layout above costs a
fraction of parsing them all up front.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Dict, NamedTuple, Optional, Sequence, Tuple, Union

from .. import __version__
from ..errors import FixtureError, FixtureFormatError, FixtureNotFoundError
from ._body_spans import JSONText, cut_bodies, span_index
from ._fixture_model import (
    EMPTY_BODY,
    MAX_JSON_DEPTH,
    Body,
    Fixture,
    Interaction,
    StoredRequest,
    StoredResponse,
    body_from_bytes,
    capped_depth,
    json_depth,
    reject_constant,
    sha256_hex,
)
from .fixture_files import read_side_file, side_file_pattern

__all__ = [
    "FORMAT_VERSION",
    "MAX_JSON_DEPTH",
    "Body",
    "Fixture",
    "Interaction",
    "RenderedFixture",
    "StoredRequest",
    "StoredResponse",
    "body_from_bytes",
    "json_depth",
    "load_fixture",
    "pretty_json",
    "render_fixture",
]

#: The ``modelarts_fixture`` value this SDK writes and reads.
FORMAT_VERSION = 1

PathLike = Union[str, "os.PathLike[str]"]

_INLINE_LIST_WIDTH = 72


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


class RenderedFixture(NamedTuple):
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
    body = body.resolved()
    if body.kind == "json":
        doc["json"] = body.value
    elif body.kind == "text":
        doc["text"] = body.value
    elif body.kind == "binary":
        data = bytes(body.value)
        name = f"{prefix}.{sha256_hex(data)[:12]}.bin"
        side_files[name] = data
        doc["file"] = name


# -- reading --------------------------------------------------------------------


def load_fixture(path: PathLike, *, defer_answers: bool = False) -> Fixture:
    """Read and validate a whole fixture file (and its side files).

    Raises ``FixtureError`` when the file does not exist and
    ``FixtureFormatError`` naming the file, the interaction and the field for
    anything malformed.

    With ``defer_answers`` (for a transport that only replays) the JSON bodies
    of the responses are cut out of the text unparsed (``_body_spans``): each
    is a ``json-text`` body, parsed and checked when it is replayed, where a
    malformed one raises the same ``FixtureFormatError``. Everything else is
    checked here.
    """
    target = Path(path)
    try:
        raw = target.read_bytes()
    except FileNotFoundError:
        raise FixtureNotFoundError(f"fixture file {target} does not exist") from None
    except OSError as exc:
        raise FixtureError(f"cannot read fixture file {target}: {exc}") from exc
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise FixtureFormatError(f"{target}: not UTF-8 (byte {exc.start})") from None
    cut = cut_bodies(text) if defer_answers else None
    if cut is not None:
        try:
            frame = json.loads(cut.frame, parse_constant=reject_constant)
            return _Reader(target, text, cut.spans).fixture(frame)
        except (ValueError, RecursionError, FixtureFormatError):
            pass  # the cut does not fit this file: the whole text says what is wrong
    return _Reader(target).fixture(_parse(target, text))


def _parse(target: Path, text: str) -> Any:
    try:
        # The parser's own recursion limit guards it; each body's depth is checked
        # once parsed (_Reader.body), cheaper than walking the text for it.
        return json.loads(text, parse_constant=reject_constant)
    except RecursionError:
        raise FixtureFormatError(f"{target}: not valid JSON: nested too deeply to read") from None
    except ValueError as exc:
        where = ""
        if isinstance(exc, json.JSONDecodeError):
            where = f" at line {exc.lineno} column {exc.colno}"
        raise FixtureFormatError(f"{target}: not valid JSON{where}: {exc}") from None


class _Reader:
    """Validates a parsed fixture document; every error names file, interaction, field.

    Given the ``text`` and body ``spans`` of a cut (``_body_spans``), it reads
    the document's placeholders: a request body is parsed now, a response body
    kept as ``json-text``; a placeholder anywhere else, or one not met, is a
    cut that does not fit (``FixtureFormatError``, and ``load_fixture`` parses
    the whole text instead).
    """

    def __init__(
        self, path: Path, text: str = "", spans: Sequence[Tuple[int, int]] = ()
    ) -> None:
        self.path = path
        self.index: Optional[int] = None
        self.text = text
        self.spans = spans
        self.unread = set(range(len(spans)))

    def fail(self, field_name: str, problem: str) -> FixtureFormatError:
        where = f"interaction {self.index}, " if self.index is not None else ""
        return FixtureFormatError(f"{self.path}: {where}field {field_name!r}: {problem}")

    def fields(self, value: Any, name: str, required: "set[str]", optional: "set[str]") -> Any:
        if not isinstance(value, dict):
            raise self.fail(name, f"expected an object, got {_kind(value)}")
        keys = value.keys()
        if keys >= required and keys - required <= optional:  # every interaction, so cheap
            return value
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
        if self.unread:
            raise self.fail("interactions", "a body placeholder outside a json field")
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
            return self.json_body(doc["json"], owner)
        value = self.string(doc[key], f"{owner}.{key}")
        if key == "text":
            try:
                value.encode("utf-8")  # replayed as UTF-8 bytes
            except UnicodeEncodeError as exc:
                raise self.fail(f"{owner}.text", f"a \\u escape at character {exc.start + 1} "
                                                 "is a lone surrogate, which is not text") from None
            return Body("text", value)
        if side_file_pattern(self.path.stem).fullmatch(value) is None:
            raise self.fail(f"{owner}.file", f"must name a side file of this fixture "
                                             f"({self.path.stem}.<n>.<hash>.bin next to it), "
                                             f"got {value!r}")
        try:
            data = read_side_file(self.path.parent / value)
        except OSError as exc:
            raise self.fail(f"{owner}.file", f"cannot read side file {value!r}: "
                                             f"{exc.strerror or exc}") from None
        except ValueError as exc:
            raise self.fail(f"{owner}.file", f"side file {value!r} {exc}") from None
        if not value.endswith(f".{sha256_hex(data)[:12]}.bin"):
            raise self.fail(f"{owner}.file", f"side file {value!r} does not hold what was "
                                             "recorded (its hash differs from its name); "
                                             "record the fixture again")
        return Body("binary", data)


    def json_body(self, value: Any, owner: str) -> Body:
        number = span_index(value, len(self.spans)) if self.spans else None
        if number is not None:
            if number not in self.unread:
                raise self.fail(f"{owner}.json", "a body placeholder met twice")
            self.unread.discard(number)
            start, end = self.spans[number]
            where = f"{self.path}: interaction {self.index}, field '{owner}.json'"
            body = Body("json-text", JSONText(self.text, start, end, where))
            if owner == "response":
                return body  # parsed when replayed
            value = body.resolved().value  # a request is matched on: parsed now
        if capped_depth(value, MAX_JSON_DEPTH + 1) > MAX_JSON_DEPTH:
            raise self.fail(f"{owner}.json", f"nested too deeply: more than {MAX_JSON_DEPTH} "
                                             "levels of arrays and objects (modelarts."
                                             "transport.fixture_format.MAX_JSON_DEPTH)")
        return Body("json", value)


def _kind(value: Any) -> str:
    names = {dict: "an object", list: "a list", str: "a string", bool: "a boolean",
             int: "an integer", float: "a number", type(None): "null"}
    return names.get(type(value), type(value).__name__)
