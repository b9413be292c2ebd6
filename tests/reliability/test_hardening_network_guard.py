"""Issue 13, item 5: the replay-mode network guard, against the ways around it.

Each attempt below got past the guard before: ``sendmsg`` (UDP, TCP Fast
Open), ``_socket.socket`` used directly, ``gethostbyname``/``_ex``/
``gethostbyaddr``/``getnameinfo``, ``*.localhost`` names, a subprocess. Now
each fails the test with the guard's message and is listed in ``blocked``.

Nothing here may leave the machine even when the guard is broken: a tripwire
audit hook, added after the guard's, refuses whatever the guard let through
(and records it), so a regression fails these tests without sending anything.
Addresses are TEST-NET-1 (192.0.2.0/24, never routed); names end in
``.invalid`` or ``.localhost``.
"""

from __future__ import annotations

import _socket
import ipaddress
import multiprocessing
import os
import shlex
import socket
import subprocess
import sys
import threading
from typing import Any, Callable, Iterator, List, Tuple

import pytest

from modelarts.testing import LoopbackServer
from modelarts.testing._network_guard import NetworkGuard
from modelarts.transport import Request, Response

FAR = ("192.0.2.1", 9)

_reached: List[Tuple[str, Any]] = []
_armed = threading.Event()
_tripwire_added = False
_WATCHED = (
    "socket.connect",
    "socket.sendto",
    "socket.sendmsg",
    "socket.getaddrinfo",
    "socket.gethostbyname",
    "socket.gethostbyaddr",
    "socket.getnameinfo",
    "subprocess.Popen",
    "os.system",
    "os.exec",
    "os.posix_spawn",
)


def _stays_here(event: str, args: Tuple[Any, ...]) -> bool:
    """The tripwire's own, plain rule: loopback literals and ``localhost``, never port 53."""
    if not event.startswith("socket."):
        return False  # a program
    target = args[1] if event in ("socket.connect", "socket.sendto", "socket.sendmsg") else args[0]
    if isinstance(target, tuple):
        if len(target) >= 2 and target[1] == 53:
            return False
        target = target[0] if target else None
    if target in (None, "", "localhost"):
        return True
    try:
        return ipaddress.ip_address(str(target)).is_loopback
    except ValueError:
        return False


def _tripwire(event: str, args: Tuple[Any, ...]) -> None:
    if _armed.is_set() and event in _WATCHED and not _stays_here(event, args):
        _reached.append((event, args[1:] if event.startswith("socket.s") else args))
        raise OSError(f"tripwire: {event} got past the guard")


@pytest.fixture
def guard(request: pytest.FixtureRequest) -> Iterator[NetworkGuard]:
    global _tripwire_added
    guard = NetworkGuard(request.node.nodeid)
    guard.install()  # adds the guard's audit hook (once per process) before the tripwire
    if not _tripwire_added:
        sys.addaudithook(_tripwire)
        _tripwire_added = True
    _reached.clear()
    _armed.set()
    try:
        yield guard
    finally:
        _armed.clear()
        guard.uninstall()
    assert _reached == [], "got past the guard"


def refused(guard: NetworkGuard, attempt: Callable[[], object], what: str) -> None:
    """``attempt`` fails the test with the guard's message, and ``what`` is listed."""
    with pytest.raises(pytest.fail.Exception, match="modelarts: blocked") as info:
        attempt()
    assert guard.blocked[-1] == what, guard.blocked
    assert what in str(info.value)


def test_sendmsg_is_refused_for_udp_and_tcp_fast_open(guard: NetworkGuard) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
        refused(guard, lambda: udp.sendmsg([b"x"], [], 0, FAR), "a datagram to 192.0.2.1:9")
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as tcp:
        flag = getattr(socket, "MSG_FASTOPEN", 0x20000000)
        refused(guard, lambda: tcp.sendmsg([b"x"], [], flag, FAR), "a datagram to 192.0.2.1:9")
        refused(guard, lambda: tcp.sendto(b"x", flag, FAR), "a datagram to 192.0.2.1:9")


def test_the_c_socket_class_is_refused_too(guard: NetworkGuard) -> None:
    raw = _socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        refused(guard, lambda: raw.connect(FAR), "a connection to 192.0.2.1:9")
        refused(guard, lambda: raw.connect_ex(FAR), "a connection to 192.0.2.1:9")
    finally:
        raw.close()
    datagram = _socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        refused(guard, lambda: datagram.sendto(b"x", FAR), "a datagram to 192.0.2.1:9")
        refused(guard, lambda: datagram.sendmsg([b"x"], [], 0, FAR), "a datagram to 192.0.2.1:9")
    finally:
        datagram.close()


def test_every_resolver_entry_point_is_refused(guard: NetworkGuard) -> None:
    name = "modelarts.invalid"
    refused(guard, lambda: socket.gethostbyname(name), f"a DNS lookup of '{name}'")
    refused(guard, lambda: socket.gethostbyname_ex(name), f"a DNS lookup of '{name}'")
    refused(guard, lambda: socket.getaddrinfo(name, 443), f"a DNS lookup of '{name}'")
    refused(guard, lambda: _socket.getaddrinfo(name, 443), f"a DNS lookup of '{name}'")
    refused(guard, lambda: socket.gethostbyaddr("192.0.2.1"), "a reverse DNS lookup of '192.0.2.1'")
    refused(guard, lambda: socket.getnameinfo(FAR, 0), "a reverse DNS lookup of '192.0.2.1'")


def test_names_under_localhost_are_not_localhost(guard: NetworkGuard) -> None:
    name = "modelarts.localhost"
    refused(guard, lambda: socket.getaddrinfo(name, 80), f"a DNS lookup of '{name}'")
    refused(guard, lambda: socket.gethostbyname(name), f"a DNS lookup of '{name}'")
    with socket.socket() as sock:
        refused(guard, lambda: sock.connect((name, 80)), f"a connection to {name}:80")


def test_a_local_dns_stub_is_not_loopback_for_this_purpose(guard: NetworkGuard) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
        stub = ("127.0.0.53", 53)
        refused(guard, lambda: udp.sendto(b"x", stub), "a datagram to 127.0.0.53:53")


def test_subprocesses_are_refused_unless_allowed(guard: NetworkGuard) -> None:
    true = "/bin/true" if os.path.exists("/bin/true") else sys.executable
    refused(guard, lambda: subprocess.run([true], check=True), f"a subprocess ({true})")
    refused(guard, lambda: os.system(true), f"a subprocess ({true})")
    refused(guard, lambda: os.posix_spawn(true, [true], {}), f"a subprocess ({true})")
    assert "allow_subprocesses = True" in guard.message(guard.blocked[-1])
    # multiprocessing's spawn method starts its interpreter with no audit event.
    process = multiprocessing.get_context("spawn").Process(target=os.getpid)
    with pytest.raises(pytest.fail.Exception, match="modelarts: blocked a subprocess"):
        process.start()
    assert guard.blocked[-1].startswith(f"a subprocess ({shlex.quote(sys.executable)} ")

    guard.allow_subprocesses = True
    _armed.clear()  # the tripwire would refuse the program the test now allows
    assert subprocess.run([true], check=False).returncode == 0


@pytest.mark.skipif(not hasattr(os, "fork"), reason="fork only")
def test_a_forked_child_that_execs_ends_instead_of_running_on(guard: NetworkGuard) -> None:
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        try:
            os.execv("/bin/true", ["/bin/true"])
        finally:
            os._exit(3)  # neither refused nor run: still a failure of the test
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 127


def test_a_refusal_in_another_thread_is_not_lost(guard: NetworkGuard) -> None:
    def attempt() -> None:
        try:
            socket.gethostbyname("thread.invalid")
        except BaseException:  # noqa: S110 - the code under test swallows it
            pass

    worker = threading.Thread(target=attempt)
    worker.start()
    worker.join()
    assert guard.blocked == ["a DNS lookup of 'thread.invalid'"]
    assert guard.swallowed(None)  # the plugin fails such a test at teardown


def test_loopback_and_localhost_stay_open(guard: NetworkGuard) -> None:
    def answer(request: Request) -> Response:
        return Response(204, {}, b"")

    with LoopbackServer(answer) as server:
        for host in ("127.0.0.1", "localhost"):
            with socket.create_connection((host, server.port), timeout=5):
                pass
        raw = _socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            raw.connect(("127.0.0.1", server.port))
        finally:
            raw.close()
    assert socket.gethostbyname("localhost").startswith("127.")
    assert socket.getaddrinfo("127.0.0.1", 80)
    assert socket.gethostbyaddr("127.0.0.1")
    assert guard.blocked == []


def test_an_uninstalled_guard_leaves_the_audit_hook_inert() -> None:
    guard = NetworkGuard("outer")
    guard.install()
    guard.uninstall()
    true = "/bin/true" if os.path.exists("/bin/true") else sys.executable
    assert subprocess.run([true], check=False).returncode == 0
    assert guard.blocked == []


@pytest.mark.parametrize(
    ("host", "allowed"),
    [
        ("localhost", True),
        ("LOCALHOST", True),
        ("127.0.0.1", True),
        ("127.255.0.9", True),
        ("::1", True),
        ("::1%lo", True),
        ("::ffff:127.0.0.1", True),
        (b"127.0.0.1", True),
        ("localhost.", False),  # a fully qualified name: up to the resolver
        ("a.localhost", False),
        ("localhost.example", False),
        ("127.1", False),  # a literal only to inet_aton: not taken on trust
        ("0.0.0.0", False),
        ("10.0.0.1", False),
        ("::ffff:10.0.0.1", False),
        ("::", False),
    ],
)
def test_the_rule_for_addresses_and_names(host: Any, allowed: bool) -> None:
    guard = NetworkGuard("rule")  # not installed: the rule alone
    family = socket.AF_INET6 if ":" in str(host) else socket.AF_INET
    with socket.socket(family, socket.SOCK_DGRAM) as sock:
        attempts: List[Callable[[], None]] = [
            lambda: guard.check_address(sock, (host, 9), "a datagram to"),
            lambda: guard.check_name(host, "a reverse DNS lookup of", literals=False),
        ]
        for attempt in attempts:
            if allowed:
                attempt()
            else:
                with pytest.raises(pytest.fail.Exception):
                    attempt()
    assert len(guard.blocked) == (0 if allowed else 2)
