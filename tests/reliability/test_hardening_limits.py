"""Issue 13, item 7: limits on what one server can make a call cost.

A 1 GiB answer used to be buffered whole (2 GiB of memory); a server dripping a
byte every 2 s held a call for minutes, since the read timeout is per read and
the retry deadline only stopped new attempts; a server inventing new version
ids got 65,536 list requests and the caller a silently truncated list. Now the
body is read in chunks up to ``max_body_size`` (``ResponseTooLargeError``),
every attempt has a total time (``total_timeout``, shortened to what the retry
deadline leaves) enforced by a watchdog that cuts the connection, and a listing
stops with ``ResponseFormatError`` once it passes what ``version_count`` needs.
"""

from __future__ import annotations

import io
import itertools
import json
import socket
import threading
import time
import tracemalloc
from typing import Callable, Iterator, List

import pytest

from modelarts.cli import main
from modelarts.errors import ReadTimeout, ResponseFormatError, ResponseTooLargeError
from modelarts.estimator import Estimator
from modelarts.retry import MIN_ATTEMPT_TIME, Retry
from modelarts.session import Session
from modelarts.testing import FakeModelArts, LoopbackServer
from modelarts.transport import Request, RequestsTransport, Response, Transport, Urllib3Transport
from modelarts.transport.live import DEFAULT_MAX_BODY_SIZE

MiB = 1024 * 1024
ECHO = "/v1/{project_id}/echo"
TRANSPORTS = [Urllib3Transport, RequestsTransport]


class RawServer:
    """A TCP server on 127.0.0.1 whose handler writes whatever bytes it likes."""

    def __init__(self, handler: Callable[[socket.socket], None]) -> None:
        self.handler = handler
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}"
        self.requests = 0
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._accept, daemon=True)

    def __enter__(self) -> "RawServer":
        self.thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stopped.set()
        self.thread.join(5)
        self.listener.close()

    def _accept(self) -> None:
        self.listener.settimeout(0.1)  # so that a stop is noticed
        while not self.stopped.is_set():
            try:
                conn, _ = self.listener.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            conn.settimeout(None)
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        with conn:
            data = b""
            while b"\r\n\r\n" not in data:
                chunk = conn.recv(65536)
                if not chunk:
                    return
                data += chunk
            self.requests += 1
            try:
                self.handler(conn)
            except OSError:
                pass  # the client went away, as it should


def endless_body(announce: bool, size: int) -> Callable[[socket.socket], None]:
    """A JSON-looking body of ``size`` bytes, with or without a Content-Length."""

    def handle(conn: socket.socket) -> None:
        length = f"Content-Length: {size}\r\n" if announce else "Connection: close\r\n"
        conn.sendall(
            f"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n{length}\r\n".encode()
        )
        block = b" " * MiB
        for _ in range(size // MiB):
            conn.sendall(block)

    return handle


def dripping(headers_too: bool, every: float = 0.25, count: int = 40) -> Callable[..., None]:
    """Sends its answer a byte at a time, ``every`` seconds: never silent long enough
    for a read timeout, done only after ``every * count`` seconds."""

    def handle(conn: socket.socket) -> None:
        body = b'{"is_success": true, "pad": "' + b"x" * count + b'"}'
        head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
        head += b"Content-Length: %d\r\n\r\n" % len(body)
        if not headers_too:
            conn.sendall(head)
            head = b""
        for byte in (head + body)[: count + 1]:
            conn.sendall(bytes([byte]))
            time.sleep(every)
        conn.sendall((head + body)[count + 1 :])

    return handle


# -- the size of a body ----------------------------------------------------------------------


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_a_body_announced_past_the_default_limit_is_refused_unread(
    transport: "type[Transport]",
) -> None:
    size = DEFAULT_MAX_BODY_SIZE + 16 * MiB
    with RawServer(endless_body(True, size)) as server, transport() as sender:
        tracemalloc.start()
        try:
            with pytest.raises(ResponseTooLargeError) as info:
                sender.send(Request("GET", server.url + "/v1/x"))
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    assert info.value.limit == DEFAULT_MAX_BODY_SIZE == 64 * MiB
    assert "max_body_size" in str(info.value) and f"{size:,} bytes" in str(info.value)
    assert peak < 8 * MiB


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_an_unannounced_body_is_cut_at_the_limit_with_memory_bounded(
    transport: "type[Transport]",
) -> None:
    with RawServer(endless_body(False, 48 * MiB)) as server, transport(
        max_body_size=4 * MiB
    ) as sender:
        tracemalloc.start()
        try:
            with pytest.raises(ResponseTooLargeError, match="passed it"):
                sender.send(Request("GET", server.url + "/v1/x"))
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    assert peak < 12 * MiB  # the 4 MiB read so far, and a chunk or two


def test_a_body_within_the_limit_arrives_whole() -> None:
    body = json.dumps({"is_success": True, "pad": "y" * (3 * MiB)}).encode()
    with LoopbackServer(lambda request: Response(200, {}, body)) as server:
        with Urllib3Transport(max_body_size=len(body)) as exact:
            assert exact.send(Request("GET", server.url + "/x")).body == body
        with Urllib3Transport(max_body_size=len(body) - 1) as short, pytest.raises(
            ResponseTooLargeError
        ):
            short.send(Request("GET", server.url + "/x"))


def test_the_session_does_not_retry_a_body_over_the_limit() -> None:
    fake = FakeModelArts()
    with RawServer(endless_body(False, 8 * MiB)) as server:
        transport = Urllib3Transport(max_body_size=MiB)
        session = Session(transport=transport, **fake.session_kwargs(server.url))
        with session, pytest.raises(ResponseTooLargeError):
            session.request("GET", ECHO)
        assert server.requests == 1


def test_the_cli_reports_a_body_over_the_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = FakeModelArts()
    monkeypatch.setenv("HUAWEICLOUD_SDK_AK", fake.access_key)
    monkeypatch.setenv("HUAWEICLOUD_SDK_SK", fake.secret_key)
    out, err = io.StringIO(), io.StringIO()
    with RawServer(endless_body(True, DEFAULT_MAX_BODY_SIZE + MiB)) as server:
        argv = ["jobs", "versions", "7", "--endpoint", server.url, "--project-id", fake.project_id]
        status = main(argv, stdin=io.StringIO(), stdout=out, stderr=err)
    assert status == 1 and out.getvalue() == ""
    assert "max_body_size" in err.getvalue() and "no ModelArts answer is that big" in err.getvalue()


@pytest.mark.parametrize("bad", [0, -1, 1.5, True, "64M"])
def test_max_body_size_must_be_a_positive_int(bad: object) -> None:
    with pytest.raises(ValueError, match="max_body_size"):
        Urllib3Transport(max_body_size=bad)  # type: ignore[arg-type]


# -- the time of a call ----------------------------------------------------------------------


@pytest.mark.parametrize("transport", TRANSPORTS)
@pytest.mark.parametrize("headers_too", [False, True])
def test_a_dripping_answer_is_cut_at_the_total_timeout(
    transport: "type[Transport]", headers_too: bool
) -> None:
    with RawServer(dripping(headers_too)) as server, transport(
        timeout=(5, 5), total_timeout=1.0
    ) as sender:
        started = time.monotonic()
        with pytest.raises(ReadTimeout, match="no complete response within 1s"):
            sender.send(Request("GET", server.url + "/v1/x"))
        elapsed = time.monotonic() - started
    assert 0.9 < elapsed < 2.5


def test_the_retry_deadline_bounds_the_whole_call() -> None:
    fake = FakeModelArts()
    with RawServer(dripping(headers_too=False)) as server, Session(
        retry=Retry(total=5, deadline=1.5), **fake.session_kwargs(server.url)
    ) as session:
        started = time.monotonic()
        with pytest.raises(ReadTimeout):
            session.request("GET", ECHO)
        elapsed = time.monotonic() - started
    # Read timeout 60 s and total_timeout 120 s by default: only the deadline stops it.
    assert elapsed < 1.5 + MIN_ATTEMPT_TIME + 1.0
    assert server.requests <= 2


def test_an_answer_in_time_is_untouched_and_the_connection_reused() -> None:
    with LoopbackServer(lambda request: Response(200, {}, b'{"is_success": true}')) as server:
        with Urllib3Transport(total_timeout=2.0) as sender:
            for _ in range(5):
                assert sender.send(Request("GET", server.url + "/x")).status == 200
        assert server.connections_accepted == 1
    with LoopbackServer(lambda request: Response(200, {}, b"{}")) as again:
        with Urllib3Transport(total_timeout=0.5) as sender:
            sender.send(Request("GET", again.url + "/x"))
            time.sleep(0.8)  # past the first attempt's deadline: a finished attempt is not cut
            assert sender.send(Request("GET", again.url + "/x")).status == 200
        assert again.connections_accepted == 1


# -- the length of a listing -----------------------------------------------------------------


def inventing(counts: Iterator[object], pages: int = 30) -> Callable[[Request], Response]:
    """Every page full of versions never seen before, with the next announced count
    (for ``pages`` requests, so that a client without the limit still finishes)."""
    ids = itertools.count(10_000_000)
    served = itertools.count(1)

    def answer(request: Request) -> Response:
        per_page = int(dict(request.query).get("per_page", "1000"))
        fresh = per_page if next(served) <= pages else 0
        versions = [
            {"version_id": next(ids), "version_name": "V1", "status": 10} for _ in range(fresh)
        ]
        body = {"is_success": True, "job_id": 7, "versions": versions}
        count = next(counts)
        if count is not None:
            body["version_count"] = count
        return Response(200, {"Content-Type": "application/json"}, json.dumps(body).encode())

    return answer


def test_a_server_inventing_versions_is_stopped_with_an_error() -> None:
    fake = FakeModelArts()
    # Each page announces 100 more versions than the last, and brings 100 new ones.
    with LoopbackServer(inventing(itertools.count(250, 100))) as server, Session(
        **fake.session_kwargs(server.url)
    ) as session:
        got: List[str] = []

        def listing() -> None:
            for job in Estimator(session, job_id=7).iter_job_versions(page_size=100):
                got.append(job.version_id)

        with pytest.raises(ResponseFormatError, match="keeps sending new versions"):
            listing()
        assert server.requests_handled == 4  # 250 need 3 pages; one spare
    assert len(got) == 400


def inventing_jobs(pages: int = 30) -> Callable[[Request], Response]:
    """Every list-jobs page full of new jobs, announcing 100 more each time."""
    ids = itertools.count(1_000_000)
    served = itertools.count(1)

    def answer(request: Request) -> Response:
        per_page = int(dict(request.query).get("per_page", "10"))
        number = next(served)
        fresh = per_page if number <= pages else 0
        jobs = [
            {"job_id": next(ids), "job_name": "j", "status": 10, "version_count": 1}
            for _ in range(fresh)
        ]
        body = {"is_success": True, "job_total_count": 150 + 100 * number, "jobs": jobs}
        return Response(200, {"Content-Type": "application/json"}, json.dumps(body).encode())

    return answer


def test_jobs_list_all_stops_a_server_inventing_jobs(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = FakeModelArts()
    monkeypatch.setenv("HUAWEICLOUD_SDK_AK", fake.access_key)
    monkeypatch.setenv("HUAWEICLOUD_SDK_SK", fake.secret_key)
    out, err = io.StringIO(), io.StringIO()
    with LoopbackServer(inventing_jobs()) as server:
        argv = ["jobs", "list", "--all", "--per-page", "100", "-o", "jsonl"]
        argv += ["--endpoint", server.url, "--project-id", fake.project_id]
        status = main(argv, stdin=io.StringIO(), stdout=out, stderr=err)
        assert server.requests_handled == 4  # 250 announced first: 3 pages, and one spare
    assert status == 1 and "keeps sending new jobs" in err.getvalue()
