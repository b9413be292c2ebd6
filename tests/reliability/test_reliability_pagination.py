"""Faults in the middle of a paged listing: the listing is complete and exact, or it fails typed.

A job of 30 versions listed 10 to a page takes three requests. A fault on page 2
is retried and the listing comes back whole, in the server's order, without a
duplicate; a fault that outlasts the retries raises a typed error and no list
is returned (``iter_job_versions`` raises after what it already yielded, never
ends quietly as if the job had no more versions).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Dict, List

import pytest

from modelarts.errors import (
    APIError,
    ConnectionLostError,
    ModelArtsError,
    ResponseFormatError,
    ServerError,
    ThrottledError,
)
from modelarts.estimator import Estimator
from modelarts.session import Session
from modelarts.testing import (
    Disconnect,
    Failure,
    FakeClock,
    FakeModelArts,
    FakeRequest,
    Fault,
    NotJSON,
    Reply,
    Truncated,
    gateway_error,
    json_reply,
    server_error,
    throttled,
)

if TYPE_CHECKING:
    from conftest import Figures

    from modelarts.testing import LoopbackServer

VERSIONS_PATH = "/v1/{project_id}/training-jobs/{job_id}/versions"
TOTAL = 30
PAGE = 10


def _page(number: int) -> Callable[[FakeRequest], bool]:
    def matches(request: FakeRequest) -> bool:
        return (
            request.method == "GET"
            and request.path.endswith("/versions")
            and request.query.get("page") == str(number)
        )

    return matches


class Paged:
    """A 30-version job behind a real HTTP server, and what listing it should give."""

    def __init__(self, fake: FakeModelArts, server: "LoopbackServer", clock: FakeClock) -> None:
        self.fake, self.server, self.clock = fake, server, clock
        self.job_id = str(fake.add_job("paged", versions=TOTAL))
        self.expected = [str(v) for v in fake.job(self.job_id).version_ids]
        self.session = Session(clock=clock, **fake.session_kwargs(server.url))

    def list_all(self) -> List[str]:
        estimator = Estimator(self.session, job_id=self.job_id)
        return [job.version_id for job in estimator.iter_job_versions(page_size=PAGE)]

    def list_into(self, into: List[str]) -> None:
        """Iterate lazily, keeping what arrived before any error."""
        estimator = Estimator(self.session, job_id=self.job_id)
        for job in estimator.iter_job_versions(page_size=PAGE):
            into.append(job.version_id)

    def pages_requested(self) -> List[str]:
        calls = self.fake.calls_to("GET", VERSIONS_PATH)
        return [call.query.get("page", "all") for call in calls]


@pytest.fixture
def paged(tracked_fake: Callable[..., FakeModelArts]) -> Any:
    clock = FakeClock()
    fake = tracked_fake(clock=clock)
    with fake.serve() as server:
        listing = Paged(fake, server, clock)
        yield listing
        listing.session.close()


def test_without_faults_three_pages_are_read(paged: Paged, figures: Figures) -> None:
    got = paged.list_all()
    assert figures.check_listing(got, paged.expected)
    assert paged.pages_requested() == ["1", "2", "3"]


RECOVERABLE: Dict[str, Fault] = {
    "gateway_503": gateway_error(503),
    "gateway_502": gateway_error(502),
    "gateway_504": gateway_error(504),
    "throttled_429": throttled(1),
    "server_500": server_error(500),
    "truncated": Truncated(keep=0.3),
    "disconnect_before": Disconnect(),
    "disconnect_after": Disconnect(processed=True),
}


@pytest.mark.parametrize("fault", list(RECOVERABLE.values()), ids=list(RECOVERABLE))
def test_page_two_failing_once_still_lists_everything_exactly(
    fault: Fault, paged: Paged, figures: Figures
) -> None:
    paged.fake.inject(_page(2), fault)

    outcome = figures.run(paged.fake, paged.list_all)

    assert outcome.error is None and outcome.faults == 1
    assert figures.check_listing(outcome.value or [], paged.expected)
    assert paged.pages_requested() == ["1", "2", "2", "3"]


PERSISTENT: Dict[str, "tuple[Fault, type[ModelArtsError], int]"] = {
    # fault, the error, how many times page 2 is asked for
    "gateway_503": (gateway_error(503), ServerError, 5),
    "throttled_429": (throttled(1), ThrottledError, 5),
    "server_500": (server_error(500), ServerError, 5),
    "truncated": (Truncated(), ConnectionLostError, 5),
    "disconnect": (Disconnect(), ConnectionLostError, 5),
    "is_success_false": (Failure(), APIError, 1),
    "not_json": (NotJSON(), ResponseFormatError, 1),
}


@pytest.mark.parametrize(
    ("fault", "error", "asked"), list(PERSISTENT.values()), ids=list(PERSISTENT)
)
def test_page_two_failing_for_good_returns_no_partial_list(
    fault: Fault, error: "type[ModelArtsError]", asked: int, paged: Paged, figures: Figures
) -> None:
    paged.fake.inject(_page(2), fault, times=None)

    whole = figures.run(paged.fake, paged.list_all)
    arrived: List[str] = []
    lazily = figures.run(paged.fake, lambda: paged.list_into(arrived))

    assert isinstance(whole.error, error) and whole.value is None
    assert isinstance(lazily.error, error)
    # The lazy listing handed out page 1 and then raised: it never ended as if complete.
    assert arrived == paged.expected[:PAGE]
    assert paged.pages_requested() == (["1"] + ["2"] * asked) * 2  # page 3 never asked for
    last_try = paged.fake.calls_to("GET", VERSIONS_PATH)[asked]
    if isinstance(whole.error, ResponseFormatError):
        assert "(page 2)" in whole.error.operation
    if isinstance(whole.error, (APIError, ResponseFormatError)):
        assert whole.error.request_id == last_try.request_id


def test_faults_on_every_page_at_random_never_lose_a_version(
    paged: Paged, figures: Figures
) -> None:
    paged.fake.inject(
        "GET " + VERSIONS_PATH,
        [gateway_error(503), server_error(502), Disconnect(), Truncated(), throttled(1)],
        rate=0.35,
        seed=7,
    )
    recovered = 0
    for _ in range(15):
        outcome = figures.run(paged.fake, paged.list_all)
        if outcome.error is None:
            assert figures.check_listing(outcome.value or [], paged.expected)
            recovered += outcome.faults
        else:
            assert isinstance(outcome.error, (ServerError, ThrottledError, ConnectionLostError))
    assert recovered > 10


# -- servers whose paging misbehaves -----------------------------------------------------------


def _override_listing(
    fake: FakeModelArts, body: Callable[[FakeRequest, List[Any]], Dict[str, Any]]
) -> None:
    """Serve list-versions from ``body(request, records)`` instead of the fake's own paging."""

    @fake.route("GET", VERSIONS_PATH)
    def listing(request: FakeRequest) -> Reply:
        job = fake.job(request.params["job_id"])
        records = [dict(version.record) for version in job.versions]
        envelope = {"is_success": True, "job_id": job.job_id, "job_name": job.job_name}
        return json_reply({**envelope, **body(request, records)})


def test_a_server_that_ignores_page_still_yields_each_version_once(
    paged: Paged, figures: Figures
) -> None:
    def first_page_always(request: FakeRequest, records: List[Any]) -> Dict[str, Any]:
        per_page = int(request.query.get("per_page", len(records)))
        chosen = records[:per_page] if "page" in request.query else records
        return {"version_count": len(records), "versions": chosen}

    _override_listing(paged.fake, first_page_always)

    got = paged.list_all()

    assert figures.check_listing(got, paged.expected)
    # Page 2 repeated page 1, so the rest came from the documented unpaged listing.
    assert paged.pages_requested() == ["1", "2", "all"]


def test_a_listing_that_ends_short_of_its_version_count_is_an_error(
    paged: Paged, figures: Figures
) -> None:
    def overstated(request: FakeRequest, records: List[Any]) -> Dict[str, Any]:
        page = int(request.query.get("page", 0))
        chosen = records[(page - 1) * PAGE : page * PAGE] if page else records
        return {"version_count": len(records) + 5, "versions": chosen}

    _override_listing(paged.fake, overstated)

    with pytest.raises(ResponseFormatError) as caught:
        Estimator(paged.session, job_id=paged.job_id).get_job_version_object_list(is_show=False)

    assert caught.value.field == "version_count"
    assert f"reports {TOTAL + 5} versions but sent {TOTAL}" in str(caught.value)
    assert caught.value.request_id  # the unpaged answer that fell short
