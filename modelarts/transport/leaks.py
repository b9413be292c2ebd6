"""The last check before a fixture reaches the disk: is any known secret still in it?

``RecordingTransport`` scrubs every interaction (``_replay``), renders the file
(``fixture_format.render_fixture``) and asks ``find_leaks`` before writing: a
registered secret or account id still present (inside a binary body, say)
makes it refuse the whole file.
"""

from __future__ import annotations

import json
from typing import Any, Iterator, List, Tuple

from ..redaction import REDACTED, Redactor
from .fixture_format import RenderedFixture

__all__ = ["find_leaks"]


def find_leaks(rendered: RenderedFixture, redactor: Redactor) -> List[Tuple[str, str]]:
    """``(where, label)`` for every registered secret or identifier still present.

    Every value of every interaction is searched (body keys too), as parsed
    strings so that JSON escaping cannot hide a value, plus the raw bytes of
    side files. Our own field and header names are not searched: a four-letter
    password such as "path" would otherwise refuse every fixture.
    """
    markers = {REDACTED, *(f"<{label}>" for _, label in redactor.secret_values())}
    markers.update(placeholder for _, placeholder in redactor.identifier_values())
    ordered = sorted(markers, key=len, reverse=True)
    found: List[Tuple[str, str]] = []
    for index, document in enumerate(rendered.documents):
        labels: List[str] = []
        for part in document.values():
            for name, value in part.items():
                for text in _values(value, with_keys=name == "json"):
                    for label in _labels_in(text, ordered, redactor):
                        if label not in labels:
                            labels.append(label)
        found += [(f"interaction {index}", label) for label in labels]
    for name, data in sorted(rendered.side_files.items()):
        found += [(f"side file {name}", label) for label in _labels_in_bytes(data, redactor)]
    return found


def _labels_in(text: str, markers: List[str], redactor: Redactor) -> List[str]:
    # Markers go first, so that a short secret inside "<token>" is no false alarm.
    for marker in markers:
        if marker in text:
            text = text.replace(marker, "\0")
    labels = redactor.find_secrets(text)
    labels += [
        _identifier_label(placeholder)
        for value, placeholder in redactor.identifier_values()
        if value in text
    ]
    return labels


def _labels_in_bytes(data: bytes, redactor: Redactor) -> List[str]:
    labels = [
        label
        for value, label in redactor.secret_values()
        if len(value) >= 4 and value.encode("utf-8") in data
    ]
    labels += [
        _identifier_label(placeholder)
        for value, placeholder in redactor.identifier_values()
        if value.encode("utf-8") in data
    ]
    return labels


def _values(value: Any, *, with_keys: bool) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        yield json.dumps(value)
    elif isinstance(value, dict):
        for key, item in value.items():
            if with_keys:
                yield str(key)
            yield from _values(item, with_keys=with_keys)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _values(item, with_keys=with_keys)


def _identifier_label(placeholder: str) -> str:
    return placeholder.strip("{}<>").replace("_", " ") or "identifier"
