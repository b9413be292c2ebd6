"""The fake cloud in a process of its own, so its CPU and GIL stay out of the client's timings.

::

    python benchmarks/_fake_server.py --versions 5000

It seeds exactly as ``python -m modelarts.testing --jobs 1`` does (the same
``seed()``: job 182626 with ``--versions`` versions) and serves it with
``fake.serve()`` on 127.0.0.1. The CLI cannot report how many TCP connections
it accepted, which the listing benchmark needs, so this wrapper adds a tiny
control channel: the first line on stdout is JSON with the ``url`` and the
``session`` keyword arguments; then each ``stats`` line read on stdin is
answered with ``{"connections": N, "requests": M}`` (the server's own
``connections_accepted`` and ``requests_handled``); ``quit`` or end of input
stops it.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path
from typing import List, Optional

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from modelarts.testing.__main__ import seed  # noqa: E402
from modelarts.testing.fake import FakeModelArts  # noqa: E402


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--versions", type=int, default=5000)
    args = parser.parse_args(argv)
    fake = FakeModelArts()
    seed(fake, 1, args.versions, random.Random(0))
    with fake.serve() as server:
        hello = {"url": server.url, "session": fake.session_kwargs(server.url)}
        print(json.dumps(hello), flush=True)
        for line in sys.stdin:
            command = line.strip()
            if command == "stats":
                stats = {
                    "connections": server.connections_accepted,
                    "requests": server.requests_handled,
                }
                print(json.dumps(stats), flush=True)
            elif command == "quit":
                break
    return 0


if __name__ == "__main__":
    sys.exit(main())
