"""A fixture's JSON bodies cut out of its text, so that each is parsed when it is replayed.

A transport that only replays needs every request at once (to match them) but
each answer only when it is asked for. Parsing a whole fixture up front builds
every answer at once: for 200 version details (3 MB) that is ~120,000 objects
alive together, which costs more in memory traffic and garbage collection than
the parse itself, while one answer parsed at its call is built, read and freed
in memory the allocator already holds.

``cut_bodies`` finds the bodies in the layout ``render_fixture`` writes: a
``"json": `` key that opens a line indented eight spaces (a body of a request
or a response) and ends it with ``{`` or ``[``, the value running to the next
line indented eight spaces that closes it; a value written on one line stays
in the frame. A raw newline never occurs inside a JSON string, so every line
start is outside one. Each body is replaced by a placeholder string
(``"\\u0000body:N"``; a text already holding that is parsed whole), and the
rest, the *frame*, is parsed as usual. That is sound for any file, in any
layout: when the frame parses with every placeholder exactly once, in a
``json`` slot, and each cut-out span parses as one JSON value (checked when it
is read), the whole text parses to the same document. A frame that does not
parse, or does not hold every placeholder once in a ``json`` slot, means the
cut did not fit (a file edited by hand, say): the text is then parsed whole
(``fixture_format.load_fixture``). One layout only
shows when its answer is replayed: a body whose own brackets close on a line
inside it, indented deeper than its opening line, then runs on past its
value, and reading it is a ``FixtureFormatError`` that says so
(``Body.resolved`` in ``_fixture_model``).
"""

from __future__ import annotations

from typing import Any, List, NamedTuple, Optional, Tuple

__all__ = ["PLACEHOLDER_PREFIX", "Cut", "JSONText", "cut_bodies", "span_index"]

_INDENT = "\n" + " " * 8
_KEY = _INDENT + '"json": '
_CLOSERS = {"{": "}", "[": "]"}
#: Parsed placeholders start with this (a NUL: a fixture string cannot hold one raw).
PLACEHOLDER_PREFIX = "\x00body:"
_ESCAPED_PREFIX = "\\u0000body:"


class Cut(NamedTuple):
    """A fixture's text with its bodies replaced by placeholders, and where each body was."""

    frame: str
    spans: List[Tuple[int, int]]


def cut_bodies(text: str) -> Optional[Cut]:
    """The frame and body spans of ``text``, or ``None`` when there is nothing to cut
    or the text already holds a placeholder (it is then parsed whole)."""
    if _ESCAPED_PREFIX in text:
        return None
    pieces: List[str] = []
    spans: List[Tuple[int, int]] = []
    done = 0
    find = text.find
    at = find(_KEY)
    while at >= 0:
        start = at + len(_KEY)
        line_end = find("\n", start)
        if line_end < 0:
            break  # a value on the last line: not the written layout
        closer = _CLOSERS.get(text[start:line_end])
        if closer is None:  # a value on one line (``{}``, a short list): left in the frame
            at = find(_KEY, line_end)
            continue
        # Hop from bracket to bracket (a one-character find runs at memchr speed;
        # a find for the whole closing line crawls through the indentation).
        close = line_end
        while True:
            close = find(closer, close + 1)
            if close < 0:
                return None
            if text.startswith(_INDENT, close - len(_INDENT)):
                break
        end = close + 1
        pieces += (text[done:start], f'"{_ESCAPED_PREFIX}{len(spans)}"')
        spans.append((start, end))
        done = end
        at = find(_KEY, end)
    if not spans:
        return None
    pieces.append(text[done:])
    return Cut("".join(pieces), spans)


def span_index(value: Any, count: int) -> Optional[int]:
    """The span a parsed ``json`` slot stands for, or ``None`` when it holds a real value."""
    if type(value) is not str or not value.startswith(PLACEHOLDER_PREFIX):
        return None
    number = value[len(PLACEHOLDER_PREFIX) :]
    if not (number.isascii() and number.isdigit()) or int(number) >= count:
        return None
    return int(number)


class JSONText(NamedTuple):
    """A body still as text: ``text[start:end]`` of a fixture file, parsed on each read.

    ``where`` names it in errors (file, interaction and field).
    """

    text: str
    start: int
    end: int
    where: str
