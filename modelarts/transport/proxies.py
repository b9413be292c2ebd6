"""Which proxy a request goes through, decided by pure functions (no I/O).

The live transports read the environment the way curl and requests do, so a
machine already set up for them needs nothing more::

    >>> from modelarts.transport.proxies import proxy_for
    >>> env = {"HTTPS_PROXY": "proxy.corp:3128", "NO_PROXY": ".internal,10.0.0.0/8"}
    >>> proxy_for("https://modelarts.cn-north-4.myhuaweicloud.com/v1/x", env)
    'http://proxy.corp:3128'
    >>> proxy_for("https://10.1.2.3/v1/x", env) is None
    True

The rules:

* ``http_proxy`` / ``HTTP_PROXY`` for ``http://`` URLs, ``https_proxy`` /
  ``HTTPS_PROXY`` for ``https://`` URLs, then ``all_proxy`` / ``ALL_PROXY`` for
  either. For every name the lower-case variable wins when it is set at all;
  set to the empty string it means "none" (the upper-case one is then not read).
  Mixed-case spellings are not read.
* Upper-case ``HTTP_PROXY`` is ignored when ``REQUEST_METHOD`` is set: in a CGI
  process it can come from a client's ``Proxy:`` header ("httpoxy"; Python's
  ``urllib`` does the same). curl never reads it; requests does otherwise, and
  so do we.
* A proxy URL without a scheme means ``http://``. ``socks`` proxies are not
  supported and raise ``ConfigurationError``.
* ``no_proxy`` / ``NO_PROXY`` is a comma-separated list; an entry is ``*``
  (every host), a domain (``example.com``, ``.example.com`` and
  ``*.example.com`` all match ``example.com`` and its subdomains, never
  ``badexample.com``), an IP address, an IPv4 or IPv6 CIDR range
  (``10.0.0.0/8``), or any of those with ``:port`` (``[::1]:8443`` for IPv6), in
  which case only that port (the URL's, or 80/443 by scheme) is bypassed.
  Matching ignores case; IP hosts match only IP and CIDR entries. Entries that
  cannot be parsed are ignored, as curl and requests do. ``localhost`` is not
  bypassed unless listed.

This follows curl where curl and requests differ on ``NO_PROXY`` suffixes
(requests' own check lets ``example.com`` match ``badexample.com``), and
requests where curl does not read a variable. Only the environment is read,
never the macOS or Windows system proxy settings.
"""

from __future__ import annotations

import base64
import functools
import ipaddress
import os
import re
from dataclasses import dataclass
from typing import Dict, Mapping, Optional, Tuple, Union
from urllib.parse import unquote, urlsplit

from ..errors import ConfigurationError

__all__ = [
    "PROXY_KEYS",
    "NoProxyRule",
    "basic_proxy_authorization",
    "bypasses_proxy",
    "environment_proxies",
    "normalize_proxy_url",
    "parse_no_proxy",
    "proxy_for",
    "redact_proxy_url",
    "select_proxy",
    "split_proxy_credentials",
]

#: The keys of a proxies mapping: a proxy URL per scheme, ``all`` for any
#: scheme, and ``no_proxy`` in the ``NO_PROXY`` syntax.
PROXY_KEYS = ("http", "https", "all", "no_proxy")

_DEFAULT_PORTS = {"http": 80, "https": 443}
_PROXY_SCHEMES = ("http", "https")
IPNetwork = Union[ipaddress.IPv4Network, ipaddress.IPv6Network]
IPAddress = Union[ipaddress.IPv4Address, ipaddress.IPv6Address]


def _variable(env: Mapping[str, str], name: str) -> Optional[str]:
    """The lower-case variable if set (even empty), else the upper-case one."""
    value = env.get(name)
    if value is not None:
        return value
    if name == "http_proxy" and "REQUEST_METHOD" in env:
        return None
    return env.get(name.upper())


def environment_proxies(env: Mapping[str, str]) -> Dict[str, str]:
    """The proxy settings the environment holds, keyed like ``PROXY_KEYS``.

    Only non-empty values are returned, stripped of surrounding blanks.
    Looks up eight fixed names, so it is cheap enough to run per request and
    never iterates ``os.environ`` (which another thread may be changing).
    """
    found: Dict[str, str] = {}
    for key in PROXY_KEYS:
        name = key if key == "no_proxy" else f"{key}_proxy"
        value = (_variable(env, name) or "").strip()
        if value:
            found[key] = value
    return found


def proxy_for(url: str, env: Mapping[str, str] = os.environ) -> Optional[str]:
    """The proxy URL the environment chooses for ``url``, or ``None`` for a direct route.

    The result has a scheme and keeps any credentials (the caller needs them
    to authenticate); show it only through ``redact_proxy_url``.
    """
    return select_proxy(url, environment_proxies(env))


def select_proxy(url: str, proxies: Mapping[str, Optional[str]]) -> Optional[str]:
    """The proxy for ``url`` from a mapping keyed like ``PROXY_KEYS``.

    The scheme's own entry wins over ``all``; a ``no_proxy`` match means no
    proxy. Only ``http`` and ``https`` URLs are ever proxied.
    """
    split = urlsplit(url)
    scheme = split.scheme.lower()
    host = split.hostname
    if scheme not in _DEFAULT_PORTS or not host:
        return None
    chosen = proxies.get(scheme) or proxies.get("all")
    if not chosen:
        return None
    try:
        port = split.port or _DEFAULT_PORTS[scheme]
    except ValueError:
        port = _DEFAULT_PORTS[scheme]
    if bypasses_proxy(host, port, proxies.get("no_proxy") or ""):
        return None
    return normalize_proxy_url(chosen)


# -- NO_PROXY ---------------------------------------------------------------


@dataclass(frozen=True)
class NoProxyRule:
    """One ``NO_PROXY`` entry: a wildcard, a domain, an IP address or a network.

    ``port`` limits the rule to one port when the entry named one.
    """

    wildcard: bool = False
    domain: str = ""
    address: Optional[IPAddress] = None
    network: Optional[IPNetwork] = None
    port: Optional[int] = None

    def matches(self, host: str, port: int) -> bool:
        """Whether a request to ``host:port`` skips the proxy under this rule."""
        if self.wildcard:
            return True
        if self.port is not None and self.port != port:
            return False
        host = _clean_host(host)
        ip = _ip(host)
        if ip is not None:
            if self.address is not None:
                return ip == self.address
            if self.network is not None:
                return ip.version == self.network.version and ip in self.network
            return False
        if self.domain:
            return host == self.domain or host.endswith("." + self.domain)
        return False


def _clean_host(host: str) -> str:
    return host.strip().lower().strip("[]").rstrip(".")


def _ip(text: str) -> Optional[IPAddress]:
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


_PORT_RE = re.compile(r"^(.*):(\d{1,5})$")


def _parse_entry(entry: str) -> Optional[NoProxyRule]:
    if entry == "*":
        return NoProxyRule(wildcard=True)
    port: Optional[int] = None
    host = entry
    if entry.startswith("["):  # [v6] or [v6]:port
        close = entry.find("]")
        if close < 0:
            return None
        host, rest = entry[1:close], entry[close + 1 :]
        if rest:
            if not re.fullmatch(r":\d{1,5}", rest):
                return None
            port = int(rest[1:])
    elif "/" not in entry and _ip(entry) is None:
        match = _PORT_RE.match(entry)
        if match:
            host, port = match.group(1), int(match.group(2))
        elif ":" in entry:
            return None
    if port is not None and not 0 < port < 65536:
        return None
    if "/" in host:
        try:
            return NoProxyRule(network=ipaddress.ip_network(host, strict=False), port=port)
        except ValueError:
            return None
    address = _ip(host)
    if address is not None:
        return NoProxyRule(address=address, port=port)
    domain = _clean_host(host)
    if domain.startswith("*."):
        domain = domain[2:]
    domain = domain.lstrip(".")
    if not domain or any(c in domain for c in "*/@ "):
        return None
    return NoProxyRule(domain=domain, port=port)


@functools.lru_cache(maxsize=64)
def parse_no_proxy(value: str) -> Tuple[NoProxyRule, ...]:
    """The rules of a ``NO_PROXY`` value, unparseable entries left out.

    Cached: the transports consult it for every request.
    """
    rules = []
    for raw in value.split(","):
        entry = raw.strip()
        if entry:
            rule = _parse_entry(entry)
            if rule is not None:
                rules.append(rule)
    return tuple(rules)


def bypasses_proxy(host: str, port: int, no_proxy: str) -> bool:
    """Whether ``NO_PROXY``-syntax ``no_proxy`` sends ``host:port`` direct."""
    return any(rule.matches(host, port) for rule in parse_no_proxy(no_proxy))


# -- proxy URLs ---------------------------------------------------------------


def normalize_proxy_url(url: str) -> str:
    """``url`` with a scheme (``http://`` when it had none), checked.

    Raises ``ConfigurationError`` naming the (redacted) URL when the scheme is
    not http or https, or the host or port is missing or invalid.
    """
    text = url.strip()
    if "://" not in text:
        text = "http://" + text
    shown = redact_proxy_url(text)
    scheme = text.split("://", 1)[0].lower()
    if scheme not in _PROXY_SCHEMES:
        raise ConfigurationError(
            f"unsupported proxy scheme {scheme!r} in {shown}: use an http:// or https:// proxy"
        )
    valid = False
    try:
        split = urlsplit(text)
        hostport = split.netloc.rpartition("@")[2]
        # .port raises ValueError for a port that is not a number in range.
        valid = bool(split.hostname) and split.port != 0 and not re.search(r"[\s\\]", hostport)
    except ValueError:
        pass
    if not valid:
        # Nothing chained: the parser's message could quote the password.
        raise ConfigurationError(f"invalid proxy URL {shown}: expected http://host:port")
    return text


def redact_proxy_url(url: str) -> str:
    """``url`` with any ``user:password@`` replaced by ``***@``, safe to show.

    Everything between the scheme and the *last* ``@`` is hidden, so a
    password holding an unescaped ``/`` or ``@`` does not leak either.
    """
    scheme, sep, rest = url.partition("://")
    if not sep:
        scheme, rest = "", url
    head = rest.split("?", 1)[0].split("#", 1)[0]
    at = head.rfind("@")
    if at < 0:
        return url
    return (f"{scheme}://" if sep else "") + "***@" + rest[at + 1 :]


def split_proxy_credentials(url: str) -> Tuple[str, Optional[Tuple[str, str]]]:
    """``(url without credentials, (user, password) or None)``, percent-decoded.

    ``url`` must be normalized (``normalize_proxy_url``).
    """
    scheme, _, rest = url.partition("://")
    at = rest.rfind("@")
    if at < 0:
        return url, None
    userinfo, hostpart = rest[:at], rest[at + 1 :]
    user, _, password = userinfo.partition(":")
    return f"{scheme}://{hostpart}", (unquote(user), unquote(password))


def basic_proxy_authorization(credentials: Tuple[str, str]) -> str:
    """The ``Proxy-Authorization`` value for ``(user, password)`` (UTF-8, RFC 7617)."""
    token = base64.b64encode(":".join(credentials).encode("utf-8")).decode("ascii")
    return f"Basic {token}"
