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
from typing import Any, Dict, NamedTuple, Tuple, Union

from ..errors import FixtureError, FixtureFormatError, FixtureNotFoundError
from ._body_spans import cut_bodies
from ._fixture_model import (
    FORMAT_VERSION,
    MAX_JSON_DEPTH,
    Body,
    Fixture,
    Interaction,
    StoredRequest,
    StoredResponse,
    body_from_bytes,
    json_depth,
    reject_constant,
    sha256_hex,
)
from ._fixture_reader import Reader

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
            f"{pad}  {_scalar(str(key))}: {pretty_json(value[key], level + 1)}"
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
            return Reader(target, text, cut.spans).fixture(frame)
        except (ValueError, RecursionError, FixtureFormatError):
            pass  # the cut does not fit this file: the whole text says what is wrong
    return Reader(target).fixture(_parse(target, text))


def _parse(target: Path, text: str) -> Any:
    try:
        # The parser's own recursion limit guards it; each body's depth is checked
        # once parsed (_fixture_reader.Reader), cheaper than walking the text for it.
        return json.loads(text, parse_constant=reject_constant)
    except RecursionError:
        raise FixtureFormatError(f"{target}: not valid JSON: nested too deeply to read") from None
    except ValueError as exc:
        where = ""
        if isinstance(exc, json.JSONDecodeError):
            where = f" at line {exc.lineno} column {exc.colno}"
        raise FixtureFormatError(f"{target}: not valid JSON{where}: {exc}") from None
