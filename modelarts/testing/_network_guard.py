"""The network guard of the pytest plugin: no packet leaves but to loopback.

Patched in at the socket level (``connect``, ``connect_ex``, ``sendto``,
``getaddrinfo``), so it holds whatever HTTP library the code under test uses,
and it refuses before the real call, so nothing reaches the wire. Like the
plugin, it imports only pytest and the standard library.
"""

from __future__ import annotations

import ipaddress
import shlex
import socket
from typing import Any, Callable, Dict, List, NoReturn, Optional, Tuple

import pytest

__all__ = ["NetworkGuard"]


def _is_loopback_host(host: Any) -> bool:
    if isinstance(host, (bytes, bytearray)):
        host = bytes(host).decode("ascii", "replace")
    if not isinstance(host, str):
        return False
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return False  # a name: resolving it is traffic already
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped.is_loopback
    return address.is_loopback


def _is_literal_address(host: str) -> bool:
    try:
        ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return False
    return True


def _describe(address: Any) -> str:
    if isinstance(address, tuple) and len(address) >= 2:
        host, port = address[0], address[1]
        return f"[{host}]:{port}" if isinstance(host, str) and ":" in host else f"{host}:{port}"
    return repr(address)


class NetworkGuard:
    """Refuses, before any packet leaves, network use other than loopback.

    Active (in record mode ``none``) while a test using the plugin's fixtures
    runs: ``socket.socket.connect``/``connect_ex``/``sendto`` to a
    non-loopback IP, and ``socket.getaddrinfo`` of any name but
    ``localhost``, fail the test. ``blocked`` lists what was refused. If the
    code under test swallows the failure, the test fails at teardown anyway.
    """

    _INET = (socket.AF_INET, socket.AF_INET6)

    def __init__(self, nodeid: str) -> None:
        self.nodeid = nodeid
        self.blocked: List[str] = []
        self._raised: List[BaseException] = []
        self._saved: Dict[Tuple[object, str], Any] = {}

    def install(self) -> None:
        connect = socket.socket.connect
        connect_ex = socket.socket.connect_ex
        sendto = socket.socket.sendto
        getaddrinfo = socket.getaddrinfo
        guard = self

        def guarded_connect(sock: socket.socket, address: Any) -> None:
            __tracebackhide__ = True
            guard._check(sock, address, "a connection to")
            connect(sock, address)

        def guarded_connect_ex(sock: socket.socket, address: Any) -> int:
            __tracebackhide__ = True
            guard._check(sock, address, "a connection to")
            return connect_ex(sock, address)

        def guarded_sendto(sock: socket.socket, data: Any, *args: Any) -> int:
            __tracebackhide__ = True
            if args:
                guard._check(sock, args[-1], "a datagram to")
            result: int = sendto(sock, data, *args)
            return result

        def guarded_getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
            __tracebackhide__ = True
            name = bytes(host).decode("ascii", "replace") if isinstance(host, bytes) else host
            if name and not (_is_loopback_host(name) or _is_literal_address(name)):
                guard._refuse(f"a DNS lookup of {name!r}")
            return getaddrinfo(host, *args, **kwargs)

        self._patch(socket.socket, "connect", guarded_connect)
        self._patch(socket.socket, "connect_ex", guarded_connect_ex)
        self._patch(socket.socket, "sendto", guarded_sendto)
        self._patch(socket, "getaddrinfo", guarded_getaddrinfo)

    def _patch(self, owner: object, name: str, value: Callable[..., Any]) -> None:
        self._saved[(owner, name)] = getattr(owner, name)
        setattr(owner, name, value)

    def uninstall(self) -> None:
        for (owner, name), value in reversed(list(self._saved.items())):
            setattr(owner, name, value)
        self._saved.clear()

    def _check(self, sock: socket.socket, address: Any, what: str) -> None:
        __tracebackhide__ = True
        if sock.family not in self._INET or not isinstance(address, tuple) or not address:
            return  # AF_UNIX and friends never leave the machine
        if not _is_loopback_host(address[0]):
            if what == "a connection to":
                # Callers such as socket.create_connection close their socket on OSError
                # only; this failure is not one, so the refused socket is closed here.
                sock.close()
            self._refuse(f"{what} {_describe(address)}")

    def _refuse(self, what: str) -> NoReturn:
        __tracebackhide__ = True
        self.blocked.append(what)
        error = pytest.fail.Exception(self.message(what))
        self._raised.append(error)
        raise error

    def message(self, what: str) -> str:
        """The failure for one refused attempt: what, why, and how to record instead."""
        return (
            f"modelarts: blocked {what} during {self.nodeid}: record mode 'none' (the "
            "default) replays fixtures and never uses the network; only loopback "
            "(127.0.0.1, ::1, localhost: the fake cloud) is allowed. To record this test's "
            "traffic, with credentials in HUAWEICLOUD_SDK_* variables, run: "
            f"pytest --modelarts-record-mode=once {shlex.quote(self.nodeid)}"
        )

    def swallowed(self, test_error: Optional[BaseException]) -> bool:
        """Whether something was blocked but the test did not fail with our error."""
        return bool(self.blocked) and not any(test_error is raised for raised in self._raised)
