"""Credentials as small values, and what each source of them holds.

``from_arguments``, ``from_environment`` and ``from_file`` read one source
each; ``modelarts/credential_chain.py`` asks them in order.
"""

from __future__ import annotations

import os
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Dict, Mapping, Optional, Tuple, Union

from .errors import ConfigurationError
from .redaction import REDACTED, mask

if TYPE_CHECKING:
    from .redaction import Redactor

__all__ = [
    "ENV_AK",
    "ENV_CREDENTIALS_FILE",
    "ENV_SECURITY_TOKEN",
    "ENV_SK",
    "USER_ID_HEADER",
    "AccessKeyCredentials",
    "Credentials",
    "PasswordCredentials",
    "credentials_file_path",
    "from_arguments",
    "from_environment",
    "from_file",
    "require_header_text",
    "parse_expiry",
    "read_credentials_file",
]

ENV_AK = "HUAWEICLOUD_SDK_AK"
ENV_SK = "HUAWEICLOUD_SDK_SK"
ENV_SECURITY_TOKEN = "HUAWEICLOUD_SDK_SECURITY_TOKEN"
ENV_CREDENTIALS_FILE = "HUAWEICLOUD_SDK_CREDENTIALS_FILE"
#: The header an ``AccessKeyCredentials.user_id`` travels in, signed like every header.
USER_ID_HEADER = "X-ModelArts-User-Id"

_FILE_SECTION = "basic"


def _require_text(name: str, value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ConfigurationError(f"{name} must be a non-empty string")
    if value != value.strip():
        raise ConfigurationError(f"{name} has leading or trailing whitespace")
    return value


def require_header_text(name: str, value: object) -> str:
    """``value`` if it can travel in an HTTP header as is, else ``ConfigurationError``.

    Keys, tokens and the project id go into request headers (``Authorization``,
    ``X-Security-Token``, ``X-Project-Id``). A CR or LF there would split the
    header, and the HTTP library would then quote the whole header, signature
    included, in its error; so any character outside printable ASCII (control
    characters, non-ASCII, a lone surrogate) is refused here, before anything
    is signed or sent. The message names the position, never the value.
    """
    text = _require_text(name, value)
    for position, char in enumerate(text, 1):
        if not " " < char < "\x7f":
            kind = "a character that is not printable ASCII"
            if char in "\r\n":
                kind = "a line break (CR or LF)"
            elif char <= " " or char == "\x7f":
                kind = "a space or control character"
            raise ConfigurationError(
                f"{name} has {kind} at position {position} of {len(text)}; "
                "copy the value again, without line breaks or other hidden characters"
            )
    return text


class AccessKeyCredentials:
    """An access key pair, optionally temporary (with a security token and expiry)."""

    __slots__ = ("access_key", "secret_key", "security_token", "expires_at", "source", "user_id")

    def __init__(
        self,
        access_key: str,
        secret_key: str,
        security_token: Optional[str] = None,
        *,
        expires_at: Optional[datetime] = None,
        source: str = "arguments",
        user_id: Optional[str] = None,
    ) -> None:
        self.access_key = require_header_text("access_key", access_key)
        self.secret_key = require_header_text("secret_key", secret_key)
        self.security_token = (
            None
            if security_token is None
            else require_header_text("security_token", security_token)
        )
        self.expires_at = expires_at
        self.source = source
        #: Inside ModelArts, the platform user the keys act for, sent (signed) as
        #: ``X-ModelArts-User-Id``; ``None`` everywhere else.
        self.user_id = None if user_id is None else require_header_text("user_id", user_id)

    @property
    def temporary(self) -> bool:
        """Temporary AK/SK carry a security token (``X-Security-Token``)."""
        return self.security_token is not None

    def register_secrets(self, redactor: "Redactor") -> None:
        redactor.add_secret(self.access_key, "access key")
        redactor.add_secret(self.secret_key, "secret key")
        redactor.add_secret(self.security_token, "security token")
        redactor.add_identifier(self.user_id, "{user_id}")

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, AccessKeyCredentials):
            return NotImplemented
        return (self.access_key, self.secret_key, self.security_token) == (
            other.access_key,
            other.secret_key,
            other.security_token,
        )

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        token = REDACTED if self.security_token else None
        return (
            f"AccessKeyCredentials(access_key={mask(self.access_key)}, secret_key={REDACTED}, "
            f"security_token={token}, source={self.source!r})"
        )


class PasswordCredentials:
    """An IAM user name and password; ``account`` is the account (domain) name.

    ``account`` defaults to ``username``: an account logging in as itself.
    """

    __slots__ = ("username", "password", "account", "source")

    def __init__(
        self,
        username: str,
        password: str,
        account: Optional[str] = None,
        *,
        source: str = "arguments",
    ) -> None:
        self.username = _require_text("username", username)
        if not isinstance(password, str) or not password:
            raise ConfigurationError("password must be a non-empty string")
        self.password = password
        self.account = username if account is None else _require_text("account", account)
        self.source = source

    def register_secrets(self, redactor: "Redactor") -> None:
        redactor.add_secret(self.password, "password")

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, PasswordCredentials):
            return NotImplemented
        return (self.username, self.password, self.account) == (
            other.username,
            other.password,
            other.account,
        )

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return (
            f"PasswordCredentials(username={self.username!r}, password={REDACTED}, "
            f"account={self.account!r}, source={self.source!r})"
        )


Credentials = Union[AccessKeyCredentials, PasswordCredentials]

#: (source name, why it gave nothing)
Miss = Tuple[str, str]


def from_arguments(
    *,
    access_key: Optional[str],
    secret_key: Optional[str],
    security_token: Optional[str],
    username: Optional[str],
    password: Optional[str],
    account: Optional[str],
) -> Optional[Credentials]:
    """Credentials passed to ``Session(...)``, or None when none were passed.

    A half-given set is an error rather than a reason to look elsewhere: a user
    who wrote ``access_key=`` meant to use it.
    """
    keys = (access_key, secret_key, security_token)
    login = (username, password, account)
    if any(v is not None for v in keys) and any(v is not None for v in login):
        raise ConfigurationError("pass either access_key/secret_key or username/password, not both")
    if any(v is not None for v in keys):
        if access_key is None or secret_key is None:
            missing = "secret_key" if secret_key is None else "access_key"
            raise ConfigurationError(f"access key credentials given without {missing}")
        return AccessKeyCredentials(access_key, secret_key, security_token)
    if any(v is not None for v in login):
        if username is None or password is None:
            missing = "password" if password is None else "username"
            raise ConfigurationError(f"password credentials given without {missing}")
        return PasswordCredentials(username, password, account)
    return None


def from_environment(env: Mapping[str, str]) -> "Tuple[Optional[Credentials], str]":
    """AK/SK from ``HUAWEICLOUD_SDK_AK``/``_SK`` (+ ``_SECURITY_TOKEN``)."""
    ak, sk = env.get(ENV_AK) or None, env.get(ENV_SK) or None
    token = env.get(ENV_SECURITY_TOKEN) or None
    if ak and sk:
        try:
            return AccessKeyCredentials(ak, sk, token, source="environment"), ""
        except ConfigurationError as exc:
            raise ConfigurationError(f"environment credentials are invalid: {exc}") from None
    if ak or sk or token:
        missing = [name for name, value in ((ENV_AK, ak), (ENV_SK, sk)) if not value]
        return None, f"{' and '.join(missing)} not set"
    return None, f"{ENV_AK} and {ENV_SK} not set"


def credentials_file_path(env: Mapping[str, str]) -> Path:
    """``HUAWEICLOUD_SDK_CREDENTIALS_FILE``, else ``~/.huaweicloud/credentials``."""
    configured = env.get(ENV_CREDENTIALS_FILE)
    if configured:
        return Path(configured).expanduser()
    home = env.get("HOME") or env.get("USERPROFILE") or os.path.expanduser("~")
    return Path(home) / ".huaweicloud" / "credentials"


def read_credentials_file(path: Path, section: str = _FILE_SECTION) -> "Optional[Dict[str, str]]":
    """One section (``[basic]``) of an INI credentials file; None if the file is absent."""
    import configparser  # only when a file is read: a replay or --help need none

    parser = configparser.ConfigParser(interpolation=None)
    try:
        with open(path, encoding="utf-8") as handle:
            parser.read_file(handle)
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigurationError(f"cannot read credentials file {path}: {exc}") from None
    except configparser.Error as exc:
        # configparser's messages quote lines of the file, which may hold the SK.
        raise ConfigurationError(
            f"credentials file {path} is not a valid INI file ({type(exc).__name__}); "
            f"expected a [{section}] section of key = value lines"
        ) from None
    if not parser.has_section(section):
        return {}
    return {key: value.strip() for key, value in parser.items(section)}


def from_file(
    values: "Optional[Dict[str, str]]", path: Path
) -> "Tuple[Optional[Credentials], str]":
    """AK/SK (+ security_token) from the file's ``[basic]`` section."""
    if values is None:
        return None, f"{path} does not exist"
    ak, sk = values.get("ak") or None, values.get("sk") or None
    if ak and sk:
        try:
            creds = AccessKeyCredentials(
                ak, sk, values.get("security_token") or None, source=f"file {path}"
            )
        except ConfigurationError as exc:
            raise ConfigurationError(f"credentials in {path} are invalid: {exc}") from None
        return creds, ""
    if not values:
        return None, f"{path} has no [{_FILE_SECTION}] section"
    missing = [key for key, value in (("ak", ak), ("sk", sk)) if not value]
    return None, f"{path} [{_FILE_SECTION}] lacks {' and '.join(missing)}"


def parse_expiry(value: object) -> Optional[datetime]:
    """Parse ``2026-11-27T06:00:00.000000Z``-style timestamps (IAM, metadata) to aware UTC."""
    if not isinstance(value, str) or not value:
        return None
    text = value.strip()
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        for pattern in ("%Y-%m-%dT%H:%M:%S.%f%z", "%Y-%m-%dT%H:%M:%S%z"):
            try:
                moment = datetime.strptime(text, pattern)
                break
            except ValueError:
                continue
        else:
            return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    try:
        moment = moment.astimezone(timezone.utc)
    except OverflowError:  # an offset that moves year 1 or 9999 out of range
        return None
    # Callers subtract renewal margins from it: at the very ends of the calendar
    # that overflows, and such a time is no real expiry anyway.
    return moment if 1 < moment.year < 9999 else None
