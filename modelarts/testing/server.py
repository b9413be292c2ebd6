"""A threaded HTTP(S) server on 127.0.0.1 that serves any ``Transport``.

The fake cloud is written once, as a ``Transport`` (``send(Request) ->
Response``), and runs two ways: in-process, where the SDK calls it directly, or
behind this server, where the SDK's live transport reaches it over real TCP::

    from modelarts.testing.server import LoopbackServer
    from modelarts.transport import Response

    def app(request):
        return Response(200, {"Content-Type": "application/json"}, b'{"is_success": true}')

    with LoopbackServer(app) as server:
        print(server.url)        # http://127.0.0.1:<port>

An app may raise ``Abort`` to drop the connection without answering, sleep to
delay, or return a ``Content-Length`` larger than its body to truncate it.
"""

from __future__ import annotations

import socket
import socketserver
import ssl
import struct
import sys
import threading
import traceback
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler
from typing import Any, Callable, Optional, Set, Union

from ..transport.base import Request, Response, Transport

__all__ = ["Abort", "App", "LoopbackServer"]

App = Union[Transport, Callable[[Request], Response]]


class Abort(Exception):
    """Raised by an app: close the connection at once, with no response (a TCP reset)."""


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: "_ThreadingServer"
    # Idle keep-alive connections are dropped after this many seconds.
    timeout = 30
    # Headers and body go out in separate writes; with Nagle on, the body waits
    # for the client's delayed ACK (~40 ms on Linux) on every response.
    disable_nagle_algorithm = True

    def setup(self) -> None:
        super().setup()
        self.server.track(self.connection, add=True)
        if isinstance(self.connection, ssl.SSLSocket):
            try:
                self.connection.do_handshake()
            except (ssl.SSLError, OSError):
                # The client refused our certificate (or spoke plain HTTP).
                self.close_connection = True
                self._handshake_failed = True
                return
        self._handshake_failed = False

    def handle(self) -> None:
        if not self._handshake_failed:
            super().handle()

    def finish(self) -> None:
        try:
            super().finish()
        except OSError:
            pass
        self.server.track(self.connection, add=False)

    def _read_body(self) -> bytes:
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            chunks: "list[bytes]" = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    # Trailer section ends with an empty line.
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _dispatch(self) -> None:
        body = self._read_body()
        scheme = "https" if self.server.tls else "http"
        address = self.server.server_address
        host = self.headers.get("Host") or f"{address[0]!s}:{address[1]}"
        request = Request(
            self.command, f"{scheme}://{host}{self.path}", list(self.headers.items()), body
        )
        self.server.count_request()
        try:
            response = self.server.call_app(request)
        except Abort:
            self._reset()
            return
        except Exception:  # an app bug must reach the test, not hang it
            text = traceback.format_exc().encode("utf-8")
            response = Response(500, {"Content-Type": "text/plain"}, text)
        self._write(response)

    def _reset(self) -> None:
        self.close_connection = True
        try:
            # SO_LINGER with a zero timeout turns close() into a TCP RST.
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        except OSError:
            pass
        try:
            self.connection.close()
        except OSError:
            pass

    def _write(self, response: Response) -> None:
        self.send_response_only(response.status)
        headers = response.headers
        for name, value in headers.items():
            self.send_header(name, value)
        if "Date" not in headers:
            self.send_header("Date", formatdate(usegmt=True))
        declared = headers.get("Content-Length")
        if declared is None:
            self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(response.body)
        if declared is not None and int(declared) != len(response.body):
            # A deliberately truncated (or padded) body: the connection is unusable.
            self.close_connection = True
        if (headers.get("Connection") or "").lower() == "close":
            self.close_connection = True

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_OPTIONS = _dispatch

    def log_message(self, format: str, *args: Any) -> None:
        """Silence the per-request lines ``http.server`` prints to stderr."""


class _ThreadingServer(socketserver.ThreadingMixIn, socketserver.TCPServer):
    daemon_threads = True
    allow_reuse_address = True
    block_on_close = False
    # socketserver's default backlog of 5 drops the SYNs of a burst of concurrent
    # clients, which then wait a full second to retry.
    request_queue_size = 128

    def __init__(
        self, address: "tuple[str, int]", app: App, ssl_context: Optional[ssl.SSLContext]
    ) -> None:
        self._app = app
        self._ssl_context = ssl_context
        self._lock = threading.Lock()
        self._live: "Set[socket.socket]" = set()
        self.connections_accepted = 0
        self.requests_handled = 0
        super().__init__(address, _Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that went away (it timed out, or a test dropped it) is normal here:
        only report what is not a broken connection."""
        error = sys.exc_info()[1]
        if isinstance(error, (ConnectionError, TimeoutError, ssl.SSLError)):
            return
        super().handle_error(request, client_address)

    @property
    def tls(self) -> bool:
        return self._ssl_context is not None

    def call_app(self, request: Request) -> Response:
        app = self._app
        if isinstance(app, Transport):
            return app.send(request)
        return app(request)

    def get_request(self) -> "tuple[socket.socket, Any]":
        sock, address = self.socket.accept()
        with self._lock:
            self.connections_accepted += 1
        if self._ssl_context is not None:
            # The handshake runs in the connection's own thread (see _Handler.setup).
            sock = self._ssl_context.wrap_socket(
                sock, server_side=True, do_handshake_on_connect=False
            )
        return sock, address

    def count_request(self) -> None:
        with self._lock:
            self.requests_handled += 1

    def track(self, sock: socket.socket, *, add: bool) -> None:
        with self._lock:
            if add:
                self._live.add(sock)
            else:
                self._live.discard(sock)

    def drop_connections(self) -> None:
        with self._lock:
            live = list(self._live)
        for sock in live:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


class LoopbackServer:
    """Serves an app (a ``Transport`` or a ``Request -> Response`` callable) on 127.0.0.1.

    Port 0 by default, so tests never collide; ``url`` tells where it listens.
    Pass an ``ssl.SSLContext`` to serve HTTPS. ``connections_accepted`` counts
    TCP connections, which is how tests prove connection reuse.
    """

    def __init__(
        self,
        app: App,
        *,
        ssl_context: Optional[ssl.SSLContext] = None,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        self._server = _ThreadingServer((host, port), app, ssl_context)
        self._thread: Optional[threading.Thread] = None

    @property
    def host(self) -> str:
        return str(self._server.server_address[0])

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        """Base URL, e.g. ``http://127.0.0.1:49152`` (no trailing slash)."""
        scheme = "https" if self._server.tls else "http"
        return f"{scheme}://{self.host}:{self.port}"

    @property
    def connections_accepted(self) -> int:
        return self._server.connections_accepted

    @property
    def requests_handled(self) -> int:
        return self._server.requests_handled

    def start(self) -> "LoopbackServer":
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._server.serve_forever,
                kwargs={"poll_interval": 0.05},
                name=f"LoopbackServer:{self.port}",
                daemon=True,
            )
            self._thread.start()
        return self

    def drop_connections(self) -> None:
        """Close every open client connection (the server keeps listening)."""
        self._server.drop_connections()

    def stop(self) -> None:
        """Stop listening and close every connection. Safe to call twice."""
        if self._thread is not None:
            self._server.shutdown()
            self._thread.join()
            self._thread = None
        self._server.drop_connections()
        self._server.server_close()

    def __enter__(self) -> "LoopbackServer":
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"<LoopbackServer {self.url}>"
