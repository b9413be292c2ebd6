"""Eight threads share one Session and list a 2,000-version job while 5% of pages fail.

Every listing must come back complete and exact (the fake's ids, in its
order); no error may escape. The fake and the session share one ``FakeClock``,
so the retry sleeps take no time and the signatures stay fresh.
"""

from __future__ import annotations

import threading
import time
from typing import TYPE_CHECKING, Callable, List

from modelarts.estimator import Estimator
from modelarts.retry import Retry
from modelarts.session import Session
from modelarts.testing import FakeClock, FakeModelArts, gateway_error
from modelarts.transport import Urllib3Transport

if TYPE_CHECKING:
    from conftest import Figures

THREADS = 8
ROUNDS = 5
VERSIONS = 2000
PAGE_SIZE = 250  # eight pages per listing


def test_eight_threads_list_a_big_job_under_a_five_percent_503_rate(
    tracked_fake: Callable[..., FakeModelArts], figures: Figures
) -> None:
    clock = FakeClock()
    fake = tracked_fake(clock=clock)
    job_id = str(fake.add_job("big", versions=VERSIONS))
    expected = [str(v) for v in fake.job(job_id).version_ids]
    fake.inject(
        "GET /v1/{project_id}/training-jobs/{job_id}/versions",
        gateway_error(503),
        rate=0.05,
        seed=20261127,
    )
    listings: List[List[str]] = []
    failures: List[BaseException] = []
    lock = threading.Lock()
    start = threading.Barrier(THREADS)

    with fake.serve() as server:
        transport = Urllib3Transport(pool_maxsize=THREADS)  # one pooled connection per thread
        # Eight retries: with the default four, five 503s in a row for one of the 320
        # page requests (about 1 in 10,000 runs) would fail the test by chance.
        session = Session(
            transport=transport,
            clock=clock,
            retry=Retry(total=8),
            **fake.session_kwargs(server.url),
        )

        def worker() -> None:
            try:
                start.wait(timeout=10)
                estimator = Estimator(session, job_id=job_id)
                for _ in range(ROUNDS):
                    got = [job.version_id for job in estimator.iter_job_versions(PAGE_SIZE)]
                    with lock:
                        listings.append(got)
            except BaseException as exc:  # reported below: nothing may escape a worker
                with lock:
                    failures.append(exc)

        def run_all() -> None:
            threads = [threading.Thread(target=worker, name=f"lister-{n}") for n in range(THREADS)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=60)
            assert not any(thread.is_alive() for thread in threads), "a lister hung"
            if failures:
                raise failures[0]

        began = time.monotonic()
        outcome = figures.run(fake, run_all)
        elapsed = time.monotonic() - began
        session.close()

    assert outcome.error is None and not failures, failures or outcome.error
    assert len(listings) == THREADS * ROUNDS
    complete = [figures.check_listing(got, expected) for got in listings]
    assert all(complete), f"{complete.count(False)} listing(s) incomplete or out of order"
    pages = VERSIONS // PAGE_SIZE
    requests = len(fake.calls_to("GET", "/v1/{project_id}/training-jobs/{job_id}/versions"))
    assert requests == THREADS * ROUNDS * pages + outcome.faults
    assert outcome.faults > 0  # the rate did bite, and every fault was retried away
    # No wall-time assertion: speed is the benchmarks' business, and a busy CI
    # machine would fail it by chance. A hang is caught by the join timeout above.
    print(f"load test: {THREADS} threads x {ROUNDS} listings in {elapsed:.1f} s")
