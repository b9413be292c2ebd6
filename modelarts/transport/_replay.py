"""Normalising live traffic to its stored form, and finding it again.

Recording and replay share one normalisation, so whatever the recorder hides
(secrets, the project id, the host) the replayer ignores too, and redaction can
never break a match. The match key of a request is::

    (METHOD, decoded path, sorted (key, value) query pairs, body key)

with every string scrubbed by the redactor the request itself carries in its
extensions (``modelarts.redaction.redactor_of``: the project id becomes
``{project_id}``), JSON bodies (IAM and v1 alike) scrubbed of passwords and
account ids, and the body key comparing JSON parsed (key order and spacing do
not count). Headers, scheme, host and port are not part of it. The key is a
function of the request alone: what a transport saw before cannot change it.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any, Dict, Iterable, Iterator, List, NamedTuple, Optional, Sequence, Tuple
from urllib.parse import unquote, urlsplit

from ..errors import UnmatchedRequestError
from ..redaction import ACCOUNT_PLACEHOLDERS, PROJECT_ID_PLACEHOLDER, REDACTED, Redactor
from ._content_coding import coding_of, decode_content
from ._fixture_model import (
    Body,
    Interaction,
    StoredRequest,
    StoredResponse,
    body_from_bytes,
)
from .base import Request, Response, parse_query

__all__ = [
    "RECORD_HINT",
    "MatchKey",
    "Replayer",
    "match_key",
    "merge_redactors",
    "normalise_request",
    "normalise_response",
]

MatchKey = Tuple[str, str, Tuple[Tuple[str, str], ...], str]

#: Request headers kept for review (never matched on).
REQUEST_HEADERS = ("content-type", "x-project-id")
#: Response headers the SDK reads: body type, request id, throttling, clock skew, redirects.
RESPONSE_HEADERS = ("content-type", "date", "location", "retry-after", "x-request-id")
#: Kept with a redacted value: the Session needs *a* token header to replay an IAM login.
REDACTED_RESPONSE_HEADERS = ("x-subject-token",)

RECORD_HINT = (
    "to record it, run again with MODELARTS_RECORD_MODE=new_episodes "
    "(pytest: --modelarts-record-mode=new_episodes), or use "
    "RecordingTransport(inner, path, mode='new_episodes'): it replays what matches "
    "and records the rest"
)


def merge_redactors(redactors: Iterable[Redactor]) -> Redactor:
    """One redactor knowing what all of ``redactors`` know now (each counted once).

    The SDK's own markers are left out: a Session replaying a recorded login
    learns the token ``<redacted>``, which must not turn every redaction marker
    into a leak. Only the exact markers are: a real password that merely looks
    like one (``<hunter2>``, ``{secret}``) is scrubbed like any other. The
    credentials of proxies named in the environment (``HTTPS_PROXY`` and the
    like), which a proxy may echo in an error page, are secrets too.
    """
    combined = Redactor()
    seen: List[Redactor] = []
    for redactor in redactors:
        if not any(known is redactor for known in seen):
            seen.append(redactor)
    secrets = [pair for redactor in seen for pair in redactor.secret_values()]
    identifiers = [pair for redactor in seen for pair in redactor.identifier_values()]
    markers = {REDACTED, *(f"<{label}>" for _, label in secrets)}
    markers.update(placeholder for _, placeholder in identifiers)
    markers.update(ACCOUNT_PLACEHOLDERS)
    for value, label in secrets:
        if value not in markers:
            combined.add_secret(value, label)
    for value, placeholder in identifiers:
        if value not in markers:
            combined.add_identifier(value, placeholder)
    for password in _proxy_passwords():
        combined.add_secret(password, "proxy password")
    return combined


def _proxy_passwords() -> List[str]:
    """Passwords in the user info of the proxy URLs the environment names."""
    passwords = []
    for name, value in os.environ.items():
        if name.lower().endswith("_proxy") and "@" in value:
            try:
                password = urlsplit(value if "://" in value else "http://" + value).password
            except ValueError:
                continue
            if password:
                passwords += [password, unquote(password)]
    return passwords


# -- normalisation ----------------------------------------------------------------


def _decode_path(raw: str) -> str:
    try:
        return unquote(raw, errors="strict")
    except UnicodeDecodeError:
        return raw  # not UTF-8 underneath: keep the wire form, which is still deterministic


def _scrub_body(body: Body, redactor: Redactor) -> Body:
    # Account ids go whatever the API: a v1 body recorded under AK/SK may name the
    # domain, the user or another project, and such a Session never learnt them.
    if body.kind == "json":
        return Body("json", _scrub_keys(redactor.scrub_json(body.value, account=True), redactor))
    if body.kind == "text":
        return Body("text", redactor.scrub(str(body.value)))
    return body  # binary is checked, not edited: replacing bytes could corrupt it


def _scrub_keys(value: Any, redactor: Redactor) -> Any:
    if isinstance(value, dict):
        return {redactor.scrub(str(k)): _scrub_keys(v, redactor) for k, v in value.items()}
    if isinstance(value, list):
        return [_scrub_keys(item, redactor) for item in value]
    return value


def normalise_request(request: Request, redactor: Redactor) -> StoredRequest:
    """The stored (and matched) form of a live request."""
    split = urlsplit(request.url)
    decoded = _decode_path(split.path or "/")
    pairs = parse_query(split.query)
    query = tuple(sorted((redactor.scrub(key), redactor.scrub(value)) for key, value in pairs))
    headers: Dict[str, str] = {}
    for name in REQUEST_HEADERS:
        value = request.headers.get(name)
        if value is not None:
            # X-Project-Id holds the project id by definition, registered or not.
            scrubbed = redactor.scrub(value)
            headers[name] = PROJECT_ID_PLACEHOLDER if name == "x-project-id" else scrubbed
    body = Body()
    if request.body:
        raw = body_from_bytes(request.body, request.headers.get("content-type", ""), any_json=True)
        body = _scrub_body(raw, redactor)
    return StoredRequest(request.method.upper(), redactor.scrub(decoded), query, headers, body)


def normalise_response(response: Response, request: Request, redactor: Redactor) -> StoredResponse:
    """The stored form of a live response to ``request``."""
    headers: Dict[str, str] = {}
    for name in RESPONSE_HEADERS:
        value = response.headers.get(name)
        if value is not None:
            headers[name] = redactor.scrub(value)
    for name in REDACTED_RESPONSE_HEADERS:
        if name in response.headers:
            headers[name] = REDACTED
    # Scrubbed and checked decoded; stored with its coding, encoded again on replay.
    # RecordingTransport.send refused any body this cannot decode.
    coding = coding_of(response.headers.get("content-encoding"))
    if coding:
        headers["content-encoding"] = coding
    data = decode_content(response.body, coding)
    raw = body_from_bytes(data, response.content_type)
    return StoredResponse(response.status, headers, _scrub_body(raw, redactor))


def match_key(request: StoredRequest) -> MatchKey:
    """What two requests must share to be the same recorded call."""
    return (request.method, request.path, request.query, request.body.match_key())


# -- replay -----------------------------------------------------------------------


class Take(NamedTuple):
    """The outcome of asking for the next recording of a request."""

    response: Optional[StoredResponse]
    call: int  # this is the call-th identical request
    recorded: int  # how many times it was recorded


class Replayer:
    """An index of interactions by match key, served in recorded order; thread-safe.

    With ``hand_over=True`` (for a transport that never writes the file back)
    and without ``allow_repeats``, the replayer lets go of an answer as it
    serves it: nothing else holds it, so its JSON can reach the caller without
    a copy (``StoredResponse.to_response(handed_over=True)``). The requests are
    kept, for ``unplayed`` and for the message of an unmatched request.
    """

    def __init__(
        self,
        interactions: Sequence[Interaction],
        path: Path,
        *,
        allow_repeats: bool = False,
        hand_over: bool = False,
    ) -> None:
        self.path = path.absolute()
        self.allow_repeats = allow_repeats
        self.hands_over = hand_over and not allow_repeats  # a repeat serves it again
        self.requests = tuple(interaction.request for interaction in interactions)
        self._responses: List[Optional[StoredResponse]] = [i.response for i in interactions]
        self._index: Dict[MatchKey, List[int]] = {}
        for position, stored in enumerate(self.requests):
            self._index.setdefault(match_key(stored), []).append(position)
        self._calls: Dict[MatchKey, int] = {}
        self._played: "set[int]" = set()
        self._lock = threading.Lock()

    def take(self, request: StoredRequest) -> Take:
        key = match_key(request)
        with self._lock:
            call = self._calls.get(key, 0) + 1
            self._calls[key] = call
            positions = self._index.get(key, [])
            if call <= len(positions):
                position = positions[call - 1]
            elif positions and self.allow_repeats:
                position = positions[-1]
            else:
                return Take(None, call, len(positions))
            self._played.add(position)
            response = self._responses[position]
            if self.hands_over:
                self._responses[position] = None  # served once: the caller's now
        return Take(response, call, len(positions))

    def unplayed(self) -> List[int]:
        """Indexes of the interactions not replayed yet."""
        with self._lock:
            return [i for i in range(len(self.requests)) if i not in self._played]

    def unmatched(
        self, request: StoredRequest, take: Take, redactor: Redactor, hint: str = RECORD_HINT
    ) -> UnmatchedRequestError:
        """The error for a request with nothing (left) to replay."""
        lines = [
            "no recorded interaction matches this request",
            f"  request: {request.method} {request.target()}",
            f"  body:    {request.body.summary()}",
            f"  fixture: {self.path} ({len(self.requests)} interactions)",
        ]
        if take.recorded:
            lines.append(
                f"  this request was recorded {take.recorded} "
                f"{'time' if take.recorded == 1 else 'times'}, this is call {take.call}; "
                "pass allow_repeats=True to keep replaying the last answer"
            )
        closest = self._closest(request, 3)
        if closest:
            lines.append("closest recorded requests:")
            for position, notes in closest:
                stored = self.requests[position]
                lines.append(f"  #{position}: {stored.method} {stored.target()}")
                lines.extend(f"      - {note}" for note in notes)
        else:
            lines.append("the fixture holds no interactions")
        lines.append(hint)
        return UnmatchedRequestError(redactor.scrub("\n".join(lines)))

    def _closest(self, request: StoredRequest, count: int) -> List[Tuple[int, List[str]]]:
        scored = []
        for positions in self._index.values():
            stored = self.requests[positions[0]]
            score, notes = differences(request, stored)
            if not notes:
                notes = [f"identical; all {len(positions)} recordings already replayed"]
            scored.append((score, positions[0], notes))
        scored.sort(key=lambda item: (item[0], item[1]))
        return [(position, notes) for _, position, notes in scored[:count]]


# -- differences --------------------------------------------------------------------


def differences(live: StoredRequest, recorded: StoredRequest) -> Tuple[int, List[str]]:
    """A distance (smaller is closer) and one note per differing field."""
    score = 0
    notes: List[str] = []
    if live.method != recorded.method:
        score += 4
        notes.append(f"method: {live.method} here, {recorded.method} recorded")
    if live.path != recorded.path:
        here, there = live.path.split("/"), recorded.path.split("/")
        score += 2 * (sum(a != b for a, b in zip(here, there)) + abs(len(here) - len(there)))
        notes.append(f"path: {live.path} here, {recorded.path} recorded")
    query_score, query_notes = _compare_maps(_group(live.query), _group(recorded.query), "query")
    score += query_score
    notes += query_notes
    if live.body.match_key() != recorded.body.match_key():
        if isinstance(live.body.value, dict) and isinstance(recorded.body.value, dict):
            body_score, body_notes = _compare_maps(
                dict(_leaves(live.body.value)), dict(_leaves(recorded.body.value)), "body"
            )
            score += max(body_score, 1)
            notes += body_notes or ["body: same keys, different JSON types"]
        else:
            score += 3
            notes.append(
                f"body: {live.body.summary(80)} here, {recorded.body.summary(80)} recorded"
            )
    return score, notes


def _group(pairs: Sequence[Tuple[str, str]]) -> Dict[str, Any]:
    grouped: Dict[str, List[str]] = {}
    for key, value in pairs:
        grouped.setdefault(key, []).append(value)
    return {key: values[0] if len(values) == 1 else values for key, values in grouped.items()}


def _leaves(value: Any, prefix: str = "") -> Iterator[Tuple[str, Any]]:
    if isinstance(value, dict) and value:
        for key, item in value.items():
            yield from _leaves(item, f"{prefix}.{key}" if prefix else str(key))
    else:
        yield prefix, value


def _compare_maps(here: Dict[str, Any], there: Dict[str, Any], what: str) -> Tuple[int, List[str]]:
    only_here = sorted(set(here) - set(there))
    only_there = sorted(set(there) - set(here))
    changed = [key for key in sorted(set(here) & set(there)) if here[key] != there[key]]
    notes = []
    if only_here:
        notes.append(f"{what} keys only here: {_names(only_here)}")
    if only_there:
        notes.append(f"{what} keys only recorded: {_names(only_there)}")
    notes += [
        f"{what} {key}: {_short(here[key])} here, {_short(there[key])} recorded"
        for key in changed[:5]
    ]
    if len(changed) > 5:
        notes.append(f"{what}: {len(changed) - 5} more differing keys")
    return len(only_here) + len(only_there) + len(changed), notes


def _names(keys: List[str], limit: int = 8) -> str:
    shown = ", ".join(keys[:limit])
    return shown + (f" (+{len(keys) - limit} more)" if len(keys) > limit else "")


def _short(value: Any, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"
