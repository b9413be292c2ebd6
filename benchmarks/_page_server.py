"""Pre-built list-versions pages over HTTP, so that the listing rows measure the client.

::

    python benchmarks/_page_server.py --versions 50000

The fake cloud (``modelarts.testing``) is seeded exactly as ``python -m
modelarts.testing --jobs 1`` does (job 182626) and asked once, in this
process, for every page a listing fetches (``per_page=1000``, ``page=1..n``,
and the unpaged listing); the answers are encoded to bytes once. The server
then answers each ``GET .../versions`` with those bytes as they are: no
signature check and no JSON encoding per request, so its share of the wall
time is a ``sendall`` of a prepared buffer (the fake itself spends ~70 ms
building a 1,000-version page, more than the client's whole work on it).

Control channel as ``_fake_server.py``: the first stdout line is JSON with
``url`` and ``session`` (the ``Session`` keyword arguments); each ``stats``
line on stdin is answered with ``{"connections": N, "requests": M}``;
``quit`` or the end of input stops it.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Dict, List, Optional, Tuple
from urllib.parse import parse_qs, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from modelarts.session import Session  # noqa: E402
from modelarts.testing.__main__ import seed  # noqa: E402
from modelarts.testing.fake import FakeModelArts  # noqa: E402

PER_PAGE = 1000
JOB_ID = "182626"


def build_pages(versions: int) -> Tuple[Dict[Optional[int], bytes], Dict[str, object]]:
    """Every page of job 182626 as the fake answers it, encoded once; and the session kwargs."""
    fake = FakeModelArts()
    seed(fake, 1, versions, random.Random(0))
    path = "/v1/{project_id}/training-jobs/" + JOB_ID + "/versions"
    pages: Dict[Optional[int], bytes] = {}
    with Session(transport=fake, **fake.session_kwargs()) as session:
        for page in range(1, -(-versions // PER_PAGE) + 2):  # one more: the empty page
            body = session.request("GET", path, query=[("per_page", PER_PAGE), ("page", page)])
            pages[page] = json.dumps(body).encode()
        pages[None] = json.dumps(session.request("GET", path)).encode()
    return pages, fake.session_kwargs()


class _Counters:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.connections = 0
        self.requests = 0


def make_handler(pages: Dict[Optional[int], bytes], counters: _Counters) -> type:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def setup(self) -> None:
            super().setup()
            with counters.lock:
                counters.connections += 1

        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            with counters.lock:
                counters.requests += 1
            query = parse_qs(urlsplit(self.path).query)
            number = int(query["page"][0]) if "page" in query else None
            body = pages.get(number)
            status = 200
            if body is None or not urlsplit(self.path).path.endswith(f"/{JOB_ID}/versions"):
                status, body = 404, b'{"error_code": "ModelArts.0000", "error_msg": "no page"}'
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("X-Request-Id", "bench")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            pass

    return Handler


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--versions", type=int, default=5000)
    args = parser.parse_args(argv)
    pages, kwargs = build_pages(args.versions)
    counters = _Counters()
    server = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(pages, counters))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_address[1]}"
    session = {**kwargs, "modelarts_endpoint": url, "iam_endpoint": url}
    print(json.dumps({"url": url, "session": session}), flush=True)
    for line in sys.stdin:
        command = line.strip()
        if command == "stats":
            with counters.lock:
                stats = {"connections": counters.connections, "requests": counters.requests}
            print(json.dumps(stats), flush=True)
        elif command == "quit":
            break
    server.shutdown()
    server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
