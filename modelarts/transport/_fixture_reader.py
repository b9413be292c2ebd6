"""Checking a parsed fixture document and building its values (``fixture_format.load_fixture``).

Every error is a ``FixtureFormatError`` that names the file, the interaction
and the field.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, Optional, Sequence, Tuple

from .. import __version__
from ..errors import FixtureFormatError
from ._body_spans import JSONText, span_index
from ._fixture_model import (
    EMPTY_BODY,
    FORMAT_VERSION,
    MAX_JSON_DEPTH,
    Body,
    Fixture,
    Interaction,
    StoredRequest,
    StoredResponse,
    capped_depth,
    sha256_hex,
)
from .fixture_files import read_side_file, side_file_pattern

__all__ = ["Reader"]


class Reader:
    """Validates a parsed fixture document; every error names file, interaction, field.

    Given the ``text`` and body ``spans`` of a cut (``_body_spans``), it reads
    the document's placeholders: a request body is parsed now, a response body
    kept as ``json-text``; a placeholder anywhere else, or one not met, is a
    cut that does not fit (``FixtureFormatError``, and ``load_fixture`` parses
    the whole text instead).
    """

    def __init__(self, path: Path, text: str = "", spans: Sequence[Tuple[int, int]] = ()) -> None:
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
            interactions.append(
                Interaction(self.request(item["request"]), self.response(item["response"]))
            )
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
            if not (
                isinstance(pair, list)
                and len(pair) == 2
                and all(isinstance(part, str) for part in pair)
            ):
                raise self.fail(
                    f"request.query[{number}]", f"expected [key, value] strings, got {pair!r}"
                )
            pairs.append((pair[0], pair[1]))
        return StoredRequest(
            method.upper(),
            path,
            tuple(pairs),
            self.headers(doc, "request"),
            self.body(doc, "request"),
        )

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
                raise self.fail(
                    f"{owner}.headers.{name}", f"expected a string, got {_kind(header)}"
                )
        return {name.lower(): header for name, header in value.items()}

    def body(self, doc: Dict[str, Any], owner: str) -> Body:
        present = [key for key in ("json", "text", "file") if key in doc]
        if len(present) > 1:
            raise self.fail(
                f"{owner}.{present[1]}",
                f"a body is one of json, text, file; found {', '.join(present)}",
            )
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
                raise self.fail(
                    f"{owner}.text",
                    f"a \\u escape at character {exc.start + 1} "
                    "is a lone surrogate, which is not text",
                ) from None
            return Body("text", value)
        if side_file_pattern(self.path.stem).fullmatch(value) is None:
            raise self.fail(
                f"{owner}.file",
                f"must name a side file of this fixture "
                f"({self.path.stem}.<n>.<hash>.bin next to it), "
                f"got {value!r}",
            )
        try:
            data = read_side_file(self.path.parent / value)
        except OSError as exc:
            raise self.fail(
                f"{owner}.file", f"cannot read side file {value!r}: {exc.strerror or exc}"
            ) from None
        except ValueError as exc:
            raise self.fail(f"{owner}.file", f"side file {value!r} {exc}") from None
        if not value.endswith(f".{sha256_hex(data)[:12]}.bin"):
            raise self.fail(
                f"{owner}.file",
                f"side file {value!r} does not hold what was "
                "recorded (its hash differs from its name); "
                "record the fixture again",
            )
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
            raise self.fail(
                f"{owner}.json",
                f"nested too deeply: more than {MAX_JSON_DEPTH} "
                "levels of arrays and objects (modelarts."
                "transport.fixture_format.MAX_JSON_DEPTH)",
            )
        return Body("json", value)


def _kind(value: Any) -> str:
    names = {
        dict: "an object",
        list: "a list",
        str: "a string",
        bool: "a boolean",
        int: "an integer",
        float: "a number",
        type(None): "null",
    }
    return names.get(type(value), type(value).__name__)
