"""``json_depth`` (modelarts/transport/_fixture_model.py): the nesting of JSON text, counted
on the bytes; quotes and brackets inside strings, escaped or not, never count. And
``capped_depth``, the nesting of a parsed value, counted up to a cap."""

from __future__ import annotations

import json
import random
from typing import Any

import pytest

from modelarts.transport._fixture_model import capped_depth, json_depth


def _depth(value: Any) -> int:
    if isinstance(value, dict):
        return 1 + max(map(_depth, value.values()), default=0)
    if isinstance(value, list):
        return 1 + max(map(_depth, value), default=0)
    return 0


@pytest.mark.parametrize(
    ("text", "depth"),
    [
        (b"", 0),
        (b'"plain"', 0),
        (b'{"a": [1, {"b": "]]]"}]}', 3),
        (b'["\\"[[[", "x"]', 1),  # an escaped quote does not end the string
        (b'["\\\\", "[[["]', 1),  # an escaped backslash does not escape the quote after it
        (b'["\\\\\\"{{", 2]', 1),
        (b'["\\n", ["\\u005b"]]', 2),  # other escapes hide nothing
        (b'{"k\\"": {"\\\\": [[]]}}', 4),
    ],
)
def test_strings_never_count(text: bytes, depth: int) -> None:
    assert json_depth(text) == depth


def test_it_agrees_with_parsing_on_random_documents() -> None:
    rng = random.Random(12)
    alphabet = '\\"[]{}a\n/\u00e9'

    def value(level: int) -> Any:
        roll = rng.random()
        if level > 5 or roll < 0.3:
            return "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 5)))
        if roll < 0.6:
            return [value(level + 1) for _ in range(rng.randint(0, 3))]
        return {value(9): value(level + 1) for _ in range(rng.randint(0, 3))}

    for _ in range(2000):
        document = value(0)
        for text in (json.dumps(document), json.dumps(document, ensure_ascii=False, indent=2)):
            assert json_depth(text.encode()) == _depth(document), text


def test_capped_depth_is_the_depth_up_to_the_cap() -> None:
    rng = random.Random(7)

    def value(level: int) -> Any:
        roll = rng.random()
        if level > 8 or roll < 0.25:
            return rng.choice([1, 2.5, "[[", None, True])
        if roll < 0.6:
            return [value(level + 1) for _ in range(rng.randint(0, 4))]
        return {str(n): value(level + 1) for n in range(rng.randint(0, 4))}

    for _ in range(2000):
        document = value(0)
        for cap in (1, 2, 3, 5, 100):
            assert capped_depth(document, cap) == min(_depth(document), cap), document


def test_capped_depth_never_recurses_past_its_cap() -> None:
    deep: Any = []
    for _ in range(50_000):  # far past the interpreter's recursion limit
        deep = [deep]
    assert capped_depth(deep, 101) == 101
    assert capped_depth({"a": [1, 2, {"b": deep}]}, 101) == 101
