"""The one place that knows what is secret.

A ``Redactor`` holds the secret values one or more Sessions know (AK, SK,
security token, password, IAM token) and the account identifiers that must not
leave the machine (project id, domain id, user id). The Session registers them
as it learns them; logging, error messages and the fixture recorder scrub
through the same object, so a secret registered once is hidden everywhere.

Besides the values it was told about, it knows secrets by *shape*: the headers
in ``SECRET_HEADERS`` and the JSON keys in ``SECRET_KEYS`` (and in JSON, keys
named like a secret header) are hidden whatever their value, and so is the
``Signature=`` of an AK/SK ``Authorization`` header quoted in text (a server
that echoes the request back), the user info of a URL
(``http://user:password@proxy``) and ``Basic`` credentials (base64 of
``user:password``), which a proxy may quote in an error page. That protects
a recording made before the Session learnt a value, and errors of a Session
that never learnt one.
"""

from __future__ import annotations

import base64
import re
import threading
from typing import Any, Dict, List, Mapping, Optional, Tuple

__all__ = [
    "ACCOUNT_ID_KEYS",
    "ACCOUNT_PLACEHOLDERS",
    "PROJECT_ID_PLACEHOLDER",
    "REDACTED",
    "REDACTOR_EXTENSION",
    "SECRET_HEADERS",
    "SECRET_KEYS",
    "Redactor",
    "mask",
    "redactor_of",
]

#: What a secret is replaced with.
REDACTED = "<redacted>"

#: Stands for the real project id in paths, headers and bodies of fixtures,
#: and is the project id of a Session that replays without one.
PROJECT_ID_PLACEHOLDER = "{project_id}"

#: The ``Request.extensions`` key under which a Session hands its ``Redactor`` to
#: the transport with every request: that is how a recorder learns which values
#: to scrub (``redactor_of``), without a side channel on the transport.
REDACTOR_EXTENSION = "modelarts.redactor"

#: Header names (lower case) whose values are always secret.
SECRET_HEADERS = frozenset(
    {
        "authorization",
        "proxy-authorization",
        "x-auth-token",
        "x-subject-token",
        "x-security-token",
        "x-metadata-token",
        "cookie",
        "set-cookie",
    }
)

#: JSON keys (lower case) whose values are always secret, wherever they appear:
#: IAM password bodies, temporary-credential answers, token requests.
SECRET_KEYS = frozenset(
    {
        "password",
        "secret",
        "securitytoken",
        "security_token",
        "access",
        "sk",
        "secret_key",
        "access_key",
        "token_id",
        "passcode",
    }
)

#: JSON keys (lower case) holding account identifiers (IAM and v1 bodies). ``id``
#: counts too when it sits inside one of ``ACCOUNT_OBJECTS``.
ACCOUNT_ID_KEYS = frozenset({"domain_id", "user_id", "project_id", "parent_id"})
ACCOUNT_OBJECTS = frozenset({"domain", "user", "project", "projects", "domains"})
#: What account identifiers become in a recording: ``{domain_id}``, ``{user_id}``, ...
ACCOUNT_PLACEHOLDERS = frozenset("{" + key + "}" for key in ACCOUNT_ID_KEYS)

# Secrets shorter than this are not searched for in free text: a 2-character
# "password" would otherwise shred every message. Such values are still hidden
# by shape (headers, JSON keys).
_MIN_SCRUB_LENGTH = 4

# The signature of an SDK-HMAC-SHA256 Authorization header (hex, 64 digits):
# computed per request, so never registered, but valid for minutes.
_SIGNATURE = re.compile(r"(Signature=)[0-9A-Fa-f]{16,}")
# Credentials a proxy (or a server) may quote from a request: the user info of a
# URL ("http://user:password@proxy:3128") and a Basic Proxy-Authorization.
_URL_USER_INFO = re.compile(r"(?<=://)[^\s/@:]*:[^\s/@]*@")
_BASIC = re.compile(r"(?i)\b(Basic\s+)([A-Za-z0-9+/]{4,}={0,2})")


def _basic_credentials(match: "re.Match[str]") -> str:
    """``Basic <redacted>`` where the token is base64 of ``user:password``, else as it was."""
    try:
        decoded = base64.b64decode(match.group(2), validate=True)
    except ValueError:
        return match.group(0)
    return match.group(1) + REDACTED if b":" in decoded else match.group(0)


def mask(value: Optional[str], keep: int = 4) -> str:
    """Show the first ``keep`` characters of an identifier, hide the rest.

    ``mask("AKTESTEXAMPLE0000001") == "AKTE****"``. Use it for access keys in
    reprs; never for secret keys, passwords or tokens (use ``REDACTED``).
    """
    if not value:
        return repr(value)
    return value[:keep] + "****"


class Redactor:
    """Scrubs known secret values and account identifiers from text and JSON.

    Thread-safe: a Session may learn a new token while the recorder writes.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._secrets: Dict[str, str] = {}
        self._identifiers: Dict[str, str] = {}
        # What scrub() replaces, longest first; rebuilt on every registration
        # (rare) so that scrubbing (every request, every log line) only reads.
        self._pairs: "Tuple[Tuple[str, str], ...]" = ()

    # -- registration ----------------------------------------------------

    def add_secret(self, value: Optional[str], label: str = "secret") -> None:
        """Remember a secret value (SK, token, password, ...) under a label."""
        if value:
            with self._lock:
                self._secrets[value] = label
                self._rebuild()

    def add_identifier(self, value: Optional[str], placeholder: str) -> None:
        """Remember an account identifier and the placeholder that replaces it."""
        if value and value != placeholder:
            with self._lock:
                self._identifiers[value] = placeholder
                self._rebuild()

    def secret_values(self) -> "List[Tuple[str, str]]":
        """``(value, label)`` of every registered secret."""
        with self._lock:
            return list(self._secrets.items())

    def identifier_values(self) -> "List[Tuple[str, str]]":
        """``(value, placeholder)`` of every registered identifier."""
        with self._lock:
            return list(self._identifiers.items())

    def update(self, other: "Redactor") -> None:
        """Learn everything ``other`` knows (a recorder shared by two sessions)."""
        if other is self:
            return
        for value, label in other.secret_values():
            self.add_secret(value, label)
        for value, placeholder in other.identifier_values():
            self.add_identifier(value, placeholder)

    # -- scrubbing -------------------------------------------------------

    def _rebuild(self) -> None:
        """Recompute the replacement list; the caller holds the lock."""
        pairs = [
            (value, f"<{label}>")
            for value, label in self._secrets.items()
            if len(value) >= _MIN_SCRUB_LENGTH
        ]
        pairs += list(self._identifiers.items())
        # Longest first, so a secret containing another is replaced whole.
        pairs.sort(key=lambda pair: len(pair[0]), reverse=True)
        self._pairs = tuple(pairs)

    def scrub(self, text: str) -> str:
        """``text`` with every known secret and identifier replaced."""
        for value, replacement in self._pairs:
            if value in text:
                text = text.replace(value, replacement)
        if "Signature=" in text:
            text = _SIGNATURE.sub(r"\1" + REDACTED, text)
        if "://" in text:
            text = _URL_USER_INFO.sub(REDACTED + "@", text)
        if "asic" in text:
            text = _BASIC.sub(_basic_credentials, text)
        return text

    def find_secrets(self, text: str) -> "List[str]":
        """Labels of the registered secrets that occur in ``text``."""
        return [
            label
            for value, label in self.secret_values()
            if len(value) >= _MIN_SCRUB_LENGTH and value in text
        ]

    def scrub_headers(self, headers: Mapping[str, str]) -> "Dict[str, str]":
        """A copy with secret headers replaced by ``REDACTED`` and values scrubbed."""
        return {
            name: REDACTED if name.lower() in SECRET_HEADERS else self.scrub(value)
            for name, value in headers.items()
        }

    def scrub_json(self, data: Any, *, account: bool = False) -> Any:
        """A deep copy of JSON data with secrets hidden.

        Values under ``SECRET_KEYS`` become ``REDACTED``; strings are scrubbed of
        known values. With ``account=True`` (what a recording stores) account
        identifiers are replaced too, whether registered or not.
        """
        return self._scrub_json(data, account, parent="")

    def _scrub_json(self, data: Any, account: bool, parent: str) -> Any:
        if isinstance(data, str):
            return self.scrub(data)
        if isinstance(data, list):
            return [self._scrub_json(item, account, parent) for item in data]
        if isinstance(data, dict):
            result = {}
            for key, value in data.items():
                lower = str(key).lower()
                if (lower in SECRET_KEYS or lower in SECRET_HEADERS) and _has_content(value):
                    result[key] = REDACTED
                elif account and _has_content(value) and (
                    lower in ACCOUNT_ID_KEYS or (lower == "id" and parent in ACCOUNT_OBJECTS)
                ):
                    result[key] = self._account_placeholder(lower, parent, value)
                else:
                    result[key] = self._scrub_json(value, account, lower)
            return result
        return data

    def _account_placeholder(self, key: str, parent: str, value: Any) -> str:
        known = dict(self.identifier_values()).get(str(value))
        if known:
            return known
        owner = key[: -len("_id")] if key.endswith("_id") else parent.rstrip("s")
        return "{" + f"{owner}_id" + "}"


def _has_content(value: Any) -> bool:
    """Whether a value under a secret key can hold one (``null``, ``""``, ``[]``, ``{}`` cannot)."""
    return value is not None and value != "" and value != [] and value != {}


_NOTHING_KNOWN = Redactor()


def redactor_of(extensions: Mapping[str, Any]) -> Redactor:
    """The ``Redactor`` a request carries in its extensions (one knowing nothing if none).

    Pass ``request.extensions``; the redactor that comes back must only be read.
    """
    redactor = extensions.get(REDACTOR_EXTENSION)
    return redactor if isinstance(redactor, Redactor) else _NOTHING_KNOWN
