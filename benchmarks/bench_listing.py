"""Rows 1 and 2: listing every version of a job over HTTP, from a server in another process.

Three clients fetch the same pages (``per_page=1000``, ``page=1..N/1000``)
from the fake cloud (``_fake_server.py``, its own process), interleaved:

* **SDK**: ``Estimator(Session(...), job_id).get_job_version_object_list(is_show=False)``,
  a fresh ``Session`` (default ``Urllib3Transport``) per sample: signing per
  request, JSON decoding, schema checks and ``TrainingJob`` objects included.
* **floor**: a fresh ``urllib3.PoolManager`` sending the same GETs with headers
  signed once before timing (``sign_request`` with a current date, which the
  fake accepts for 15 minutes), then ``json.loads`` of each body; the version
  dicts are kept, as the SDK keeps its objects.
* **Huawei core**: huaweicloudsdkcore's own ``Client`` (``ClientBuilder`` with
  ``BasicCredentials(ak, sk, project_id)``, the project id given so IAM is
  never asked, and the endpoint pointed at 127.0.0.1), calling
  ``do_http_request`` as its generated clients do; the response model is a
  minimal generated-style ``SdkResponse`` whose ``versions`` are
  ``list[object]`` (Huawei's ModelArts SDK has no v1 list-versions call).

Client construction is outside the timed part; opening the TCP connection is
inside, for all three. The SDK's connections are counted by the server itself
(``connections_accepted``, reported by the server process) around one listing.
"""

from __future__ import annotations

import json
import types
from datetime import datetime, timezone
from typing import Any, Callable, Dict, List, Tuple

import urllib3
from _common import JOB_ID, FakeServer, Row, Stopwatch, interleaved, median, missing_peer

from modelarts._signing import build_url, format_sdk_date, sign_request
from modelarts.estimator import Estimator
from modelarts.session import Session
from modelarts.transport.base import Request

PER_PAGE = 1000


def _versions_path(project_id: str) -> str:
    return f"/v1/{project_id}/training-jobs/{JOB_ID}/versions"


def sdk_case(kwargs: Dict[str, Any], expected: int) -> Callable[[], Tuple[float, float]]:
    def case() -> Tuple[float, float]:
        with Session(**kwargs) as session:
            estimator = Estimator(session, job_id=JOB_ID)
            watch = Stopwatch()
            jobs = estimator.get_job_version_object_list(is_show=False)
            elapsed = watch.stop()
        assert len(jobs) == expected, len(jobs)
        return elapsed

    return case


def signed_pages(server: FakeServer, pages: int) -> List[Tuple[str, Dict[str, str]]]:
    """``(url, headers)`` per page, signed now, as the SDK would sign them."""
    kwargs = server.session_kwargs
    project = kwargs["project_id"]
    date = format_sdk_date(datetime.now(timezone.utc))
    signed = []
    for page in range(1, pages + 1):
        url = build_url(
            server.url, _versions_path(project), [("per_page", PER_PAGE), ("page", page)]
        )
        headers = {"Content-Type": "application/json", "X-Project-Id": project}
        request = sign_request(
            Request("GET", url, headers),
            access_key=kwargs["access_key"],
            secret_key=kwargs["secret_key"],
            date=date,
        )
        signed.append((url, dict(request.headers.items())))
    return signed


def floor_case(
    pages: List[Tuple[str, Dict[str, str]]], expected: int
) -> Callable[[], Tuple[float, float]]:
    def case() -> Tuple[float, float]:
        pool = urllib3.PoolManager(retries=False)
        watch = Stopwatch()
        versions: List[Any] = []
        for url, headers in pages:
            response = pool.request("GET", url, headers=headers)
            assert response.status == 200, response.data[:200]
            versions += json.loads(response.data)["versions"]
        elapsed = watch.stop()
        pool.clear()
        assert len(versions) == expected, len(versions)
        return elapsed

    return case


def huawei_case(server: FakeServer, pages: int, expected: int) -> Callable[[], Tuple[float, float]]:
    """Huawei's core client; HOME must already point at a scratch folder (run.py does it)."""
    from huaweicloudsdkcore.auth.credentials import BasicCredentials
    from huaweicloudsdkcore.client import Client, ClientBuilder
    from huaweicloudsdkcore.sdk_response import SdkResponse

    class ListVersionsResponse(SdkResponse):  # the shape a generated model has
        openapi_types = {
            "is_success": "bool",
            "job_id": "int",
            "job_name": "str",
            "job_desc": "str",
            "version_count": "int",
            "versions": "list[object]",
        }
        attribute_map = {name: name for name in openapi_types}

        def __init__(self, **fields: Any) -> None:
            super().__init__()
            for name in self.openapi_types:
                setattr(self, name, fields.get(name))

    models = types.SimpleNamespace(ListVersionsResponse=ListVersionsResponse)
    kwargs = server.session_kwargs

    def case() -> Tuple[float, float]:
        credentials = BasicCredentials(
            kwargs["access_key"], kwargs["secret_key"], kwargs["project_id"]
        )
        client = (
            ClientBuilder(Client).with_credentials(credentials).with_endpoint(server.url).build()
        )
        client.model_package = models
        watch = Stopwatch()
        versions: List[Any] = []
        for page in range(1, pages + 1):
            response = client.do_http_request(
                method="GET",
                resource_path="/v1/{project_id}/training-jobs/{job_id}/versions",
                path_params={"job_id": JOB_ID},
                query_params=[("per_page", PER_PAGE), ("page", page)],
                header_params={"Content-Type": "application/json"},
                response_type="ListVersionsResponse",
            )
            versions += response.versions
        elapsed = watch.stop()
        client.close()
        assert len(versions) == expected, len(versions)
        return elapsed

    return case


def connections_per_listing(server: FakeServer, kwargs: Dict[str, Any]) -> Tuple[int, int]:
    """TCP connections and requests the server saw during one SDK listing (fresh Session)."""
    before = server.stats()
    with Session(**kwargs) as session:
        Estimator(session, job_id=JOB_ID).get_job_version_object_list(is_show=False)
        after = server.stats()
    return after["connections"] - before["connections"], after["requests"] - before["requests"]


def run(quick: bool) -> List[Row]:
    versions = 1000 if quick else 5000
    rounds = 3 if quick else 15
    pages = -(-versions // PER_PAGE)
    label = f"{versions:,} versions"
    row1 = Row(f"1. list {label} over HTTP vs raw urllib3", "<= 1.50x, 1 TCP conn")
    row2 = Row(f"2. list {label} vs huaweicloudsdkcore", "< 1.00x")
    row2.skipped = missing_peer("huaweicloudsdkcore")
    with FakeServer(versions) as server:
        kwargs = server.session_kwargs
        cases = {
            "sdk": sdk_case(kwargs, versions),
            "floor": floor_case(signed_pages(server, pages), versions),
        }
        if not row2.skipped:
            cases["huawei"] = huawei_case(server, pages, versions)
        samples = interleaved(cases, rounds)
        connections, requests = connections_per_listing(server, kwargs)
    wall = {name: median(values, 0) for name, values in samples.items()}
    cpu = {name: median(values, 1) for name, values in samples.items()}
    row1.sdk, row1.baseline = wall["sdk"], wall["floor"]
    row1.met = row1.ratio is not None and row1.ratio <= 1.5 and connections == 1
    row1.notes.append(
        f"TCP connections for one listing: {connections} ({requests} requests), "
        "counted by the server process (connections_accepted)"
    )
    row1.notes.append(
        f"client CPU per listing: SDK {cpu['sdk'] * 1e3:.1f} ms, floor "
        f"{cpu['floor'] * 1e3:.1f} ms ({cpu['sdk'] / cpu['floor']:.2f}x); the rest of the "
        "wall time is the fake server building the pages"
    )
    if not row2.skipped:
        row2.sdk, row2.baseline = wall["sdk"], wall["huawei"]
        row2.met = row2.ratio is not None and row2.ratio < 1.0
        row2.notes.append(
            f"client CPU per listing: Huawei's core {cpu['huawei'] * 1e3:.1f} ms "
            f"({cpu['sdk'] / cpu['huawei']:.2f}x for the SDK); its wall time is "
            f"{wall['huawei'] / wall['floor']:.2f}x the raw urllib3 floor"
        )
    return [row1, row2]
