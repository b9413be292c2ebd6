"""The network guard of the pytest plugin: no packet leaves but to loopback.

Two layers, one rule (``NetworkGuard.check_address`` and ``check_name``):

* **Wrappers** on ``socket.socket.connect``/``connect_ex``/``sendto``/``sendmsg``
  and ``socket.getaddrinfo`` refuse before the real call, so a host *name*
  never reaches the resolver and a patch a test made itself is never reached;
  one on ``_posixsubprocess.fork_exec`` catches the programs ``multiprocessing``
  starts (its ``spawn`` and ``forkserver`` methods raise no audit event).
* **An audit hook** (``sys.addaudithook``) sees what bypasses the wrappers:
  ``_socket.socket`` used directly, ``gethostbyname``/``gethostbyname_ex``/
  ``gethostbyaddr``/``getnameinfo``, and the start of a program
  (``subprocess.Popen``, ``os.system``, ``os.exec*``, ``os.posix_spawn``,
  ``os.spawn*``). A hook cannot be removed, so it is added once and consults
  the guards installed at the moment; with none it returns at once.

Allowed: the loopback literals ``127.0.0.0/8`` and ``::1`` (IPv4-mapped too),
the name ``localhost`` itself (not ``*.localhost``: a resolver may forward
those), and ``AF_UNIX``/``AF_NETLINK`` sockets. Refused: everything else,
port 53 even on loopback (a local stub resolver forwards the query), other
address families (``AF_PACKET`` frames leave the machine), and every new
program unless ``allow_subprocesses`` is set (the child is not guarded).

What cannot be closed, by design of the interpreter:

* a host name given straight to ``_socket.socket.connect``/``sendto`` is
  resolved by C before the audit event; the connection is refused, but the
  DNS query has been sent;
* C code that calls the C library itself (``ctypes``, an extension module such
  as a gRPC core or libcurl) raises no audit event and passes no wrapper;
* a server on loopback may forward what it is sent (a local proxy, a DNS stub
  on a port other than 53);
* a subprocess started while ``allow_subprocesses`` is set is not guarded;
* code under test may uninstall the guard or edit its state: it guards
  against accidents, not against a test that means to get out.

Like the plugin, it imports only pytest and the standard library.
"""

from __future__ import annotations

import ipaddress
import os
import shlex
import socket
import sys
import threading
from typing import Any, Callable, Dict, List, NoReturn, Optional, Tuple

import pytest

try:
    import _posixsubprocess
except ImportError:  # Windows
    _posixsubprocess = None  # type: ignore[assignment]

__all__ = ["NetworkGuard"]

# Families whose sockets never leave the machine.
_LOCAL_FAMILIES = frozenset(
    getattr(socket, name) for name in ("AF_UNIX", "AF_NETLINK") if hasattr(socket, name)
)
_INET = frozenset({socket.AF_INET, socket.AF_INET6})
_DNS_PORT = 53
_SUBPROCESS_EVENTS = frozenset(
    {"subprocess.Popen", "os.system", "os.exec", "os.posix_spawn", "os.spawn", "os.startfile"}
)

# The guards installed now, innermost last; the audit hook consults the last one.
_active: List["NetworkGuard"] = []
_hook_lock = threading.Lock()
_hook_added = False


def _host_text(host: Any) -> Optional[str]:
    if isinstance(host, (bytes, bytearray)):
        return bytes(host).decode("ascii", "replace")
    return host if isinstance(host, str) else None


def _is_loopback_literal(host: str) -> bool:
    try:
        address = ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped.is_loopback
    return address.is_loopback


def _is_literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return False
    return True


def _is_loopback_host(host: Any) -> bool:
    """``localhost`` itself or a loopback literal; any other name would need a lookup."""
    text = _host_text(host)
    if text is None:
        return False
    return text.lower() == "localhost" or _is_loopback_literal(text)


def _describe(address: Any) -> str:
    if isinstance(address, tuple) and len(address) >= 2:
        host, port = address[0], address[1]
        return f"[{host}]:{port}" if isinstance(host, str) and ":" in host else f"{host}:{port}"
    return repr(address)


def _command(args: Tuple[Any, ...], event: str) -> str:
    """A short, readable form of the program an audit event starts."""
    if event in ("os.system", "fork_exec") or len(args) < 2:
        argv: Any = args[0] if args else ""
    else:
        argv = args[1]
    if isinstance(argv, (list, tuple)):
        text = shlex.join(os.fsdecode(a) if isinstance(a, bytes) else str(a) for a in argv)
    else:
        text = os.fsdecode(argv) if isinstance(argv, bytes) else str(argv)
    return text if len(text) <= 120 else text[:120] + "…"


def _audit(event: str, args: Tuple[Any, ...]) -> None:
    if not _active:
        return  # the common case, for every audited event of the process: one test
    guard = _active[-1]
    if event in ("socket.connect", "socket.sendto", "socket.sendmsg"):
        what = "a connection to" if event == "socket.connect" else "a datagram to"
        if args[1] is not None:  # sendmsg on a connected socket passes no address
            guard.check_address(args[0], args[1], what)
    elif event in ("socket.getaddrinfo", "socket.gethostbyname"):  # gethostbyname_ex too
        guard.check_name(args[0], "a DNS lookup of", literals=True)
    elif event in ("socket.gethostbyaddr", "socket.getnameinfo"):
        host = args[0][0] if isinstance(args[0], tuple) and args[0] else args[0]
        guard.check_name(host, "a reverse DNS lookup of", literals=False)
    elif event in _SUBPROCESS_EVENTS and not guard.allow_subprocesses:
        guard.refuse_subprocess(_command(args, event))


def _add_audit_hook() -> None:
    global _hook_added
    with _hook_lock:
        if not _hook_added:
            sys.addaudithook(_audit)
            _hook_added = True


class NetworkGuard:
    """Refuses, before any packet leaves, network use other than loopback.

    Active (in record mode ``none``) while a test using the plugin's fixtures
    runs, in every thread: connections and datagrams to anything but a
    loopback address, DNS lookups of any name but ``localhost``, and new
    programs fail the test (the module docstring lists the rule and its
    limits). ``blocked`` lists what was refused; if the code under test
    swallows the failure, the test fails at teardown anyway. A test that must
    run a program sets ``allow_subprocesses = True`` on the
    ``modelarts_network_guard`` fixture's guard: the child is not guarded.
    """

    def __init__(self, nodeid: str, *, allow_subprocesses: bool = False) -> None:
        self.nodeid = nodeid
        self.allow_subprocesses = allow_subprocesses
        self.blocked: List[str] = []
        self._raised: List[BaseException] = []
        self._saved: Dict[Tuple[object, str], Any] = {}
        self._pid = os.getpid()

    def install(self) -> None:
        connect = socket.socket.connect
        connect_ex = socket.socket.connect_ex
        sendto = socket.socket.sendto
        sendmsg = socket.socket.sendmsg
        getaddrinfo = socket.getaddrinfo
        guard = self

        def guarded_connect(sock: socket.socket, address: Any) -> None:
            __tracebackhide__ = True
            guard.check_address(sock, address, "a connection to")
            connect(sock, address)

        def guarded_connect_ex(sock: socket.socket, address: Any) -> int:
            __tracebackhide__ = True
            guard.check_address(sock, address, "a connection to")
            return connect_ex(sock, address)

        def guarded_sendto(sock: socket.socket, data: Any, *args: Any) -> int:
            __tracebackhide__ = True
            if args:
                guard.check_address(sock, args[-1], "a datagram to")
            result: int = sendto(sock, data, *args)
            return result

        def guarded_sendmsg(sock: socket.socket, buffers: Any, *args: Any) -> int:
            __tracebackhide__ = True
            if len(args) >= 3 and args[2] is not None:  # (ancdata, flags, address)
                guard.check_address(sock, args[2], "a datagram to")
            result: int = sendmsg(sock, buffers, *args)
            return result

        def guarded_getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
            __tracebackhide__ = True
            guard.check_name(host, "a DNS lookup of", literals=True)
            return getaddrinfo(host, *args, **kwargs)

        self._patch(socket.socket, "connect", guarded_connect)
        self._patch(socket.socket, "connect_ex", guarded_connect_ex)
        self._patch(socket.socket, "sendto", guarded_sendto)
        self._patch(socket.socket, "sendmsg", guarded_sendmsg)
        self._patch(socket, "getaddrinfo", guarded_getaddrinfo)
        if _posixsubprocess is not None:
            fork_exec = _posixsubprocess.fork_exec

            def guarded_fork_exec(*args: Any) -> Any:
                __tracebackhide__ = True
                if not guard.allow_subprocesses:
                    guard.refuse_subprocess(_command(args, "fork_exec"))
                return fork_exec(*args)

            self._patch(_posixsubprocess, "fork_exec", guarded_fork_exec)
        _add_audit_hook()
        _active.append(self)

    def _patch(self, owner: object, name: str, value: Callable[..., Any]) -> None:
        self._saved[(owner, name)] = getattr(owner, name)
        setattr(owner, name, value)

    def uninstall(self) -> None:
        if self in _active:
            _active.remove(self)
        for (owner, name), value in reversed(list(self._saved.items())):
            setattr(owner, name, value)
        self._saved.clear()

    # -- the rule ------------------------------------------------------------------

    def check_address(self, sock: Any, address: Any, what: str) -> None:
        """Refuse ``address`` for ``sock`` unless it stays on this machine."""
        __tracebackhide__ = True
        family = getattr(sock, "family", None)
        if family in _LOCAL_FAMILIES:
            return
        if (
            family in _INET
            and isinstance(address, tuple)
            and len(address) >= 2
            and _is_loopback_host(address[0])
            and address[1] != _DNS_PORT
        ):
            return
        if what == "a connection to":
            # Callers such as socket.create_connection close their socket on OSError
            # only; this failure is not one, so the refused socket is closed here.
            sock.close()
        self._refuse(f"{what} {_describe(address)}")

    def check_name(self, host: Any, what: str, *, literals: bool) -> None:
        """Refuse a lookup of ``host`` unless it is ``localhost`` or a loopback literal.

        With ``literals``, any IP literal passes too: resolving one sends nothing,
        and the connection that follows is checked on its own.
        """
        __tracebackhide__ = True
        text = _host_text(host)
        if host is None or text == "":
            return  # the passive/any address: no lookup
        if text is not None and (_is_loopback_host(text) or (literals and _is_literal(text))):
            return
        self._refuse(f"{what} {text if text is not None else host!r}")

    def refuse_subprocess(self, command: str) -> None:
        __tracebackhide__ = True
        what = f"a subprocess ({command})"
        if os.getpid() != self._pid:
            # A forked child about to exec: raising would let the child run on as a
            # copy of the test session. It ends here, saying why.
            os.write(2, (self.message(what) + "\n").encode("utf-8", "replace"))
            os._exit(127)
        self._refuse(what)

    def _refuse(self, what: str) -> NoReturn:
        __tracebackhide__ = True
        self.blocked.append(what)
        error = pytest.fail.Exception(self.message(what))
        self._raised.append(error)
        raise error

    def message(self, what: str) -> str:
        """The failure for one refused attempt: what, why, and how to record instead."""
        text = (
            f"modelarts: blocked {what} during {self.nodeid}: record mode 'none' (the "
            "default) replays fixtures and never uses the network; only loopback "
            "(127.0.0.1, ::1, localhost: the fake cloud) is allowed. To record this test's "
            "traffic, with credentials in HUAWEICLOUD_SDK_* variables, run: "
            f"pytest --modelarts-record-mode=once {shlex.quote(self.nodeid)}"
        )
        if what.startswith("a subprocess"):
            text += (
                ". A test that must start a program (which this guard cannot watch) sets "
                "modelarts_network_guard.allow_subprocesses = True"
            )
        return text

    def swallowed(self, test_error: Optional[BaseException]) -> bool:
        """Whether something was blocked but the test did not fail with our error."""
        return bool(self.blocked) and not any(test_error is raised for raised in self._raised)
